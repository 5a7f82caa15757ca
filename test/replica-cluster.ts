/**
 * A real PostgreSQL streaming-replication pair for test/replica.test.ts, made on loopback in a temporary folder:
 * a primary cluster (initdb) and a hot standby made from it with `pg_basebackup -R`, each on a free port, both
 * stopped and removed by `destroy()` (and, failing that, when the process exits).
 *
 * Why a primary of its own rather than the server at DATABASE_URL: streaming needs a `replication` line in the
 * server's pg_hba.conf (the `all` database keyword does not cover replication connections), and the machine's
 * cluster (/etc/postgresql/15/main/pg_hba.conf) has none. Adding one would mean editing the system's configuration;
 * a throw-away primary, whose initdb pg_hba.conf allows replication from 127.0.0.1, needs nothing of the machine but
 * the PostgreSQL binaries (the postgresql-15 package that .ci/run's server comes from). It also keeps the replica
 * small (a fresh cluster, not every database of a shared server) and leaves no replication slot behind on a
 * shared server if the test is killed.
 *
 * PostgreSQL refuses to run as root: as root, every binary runs as the `postgres` OS user (runuser), in a folder
 * that user owns.
 */
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';

const run = promisify(execFile);

/** Where the PostgreSQL 15 server binaries are (KIEMTRA_PG_BIN overrides). */
export const PG_BIN = process.env.KIEMTRA_PG_BIN || '/usr/lib/postgresql/15/bin';
const TOOLS = ['initdb', 'pg_ctl', 'pg_basebackup', 'postgres'];

/** Why a replication pair cannot be made here, or null when it can. */
export function replicaPairUnavailable(): string | null {
  const missing = TOOLS.filter((t) => !fs.existsSync(path.join(PG_BIN, t)));
  if (missing.length > 0) return `no PostgreSQL server binaries (${missing.join(', ')}) in ${PG_BIN} (set KIEMTRA_PG_BIN)`;
  if (isRoot() && spawnSync('id', ['-u', 'postgres']).status !== 0) return 'running as root and there is no `postgres` OS user to run PostgreSQL as';
  return null;
}

const isRoot = () => process.getuid?.() === 0;

/** Runs a PostgreSQL binary, as the postgres OS user when we are root. */
async function pg(tool: string, args: string[]): Promise<string> {
  const [cmd, argv] = isRoot() ? ['runuser', ['-u', 'postgres', '--', path.join(PG_BIN, tool), ...args]] : [path.join(PG_BIN, tool), args];
  try {
    const { stdout } = await run(cmd, argv, { timeout: 60_000 });
    return stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`${tool} ${args.join(' ')} failed: ${e.stderr || e.message}`);
  }
}

/** A port nothing listens on right now (the OS's pick for port 0 on loopback). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export class Cluster {
  constructor(
    readonly name: string,
    readonly dataDir: string,
    readonly port: number,
    readonly logFile: string,
  ) {}

  url(database = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  async start(): Promise<void> {
    await pg('pg_ctl', ['-D', this.dataDir, '-l', this.logFile, '-w', '-t', '30', '-o', `-p ${this.port}`, 'start']);
  }

  /** Fast shutdown: connections are ended (SQLSTATE 57P01), as when a server is stopped for maintenance. */
  async stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    await pg('pg_ctl', ['-D', this.dataDir, '-m', mode, '-w', '-t', '30', 'stop']);
  }

  running(): boolean {
    return fs.existsSync(path.join(this.dataDir, 'postmaster.pid'));
  }

  /** One statement on a connection of its own. */
  async query<T = Record<string, any>>(sql: string, params: unknown[] = [], database = 'postgres'): Promise<T[]> {
    const client = new Client({ connectionString: this.url(database) });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  /** Where the server log ends now: pass it to `logSince` to read what was logged after. */
  logMark(): number {
    return fs.statSync(this.logFile).size;
  }

  /** The statements (log_statement = all) logged since `mark` in `database`. */
  statementsSince(mark: number, database: string): string[] {
    const fd = fs.openSync(this.logFile, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      const buffer = Buffer.alloc(Math.max(0, size - mark));
      fs.readSync(fd, buffer, 0, buffer.length, mark);
      // An entry starts with log_line_prefix's timestamp; a statement's further lines follow it unprefixed.
      const entries = buffer.toString('utf8').split(/\n(?=\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)/);
      const marker = 'LOG:  statement: ';
      return entries
        .filter((entry) => entry.includes(` db=${database} `) && entry.includes(marker))
        .map((entry) => entry.slice(entry.indexOf(marker) + marker.length).trim());
    } finally {
      fs.closeSync(fd);
    }
  }
}

export interface ReplicaPair {
  root: string;
  primary: Cluster;
  replica: Cluster;
  /** Waits until the replica has replayed everything the primary has written so far. */
  waitForReplay(timeoutMs?: number): Promise<void>;
  /** Stops both servers and removes their folder. */
  destroy(): Promise<void>;
}

/** Settings for both servers (the replica's postgresql.conf is the primary's, copied by pg_basebackup). */
function settings(root: string): string {
  return [
    '',
    '# test/replica-cluster.ts',
    "listen_addresses = '127.0.0.1'",
    `unix_socket_directories = '${root}'`,
    // Throw-away data: no need to survive a power cut.
    'fsync = off',
    'synchronous_commit = off',
    'shared_buffers = 32MB',
    'max_connections = 60',
    // The evidence of which server ran which statement: each statement in the log, with its database.
    "log_statement = 'all'",
    "log_line_prefix = '%m [%p] db=%d '",
    // The standby tells the primary what it still reads, so that vacuum there cancels no read here.
    'hot_standby_feedback = on',
    'wal_receiver_status_interval = 1s',
    '',
  ].join('\n');
}

const live = new Set<ReplicaPair>();
process.once('exit', () => {
  // Last resort if destroy() never ran (the test process is ending): stop the servers synchronously.
  for (const pair of live) {
    for (const c of [pair.replica, pair.primary]) {
      if (!c.running()) continue;
      const argv = [path.join(PG_BIN, 'pg_ctl'), '-D', c.dataDir, '-m', 'immediate', '-w', 'stop'];
      if (isRoot()) spawnSync('runuser', ['-u', 'postgres', '--', ...argv]);
      else spawnSync(argv[0], argv.slice(1));
    }
    fs.rmSync(pair.root, { recursive: true, force: true });
  }
});

/** Makes and starts a primary and a streaming hot standby of it; both answer when this returns. */
export async function startReplicaPair(): Promise<ReplicaPair> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kiemtra-replica-'));
  if (isRoot()) {
    const { uid, gid } = postgresIds();
    fs.chownSync(root, uid, gid);
  }
  const primaryPort = await freePort();
  let replicaPort = await freePort();
  while (replicaPort === primaryPort) replicaPort = await freePort();
  const primary = new Cluster('primary', path.join(root, 'primary'), primaryPort, path.join(root, 'primary.log'));
  const replica = new Cluster('replica', path.join(root, 'replica'), replicaPort, path.join(root, 'replica.log'));
  const pair: ReplicaPair = {
    root,
    primary,
    replica,
    async waitForReplay(timeoutMs = 20_000) {
      const [{ lsn }] = await primary.query<{ lsn: string }>('select pg_current_wal_lsn()::text as lsn');
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const [{ done, replayed }] = await replica.query<{ done: boolean; replayed: string }>(
          'select coalesce(pg_last_wal_replay_lsn() >= $1::pg_lsn, false) as done, pg_last_wal_replay_lsn()::text as replayed',
          [lsn],
        );
        if (done) return;
        if (Date.now() > deadline) throw new Error(`the replica replayed up to ${replayed}, not ${lsn}, in ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async destroy() {
      for (const c of [replica, primary]) if (c.running()) await c.stop('immediate').catch(() => undefined);
      fs.rmSync(root, { recursive: true, force: true });
      live.delete(pair);
    },
  };
  live.add(pair);
  try {
    await pg('initdb', ['-D', primary.dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync', '--no-instructions']);
    // initdb's pg_hba.conf already allows `replication` from 127.0.0.1 with trust; wal_level is `replica` by default.
    fs.appendFileSync(path.join(primary.dataDir, 'postgresql.conf'), settings(root));
    await primary.start();
    // -R: standby.signal and primary_conninfo (127.0.0.1:primaryPort); -X stream: the WAL of the copy comes along.
    await pg('pg_basebackup', ['-h', '127.0.0.1', '-p', String(primaryPort), '-U', 'postgres', '-D', replica.dataDir, '-R', '-X', 'stream', '-c', 'fast', '--no-sync']);
    await replica.start();
    const [{ standby }] = await replica.query<{ standby: boolean }>('select pg_is_in_recovery() as standby');
    if (!standby) throw new Error('the replica is not in recovery');
    return pair;
  } catch (err) {
    const logs = [primary.logFile, replica.logFile].filter((f) => fs.existsSync(f)).map((f) => `--- ${f}\n${fs.readFileSync(f, 'utf8').slice(-2000)}`);
    await pair.destroy();
    throw new Error(`${(err as Error).message}\n${logs.join('\n')}`);
  }
}

function postgresIds(): { uid: number; gid: number } {
  const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  if (!Number.isInteger(uid) || !Number.isInteger(gid)) throw new Error('no postgres OS user');
  return { uid, gid };
}
