/**
 * The interchange format's files and columns (docs/dataset-format.md): which columns exist, which are required,
 * and how each cell is read. A cell parser returns the value or a message saying what is wrong.
 */
import { UnitKind } from '../org/kinds';
import { Activity, Body, CampaignStatus, DisciplineForm, DocumentKind, Origin, STATED_BODIES, Subject } from '../facts/enums';
import { MAX_YEAR, MIN_YEAR } from '../rollup/period';
import { parseIsoDate } from '../dates';
import { parseMetric } from '../reconcile/metrics';

export type Cell<T> = { value: T } | { error: string };
export interface ColumnSpec {
  required: boolean;
  parse(raw: string): Cell<unknown>;
}

export const UNIT_CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const CATEGORY_CODE_PATTERN = /^[A-Z][A-Z0-9_]{0,63}$/;
const MAX_QUANTITY = 2_147_483_647;

function oneOf<T extends string>(values: readonly T[]) {
  return (raw: string): Cell<T> =>
    (values as readonly string[]).includes(raw)
      ? { value: raw as T }
      : { error: `"${raw}" is not one of ${values.join(', ')}` };
}

const unitCode = (raw: string): Cell<string> =>
  UNIT_CODE_PATTERN.test(raw) ? { value: raw } : { error: `"${raw}" is not a valid unit code (letters, digits, ".", "_", "-"; at most 64)` };

const text = (max: number) => (raw: string): Cell<string> => {
  const value = raw.normalize('NFC');
  const length = [...value].length;
  return length <= max ? { value } : { error: `is ${length} characters long; at most ${max}` };
};

const year = (raw: string): Cell<number> => {
  if (!/^\d{4}$/.test(raw)) return { error: `"${raw}" is not a four-digit year` };
  const y = Number(raw);
  return y >= MIN_YEAR && y <= MAX_YEAR ? { value: y } : { error: `${y} is outside ${MIN_YEAR}–${MAX_YEAR}` };
};

const month = (raw: string): Cell<number> => {
  const m = /^\d{1,2}$/.test(raw) ? Number(raw) : NaN;
  return m >= 1 && m <= 12 ? { value: m } : { error: `${raw} is not a month (1–12)` };
};

const quantity = (raw: string): Cell<number> => {
  const q = /^\d{1,10}$/.test(raw) ? Number(raw) : NaN;
  return q >= 1 && q <= MAX_QUANTITY ? { value: q } : { error: `"${raw}" is not a whole number from 1 to ${MAX_QUANTITY}` };
};

const externalId = text(200);

const isoDate = (raw: string): Cell<string> => {
  const date = parseIsoDate(raw);
  return date !== null ? { value: date } : { error: `"${raw}" is not a date (YYYY-MM-DD)` };
};

const categoryList = (raw: string): Cell<string[]> => {
  // Empty entries ("A;B;", as spreadsheets leave them) are ignored.
  const codes = raw.split(';').map((c) => c.trim()).filter((c) => c !== '');
  const bad = codes.filter((c) => !CATEGORY_CODE_PATTERN.test(c));
  if (bad.length > 0) return { error: `${bad.map((c) => `"${c}"`).join(', ')} is not a cadre category code` };
  const unique = [...new Set(codes)].sort();
  if (unique.length !== codes.length) return { error: `lists a category twice` };
  return { value: unique };
};

const wholeNumber = (raw: string): Cell<number> => {
  const n = /^\d{1,10}$/.test(raw) ? Number(raw) : NaN;
  return n <= MAX_QUANTITY ? { value: n } : { error: `"${raw}" is not a whole number from 0 to ${MAX_QUANTITY}` };
};

const percentCell = (raw: string): Cell<number> => {
  const p = /^\d{1,3}(\.\d)?$/.test(raw) ? Number(raw) : NaN;
  return p <= 100 ? { value: p } : { error: `"${raw}" is not a percent from 0 to 100 with at most one decimal (e.g. 21.1)` };
};

const metric = (raw: string): Cell<string> => {
  try {
    parseMetric(raw);
    return { value: raw };
  } catch (err) {
    return { error: (err as Error).message };
  }
};

const col = (required: boolean, parse: ColumnSpec['parse']): ColumnSpec => ({ required, parse });

const factColumns = {
  unit_code: col(true, unitCode),
  year: col(true, year),
  month: col(false, month),
  quantity: col(false, quantity),
  external_id: col(false, externalId),
};

export const FILE_SPECS = {
  'units.csv': {
    code: col(true, unitCode),
    parent_code: col(false, unitCode),
    name: col(true, text(300)),
    kind: col(true, oneOf(Object.values(UnitKind))),
    valid_from: col(false, isoDate),
    valid_to: col(false, isoDate),
    successor_code: col(false, unitCode),
  },
  'cadre_categories.csv': {
    code: col(true, (raw) => (CATEGORY_CODE_PATTERN.test(raw) ? { value: raw } : { error: `"${raw}" is not a valid category code (^[A-Z][A-Z0-9_]{0,63}$)` })),
    name: col(true, text(300)),
  },
  'campaigns.csv': {
    ...factColumns,
    body: col(false, oneOf(STATED_BODIES)),
    activity: col(false, oneOf(Object.values(Activity))),
    origin: col(false, oneOf(Object.values(Origin))),
    status: col(true, oneOf(Object.values(CampaignStatus))),
  },
  'discipline.csv': {
    ...factColumns,
    body: col(true, oneOf(STATED_BODIES)),
    subject: col(true, oneOf(Object.values(Subject))),
    form: col(false, oneOf(Object.values(DisciplineForm).filter((f) => f !== DisciplineForm.UNSPECIFIED))),
    categories: col(false, categoryList),
  },
  'documents.csv': {
    ...factColumns,
    body: col(false, oneOf(STATED_BODIES)),
    kind: col(true, oneOf(Object.values(DocumentKind))),
  },
  'reported_figures.csv': {
    unit_code: col(true, unitCode),
    year: col(true, year),
    from_month: col(false, month),
    to_month: col(false, month),
    metric: col(true, metric),
    value: col(true, wholeNumber),
    bound: col(false, oneOf(['EXACT', 'AT_LEAST'] as const)),
    percent: col(false, percentCell),
    source: col(true, text(1000)),
    note: col(false, text(2000)),
    external_id: col(false, externalId),
  },
} satisfies Record<string, Record<string, ColumnSpec>>;

export type FileName = keyof typeof FILE_SPECS;
/** Files in the order they are validated and written: the tree and the taxonomy before the facts. */
export const FILE_NAMES = Object.keys(FILE_SPECS) as FileName[];
export const FACT_FILES = ['campaigns.csv', 'discipline.csv', 'documents.csv'] as const;
export const REPORTED_FIGURES = 'reported_figures.csv';
export type FactFile = (typeof FACT_FILES)[number];

/** A parsed row: its line in the file and its cells (null = empty, not stated). */
export interface ParsedRow {
  line: number;
  values: Record<string, unknown>;
  /** A cell of this row was refused (and reported): its values are incomplete, so it takes no part in key checks. */
  invalid: boolean;
}

/** A row of units.csv: one version of a unit, valid over [validFrom, validTo) (null = open). */
export interface UnitRow {
  line: number;
  code: string;
  parentCode: string | null;
  name: string;
  kind: UnitKind;
  validFrom: string | null;
  validTo: string | null;
  successorCode: string | null;
}
export interface CategoryRow { line: number; code: string; name: string }
export interface FactRowBase {
  line: number;
  unitCode: string;
  year: number;
  month: number | null;
  quantity: number;
  externalId: string | null;
  body: Body | null;
}

/** A row of reported_figures.csv: a published figure to reconcile with the rollup. */
export interface ReportedFigureRow {
  line: number;
  unitCode: string;
  year: number;
  fromMonth: number;
  toMonth: number;
  metric: string;
  value: number;
  bound: 'EXACT' | 'AT_LEAST';
  percent: number | null;
  source: string;
  note: string | null;
  externalId: string | null;
  rowKey: string;
}
