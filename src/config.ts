/**
 * The one reader of process.env. Every other module receives a Config.
 */
import path from 'node:path';

export interface Config {
  /** PostgreSQL connection string; when absent the embedded PGlite database is used. */
  databaseUrl?: string;
  /** Folder of the embedded PGlite database (ignored when databaseUrl is set). */
  dataDir: string;
  port: number;
  host: string;
  logLevel: string;
  nodeEnv: string;
  /** Time zone whose calendar says what "today" is (the default tree of `roots` and `unit`). */
  timeZone: string;
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

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: path.resolve(env.KIEMTRA_DATA_DIR || '.kiemtra'),
    port: parsePort(env.PORT),
    host: env.HOST || '127.0.0.1',
    logLevel: env.LOG_LEVEL || 'info',
    nodeEnv: env.NODE_ENV || 'development',
    timeZone: parseTimeZone(env.KIEMTRA_TIMEZONE),
  };
}
