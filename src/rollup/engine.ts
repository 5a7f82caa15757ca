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
 *
 * Where the sums come from (`RollupScope.source`):
 * - without `asOf`, from pre-aggregated totals (rollup_campaigns, rollup_discipline, rollup_discipline_categories,
 *   rollup_documents; Migration20261126160000RollupTotals): per unit, year and month, the sums over every fact with the
 *   unit on its path, kept by triggers in the same transaction as every write. A root costs a lookup of its own rows,
 *   whatever the size of its subtree. Each row keeps the unit's path on the facts' reference date, so a scoped caller
 *   keeps the rows recorded under its scope (the facts' own rule); that is exact unless the scope unit was below the
 *   root on some day of the period (a root in the scope at other times): such roots are scanned instead, routed per
 *   root inside the same statement;
 * - with `asOf`, or `source: 'scan'`, from a scan of the facts of each root's subtree (`subtreeFacts`).
 * Both give the same grouped rows (`sf`, and for discipline `sc`, the member quantities per category), so one
 * folding code serves both.
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
  /**
   * 'auto' (the default): the pre-aggregated totals wherever they answer exactly (see the header), else the facts;
   * 'scan': always the facts, as before the totals existed (to compare the two).
   */
  source?: 'auto' | 'scan';
}

/** Results are keyed by root and year. */
export const rollupKey = (rootId: number, year: number) => `${rootId}:${year}`;

/** A section: its facts, its totals and the columns both are grouped by; discipline also counts members by category. */
interface Section {
  facts: string;
  totals: string;
  columns: string[];
  /** Discipline: the totals of member quantities by body and category (`sc`). */
  categories?: string;
  /**
   * Sums the totals keep as columns beside `quantity`, each with its expression over a fact row (for the scan): the
   * campaigns' completed, cancelled, programmed and arising quantities (Migration20261127100000CompactCampaignTotals).
   */
  measures?: Record<string, string>;
}

const CAMPAIGNS: Section = {
  facts: 'campaigns',
  totals: 'rollup_campaigns',
  columns: ['tier', 'body'],
  measures: {
    completed: `case when status = '${CampaignStatus.COMPLETED}' then quantity else 0 end`,
    cancelled: `case when status = '${CampaignStatus.CANCELLED}' then quantity else 0 end`,
    programmed: `case when origin = '${Origin.PROGRAMMED}' then quantity else 0 end`,
    arising: `case when origin = '${Origin.ARISING}' then quantity else 0 end`,
  },
};
const DISCIPLINE: Section = {
  facts: 'disciplinary_actions',
  totals: 'rollup_discipline',
  columns: ['body', 'subject', 'form'],
  categories: 'rollup_discipline_categories',
};
const DOCUMENTS: Section = { facts: 'documents', totals: 'rollup_documents', columns: ['kind'] };
const CATEGORY_COLUMNS = ['body', 'category_id'];

/** A piece of SQL and the values of its `?`s, in order. */
export interface Sql {
  sql: string;
  params: unknown[];
}

/** The scope's years and, unless the whole year, months, on the rows of `alias` (rows without a month: whole years only). */
function periodOf(alias: string, scope: RollupScope): Sql {
  const whole = isWholeYear(scope);
  return {
    sql: `${alias}.year = any(?::int[])${whole ? '' : ` and ${alias}.month between ? and ?`}`,
    params: [pgArray(scope.years), ...(whole ? [] : [scope.fromMonth, scope.toMonth])],
  };
}

/**
 * A scoped caller counts only facts recorded under the scope unit: on the fact's reference date, the fact's unit
 * path runs through the scope unit's path of that day.
 */
function inScopeOf(scope: RollupScope): Sql {
  return scope.scopeUnitId != null
    ? {
        sql: ` and exists (select 1 from unit_segments ss where ss.unit_id = ? and f.ref_date >= ss.valid_from and f.ref_date < ss.valid_to and f.path <@ ss.path)`,
        params: [scope.scopeUnitId],
      }
    : { sql: '', params: [] };
}

/**
 * The facts of `table` that count by default for each root of `roots` (an int[] expression), one row per (root, fact):
 * each fact carries its unit's path on its reference date (`f.path`, kept by the import), and counts for a root
 * when the root's segment holds on that day and the fact's path lies under the root's path. `root_path` is the
 * root's path that day; `gate` adds conditions on `f` (the analysts' filters, src/rollup/aggregate.ts).
 */
export function factsByReferenceDate(table: string, roots: Sql, scope: RollupScope, gate: Sql = { sql: '', params: [] }): Sql {
  const period = periodOf('f', scope);
  const inScope = inScopeOf(scope);
  return {
    sql: `select rp.unit_id as root_id, rp.path as root_path, f.* from unit_segments rp
        join ${table} f on f.path <@ rp.path and f.ref_date >= rp.valid_from and f.ref_date < rp.valid_to
        where rp.unit_id = any(${roots.sql}) and ${period.sql}${inScope.sql}${gate.sql}`,
    params: [...roots.params, ...period.params, ...inScope.params, ...gate.params],
  };
}

/**
 * `with` clauses ending in `name` (default `sf`): the facts of `table` that count for each root (`root_id`) in the
 * scope's years and months, one row per (root, fact) — the fact scan.
 */
function subtreeFacts(table: string, scope: RollupScope, name = 'sf'): Sql {
  if (scope.asOf === null) {
    const facts = factsByReferenceDate(table, { sql: '?::int[]', params: [pgArray(scope.rootIds)] }, scope);
    return { sql: `with ${name} as (${facts.sql})`, params: facts.params };
  }
  const period = periodOf('f', scope);
  const inScope = inScopeOf(scope);
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
      ${name} as (
        select rp.unit_id as root_id, f.* from unit_segments rp
        join unit_segments up on up.path <@ rp.path and up.valid_from <= ?::date and ?::date < up.valid_to
        join stands_for m on m.rep_id = up.unit_id
        join ${table} f on f.unit_id = m.unit_id
        where rp.unit_id = any(?::int[]) and rp.valid_from <= ?::date and ?::date < rp.valid_to and ${period.sql}${inScope.sql})`,
    params: [day, day, day, day, pgArray(scope.rootIds), day, day, ...period.params, ...inScope.params],
  };
}

/** Member quantities by category of the (root, action) rows of `facts`: the category links of each action. */
const linkedCategories = (facts: string) =>
  `select ${facts}.root_id, ${facts}.year, ${facts}.body, c.category_id, ${facts}.quantity
  from ${facts} join disciplinary_action_categories c on c.action_id = ${facts}.id where ${facts}.subject = 'MEMBER'`;

/** Rows of a totals table for each root of `roots` (an int[] expression) in the scope's period, as `sf` rows. */
function totalsRows(totals: string, columns: string[], roots: Sql, scope: RollupScope, filter: string = ''): Sql {
  // Month 0 holds each year's sums (Migration20261126180000YearTotals): a whole year reads those rows only.
  const period = isWholeYear(scope)
    ? { sql: `t.year = any(?::int[]) and t.month = 0`, params: [pgArray(scope.years)] }
    : periodOf('t', scope);
  return {
    sql: `select t.unit_id as root_id, t.year, ${columns.map((c) => `t.${c}`).join(', ')}, t.quantity from ${totals} t
        where t.unit_id = any(${roots.sql}) and ${period.sql}${filter}`,
    params: [...roots.params, ...period.params],
  };
}

/** A section's rows, and whether they are totals rows only (see groupsOf). */
interface SectionRows extends Sql {
  totalsOnly: boolean;
}

/**
 * `with` clauses ending in `sf` (rows of root_id, year, the section's columns and quantity, summed by the caller) and,
 * for discipline, `sc` (root_id, year, body, category_id and the member quantity): from the totals, the fact scan,
 * or — for a scoped caller — both, routed per root.
 */
function sectionRows(section: Section, scope: RollupScope): SectionRows {
  const measures = Object.entries(section.measures ?? {});
  // A fact row as a totals row: its measures computed.
  const asTotals = (facts: string) =>
    `select root_id, year, ${[...section.columns, ...measures.map(([name, sql]) => `${sql} as ${name}`)].join(', ')}, quantity from ${facts}`;
  if (scope.source === 'scan' || scope.asOf !== null) {
    if (measures.length > 0) {
      const facts = subtreeFacts(section.facts, scope, 'facts');
      return { sql: `${facts.sql}, sf as (${asTotals('facts')})`, params: facts.params, totalsOnly: false };
    }
    const facts = subtreeFacts(section.facts, scope);
    return { sql: section.categories ? `${facts.sql}, sc as (${linkedCategories('sf')})` : facts.sql, params: facts.params, totalsOnly: false };
  }
  const roots: Sql = { sql: '?::int[]', params: [pgArray(scope.rootIds)] };
  const totalsColumns = [...section.columns, ...measures.map(([name]) => name)];
  if (scope.scopeUnitId == null) {
    const sf = totalsRows(section.totals, totalsColumns, roots, scope);
    if (!section.categories) return { sql: `with sf as (${sf.sql})`, params: sf.params, totalsOnly: true };
    const sc = totalsRows(section.categories, CATEGORY_COLUMNS, roots, scope);
    return { sql: `with sf as (${sf.sql}), sc as (${sc.sql})`, params: [...sf.params, ...sc.params], totalsOnly: true };
  }
  // A scoped caller: a totals row counts when the unit's path on the facts' reference date lies under one of the
  // scope unit's paths (`scope_paths`; the path of a unit on a day names its ancestors that day, so this is the fact
  // scan's rule). The facts of a root lie under the root's path and, to count, under the scope unit's path of their
  // day: one path is then under the other. Only when the scope unit was below the root (on some day of the period)
  // may facts count that the root's rows cannot single out: those roots (`scanned`, rarely any) are scanned.
  const scanned = `with scope_paths as materialized (
        select coalesce(array_agg(path), '{}') as paths from unit_segments where unit_id = ?),
      scanned as materialized (
        select coalesce(array_agg(distinct a.id), '{}') as ids from unit_segments ss
        cross join lateral unnest(string_to_array(ltree2text(subpath(ss.path, 0, nlevel(ss.path) - 1)), '.')::int[]) as a(id)
        where ss.unit_id = ? and a.id = any(?::int[]) and exists (select 1 from unnest(?::int[]) as y(year)
          where ss.valid_from < make_date(y.year, ?, 1) + interval '1 month' and make_date(y.year, ?, 1) < ss.valid_to))`;
  const scannedParams = [scope.scopeUnitId, scope.scopeUnitId, pgArray(scope.rootIds), pgArray(scope.years), scope.toMonth, scope.fromMonth];
  // The gate (a condition on no row: a one-time filter) skips the scan outright when no root needs it, whichever side
  // the planner starts from.
  const sx = factsByReferenceDate(section.facts, { sql: '(select ids from scanned)::int[]', params: [] }, scope, {
    sql: ` and (select cardinality(ids) > 0 from scanned)`,
    params: [],
  });
  const inScope = ` and t.unit_id <> all((select ids from scanned)::int[]) and t.path <@ (select paths from scope_paths)`;
  const sf = totalsRows(section.totals, totalsColumns, roots, scope, inScope);
  // Fact rows (sx) among the totals rows: grouped in SQL.
  const out: SectionRows = {
    sql: `${scanned}, sx as (${sx.sql}),
      sf as (${sf.sql} union all ${asTotals('sx')})`,
    params: [...scannedParams, ...sx.params, ...sf.params],
    totalsOnly: false,
  };
  if (section.categories) {
    const sc = totalsRows(section.categories, CATEGORY_COLUMNS, roots, scope, inScope);
    out.sql += `, sc as (${sc.sql} union all ${linkedCategories('sx')})`;
    out.params.push(...sc.params);
  }
  return out;
}

/**
 * A `select` of the groups of `rows` (`sf` or `sc`) by root, year and `keys`, with `sums` (name → an expression over
 * one row, summed). Fact rows (one per fact: thousands per group) are grouped and summed here. Totals rows are sums
 * already — a group repeats only where a unit's path changed — so they go as they are, and the folding below adds
 * them up: grouping them again cost more than the rest of the statement (HCM's 1,884 units, psql on the national
 * database: campaigns 33 → 13 ms, discipline 26 → 14 ms).
 */
type GroupsOf = (rows: 'sf' | 'sc', keys: string[], sums: Record<string, string>) => string;

const groupsOf =
  (totalsOnly: boolean): GroupsOf =>
  (rows, keys, sums) => {
    const columns = ['root_id', 'year', ...keys].join(', ');
    const values = Object.entries(sums).map(([name, sql]) => (totalsOnly ? `${sql} as ${name}` : `sum(${sql}) as ${name}`));
    return `select ${columns}, ${values.join(', ')} from ${rows}${totalsOnly ? '' : ` group by ${columns}`}`;
  };

async function groupedSums(em: EntityManager, section: Section, scope: RollupScope, select: (groups: GroupsOf) => string): Promise<Row[]> {
  const rows = sectionRows(section, scope);
  return queryRows(em, `${rows.sql} ${select(groupsOf(rows.totalsOnly))}`, rows.params);
}

function forEachKey<T>(scope: RollupScope, make: () => T): Map<string, T> {
  return new Map(scope.rootIds.flatMap((id) => scope.years.map((year) => [rollupKey(id, year), make()] as const)));
}

const keyOf = (row: Row) => rollupKey(Number(row.root_id), Number(row.year));

/**
 * A root's groups, built in SQL as one JSON array of arrays per root and year (json_agg of json_build_array): a page
 * of 1,884 rollups then parses 1,884 JSON texts natively instead of ~10,000 rows field by field, which took most of
 * a request's time in the driver. PostgreSQL's driver hands `json` columns over parsed; text is parsed here. Null
 * (no group on one side of a join): none. Sums are JSON numbers (exact: far below 2^53).
 */
function jsonGroups<T>(value: unknown): T[] {
  if (value === null || value === undefined) return [];
  return (typeof value === 'string' ? JSON.parse(value) : value) as T[];
}

export async function campaignStats(em: EntityManager, scope: RollupScope): Promise<Map<string, CampaignStats>> {
  // Groups by tier and body, with the status and origin counts as columns (as the totals keep them): every figure of
  // CampaignStats folds from these groups, about |tiers| × |bodies| per root (see groupsOf), sent as one JSON array
  // per root and year (see jsonGroups).
  const rows = await groupedSums(
    em,
    CAMPAIGNS,
    scope,
    (groups) => `select root_id, year, json_agg(json_build_array(tier, body, qty, completed, cancelled, programmed, arising)) as groups from (
        ${groups('sf', ['tier', 'body'], { qty: 'quantity', completed: 'completed', cancelled: 'cancelled', programmed: 'programmed', arising: 'arising' })}) g
      group by root_id, year`,
  );
  const tiers = Object.values(Tier);
  const bodies = Object.values(Body);
  const result = forEachKey(scope, (): CampaignStats => ({
    total: 0,
    completed: 0,
    cancelled: 0,
    programmed: 0,
    arising: 0,
    byTier: tiers.map((tier) => ({ tier, total: 0, completed: 0 })),
    byBody: bodies.map((body) => ({ body, total: 0, completed: 0 })),
  }));
  const tierIndex = new Map(tiers.map((t, i) => [t, i]));
  const bodyIndex = new Map(bodies.map((b, i) => [b, i]));
  for (const row of rows) {
    const stats = result.get(keyOf(row))!;
    type Group = [Tier, Body | null, number, number, number, number, number];
    for (const [tierName, bodyName, qty, completed, cancelled, programmed, arising] of jsonGroups<Group>(row.groups)) {
      stats.total += qty;
      stats.completed += completed;
      stats.cancelled += cancelled;
      stats.programmed += programmed;
      stats.arising += arising;
      const tier = stats.byTier[tierIndex.get(tierName)!];
      tier.total += qty;
      tier.completed += completed;
      const body = stats.byBody[bodyIndex.get(bodyName ?? Body.UNSPECIFIED)!];
      body.total += qty;
      body.completed += completed;
    }
  }
  return result;
}

/** Category counts with shares of `members`, one entry per category in code order. */
function categoryShares(categories: readonly CadreCategoryType[], counts: readonly number[], members: number): CategoryShare[] {
  return categories.map((category, i) => {
    const count = counts[i];
    return { category, count, share: share(count, members), percent: percent(count, members) };
  });
}

export async function disciplineStats(
  em: EntityManager,
  scope: RollupScope,
  categoryList: readonly CadreCategoryType[] | Promise<readonly CadreCategoryType[]>,
): Promise<Map<string, DisciplineStats>> {
  // One statement, one row per root and year: members and organizations by body and form (`totals`), and member
  // quantities by body and category (`categories`), each a JSON array (see jsonGroups). The categories may still be
  // loading: both travel at once.
  const [categories, rows] = await Promise.all([categoryList, groupedSums(
    em,
    DISCIPLINE,
    scope,
    (groups) => `select coalesce(t.root_id, c.root_id) as root_id, coalesce(t.year, c.year) as year, t.groups as totals, c.groups as categories
      from (select root_id, year, json_agg(json_build_array(body, form, members, organizations)) as groups from (
          ${groups('sf', ['body', 'form'], {
            members: `case when subject = '${Subject.MEMBER}' then quantity else 0 end`,
            organizations: `case when subject = '${Subject.ORGANIZATION}' then quantity else 0 end`,
          })}) g
        group by root_id, year) t
      full join (select root_id, year, json_agg(json_build_array(body, category_id, members)) as groups from (
          ${groups('sc', ['body', 'category_id'], { members: 'quantity' })}) g
        group by root_id, year) c on c.root_id = t.root_id and c.year = t.year`,
  )]);
  const authorities = Object.values(Authority);
  const forms = Object.values(DisciplineForm);
  // Member counts by category as arrays in the categories' order (a page folds thousands of roots: Maps cost more).
  const position = new Map(categories.map((c, i) => [c.id, i]));
  const noCounts = () => categories.map(() => 0);
  const acc = forEachKey(scope, () => ({
    organizations: 0,
    members: 0,
    categoryCounts: noCounts(),
    byAuthority: authorities.map((authority) => ({ authority, organizations: 0, members: 0, categoryCounts: noCounts() })),
    byForm: forms.map((form) => ({ form, organizations: 0, members: 0 })),
  }));
  const authorityIndex = (body: Body) => authorities.indexOf(AUTHORITY_OF_BODY[body]!);
  for (const row of rows) {
    const stats = acc.get(keyOf(row))!;
    for (const [body, categoryId, members] of jsonGroups<[Body, number, number]>(row.categories)) {
      const i = position.get(categoryId);
      if (i === undefined) continue; // not a category of the list read at the start of the request
      stats.categoryCounts[i] += members;
      stats.byAuthority[authorityIndex(body)].categoryCounts[i] += members;
    }
    for (const [body, formName, members, organizations] of jsonGroups<[Body, DisciplineForm | null, number, number]>(row.totals)) {
      const authority = stats.byAuthority[authorityIndex(body)];
      const form = stats.byForm[forms.indexOf(formName ?? DisciplineForm.UNSPECIFIED)];
      stats.members += members;
      authority.members += members;
      form.members += members;
      stats.organizations += organizations;
      authority.organizations += organizations;
      form.organizations += organizations;
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
    DOCUMENTS,
    scope,
    (groups) => groups('sf', ['kind'], { qty: 'quantity' }),
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
