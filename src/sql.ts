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
  return em.getConnection().execute(sql, [...params], 'all', em.getTransactionContext());
}
