/**
 * Surviving faults, with the built CLI (bin/kiemtra.js) in child processes as an operator runs it:
 * - the database unreachable at start (`serve` waits with backoff, then serves; or gives up after
 *   KIEMTRA_DB_WAIT_SECONDS with exit 1), and during requests (SERVICE_UNAVAILABLE, /ready 503, /health 200, and
 *   recovery without a restart). PostgreSQL only: the outage is a TCP proxy of this test between the server and
 *   PostgreSQL, closed and reopened (the shared cluster is never stopped);
 * - SIGTERM drains the requests in flight (held in flight by pausing that proxy) and refuses new connections;
 * - the logs say what happened without the password of DATABASE_URL or any row value or query variable;
 * - `kiemtra import` killed with SIGKILL in the middle of its write leaves the database exactly as it was, and the
 *   next import succeeds (PostgreSQL; on PGlite, the data folder reopened after the kill).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { GraphQLError } from 'graphql';
import { openDatabase, type Orm } from '../src/db';
import { createFormatError } from '../src/errors';
import { DATABASE_UNAVAILABLE, isDatabaseUnavailable, parseWaitSeconds, redactUrl } from '../src/health';
import { createLogger } from '../src/logger';
import { createTestDb, importFiles, writeDataset, type TestDb } from './harness';

const BIN = path.join(__dirname, '..', 'bin', 'kiemtra.js');
const ON_POSTGRES = !!process.env.DATABASE_URL;
const pgTest = ON_POSTGRES ? test : test.skip;
const pgliteTest = ON_POSTGRES ? test.skip : test;
/** Imports serialize on this PostgreSQL advisory lock (src/import/index.ts). */
const IMPORT_LOCK = 0x6b69656d;

/** Values that must never reach a log: a unit's name and code (row values; the code is also a query variable). */
const UNIT_NAME = 'Tỉnh ủy Kiểm Thử Sự Cố';
const UNIT_CODE = 'FAULTQX';
const SMALL = {
  'units.csv': `code,parent_code,name,kind\n${UNIT_CODE},,${UNIT_NAME},PROVINCIAL_COMMITTEE\n${UNIT_CODE}.1,${UNIT_CODE},Huyện ủy Một,DISTRICT_COMMITTEE\n`,
  'campaigns.csv': `unit_code,year,month,status,quantity\n${UNIT_CODE}.1,2024,4,COMPLETED,12\n${UNIT_CODE},2024,5,CANCELLED,3\n`,
};
const QUERY = {
  query: 'query($code: String!) { unit(code: $code) { name rollup(period: { year: 2024 }) { campaigns { total } } } }',
  variables: { code: UNIT_CODE },
};
const ANSWER = { data: { unit: { name: UNIT_NAME, rollup: { campaigns: { total: 15 } } } } };

// ---------------------------------------------------------------------------------------------------------------
// Helpers: child processes, polling, a TCP proxy that plays the database going away, a snapshot of every table.

/** The environment of a child: the test's, without DATABASE_URL or jest's NODE_OPTIONS. */
function childEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { DATABASE_URL: _url, KIEMTRA_DATA_DIR: _dir, ...rest } = process.env;
  return { ...rest, NODE_OPTIONS: '', LOG_LEVEL: 'info', ...extra };
}

interface Child {
  process: ChildProcess;
  stdout: string;
  stderr: string;
  exited: Promise<number | null>;
}

const children: ChildProcess[] = [];
function kiemtra(args: string[], env: NodeJS.ProcessEnv): Child {
  const proc = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(proc);
  const child: Child = { process: proc, stdout: '', stderr: '', exited: new Promise((resolve) => proc.once('exit', (code) => resolve(code))) };
  proc.stdout!.on('data', (d) => (child.stdout += d));
  proc.stderr!.on('data', (d) => (child.stderr += d));
  return child;
}

/** Polls `check` every 20 ms until it returns a truthy value; fails after `ms` with `what`. */
async function until<T>(check: () => T | Promise<T>, ms: number, what: () => string): Promise<NonNullable<T>> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The URL a `serve` child prints once it listens. */
const servedUrl = (child: Child) => until(() => child.stdout.match(/at (http:\/\/\S+)\/graphql/)?.[1], 30_000, () => `the URL on stdout; stderr: ${child.stderr}`);

const post = (base: string, body: unknown) =>
  fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** Whether a new TCP connection to `port` is refused. */
const refused = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });

/**
 * A TCP proxy to PostgreSQL that the test opens and closes: closing stops listening and drops every connection,
 * as a database going down does; pausing holds the database's answers, so that requests stay in flight.
 */
class TcpProxy {
  port = 0;
  /** Bytes the server sent towards the database since the last pause(). */
  sentWhilePaused = 0;
  private server?: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private held: (() => void)[] = [];
  private paused = false;

  constructor(private readonly target: { host: string; port: number }) {}

  async open(): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.target.port, this.target.host);
      this.sockets.add(client).add(upstream);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        this.sockets.delete(client);
        this.sockets.delete(upstream);
      };
      for (const s of [client, upstream]) s.on('error', drop).on('close', drop);
      client.on('data', (d: Buffer) => {
        if (this.paused) this.sentWhilePaused += d.length;
        upstream.write(d);
      });
      upstream.on('data', (d: Buffer) => (this.paused ? this.held.push(() => client.write(d)) : client.write(d)));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  /** Stops listening and drops every connection (a database that goes away). */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.held = [];
    this.paused = false;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    if (server) await new Promise((resolve) => server.close(resolve));
  }

  pause(): void {
    this.paused = true;
    this.sentWhilePaused = 0;
  }

  resume(): void {
    this.paused = false;
    const held = this.held;
    this.held = [];
    for (const send of held) send();
  }
}

type Snapshot = Record<string, { rows: number; quantity: number | null }>;
/** Row count and quantity sum of every table of the database: what "exactly as it was" is compared on. */
async function snapshot(orm: Orm): Promise<Snapshot> {
  const conn = orm.em.fork().getConnection();
  const tables = await conn.execute<{ table_name: string; has_quantity: boolean }[]>(
    `select t.table_name, exists (select 1 from information_schema.columns c
       where c.table_schema = t.table_schema and c.table_name = t.table_name and c.column_name = 'quantity') as has_quantity
     from information_schema.tables t where t.table_schema = 'public' and t.table_type = 'BASE TABLE' order by 1`,
  );
  const result: Snapshot = {};
  for (const t of tables) {
    const [row] = await conn.execute(
      `select count(*)::int as rows, ${t.has_quantity ? 'sum(quantity)::bigint::text' : 'null'} as quantity from "${t.table_name}"`,
    );
    result[t.table_name] = { rows: row.rows, quantity: row.quantity === null ? null : Number(row.quantity) };
  }
  return result;
}

/** A dataset of `n` campaign rows on the units of SMALL (each with an external id: n new rows, then n unchanged). */
function bigDataset(n: number): string {
  const lines = ['external_id,unit_code,year,month,status,quantity'];
  for (let i = 0; i < n; i++) lines.push(`K${i},${UNIT_CODE}.1,${2000 + (Math.floor(i / 12) % 60)},${(i % 12) + 1},COMPLETED,${(i % 5) + 1}`);
  return writeDataset({ 'campaigns.csv': lines.join('\n') + '\n' });
}
/** Big enough that the write lasts seconds (PostgreSQL ~3 s in, PGlite ~2 s), small enough to import again. */
const BIG_ROWS = ON_POSTGRES ? 60_000 : 20_000;

afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

// ---------------------------------------------------------------------------------------------------------------

test('connection errors are told apart from bugs; a password never reaches a log line', () => {
  const refusedErr = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
  for (const err of [
    refusedErr,
    new AggregateError([refusedErr], ''), // a host name with an IPv4 and an IPv6 address
    Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
    Object.assign(new Error('the database system is starting up'), { code: '57P03' }),
    Object.assign(new Error('connection failure'), { code: '08006' }),
    new Error('Connection terminated unexpectedly'),
    new Error(`select id from units\n  where code = 'X' - Connection terminated unexpectedly`), // as knex words it
    new GraphQLError('Context creation failed', { originalError: new Error('Connection terminated unexpectedly') }),
    Object.assign(new Error('wrapped'), { cause: refusedErr }),
  ]) {
    expect([err.message, isDatabaseUnavailable(err)]).toEqual([err.message, true]);
  }
  for (const err of [
    Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' }),
    Object.assign(new Error('relation "x" does not exist'), { code: '42P01' }),
    Object.assign(new Error('password authentication failed for user "kiemtra"'), { code: '28P01' }),
    new TypeError("Cannot read properties of undefined (reading 'id')"),
    'ECONNREFUSED',
    null,
  ]) {
    expect([String(err), isDatabaseUnavailable(err)]).toEqual([String(err), false]);
  }

  expect(redactUrl('postgres://kiemtra:s3cr%40t@db.example:5432/kiemtra?sslmode=require')).toBe('postgres://kiemtra:***@db.example:5432/kiemtra?sslmode=require');
  expect(redactUrl('postgres://db.example/kiemtra?user=k&password=s3cret')).toBe('postgres://db.example/kiemtra?user=k&password=***');
  expect(redactUrl('postgres://kiemtra@db.example/kiemtra')).toBe('postgres://kiemtra@db.example/kiemtra');
  expect(redactUrl('not a url s3cret')).not.toContain('s3cret');
  expect([parseWaitSeconds(undefined), parseWaitSeconds(''), parseWaitSeconds('2.5')]).toEqual([60, 60, 2.5]);
  expect(() => parseWaitSeconds('soon')).toThrow('KIEMTRA_DB_WAIT_SECONDS');

  // formatError: a resolver that met a dropped connection gets SERVICE_UNAVAILABLE, not the driver's message.
  const logged: string[] = [];
  const logger = createLogger('info');
  logger.warn = ((obj: unknown, msg: string) => logged.push(JSON.stringify([obj, msg]))) as typeof logger.warn;
  const original = Object.assign(new Error(`Connection terminated unexpectedly; select * from units where code = '${UNIT_CODE}'`), { code: undefined });
  const error = new GraphQLError(original.message, { path: ['unit'], originalError: original });
  const formatted = createFormatError(logger)({ message: original.message, path: ['unit'], extensions: { code: 'INTERNAL_SERVER_ERROR' } }, error);
  expect(formatted).toEqual({ message: DATABASE_UNAVAILABLE, path: ['unit'], locations: undefined, extensions: { code: 'SERVICE_UNAVAILABLE' } });
  expect(logged.join()).toContain('the database is unavailable');
  expect(logged.join()).not.toContain(UNIT_CODE);

  // Any other error: INTERNAL_SERVER_ERROR, and the log has its class and frames, not knex's message (SQL and values).
  logger.error = ((obj: unknown, msg: string) => logged.push(JSON.stringify([obj, msg]))) as typeof logger.error;
  const bug = Object.assign(new Error(`select * from units\n  where code = any('{"${UNIT_CODE}"}') - invalid input syntax for type date: "${UNIT_NAME}"`), { code: '22007' });
  const internal = createFormatError(logger)({ message: bug.message, path: ['unit'] }, new GraphQLError(bug.message, { path: ['unit'], originalError: bug }));
  expect(internal).toEqual({ message: 'Internal server error', path: ['unit'], extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  expect(logged.at(-1)).toContain('internal error while resolving a GraphQL request');
  expect(logged.at(-1)).toMatch(/ at /);
  for (const value of [UNIT_CODE, UNIT_NAME, 'select']) expect(logged.join()).not.toContain(value);
});

pgTest('`serve` gives up on an unreachable database after KIEMTRA_DB_WAIT_SECONDS: exit 1, one clear line, no password', async () => {
  const closed = new TcpProxy({ host: '127.0.0.1', port: 1 });
  await closed.open();
  await closed.close(); // a port nobody listens on
  const started = Date.now();
  const child = kiemtra(['serve'], childEnv({ DATABASE_URL: `postgres://kiemtra:hunter2secret@127.0.0.1:${closed.port}/kiemtra`, KIEMTRA_DB_WAIT_SECONDS: '1', PORT: '0' }));
  expect(await child.exited).toBe(1);
  expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  expect(child.stderr).toContain(`kiemtra: the database at postgres://kiemtra:***@127.0.0.1:${closed.port}/kiemtra is unreachable (ECONNREFUSED); retrying for up to 1 s…`);
  expect(child.stderr).toContain('gave up after 1 s (KIEMTRA_DB_WAIT_SECONDS)');
  expect(child.stderr).not.toContain('hunter2secret');
  expect(child.stderr).not.toMatch(/\n\s+at /);
  expect(child.stdout).toBe('');
});

describe('PostgreSQL behind a proxy the test can close: one `kiemtra serve` through start-up, outage and SIGTERM', () => {
  let db: TestDb;
  let proxy: TcpProxy;
  let server: Child;
  let base: string;
  let password: string;

  beforeAll(async () => {
    if (!ON_POSTGRES) return;
    db = await createTestDb();
    await importFiles(db.orm, SMALL);
    const target = new URL(process.env.DATABASE_URL!);
    proxy = new TcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    await proxy.open();
    await proxy.close(); // keep its port; nothing listens there until the test opens it
  });
  afterAll(async () => {
    if (server && server.process.exitCode === null) server.process.kill('SIGKILL');
    await proxy?.close();
    await db?.close();
  });

  pgTest('start-up: the server retries an unreachable database, then serves as soon as it answers', async () => {
    const url = new URL(db.url!);
    url.host = `127.0.0.1:${proxy.port}`;
    // A password to look for in the logs (ignored by a server that trusts local connections).
    password = decodeURIComponent(url.password) || 'kiemtra-fault-secret';
    url.password = encodeURIComponent(password);
    server = kiemtra(['serve'], childEnv({ DATABASE_URL: url.toString(), KIEMTRA_DB_WAIT_SECONDS: '30', PORT: '0' }));
    const started = Date.now();
    await until(() => server.stderr.includes('is unreachable (ECONNREFUSED); retrying for up to 30 s…'), 10_000, () => `the retry line; stderr: ${server.stderr}`);
    await sleep(Math.max(0, 2000 - (Date.now() - started)));
    expect(server.stdout).toBe(''); // not serving yet
    expect(server.process.exitCode).toBeNull();
    await proxy.open();
    base = await servedUrl(server);
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(2000);
    expect(waited).toBeLessThan(2000 + 6000); // backoff is capped at 5 s
    expect(server.stderr).toContain('"msg":"the database answers"');
    expect(await (await fetch(`${base}/health`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${base}/ready`);
    expect([ready.status, await ready.json()]).toEqual([200, { status: 'ready' }]);
    expect(await (await post(base, QUERY)).json()).toEqual(ANSWER);
  });

  pgTest('outage: requests get SERVICE_UNAVAILABLE, /ready 503, /health 200; when the database is back, the same process answers again', async () => {
    // A request in flight when the connection drops ("Connection terminated unexpectedly").
    proxy.pause();
    const inFlight = post(base, QUERY);
    await until(() => proxy.sentWhilePaused > 0, 5000, () => 'the query to reach the database');
    await proxy.close();
    const dropped = await inFlight;
    // Requests while nothing listens (ECONNREFUSED on connect).
    const refusedAnswer = await post(base, QUERY);
    for (const res of [dropped, refusedAnswer]) {
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(body.errors).toEqual([{ message: DATABASE_UNAVAILABLE, locations: expect.any(Array), path: ['unit'], extensions: { code: 'SERVICE_UNAVAILABLE' } }]);
      expect(JSON.stringify(body)).not.toMatch(/select|ECONN|terminated|INTERNAL_SERVER_ERROR|stacktrace/i);
    }
    const notReady = await fetch(`${base}/ready`);
    expect([notReady.status, await notReady.json()]).toEqual([503, { status: 'unavailable' }]);
    const alive = await fetch(`${base}/health`);
    expect([alive.status, await alive.json()]).toEqual([200, { status: 'ok' }]);

    await proxy.open();
    const back = await post(base, QUERY);
    expect([back.status, await back.json()]).toEqual([200, ANSWER]);
    expect((await fetch(`${base}/ready`)).status).toBe(200);

    // The logs said so, as JSON lines, without the password, a row value or the query's variables.
    const lines = server.stderr.trim().split('\n');
    expect(lines.filter((l) => !l.startsWith('kiemtra: ') && !l.startsWith('{'))).toEqual([]);
    const events = lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
    expect(events.filter((e) => e.msg === 'the database is unavailable').length).toBeGreaterThanOrEqual(2);
    expect(events.filter((e) => e.level >= 50)).toEqual([]); // an outage is not an internal error
    expect(server.stderr).not.toContain(password);
    expect(server.stderr).not.toContain(encodeURIComponent(password));
    for (const value of [UNIT_NAME, UNIT_CODE, 'Huyện ủy Một']) expect(server.stderr).not.toContain(value);
  });

  pgTest('SIGTERM: requests in flight complete with 200, new connections are refused, exit 0', async () => {
    const port = Number(new URL(base).port);
    proxy.pause(); // every statement's answer is held: the requests stay in flight
    const requests = Array.from({ length: 12 }, () => post(base, QUERY));
    await until(() => proxy.sentWhilePaused > 0, 5000, () => 'the requests to reach the database');
    // Let the server accept every connection (it is idle, waiting on the database).
    let sent = -1;
    await until(() => {
      const settled = sent === proxy.sentWhilePaused;
      sent = proxy.sentWhilePaused;
      return settled;
    }, 5000, () => 'the requests to settle');
    await sleep(200);
    const signalled = Date.now();
    server.process.kill('SIGTERM');
    await until(() => refused(port), 5000, () => 'new connections to be refused');
    expect(server.process.exitCode).toBeNull(); // still draining
    await sleep(300);
    proxy.resume();
    const answers = await Promise.all(requests.map(async (r) => { const res = await r; return [res.status, await res.json()]; }));
    expect(answers).toEqual(requests.map(() => [200, ANSWER]));
    expect(await server.exited).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(8000); // drained, not cut at the 10 s grace period
    expect(await refused(port)).toBe(true);
  });
});

pgTest('`kiemtra import` killed (SIGKILL) in the middle of its write: the database holds exactly what it held, and the next import succeeds', async () => {
  const db = await createTestDb();
  try {
    await importFiles(db.orm, SMALL);
    const before = await snapshot(db.orm);
    expect(before.campaigns).toEqual({ rows: 2, quantity: 15 });
    const dir = bigDataset(BIG_ROWS);
    const env = childEnv({ DATABASE_URL: db.url });
    const conn = db.orm.em.fork().getConnection();
    /** Rows ever inserted into campaigns, committed or not (the statistics count rolled-back inserts too). */
    const inserted = async () => Number((await conn.execute(`select coalesce(sum(n_tup_ins), 0)::bigint::text as n from pg_stat_user_tables where relname = 'campaigns'`))[0].n);
    // Statistics arrive late (at most a second): wait for the two rows imported above, so that what follows is the kill's.
    const insertedBefore = await until(async () => { const n = await inserted(); return n >= 2 && n; }, 5000, () => 'the statistics of the first import');
    const started = Date.now();
    const child = kiemtra(['import', dir], env);
    // The write has begun when the backend holding the import's advisory lock also holds a write lock on campaigns.
    const pid = await until(async () => {
      if (child.process.exitCode !== null) throw new Error(`the import ended before it was killed: ${child.stdout}${child.stderr}`);
      const rows = await conn.execute<{ pid: number }[]>(
        `select a.pid from pg_locks a join pg_locks w on w.pid = a.pid join pg_class c on c.oid = w.relation
         where a.locktype = 'advisory' and a.objid = ? and a.granted and a.database = (select oid from pg_database where datname = current_database())
           and c.relname = 'campaigns' and w.mode = 'RowExclusiveLock' and w.granted`,
        [IMPORT_LOCK],
      );
      return rows[0]?.pid;
    }, 60_000, () => `the import to begin writing; stderr: ${child.stderr}`);
    const writing = Date.now() - started;
    await sleep(300); // well inside the write, which lasts seconds
    child.process.kill('SIGKILL');
    expect(await child.exited).toBeNull(); // killed, not finished
    expect(child.stderr).toContain('checking and writing in one transaction…');
    expect(child.stdout).not.toContain('Imported');
    // PostgreSQL notices the dead client, rolls its transaction back and ends the backend.
    await until(async () => (await conn.execute(`select count(*)::int as n from pg_stat_activity where pid = ?`, [pid]))[0].n === 0, 30_000, () => 'the backend to end');
    expect(await snapshot(db.orm)).toEqual(before);
    // Proof that the kill came mid-write: the dead transaction had inserted rows, all rolled back.
    const rolledBack = await until(async () => (await inserted()) - insertedBefore, 5000, () => 'the statistics of the dead backend');
    expect(rolledBack).toBeGreaterThan(0);
    // Nothing is left locked or half-done: the same import, run again, writes every row.
    const again = kiemtra(['import', dir], env);
    expect(await again.exited).toBe(0);
    expect(again.stdout).toMatch(new RegExp(`campaigns\\.csv\\s+${BIG_ROWS} rows: ${BIG_ROWS} created, 0 updated, 0 unchanged`));
    const after = await snapshot(db.orm);
    expect(after.campaigns.rows).toBe(2 + BIG_ROWS);
    console.log(`kill during import (PostgreSQL): write began ${writing} ms after start, killed 300 ms later with ${rolledBack} rows inserted; all rolled back; re-import ok`);
  } finally {
    await db.close();
  }
});

pgliteTest('PGlite: `kiemtra import` killed (SIGKILL) while writing; the data folder reopens with exactly what it held, and the next import succeeds', async () => {
  // PGlite runs inside the killed process: what survives is its data folder, recovered from its WAL on reopening.
  const t0 = Date.now();
  const mark: string[] = [];
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiemtra-kill-'));
  const env = childEnv({ KIEMTRA_DATA_DIR: dataDir });
  const load = kiemtra(['import', writeDataset(SMALL)], env);
  expect(await load.exited).toBe(0);
  const reopen = async <T>(work: (orm: Orm) => Promise<T>): Promise<T> => {
    const orm = await openDatabase({ dataDir });
    try {
      return await work(orm);
    } finally {
      await orm.close(true);
    }
  };
  const campaignsBytes = async (orm: Orm) => Number((await orm.em.fork().getConnection().execute(`select pg_relation_size('campaigns')::text as n`))[0].n);
  const [before, bytesBefore] = await reopen(async (orm) => [await snapshot(orm), await campaignsBytes(orm)] as const);
  expect(before.campaigns).toEqual({ rows: 2, quantity: 15 });

  const dir = bigDataset(BIG_ROWS);
  const child = kiemtra(['import', dir], env);
  mark.push(`import started at ${Date.now() - t0} ms`);
  await until(() => {
    if (child.process.exitCode !== null) throw new Error(`the import ended before it was killed: ${child.stdout}${child.stderr}`);
    return child.stderr.includes('checking and writing in one transaction…');
  }, 60_000, () => 'the write stage');
  // Reading and checking write no WAL; the write does: wait until the WAL has changed twice.
  const wal = path.join(dataDir, 'pg_wal');
  const state = () => fs.readdirSync(wal).map((f) => { const s = fs.statSync(path.join(wal, f)); return `${f}:${s.size}:${s.mtimeMs}`; }).join();
  const initial = state();
  let seen = initial;
  let changes = 0;
  await until(() => {
    if (child.process.exitCode !== null) throw new Error(`the import ended before it was killed: ${child.stdout}`);
    const now = state();
    if (now !== seen) changes++;
    seen = now;
    return changes >= 2;
  }, 60_000, () => 'the WAL to grow');
  mark.push(`killed at ${Date.now() - t0} ms`);
  child.process.kill('SIGKILL');
  expect(await child.exited).toBeNull(); // killed, not finished
  expect(child.stdout).not.toContain('Imported');

  const [after, bytesAfter] = await reopen(async (orm) => [await snapshot(orm), await campaignsBytes(orm)] as const);
  expect(after).toEqual(before);
  // Proof that the kill came mid-write: the table grew by the killed import's rows, recovered from the WAL as dead.
  expect(bytesAfter).toBeGreaterThan(bytesBefore);
  mark.push(`reopened at ${Date.now() - t0} ms (campaigns ${bytesBefore} → ${bytesAfter} bytes, no new live row)`);
  const again = kiemtra(['import', dir], env);
  expect(await again.exited).toBe(0);
  expect(again.stdout).toMatch(new RegExp(`campaigns\\.csv\\s+${BIG_ROWS} rows: ${BIG_ROWS} created, 0 updated, 0 unchanged`));
  console.log(`kill during import (PGlite): ${mark.join(', ')}, re-imported at ${Date.now() - t0} ms`);
});
