/**
 * MikroORM initialisation: a real PostgreSQL server when DATABASE_URL is set, otherwise the embedded
 * PGlite database persisted in KIEMTRA_DATA_DIR. Same entities, same migrations, same SQL.
 * With read replicas (DATABASE_REPLICA_URLS, PostgreSQL only) MikroORM holds one pool per replica beside the
 * primary's; which one a read uses is decided by the ReadRouter below (src/sql.ts asks it), writes stay on the primary.
 */
import fs from 'node:fs';
import { MikroORM, type Options, type LoggerNamespace, DefaultLogger, type LoggerOptions, type Connection, type EntityManager, type Transaction } from '@mikro-orm/core';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { PGlite } from '@electric-sql/pglite';
import { ltree } from '@electric-sql/pglite/contrib/ltree';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { PGliteDriver } from 'mikro-orm-pglite';
import { ENTITIES } from './facts/fact.entities';
import { MIGRATIONS } from '../migrations';
import type { Config } from './config';
import { DEFAULT_STATEMENT_TIMEOUT_MS } from './security/limits';

/** Counts SQL statements sent through MikroORM; used by the statement-count test and the benchmark. */
export const statementCounter = { count: 0 };

/** Counts queries and prints nothing: SQL text carries parameters, and parameters can be personal data. */
class CountingLogger extends DefaultLogger {
  constructor(options: LoggerOptions) {
    super(options);
  }
  override log(namespace: LoggerNamespace, _message: string): void {
    if (namespace === 'query') statementCounter.count++;
  }
  override isEnabled(namespace: LoggerNamespace): boolean {
    return namespace === 'query';
  }
}

export type Orm = MikroORM;

export interface DbTarget {
  /** PostgreSQL connection string, or undefined for embedded PGlite. */
  databaseUrl?: string;
  /**
   * Hot-standby replicas of databaseUrl (PostgreSQL only; config.ts refuses them without DATABASE_URL). A URL without
   * a database name reads the primary's database. Same pool size, statement_timeout and jit=off as the primary.
   */
  replicaUrls?: string[];
  /** PGlite data folder; `memory://` for a throw-away in-memory database. */
  dataDir: string;
  /**
   * PostgreSQL statement_timeout in ms on every connection (default DEFAULT_STATEMENT_TIMEOUT_MS, 0 = none).
   * Not applied to PGlite: it accepts the setting but never cancels (no timer signals in its WASM backend).
   */
  statementTimeoutMs?: number;
}

function baseOptions(): Partial<Options> {
  return {
    entities: ENTITIES,
    discovery: { disableDynamicFileAccess: true, requireEntitiesArray: true },
    debug: ['query'],
    loggerFactory: (options) => new CountingLogger(options),
    allowGlobalContext: false,
    migrations: {
      migrationsList: MIGRATIONS,
      tableName: 'mikro_orm_migrations',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      silent: true,
    },
  };
}

export async function openDatabase(target: DbTarget | Config): Promise<Orm> {
  if (target.databaseUrl) {
    // No JIT: rollup statements are short, but the planner's estimates for their recursive CTEs pass
    // jit_above_cost, and compiling then costs ~1 s per statement (measured on an asOf rollup: 1,280 ms with
    // JIT, 167 ms without). PGlite has no JIT.
    // statement_timeout: a runaway statement is cancelled (SQLSTATE 57014, answered as TIMEOUT) and frees its connection.
    const driverOptions = { connection: { options: `-c jit=off -c statement_timeout=${target.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS}` } };
    const replicaUrls = target.replicaUrls ?? [];
    const orm = await MikroORM.init({
      ...baseOptions(),
      driver: PostgreSqlDriver,
      clientUrl: target.databaseUrl,
      // Nothing connects here: the pool connects on first use (and again after the server comes back). The CLI
      // connects through waitForDatabase (src/health.ts), which retries while the server is unreachable. Replica
      // pools connect on first read too, so a replica that is down delays nothing at start.
      connect: false,
      pool: { min: 0, max: 10 },
      driverOptions,
      replicas: replicaUrls.map((url, i) => ({ name: `replica ${i + 1}`, clientUrl: withDatabaseOf(url, target.databaseUrl!), pool: { min: 0, max: 10 }, driverOptions })),
      // MikroORM's own routing (entity reads outside a transaction to a random replica) stays off: reads choose their
      // connection explicitly (src/sql.ts, through the ReadRouter), so nothing reaches a replica unasked, and an
      // unavailable replica is skipped.
      preferReadReplicas: false,
      extensions: [Migrator],
    } as Options);
    if (replicaUrls.length > 0) {
      const driver = orm.em.getDriver();
      const replicas = (driver as unknown as { replicas: Connection[] }).replicas;
      if (replicas?.length !== replicaUrls.length) throw new Error('MikroORM did not create the read replica connections');
      routers.set(driver, new ReadRouter(replicas));
    }
    return orm;
  }
  const dataDir = target.dataDir;
  if (!dataDir.startsWith('memory://')) fs.mkdirSync(dataDir, { recursive: true });
  const pglite = await PGlite.create(dataDir, { extensions: { ltree, btree_gist, unaccent, pg_trgm } });
  const orm = await MikroORM.init({
    ...baseOptions(),
    driver: PGliteDriver,
    dbName: 'postgres',
    driverOptions: { connection: { pglite: () => pglite } },
    extensions: [Migrator],
  } as Options);
  // The PGlite instance is borrowed by the driver: close it with the ORM.
  const close = orm.close.bind(orm);
  orm.close = async (force?: boolean) => {
    await close(force);
    await pglite.close();
  };
  return orm;
}

/**
 * Applies every pending migration (or those up to `to`, a migration's name); returns the names of those applied.
 * On PostgreSQL all of them in one transaction without a statement timeout: the pool's connections carry the API's
 * (KIEMTRA_STATEMENT_TIMEOUT_MS), and a migration that rebuilds derived data reads every fact — minutes at national
 * scale. Lifted here, for the migrating transaction only, so that no migration has to remember it. PGlite has no
 * timeout to lift, and its one connection could not serve the migrator's own reads beside an open transaction.
 */
export async function migrate(orm: Orm, options: { to?: string } = {}): Promise<string[]> {
  const up = (transaction?: Transaction) => orm.getMigrator().up({ ...(options.to ? { to: options.to } : {}), ...(transaction ? { transaction } : {}) });
  if (!(orm.em.getDriver() instanceof PostgreSqlDriver)) return (await up()).map((m) => m.name);
  const connection = orm.em.getConnection();
  const applied = await connection.transactional(async (trx) => {
    await connection.execute('set local statement_timeout = 0', [], 'run', trx);
    return up(trx);
  });
  return applied.map((m) => m.name);
}

/** A replica URL without a database name (`postgres://host:5433` or `…/`) reads the primary's database. */
function withDatabaseOf(replicaUrl: string, primaryUrl: string): string {
  const url = new URL(replicaUrl);
  if (url.pathname === '' || url.pathname === '/') url.pathname = new URL(primaryUrl).pathname;
  return url.toString();
}

/** How long a replica that could not be reached stays out of the read rotation before a read tries it again. */
export const REPLICA_RETRY_MS = 5000;

export interface ReplicaState {
  /** "replica 1", "replica 2"…: the position in DATABASE_REPLICA_URLS (never the URL, which may hold a password). */
  name: string;
  connection: Connection;
  /** Out of the rotation until this time (ms since epoch); 0 = in rotation. */
  downUntil: number;
  /** Why it was taken out (an error code such as ECONNREFUSED), while it is. */
  reason?: string;
}

/**
 * Which connection a read uses: a replica picked at random among those in rotation, or the primary when there is
 * none (no replicas configured, or every one unreachable: reads then degrade to the primary instead of failing).
 * A replica leaves the rotation when a read or a /ready probe cannot reach it, and comes back when a probe reaches
 * it or, after REPLICA_RETRY_MS, when a read tries it again and succeeds.
 * Replicas lag: a read may not yet see the latest import (it does once the replica has replayed it).
 */
export class ReadRouter {
  readonly replicas: ReplicaState[];

  constructor(connections: Connection[], private readonly now: () => number = Date.now) {
    this.replicas = connections.map((connection, i) => ({ name: `replica ${i + 1}`, connection, downUntil: 0 }));
  }

  private stateOf(connection: Connection): ReplicaState | undefined {
    return this.replicas.find((r) => r.connection === connection);
  }

  isReplica(connection: Connection): boolean {
    return this.stateOf(connection) !== undefined;
  }

  inRotation(connection: Connection): boolean {
    const state = this.stateOf(connection);
    return state === undefined || state.downUntil <= this.now();
  }

  /** A replica in rotation at random, or undefined when none is (the caller then reads on the primary). */
  pick(): Connection | undefined {
    const up = this.replicas.filter((r) => r.downUntil <= this.now());
    return up.length === 0 ? undefined : up[Math.floor(Math.random() * up.length)].connection;
  }

  markDown(connection: Connection, reason: string): void {
    const state = this.stateOf(connection);
    if (state) Object.assign(state, { downUntil: this.now() + REPLICA_RETRY_MS, reason });
  }

  markUp(connection: Connection): void {
    const state = this.stateOf(connection);
    if (state) Object.assign(state, { downUntil: 0, reason: undefined });
  }
}

const routers = new WeakMap<object, ReadRouter>();

/** The ORM's read router, or undefined without replicas (every read on the primary). */
export function readRouter(em: EntityManager): ReadRouter | undefined {
  return routers.get(em.getDriver());
}
