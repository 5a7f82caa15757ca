/**
 * The rules of a unit's history, as pure functions over its versions (shared by the import's checks and the
 * fact placement it stores): when a unit exists, and where a fact of a month or a year is placed.
 */
import { contains, overlaps, periodBounds, addDays, type Interval } from '../dates';
import { TIER_OF_KIND, type Tier, type UnitKind } from './kinds';

export interface Version extends Interval {
  parentCode: string | null;
  name: string;
  kind: UnitKind;
}

/**
 * The version in force on `day`, if any; `day` null stands for the open start (before every dated day), where only
 * a version without a start is in force. Versions are sorted by `from` and do not overlap.
 */
export function versionOn<V extends Interval>(versions: readonly V[], day: string | null): V | undefined {
  if (day === null) return versions[0]?.from === null ? versions[0] : undefined;
  return versions.find((v) => contains(v, day));
}

/** Does the union of `versions` cover the whole of `interval`? (Versions sorted by `from`, not overlapping.) */
export function covers(versions: readonly Interval[], interval: Interval): boolean {
  let i = versions.findIndex((v) => (interval.from === null ? v.from === null : contains(v, interval.from)));
  if (i < 0) return false;
  for (;;) {
    const to = versions[i].to;
    if (to === null || (interval.to !== null && to >= interval.to)) return true;
    if (versions[i + 1]?.from !== to) return false; // a gap
    i++;
  }
}

/** The fact placement: reference day and tier. */
export interface Placement {
  refDate: string;
  tier: Tier;
}

/**
 * A fact of `year` (and `month`, or the whole year when null) is placed on the last day of that month (year);
 * if its unit did not exist that day, on the last day inside the month (year) on which it did. Undefined when the
 * unit existed on no day of it.
 */
export function placeFact(versions: readonly Version[], year: number, month: number | null): Placement | undefined {
  const { first, last, end } = periodBounds(year, month);
  const period = { from: first, to: end };
  for (let i = versions.length - 1; i >= 0; i--) {
    const v = versions[i];
    if (!overlaps(v, period)) continue;
    const day = v.to !== null && v.to <= last ? addDays(v.to, -1) : last;
    return { refDate: day, tier: TIER_OF_KIND[v.kind] };
  }
  return undefined;
}
