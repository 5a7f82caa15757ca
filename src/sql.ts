/**
 * A PostgreSQL array literal for one bound parameter (`= any(?::int[])`), whatever the number of values.
 * MikroORM's `execute` inlines JS arrays, so lists are passed as one literal instead. Every element is quoted,
 * so codes need no care: `["a", 'b"c']` → `{"a","b\"c"}`.
 */
export function pgArray(values: readonly (string | number)[]): string {
  return `{${values.map((v) => `"${String(v).replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
}
