/**
 * Exports as a neutral table (title, headers, rows of cells, column kinds), written out by csv.ts and xlsx.ts.
 * Two tables: an `aggregate` (one column per grouped dimension, then value, share of total, numerator and
 * denominator, and a total row) and the children table of a unit's rollup (the by-district table of the published
 * reports: one row per child unit and the root's total). Labels in Vietnamese or English (src/labels.ts).
 */
import type { UnitView } from '../org/tree';
import type { CadreCategoryType } from '../facts/cadre-category.type';
import type { AggregateArgs, AggregateResultValue } from '../rollup/aggregate';
import { Dimension, type AggregateKeyValue, type FactFilter } from '../rollup/aggregate.types';
import type { CampaignStats, DisciplineStats, DocumentStats } from '../rollup/rollup.types';
import { share } from '../rollup/shares';
import { DIMENSION_LABELS, enumLabel, MEASURE_LABELS, text, TIER_LABELS, type EnumName, type Lang } from '../labels';

export type Cell = string | number | null;
/** text: labels (codes, names, years); integer: counts; share: a fraction in [0, 1] shown as a percent. */
export type ColumnKind = 'text' | 'integer' | 'share';

export interface Table {
  title: string;
  /** At most 31 characters, none of : \ / ? * [ ] (Excel's rules). */
  sheetName: string;
  headers: string[];
  kinds: ColumnKind[];
  /** How many leading columns label each row (frozen in a spreadsheet). */
  labelColumns: number;
  rows: Cell[][];
  /** How many of the last rows are totals. */
  totalRows: number;
}

/** The unit an export is about, as its title and file name show it. */
export type RootUnit = Pick<UnitView, 'code' | 'name'>;

/** "năm 2023", "tháng 1–6 năm 2023", "các năm 2021–2023" (or in English). */
export function periodLabel(lang: Lang, p: { fromYear: number; toYear?: number | null; fromMonth?: number | null; toMonth?: number | null }): string {
  const toYear = p.toYear ?? p.fromYear;
  const fromMonth = p.fromMonth ?? 1;
  const toMonth = p.toMonth ?? 12;
  const years = p.fromYear === toYear ? text('periodYear', lang, { year: p.fromYear }) : text('periodYears', lang, { from: p.fromYear, to: toYear });
  if (fromMonth === 1 && toMonth === 12) return years;
  return text(fromMonth === toMonth ? 'periodMonth' : 'periodMonths', lang, { fromMonth, toMonth, years });
}

/** The enum of each dimension shown as a label. */
const ENUM_OF: Partial<Record<Dimension, { name: EnumName; field: keyof AggregateKeyValue }>> = {
  [Dimension.TIER]: { name: 'Tier', field: 'tier' },
  [Dimension.BODY]: { name: 'Body', field: 'body' },
  [Dimension.AUTHORITY]: { name: 'Authority', field: 'authority' },
  [Dimension.ACTIVITY]: { name: 'Activity', field: 'activity' },
  [Dimension.ORIGIN]: { name: 'Origin', field: 'origin' },
  [Dimension.STATUS]: { name: 'CampaignStatus', field: 'status' },
  [Dimension.FORM]: { name: 'DisciplineForm', field: 'form' },
  [Dimension.SUBJECT]: { name: 'Subject', field: 'subject' },
};

/** The enum behind each filter list (categories are codes). */
const FILTER_ENUM: Record<keyof FactFilter, { dimension: Dimension; name: EnumName | null }> = {
  tiers: { dimension: Dimension.TIER, name: 'Tier' },
  bodies: { dimension: Dimension.BODY, name: 'Body' },
  authorities: { dimension: Dimension.AUTHORITY, name: 'Authority' },
  activities: { dimension: Dimension.ACTIVITY, name: 'Activity' },
  origins: { dimension: Dimension.ORIGIN, name: 'Origin' },
  statuses: { dimension: Dimension.STATUS, name: 'CampaignStatus' },
  forms: { dimension: Dimension.FORM, name: 'DisciplineForm' },
  subjects: { dimension: Dimension.SUBJECT, name: 'Subject' },
  categories: { dimension: Dimension.CADRE_CATEGORY, name: null },
};

/** One grouped dimension's columns: headers and the cells of a row's key. */
interface DimensionColumns {
  headers: string[];
  cells(key: AggregateKeyValue): Cell[];
}

function dimensionColumns(dimension: Dimension, args: AggregateArgs, lang: Lang): DimensionColumns {
  const known = ENUM_OF[dimension];
  if (known) {
    return {
      headers: [DIMENSION_LABELS[dimension][lang]],
      cells: (key) => [key[known.field] == null ? null : enumLabel(known.name, String(key[known.field]), lang)],
    };
  }
  switch (dimension) {
    case Dimension.CADRE_CATEGORY:
      return { headers: [DIMENSION_LABELS[dimension][lang]], cells: (key) => [key.category ? key.category.name : text('noCategory', lang)] };
    case Dimension.YEAR:
      return { headers: [DIMENSION_LABELS[dimension][lang]], cells: (key) => [key.year ?? null] };
    case Dimension.MONTH:
      return { headers: [DIMENSION_LABELS[dimension][lang]], cells: (key) => [key.month ?? text('noMonth', lang)] };
    case Dimension.CHILD_UNIT:
      return {
        headers: [text('childUnitCode', lang), text('childUnitName', lang)],
        cells: (key) => (key.unit ? [key.unit.code, key.unit.name] : [null, text('ownFacts', lang)]),
      };
    case Dimension.UNIT_AT_TIER: {
      const tier = args.atTier ? TIER_LABELS[args.atTier][lang] : '';
      return {
        headers: [text('unitAtTierCode', lang, { tier }), text('unitAtTierName', lang, { tier })],
        cells: (key) => (key.unit ? [key.unit.code, key.unit.name] : [null, text('noUnitAtTier', lang, { tier })]),
      };
    }
    default:
      throw new Error(`no columns for dimension ${dimension}`);
  }
}

function filterLabel(filter: FactFilter | null | undefined, lang: Lang): string | null {
  const parts: string[] = [];
  for (const [list, { dimension, name }] of Object.entries(FILTER_ENUM) as [keyof FactFilter, (typeof FILTER_ENUM)[keyof FactFilter]][]) {
    const values = filter?.[list];
    if (!values || values.length === 0) continue;
    const shown = values.map((v) => (name ? enumLabel(name, v, lang) : v));
    parts.push(`${DIMENSION_LABELS[dimension][lang]}: ${shown.join(', ')}`);
  }
  return parts.length > 0 ? text('filteredBy', lang, { filters: parts.join('; ') }) : null;
}

export function aggregateTitle(args: AggregateArgs, root: RootUnit, lang: Lang): string {
  const groupBy = args.groupBy ?? [];
  const parts = [text('aggregateTitle', lang, { measure: MEASURE_LABELS[args.measure][lang], unit: `${root.name} (${root.code})`, period: periodLabel(lang, args.period) })];
  if (groupBy.length > 0) {
    const dims = groupBy.map((d) => (d === Dimension.UNIT_AT_TIER && args.atTier ? text('unitAtTierName', lang, { tier: TIER_LABELS[args.atTier][lang] }) : DIMENSION_LABELS[d][lang].toLowerCase()));
    parts.push(text('groupedBy', lang, { dimensions: dims.join(' × ') }));
  }
  const filter = filterLabel(args.filter, lang);
  if (filter) parts.push(filter);
  return parts.join(', ');
}

/**
 * An aggregate as a table: one column per grouped dimension (two for a unit: code and name), then the value, its
 * share of the total, numerator and denominator; every row of the result in its order, then a total row. Without
 * grouping, the one row is the total (labelled by the measure).
 */
export function aggregateTable(args: AggregateArgs, result: AggregateResultValue, root: RootUnit, lang: Lang): Table {
  const groupBy = args.groupBy ?? [];
  const measure = MEASURE_LABELS[args.measure][lang];
  const valueHeaders = [measure, text('shareOfTotal', lang), text('numerator', lang), text('denominator', lang)];
  const valueKinds: ColumnKind[] = ['integer', 'share', 'integer', 'integer'];
  const base = { title: aggregateTitle(args, root, lang), sheetName: text('aggregateSheet', lang) };
  const totalCells = (): Cell[] => [result.total, share(result.total, result.total), result.total, result.total];
  if (groupBy.length === 0) {
    return {
      ...base,
      headers: [text('measure', lang), ...valueHeaders],
      kinds: ['text', ...valueKinds],
      labelColumns: 1,
      rows: [[text('total', lang), ...totalCells()]],
      totalRows: 1,
    };
  }
  const columns = groupBy.map((d) => dimensionColumns(d, args, lang));
  const headers = columns.flatMap((c) => c.headers);
  const rows: Cell[][] = result.rows.map((row) => [
    ...columns.flatMap((c) => c.cells(row.key)),
    row.value,
    row.shareOfTotal,
    row.numerator,
    row.denominator,
  ]);
  const total: Cell[] = [text('total', lang), ...headers.slice(1).map(() => null), ...totalCells()];
  return {
    ...base,
    headers: [...headers, ...valueHeaders],
    kinds: [...headers.map((): ColumnKind => 'text'), ...valueKinds],
    labelColumns: headers.length,
    rows: [...rows, total],
    totalRows: 1,
  };
}

/** A unit's rollup, as the children table reads it. */
export interface UnitRollup {
  campaigns: CampaignStats;
  discipline: DisciplineStats;
  documents: DocumentStats;
}

export interface ChildrenTableInput {
  root: RootUnit;
  period: { year: number; fromMonth: number; toMonth: number };
  children: { unit: RootUnit; rollup: UnitRollup }[];
  /** The root's own rollup: its whole subtree. */
  total: UnitRollup;
  categories: readonly CadreCategoryType[];
}

/**
 * The by-district table: per child unit (and for the root's whole subtree, last) campaigns total, completed,
 * % completed, programmed, arising; disciplined organizations, members, and members per cadre category (count and
 * % of the members); leadership and guidance documents. The figures are the rollup's own.
 */
export function childrenTable(input: ChildrenTableInput, lang: Lang): Table {
  const { root, categories } = input;
  const headers = [
    text('unitCode', lang),
    text('unitName', lang),
    text('campaignsTotal', lang),
    text('campaignsCompleted', lang),
    text('campaignsCompletedShare', lang),
    text('campaignsProgrammed', lang),
    text('campaignsArising', lang),
    text('disciplinedOrganizations', lang),
    text('disciplinedMembers', lang),
    ...categories.flatMap((c) => [text('categoryCount', lang, { category: c.name }), text('categoryShare', lang, { category: c.name })]),
    text('documentsDirectives', lang),
    text('documentsGuidance', lang),
  ];
  const kinds: ColumnKind[] = [
    'text',
    'text',
    'integer',
    'integer',
    'share',
    'integer',
    'integer',
    'integer',
    'integer',
    ...categories.flatMap((): ColumnKind[] => ['integer', 'share']),
    'integer',
    'integer',
  ];
  const figures = (r: UnitRollup): Cell[] => {
    const byCode = new Map(r.discipline.membersByCategory.map((m) => [m.category.code, m]));
    return [
      r.campaigns.total,
      r.campaigns.completed,
      share(r.campaigns.completed, r.campaigns.total),
      r.campaigns.programmed,
      r.campaigns.arising,
      r.discipline.organizations,
      r.discipline.members,
      ...categories.flatMap((c) => {
        const m = byCode.get(c.code);
        return [m?.count ?? 0, m ? m.share : share(0, r.discipline.members)];
      }),
      r.documents.directives,
      r.documents.guidance,
    ];
  };
  const rows: Cell[][] = input.children.map((c) => [c.unit.code, c.unit.name, ...figures(c.rollup)]);
  rows.push([root.code, text('totalOf', lang, { unit: root.name }), ...figures(input.total)]);
  return {
    title: text('childrenTitle', lang, { unit: `${root.name} (${root.code})`, period: periodLabel(lang, { fromYear: input.period.year, ...input.period }) }),
    sheetName: text('childrenSheet', lang),
    headers,
    kinds,
    labelColumns: 2,
    rows,
    totalRows: 1,
  };
}
