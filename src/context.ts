/** The per-request context: a forked EntityManager, today's date, and the loaders built on them, made in one factory. */
import type { EntityManager } from '@mikro-orm/core';
import type { Orm } from './db';
import { todayIn } from './dates';
import { OPEN_CALLER, type Caller } from './auth/caller';
import { resolveScope } from './auth/scope';
import { createOrgLoaders, type OrgLoaders } from './org/org.loaders';
import { createRollupLoaders, type RollupLoaders } from './rollup/rollup.loaders';
import { beginReadOnlyTransaction, queryRows } from './sql';

/** The party's calendar is Vietnam's: "today" changes at midnight in Hà Nội, not in UTC. */
export const DEFAULT_TIME_ZONE = 'Asia/Ho_Chi_Minh';

export interface Context {
  em: EntityManager;
  /** Today's date (YYYY-MM-DD), fixed for the whole request so that every field sees the same tree. */
  today: string;
  /** Who is asking (OPEN_CALLER when the server runs without authentication). */
  caller: Caller;
  /** Id of the unit whose subtree the caller may see (src/auth/scope.ts); null = everything. */
  scopeUnitId: number | null;
  org: OrgLoaders;
  rollup: RollupLoaders;
  /**
   * Resolves the caller's scope and, for a scoped caller, opens the request's row-level-security transaction.
   * Called once the operation is parsed and validated (requestTransactionPlugin), so that a refused query costs
   * no SQL. Until then a scoped caller's context sees nothing (fails closed).
   */
  prepare(): Promise<void>;
  /** Ends the request's transaction, if it has one (requestTransactionPlugin calls it). */
  finish(): Promise<void>;
}

export interface ContextOptions {
  timeZone?: string;
  today?: string;
  caller?: Caller;
  /**
   * The two enforcements of scope, both on by default. Tests switch one off to prove the other holds alone:
   * `resolvers` (the resolvers and the rollup engine filter by scope) and `rowSecurity` (the request's statements
   * run as `kiemtra_reader` under PostgreSQL row-level security).
   */
  enforce?: { resolvers?: boolean; rowSecurity?: boolean };
}

/** A scope no unit has: what a scoped caller sees before its scope is resolved, and with an unknown unit. */
const NOWHERE = -1;

export async function createContext(orm: Orm, options: ContextOptions = {}): Promise<Context> {
  const em = orm.em.fork();
  const today = options.today ?? todayIn(options.timeZone ?? DEFAULT_TIME_ZONE);
  const caller = options.caller ?? OPEN_CALLER;
  const scoped = caller.unitCode !== null;
  const initial = scoped ? NOWHERE : null;
  let prepared: Promise<void> | undefined;
  const ctx: Context = {
    em,
    today,
    caller,
    scopeUnitId: initial,
    org: createOrgLoaders(em, today),
    rollup: createRollupLoaders(em, initial),
    finish: async () => {},
    // Sets the fields on `this`: Apollo hands resolvers and plugins a shallow copy of the context it was given.
    prepare(this: Context) {
      return (prepared ??= (async () => {
        if (!scoped) return;
        const scope = await resolveScope(em, caller);
        if (options.enforce?.rowSecurity !== false) this.finish = await beginScopedTransaction(em, scope!);
        this.scopeUnitId = options.enforce?.resolvers === false ? null : scope;
        this.org = createOrgLoaders(em, today);
        this.rollup = createRollupLoaders(em, this.scopeUnitId);
      })());
    },
  };
  return ctx;
}

/**
 * A scoped request reads in one read-only transaction as the non-owner role kiemtra_reader, with the scope unit's
 * tree paths in a transaction-local setting: the row-level security policies (migrations/…RowSecurity.ts) then hide every row
 * outside the scope, whatever SQL runs. The transaction is opened on the request's read connection (a replica when
 * DATABASE_REPLICA_URLS is set: all of this works on a hot standby). Returns the function that ends it.
 */
async function beginScopedTransaction(em: EntityManager, scopeUnitId: number): Promise<() => Promise<void>> {
  const end = await beginReadOnlyTransaction(em);
  try {
    // As the owner, before switching role: the paths the scope unit has had (none for an unknown unit: see nothing).
    await queryRows(
      em,
      `select set_config('kiemtra.scope_paths', coalesce((select string_agg(path::text, ' ') from unit_segments where unit_id = ?), ''), true)`,
      [scopeUnitId],
    );
    await queryRows(em, `set local role kiemtra_reader`);
  } catch (err) {
    await end();
    throw err;
  }
  return end; // read-only: ending is a rollback, nothing to keep
}
