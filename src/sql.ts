import type { EntityManager } from '@mikro-orm/core';
/**
 * A PostgreSQL array literal for one bound parameter (`= any(?::int[])`), whatever the number of values.
 * MikroORM's `execute` inlines JS arrays, so lists are passed as one literal instead. Every element is quoted,
 * so codes need no care: `["a", 'b"c']` → `{"a","b\"c"}`; null is SQL NULL.
 */
export function pgArray(values: readonly (string | number | null)[]): string {
  return `{${values.map((v) => (v === null ? 'NULL' : `"${String(v).replace(/["\\]/g, '\\$&')}"`)).join(',')}}`;
}

/**
 * Runs a read statement on the EntityManager's connection: inside its transaction when it has one (a scoped
 * request runs in one, under row-level security), else on the pool. Every raw read goes through here.
 */
export function queryRows<T = Record<string, any>>(em: EntityManager, sql: string, params: readonly unknown[] = []): Promise<T[]> {
  const trx = em.getTransactionContext();
  const run = () => em.getConnection().execute(sql, [...params], 'all', trx) as Promise<T[]>;
  if (!trx) return run();
  // A transaction has one connection: statements from concurrent loaders are queued, not sent over each other.
  const previous = queues.get(trx) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(run);
  queues.set(trx, next);
  return next;
}

const queues = new WeakMap<object, Promise<unknown>>();
