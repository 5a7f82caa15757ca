/**
 * MikroORM initialisation: a real PostgreSQL server when DATABASE_URL is set, otherwise the embedded
 * PGlite database persisted in KIEMTRA_DATA_DIR. Same entities, same migrations, same SQL.
 */
import fs from 'node:fs';
import { MikroORM, type Options, type LoggerNamespace, DefaultLogger, type LoggerOptions } from '@mikro-orm/core';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { PGlite } from '@electric-sql/pglite';
import { ltree } from '@electric-sql/pglite/contrib/ltree';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
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
    return MikroORM.init({
      ...baseOptions(),
      driver: PostgreSqlDriver,
      clientUrl: target.databaseUrl,
      // Nothing connects here: the pool connects on first use (and again after the server comes back). The CLI
      // connects through waitForDatabase (src/health.ts), which retries while the server is unreachable.
      connect: false,
      pool: { min: 0, max: 10 },
      // No JIT: rollup statements are short, but the planner's estimates for their recursive CTEs pass
      // jit_above_cost, and compiling then costs ~1 s per statement (measured on an asOf rollup: 1,280 ms with
      // JIT, 167 ms without). PGlite has no JIT.
      // statement_timeout: a runaway statement is cancelled (SQLSTATE 57014, answered as TIMEOUT) and frees its connection.
      driverOptions: { connection: { options: `-c jit=off -c statement_timeout=${target.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS}` } },
      extensions: [Migrator],
    } as Options);
  }
  const dataDir = target.dataDir;
  if (!dataDir.startsWith('memory://')) fs.mkdirSync(dataDir, { recursive: true });
  const pglite = await PGlite.create(dataDir, { extensions: { ltree, btree_gist } });
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

/** Applies every pending migration; returns the names of those applied. */
export async function migrate(orm: Orm): Promise<string[]> {
  const applied = await orm.getMigrator().up();
  return applied.map((m) => m.name);
}
