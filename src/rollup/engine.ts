/**
 * The rollup engine: the one place where figures are computed.
 *
 * Given root units, years, a month range and a tree (see below), one SQL statement per section (campaigns,
 * discipline, documents) returns the grouped sums of `quantity` for every root and year at once; this module
 * folds the groups into complete breakdowns (every enum value, zeros included, in declaration order).
 * Shares come from shares.ts.
 *
 * Which facts count for a root:
 * - by default, a fact counts for its unit and every ancestor its unit had on the fact's reference date
 *   (`ref_date`, stored by the import): the root's segment holds on that day and the fact's `path` (its unit's
 *   path that day, also stored by the import) lies under the root's (ltree `<@`);
 * - with `asOf`, every fact is first carried to the unit that stands for its unit on that day (itself if it
 *   exists then, else — repeatedly — its successor or, without one, the parent it had on its last day), and
 *   counts for that unit and its ancestors in the tree of that day.
 * A fact's tier is always its unit's tier on its reference date (`f.tier`).
 */
import type { EntityManager } from '@mikro-orm/core';
import { Tier } from '../org/kinds';
import { Authority, AUTHORITY_OF_BODY, Body, CampaignStatus, DisciplineForm, DocumentKind, Origin, Subject } from '../facts/enums';
import type { CadreCategoryType } from '../facts/cadre-category.type';
import { isWholeYear } from './period';
import { percent, share } from './shares';
import { pgArray, queryRows } from '../sql';
import type { AuthorityDiscipline, CampaignStats, CategoryShare, DisciplineStats, DocumentStats } from './rollup.types';

type Row = Record<string, unknown>;

/** What to roll up: every root for every year, over the same months, along one tree. */
export interface RollupScope {
  rootIds: readonly number[];
  years: readonly number[];
  fromMonth: number;
  toMonth: number;
  /** The day whose tree the facts are rolled along; null for each fact's own reference date. */
  asOf: string | null;
  /** Count only facts whose unit was under this unit on their reference date (a caller's scope); null: all. */
  scopeUnitId?: number | null;
}

/** Results are keyed by root and year. */
export const rollupKey = (rootId: number, year: number) => `${rootId}:${year}`;

/**
 * `with` clauses ending in `sf`: the facts of `table` that count for each root (`root_id`) in the scope's
 * years and months, one row per (root, fact). Sections select from `sf`.
 */
function subtreeFacts(table: string, scope: RollupScope): { sql: string; params: unknown[] } {
  const months = isWholeYear(scope) ? '' : ' and f.month between ? and ?';
  const monthParams = isWholeYear(scope) ? [] : [scope.fromMonth, scope.toMonth];
  const period = `f.year = any(?::int[])${months}`;
  // A scoped caller counts only facts recorded under the scope unit: on the fact's reference date, the fact's unit
  // path runs through the scope unit's path of that day.
  const scoped = scope.scopeUnitId != null;
  const inScope = scoped
    ? ` and exists (select 1 from unit_segments ss where ss.unit_id = ? and f.ref_date >= ss.valid_from and f.ref_date < ss.valid_to and f.path <@ ss.path)`
    : '';
  const scopeParams = scoped ? [scope.scopeUnitId] : [];
  if (scope.asOf === null) {
    // Each fact carries its unit's path on its reference date (`f.path`, kept by the import): it counts for a root
    // when the root's segment holds on that day and the fact's path lies under the root's path.
    return {
      sql: `with sf as (
        select rp.unit_id as root_id, f.* from unit_segments rp
        join ${table} f on f.path <@ rp.path and f.ref_date >= rp.valid_from and f.ref_date < rp.valid_to
        where rp.unit_id = any(?::int[]) and ${period}${inScope})`,
      params: [pgArray(scope.rootIds), pgArray(scope.years), ...monthParams, ...scopeParams],
    };
  }
  const day = scope.asOf;
  return {
    sql: `with recursive alive as (
        select unit_id from unit_versions where valid_from <= ?::date and ?::date < valid_to),
      next_unit as materialized (
        select u.id, coalesce(u.successor_id,
          (select lv.parent_id from unit_versions lv where lv.unit_id = u.id order by lv.valid_from desc limit 1)) as next_id
        from units u where not exists (select 1 from alive a where a.unit_id = u.id)),
      stands_for(unit_id, rep_id) as (
        select unit_id, unit_id from alive
        union all
        select n.id, r.rep_id from next_unit n join stands_for r on r.unit_id = n.next_id),
      sf as (
        select rp.unit_id as root_id, f.* from unit_segments rp
        join unit_segments up on up.path <@ rp.path and up.valid_from <= ?::date and ?::date < up.valid_to
        join stands_for m on m.rep_id = up.unit_id
        join ${table} f on f.unit_id = m.unit_id
        where rp.unit_id = any(?::int[]) and rp.valid_from <= ?::date and ?::date < rp.valid_to and ${period}${inScope})`,
    params: [day, day, day, day, pgArray(scope.rootIds), day, day, pgArray(scope.years), ...monthParams, ...scopeParams],
  };
}

async function groupedSums(em: EntityManager, table: string, scope: RollupScope, select: string): Promise<Row[]> {
  const facts = subtreeFacts(table, scope);
  return queryRows(em, `${facts.sql} ${select}`, facts.params);
}

function forEachKey<T>(scope: RollupScope, make: () => T): Map<string, T> {
  return new Map(scope.rootIds.flatMap((id) => scope.years.map((year) => [rollupKey(id, year), make()] as const)));
}

const keyOf = (row: Row) => rollupKey(Number(row.root_id), Number(row.year));

export async function campaignStats(em: EntityManager, scope: RollupScope): Promise<Map<string, CampaignStats>> {
  const rows = await groupedSums(
    em,
    'campaigns',
    scope,
    `select root_id, year, tier, body, status, origin, sum(quantity)::bigint as qty
      from sf group by root_id, year, tier, body, status, origin`,
  );
  const result = forEachKey(scope, (): CampaignStats => ({
    total: 0,
    completed: 0,
    cancelled: 0,
    programmed: 0,
    arising: 0,
    byTier: Object.values(Tier).map((tier) => ({ tier, total: 0, completed: 0 })),
    byBody: Object.values(Body).map((body) => ({ body, total: 0, completed: 0 })),
  }));
  const tierIndex = new Map(Object.values(Tier).map((t, i) => [t, i]));
  const bodyIndex = new Map(Object.values(Body).map((b, i) => [b, i]));
  for (const row of rows) {
    const stats = result.get(keyOf(row))!;
    const qty = Number(row.qty);
    const completed = row.status === CampaignStatus.COMPLETED ? qty : 0;
    stats.total += qty;
    stats.completed += completed;
    if (row.status === CampaignStatus.CANCELLED) stats.cancelled += qty;
    if (row.origin === Origin.PROGRAMMED) stats.programmed += qty;
    if (row.origin === Origin.ARISING) stats.arising += qty;
    const tier = stats.byTier[tierIndex.get(row.tier as Tier)!];
    tier.total += qty;
    tier.completed += completed;
    const body = stats.byBody[bodyIndex.get((row.body as Body | null) ?? Body.UNSPECIFIED)!];
    body.total += qty;
    body.completed += completed;
  }
  return result;
}

/** Category counts with shares of `members`, one entry per category in code order. */
function categoryShares(categories: readonly CadreCategoryType[], counts: Map<number, number>, members: number): CategoryShare[] {
  return categories.map((category) => {
    const count = counts.get(category.id) ?? 0;
    return { category, count, share: share(count, members), percent: percent(count, members) };
  });
}

export async function disciplineStats(
  em: EntityManager,
  scope: RollupScope,
  categories: readonly CadreCategoryType[],
): Promise<Map<string, DisciplineStats>> {
  // One statement: totals by body/subject/form (part 'T'), and member quantities by body and category (part 'C').
  const rows = await groupedSums(
    em,
    'disciplinary_actions',
    scope,
    `select root_id, year, 'T' as part, body, subject, form, null::int as category_id, sum(quantity)::bigint as qty
      from sf group by root_id, year, body, subject, form
      union all
      select sf.root_id, sf.year, 'C', sf.body, sf.subject, null, c.category_id, sum(sf.quantity)::bigint
      from sf join disciplinary_action_categories c on c.action_id = sf.id
      where sf.subject = 'MEMBER'
      group by sf.root_id, sf.year, sf.body, sf.subject, c.category_id`,
  );
  const authorities = Object.values(Authority);
  const forms = Object.values(DisciplineForm);
  const acc = forEachKey(scope, () => ({
    organizations: 0,
    members: 0,
    categoryCounts: new Map<number, number>(),
    byAuthority: authorities.map((authority) => ({ authority, organizations: 0, members: 0, categoryCounts: new Map<number, number>() })),
    byForm: forms.map((form) => ({ form, organizations: 0, members: 0 })),
  }));
  const add = (counts: Map<number, number>, id: number, qty: number) => counts.set(id, (counts.get(id) ?? 0) + qty);
  for (const row of rows) {
    const stats = acc.get(keyOf(row))!;
    const qty = Number(row.qty);
    const authority = stats.byAuthority[authorities.indexOf(AUTHORITY_OF_BODY[row.body as Body]!)];
    if (row.part === 'C') {
      add(stats.categoryCounts, Number(row.category_id), qty);
      add(authority.categoryCounts, Number(row.category_id), qty);
      continue;
    }
    const form = stats.byForm[forms.indexOf((row.form as DisciplineForm | null) ?? DisciplineForm.UNSPECIFIED)];
    if (row.subject === Subject.MEMBER) {
      stats.members += qty;
      authority.members += qty;
      form.members += qty;
    } else {
      stats.organizations += qty;
      authority.organizations += qty;
      form.organizations += qty;
    }
  }
  const result = new Map<string, DisciplineStats>();
  for (const [key, stats] of acc) {
    result.set(key, {
      organizations: stats.organizations,
      members: stats.members,
      membersByCategory: categoryShares(categories, stats.categoryCounts, stats.members),
      byAuthority: stats.byAuthority.map(
        (a): AuthorityDiscipline => ({
          authority: a.authority,
          organizations: a.organizations,
          members: a.members,
          membersByCategory: categoryShares(categories, a.categoryCounts, a.members),
        }),
      ),
      byForm: stats.byForm,
    });
  }
  return result;
}

export async function documentStats(em: EntityManager, scope: RollupScope): Promise<Map<string, DocumentStats>> {
  const rows = await groupedSums(
    em,
    'documents',
    scope,
    `select root_id, year, kind, sum(quantity)::bigint as qty from sf group by root_id, year, kind`,
  );
  const result = forEachKey(scope, (): DocumentStats => ({ total: 0, directives: 0, guidance: 0 }));
  for (const row of rows) {
    const stats = result.get(keyOf(row))!;
    const qty = Number(row.qty);
    stats.total += qty;
    if (row.kind === DocumentKind.DIRECTIVE) stats.directives += qty;
    else stats.guidance += qty;
  }
  return result;
}
