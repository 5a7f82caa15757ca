/**
 * The analysts' `aggregate` (../shared/spec/api-analytics.graphql): one measure over a root's subtree, a period and a
 * filter, grouped by up to three dimensions, every combination present (zeros included) in a stable order.
 *
 * Which facts count is the rollup's rule (engine.ts `factsByReferenceDate`: each fact counts for its unit and the
 * ancestors its unit had on the fact's reference date; a scoped caller counts only facts recorded under its scope
 * unit), so every measure without grouping equals its `rollup` field. The figures come from one statement over the
 * facts (the pre-aggregated totals cannot answer activity, categories or units at a tier); the units of a
 * CHILD_UNIT / UNIT_AT_TIER grouping from one more, read before the facts so that the row cap is checked first.
 */
import { Tier } from '../org/kinds';
import type { UnitView } from '../org/tree';
import { unitOnDefaultDay } from '../org/org.loaders';
import { isVisible } from '../auth/scope';
import { requireRole, Role } from '../auth/caller';
import { Authority, AUTHORITY_OF_BODY, Body, CampaignStatus, DisciplineForm, Subject } from '../facts/enums';
import type { CadreCategoryType } from '../facts/cadre-category.type';
import type { Context } from '../context';
import { badUserInput } from '../errors';
import { GraphQLError } from 'graphql';
import { pgArray, queryRows } from '../sql';
import { sortByCode } from '../order';
import { MAX_AGGREGATE_ROWS, MAX_GROUP_BY } from '../security/limits';
import { factsByReferenceDate, type RollupScope, type Sql } from './engine';
import { MAX_YEAR, MIN_YEAR } from './period';
import { share } from './shares';
import {
  ActivityValue,
  Dimension,
  Measure,
  OriginValue,
  type AggregateKeyValue,
  type FactFilter,
} from './aggregate.types';

export interface AggregatePeriod {
  fromYear: number;
  toYear?: number | null;
  fromMonth?: number | null;
  toMonth?: number | null;
}

/** The arguments of `aggregate`, as GraphQL (or an export's URL or command line) gives them. */
export interface AggregateArgs {
  root: string;
  period: AggregatePeriod;
  measure: Measure;
  groupBy?: readonly Dimension[] | null;
  atTier?: Tier | null;
  filter?: FactFilter | null;
}

export interface AggregateRowValue {
  key: AggregateKeyValue;
  value: number;
  shareOfTotal: number | null;
  numerator: number;
  denominator: number;
}

export interface AggregateResultValue {
  total: number;
  rows: AggregateRowValue[];
  /** The root, as found and checked visible (not a GraphQL field: for the exports' titles and file names). */
  root: UnitView;
}

/** The three kinds of facts. */
type Section = 'campaigns' | 'discipline' | 'documents';

const SECTION_TABLE: Record<Section, string> = {
  campaigns: 'campaigns',
  discipline: 'disciplinary_actions',
  documents: 'documents',
};

/** Each measure: its section and the condition that singles out its facts (the rollup field's rule). */
const MEASURES: Record<Measure, { section: Section; where: string }> = {
  [Measure.CAMPAIGNS]: { section: 'campaigns', where: '' },
  [Measure.CAMPAIGNS_COMPLETED]: { section: 'campaigns', where: ` and f.status = '${CampaignStatus.COMPLETED}'` },
  [Measure.CAMPAIGNS_CANCELLED]: { section: 'campaigns', where: ` and f.status = '${CampaignStatus.CANCELLED}'` },
  [Measure.CAMPAIGNS_PROGRAMMED]: { section: 'campaigns', where: ` and f.origin = '${OriginValue.PROGRAMMED}'` },
  [Measure.CAMPAIGNS_ARISING]: { section: 'campaigns', where: ` and f.origin = '${OriginValue.ARISING}'` },
  [Measure.DISCIPLINED_ORGANIZATIONS]: { section: 'discipline', where: ` and f.subject = '${Subject.ORGANIZATION}'` },
  [Measure.DISCIPLINED_MEMBERS]: { section: 'discipline', where: ` and f.subject = '${Subject.MEMBER}'` },
  [Measure.DOCUMENTS]: { section: 'documents', where: '' },
};

const CAMPAIGN_MEASURES = Object.values(Measure).filter((m) => MEASURES[m].section === 'campaigns');
const DISCIPLINE_MEASURES = Object.values(Measure).filter((m) => MEASURES[m].section === 'discipline');

/** The measures each dimension (and its filter) applies to, and how to say so in an error. */
const APPLIES_TO: Partial<Record<Dimension, { measures: readonly Measure[]; says: string }>> = {
  [Dimension.ACTIVITY]: { measures: CAMPAIGN_MEASURES, says: `campaign measures (${CAMPAIGN_MEASURES.join(', ')})` },
  [Dimension.ORIGIN]: { measures: CAMPAIGN_MEASURES, says: `campaign measures (${CAMPAIGN_MEASURES.join(', ')})` },
  [Dimension.STATUS]: { measures: CAMPAIGN_MEASURES, says: `campaign measures (${CAMPAIGN_MEASURES.join(', ')})` },
  [Dimension.AUTHORITY]: { measures: DISCIPLINE_MEASURES, says: `discipline measures (${DISCIPLINE_MEASURES.join(', ')})` },
  [Dimension.FORM]: { measures: DISCIPLINE_MEASURES, says: `discipline measures (${DISCIPLINE_MEASURES.join(', ')})` },
  [Dimension.SUBJECT]: { measures: DISCIPLINE_MEASURES, says: `discipline measures (${DISCIPLINE_MEASURES.join(', ')})` },
  [Dimension.CADRE_CATEGORY]: {
    measures: [Measure.DISCIPLINED_MEMBERS],
    says: `${Measure.DISCIPLINED_MEMBERS} only (only members have cadre categories)`,
  },
};

/** The filter list that restricts each dimension. */
const FILTER_OF: Record<keyof FactFilter, Dimension> = {
  tiers: Dimension.TIER,
  bodies: Dimension.BODY,
  authorities: Dimension.AUTHORITY,
  activities: Dimension.ACTIVITY,
  origins: Dimension.ORIGIN,
  statuses: Dimension.STATUS,
  forms: Dimension.FORM,
  subjects: Dimension.SUBJECT,
  categories: Dimension.CADRE_CATEGORY,
};

const AUTHORITY_SQL = `case f.body ${Object.entries(AUTHORITY_OF_BODY)
  .map(([body, authority]) => `when '${body}' then '${authority}'`)
  .join(' ')} end`;

/**
 * A dimension's value for a fact row `f` of `sf` (enum values as text, an unstated one as UNSPECIFIED; ids and
 * numbers as ints). CADRE_CATEGORY and UNIT_AT_TIER come from joins (`c`, `at`) added by the statement.
 */
const DIMENSION_SQL: Record<Dimension, string> = {
  [Dimension.TIER]: 'f.tier',
  [Dimension.BODY]: `coalesce(f.body, '${Body.UNSPECIFIED}')`,
  [Dimension.AUTHORITY]: AUTHORITY_SQL,
  [Dimension.ACTIVITY]: `coalesce(f.activity, '${ActivityValue.UNSPECIFIED}')`,
  [Dimension.ORIGIN]: `coalesce(f.origin, '${OriginValue.UNSPECIFIED}')`,
  [Dimension.STATUS]: 'f.status',
  [Dimension.FORM]: `coalesce(f.form, '${DisciplineForm.UNSPECIFIED}')`,
  [Dimension.SUBJECT]: 'f.subject',
  [Dimension.CADRE_CATEGORY]: 'c.category_id',
  [Dimension.YEAR]: 'f.year::int',
  [Dimension.MONTH]: 'f.month::int',
  // The label after the root's in the fact's path (paths are ids, root first); none for the root's own facts.
  [Dimension.CHILD_UNIT]: 'case when nlevel(f.path) > nlevel(f.root_path) then ltree2text(subpath(f.path, nlevel(f.root_path), 1))::int end',
  [Dimension.UNIT_AT_TIER]: 'at.unit_id',
};

/** The key field each dimension sets. */
const KEY_FIELD: Record<Dimension, keyof AggregateKeyValue> = {
  [Dimension.TIER]: 'tier',
  [Dimension.BODY]: 'body',
  [Dimension.AUTHORITY]: 'authority',
  [Dimension.ACTIVITY]: 'activity',
  [Dimension.ORIGIN]: 'origin',
  [Dimension.STATUS]: 'status',
  [Dimension.FORM]: 'form',
  [Dimension.SUBJECT]: 'subject',
  [Dimension.CADRE_CATEGORY]: 'category',
  [Dimension.YEAR]: 'year',
  [Dimension.MONTH]: 'month',
  [Dimension.CHILD_UNIT]: 'unit',
  [Dimension.UNIT_AT_TIER]: 'unit',
};

/** One value of a dimension: how the statement returns it (`raw`) and what the key shows. */
interface DomainValue {
  raw: string | number | null;
  shown: AggregateKeyValue[keyof AggregateKeyValue];
}

const enumDomain = (values: readonly string[]): DomainValue[] => values.map((v) => ({ raw: v, shown: v as never }));

interface CheckedArgs {
  rootId: number;
  root: UnitView;
  fromYear: number;
  toYear: number;
  fromMonth: number;
  toMonth: number;
  measure: Measure;
  groupBy: Dimension[];
  atTier: Tier | null;
  filter: FactFilter;
  /** Ids of the filter's category codes. */
  categoryIds: number[];
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Checks everything that needs no facts; throws a BAD_USER_INPUT (or NOT_FOUND) error that says what is wrong and where. */
async function checkArgs(ctx: Context, args: AggregateArgs, categories: readonly CadreCategoryType[]): Promise<CheckedArgs> {
  const { period, measure } = args;
  const fromYear = period.fromYear;
  const toYear = period.toYear ?? fromYear;
  const fromMonth = period.fromMonth ?? 1;
  const toMonth = period.toMonth ?? 12;
  const problems: string[] = [];
  for (const [name, y] of [['fromYear', fromYear], ['toYear', toYear]] as const) {
    if (!Number.isInteger(y) || y < MIN_YEAR || y > MAX_YEAR) problems.push(`${name} ${y} is outside ${MIN_YEAR}–${MAX_YEAR}`);
  }
  if (problems.length === 0 && fromYear > toYear) problems.push(`fromYear ${fromYear} is after toYear ${toYear}`);
  for (const [name, m] of [['fromMonth', fromMonth], ['toMonth', toMonth]] as const) {
    if (!Number.isInteger(m) || m < 1 || m > 12) problems.push(`${name} ${m} is not a month (1–12)`);
  }
  if (problems.length === 0 && fromMonth > toMonth) problems.push(`fromMonth ${fromMonth} is after toMonth ${toMonth}`);
  if (problems.length > 0) throw badUserInput(`Invalid period: ${problems.join('; ')}.`, { field: 'period' });

  const groupBy = [...(args.groupBy ?? [])];
  if (groupBy.length > MAX_GROUP_BY) {
    throw badUserInput(`groupBy has ${groupBy.length} dimensions; at most ${MAX_GROUP_BY} may be grouped at once.`, { field: 'groupBy' });
  }
  const repeated = groupBy.find((d, i) => groupBy.indexOf(d) !== i);
  if (repeated) throw badUserInput(`groupBy names ${repeated} twice; each dimension may be grouped once.`, { field: 'groupBy' });
  if (groupBy.includes(Dimension.CHILD_UNIT) && groupBy.includes(Dimension.UNIT_AT_TIER)) {
    throw badUserInput('CHILD_UNIT and UNIT_AT_TIER cannot be grouped together: both are the row\'s `unit`.', { field: 'groupBy' });
  }
  for (const dimension of groupBy) {
    const rule = APPLIES_TO[dimension];
    if (rule && !rule.measures.includes(measure)) {
      throw badUserInput(`${dimension} does not apply to ${measure}: it applies to ${rule.says}.`, { field: 'groupBy' });
    }
  }
  if (groupBy.includes(Dimension.MONTH) && fromYear !== toYear) {
    throw badUserInput(
      `MONTH groups the months of one year; the period runs ${fromYear}–${toYear}. Group by YEAR and MONTH with one year at a time, or by YEAR.`,
      { field: 'groupBy' },
    );
  }
  const atTier = args.atTier ?? null;
  if (groupBy.includes(Dimension.UNIT_AT_TIER) && atTier === null) {
    throw badUserInput('UNIT_AT_TIER needs `atTier`: the tier whose units are the rows.', { field: 'atTier' });
  }
  if (!groupBy.includes(Dimension.UNIT_AT_TIER) && atTier !== null) {
    throw badUserInput('`atTier` is used only with groupBy UNIT_AT_TIER.', { field: 'atTier' });
  }

  const filter: FactFilter = args.filter ?? {};
  for (const [name, dimension] of Object.entries(FILTER_OF) as [keyof FactFilter, Dimension][]) {
    const rule = APPLIES_TO[dimension];
    if ((filter[name]?.length ?? 0) > 0 && rule && !rule.measures.includes(measure)) {
      throw badUserInput(`filter.${name} does not apply to ${measure}: it applies to ${rule.says}.`, { field: `filter.${name}` });
    }
  }
  const byCode = new Map(categories.map((c) => [c.code, c.id]));
  const unknown = (filter.categories ?? []).filter((code) => !byCode.has(code));
  if (unknown.length > 0) {
    throw badUserInput(
      `filter.categories: unknown cadre category ${unknown.map((c) => `"${c}"`).join(', ')}; the codes are ${categories.map((c) => c.code).join(', ')}.`,
      { field: 'filter.categories' },
    );
  }

  // The root: unknown codes and units outside the caller's scope answer alike (codes cannot be probed).
  const id = await ctx.org.idByCode.load(args.root);
  const root = id === null ? null : await unitOnDefaultDay(ctx.org, id, ctx.today);
  if (id === null || !isVisible(root, ctx.scopeUnitId)) {
    throw new GraphQLError(`No unit has the code "${args.root}".`, { extensions: { code: 'NOT_FOUND', field: 'root' } });
  }
  const tiers = Object.values(Tier);
  if (atTier !== null && tiers.indexOf(atTier) <= tiers.indexOf(root.tier)) {
    throw badUserInput(`atTier ${atTier} is not below the root's tier (${root.code} is ${root.tier}): UNIT_AT_TIER groups by units below the root.`, {
      field: 'atTier',
    });
  }
  return {
    rootId: id,
    root,
    fromYear,
    toYear,
    fromMonth,
    toMonth,
    measure,
    groupBy,
    atTier,
    filter,
    categoryIds: (filter.categories ?? []).map((code) => byCode.get(code)!),
  };
}

/** The period's days as one window per year: `w(lo, hi)` with hi exclusive. */
function windowsOf(a: CheckedArgs): Sql {
  return {
    sql: `w as (select make_date(y, ?, 1) as lo, (make_date(y, ?, 1) + interval '1 month')::date as hi from generate_series(?::int, ?::int) as y)`,
    params: [a.fromMonth, a.toMonth, a.fromYear, a.toYear],
  };
}

/**
 * The units that are rows of a CHILD_UNIT or UNIT_AT_TIER grouping: the root's children (or its descendants at the
 * tier) on some day of the period, each with the last such day (the day its key shows it on). One statement.
 */
async function unitRows(ctx: Context, a: CheckedArgs, dimension: Dimension): Promise<{ id: number; day: string }[]> {
  const w = windowsOf(a);
  const sql =
    dimension === Dimension.CHILD_UNIT
      ? `with ${w.sql}
        select s.unit_id as id, to_char(max(least(s.valid_to, rp.valid_to, w.hi) - 1), 'YYYY-MM-DD') as day
        from unit_segments rp
        join unit_segments s on s.path <@ rp.path and nlevel(s.path) = nlevel(rp.path) + 1
        join w on greatest(s.valid_from, rp.valid_from, w.lo) < least(s.valid_to, rp.valid_to, w.hi)
        where rp.unit_id = ? group by s.unit_id`
      : `with ${w.sql}
        select s.unit_id as id, to_char(max(least(s.valid_to, rp.valid_to, v.valid_to, w.hi) - 1), 'YYYY-MM-DD') as day
        from unit_segments rp
        join unit_segments s on s.path <@ rp.path
        join unit_versions v on v.unit_id = s.unit_id and v.tier = ?
        join w on greatest(s.valid_from, rp.valid_from, v.valid_from, w.lo) < least(s.valid_to, rp.valid_to, v.valid_to, w.hi)
        where rp.unit_id = ? group by s.unit_id`;
  const params = dimension === Dimension.CHILD_UNIT ? [...w.params, a.rootId] : [...w.params, a.atTier, a.rootId];
  const rows = await queryRows<{ id: number; day: string }>(ctx.em, sql, params);
  return rows.map((r) => ({ id: Number(r.id), day: r.day }));
}

/** Every value of each grouped dimension, in row order (the spec's declaration order, null rows placed as it says). */
async function domainsOf(ctx: Context, a: CheckedArgs, categories: readonly CadreCategoryType[]): Promise<DomainValue[][]> {
  const domains: DomainValue[][] = [];
  // The units' domain (CHILD_UNIT or UNIT_AT_TIER, at most one) is read after the others, which need no statement, so
  // that the row cap is checked with every dimension's size before the unit views and the facts are read.
  let unitDimension: { index: number; dimension: Dimension } | null = null;
  for (const dimension of a.groupBy) {
    switch (dimension) {
      case Dimension.TIER:
        domains.push(enumDomain(Object.values(Tier)));
        break;
      case Dimension.BODY:
        domains.push(enumDomain(Object.values(Body)));
        break;
      case Dimension.AUTHORITY:
        domains.push(enumDomain(Object.values(Authority)));
        break;
      case Dimension.ACTIVITY:
        domains.push(enumDomain(Object.values(ActivityValue)));
        break;
      case Dimension.ORIGIN:
        domains.push(enumDomain(Object.values(OriginValue)));
        break;
      case Dimension.STATUS:
        domains.push(enumDomain(Object.values(CampaignStatus)));
        break;
      case Dimension.FORM:
        domains.push(enumDomain(Object.values(DisciplineForm)));
        break;
      case Dimension.SUBJECT:
        domains.push(enumDomain(Object.values(Subject)));
        break;
      case Dimension.CADRE_CATEGORY:
        domains.push([...categories.map((c) => ({ raw: c.id, shown: c })), { raw: null, shown: null }]);
        break;
      case Dimension.YEAR:
        domains.push(Array.from({ length: a.toYear - a.fromYear + 1 }, (_, i) => ({ raw: a.fromYear + i, shown: a.fromYear + i })));
        break;
      case Dimension.MONTH:
        domains.push([
          ...Array.from({ length: a.toMonth - a.fromMonth + 1 }, (_, i) => ({ raw: a.fromMonth + i, shown: a.fromMonth + i })),
          { raw: null, shown: null },
        ]);
        break;
      case Dimension.CHILD_UNIT:
      case Dimension.UNIT_AT_TIER:
        unitDimension = { index: domains.length, dimension };
        domains.push([]);
        break;
    }
  }
  if (unitDimension) {
    const found = await unitRows(ctx, a, unitDimension.dimension);
    checkRowCount(a, domains.map((d, i) => (i === unitDimension.index ? found.length + 1 : d.length)));
    const views = await Promise.all(found.map((u) => ctx.org.unitOn(u.id, u.day)));
    const units = sortByCode(views.filter((v): v is UnitView => isVisible(v, ctx.scopeUnitId)));
    domains[unitDimension.index] = [{ raw: null, shown: null }, ...units.map((u) => ({ raw: u.id, shown: u }))];
  }
  checkRowCount(a, domains.map((d) => d.length));
  return domains;
}

function checkRowCount(a: CheckedArgs, sizes: number[]): void {
  const rows = sizes.reduce((n, size) => n * size, 1);
  if (rows > MAX_AGGREGATE_ROWS) {
    throw badUserInput(
      `This aggregate would have ${rows.toLocaleString('en-US')} rows (${a.groupBy.map((d, i) => `${plural(sizes[i] ?? 0, 'value')} of ${d}`).join(' × ')}); ` +
        `at most ${MAX_AGGREGATE_ROWS.toLocaleString('en-US')} are returned. Group by fewer dimensions, or narrow the root, the period or atTier.`,
      { field: 'groupBy', rows, maxRows: MAX_AGGREGATE_ROWS },
    );
  }
}

/** The filter's conditions on `f` (each value list as text[]; an unstated value as UNSPECIFIED). */
function filterSql(a: CheckedArgs): Sql {
  const parts: string[] = [];
  const params: unknown[] = [];
  for (const [name, dimension] of Object.entries(FILTER_OF) as [keyof FactFilter, Dimension][]) {
    const values = a.filter[name];
    if (!values || values.length === 0) continue;
    if (dimension === Dimension.CADRE_CATEGORY) {
      parts.push(` and exists (select 1 from disciplinary_action_categories fc where fc.action_id = f.id and fc.category_id = any(?::int[]))`);
      params.push(pgArray(a.categoryIds));
    } else {
      parts.push(` and (${DIMENSION_SQL[dimension]})::text = any(?::text[])`);
      params.push(pgArray(values));
    }
  }
  return { sql: parts.join(''), params };
}

/**
 * The one statement over the facts: the total (part 'T') and the sums by the grouped dimensions' values (part 'R',
 * columns d0…d2). Grouping by category joins the category links (a member in two categories is in two rows; with
 * no link, in the null row), so its rows are summed apart from the total.
 */
async function groupedSums(ctx: Context, a: CheckedArgs): Promise<{ total: number; sums: Map<string, number> }> {
  const { section, where } = MEASURES[a.measure];
  const scope: RollupScope = {
    rootIds: [a.rootId],
    years: Array.from({ length: a.toYear - a.fromYear + 1 }, (_, i) => a.fromYear + i),
    fromMonth: a.fromMonth,
    toMonth: a.toMonth,
    asOf: null,
    scopeUnitId: ctx.scopeUnitId,
  };
  const filter = filterSql(a);
  const facts = factsByReferenceDate(SECTION_TABLE[section], { sql: '?::int[]', params: [pgArray([a.rootId])] }, scope, {
    sql: where + filter.sql,
    params: filter.params,
  });
  const withs = [`sf as (${facts.sql})`];
  const params = [...facts.params];
  let joins = '';
  if (a.groupBy.includes(Dimension.CADRE_CATEGORY)) {
    joins += ' left join disciplinary_action_categories c on c.action_id = f.id';
  }
  if (a.groupBy.includes(Dimension.UNIT_AT_TIER)) {
    // Each distinct (path, day) once: the deepest unit of the path, at or below the root, with the tier that day.
    withs.push(`at as (select p.path, p.ref_date, (
        select a.id from unnest(string_to_array(ltree2text(p.path), '.')::int[]) with ordinality as a(id, n)
        join unit_versions v on v.unit_id = a.id and p.ref_date >= v.valid_from and p.ref_date < v.valid_to
        where v.tier = ? and a.n >= nlevel(p.root_path) order by a.n desc limit 1) as unit_id
      from (select distinct path, root_path, ref_date from sf) p)`);
    params.push(a.atTier);
    joins += ' left join at on at.path = f.path and at.ref_date = f.ref_date';
  }
  const dims = a.groupBy.map((d, i) => `(${DIMENSION_SQL[d]})::text as d${i}`);
  const nulls = a.groupBy.map((_, i) => `null::text as d${i}`);
  const groupCols = a.groupBy.map((_, i) => `d${i}`);
  const sql = `with ${withs.join(', ')}
    select 'T' as part, ${[...nulls, 'coalesce(sum(f.quantity), 0)::bigint as qty'].join(', ')} from sf f
    ${a.groupBy.length === 0 ? '' : `union all
    select 'R', ${[...groupCols, 'sum(q)::bigint'].join(', ')} from (
      select ${[...dims, 'f.quantity as q'].join(', ')} from sf f${joins}) g
    group by ${groupCols.join(', ')}`}`;
  const rows = await queryRows<Record<string, string | null>>(ctx.em, sql, params);
  let total = 0;
  const sums = new Map<string, number>();
  for (const row of rows) {
    const qty = Number(row.qty);
    if (row.part === 'T') total = qty;
    else sums.set(JSON.stringify(a.groupBy.map((_, i) => row[`d${i}`])), qty);
  }
  return { total, sums };
}

/** Every combination of the domains' values, the first dimension outermost. */
function combinations(domains: DomainValue[][]): DomainValue[][] {
  return domains.reduce<DomainValue[][]>((acc, domain) => acc.flatMap((prefix) => domain.map((v) => [...prefix, v])), [[]]);
}

export async function runAggregate(ctx: Context, args: AggregateArgs): Promise<AggregateResultValue> {
  requireRole(ctx.caller, Role.ANALYST);
  // The categories are read only when the grouping or the filter names them (one statement fewer otherwise).
  const needsCategories = (args.groupBy ?? []).includes(Dimension.CADRE_CATEGORY) || (args.filter?.categories?.length ?? 0) > 0;
  const categories = needsCategories ? await ctx.rollup.categories() : [];
  const a = await checkArgs(ctx, args, categories);
  const domains = await domainsOf(ctx, a, categories);
  const { total, sums } = await groupedSums(ctx, a);
  const rows = combinations(domains).map((combo): AggregateRowValue => {
    const key: AggregateKeyValue = {};
    combo.forEach((v, i) => Object.assign(key, { [KEY_FIELD[a.groupBy[i]]]: v.shown }));
    const value = a.groupBy.length === 0 ? total : (sums.get(JSON.stringify(combo.map((v) => (v.raw === null ? null : String(v.raw))))) ?? 0);
    return { key, value, shareOfTotal: share(value, total), numerator: value, denominator: total };
  });
  return { total, rows, root: a.root };
}

