/**
 * Cross-row and cross-file rules, checked against the rows of the dataset and what is already stored:
 * duplicate codes and keys, unknown units, parents and categories, cycles in the tree, forms allowed per subject,
 * categories on members only, and where a party-building board may act.
 */
import { TIER_OF_KIND, TIERS_WITH_PARTY_BUILDING_BOARD, type UnitKind } from '../org/kinds';
import { Body, FORMS_BY_SUBJECT, Subject, type DisciplineForm } from '../facts/enums';
import type { ImportError } from './errors';
import type { CategoryRow, FactFile, FactRowBase, ParsedRow, UnitRow } from './files';

/** What is stored before the import: units by code and category codes. */
export interface StoredState {
  units: Map<string, { id: number; parentCode: string | null; name: string; kind: UnitKind }>;
  categories: Map<string, { id: number; name: string }>;
}

export interface FactRow extends FactRowBase {
  /** Idempotency key: `x:` + external id, or `k:` + all the other columns. */
  rowKey: string;
  /** The file's other columns, by database column name (activity, origin, status, subject, form, kind). */
  extra: Record<string, string | null>;
  categories: string[];
}

export interface ValidDataset {
  units: UnitRow[];
  categories: CategoryRow[];
  facts: Record<FactFile, FactRow[]>;
}

type Fail = (file: string, line: number | undefined, message: string, column?: string) => void;

export function validateDataset(parsed: Partial<Record<string, ParsedRow[]>>, stored: StoredState, errors: ImportError[]): ValidDataset {
  const fail: Fail = (file, line, message, column) => errors.push({ file, line, column, message });
  const units = validateUnits(parsed['units.csv'] ?? [], stored, fail);
  const categories = validateCategories(parsed['cadre_categories.csv'] ?? [], fail);

  // Unit kinds as they will be after the import: the file's rows override what is stored.
  const kindOf = new Map<string, UnitKind>([...stored.units].map(([code, u]) => [code, u.kind]));
  for (const u of units) kindOf.set(u.code, u.kind);
  const categoryCodes = new Set([...stored.categories.keys(), ...categories.map((c) => c.code)]);

  const facts = {} as Record<FactFile, FactRow[]>;
  for (const file of ['campaigns.csv', 'discipline.csv', 'documents.csv'] as const) {
    facts[file] = validateFacts(file, parsed[file] ?? [], kindOf, categoryCodes, fail);
  }
  return { units, categories, facts };
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

function validateUnits(rows: ParsedRow[], stored: StoredState, fail: Fail): UnitRow[] {
  const file = 'units.csv';
  const isDuplicate = duplicateChecker(file, 'unit code', fail);
  const units: UnitRow[] = [];
  for (const { line, values, invalid } of rows) {
    if (invalid) continue;
    const code = values.code as string;
    if (isDuplicate(code, line, `"${code}"`)) continue;
    units.push({ line, code, parentCode: (values.parent_code as string | null) ?? null, name: values.name as string, kind: values.kind as UnitKind });
  }
  // The tree after the import: stored parents, overridden by the file's rows.
  const parentOf = new Map<string, string | null>([...stored.units].map(([code, u]) => [code, u.parentCode]));
  for (const u of units) parentOf.set(u.code, u.parentCode);
  const lineOf = new Map(units.map((u) => [u.code, u.line]));
  for (const u of units) {
    if (u.parentCode !== null && !parentOf.has(u.parentCode)) {
      fail(file, u.line, `unknown parent unit "${u.parentCode}" (not in units.csv and not stored)`, 'parent_code');
    }
  }
  // Cycles: walk up from every unit of the file; report each cycle once, on its first line in the file.
  const reported = new Set<string>();
  for (const u of units) {
    const path: string[] = [];
    const onPath = new Set<string>();
    let code: string | null = u.code;
    while (code !== null && parentOf.has(code) && !onPath.has(code)) {
      path.push(code);
      onPath.add(code);
      code = parentOf.get(code) ?? null;
    }
    if (code === null || !onPath.has(code)) continue;
    const cycle = path.slice(path.indexOf(code));
    const id = [...cycle].sort().join('|');
    if (reported.has(id)) continue;
    reported.add(id);
    const start = cycle.reduce((a, b) => ((lineOf.get(a) ?? Infinity) <= (lineOf.get(b) ?? Infinity) ? a : b));
    const ordered = [...cycle.slice(cycle.indexOf(start)), ...cycle.slice(0, cycle.indexOf(start)), start];
    fail(file, lineOf.get(start), `cycle ${ordered.join(' → ')}`);
  }
  return units;
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

const EXTRA_COLUMNS: Record<FactFile, string[]> = {
  'campaigns.csv': ['activity', 'origin', 'status'],
  'discipline.csv': ['subject', 'form'],
  'documents.csv': ['kind'],
};

function validateFacts(
  file: FactFile,
  rows: ParsedRow[],
  kindOf: Map<string, UnitKind>,
  categoryCodes: Set<string>,
  fail: Fail,
): FactRow[] {
  const isDuplicate = duplicateChecker(file, 'row', fail);
  const facts: FactRow[] = [];
  for (const { line, values, invalid } of rows) {
    let rejected = false;
    const rowFail = (message: string, column?: string) => {
      rejected = true;
      fail(file, line, message, column);
    };
    const unitCode = values.unit_code as string | null;
    const body = values.body as Body | null;
    const kind = unitCode !== null ? kindOf.get(unitCode) : undefined;
    if (unitCode !== null && kind === undefined) rowFail(`unknown unit "${unitCode}" (not in units.csv and not stored)`, 'unit_code');

    if (body === Body.PARTY_BUILDING_BOARD) {
      if (file === 'discipline.csv') rowFail('a party-building board (PARTY_BUILDING_BOARD) cannot impose discipline', 'body');
      else if (kind !== undefined && !TIERS_WITH_PARTY_BUILDING_BOARD.has(TIER_OF_KIND[kind])) {
        rowFail(`a party-building board exists only at CENTRAL, PROVINCIAL or DISTRICT tier; unit "${unitCode}" is ${TIER_OF_KIND[kind]}`, 'body');
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
    if (invalid) continue;
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
    const label = externalId !== null ? `(external_id "${externalId}")` : '(same values in every column)';
    if (isDuplicate(rowKey, line, label) || rejected) continue;
    facts.push({ line, ...base, externalId, rowKey, extra, categories });
  }
  return facts;
}

/**
 * Units of the file whose new kind puts them below the district tier while their stored kind did not: stored
 * party-building-board facts of theirs would become impossible, so the caller checks the database for them.
 */
export function unitsLeavingPartyBuildingTiers(units: UnitRow[], stored: StoredState): UnitRow[] {
  return units.filter((u) => {
    const before = stored.units.get(u.code);
    return (
      before !== undefined &&
      TIERS_WITH_PARTY_BUILDING_BOARD.has(TIER_OF_KIND[before.kind]) &&
      !TIERS_WITH_PARTY_BUILDING_BOARD.has(TIER_OF_KIND[u.kind])
    );
  });
}
