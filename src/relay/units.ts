/**
 * The unit reads behind node(s), descendants and search: each answers a whole batch or page in one statement.
 * Rows are the same UnitView as src/org/tree.ts builds (same columns, same meaning); the tree module keeps the
 * per-day loaders, these are the keyset-paged and search reads.
 */
import type { EntityManager } from '@mikro-orm/core';
import { badUserInput } from '../errors';
import type { Tier, UnitKind } from '../org/kinds';
import { toView, VIEW_COLUMNS, type UnitView } from '../org/tree';
import { pgArray, queryRows } from '../sql';
import type { KeyBound, KeysetSource } from './connection';

/** Code-point order, whatever the database collation (src/order.ts). */
const KEY = `u.code collate "C"`;

/** A keyset source over `from … where …` (units u, versions v and segments s of `day`), ordered by code. */
function source(em: EntityManager, day: string, fromWhere: string, params: unknown[]): KeysetSource<UnitView> {
  return {
    async fetch(bounds: KeyBound[], limit: number, descending: boolean) {
      const rows = await queryRows(
        em,
        `select ${VIEW_COLUMNS} ${fromWhere} ${bounds.map(([op]) => `and ${KEY} ${op} ?`).join(' ')}
         order by ${KEY} ${descending ? 'desc' : 'asc'} limit ${Number(limit)}`,
        [...params, ...bounds.map(([, key]) => key)],
      );
      return rows.map((r) => toView(r, day));
    },
    async count() {
      const rows = await queryRows<{ n: string }>(em, `select count(*) as n ${fromWhere}`, params);
      return Number(rows[0].n);
    },
    key: (unit) => unit.code,
  };
}

/** Units in the subtree of the scope unit (their path that day runs through it); none = everything. */
function scopeFilter(scopeUnitId: number | null): [string, unknown[]] {
  return scopeUnitId === null ? ['', []] : [`and s.path ~ ?::lquery`, [`*.${Number(scopeUnitId)}.*`]];
}

const ON_DAY = `join unit_versions v on v.unit_id = u.id and v.valid_from <= ?::date and ?::date < v.valid_to`;

export interface DescendantFilter {
  tier?: Tier | null;
  kind?: UnitKind | null;
}

/** Units below `unit` on its day, optionally of one tier and/or kind. */
export function descendantsSource(em: EntityManager, unit: UnitView, filter: DescendantFilter, scopeUnitId: number | null): KeysetSource<UnitView> {
  const day = unit.asOf;
  const [scope, scopeParams] = scopeFilter(scopeUnitId);
  const where: string[] = [];
  const params: unknown[] = [day, day, day, day, unit.id, day, day];
  if (filter.tier) (where.push('and v.tier = ?'), params.push(filter.tier));
  if (filter.kind) (where.push('and v.kind = ?'), params.push(filter.kind));
  return source(
    em,
    day,
    `from unit_segments s
     join units u on u.id = s.unit_id
     ${ON_DAY}
     join unit_segments r on s.path <@ r.path and s.unit_id <> r.unit_id
     where s.valid_from <= ?::date and ?::date < s.valid_to
       and r.unit_id = ? and r.valid_from <= ?::date and ?::date < r.valid_to ${where.join(' ')} ${scope}`,
    [...params, ...scopeParams],
  );
}

/** At most this many words in a search, each at most MAX_TERM characters. */
export const MAX_TERMS = 10;
export const MAX_SEARCH_LENGTH = 200;

/** The words of a search, NFC, with LIKE's wildcards escaped; BAD_USER_INPUT for an empty or oversized search. */
export function searchTerms(search: string): string[] {
  const text = search.normalize('NFC').trim();
  if (text.length > MAX_SEARCH_LENGTH) throw badUserInput(`\`search\` is at most ${MAX_SEARCH_LENGTH} characters long.`, { argument: 'search' });
  const terms = text.split(/\s+/u).filter((t) => t.length > 0);
  if (terms.length === 0) throw badUserInput('`search` must contain at least one word.', { argument: 'search' });
  if (terms.length > MAX_TERMS) throw badUserInput(`\`search\` has at most ${MAX_TERMS} words.`, { argument: 'search' });
  return terms.map((t) => t.replace(/[\\%_]/g, '\\$&'));
}

/**
 * Units seen on `day` whose name that day, or whose code, contains every word of the search, compared without case
 * or diacritics (f_unaccent: migrations/…UnitSearch.ts). The candidates come from the trigram indexes on all names
 * and codes; the name of the day's version is then checked.
 */
function searchFromWhere(day: string, terms: string[], scopeUnitId: number | null): [string, unknown[]] {
  const all = (expr: string) => terms.map(() => `${expr} like '%' || f_unaccent(?) || '%'`).join(' and ');
  const [scope, scopeParams] = scopeFilter(scopeUnitId);
  return [
    `from units u
     ${ON_DAY}
     join unit_segments s on s.unit_id = u.id and s.valid_from <= ?::date and ?::date < s.valid_to
     where u.id in (select c.unit_id from unit_versions c where ${all('f_unaccent(c.name)')}
                    union select c.id from units c where ${all('f_unaccent(c.code)')})
       and ((${all('f_unaccent(v.name)')}) or (${all('f_unaccent(u.code)')})) ${scope}`,
    [day, day, day, day, ...terms, ...terms, ...terms, ...terms, ...scopeParams],
  ];
}

export function searchSource(em: EntityManager, day: string, terms: string[], scopeUnitId: number | null): KeysetSource<UnitView> {
  const [fromWhere, params] = searchFromWhere(day, terms, scopeUnitId);
  return source(em, day, fromWhere, params);
}

/** The search's statement, for EXPLAIN in the tests. */
export function searchQuery(day: string, terms: string[], scopeUnitId: number | null): { sql: string; params: unknown[] } {
  const [fromWhere, params] = searchFromWhere(day, terms, scopeUnitId);
  return { sql: `select u.code ${fromWhere}`, params };
}
