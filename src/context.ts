/** The per-request context: a forked EntityManager, today's date, and the loaders built on them, made in one factory. */
import type { EntityManager } from '@mikro-orm/core';
import type { Orm } from './db';
import { todayIn } from './dates';
import { OPEN_CALLER, type Caller } from './auth/caller';
import { resolveScope } from './auth/scope';
import { createOrgLoaders, type OrgLoaders } from './org/org.loaders';
import { createRollupLoaders, type RollupLoaders } from './rollup/rollup.loaders';

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
}

export async function createContext(orm: Orm, options: { timeZone?: string; today?: string; caller?: Caller } = {}): Promise<Context> {
  const em = orm.em.fork();
  const today = options.today ?? todayIn(options.timeZone ?? DEFAULT_TIME_ZONE);
  const caller = options.caller ?? OPEN_CALLER;
  const scopeUnitId = await resolveScope(em, caller);
  return { em, today, caller, scopeUnitId, org: createOrgLoaders(em), rollup: createRollupLoaders(em, scopeUnitId) };
}
