/**
 * "Ordered by code" means by code point, the same on every database whatever its collation
 * (en_US ignores punctuation: it would put "TA" before "T.B"; C and code-point order put "T.B" first).
 */
export function sortByCode<T extends { code: string }>(items: T[]): T[] {
  return items.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}
