/**
 * Database faults: which errors mean "the database cannot be reached" (as opposed to a bug or bad data), waiting
 * for the database at start, and the readiness check behind GET /ready.
 * Nothing here logs a connection string with its password, a row value or a query parameter.
 */
import type { RequestHandler } from 'express';
import { GraphQLError } from 'graphql';
import type { Connection } from '@mikro-orm/core';
import { readRouter, type Orm } from './db';
import type { Logger } from './logger';

/** What a client is told when the database cannot be reached (extensions.code SERVICE_UNAVAILABLE). */
export const DATABASE_UNAVAILABLE = 'The database is unavailable; try again shortly.';

/** Socket errors of a server that is down, restarting, unreachable or not yet resolvable (DNS at container start). */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'EHOSTDOWN', 'ENETUNREACH', 'ENETDOWN', 'ENOTFOUND', 'EAI_AGAIN']);
/**
 * SQLSTATEs of a server going away or not yet accepting work: 57P01 admin_shutdown, 57P02 crash_shutdown,
 * 57P03 cannot_connect_now (starting up, recovering), 53300 too_many_connections; and class 08 (connection exception).
 */
const SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
/** node-postgres and knex say these without a code when a socket ends under them (knex puts the SQL before them). */
const MESSAGES =
  /(Connection terminated|Connection ended unexpectedly|Client was closed and is not queryable|Client has encountered a connection error|timeout exceeded when trying to connect|Knex: Timeout acquiring a connection)/;

/** True when `err` (or an error it wraps) says the database server cannot be reached right now. */
export function isDatabaseUnavailable(err: unknown, depth = 0): boolean {
  if (err === null || typeof err !== 'object' || depth > 6) return false;
  const e = err as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown; errors?: unknown; originalError?: unknown };
  if (typeof e.code === 'string' && (NETWORK_CODES.has(e.code) || SQLSTATES.has(e.code) || /^08[0-9A-Z]{3}$/.test(e.code))) return true;
  if (e.name === 'KnexTimeoutError') return true;
  if (typeof e.message === 'string' && MESSAGES.test(e.message)) return true;
  // AggregateError (a host name with several addresses), Error.cause, GraphQLError.originalError.
  if (Array.isArray(e.errors) && e.errors.some((inner) => isDatabaseUnavailable(inner, depth + 1))) return true;
  return isDatabaseUnavailable(e.cause, depth + 1) || isDatabaseUnavailable(e.originalError, depth + 1);
}

/** The short reason of an unavailability, safe to log and print: a code such as ECONNREFUSED or 57P03. */
export function unavailableReason(err: unknown, depth = 0): string {
  if (err === null || typeof err !== 'object' || depth > 6) return 'unreachable';
  const e = err as { code?: unknown; name?: unknown; errors?: unknown; cause?: unknown; originalError?: unknown };
  if (typeof e.code === 'string') return e.code;
  if (e.name === 'KnexTimeoutError') return 'connection timeout';
  const inner = (Array.isArray(e.errors) ? e.errors[0] : undefined) ?? e.cause ?? e.originalError;
  return inner ? unavailableReason(inner, depth + 1) : 'connection lost';
}

/** A connection string fit for a log: the password (in the user part or a `password=` parameter) becomes `***`. */
export function redactUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.password) url.password = '***';
    for (const key of [...url.searchParams.keys()]) if (/pass/i.test(key)) url.searchParams.set(key, '***');
    return url.toString();
  } catch {
    return 'DATABASE_URL (not a parsable URL)';
  }
}

/** KIEMTRA_DB_WAIT_SECONDS: how long `serve` and `start` wait for an unreachable database (default 60). */
export function parseWaitSeconds(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 60;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds < 0) throw new Error(`KIEMTRA_DB_WAIT_SECONDS must be a number of seconds ≥ 0, got "${raw}"`);
  return seconds;
}

export class DatabaseUnreachableError extends Error {
  override name = 'DatabaseUnreachableError';
}

export interface WaitOptions {
  /** Give up after this many seconds (0: one attempt). */
  seconds: number;
  /** The database as shown to people: a redacted URL. */
  shownAs: string;
  logger: Logger;
  /** Told once, on the first failure: a one-line message for a person (the CLI writes it on stderr). */
  onFirstFailure?: (line: string) => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Connects a PostgreSQL ORM opened with `connect: false` (src/db.ts), creating its database if missing as MikroORM's
 * own connect does, and retries with exponential backoff (0.25 s doubling to 5 s) while the server cannot be reached.
 * Errors that retrying cannot fix (bad password, unknown role) are thrown at once.
 */
export async function waitForDatabase(orm: Orm, options: WaitOptions): Promise<void> {
  const deadline = Date.now() + options.seconds * 1000;
  let delay = 250;
  for (let attempt = 1; ; attempt++) {
    try {
      await orm.schema.ensureDatabase({ forceCheck: true });
      if (attempt > 1) options.logger.info({ database: options.shownAs, attempts: attempt }, 'the database answers');
      return;
    } catch (err) {
      if (!isDatabaseUnavailable(err)) throw err;
      const reason = unavailableReason(err);
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new DatabaseUnreachableError(
          `the database at ${options.shownAs} is unreachable (${reason})${options.seconds > 0 ? `; gave up after ${options.seconds} s (KIEMTRA_DB_WAIT_SECONDS)` : ''}`,
        );
      }
      const wait = Math.min(delay, left);
      if (attempt === 1) {
        options.onFirstFailure?.(`the database at ${options.shownAs} is unreachable (${reason}); retrying for up to ${options.seconds} s…`);
      }
      options.logger.warn({ database: options.shownAs, reason, attempt, retryInMs: wait }, 'the database is unreachable; retrying');
      await sleep(wait);
      delay = Math.min(delay * 2, 5000);
    }
  }
}

/** True when `select 1` answers on `connection` within `timeoutMs`. */
async function answers(connection: Connection, timeoutMs: number): Promise<{ ok: boolean; reason?: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<{ ok: boolean; reason?: string }>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, reason: 'no answer in time' }), timeoutMs);
    timer.unref();
  });
  const check = connection.execute('select 1').then(
    () => ({ ok: true }),
    (err: unknown) => ({ ok: false, reason: isDatabaseUnavailable(err) ? unavailableReason(err) : 'error' }),
  );
  const result = await Promise.race([check, timeout]);
  clearTimeout(timer);
  return result;
}

/**
 * GET /ready: 200 {status:'ready'} when `select 1` answers on the primary within `timeoutMs`, else 503
 * {status:'unavailable'}. With read replicas, each is probed too and listed in order (`replicas: ['ready',
 * 'unavailable']`), but a replica that is down does not make the server unready: reads leave it for the other
 * replicas or, when none answers, for the primary (src/db.ts ReadRouter), so the server can still answer everything.
 * The probe also puts a replica that answers again back into the read rotation at once.
 */
export function readinessHandler(orm: Orm, timeoutMs = 2000): RequestHandler {
  return async (_req, res) => {
    const em = orm.em.fork();
    const router = readRouter(em);
    const [primary, ...replicas] = await Promise.all([
      answers(em.getConnection('write'), timeoutMs),
      ...(router?.replicas ?? []).map((r) => answers(r.connection, timeoutMs)),
    ]);
    router?.replicas.forEach((r, i) => (replicas[i].ok ? router.markUp(r.connection) : router.markDown(r.connection, replicas[i].reason ?? 'unavailable')));
    const body: { status: string; replicas?: string[] } = { status: primary.ok ? 'ready' : 'unavailable' };
    if (router) body.replicas = replicas.map((r) => (r.ok ? 'ready' : 'unavailable'));
    res.status(primary.ok ? 200 : 503).json(body);
  };
}

/**
 * For the GraphQL context factory: a database outage while setting up a request (a scoped request opens its
 * transaction there) becomes SERVICE_UNAVAILABLE with HTTP 503; anything else is rethrown as it is.
 */
export function rethrowUnavailable(err: unknown): never {
  if (isDatabaseUnavailable(err)) {
    throw new GraphQLError(DATABASE_UNAVAILABLE, { extensions: { code: 'SERVICE_UNAVAILABLE', http: { status: 503 } } });
  }
  throw err;
}
