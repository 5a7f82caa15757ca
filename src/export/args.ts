/**
 * The one parser of an export's parameters: a flat map of strings, from an HTTP query string
 * (`/export.csv?root=QN&year=2023&measure=DISCIPLINED_MEMBERS&groupBy=CHILD_UNIT,CADRE_CATEGORY`) or from the
 * command line (`kiemtra export --root QN --year 2023 …`), into the arguments of `aggregate` or of the children
 * table. It checks shapes only (names, whole numbers, enum values); what the values mean together (periods, which
 * dimension applies to which measure, the root) is checked by runAggregate and the children table, so that the
 * export refuses exactly what GraphQL refuses. Every error is a BAD_USER_INPUT that names the parameter.
 */
import type { GraphQLError } from 'graphql';
import { badUserInput } from '../errors';
import { Tier } from '../org/kinds';
import { Authority, Body, CampaignStatus, DisciplineForm, Subject } from '../facts/enums';
import { ActivityValue, Dimension, Measure, OriginValue, type FactFilter } from '../rollup/aggregate.types';
import type { AggregateArgs } from '../rollup/aggregate';
import { DEFAULT_LANG, LANGS, type Lang } from '../labels';

export const REPORTS = ['aggregate', 'children'] as const;
export type Report = (typeof REPORTS)[number];

/** The children table: one row per child unit of `root` (and the root's total) over one year's months. */
export interface ChildrenArgs {
  root: string;
  year: number;
  fromMonth: number;
  toMonth: number;
}

export type ExportRequest =
  | { report: 'aggregate'; args: AggregateArgs; lang: Lang; params: Record<string, string> }
  | { report: 'children'; args: ChildrenArgs; lang: Lang; params: Record<string, string> };

/** The filter lists: parameter name → the values each accepts (null: any code, for cadre categories). */
const FILTERS: Record<keyof FactFilter, readonly string[] | null> = {
  tiers: Object.values(Tier),
  bodies: Object.values(Body),
  authorities: Object.values(Authority),
  activities: Object.values(ActivityValue),
  origins: Object.values(OriginValue),
  statuses: Object.values(CampaignStatus),
  forms: Object.values(DisciplineForm),
  subjects: Object.values(Subject),
  categories: null,
};

/** Every parameter, in the order the documentation lists them. */
export const PARAMETERS = [
  'report',
  'root',
  'year',
  'fromYear',
  'toYear',
  'fromMonth',
  'toMonth',
  'measure',
  'groupBy',
  'atTier',
  ...(Object.keys(FILTERS) as (keyof FactFilter)[]),
  'lang',
] as const;
export type Parameter = (typeof PARAMETERS)[number];

/** Parameters only `aggregate` takes. */
const AGGREGATE_ONLY: readonly Parameter[] = ['measure', 'groupBy', 'atTier', ...(Object.keys(FILTERS) as Parameter[])];

/** How a parameter is called where it came from: `groupBy` in a URL, `--group-by` on the command line. */
export type Style = 'query' | 'cli';

export function parameterName(name: string, style: Style): string {
  return style === 'cli' ? `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}` : name;
}

/** The raw map: an HTTP query (a repeated name gives an array) or the command line's options. */
export type RawParams = Record<string, string | readonly string[] | undefined>;

export function parseExportParams(raw: RawParams, style: Style = 'query'): ExportRequest {
  const name = (p: string) => parameterName(p, style);
  const fail = (p: string, message: string): GraphQLError => badUserInput(`${name(p)}: ${message}`, { field: p });

  const known = new Set<string>(PARAMETERS);
  const unknown = Object.keys(raw).filter((k) => raw[k] !== undefined && !known.has(k));
  if (unknown.length > 0) {
    throw badUserInput(
      `Unknown parameter ${unknown.map((k) => `"${name(k)}"`).join(', ')}; the parameters are ${PARAMETERS.map(name).join(', ')}.`,
      { field: unknown[0] },
    );
  }
  // Each parameter once; a list may also be repeated (tiers=DISTRICT&tiers=GRASSROOTS).
  const params: Record<string, string> = {};
  for (const p of PARAMETERS) {
    const value = raw[p];
    if (value === undefined) continue;
    if (typeof value !== 'string') {
      if (!(p === 'groupBy' || p in FILTERS)) throw fail(p, 'is given more than once.');
      params[p] = value.join(',');
    } else params[p] = value;
  }

  const word = (p: Parameter, allowed: readonly string[], fallback?: string): string | undefined => {
    const value = params[p]?.trim();
    if (value === undefined || value === '') return fallback;
    const upper = allowed.every((a) => a === a.toUpperCase());
    const normalized = upper ? value.toUpperCase() : value.toLowerCase();
    if (!allowed.includes(normalized)) throw fail(p, `"${value}" is not one of ${allowed.join(', ')}.`);
    return normalized;
  };
  const list = (p: Parameter, allowed: readonly string[] | null): string[] | undefined => {
    const value = params[p];
    if (value === undefined) return undefined;
    const items = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
    if (allowed === null) return items;
    return items.map((item) => {
      const normalized = item.toUpperCase();
      if (!allowed.includes(normalized)) throw fail(p, `"${item}" is not one of ${allowed.join(', ')}.`);
      return normalized;
    });
  };
  const integer = (p: Parameter): number | undefined => {
    const value = params[p]?.trim();
    if (value === undefined || value === '') return undefined;
    if (!/^-?\d{1,9}$/.test(value)) throw fail(p, `must be a whole number, got "${value}".`);
    return Number(value);
  };

  const report = word('report', REPORTS, 'aggregate') as Report;
  const lang = word('lang', LANGS, DEFAULT_LANG) as Lang;
  const root = params.root?.trim();
  if (!root) throw fail('root', 'is required: the code of the unit whose subtree to export (e.g. QN).');

  const year = integer('year');
  let fromYear = integer('fromYear');
  let toYear = integer('toYear');
  if (year !== undefined) {
    const also = (['fromYear', 'toYear'] as const).find((p) => params[p] !== undefined);
    if (also) throw fail('year', `is a shorthand for ${name('fromYear')} = ${name('toYear')}; give one or the other, not both (${name(also)} is given too).`);
    fromYear = toYear = year;
  }
  if (fromYear === undefined) {
    throw fail(toYear === undefined ? 'year' : 'fromYear', `is required: give ${name('year')}, or ${name('fromYear')} (and ${name('toYear')}).`);
  }
  const fromMonth = integer('fromMonth');
  const toMonth = integer('toMonth');

  if (report === 'children') {
    const refused = AGGREGATE_ONLY.find((p) => params[p] !== undefined);
    if (refused) throw fail(refused, `applies to ${name('report')}=aggregate only; the children table has fixed columns.`);
    if (toYear !== undefined && toYear !== fromYear) {
      throw fail('toYear', `the children table covers one year (${fromYear} to ${toYear} asked): give ${name('year')}.`);
    }
    return { report, lang, params, args: { root, year: fromYear, fromMonth: fromMonth ?? 1, toMonth: toMonth ?? 12 } };
  }

  const measure = word('measure', Object.values(Measure)) as Measure | undefined;
  if (measure === undefined) throw fail('measure', `is required: one of ${Object.values(Measure).join(', ')}.`);
  const groupBy = (list('groupBy', Object.values(Dimension)) ?? []) as Dimension[];
  const atTier = (word('atTier', Object.values(Tier)) ?? null) as Tier | null;
  const filter: FactFilter = {};
  for (const [p, allowed] of Object.entries(FILTERS) as [keyof FactFilter, readonly string[] | null][]) {
    const values = list(p, allowed);
    if (values !== undefined && values.length > 0) (filter as Record<string, string[]>)[p] = values;
  }
  return {
    report,
    lang,
    params,
    args: {
      root,
      period: { fromYear, toYear: toYear ?? null, fromMonth: fromMonth ?? null, toMonth: toMonth ?? null },
      measure,
      groupBy,
      atTier,
      filter: Object.keys(filter).length > 0 ? filter : null,
    },
  };
}
