/**
 * `aggregate` (the analysts' API, ../shared/spec/api-analytics.graphql) checked two ways:
 * - against the fixed rollup (`OrgUnit.rollup`), on the reference seed (Quảng Ninh, facts in 2023) and on a handmade
 *   tree with history: every measure, every root tier, whole years, months 3–7 and several years;
 * - against an independent model of the handmade data (below): each fact is placed on its reference date, along the
 *   tree of that day, and every expected total, row value, row set and row order is computed from it.
 * Then the filters, three dimensions at once, history, every guard, scoped callers and the statement count.
 *
 * Quantities are powers of two (per fact file), so every expected sum names exactly the facts it contains.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { statementCounter } from '../src/db';
import { Role, type Caller } from '../src/auth/caller';
import { MAX_AGGREGATE_ROWS, MAX_GROUP_BY } from '../src/security/limits';
import * as engine from '../src/rollup/engine';
import { seedDir } from '../src/seeds';
import { createGraphql, importFiles, seedReference, useDatabase, type Graphql } from './harness';

// ---------------------------------------------------------------------------------------------------------------
// The spec's enums, in declaration order (the order of rows).

type Value = string | number | null;
type Measure =
  | 'CAMPAIGNS'
  | 'CAMPAIGNS_COMPLETED'
  | 'CAMPAIGNS_CANCELLED'
  | 'CAMPAIGNS_PROGRAMMED'
  | 'CAMPAIGNS_ARISING'
  | 'DISCIPLINED_ORGANIZATIONS'
  | 'DISCIPLINED_MEMBERS'
  | 'DOCUMENTS';
type Dimension =
  | 'TIER'
  | 'BODY'
  | 'AUTHORITY'
  | 'ACTIVITY'
  | 'ORIGIN'
  | 'STATUS'
  | 'FORM'
  | 'SUBJECT'
  | 'CADRE_CATEGORY'
  | 'YEAR'
  | 'MONTH'
  | 'CHILD_UNIT'
  | 'UNIT_AT_TIER';
type Section = 'campaigns' | 'discipline' | 'documents';

const TIERS = ['CENTRAL', 'PROVINCIAL', 'DISTRICT', 'GRASSROOTS', 'CELL'];
const BODIES = ['COMMITTEE', 'STANDING_COMMITTEE', 'INSPECTION_COMMISSION', 'PARTY_BUILDING_BOARD', 'PARTY_CELL', 'UNSPECIFIED'];
const AUTHORITIES = ['PARTY_COMMITTEES', 'INSPECTION_COMMISSIONS'];
const ACTIVITIES = ['INSPECTION', 'SUPERVISION', 'UNSPECIFIED'];
const ORIGINS = ['PROGRAMMED', 'ARISING', 'UNSPECIFIED'];
const STATUSES = ['PLANNED', 'IN_PROGRESS', 'COMPLETED', 'CANCELLED'];
const FORMS = ['REPRIMAND', 'WARNING', 'REMOVAL', 'EXPULSION', 'DISSOLUTION', 'UNSPECIFIED'];
const SUBJECTS = ['MEMBER', 'ORGANIZATION'];
const ENUM_DOMAIN: Partial<Record<Dimension, string[]>> = {
  TIER: TIERS,
  BODY: BODIES,
  AUTHORITY: AUTHORITIES,
  ACTIVITY: ACTIVITIES,
  ORIGIN: ORIGINS,
  STATUS: STATUSES,
  FORM: FORMS,
  SUBJECT: SUBJECTS,
};
/** dataset-format.md: which authority each disciplining body reports under. */
const AUTHORITY_OF: Record<string, string> = {
  COMMITTEE: 'PARTY_COMMITTEES',
  STANDING_COMMITTEE: 'PARTY_COMMITTEES',
  PARTY_CELL: 'PARTY_COMMITTEES',
  INSPECTION_COMMISSION: 'INSPECTION_COMMISSIONS',
};
/** dataset-format.md: the tier of each kind. */
const TIER_OF_KIND: Record<string, string> = {
  PROVINCIAL_COMMITTEE: 'PROVINCIAL',
  DISTRICT_COMMITTEE: 'DISTRICT',
  TOWN_COMMITTEE: 'DISTRICT',
  DIRECT_COMMITTEE: 'DISTRICT',
  GRASSROOTS_COMMITTEE: 'GRASSROOTS',
  GRASSROOTS_CELL: 'GRASSROOTS',
  CELL: 'CELL',
};

const CAMPAIGN_MEASURES: Measure[] = ['CAMPAIGNS', 'CAMPAIGNS_COMPLETED', 'CAMPAIGNS_CANCELLED', 'CAMPAIGNS_PROGRAMMED', 'CAMPAIGNS_ARISING'];
const DISCIPLINE_MEASURES: Measure[] = ['DISCIPLINED_ORGANIZATIONS', 'DISCIPLINED_MEMBERS'];
const MEASURES: Measure[] = [...CAMPAIGN_MEASURES, ...DISCIPLINE_MEASURES, 'DOCUMENTS'];
const SECTION_OF = (m: Measure): Section => (CAMPAIGN_MEASURES.includes(m) ? 'campaigns' : DISCIPLINE_MEASURES.includes(m) ? 'discipline' : 'documents');

/** The spec's rule: which dimensions (and filters) apply to which measures. */
function applies(d: Dimension, m: Measure): boolean {
  if (['ACTIVITY', 'ORIGIN', 'STATUS'].includes(d)) return SECTION_OF(m) === 'campaigns';
  if (['AUTHORITY', 'FORM', 'SUBJECT'].includes(d)) return SECTION_OF(m) === 'discipline';
  if (d === 'CADRE_CATEGORY') return m === 'DISCIPLINED_MEMBERS';
  return true;
}
const PARTITIONING: Dimension[] = ['TIER', 'BODY', 'AUTHORITY', 'ACTIVITY', 'ORIGIN', 'STATUS', 'FORM', 'SUBJECT', 'YEAR', 'MONTH', 'CHILD_UNIT', 'UNIT_AT_TIER'];

/** Each measure as a field of the rollup. */
const ROLLUP_FIELD: Record<Measure, (r: any) => number> = {
  CAMPAIGNS: (r) => r.campaigns.total,
  CAMPAIGNS_COMPLETED: (r) => r.campaigns.completed,
  CAMPAIGNS_CANCELLED: (r) => r.campaigns.cancelled,
  CAMPAIGNS_PROGRAMMED: (r) => r.campaigns.programmed,
  CAMPAIGNS_ARISING: (r) => r.campaigns.arising,
  DISCIPLINED_ORGANIZATIONS: (r) => r.discipline.organizations,
  DISCIPLINED_MEMBERS: (r) => r.discipline.members,
  DOCUMENTS: (r) => r.documents.total,
};

// ---------------------------------------------------------------------------------------------------------------
// The handmade tree (today is 2026-11-26). History in 2024: M moves from P.A to P.B and P.C.1 from P.C to P.A on
// 1 July, when P.C ends; P.B.2 moves from under P.B.1 (a CELL) to directly under P.B (GRASSROOTS); P.E begins on
// 1 March. Ragged: P.G is a grassroots committee directly under the province. Nested: P.A.1.n is a grassroots
// cell under the grassroots committee P.A.1.

interface Version {
  code: string;
  parent: string;
  name: string;
  kind: string;
  from: string;
  to: string;
  successor: string;
}
const V = (code: string, parent: string, name: string, kind: string, from = '', to = '', successor = ''): Version => ({ code, parent, name, kind, from, to, successor });
const UNITS: Version[] = [
  V('P', '', 'Tỉnh ủy Hòa Bình Thử nghiệm', 'PROVINCIAL_COMMITTEE'),
  V('P.A', 'P', 'Huyện ủy An Lạc', 'DISTRICT_COMMITTEE'),
  V('P.B', 'P', 'Thị ủy Bắc Sơn', 'TOWN_COMMITTEE'),
  V('P.C', 'P', 'Huyện ủy Cao Phong', 'DISTRICT_COMMITTEE', '', '2024-07-01', 'P.A'),
  V('P.E', 'P', 'Đảng ủy Khối doanh nghiệp tỉnh', 'DIRECT_COMMITTEE', '2024-03-01'),
  V('P.G', 'P', 'Đảng ủy xã Giáp Đắt', 'GRASSROOTS_COMMITTEE'),
  V('P.G.a', 'P.G', 'Chi bộ thôn Suối Hoa', 'CELL'),
  V('P.A.1', 'P.A', 'Đảng ủy xã Ân Nghĩa', 'GRASSROOTS_COMMITTEE'),
  V('P.A.1.a', 'P.A.1', 'Chi bộ thôn Đồng Tâm', 'CELL'),
  V('P.A.1.n', 'P.A.1', 'Chi bộ cơ sở Trường Tiểu học Ân Nghĩa', 'GRASSROOTS_CELL'),
  V('P.B.1', 'P.B', 'Đảng ủy phường Bình Minh', 'GRASSROOTS_COMMITTEE'),
  V('P.B.2', 'P.B.1', 'Chi bộ khu phố Hòa Lạc', 'CELL', '', '2024-07-01'),
  V('P.B.2', 'P.B', 'Chi bộ cơ sở khu phố Hòa Lạc', 'GRASSROOTS_CELL', '2024-07-01'),
  V('P.C.1', 'P.C', 'Đảng ủy xã Cao Sơn', 'GRASSROOTS_COMMITTEE', '', '2024-07-01'),
  V('P.C.1', 'P.A', 'Đảng ủy xã Cao Sơn', 'GRASSROOTS_COMMITTEE', '2024-07-01'),
  V('M', 'P.A', 'Đảng ủy Mỏ than Cửa Ông', 'GRASSROOTS_COMMITTEE', '', '2024-07-01'),
  V('M', 'P.B', 'Đảng ủy Mỏ than Cửa Ông', 'GRASSROOTS_COMMITTEE', '2024-07-01'),
];
const CODES = [...new Set(UNITS.map((u) => u.code))];
const CATEGORIES = [
  ['CM', 'Cấp ủy viên'],
  ['TU', 'Cán bộ diện Trung ương quản lý'],
  ['TINH', 'Cán bộ diện Ban Thường vụ Tỉnh ủy quản lý'],
];

// unit, year, month, body, activity, origin, status, quantity ('' = not stated)
const CAMPAIGN_ROWS: [string, number, number | '', string, string, string, string, number][] = [
  ['P', 2024, 2, 'STANDING_COMMITTEE', 'SUPERVISION', 'PROGRAMMED', 'COMPLETED', 1],
  ['P', 2023, '', 'INSPECTION_COMMISSION', 'INSPECTION', 'ARISING', 'COMPLETED', 2],
  ['P.A', 2024, 5, 'COMMITTEE', 'INSPECTION', 'PROGRAMMED', 'IN_PROGRESS', 4],
  ['P.A', 2024, '', 'PARTY_BUILDING_BOARD', '', '', 'COMPLETED', 8],
  ['P.A.1', 2024, 3, 'INSPECTION_COMMISSION', 'INSPECTION', 'ARISING', 'CANCELLED', 16],
  ['P.A.1.a', 2024, 7, 'PARTY_CELL', 'SUPERVISION', '', 'PLANNED', 32],
  ['P.A.1.n', 2024, 4, '', 'INSPECTION', 'PROGRAMMED', 'COMPLETED', 64],
  ['M', 2024, 3, 'COMMITTEE', 'INSPECTION', 'PROGRAMMED', 'COMPLETED', 128], // under P.A on 2024-03-31
  ['M', 2024, 9, 'COMMITTEE', 'SUPERVISION', 'ARISING', 'COMPLETED', 256], // under P.B on 2024-09-30
  ['M', 2024, '', 'STANDING_COMMITTEE', '', '', 'CANCELLED', 512], // 2024-12-31: under P.B
  ['P.C', 2024, 6, 'INSPECTION_COMMISSION', 'INSPECTION', 'PROGRAMMED', 'COMPLETED', 1024],
  ['P.C', 2024, '', 'COMMITTEE', 'SUPERVISION', 'ARISING', 'IN_PROGRESS', 2048], // placed on 2024-06-30, P.C's last day
  ['P.C.1', 2024, 5, '', '', 'PROGRAMMED', 'COMPLETED', 4096], // under P.C
  ['P.C.1', 2024, 11, 'COMMITTEE', 'INSPECTION', '', 'PLANNED', 8192], // under P.A
  ['P.B.1', 2023, 8, 'COMMITTEE', 'INSPECTION', 'PROGRAMMED', 'COMPLETED', 16384],
  ['P.B.2', 2024, 3, 'PARTY_CELL', 'SUPERVISION', '', 'COMPLETED', 32768], // a CELL under P.B.1
  ['P.B.2', 2024, 9, 'PARTY_CELL', 'INSPECTION', 'ARISING', 'PLANNED', 65536], // GRASSROOTS under P.B
  ['P.G', 2024, 7, 'COMMITTEE', 'INSPECTION', 'PROGRAMMED', 'COMPLETED', 131072],
  ['P.G.a', 2024, '', 'PARTY_CELL', '', '', 'COMPLETED', 262144],
  ['P.A.1', 2022, 12, 'COMMITTEE', 'INSPECTION', 'PROGRAMMED', 'COMPLETED', 524288],
  ['M', 2022, '', 'INSPECTION_COMMISSION', 'SUPERVISION', '', 'CANCELLED', 1048576],
  ['P.B', 2023, 3, 'STANDING_COMMITTEE', 'SUPERVISION', 'PROGRAMMED', 'IN_PROGRESS', 2097152],
];
// unit, year, month, body, subject, form, categories, quantity
const DISCIPLINE_ROWS: [string, number, number | '', string, string, string, string, number][] = [
  ['P', 2024, 4, 'STANDING_COMMITTEE', 'MEMBER', 'WARNING', 'TU;CM', 1],
  ['P.A', 2024, '', 'COMMITTEE', 'MEMBER', 'REPRIMAND', 'CM', 2],
  ['P.A', 2024, 6, 'INSPECTION_COMMISSION', 'ORGANIZATION', 'DISSOLUTION', '', 4],
  ['P.A.1', 2024, 3, 'PARTY_CELL', 'MEMBER', '', '', 8],
  ['M', 2024, 5, 'INSPECTION_COMMISSION', 'MEMBER', 'EXPULSION', 'TU', 16], // under P.A
  ['M', 2024, 10, 'COMMITTEE', 'ORGANIZATION', 'REPRIMAND', '', 32], // under P.B
  ['P.C', 2024, '', 'INSPECTION_COMMISSION', 'MEMBER', 'REMOVAL', 'CM', 64], // placed on 2024-06-30
  ['P.B.2', 2024, 3, 'PARTY_CELL', 'MEMBER', 'WARNING', 'TINH', 128],
  ['P.G.a', 2024, 7, 'COMMITTEE', 'ORGANIZATION', '', '', 256],
  ['P.B.1', 2023, '', 'COMMITTEE', 'MEMBER', '', 'CM;TINH', 512],
  ['P.A.1.n', 2024, 11, 'STANDING_COMMITTEE', 'MEMBER', 'REPRIMAND', '', 1024],
  ['P.G', 2022, 6, 'INSPECTION_COMMISSION', 'MEMBER', 'WARNING', 'TU', 2048],
  ['P.B.2', 2024, 9, 'COMMITTEE', 'MEMBER', '', 'CM', 4096], // GRASSROOTS under P.B
];
// unit, year, month, body, kind, quantity
const DOCUMENT_ROWS: [string, number, number | '', string, string, number][] = [
  ['P', 2024, 1, 'STANDING_COMMITTEE', 'DIRECTIVE', 1],
  ['P.A', 2024, '', '', 'GUIDANCE', 2],
  ['M', 2024, 4, 'COMMITTEE', 'DIRECTIVE', 4], // under P.A
  ['M', 2024, 8, 'INSPECTION_COMMISSION', 'GUIDANCE', 8], // under P.B
  ['P.G.a', 2024, 6, 'PARTY_CELL', 'DIRECTIVE', 16],
  ['P.C', 2023, 5, 'PARTY_BUILDING_BOARD', 'GUIDANCE', 32],
  ['P.B.2', 2022, '', '', 'DIRECTIVE', 64],
  ['P.B.2', 2024, 12, '', 'GUIDANCE', 128],
];

const csv = (header: string, rows: unknown[][]) => `${header}\n${rows.map((r) => r.join(',')).join('\n')}\n`;
const HANDMADE = {
  'units.csv': csv(
    'code,parent_code,name,kind,valid_from,valid_to,successor_code',
    UNITS.map((u) => [u.code, u.parent, u.name, u.kind, u.from, u.to, u.successor]),
  ),
  'cadre_categories.csv': csv('code,name', CATEGORIES),
  'campaigns.csv': csv('unit_code,year,month,body,activity,origin,status,quantity', CAMPAIGN_ROWS),
  'discipline.csv': csv('unit_code,year,month,body,subject,form,categories,quantity', DISCIPLINE_ROWS),
  'documents.csv': csv('unit_code,year,month,body,kind,quantity', DOCUMENT_ROWS),
};

// ---------------------------------------------------------------------------------------------------------------
// The model of the handmade data: each fact on its reference date, along the tree of that day.

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const addDays = (day: string, n: number) => iso(Date.parse(`${day}T00:00:00Z`) + n * DAY);
const pad = (n: number) => String(n).padStart(2, '0');
const holds = (v: Version, day: string) => (v.from === '' || v.from <= day) && (v.to === '' || day < v.to);
const versionOn = (code: string, day: string) => UNITS.find((v) => v.code === code && holds(v, day));
const tierOn = (code: string, day: string) => TIER_OF_KIND[versionOn(code, day)!.kind];
/** The unit and its ancestors on the day, the unit first. */
function chainOn(code: string, day: string): string[] {
  const chain: string[] = [];
  for (let c = code; c !== ''; ) {
    const v = versionOn(c, day);
    if (!v) break;
    chain.push(c);
    c = v.parent;
  }
  return chain;
}
/** dataset-format.md: the last day of the month (year) on which the unit existed. */
function referenceDate(code: string, year: number, month: number | null): string {
  const first = month === null ? `${year}-01-01` : `${year}-${pad(month)}-01`;
  let day = month === null ? `${year}-12-31` : iso(Date.UTC(year, month, 0));
  while (!versionOn(code, day)) {
    day = addDays(day, -1);
    if (day < first) throw new Error(`${code} did not exist in ${year}-${month}`);
  }
  return day;
}

interface Fact {
  section: Section;
  unit: string;
  year: number;
  month: number | null;
  body: string | null;
  activity?: string | null;
  origin?: string | null;
  status?: string;
  subject?: string;
  form?: string | null;
  categories: string[];
  qty: number;
  ref: string;
  chain: string[];
  tier: string;
}
const orNull = (s: string) => (s === '' ? null : s);
function fact(section: Section, unit: string, year: number, month: number | '', body: string, qty: number, extra: Partial<Fact>): Fact {
  const m = month === '' ? null : month;
  const ref = referenceDate(unit, year, m);
  return { section, unit, year, month: m, body: orNull(body), categories: [], qty, ref, chain: chainOn(unit, ref), tier: tierOn(unit, ref), ...extra };
}
const FACTS: Fact[] = [
  ...CAMPAIGN_ROWS.map(([u, y, m, body, activity, origin, status, q]) =>
    fact('campaigns', u, y, m, body, q, { activity: orNull(activity), origin: orNull(origin), status }),
  ),
  ...DISCIPLINE_ROWS.map(([u, y, m, body, subject, form, cats, q]) =>
    fact('discipline', u, y, m, body, q, { subject, form: orNull(form), categories: cats === '' ? [] : cats.split(';') }),
  ),
  ...DOCUMENT_ROWS.map(([u, y, m, body, _kind, q]) => fact('documents', u, y, m, body, q, {})),
];

const MEASURE_KEEPS: Record<Measure, (f: Fact) => boolean> = {
  CAMPAIGNS: () => true,
  CAMPAIGNS_COMPLETED: (f) => f.status === 'COMPLETED',
  CAMPAIGNS_CANCELLED: (f) => f.status === 'CANCELLED',
  CAMPAIGNS_PROGRAMMED: (f) => f.origin === 'PROGRAMMED',
  CAMPAIGNS_ARISING: (f) => f.origin === 'ARISING',
  DISCIPLINED_ORGANIZATIONS: (f) => f.subject === 'ORGANIZATION',
  DISCIPLINED_MEMBERS: (f) => f.subject === 'MEMBER',
  DOCUMENTS: () => true,
};

interface Period {
  fromYear: number;
  toYear?: number;
  fromMonth?: number;
  toMonth?: number;
}
interface Filter {
  tiers?: string[];
  bodies?: string[];
  authorities?: string[];
  activities?: string[];
  origins?: string[];
  statuses?: string[];
  forms?: string[];
  subjects?: string[];
  categories?: string[];
}
interface Query {
  root: string;
  period: Period;
  measure: Measure;
  groupBy?: Dimension[];
  atTier?: string;
  filter?: Filter;
}
const FILTER_DIMENSION: Record<keyof Filter, Dimension> = {
  tiers: 'TIER',
  bodies: 'BODY',
  authorities: 'AUTHORITY',
  activities: 'ACTIVITY',
  origins: 'ORIGIN',
  statuses: 'STATUS',
  forms: 'FORM',
  subjects: 'SUBJECT',
  categories: 'CADRE_CATEGORY',
};
const span = (p: Period) => ({ fromYear: p.fromYear, toYear: p.toYear ?? p.fromYear, fromMonth: p.fromMonth ?? 1, toMonth: p.toMonth ?? 12 });
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** A fact's value(s) of a dimension (several for CADRE_CATEGORY, [null] for a member in no category). */
function valuesOf(f: Fact, d: Dimension, q: Query): Value[] {
  const i = f.chain.indexOf(q.root);
  switch (d) {
    case 'TIER':
      return [f.tier];
    case 'BODY':
      return [f.body ?? 'UNSPECIFIED'];
    case 'AUTHORITY':
      return [AUTHORITY_OF[f.body!]];
    case 'ACTIVITY':
      return [f.activity ?? 'UNSPECIFIED'];
    case 'ORIGIN':
      return [f.origin ?? 'UNSPECIFIED'];
    case 'STATUS':
      return [f.status!];
    case 'FORM':
      return [f.form ?? 'UNSPECIFIED'];
    case 'SUBJECT':
      return [f.subject!];
    case 'CADRE_CATEGORY':
      return f.categories.length > 0 ? f.categories : [null];
    case 'YEAR':
      return [f.year];
    case 'MONTH':
      return [f.month];
    case 'CHILD_UNIT':
      return [i > 0 ? f.chain[i - 1] : null];
    case 'UNIT_AT_TIER':
      return [f.chain.slice(0, i + 1).find((c) => tierOn(c, f.ref) === q.atTier) ?? null];
  }
}

/** The facts in the query's scope: under the root on their reference date, in the period, the measure's, filtered. */
function scopeFacts(q: Query): Fact[] {
  const p = span(q.period);
  const whole = p.fromMonth === 1 && p.toMonth === 12;
  return FACTS.filter(
    (f) =>
      f.section === SECTION_OF(q.measure) &&
      MEASURE_KEEPS[q.measure](f) &&
      f.chain.includes(q.root) &&
      f.year >= p.fromYear &&
      f.year <= p.toYear &&
      (f.month === null ? whole : f.month >= p.fromMonth && f.month <= p.toMonth) &&
      Object.entries(q.filter ?? {}).every(([name, list]) => {
        if (!list || list.length === 0) return true;
        if (name === 'categories') return f.categories.some((c) => list.includes(c));
        return list.includes(valuesOf(f, FILTER_DIMENSION[name as keyof Filter], q)[0] as string);
      }),
  );
}

/** Every day of the period (each year's months). */
function daysOf(period: Period): string[] {
  const p = span(period);
  const days: string[] = [];
  for (const y of range(p.fromYear, p.toYear)) {
    for (let d = `${y}-${pad(p.fromMonth)}-01`; d <= iso(Date.UTC(y, p.toMonth, 0)); d = addDays(d, 1)) days.push(d);
  }
  return days;
}
/** Codes (by code point) of the units that pass `test` on some day of the period. */
function unitsDuring(period: Period, test: (code: string, day: string) => boolean): string[] {
  const days = daysOf(period);
  return CODES.filter((code) => days.some((d) => versionOn(code, d) !== undefined && test(code, d))).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
const childrenDuring = (root: string, period: Period) => unitsDuring(period, (c, d) => versionOn(c, d)!.parent === root);
const unitsAtTierDuring = (root: string, tier: string, period: Period) =>
  unitsDuring(period, (c, d) => c !== root && chainOn(c, d).includes(root) && tierOn(c, d) === tier);

let ALL_CATEGORY_CODES: string[] = []; // the seed's and the handmade ones, by code point (set in beforeAll)

/** Every value of a dimension, in row order (null rows where the spec puts them). */
function domainOf(d: Dimension, q: Query): Value[] {
  const p = span(q.period);
  if (ENUM_DOMAIN[d]) return ENUM_DOMAIN[d]!;
  if (d === 'CADRE_CATEGORY') return [...ALL_CATEGORY_CODES, null];
  if (d === 'YEAR') return range(p.fromYear, p.toYear);
  if (d === 'MONTH') return [...range(p.fromMonth, p.toMonth), null];
  if (d === 'CHILD_UNIT') return [null, ...childrenDuring(q.root, q.period)];
  return [null, ...unitsAtTierDuring(q.root, q.atTier!, q.period)];
}

/** The model's answer: total and every row (key values in groupBy order, value), in order. */
function expected(q: Query): { total: number; rows: [Value[], number][] } {
  const facts = scopeFacts(q);
  const total = facts.reduce((s, f) => s + f.qty, 0);
  const groupBy = q.groupBy ?? [];
  let combos: Value[][] = [[]];
  for (const d of groupBy) combos = combos.flatMap((prefix) => domainOf(d, q).map((v) => [...prefix, v]));
  const rows = combos.map((combo): [Value[], number] => [
    combo,
    facts.filter((f) => groupBy.every((d, i) => valuesOf(f, d, q).includes(combo[i]))).reduce((s, f) => s + f.qty, 0),
  ]);
  return { total, rows };
}

// ---------------------------------------------------------------------------------------------------------------
// GraphQL helpers.

const t = useDatabase(
  async (orm) => {
    await seedReference(orm);
    await importFiles(orm, HANDMADE);
  },
  { today: '2026-11-26' },
);

beforeAll(async () => {
  const data = await t.gql.data('{ cadreCategories { code } }');
  ALL_CATEGORY_CODES = data.cadreCategories.map((c: any) => c.code as string).sort();
});

const KEY_FIELD: Record<Dimension, string> = {
  TIER: 'tier',
  BODY: 'body',
  AUTHORITY: 'authority',
  ACTIVITY: 'activity',
  ORIGIN: 'origin',
  STATUS: 'status',
  FORM: 'form',
  SUBJECT: 'subject',
  CADRE_CATEGORY: 'category',
  YEAR: 'year',
  MONTH: 'month',
  CHILD_UNIT: 'unit',
  UNIT_AT_TIER: 'unit',
};
const RESULT = `fragment R on AggregateResult { total rows {
  key { tier body authority activity origin status form subject category { code name } year month unit { code name tier asOf } }
  value shareOfTotal numerator denominator } }`;

/** Runs aggregates, ten per operation; fails on any error. */
async function aggregates(queries: Query[], gql: Graphql = t.gql): Promise<any[]> {
  const out: any[] = [];
  for (let i = 0; i < queries.length; i += 10) {
    const chunk = queries.slice(i, i + 10);
    const defs = chunk.map((_, j) => `$r${j}: String!, $p${j}: AggregatePeriodInput!, $m${j}: Measure!, $g${j}: [Dimension!], $t${j}: Tier, $f${j}: FactFilter`);
    const fields = chunk.map((_, j) => `a${j}: aggregate(root: $r${j}, period: $p${j}, measure: $m${j}, groupBy: $g${j}, atTier: $t${j}, filter: $f${j}) { ...R }`);
    const variables = Object.fromEntries(
      chunk.flatMap((q, j) => [
        [`r${j}`, q.root],
        [`p${j}`, q.period],
        [`m${j}`, q.measure],
        [`g${j}`, q.groupBy ?? []],
        [`t${j}`, q.atTier ?? null],
        [`f${j}`, q.filter ?? null],
      ]),
    );
    const data = await gql.data(`query(${defs.join(', ')}) { ${fields.join('\n')} } ${RESULT}`, variables);
    out.push(...chunk.map((_, j) => data[`a${j}`]));
  }
  return out;
}
const aggregate = async (q: Query, gql: Graphql = t.gql) => (await aggregates([q], gql))[0];

/** The errors of one aggregate that is expected to fail. */
async function aggregateErrors(q: Query, gql: Graphql = t.gql): Promise<any[]> {
  const result = await gql.run(
    `query($r: String!, $p: AggregatePeriodInput!, $m: Measure!, $g: [Dimension!], $t: Tier, $f: FactFilter) {
      aggregate(root: $r, period: $p, measure: $m, groupBy: $g, atTier: $t, filter: $f) { total } }`,
    { r: q.root, p: q.period, m: q.measure, g: q.groupBy ?? [], t: q.atTier ?? null, f: q.filter ?? null },
  );
  expect(result.errors).toBeDefined();
  return result.errors!;
}

/** A row's key as values in groupBy order (units and categories by code). */
const keyValue = (key: any, d: Dimension): Value => {
  const v = key[KEY_FIELD[d]];
  return d === 'CADRE_CATEGORY' || d === 'CHILD_UNIT' || d === 'UNIT_AT_TIER' ? (v?.code ?? null) : v;
};
const tuples = (result: any, groupBy: Dimension[]): [Value[], number][] => result.rows.map((r: any) => [groupBy.map((d) => keyValue(r.key, d)), r.value]);
/** Value of the row whose first key is `v`. */
const rowValue = (result: any, d: Dimension, v: Value) => result.rows.find((r: any) => keyValue(r.key, d) === v)?.value;
const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
const sumRows = (result: any) => sum(result.rows.map((r: any) => r.value));

/** What every result must satisfy: shares, numerators, denominators, and null fields outside the grouping. */
function checkShape(result: any, groupBy: Dimension[]) {
  const set = new Set(groupBy.map((d) => KEY_FIELD[d]));
  for (const row of result.rows) {
    expect(row.numerator).toBe(row.value);
    expect(row.denominator).toBe(result.total);
    if (result.total === 0) expect(row.shareOfTotal).toBeNull();
    else expect(row.shareOfTotal).toBeCloseTo(row.value / result.total, 12);
    for (const [field, v] of Object.entries(row.key)) if (!set.has(field)) expect(v).toBeNull();
  }
}

const ROLLUP = `query($code: String!, $period: PeriodInput!) { unit(code: $code) { rollup(period: $period) {
  campaigns { total completed cancelled programmed arising byTier { tier total completed } byBody { body total completed } }
  discipline { organizations members membersByCategory { category { code } count }
    byAuthority { authority organizations members membersByCategory { category { code } count } } byForm { form organizations members } }
  documents { total directives guidance } } } }`;
const rollups = new Map<string, Promise<any>>();
/** The fixed rollup of a unit for one year's months (memoized: the data never changes). */
function rollup(code: string, year: number, fromMonth = 1, toMonth = 12): Promise<any> {
  const key = `${code}|${year}|${fromMonth}|${toMonth}`;
  if (!rollups.has(key)) rollups.set(key, t.gql.data(ROLLUP, { code, period: { year, fromMonth, toMonth } }).then((d) => d.unit.rollup));
  return rollups.get(key)!;
}
/** A measure over a period of several years: the sum of each year's rollup. */
async function rollupMeasure(code: string, period: Period, measure: Measure): Promise<number> {
  const p = span(period);
  const each = await Promise.all(range(p.fromYear, p.toYear).map((y) => rollup(code, y, p.fromMonth, p.toMonth)));
  return sum(each.map((r) => ROLLUP_FIELD[measure](r)));
}

const SEED_ROOTS = ['QN', 'QN.HL', 'QN.HL.G001', 'QN.HL.G001.C01']; // province, district, grassroots, cell
const HANDMADE_ROOTS = ['P', 'P.A', 'P.B', 'P.A.1', 'P.A.1.a']; // province, districts, grassroots, cell
const SEED_PERIODS: Period[] = [{ fromYear: 2023 }, { fromYear: 2023, fromMonth: 3, toMonth: 7 }, { fromYear: 2022, toYear: 2024 }];
const HANDMADE_PERIODS: Period[] = [
  { fromYear: 2024 },
  { fromYear: 2024, fromMonth: 3, toMonth: 7 },
  { fromYear: 2022, toYear: 2024 },
  { fromYear: 2022, toYear: 2024, fromMonth: 3, toMonth: 7 },
];
const cases = (roots: string[], periods: Period[]) => roots.flatMap((root) => periods.map((period) => [root, JSON.stringify(period), period] as const));
/** The tier just below a root's, for UNIT_AT_TIER (none below a cell). */
const TIER_BELOW: Record<string, string | undefined> = {
  QN: 'GRASSROOTS',
  'QN.HL': 'GRASSROOTS',
  'QN.HL.G001': 'CELL',
  P: 'GRASSROOTS',
  'P.A': 'GRASSROOTS',
  'P.B': 'GRASSROOTS',
  'P.A.1': 'CELL',
};

// ---------------------------------------------------------------------------------------------------------------

describe('the model of the handmade data is what the rollup says (so both can serve as expectations)', () => {
  test.each(cases(HANDMADE_ROOTS, HANDMADE_PERIODS))('%s %s: every measure', async (root, _p, period) => {
    for (const measure of MEASURES) {
      expect([measure, expected({ root, period, measure }).total]).toEqual([measure, await rollupMeasure(root, period, measure)]);
    }
  });
});

describe('no grouping: every measure equals its rollup field', () => {
  test.each([...cases(SEED_ROOTS, SEED_PERIODS), ...cases(HANDMADE_ROOTS, HANDMADE_PERIODS)])('%s %s', async (root, _p, period) => {
    const results = await aggregates(MEASURES.map((measure) => ({ root, period, measure })));
    for (const [i, measure] of MEASURES.entries()) {
      const want = await rollupMeasure(root, period, measure);
      expect([measure, results[i].total]).toEqual([measure, want]);
      // Exactly one row, every key field null.
      expect(results[i].rows).toHaveLength(1);
      expect(results[i].rows[0].value).toBe(want);
      expect(Object.values(results[i].rows[0].key).every((v) => v === null)).toBe(true);
      checkShape(results[i], []);
    }
  });

  test('the data is not all zeros: the seed and the handmade tree have facts in every section', async () => {
    for (const root of ['QN', 'P']) {
      const year = root === 'QN' ? 2023 : 2024;
      for (const measure of MEASURES) expect([root, measure, (await rollupMeasure(root, { fromYear: year }, measure)) > 0]).toEqual([root, measure, true]);
    }
  });
});

describe('grouped rows equal the rollup breakdowns', () => {
  // [root, year, fromMonth, toMonth]
  const ROOTS: [string, number, number, number][] = [
    ['QN', 2023, 1, 12],
    ['QN.HL', 2023, 1, 12],
    ['P', 2024, 1, 12],
    ['P.A', 2024, 1, 12],
    ['P.B', 2024, 1, 12],
    ['P', 2024, 3, 7],
    ['P.A.1', 2024, 3, 7],
  ];

  test.each(ROOTS)('%s %s months %s–%s: TIER and BODY rows equal campaigns.byTier and byBody (total and completed)', async (root, year, fromMonth, toMonth) => {
    const r = await rollup(root, year, fromMonth, toMonth);
    const period = { fromYear: year, fromMonth, toMonth };
    const [tier, body, tierDone, bodyDone] = await aggregates([
      { root, period, measure: 'CAMPAIGNS', groupBy: ['TIER'] },
      { root, period, measure: 'CAMPAIGNS', groupBy: ['BODY'] },
      { root, period, measure: 'CAMPAIGNS_COMPLETED', groupBy: ['TIER'] },
      { root, period, measure: 'CAMPAIGNS_COMPLETED', groupBy: ['BODY'] },
    ]);
    expect(tuples(tier, ['TIER'])).toEqual(r.campaigns.byTier.map((x: any) => [[x.tier], x.total]));
    expect(tuples(body, ['BODY'])).toEqual(r.campaigns.byBody.map((x: any) => [[x.body], x.total]));
    expect(tuples(tierDone, ['TIER'])).toEqual(r.campaigns.byTier.map((x: any) => [[x.tier], x.completed]));
    expect(tuples(bodyDone, ['BODY'])).toEqual(r.campaigns.byBody.map((x: any) => [[x.body], x.completed]));
  });

  test.each(ROOTS)('%s %s months %s–%s: AUTHORITY and FORM rows equal discipline.byAuthority and byForm', async (root, year, fromMonth, toMonth) => {
    const r = await rollup(root, year, fromMonth, toMonth);
    const period = { fromYear: year, fromMonth, toMonth };
    const [am, ao, fm, fo] = await aggregates([
      { root, period, measure: 'DISCIPLINED_MEMBERS', groupBy: ['AUTHORITY'] },
      { root, period, measure: 'DISCIPLINED_ORGANIZATIONS', groupBy: ['AUTHORITY'] },
      { root, period, measure: 'DISCIPLINED_MEMBERS', groupBy: ['FORM'] },
      { root, period, measure: 'DISCIPLINED_ORGANIZATIONS', groupBy: ['FORM'] },
    ]);
    expect(tuples(am, ['AUTHORITY'])).toEqual(r.discipline.byAuthority.map((x: any) => [[x.authority], x.members]));
    expect(tuples(ao, ['AUTHORITY'])).toEqual(r.discipline.byAuthority.map((x: any) => [[x.authority], x.organizations]));
    expect(tuples(fm, ['FORM'])).toEqual(r.discipline.byForm.map((x: any) => [[x.form], x.members]));
    expect(tuples(fo, ['FORM'])).toEqual(r.discipline.byForm.map((x: any) => [[x.form], x.organizations]));
  });

  test.each(ROOTS)('%s %s months %s–%s: CADRE_CATEGORY rows equal membersByCategory, overall and by authority; the null row is last', async (root, year, fromMonth, toMonth) => {
    const r = await rollup(root, year, fromMonth, toMonth);
    const period = { fromYear: year, fromMonth, toMonth };
    const [byCategory, byBoth] = await aggregates([
      { root, period, measure: 'DISCIPLINED_MEMBERS', groupBy: ['CADRE_CATEGORY'] },
      { root, period, measure: 'DISCIPLINED_MEMBERS', groupBy: ['AUTHORITY', 'CADRE_CATEGORY'] },
    ]);
    const categoryRows = tuples(byCategory, ['CADRE_CATEGORY']);
    expect(categoryRows.slice(0, -1)).toEqual(r.discipline.membersByCategory.map((x: any) => [[x.category.code], x.count]));
    expect(categoryRows.at(-1)![0]).toEqual([null]);
    expect(byCategory.rows.at(-1).key.category).toBeNull();
    expect(byCategory.total).toBe(r.discipline.members);
    expect(
      tuples(byBoth, ['AUTHORITY', 'CADRE_CATEGORY']).filter(([k]) => k[1] !== null),
    ).toEqual(r.discipline.byAuthority.flatMap((a: any) => a.membersByCategory.map((x: any) => [[a.authority, x.category.code], x.count])));
    checkShape(byBoth, ['AUTHORITY', 'CADRE_CATEGORY']);
  });

  test('CADRE_CATEGORY null row: the members in no category; the rows may add up to more than the total', async () => {
    // The seed: no row names two categories, so members in none = members − the category counts.
    const seedRows = parse(fs.readFileSync(path.join(seedDir('quang-ninh-2023'), 'discipline.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(seedRows.some((row) => row.categories.includes(';'))).toBe(false);
    for (const root of ['QN', 'QN.HL', 'QN.CP']) {
      const r = await rollup(root, 2023);
      const result = await aggregate({ root, period: { fromYear: 2023 }, measure: 'DISCIPLINED_MEMBERS', groupBy: ['CADRE_CATEGORY'] });
      expect(rowValue(result, 'CADRE_CATEGORY', null)).toBe(r.discipline.members - sum(r.discipline.membersByCategory.map((x: any) => x.count)));
      expect(sumRows(result)).toBe(result.total);
    }
    // The handmade tree: members in two categories count twice, so the rows add up to more than the total.
    const q: Query = { root: 'P', period: { fromYear: 2023, toYear: 2024 }, measure: 'DISCIPLINED_MEMBERS', groupBy: ['CADRE_CATEGORY'] };
    const result = await aggregate(q);
    const noCategory = sum(scopeFacts(q).filter((f) => f.categories.length === 0).map((f) => f.qty));
    expect(noCategory).toBeGreaterThan(0);
    expect(rowValue(result, 'CADRE_CATEGORY', null)).toBe(noCategory);
    const twice = sum(scopeFacts(q).filter((f) => f.categories.length === 2).map((f) => f.qty));
    expect(twice).toBeGreaterThan(0);
    expect(sumRows(result)).toBe(result.total + twice);
    expect(tuples(result, ['CADRE_CATEGORY'])).toEqual(expected(q).rows);
  });

  test.each([
    ['QN', { fromYear: 2023 }],
    ['QN.HL', { fromYear: 2023 }],
    ['P', { fromYear: 2024 }],
    ['P', { fromYear: 2023 }],
    ['P', { fromYear: 2024, fromMonth: 3, toMonth: 7 }],
    ['P', { fromYear: 2022, toYear: 2024 }],
  ] as [string, Period][])("%s %j: CHILD_UNIT rows equal each child's rollup, zeros included, by code; the root's own facts lead", async (root, period) => {
    const year = period.fromYear;
    // The children of the period: the seed's tree does not change in 2023; the handmade one from the model.
    const children = root.startsWith('QN')
      ? (await t.gql.data(`{ unit(code: "${root}", asOf: "${year}-12-31") { children { code } } }`)).unit.children.map((c: any) => c.code as string).sort()
      : childrenDuring(root, period);
    expect(children.length).toBeGreaterThan(1);
    const results = await aggregates(MEASURES.map((measure) => ({ root, period, measure, groupBy: ['CHILD_UNIT'] as Dimension[] })));
    for (const [i, measure] of MEASURES.entries()) {
      const own = (await rollupMeasure(root, period, measure)) - sum(await Promise.all(children.map((c: string) => rollupMeasure(c, period, measure))));
      const want = [[[null], own], ...(await Promise.all(children.map(async (c: string) => [[c], await rollupMeasure(c, period, measure)])))];
      expect([measure, tuples(results[i], ['CHILD_UNIT'])]).toEqual([measure, want]);
      expect(results[i].rows[0].key.unit).toBeNull();
    }
    // Children with facts are rows, and so (on the handmade tree) are children without.
    expect(results[0].rows.slice(1).some((r: any) => r.value > 0)).toBe(true);
    if (root === 'P') expect(results[0].rows.slice(1).some((r: any) => r.value === 0)).toBe(true);
  });

  test.each([
    ['QN', { fromYear: 2022, toYear: 2024 }],
    ['P', { fromYear: 2022, toYear: 2024 }],
    ['P.B', { fromYear: 2021, toYear: 2024, fromMonth: 3, toMonth: 9 }],
    ['P.A', { fromYear: 2024 }],
  ] as [string, Period][])('%s %j: YEAR rows equal each year\'s rollup (one row when fromYear = toYear)', async (root, period) => {
    const p = span(period);
    const results = await aggregates(MEASURES.map((measure) => ({ root, period, measure, groupBy: ['YEAR'] as Dimension[] })));
    for (const [i, measure] of MEASURES.entries()) {
      const want = await Promise.all(range(p.fromYear, p.toYear).map(async (y) => [[y], ROLLUP_FIELD[measure](await rollup(root, y, p.fromMonth, p.toMonth))]));
      expect([measure, tuples(results[i], ['YEAR'])]).toEqual([measure, want]);
    }
  });

  test.each([
    ['QN', { fromYear: 2023 }],
    ['P', { fromYear: 2024 }],
    ['P.A', { fromYear: 2024 }],
    ['P', { fromYear: 2024, fromMonth: 3, toMonth: 7 }],
    ['QN', { fromYear: 2023, fromMonth: 3, toMonth: 7 }],
  ] as [string, Period][])('%s %j: MONTH rows equal one-month rollups; the null row (facts with no month) is last, whole years only', async (root, period) => {
    const p = span(period);
    const whole = p.fromMonth === 1 && p.toMonth === 12;
    const results = await aggregates(MEASURES.map((measure) => ({ root, period, measure, groupBy: ['MONTH'] as Dimension[] })));
    for (const [i, measure] of MEASURES.entries()) {
      const months = await Promise.all(range(p.fromMonth, p.toMonth).map(async (m) => [[m], ROLLUP_FIELD[measure](await rollup(root, p.fromYear, m, m))] as [Value[], number]));
      const total = await rollupMeasure(root, period, measure);
      // The facts with no month: the whole year's rollup less its months'; nothing when the period is not the whole year.
      const noMonth = whole ? total - sum(months.map(([, v]) => v)) : 0;
      expect([measure, tuples(results[i], ['MONTH'])]).toEqual([measure, [...months, [[null], noMonth]]]);
      expect(results[i].total).toBe(total);
    }
    if (root === 'QN' && whole) expect(rowValue(results[0], 'MONTH', null)).toBe(results[0].total); // the seed states no months
  });

  test('the null MONTH row is not zero on a whole year and is zero on months 3–7 though the same facts exist', async () => {
    const [year, months] = await aggregates([
      { root: 'P', period: { fromYear: 2024 }, measure: 'CAMPAIGNS', groupBy: ['MONTH'] },
      { root: 'P', period: { fromYear: 2024, fromMonth: 3, toMonth: 7 }, measure: 'CAMPAIGNS', groupBy: ['MONTH'] },
    ]);
    const noMonth = sum(FACTS.filter((f) => f.section === 'campaigns' && f.year === 2024 && f.month === null).map((f) => f.qty));
    expect(rowValue(year, 'MONTH', null)).toBe(noMonth);
    expect(noMonth).toBeGreaterThan(0);
    expect(months.rows.map((r: any) => r.key.month)).toEqual([3, 4, 5, 6, 7, null]);
    expect(rowValue(months, 'MONTH', null)).toBe(0);
  });
});

describe('every partitioning grouping adds up to the total, for every measure', () => {
  const plan = (root: string, period: Period): Query[] =>
    MEASURES.flatMap((measure) =>
      PARTITIONING.filter(
        (d) => applies(d, measure) && !(d === 'MONTH' && span(period).toYear !== period.fromYear) && !(d === 'UNIT_AT_TIER' && !TIER_BELOW[root]),
      ).map((d): Query => ({ root, period, measure, groupBy: [d], ...(d === 'UNIT_AT_TIER' ? { atTier: TIER_BELOW[root] } : {}) })),
    );

  test.each(cases(SEED_ROOTS, SEED_PERIODS))('reference seed %s %s', async (root, _p, period) => {
    const queries = plan(root, period);
    const results = await aggregates(queries);
    for (const [i, q] of queries.entries()) {
      expect([q.measure, q.groupBy, sumRows(results[i])]).toEqual([q.measure, q.groupBy, results[i].total]);
      expect(results[i].total).toBe(await rollupMeasure(root, period, q.measure));
      checkShape(results[i], q.groupBy!);
    }
  });

  test.each(cases(HANDMADE_ROOTS, HANDMADE_PERIODS))('handmade %s %s: and every row, key and order is the model\'s', async (root, _p, period) => {
    const queries = plan(root, period);
    const results = await aggregates(queries);
    for (const [i, q] of queries.entries()) {
      expect([q.measure, q.groupBy, sumRows(results[i])]).toEqual([q.measure, q.groupBy, results[i].total]);
      const want = expected(q);
      expect([q.measure, q.groupBy, results[i].total, tuples(results[i], q.groupBy!)]).toEqual([q.measure, q.groupBy, want.total, want.rows]);
      checkShape(results[i], q.groupBy!);
    }
  });
});

describe('ACTIVITY, ORIGIN and STATUS, UNSPECIFIED included', () => {
  test.each([
    ['P', { fromYear: 2024 }],
    ['QN', { fromYear: 2023 }],
  ] as [string, Period][])('%s: ORIGIN and STATUS rows equal the rollup\'s campaign counts; UNSPECIFIED holds the rest', async (root, period) => {
    const r = await rollup(root, period.fromYear);
    const [origin, status, activity] = await aggregates([
      { root, period, measure: 'CAMPAIGNS', groupBy: ['ORIGIN'] },
      { root, period, measure: 'CAMPAIGNS', groupBy: ['STATUS'] },
      { root, period, measure: 'CAMPAIGNS', groupBy: ['ACTIVITY'] },
    ]);
    expect(tuples(origin, ['ORIGIN'])).toEqual([
      [['PROGRAMMED'], r.campaigns.programmed],
      [['ARISING'], r.campaigns.arising],
      [['UNSPECIFIED'], r.campaigns.total - r.campaigns.programmed - r.campaigns.arising],
    ]);
    expect(rowValue(status, 'STATUS', 'COMPLETED')).toBe(r.campaigns.completed);
    expect(rowValue(status, 'STATUS', 'CANCELLED')).toBe(r.campaigns.cancelled);
    expect(status.rows.map((x: any) => x.key.status)).toEqual(STATUSES);
    expect(activity.rows.map((x: any) => x.key.activity)).toEqual(ACTIVITIES);
    expect(sumRows(activity)).toBe(r.campaigns.total);
    if (root === 'QN') expect(rowValue(activity, 'ACTIVITY', 'UNSPECIFIED')).toBe(r.campaigns.total); // the seed states no activity
  });

  test('handmade: every value of each, UNSPECIFIED included, from the data', async () => {
    const period = { fromYear: 2024 };
    for (const d of ['ACTIVITY', 'ORIGIN', 'STATUS'] as Dimension[]) {
      const q: Query = { root: 'P', period, measure: 'CAMPAIGNS', groupBy: [d] };
      const result = await aggregate(q);
      const rows = tuples(result, [d]);
      expect(rows).toEqual(expected(q).rows);
      expect(rows.every(([, v]) => v > 0)).toBe(true); // every value, UNSPECIFIED included, is used by the data
    }
  });
});

describe('UNIT_AT_TIER on a ragged tree', () => {
  const period = { fromYear: 2024 };

  test('DISTRICT under the province: a grassroots unit directly under the province lands in the null row, with the root\'s own facts', async () => {
    const districts = unitsAtTierDuring('P', 'DISTRICT', period);
    expect(districts).toEqual(['P.A', 'P.B', 'P.C', 'P.E']); // P.G is GRASSROOTS: not a row
    const results = await aggregates(MEASURES.map((measure) => ({ root: 'P', period, measure, groupBy: ['UNIT_AT_TIER'] as Dimension[], atTier: 'DISTRICT' })));
    for (const [i, measure] of MEASURES.entries()) {
      const children = childrenDuring('P', period);
      const total = await rollupMeasure('P', period, measure);
      const own = total - sum(await Promise.all(children.map((c) => rollupMeasure(c, period, measure))));
      const want = [[[null], own + (await rollupMeasure('P.G', period, measure))], ...(await Promise.all(districts.map(async (d) => [[d], await rollupMeasure(d, period, measure)])))];
      expect([measure, tuples(results[i], ['UNIT_AT_TIER'])]).toEqual([measure, want]);
    }
    expect(results[0].rows.map((r: any) => r.key.unit?.tier ?? null)).toEqual([null, 'DISTRICT', 'DISTRICT', 'DISTRICT', 'DISTRICT']);
  });

  test('GRASSROOTS: nested grassroots units — the nearest wins; tiers of the reference date', async () => {
    const q: Query = { root: 'P', period, measure: 'CAMPAIGNS', groupBy: ['UNIT_AT_TIER'], atTier: 'GRASSROOTS' };
    const result = await aggregate(q);
    expect(tuples(result, ['UNIT_AT_TIER'])).toEqual(expected(q).rows);
    // P.A.1.n (a grassroots cell under the grassroots committee P.A.1) keeps its own facts.
    const [a1, a1n] = await Promise.all([rollupMeasure('P.A.1', period, 'CAMPAIGNS'), rollupMeasure('P.A.1.n', period, 'CAMPAIGNS')]);
    expect(a1n).toBeGreaterThan(0);
    expect(rowValue(result, 'UNIT_AT_TIER', 'P.A.1')).toBe(a1 - a1n);
    expect(rowValue(result, 'UNIT_AT_TIER', 'P.A.1.n')).toBe(a1n);
    // P.B.2 was a cell under P.B.1 until 1 July, then a grassroots cell: its March facts are P.B.1's, its September ones its own.
    const march = CAMPAIGN_ROWS.find(([u, , m]) => u === 'P.B.2' && m === 3)![7];
    const september = CAMPAIGN_ROWS.find(([u, , m]) => u === 'P.B.2' && m === 9)![7];
    expect(rowValue(result, 'UNIT_AT_TIER', 'P.B.2')).toBe(september);
    expect(rowValue(result, 'UNIT_AT_TIER', 'P.B.1')).toBe(march);
    // The null row: the facts of the province and the district-tier units themselves.
    const districtsOwn = sum(FACTS.filter((f) => f.section === 'campaigns' && f.year === 2024 && ['P', 'P.A', 'P.B', 'P.C'].includes(f.unit)).map((f) => f.qty));
    expect(rowValue(result, 'UNIT_AT_TIER', null)).toBe(districtsOwn);
    expect(sumRows(result)).toBe(result.total);
  });

  test('CELL: the rows are the cells of some day of the period, each fact at its own cell', async () => {
    for (const measure of MEASURES) {
      const q: Query = { root: 'P', period, measure, groupBy: ['UNIT_AT_TIER'], atTier: 'CELL' };
      expect(unitsAtTierDuring('P', 'CELL', period)).toEqual(['P.A.1.a', 'P.B.2', 'P.G.a']);
      expect(tuples(await aggregate(q), ['UNIT_AT_TIER'])).toEqual(expected(q).rows);
    }
  });

  test('the reference seed: districts under the province are its children; grassroots under a district are its children', async () => {
    const period2023 = { fromYear: 2023 };
    for (const [root, tier] of [
      ['QN', 'DISTRICT'],
      ['QN.HL', 'GRASSROOTS'],
    ]) {
      for (const measure of MEASURES) {
        const [atTier, child] = await aggregates([
          { root, period: period2023, measure, groupBy: ['UNIT_AT_TIER'], atTier: tier },
          { root, period: period2023, measure, groupBy: ['CHILD_UNIT'] },
        ]);
        expect(tuples(atTier, ['UNIT_AT_TIER'])).toEqual(tuples(child, ['CHILD_UNIT']));
        expect(atTier.rows.slice(1).every((r: any) => r.key.unit.tier === tier)).toBe(true);
      }
    }
  });
});

describe('filters change the total exactly as computed', () => {
  /** [measure, filter, the grouping whose rows the filter selects (null: the model only), keeps every fact of P] */
  const FILTERS: [Measure, Filter, Dimension | null, boolean?][] = [
    ['CAMPAIGNS', { tiers: ['GRASSROOTS', 'CELL'] }, 'TIER'],
    ['DOCUMENTS', { tiers: ['CELL'] }, 'TIER'],
    ['DISCIPLINED_MEMBERS', { tiers: ['PROVINCIAL', 'GRASSROOTS'] }, 'TIER'],
    ['CAMPAIGNS', { bodies: ['UNSPECIFIED'] }, 'BODY'],
    ['CAMPAIGNS', { bodies: ['COMMITTEE', 'UNSPECIFIED'] }, 'BODY'],
    ['DOCUMENTS', { bodies: ['UNSPECIFIED', 'PARTY_BUILDING_BOARD'] }, 'BODY'],
    ['DISCIPLINED_ORGANIZATIONS', { bodies: ['COMMITTEE'] }, 'BODY'],
    ['DISCIPLINED_MEMBERS', { authorities: ['INSPECTION_COMMISSIONS'] }, 'AUTHORITY'],
    ['DISCIPLINED_ORGANIZATIONS', { authorities: ['PARTY_COMMITTEES'] }, 'AUTHORITY'],
    ['CAMPAIGNS', { activities: ['UNSPECIFIED'] }, 'ACTIVITY'],
    ['CAMPAIGNS_COMPLETED', { activities: ['SUPERVISION'] }, 'ACTIVITY'],
    ['CAMPAIGNS', { origins: ['UNSPECIFIED'] }, 'ORIGIN'],
    ['CAMPAIGNS_COMPLETED', { origins: ['ARISING', 'UNSPECIFIED'] }, 'ORIGIN'],
    ['CAMPAIGNS', { statuses: ['PLANNED', 'IN_PROGRESS'] }, 'STATUS'],
    ['CAMPAIGNS_PROGRAMMED', { statuses: ['COMPLETED'] }, 'STATUS'],
    ['DISCIPLINED_MEMBERS', { forms: ['UNSPECIFIED'] }, 'FORM'],
    ['DISCIPLINED_ORGANIZATIONS', { forms: ['REPRIMAND', 'DISSOLUTION'] }, 'FORM'],
    ['DISCIPLINED_MEMBERS', { subjects: ['ORGANIZATION'] }, 'SUBJECT'],
    ['DISCIPLINED_ORGANIZATIONS', { subjects: ['ORGANIZATION'] }, 'SUBJECT', true],
    ['DISCIPLINED_MEMBERS', { categories: ['CM', 'TU'] }, null],
    ['DISCIPLINED_MEMBERS', { categories: ['TINH'] }, null],
    ['CAMPAIGNS', { tiers: ['GRASSROOTS'], bodies: ['COMMITTEE', 'UNSPECIFIED'], statuses: ['COMPLETED', 'PLANNED'] }, null],
    ['DISCIPLINED_MEMBERS', { authorities: ['PARTY_COMMITTEES'], categories: ['CM'], forms: ['REPRIMAND', 'UNSPECIFIED'] }, null],
    ['CAMPAIGNS', { tiers: [], bodies: [] }, null, true], // empty lists keep everything
  ];

  test.each(FILTERS.flatMap(([m, f, d, all]) => ['P', 'P.A'].map((root) => [root, m, JSON.stringify(f), f, d, all ?? false] as const)))(
    '%s %s %s',
    async (root, measure, _f, filter, dimension, keepsAll) => {
      for (const period of [{ fromYear: 2024 }, { fromYear: 2022, toYear: 2024 }, { fromYear: 2024, fromMonth: 3, toMonth: 7 }] as Period[]) {
        const q: Query = { root, period, measure, filter };
        const [filtered, unfiltered] = await aggregates([q, { root, period, measure }]);
        const want = expected(q).total;
        expect(filtered.total).toBe(want);
        expect(filtered.rows[0].value).toBe(want);
        // The data makes each filter bite on the province over three years (but those that keep everything).
        if (root === 'P' && period.toYear === 2024) expect(filtered.total === unfiltered.total).toBe(keepsAll);
        if (dimension) {
          // The filter keeps exactly the rows of its values in the grouping by its dimension.
          const list = Object.values(filter)[0] as string[];
          const grouped = await aggregate({ root, period, measure, groupBy: [dimension] });
          expect(filtered.total).toBe(sum(grouped.rows.filter((r: any) => list.includes(keyValue(r.key, dimension) as string)).map((r: any) => r.value)));
          expect(grouped.total).toBe(unfiltered.total);
        }
      }
    },
  );

  test('categories: a member in two of the listed categories counts once', async () => {
    const q: Query = { root: 'P', period: { fromYear: 2024 }, measure: 'DISCIPLINED_MEMBERS', filter: { categories: ['CM', 'TU'] } };
    const [both, cm, tu] = await aggregates([q, { ...q, filter: { categories: ['CM'] } }, { ...q, filter: { categories: ['TU'] } }]);
    const inBoth = sum(scopeFacts(q).filter((f) => f.categories.includes('CM') && f.categories.includes('TU')).map((f) => f.qty));
    expect(inBoth).toBeGreaterThan(0);
    expect(both.total).toBe(cm.total + tu.total - inBoth);
  });

  test('a filter with a grouping: the rows are those of the filtered facts (other values are zero rows)', async () => {
    const q: Query = { root: 'P', period: { fromYear: 2024 }, measure: 'CAMPAIGNS', groupBy: ['BODY', 'CHILD_UNIT'], filter: { bodies: ['PARTY_CELL', 'UNSPECIFIED'] } };
    const result = await aggregate(q);
    expect(tuples(result, q.groupBy!)).toEqual(expected(q).rows);
    expect(result.rows.filter((r: any) => !['PARTY_CELL', 'UNSPECIFIED'].includes(r.key.body)).every((r: any) => r.value === 0)).toBe(true);
    const q2: Query = { root: 'P', period: { fromYear: 2024 }, measure: 'DISCIPLINED_MEMBERS', groupBy: ['CADRE_CATEGORY'], filter: { categories: ['TINH'] } };
    expect(tuples(await aggregate(q2), ['CADRE_CATEGORY'])).toEqual(expected(q2).rows);
  });

  test('the reference seed: filters equal the rollup breakdowns', async () => {
    const r = await rollup('QN', 2023);
    const period = { fromYear: 2023 };
    const [unspecified, grassroots, commissions, noForm, committeeMembers] = await aggregates([
      { root: 'QN', period, measure: 'CAMPAIGNS', filter: { bodies: ['UNSPECIFIED'] } },
      { root: 'QN', period, measure: 'CAMPAIGNS', filter: { tiers: ['GRASSROOTS'] } },
      { root: 'QN', period, measure: 'DISCIPLINED_MEMBERS', filter: { authorities: ['INSPECTION_COMMISSIONS'] } },
      { root: 'QN', period, measure: 'DISCIPLINED_MEMBERS', filter: { forms: ['UNSPECIFIED'] } },
      { root: 'QN', period, measure: 'DISCIPLINED_MEMBERS', filter: { categories: ['COMMITTEE_MEMBER'] } },
    ]);
    expect(unspecified.total).toBe(r.campaigns.byBody.find((b: any) => b.body === 'UNSPECIFIED').total);
    expect(grassroots.total).toBe(r.campaigns.byTier.find((b: any) => b.tier === 'GRASSROOTS').total);
    expect(commissions.total).toBe(r.discipline.byAuthority.find((a: any) => a.authority === 'INSPECTION_COMMISSIONS').members);
    expect(noForm.total).toBe(r.discipline.byForm.find((f: any) => f.form === 'UNSPECIFIED').members);
    expect(committeeMembers.total).toBe(r.discipline.membersByCategory.find((c: any) => c.category.code === 'COMMITTEE_MEMBER').count);
    expect(committeeMembers.total).toBeGreaterThan(0);
    expect(committeeMembers.total).toBeLessThan(r.discipline.members);
  });
});

describe('three dimensions at once', () => {
  const THREE: Query[] = [
    { root: 'P', period: { fromYear: 2024 }, measure: 'CAMPAIGNS', groupBy: ['CHILD_UNIT', 'STATUS', 'MONTH'] },
    { root: 'P', period: { fromYear: 2022, toYear: 2024 }, measure: 'DISCIPLINED_MEMBERS', groupBy: ['YEAR', 'AUTHORITY', 'CADRE_CATEGORY'] },
    { root: 'P', period: { fromYear: 2024 }, measure: 'CAMPAIGNS_COMPLETED', groupBy: ['UNIT_AT_TIER', 'BODY', 'ORIGIN'], atTier: 'GRASSROOTS' },
    { root: 'P.B', period: { fromYear: 2024, fromMonth: 3, toMonth: 9 }, measure: 'DOCUMENTS', groupBy: ['MONTH', 'TIER', 'CHILD_UNIT'] },
  ];

  test.each(THREE.map((q) => [q.groupBy!.join(' × '), q] as const))('%s: order, row count, values', async (_name, q) => {
    const result = await aggregate(q);
    const sizes = q.groupBy!.map((d) => domainOf(d, q).length);
    expect(result.rows).toHaveLength(sizes[0] * sizes[1] * sizes[2]);
    // The first dimension is outermost: its key changes slowest.
    const firstKeys = result.rows.map((r: any) => keyValue(r.key, q.groupBy![0]));
    expect(firstKeys).toEqual(domainOf(q.groupBy![0], q).flatMap((v) => Array(sizes[1] * sizes[2]).fill(v)));
    expect(tuples(result, q.groupBy!)).toEqual(expected(q).rows);
    checkShape(result, q.groupBy!);
    expect(result.rows.some((r: any) => r.value > 0)).toBe(true);
  });

  test('keys are typed: ints for year and month, enum strings, unit and category objects', async () => {
    const [a, b] = await aggregates([THREE[0], THREE[1]]);
    const row = a.rows.find((r: any) => r.key.unit !== null && r.key.month !== null);
    expect(typeof row.key.month).toBe('number');
    expect(row.key.unit).toEqual({ code: expect.any(String), name: expect.any(String), tier: expect.any(String), asOf: expect.any(String) });
    expect(STATUSES).toContain(row.key.status);
    const cat = b.rows.find((r: any) => r.key.category !== null);
    expect(typeof cat.key.year).toBe('number');
    expect(AUTHORITIES).toContain(cat.key.authority);
    expect(cat.key.category).toEqual({ code: expect.any(String), name: expect.any(String) });
    // Category names are those of the data.
    const names = new Map(CATEGORIES.map(([c, n]) => [c, n]));
    for (const r of b.rows) if (names.has(r.key.category?.code)) expect(r.key.category.name).toBe(names.get(r.key.category.code));
    // Unit names are those of the data (seen on a day of the period).
    for (const r of a.rows) if (r.key.unit) expect(UNITS.filter((u) => u.code === r.key.unit.code).map((u) => u.name)).toContain(r.key.unit.name);
  });
});

describe('history', () => {
  test('a unit that moves mid-year counts under the parent of each fact\'s reference date, as in the rollup', async () => {
    const period = { fromYear: 2024 };
    for (const measure of MEASURES) {
      const [a, b] = await aggregates([
        { root: 'P.A', period, measure, groupBy: ['CHILD_UNIT'] },
        { root: 'P.B', period, measure, groupBy: ['CHILD_UNIT'] },
      ]);
      expect(a.total).toBe(await rollupMeasure('P.A', period, measure));
      expect(b.total).toBe(await rollupMeasure('P.B', period, measure));
      // M moved from P.A to P.B on 1 July: its facts of months 1–6 are P.A's; the rest (month-less ones are placed on
      // 31 December) are P.B's.
      const firstHalf = await rollupMeasure('M', { fromYear: 2024, fromMonth: 1, toMonth: 6 }, measure);
      const whole = await rollupMeasure('M', period, measure);
      expect([measure, rowValue(a, 'CHILD_UNIT', 'M'), rowValue(b, 'CHILD_UNIT', 'M')]).toEqual([measure, firstHalf, whole - firstHalf]);
    }
    const moved = await aggregate({ root: 'P.A', period, measure: 'CAMPAIGNS', groupBy: ['CHILD_UNIT'] });
    expect(rowValue(moved, 'CHILD_UNIT', 'M')).toBeGreaterThan(0);
  });

  test('the row set follows the period: a child is a row when it was a child on some day of it', async () => {
    const rowsOf = async (period: Period) =>
      (await aggregate({ root: 'P.A', period, measure: 'CAMPAIGNS', groupBy: ['CHILD_UNIT'] })).rows.map((r: any) => r.key.unit?.code ?? null);
    expect(await rowsOf({ fromYear: 2024, fromMonth: 1, toMonth: 6 })).toEqual([null, 'M', 'P.A.1']);
    expect(await rowsOf({ fromYear: 2024, fromMonth: 7, toMonth: 12 })).toEqual([null, 'P.A.1', 'P.C.1']);
    expect(await rowsOf({ fromYear: 2024 })).toEqual([null, 'M', 'P.A.1', 'P.C.1']);
    // The same from the model of the tree.
    expect([null, ...childrenDuring('P.A', { fromYear: 2024, fromMonth: 7, toMonth: 12 })]).toEqual([null, 'P.A.1', 'P.C.1']);
  });

  test('a child that existed only part of the period is a row, seen on its last day in the period', async () => {
    const result = await aggregate({ root: 'P', period: { fromYear: 2024 }, measure: 'CAMPAIGNS', groupBy: ['CHILD_UNIT'] });
    expect(result.rows.map((r: any) => r.key.unit?.code ?? null)).toEqual([null, ...childrenDuring('P', { fromYear: 2024 })]);
    const ended = result.rows.find((r: any) => r.key.unit?.code === 'P.C');
    const begun = result.rows.find((r: any) => r.key.unit?.code === 'P.E');
    // P.C ended on 2024-07-01 (the day after its last); P.E began on 2024-03-01 and has no facts.
    expect(ended.key.unit.asOf).toBe(addDays(UNITS.find((u) => u.code === 'P.C')!.to, -1));
    expect(ended.value).toBe(await rollupMeasure('P.C', { fromYear: 2024 }, 'CAMPAIGNS'));
    expect(ended.value).toBeGreaterThan(0);
    expect(begun.value).toBe(0);
    expect(begun.key.unit.asOf).toBe('2024-12-31');
    // Outside their lifetimes they are not rows.
    const before = await aggregate({ root: 'P', period: { fromYear: 2023 }, measure: 'CAMPAIGNS', groupBy: ['CHILD_UNIT'] });
    expect(before.rows.map((r: any) => r.key.unit?.code ?? null)).not.toContain('P.E');
    expect(before.rows.map((r: any) => r.key.unit?.code ?? null)).toContain('P.C');
    const after = await aggregate({ root: 'P', period: { fromYear: 2025 }, measure: 'CAMPAIGNS', groupBy: ['CHILD_UNIT'] });
    expect(after.rows.map((r: any) => r.key.unit?.code ?? null)).toEqual([null, 'P.A', 'P.B', 'P.E', 'P.G']);
  });

  test('a unit moved into a district mid-year: only its facts after the move are the district\'s', async () => {
    // P.C.1 moved from P.C to P.A on 1 July.
    for (const measure of MEASURES) {
      const [a, c] = await aggregates([
        { root: 'P.A', period: { fromYear: 2024 }, measure, groupBy: ['CHILD_UNIT'] },
        { root: 'P', period: { fromYear: 2024 }, measure, groupBy: ['CHILD_UNIT'] },
      ]);
      const secondHalf = await rollupMeasure('P.C.1', { fromYear: 2024, fromMonth: 7, toMonth: 12 }, measure);
      expect(rowValue(a, 'CHILD_UNIT', 'P.C.1')).toBe(secondHalf);
      expect(rowValue(c, 'CHILD_UNIT', 'P.C')).toBe(await rollupMeasure('P.C', { fromYear: 2024 }, measure));
    }
  });
});

describe('guards: each refused with BAD_USER_INPUT and a message that says why', () => {
  const base: Query = { root: 'P', period: { fromYear: 2024 }, measure: 'CAMPAIGNS' };
  const GUARDS: [string, Partial<Query>, RegExp][] = [
    [`more than ${MAX_GROUP_BY} dimensions`, { groupBy: ['TIER', 'BODY', 'YEAR', 'MONTH'] }, new RegExp(`4 dimensions.*at most ${MAX_GROUP_BY}`)],
    ['a dimension twice', { groupBy: ['BODY', 'YEAR', 'BODY'] }, /BODY twice/],
    ['CHILD_UNIT with UNIT_AT_TIER', { groupBy: ['CHILD_UNIT', 'UNIT_AT_TIER'], atTier: 'GRASSROOTS' }, /CHILD_UNIT and UNIT_AT_TIER.*together/],
    ['UNIT_AT_TIER without atTier', { groupBy: ['UNIT_AT_TIER'] }, /UNIT_AT_TIER needs `atTier`/],
    ['atTier without UNIT_AT_TIER', { groupBy: ['BODY'], atTier: 'DISTRICT' }, /atTier.*only with groupBy UNIT_AT_TIER/],
    ["atTier at the root's tier", { root: 'P.A', groupBy: ['UNIT_AT_TIER'], atTier: 'DISTRICT' }, /DISTRICT is not below the root's tier.*P\.A is DISTRICT/],
    ["atTier above the root's tier", { root: 'P.A.1', groupBy: ['UNIT_AT_TIER'], atTier: 'PROVINCIAL' }, /PROVINCIAL is not below.*GRASSROOTS/],
    ['any atTier under a cell', { root: 'P.A.1.a', groupBy: ['UNIT_AT_TIER'], atTier: 'CELL' }, /CELL is not below.*CELL/],
    ['MONTH across years', { period: { fromYear: 2023, toYear: 2024 }, groupBy: ['MONTH'] }, /MONTH.*one year.*2023–2024/],
    ['FORM for CAMPAIGNS', { groupBy: ['FORM'] }, /FORM does not apply to CAMPAIGNS.*discipline measures/],
    ['AUTHORITY for DOCUMENTS', { measure: 'DOCUMENTS', groupBy: ['AUTHORITY'] }, /AUTHORITY does not apply to DOCUMENTS/],
    ['SUBJECT for CAMPAIGNS_ARISING', { measure: 'CAMPAIGNS_ARISING', groupBy: ['SUBJECT'] }, /SUBJECT does not apply to CAMPAIGNS_ARISING/],
    ['CADRE_CATEGORY for DISCIPLINED_ORGANIZATIONS', { measure: 'DISCIPLINED_ORGANIZATIONS', groupBy: ['CADRE_CATEGORY'] }, /CADRE_CATEGORY does not apply to DISCIPLINED_ORGANIZATIONS.*DISCIPLINED_MEMBERS only/],
    ['CADRE_CATEGORY for CAMPAIGNS', { groupBy: ['CADRE_CATEGORY'] }, /CADRE_CATEGORY does not apply to CAMPAIGNS/],
    ['ACTIVITY for DOCUMENTS', { measure: 'DOCUMENTS', groupBy: ['ACTIVITY'] }, /ACTIVITY does not apply to DOCUMENTS.*campaign measures/],
    ['ORIGIN for DISCIPLINED_MEMBERS', { measure: 'DISCIPLINED_MEMBERS', groupBy: ['TIER', 'ORIGIN'] }, /ORIGIN does not apply to DISCIPLINED_MEMBERS/],
    ['STATUS for DOCUMENTS', { measure: 'DOCUMENTS', groupBy: ['STATUS'] }, /STATUS does not apply to DOCUMENTS/],
    ['filter.forms for CAMPAIGNS', { filter: { forms: ['WARNING'] } }, /filter\.forms does not apply to CAMPAIGNS/],
    ['filter.activities for DOCUMENTS', { measure: 'DOCUMENTS', filter: { activities: ['INSPECTION'] } }, /filter\.activities does not apply to DOCUMENTS/],
    ['filter.statuses for DISCIPLINED_MEMBERS', { measure: 'DISCIPLINED_MEMBERS', filter: { statuses: ['COMPLETED'] } }, /filter\.statuses does not apply/],
    ['filter.authorities for CAMPAIGNS', { filter: { authorities: ['PARTY_COMMITTEES'] } }, /filter\.authorities does not apply to CAMPAIGNS/],
    ['filter.subjects for DOCUMENTS', { measure: 'DOCUMENTS', filter: { subjects: ['MEMBER'] } }, /filter\.subjects does not apply to DOCUMENTS/],
    ['filter.categories for DISCIPLINED_ORGANIZATIONS', { measure: 'DISCIPLINED_ORGANIZATIONS', filter: { categories: ['CM'] } }, /filter\.categories does not apply to DISCIPLINED_ORGANIZATIONS/],
    ['an unknown category code', { measure: 'DISCIPLINED_MEMBERS', filter: { categories: ['CM', 'KHONG_CO'] } }, /unknown cadre category "KHONG_CO"/],
    ['fromMonth after toMonth', { period: { fromYear: 2024, fromMonth: 8, toMonth: 3 } }, /fromMonth 8 is after toMonth 3/],
    ['month 13', { period: { fromYear: 2024, toMonth: 13 } }, /toMonth 13 is not a month/],
    ['month 0', { period: { fromYear: 2024, fromMonth: 0 } }, /fromMonth 0 is not a month/],
    ['fromYear after toYear', { period: { fromYear: 2024, toYear: 2023 } }, /fromYear 2024 is after toYear 2023/],
    ['a year out of range', { period: { fromYear: 1800 } }, /fromYear 1800 is outside/],
  ];

  test.each(GUARDS)('%s', async (_name, change, message) => {
    const errors = await aggregateErrors({ ...base, ...change });
    expect(errors).toHaveLength(1);
    expect(errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(errors[0].message).toMatch(message);
  });

  test('the same requests without the fault are answered (each guard refuses only what it names)', async () => {
    const ok: Query[] = [
      { ...base, groupBy: ['TIER', 'BODY', 'YEAR'] },
      { ...base, groupBy: ['UNIT_AT_TIER'], atTier: 'GRASSROOTS' },
      { ...base, root: 'P.A', groupBy: ['UNIT_AT_TIER'], atTier: 'GRASSROOTS' },
      { ...base, period: { fromYear: 2024, toYear: 2024 }, groupBy: ['MONTH'] },
      { ...base, measure: 'DISCIPLINED_MEMBERS', groupBy: ['FORM', 'CADRE_CATEGORY'], filter: { categories: ['CM'], forms: ['WARNING'] } },
      // Empty lists on filters that do not apply are no filter at all.
      { ...base, measure: 'DOCUMENTS', filter: { activities: [], forms: [], categories: [], subjects: [] } },
      { ...base, period: { fromYear: 2024, fromMonth: 7, toMonth: 7 } },
    ];
    const results = await aggregates(ok);
    for (const [i, q] of ok.entries()) expect(results[i].total).toBe(expected(q).total);
  });

  test(`the row cap (${MAX_AGGREGATE_ROWS.toLocaleString('en-US')}) is checked before any fact is read`, async () => {
    const spy = jest.spyOn(engine, 'factsByReferenceDate');
    try {
      // Every year the API allows × the province's children over those years (and the root's own row) × 6 bodies.
      const q: Query = { root: 'QN', period: { fromYear: 1930, toYear: 2100 }, measure: 'CAMPAIGNS', groupBy: ['YEAR', 'CHILD_UNIT', 'BODY'] };
      const seedUnits = parse(fs.readFileSync(path.join(seedDir('quang-ninh-2023'), 'units.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
      const children = new Set(seedUnits.filter((u) => u.parent_code === 'QN').map((u) => u.code)).size;
      const rows = 171 * (children + 1) * BODIES.length;
      expect(rows).toBeGreaterThan(MAX_AGGREGATE_ROWS);
      const errors = await aggregateErrors(q);
      expect(errors[0].extensions.code).toBe('BAD_USER_INPUT');
      expect(errors[0].extensions.maxRows).toBe(MAX_AGGREGATE_ROWS);
      expect(errors[0].message).toContain(`at most ${MAX_AGGREGATE_ROWS.toLocaleString('en-US')}`);
      expect(errors[0].message).toContain(`171 values of YEAR`);
      expect(errors[0].message).toContain(`${children + 1} values of CHILD_UNIT`);
      expect(errors[0].message).toContain(`${BODIES.length} values of BODY`);
      expect(errors[0].message).toContain(rows.toLocaleString('en-US'));
      expect(spy).not.toHaveBeenCalled();
      // Under the cap, the same grouping is answered (and reads the facts).
      const under = await aggregate({ ...q, period: { fromYear: 2022, toYear: 2024 } });
      expect(under.total).toBe(await rollupMeasure('QN', { fromYear: 2022, toYear: 2024 }, 'CAMPAIGNS'));
      expect(spy).toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });
});

describe('callers', () => {
  const analyst = (unitCode: string): Caller => ({ subject: `analyst-${unitCode}`, unitCode, roles: new Set([Role.ANALYST]) });
  const viewer: Caller = { subject: 'viewer-P', unitCode: 'P', roles: new Set([Role.VIEWER]) };
  const gqls: Graphql[] = [];
  const as = async (caller: Caller) => {
    const gql = await createGraphql(t.db.orm, { today: '2026-11-26', caller });
    gqls.push(gql);
    return gql;
  };
  afterAll(async () => {
    for (const gql of gqls) await gql.stop();
  });

  /** Queries that touch history and every kind of grouping. */
  const SAMPLE = (root: string): Query[] => [
    { root, period: { fromYear: 2024 }, measure: 'CAMPAIGNS', groupBy: ['CHILD_UNIT', 'MONTH'] },
    { root, period: { fromYear: 2022, toYear: 2024 }, measure: 'DISCIPLINED_MEMBERS', groupBy: ['UNIT_AT_TIER', 'CADRE_CATEGORY'], atTier: 'GRASSROOTS' },
    { root, period: { fromYear: 2024, fromMonth: 3, toMonth: 7 }, measure: 'DOCUMENTS', groupBy: ['YEAR', 'TIER', 'BODY'] },
    { root, period: { fromYear: 2024 }, measure: 'CAMPAIGNS_COMPLETED', filter: { tiers: ['GRASSROOTS'] } },
  ];

  test('an unknown root is NOT_FOUND', async () => {
    const errors = await aggregateErrors({ root: 'KHONG.CO', period: { fromYear: 2024 }, measure: 'CAMPAIGNS' });
    expect(errors[0].extensions.code).toBe('NOT_FOUND');
    expect(errors[0].message).toContain('KHONG.CO');
  });

  test('a district analyst asking for another district, or the province, gets the same NOT_FOUND as for an unknown code', async () => {
    const gql = await as(analyst('P.A'));
    const unknown = (await aggregateErrors({ root: 'KHONG.CO', period: { fromYear: 2024 }, measure: 'CAMPAIGNS' }, gql))[0];
    for (const root of ['P.B', 'P', 'QN']) {
      const [error] = await aggregateErrors({ root, period: { fromYear: 2024 }, measure: 'CAMPAIGNS', groupBy: ['CHILD_UNIT'] }, gql);
      expect(error.extensions).toEqual(unknown.extensions);
      expect(error.message.replace(root, '?')).toBe(unknown.message.replace('KHONG.CO', '?'));
    }
  });

  test('a VIEWER is FORBIDDEN', async () => {
    const gql = await as(viewer);
    const [error] = await aggregateErrors({ root: 'P', period: { fromYear: 2024 }, measure: 'CAMPAIGNS' }, gql);
    expect(error.extensions.code).toBe('FORBIDDEN');
    expect(error.message).toMatch(/ANALYST/);
  });

  test("a province analyst sees what the open server sees", async () => {
    const gql = await as(analyst('P'));
    const queries = [...SAMPLE('P'), ...SAMPLE('P.A'), ...SAMPLE('P.B')];
    expect(await aggregates(queries, gql)).toEqual(await aggregates(queries));
  });

  test("a district analyst's aggregate of its own district equals the open one (history included)", async () => {
    for (const district of ['P.A', 'P.B']) {
      const gql = await as(analyst(district));
      const queries = SAMPLE(district);
      const scoped = await aggregates(queries, gql);
      expect(scoped).toEqual(await aggregates(queries));
      expect(scoped[0].total).toBe(await rollupMeasure(district, { fromYear: 2024 }, 'CAMPAIGNS'));
    }
  });

  test('a unit that moved into the scope: only its facts recorded under the scope count, as in the scoped rollup', async () => {
    // M moved from P.A to P.B on 1 July 2024; P.B's analyst sees M (under P.B today) but not its facts of months 1–6.
    const gql = await as(analyst('P.B'));
    const scopedRollup = (await gql.data(ROLLUP, { code: 'M', period: { year: 2024 } })).unit.rollup;
    const results = await aggregates(MEASURES.map((measure) => ({ root: 'M', period: { fromYear: 2024 }, measure })), gql);
    for (const [i, measure] of MEASURES.entries()) {
      const afterMove = (await rollupMeasure('M', { fromYear: 2024 }, measure)) - (await rollupMeasure('M', { fromYear: 2024, fromMonth: 1, toMonth: 6 }, measure));
      expect([measure, results[i].total]).toEqual([measure, afterMove]);
      expect([measure, results[i].total]).toEqual([measure, ROLLUP_FIELD[measure](scopedRollup)]);
    }
    const open = await aggregate({ root: 'M', period: { fromYear: 2024 }, measure: 'CAMPAIGNS' });
    expect(results[0].total).toBeLessThan(open.total);
    // P.A's analyst does not see M at all (it is under P.B today).
    const [error] = await aggregateErrors({ root: 'M', period: { fromYear: 2024 }, measure: 'CAMPAIGNS' }, await as(analyst('P.A')));
    expect(error.extensions.code).toBe('NOT_FOUND');
  });
});

describe('statements', () => {
  async function countStatements(q: Query) {
    const before = statementCounter.count;
    const result = await aggregate(q);
    return { statements: statementCounter.count - before, result };
  }

  test('CHILD_UNIT costs a small constant number of statements whatever the number of children', async () => {
    const period = { fromYear: 2023 };
    const counts: Record<string, number> = {};
    for (const root of ['QN.CT', 'QN', 'QN.HL']) {
      const plain = await countStatements({ root, period, measure: 'CAMPAIGNS' });
      const grouped = await countStatements({ root, period, measure: 'CAMPAIGNS', groupBy: ['CHILD_UNIT'] });
      counts[root] = grouped.statements;
      // The units of the rows: one statement for which, one for their views (all seen on 2023-12-31).
      expect(grouped.statements).toBeLessThanOrEqual(plain.statements + 2);
      expect(grouped.statements).toBeLessThanOrEqual(6);
      expect(grouped.result.total).toBe(await rollupMeasure(root, period, 'CAMPAIGNS'));
    }
    // 10, 20 and 90 children cost the same.
    const children = await Promise.all(['QN.CT', 'QN', 'QN.HL'].map(async (root) => (await aggregate({ root, period, measure: 'CAMPAIGNS', groupBy: ['CHILD_UNIT'] })).rows.length - 1));
    expect(children).toEqual([10, 20, 90]);
    expect(new Set(Object.values(counts)).size).toBe(1);
  });

  test('UNIT_AT_TIER over the whole province (696 grassroots units) costs no more', async () => {
    const period = { fromYear: 2023 };
    const small = await countStatements({ root: 'QN.CT', period, measure: 'CAMPAIGNS', groupBy: ['UNIT_AT_TIER'], atTier: 'GRASSROOTS' });
    const large = await countStatements({ root: 'QN', period, measure: 'CAMPAIGNS', groupBy: ['UNIT_AT_TIER'], atTier: 'GRASSROOTS' });
    expect(large.result.rows.length).toBeGreaterThan(600);
    expect(large.statements).toBe(small.statements);
    expect(sumRows(large.result)).toBe(await rollupMeasure('QN', period, 'CAMPAIGNS'));
  });
});
