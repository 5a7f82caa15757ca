/**
 * The one reader of process.env. Every other module receives a Config.
 */
import path from 'node:path';
import type { AuthConfig } from './auth/tokens';
import { parseWaitSeconds, redactUrl } from './health';
import { EXECUTORS, type ExecutorName } from './executor';
import { DEFAULT_RATE_LIMIT_PER_MINUTE, DEFAULT_STATEMENT_TIMEOUT_MS } from './security/limits';

export interface Config {
  /** PostgreSQL connection string; when absent the embedded PGlite database is used. */
  databaseUrl?: string;
  /**
   * Read replicas of the databaseUrl server (DATABASE_REPLICA_URLS, comma-separated): GraphQL reads go to them,
   * writes (imports, migrations) stay on the primary. Empty = every statement on the primary.
   */
  replicaUrls: string[];
  /** Folder of the embedded PGlite database (ignored when databaseUrl is set). */
  dataDir: string;
  port: number;
  host: string;
  logLevel: string;
  nodeEnv: string;
  /** Time zone whose calendar says what "today" is (the default tree of `roots` and `unit`). */
  timeZone: string;
  /** How long `serve`/`start` wait for an unreachable database before giving up (KIEMTRA_DB_WAIT_SECONDS). */
  dbWaitSeconds: number;
  /** Token verification and signing (src/auth/tokens.ts); without a key the server runs open, on loopback only. */
  auth: AuthConfig;
  /** PostgreSQL statement_timeout in ms on every connection (0 = none); src/security/limits.ts says why the default. */
  statementTimeoutMs: number;
  /** Requests per minute per caller on /graphql (0 = unlimited). */
  rateLimitPerMinute: number;
  /** Memory for the response cache, in MB of JSON text (KIEMTRA_RESPONSE_CACHE_MB; 0 = no cache). */
  responseCacheMb: number;
  /** How queries are executed (KIEMTRA_EXECUTOR): compiled by graphql-jit, or interpreted by graphql-js (src/executor.ts). */
  executor: ExecutorName;
}

/** The response cache's default size: a national province page with every figure is ~4.6 MB of JSON. */
export const DEFAULT_RESPONSE_CACHE_MB = 128;

function parseWhole(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${name} must be a whole number ≥ 0, got "${raw}"`);
  return value;
}

function parseExecutor(raw: string | undefined): ExecutorName {
  if (raw === undefined || raw === '') return 'jit';
  if (!(EXECUTORS as readonly string[]).includes(raw)) throw new Error(`KIEMTRA_EXECUTOR must be one of ${EXECUTORS.join(', ')}, got "${raw}"`);
  return raw as ExecutorName;
}

function parsePort(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 4000;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be a whole number from 0 to 65535, got "${raw}"`);
  }
  return port;
}

function parseTimeZone(raw: string | undefined): string {
  const zone = raw || 'Asia/Ho_Chi_Minh';
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
  } catch {
    throw new Error(`KIEMTRA_TIMEZONE must be an IANA time zone such as Asia/Ho_Chi_Minh, got "${raw}"`);
  }
  return zone;
}

/**
 * DATABASE_REPLICA_URLS: comma-separated PostgreSQL URLs (postgres:// or postgresql://); blanks around commas and
 * a trailing comma are fine. Refused without DATABASE_URL: the embedded PGlite database is one process's file and
 * has no replicas, so a replica list there is a configuration mistake, not something to ignore.
 */
export function parseReplicaUrls(raw: string | undefined, databaseUrl: string | undefined): string[] {
  const urls = (raw ?? '')
    .split(',')
    .map((u) => u.trim())
    .filter((u) => u !== '');
  if (urls.length === 0) return [];
  if (!databaseUrl) {
    throw new Error('DATABASE_REPLICA_URLS needs DATABASE_URL: read replicas are replicas of a PostgreSQL server, and the embedded PGlite database has none');
  }
  for (const [i, raw] of urls.entries()) {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new Error(`DATABASE_REPLICA_URLS: entry ${i + 1} is not a URL (expected postgres://user@host:port/database)`);
    }
    if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
      throw new Error(`DATABASE_REPLICA_URLS: entry ${i + 1} (${redactUrl(raw)}) is not a postgres:// or postgresql:// URL`);
    }
    if (!url.hostname) throw new Error(`DATABASE_REPLICA_URLS: entry ${i + 1} (${redactUrl(raw)}) names no host`);
  }
  return urls;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    replicaUrls: parseReplicaUrls(env.DATABASE_REPLICA_URLS, env.DATABASE_URL || undefined),
    dataDir: path.resolve(env.KIEMTRA_DATA_DIR || '.kiemtra'),
    port: parsePort(env.PORT),
    host: env.HOST || '127.0.0.1',
    logLevel: env.LOG_LEVEL || 'info',
    nodeEnv: env.NODE_ENV || 'development',
    timeZone: parseTimeZone(env.KIEMTRA_TIMEZONE),
    dbWaitSeconds: parseWaitSeconds(env.KIEMTRA_DB_WAIT_SECONDS),
    auth: {
      publicKeyFile: env.KIEMTRA_AUTH_PUBLIC_KEY_FILE || undefined,
      privateKeyFile: env.KIEMTRA_AUTH_PRIVATE_KEY_FILE || undefined,
      jwksFile: env.KIEMTRA_AUTH_JWKS_FILE || undefined,
      jwksUrl: env.KIEMTRA_AUTH_JWKS_URL || undefined,
      issuer: env.KIEMTRA_AUTH_ISSUER || 'kiemtra',
      audience: env.KIEMTRA_AUTH_AUDIENCE || 'kiemtra',
    },
    statementTimeoutMs: parseWhole('KIEMTRA_STATEMENT_TIMEOUT_MS', env.KIEMTRA_STATEMENT_TIMEOUT_MS, DEFAULT_STATEMENT_TIMEOUT_MS),
    rateLimitPerMinute: parseWhole('KIEMTRA_RATE_LIMIT_PER_MINUTE', env.KIEMTRA_RATE_LIMIT_PER_MINUTE, DEFAULT_RATE_LIMIT_PER_MINUTE),
    responseCacheMb: parseWhole('KIEMTRA_RESPONSE_CACHE_MB', env.KIEMTRA_RESPONSE_CACHE_MB, DEFAULT_RESPONSE_CACHE_MB),
    executor: parseExecutor(env.KIEMTRA_EXECUTOR),
  };
}
