/**
 * A scoped import (`kiemtra import --token`): every row must stay inside the subtree of the token's unit. Unit
 * rows may not re-give the scope unit itself or hang a unit outside it; facts must belong to a unit under it on
 * their reference date; published figures to a unit under it at the end of their period.
 */
import { placeFact, versionOn } from '../org/history';
import type { ImportError } from './errors';
import type { FactRow, UnitHistory, ValidDataset } from './validate';

/** Is `code` the scope unit or below it on `day` (null = the open start)? */
export function underScope(code: string, day: string | null, scope: string, histories: Map<string, UnitHistory>): boolean {
  let current: string | null = code;
  for (let depth = 0; current !== null && depth < 100; depth++) {
    if (current === scope) return true;
    const versions: UnitHistory['versions'] = histories.get(current)?.versions ?? [];
    const version = versionOn(versions, day);
    current = version?.parentCode ?? null;
  }
  return false;
}

/** Outside the scope: a fact (streamed, checked one at a time) placed on `refDate`. */
export function factOutsideScope(fact: FactRow, scope: string, histories: Map<string, UnitHistory>): string | null {
  if (fact.refDate === null || underScope(fact.unitCode, fact.refDate, scope, histories)) return null;
  return `"${fact.unitCode}" on ${fact.refDate} is outside the subtree of "${scope}", the unit of your token`;
}

/** Unit rows and published figures of a scoped import (facts: `factOutsideScope`, as they stream). */
export function checkImportScope(data: ValidDataset, scope: string, errors: ImportError[]): void {
  const fail = (file: string, line: number, message: string, column?: string) => errors.push({ file, line, column, message });
  const outside = `outside the subtree of "${scope}", the unit of your token`;
  const merged = data.units.merged;
  for (const row of data.units.rows) {
    if (row.code === scope) {
      fail('units.csv', row.line, `"${scope}" is the unit of your token: only someone above it may change its history`, 'code');
    } else if (row.parentCode === null || !underScope(row.parentCode, row.validFrom, scope, merged)) {
      fail('units.csv', row.line, `the parent of "${row.code}" from ${row.validFrom ?? 'the start'} is ${outside}`, 'parent_code');
    }
  }
  for (const figure of data.reportedFigures) {
    const placed = placeFact(merged.get(figure.unitCode)?.versions ?? [], figure.year, figure.toMonth);
    if (!placed || !underScope(figure.unitCode, placed.refDate, scope, merged)) {
      fail('reported_figures.csv', figure.line, `"${figure.unitCode}" is ${outside}`, 'unit_code');
    }
  }
}
