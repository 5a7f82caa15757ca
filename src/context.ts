/** The per-request context: a forked EntityManager and the loaders built on it, made in one factory. */
import type { EntityManager } from '@mikro-orm/core';
import type { Orm } from './db';
import { createOrgLoaders, type OrgLoaders } from './org/org.loaders';
import { createRollupLoaders, type RollupLoaders } from './rollup/rollup.loaders';

export interface Context {
  em: EntityManager;
  org: OrgLoaders;
  rollup: RollupLoaders;
}

export function createContext(orm: Orm): Context {
  const em = orm.em.fork();
  return { em, org: createOrgLoaders(em), rollup: createRollupLoaders(em) };
}
