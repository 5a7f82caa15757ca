/**
 * Subtree scope: a caller whose token names unit S sees a unit on a day only if S is the unit or one of its
 * ancestors on that day, and counts a fact only if its unit was under S on the fact's reference date. Units
 * outside the scope answer exactly like units that do not exist (null), so codes cannot be probed.
 */
import type { EntityManager } from '@mikro-orm/core';
import { queryRows } from '../sql';
import type { Caller } from './caller';
import type { UnitView } from '../org/tree';

/** No unit has this id: the scope of a token whose unit does not exist, which therefore sees nothing. */
const NOWHERE = -1;

/** The id of the caller's scope unit; null for an unscoped (open-mode) caller. */
export async function resolveScope(em: EntityManager, caller: Caller): Promise<number | null> {
  if (caller.unitCode === null) return null;
  const rows = await queryRows<{ id: number }>(em, 'select id from units where code = ?', [caller.unitCode]);
  return rows.length > 0 ? Number(rows[0].id) : NOWHERE;
}

/** Whether a unit, as seen on its day, lies in the scope (its ancestor path that day runs through the scope unit). */
export function isVisible(view: UnitView | null, scopeUnitId: number | null): view is UnitView {
  return view !== null && (scopeUnitId === null || view.path.includes(scopeUnitId));
}
