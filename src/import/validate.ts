/**
 * Cross-row and cross-file rules, checked against the rows of the dataset and what is already stored:
 * duplicate keys, unknown units, parents and categories; unit histories (overlapping versions, parents that do not
 * exist over a whole version, successors, cycles on any day); facts inside their unit's life; forms allowed per
 * subject, categories on members only, and where a party-building board may act (on the fact's reference date).
 */
import { TIERS_WITH_PARTY_BUILDING_BOARD, type Tier } from '../org/kinds';
import { covers, placeFact, versionOn, type Version } from '../org/history';
import { formatInterval, overlaps } from '../dates';
import { Body, FORMS_BY_SUBJECT, Subject, type DisciplineForm } from '../facts/enums';
import type { ImportError } from './errors';
import type { CategoryRow, FactFile, FactRowBase, ParsedRow, ReportedFigureRow, UnitRow } from './files';
import { parseMetric } from '../reconcile/metrics';
import { monthsInterval, periodLabel } from '../dates';

/** A unit's whole history: its versions sorted by start, and the successor named on its last one. */
export interface UnitHistory {
  successorCode: string | null;
  versions: Version[];
}

/** What is stored before the import: unit histories by code, and category codes. */
export interface StoredState {
  units: Map<string, UnitHistory & { id: number }>;
  categories: Map<string, { id: number; name: string }>;
}

export interface FactRow extends FactRowBase {
  /** Idempotency key: `x:` + external id, or `k:` + all the other columns. */
  rowKey: string;
  /** The file's other columns, by database column name (activity, origin, status, subject, form, kind). */
  extra: Record<string, string | null>;
  categories: string[];
  /** Where the fact is placed in the tree (src/org/history.ts); null only on a rejected row. */
  refDate: string | null;
  tier: Tier | null;
}

export interface ValidUnits {
  rows: UnitRow[];
  /** The history of every code the file names, as the file gives it (it replaces the stored one). */
  given: Map<string, UnitHistory>;
  /** Every unit's history as it will be after the import. */
  merged: Map<string, UnitHistory>;
}

export interface ValidDataset {
  units: ValidUnits;
  categories: CategoryRow[];
  /** Every category code there will be after the import (stored and given). */
  categoryCodes: Set<string>;
  reportedFigures: ReportedFigureRow[];
}

export type Fail = (file: string, line: number | undefined, message: string, column?: string) => void;

export function validateDataset(parsed: Partial<Record<string, ParsedRow[]>>, stored: StoredState, errors: ImportError[]): ValidDataset {
  const fail: Fail = (file, line, message, column) => errors.push({ file, line, column, message });
  const units = validateUnits(parsed['units.csv'] ?? [], stored, fail);
  const categories = validateCategories(parsed['cadre_categories.csv'] ?? [], fail);
  const categoryCodes = new Set([...stored.categories.keys(), ...categories.map((c) => c.code)]);
  const reportedFigures = validateReportedFigures(parsed['reported_figures.csv'] ?? [], units.merged, categoryCodes, fail);
  return { units, categories, categoryCodes, reportedFigures };
}

/** Reports a row whose key was already seen in the same file, naming both lines. */
function duplicateChecker(file: string, what: string, fail: Fail) {
  const seen = new Map<string, number>();
  return (key: string, line: number, label: string): boolean => {
    const first = seen.get(key);
    if (first !== undefined) {
      fail(file, line, `duplicate ${what} ${label}: same as line ${first}`);
      return true;
    }
    seen.set(key, line);
    return false;
  };
}

const UNITS = 'units.csv';

function validateUnits(parsed: ParsedRow[], stored: StoredState, fail: Fail): ValidUnits {
  const rows: UnitRow[] = [];
  for (const { line, values, invalid } of parsed) {
    if (invalid) continue;
    const row: UnitRow = {
      line,
      code: values.code as string,
      parentCode: (values.parent_code as string | null) ?? null,
      name: values.name as string,
      kind: values.kind as UnitRow['kind'],
      validFrom: (values.valid_from as string | null) ?? null,
      validTo: (values.valid_to as string | null) ?? null,
      successorCode: (values.successor_code as string | null) ?? null,
    };
    if (row.validFrom !== null && row.validTo !== null && row.validFrom >= row.validTo) {
      fail(UNITS, line, `${row.validTo} is not after valid_from ${row.validFrom} (valid_to is the first day the row no longer holds)`, 'valid_to');
      continue;
    }
    if (row.parentCode === row.code) {
      fail(UNITS, line, `"${row.code}" cannot be its own parent`, 'parent_code');
      continue;
    }
    rows.push(row);
  }

  // Each code's rows in the file form its history: sorted by start, without overlaps.
  const rowsOf = new Map<string, UnitRow[]>();
  for (const row of rows) rowsOf.set(row.code, [...(rowsOf.get(row.code) ?? []), row]);
  const given = new Map<string, UnitHistory>();
  for (const [code, list] of rowsOf) {
    const sorted = [...list].sort((a, b) => (a.validFrom ?? '') .localeCompare(b.validFrom ?? '') || a.line - b.line);
    const iv = (r: UnitRow) => ({ from: r.validFrom, to: r.validTo });
    for (let i = 1; i < sorted.length; i++) {
      const [a, b] = [sorted[i - 1], sorted[i]];
      if (overlaps(iv(a), iv(b))) {
        const [early, late] = a.line < b.line ? [a, b] : [b, a];
        if (a.validFrom === b.validFrom && a.validTo === b.validTo) {
          fail(UNITS, late.line, `duplicate unit code "${code}"${a.validFrom || a.validTo ? ` for ${formatInterval(iv(a))}` : ''}: same as line ${early.line}`);
          continue;
        }
        fail(UNITS, late.line, `"${code}" (${formatInterval(iv(late))}) overlaps its row on line ${early.line} (${formatInterval(iv(early))})`);
      }
    }
    const last = sorted[sorted.length - 1];
    for (const r of sorted) {
      if (r.successorCode === null) continue;
      if (r !== last) fail(UNITS, r.line, `only the row that ends "${code}"'s history (its latest) may name a successor`, 'successor_code');
      else if (r.validTo === null) fail(UNITS, r.line, `a successor takes over when "${code}" ends, but this row has no valid_to`, 'successor_code');
      else if (r.successorCode === code) fail(UNITS, r.line, `"${code}" cannot be its own successor`, 'successor_code');
    }
    given.set(code, {
      successorCode: last.successorCode,
      versions: sorted.map((r) => ({ from: r.validFrom, to: r.validTo, parentCode: r.parentCode, name: r.name, kind: r.kind })),
    });
  }
  const merged = new Map<string, UnitHistory>([...stored.units, ...given]);

  for (const row of rows) {
    if (row.parentCode !== null) {
      const parent = merged.get(row.parentCode);
      const interval = { from: row.validFrom, to: row.validTo };
      if (!parent) {
        fail(UNITS, row.line, `unknown parent unit "${row.parentCode}" (not in units.csv and not stored)`, 'parent_code');
      } else if (!covers(parent.versions, interval)) {
        fail(UNITS, row.line, `parent "${row.parentCode}" does not exist over the whole of this row (${formatInterval(interval)}); it exists ${lifeOf(parent)}`, 'parent_code');
      }
    }
    if (row.successorCode !== null && row.validTo !== null && row.successorCode !== row.code) {
      const successor = merged.get(row.successorCode);
      if (!successor) {
        fail(UNITS, row.line, `unknown successor unit "${row.successorCode}" (not in units.csv and not stored)`, 'successor_code');
      } else if (!versionOn(successor.versions, row.validTo)) {
        fail(UNITS, row.line, `successor "${row.successorCode}" does not exist on ${row.validTo}, the day "${row.code}" ends; it exists ${lifeOf(successor)}`, 'successor_code');
      }
    }
  }
  const firstLine = new Map<string, number>();
  for (const row of rows) if (!firstLine.has(row.code) || row.line < firstLine.get(row.code)!) firstLine.set(row.code, row.line);
  reportSuccessorCycles(given, merged, firstLine, fail);
  reportParentCycles(given, merged, firstLine, fail);
  checkStoredDependants(given, stored, merged, firstLine, fail);
  return { rows, given, merged };
}

/**
 * Stored units that the file does not mention still rely on the units it re-gives: as their parent (which must
 * exist over each of their versions) or as their successor (which must exist on the day they end). Reported on
 * the first line of the re-given unit.
 */
function checkStoredDependants(
  given: Map<string, UnitHistory>,
  stored: StoredState,
  merged: Map<string, UnitHistory>,
  firstLine: Map<string, number>,
  fail: Fail,
) {
  for (const [code, history] of stored.units) {
    if (given.has(code)) continue;
    for (const v of history.versions) {
      if (v.parentCode === null || !given.has(v.parentCode)) continue;
      if (!covers(merged.get(v.parentCode)!.versions, v)) {
        fail(UNITS, firstLine.get(v.parentCode), `the history given for "${v.parentCode}" no longer covers its stored child "${code}" (${formatInterval(v)}); give "${code}" a new history too`);
      }
    }
    const end = history.versions[history.versions.length - 1]?.to;
    if (history.successorCode !== null && given.has(history.successorCode) && end && !versionOn(merged.get(history.successorCode)!.versions, end)) {
      fail(UNITS, firstLine.get(history.successorCode), `the history given for "${history.successorCode}" does not include ${end}, the day stored unit "${code}" ends and "${history.successorCode}" takes over`);
    }
  }
}

function lifeOf(history: UnitHistory): string {
  return history.versions.map(formatInterval).join(', ');
}

/** Reports each cycle once, on the first line in the file of any of its codes: `cycle T.A → T.B → T.A`. */
function cycleReporter(firstLine: Map<string, number>, fail: Fail) {
  const reported = new Set<string>();
  return (cycle: string[], kind: 'successor' | 'parent', what: string) => {
    const id = `${kind}:${[...cycle].sort().join('|')}`;
    if (reported.has(id)) return;
    reported.add(id);
    const start = cycle.reduce((a, b) => ((firstLine.get(a) ?? Infinity) <= (firstLine.get(b) ?? Infinity) ? a : b));
    const ordered = [...cycle.slice(cycle.indexOf(start)), ...cycle.slice(0, cycle.indexOf(start)), start];
    fail(UNITS, firstLine.get(start), `${what} ${ordered.join(' → ')}`.trim());
  };
}

/** Follows `next` from `code`; returns the cycle it runs into, if any. */
function findCycle(code: string, next: (code: string) => string | null | undefined): string[] | null {
  const path: string[] = [];
  const onPath = new Set<string>();
  let current: string | null | undefined = code;
  while (current != null && !onPath.has(current)) {
    path.push(current);
    onPath.add(current);
    current = next(current);
  }
  return current != null ? path.slice(path.indexOf(current)) : null;
}

function reportSuccessorCycles(given: Map<string, UnitHistory>, merged: Map<string, UnitHistory>, firstLine: Map<string, number>, fail: Fail) {
  const report = cycleReporter(firstLine, fail);
  for (const code of given.keys()) {
    const cycle = findCycle(code, (c) => merged.get(c)?.successorCode);
    if (cycle) report(cycle, 'successor', 'successor cycle');
  }
}

/**
 * The tree has a cycle on some day if following parents on that day loops. The tree only changes on the days a
 * version (of any unit) starts or ends, so those days and the open start are the only ones to check; the stored
 * tree is acyclic, so only walks from the file's codes can find one.
 */
function reportParentCycles(given: Map<string, UnitHistory>, merged: Map<string, UnitHistory>, firstLine: Map<string, number>, fail: Fail) {
  const report = cycleReporter(firstLine, fail);
  // Every day on which any unit's version starts or ends: a stored unit's change can close a cycle with the file's.
  const days = new Set<string | null>([null]);
  for (const h of merged.values()) for (const v of h.versions) for (const d of [v.from, v.to]) if (d !== null) days.add(d);
  // Earliest day first, so that a cycle is reported on the day it begins.
  for (const day of [...days].sort((a, b) => (a === null ? -1 : b === null ? 1 : a.localeCompare(b)))) {
    const parentOn = (code: string) => {
      const versions = merged.get(code)?.versions ?? [];
      const v = versionOn(versions, day);
      return v?.parentCode;
    };
    for (const code of given.keys()) {
      const cycle = findCycle(code, parentOn);
      if (cycle) report(cycle, 'parent', day === null ? 'cycle' : `cycle on ${day}:`);
    }
  }
}

function validateCategories(rows: ParsedRow[], fail: Fail): CategoryRow[] {
  const isDuplicate = duplicateChecker('cadre_categories.csv', 'category code', fail);
  const categories: CategoryRow[] = [];
  for (const { line, values, invalid } of rows) {
    if (invalid) continue;
    if (isDuplicate(values.code as string, line, `"${values.code}"`)) continue;
    categories.push({ line, code: values.code as string, name: values.name as string });
  }
  return categories;
}

/** The columns of each fact file beyond the common ones (their database columns have the same names). */
export const EXTRA_COLUMNS: Record<FactFile, string[]> = {
  'campaigns.csv': ['activity', 'origin', 'status'],
  'discipline.csv': ['subject', 'form'],
  'documents.csv': ['kind'],
};

/** A fact row after the per-row checks: `rejected` rows were reported and take part only in the duplicate check. */
export interface CheckedFact {
  fact: FactRow;
  rejected: boolean;
}

/**
 * The per-row rules of a fact file, for rows streamed one at a time: the unit exists, the fact falls in its life,
 * party-building boards, forms and categories. Duplicate keys are a set-based check on the staged rows
 * (facts-stage.ts). Returns null for a row with a refused cell (no complete key).
 */
export function factChecker(
  file: FactFile,
  histories: Map<string, UnitHistory>,
  categoryCodes: Set<string>,
  fail: Fail,
): (row: ParsedRow) => CheckedFact | null {
  return ({ line, values, invalid }) => {
    let rejected = false;
    const rowFail = (message: string, column?: string) => {
      rejected = true;
      fail(file, line, message, column);
    };
    const unitCode = values.unit_code as string | null;
    const body = values.body as Body | null;
    const history = unitCode !== null ? histories.get(unitCode) : undefined;
    if (unitCode !== null && history === undefined) rowFail(`unknown unit "${unitCode}" (not in units.csv and not stored)`, 'unit_code');
    const year = values.year as number | null;
    const month = (values.month as number | null) ?? null;
    const placement = history && year !== null ? placeFact(history.versions, year, month) : undefined;
    if (history && year !== null && !placement) {
      rowFail(`unit "${unitCode}" did not exist on any day of ${periodLabel(year, month)}; it exists ${lifeOf(history)}`, month === null ? 'year' : 'month');
    }

    if (body === Body.PARTY_BUILDING_BOARD) {
      if (file === 'discipline.csv') rowFail('a party-building board (PARTY_BUILDING_BOARD) cannot impose discipline', 'body');
      else if (placement && !TIERS_WITH_PARTY_BUILDING_BOARD.has(placement.tier)) {
        rowFail(`a party-building board exists only at CENTRAL, PROVINCIAL or DISTRICT tier; unit "${unitCode}" is ${placement.tier} on ${placement.refDate}`, 'body');
      }
    }
    let categories: string[] = [];
    if (file === 'discipline.csv') {
      const subject = values.subject as Subject | null;
      const form = values.form as DisciplineForm | null;
      if (subject !== null && form !== null && !FORMS_BY_SUBJECT[subject].includes(form)) {
        rowFail(`${form} is not a form for subject ${subject} (allowed: ${FORMS_BY_SUBJECT[subject].join(', ')})`, 'form');
      }
      categories = (values.categories as string[] | null) ?? [];
      if (categories.length > 0 && subject === Subject.ORGANIZATION) {
        rowFail('cadre categories apply only to MEMBER rows', 'categories');
      }
      const unknown = categories.filter((c) => !categoryCodes.has(c));
      if (unknown.length > 0) {
        rowFail(`unknown cadre categor${unknown.length === 1 ? 'y' : 'ies'} ${unknown.map((c) => `"${c}"`).join(', ')}`, 'categories');
      }
    }
    // A row with a refused cell has no complete key: its errors are already reported.
    if (invalid) return null;
    const extra = Object.fromEntries(EXTRA_COLUMNS[file].map((c) => [c, (values[c] as string | null) ?? null]));
    const externalId = (values.external_id as string | null) ?? null;
    const base = {
      unitCode: unitCode!,
      year: values.year as number,
      month: (values.month as number | null) ?? null,
      body,
      quantity: (values.quantity as number | null) ?? 1,
    };
    const rowKey = externalId !== null ? `x:${externalId}` : `k:${JSON.stringify([base.unitCode, base.year, base.month, base.body, base.quantity, extra, categories])}`;
    const fact: FactRow = { line, ...base, externalId, rowKey, extra, categories, refDate: placement?.refDate ?? null, tier: placement?.tier ?? null };
    return { fact, rejected };
  };
}

function validateReportedFigures(
  rows: ParsedRow[],
  histories: Map<string, UnitHistory>,
  categoryCodes: Set<string>,
  fail: Fail,
): ReportedFigureRow[] {
  const file = 'reported_figures.csv';
  const isDuplicate = duplicateChecker(file, 'row', fail);
  const figures: ReportedFigureRow[] = [];
  for (const { line, values, invalid } of rows) {
    let rejected = false;
    const rowFail = (message: string, column?: string) => {
      rejected = true;
      fail(file, line, message, column);
    };
    const unitCode = values.unit_code as string | null;
    const year = values.year as number | null;
    const fromMonth = (values.from_month as number | null) ?? 1;
    const toMonth = (values.to_month as number | null) ?? 12;
    const metricCode = values.metric as string | null;
    const percent = (values.percent as number | null) ?? null;
    if (fromMonth > toMonth) rowFail(`${toMonth} is before from_month ${fromMonth}`, 'to_month');
    const history = unitCode !== null ? histories.get(unitCode) : undefined;
    if (unitCode !== null && !history) rowFail(`unknown unit "${unitCode}" (not in units.csv and not stored)`, 'unit_code');
    if (history && year !== null && fromMonth <= toMonth) {
      if (!history.versions.some((v) => overlaps(v, monthsInterval(year, fromMonth, toMonth)))) {
        rowFail(`unit "${unitCode}" did not exist in ${year}, months ${fromMonth}–${toMonth}; it exists ${lifeOf(history)}`, 'year');
      }
    }
    if (metricCode !== null) {
      const metric = parseMetric(metricCode);
      if (metric.category !== undefined && !categoryCodes.has(metric.category)) rowFail(`unknown cadre category "${metric.category}"`, 'metric');
      if (percent !== null && !metric.hasPercent) rowFail(`a percent is given only for a .CATEGORY. metric (the category's share of the members)`, 'percent');
    }
    if (invalid) continue;
    const base = {
      unitCode: unitCode!,
      year: year!,
      fromMonth,
      toMonth,
      metric: metricCode!,
      value: values.value as number,
      bound: ((values.bound as string | null) ?? 'EXACT') as ReportedFigureRow['bound'],
      percent,
      source: values.source as string,
      note: (values.note as string | null) ?? null,
    };
    const externalId = (values.external_id as string | null) ?? null;
    const rowKey = externalId !== null ? `x:${externalId}` : `k:${JSON.stringify(base)}`;
    const label = externalId !== null ? `(external_id "${externalId}")` : '(same values in every column)';
    if (isDuplicate(rowKey, line, label) || rejected) continue;
    figures.push({ line, ...base, externalId, rowKey });
  }
  return figures;
}
