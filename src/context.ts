/** The per-request context: a forked EntityManager, today's date, and the loaders built on them, made in one factory. */
import type { EntityManager } from '@mikro-orm/core';
import type { Orm } from './db';
import { todayIn } from './dates';
import { OPEN_CALLER, type Caller } from './auth/caller';
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
  org: OrgLoaders;
  rollup: RollupLoaders;
}

export function createContext(orm: Orm, options: { timeZone?: string; today?: string; caller?: Caller } = {}): Context {
  const em = orm.em.fork();
  const today = options.today ?? todayIn(options.timeZone ?? DEFAULT_TIME_ZONE);
  return { em, today, caller: options.caller ?? OPEN_CALLER, org: createOrgLoaders(em), rollup: createRollupLoaders(em) };
}
