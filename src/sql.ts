/**
 * A PostgreSQL array literal for one bound parameter (`= any(?::int[])`), whatever the number of values.
 * MikroORM's `execute` inlines JS arrays, so lists are passed as one literal instead. Every element is quoted,
 * so codes need no care: `["a", 'b"c']` → `{"a","b\"c"}`; null is SQL NULL.
 */
export function pgArray(values: readonly (string | number | null)[]): string {
  return `{${values.map((v) => (v === null ? 'NULL' : `"${String(v).replace(/["\\]/g, '\\$&')}"`)).join(',')}}`;
}
