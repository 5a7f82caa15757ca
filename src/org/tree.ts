/**
 * Reads of the tree as it stood on a given day. A unit seen on a day is a UnitView: the unit (id, code) with the
 * version in force that day and its place in that day's tree (segment path and depth). Every function answers a
 * whole batch in one statement.
 */
import type { EntityManager } from '@mikro-orm/core';
import { addDays, contains, openToNull } from '../dates';
import type { Tier, UnitKind } from './kinds';
import { pgArray, queryRows } from '../sql';

export interface UnitView {
  id: number;
  code: string;
  successorId: number | null;
  name: string;
  kind: UnitKind;
  tier: Tier;
  parentId: number | null;
  /** The version's interval; null = open. */
  validFrom: string | null;
  validTo: string | null;
  /** Ancestor ids and the unit's own, root first, on `asOf`. */
  path: number[];
  depth: number;
  /** The day the unit is seen on. */
  asOf: string;
}

export interface VersionRow {
  unitId: number;
  validFrom: string | null;
  validTo: string | null;
  parentId: number | null;
  name: string;
  kind: UnitKind;
  tier: Tier;
}

/** The columns of a UnitView row over units u, versions v and segments s (also read by src/relay/units.ts). */
export const VIEW_COLUMNS = `u.id, u.code, u.successor_id, v.name, v.kind, v.tier, v.parent_id,
  v.valid_from::text as valid_from, v.valid_to::text as valid_to, s.path::text as path, s.depth`;
const ON_DAY = `join unit_versions v on v.unit_id = u.id and v.valid_from <= ?::date and ?::date < v.valid_to
  join unit_segments s on s.unit_id = u.id and s.valid_from <= ?::date and ?::date < s.valid_to`;

export function toView(r: Record<string, any>, day: string): UnitView {
  return {
    id: Number(r.id),
    code: r.code,
    successorId: r.successor_id === null ? null : Number(r.successor_id),
    name: r.name,
    kind: r.kind,
    tier: r.tier,
    parentId: r.parent_id === null ? null : Number(r.parent_id),
    validFrom: openToNull(r.valid_from),
    validTo: openToNull(r.valid_to),
    path: String(r.path).split('.').map(Number),
    depth: Number(r.depth),
    asOf: day,
  };
}

async function views(em: EntityManager, day: string, where: string, params: unknown[]): Promise<UnitView[]> {
  const rows = await queryRows(em, `select ${VIEW_COLUMNS} from units u ${ON_DAY} where ${where}`, [day, day, day, day, ...params]);
  return rows.map((r: Record<string, any>) => toView(r, day));
}

/** Units by id as they were on `day`; a unit that did not exist that day is missing. */
export const unitsOn = (em: EntityManager, day: string, ids: readonly number[]) => views(em, day, `u.id = any(?::int[])`, [pgArray(ids)]);

/** Units by code as they were on `day`; a code unknown, or of a unit that did not exist that day, is missing. */
export const unitsByCodeOn = (em: EntityManager, day: string, codes: readonly string[]) =>
  views(em, day, `u.code = any(?::text[])`, [pgArray(codes)]);

/**
 * Units by id or code, each on its own default day (defaultDay below, in SQL: today if the unit exists today, else
 * its last day before today, else its first day), in one statement: what a batch of Federation references needs.
 */
export async function unitsOnDefaultDay(em: EntityManager, today: string, keys: { ids: readonly number[]; codes: readonly string[] }): Promise<UnitView[]> {
  const rows = await queryRows(
    em,
    `with picked as (
      select u.id, case
        when exists (select 1 from unit_versions x where x.unit_id = u.id and x.valid_from <= ?::date and ?::date < x.valid_to) then ?::date
        else coalesce((select max(x.valid_to) - 1 from unit_versions x where x.unit_id = u.id and x.valid_to <= ?::date),
                      (select min(x.valid_from) from unit_versions x where x.unit_id = u.id and x.valid_from > ?::date))
      end as day
      from units u where u.id = any(?::int[]) or u.code = any(?::text[]))
    select ${VIEW_COLUMNS}, p.day::text as day from picked p join units u on u.id = p.id
      join unit_versions v on v.unit_id = u.id and v.valid_from <= p.day and p.day < v.valid_to
      join unit_segments s on s.unit_id = u.id and s.valid_from <= p.day and p.day < s.valid_to`,
    [today, today, today, today, today, pgArray(keys.ids), pgArray(keys.codes)],
  );
  return rows.map((r: Record<string, any>) => toView(r, r.day));
}

/** Children of the given parents on `day`. */
export const childrenOn = (em: EntityManager, day: string, parentIds: readonly number[]) =>
  views(em, day, `v.parent_id = any(?::int[])`, [pgArray(parentIds)]);

/**
 * Units without a parent on `day` — or whose parent the reader cannot see: under row-level security a scoped
 * caller's tree starts at its scope unit.
 */
export const rootsOn = (em: EntityManager, day: string) =>
  views(em, day, `(v.parent_id is null or not exists (select 1 from units p where p.id = v.parent_id))`, []);

/** Number of units below each given unit on `day`. */
export async function descendantCountsOn(em: EntityManager, day: string, ids: readonly number[]): Promise<Map<number, number>> {
  const rows = await queryRows<{ id: number; n: string }>(
    em,
    `select r.unit_id as id, count(*) - 1 as n from unit_segments r
     join unit_segments d on d.path <@ r.path and d.valid_from <= ?::date and ?::date < d.valid_to
     where r.unit_id = any(?::int[]) and r.valid_from <= ?::date and ?::date < r.valid_to group by r.unit_id`,
    [day, day, pgArray(ids), day, day],
  );
  return new Map(rows.map((r) => [Number(r.id), Number(r.n)]));
}

/** Every version of each unit, sorted by start, and the unit's id by code. */
export async function versionsOf(em: EntityManager, where: { ids?: readonly number[]; codes?: readonly string[] }): Promise<{ codes: Map<string, number>; versions: Map<number, VersionRow[]> }> {
  const rows = await queryRows(
    em,
    `select u.id, u.code, v.valid_from::text as valid_from, v.valid_to::text as valid_to, v.parent_id, v.name, v.kind, v.tier
     from units u join unit_versions v on v.unit_id = u.id
     where ${where.codes ? 'u.code = any(?::text[])' : 'u.id = any(?::int[])'} order by u.id, v.valid_from`,
    [pgArray(where.codes ?? where.ids ?? [])],
  );
  const codes = new Map<string, number>();
  const versions = new Map<number, VersionRow[]>();
  for (const r of rows as Record<string, any>[]) {
    const id = Number(r.id);
    codes.set(r.code, id);
    if (!versions.has(id)) versions.set(id, []);
    versions.get(id)!.push({
      unitId: id,
      validFrom: openToNull(r.valid_from),
      validTo: openToNull(r.valid_to),
      parentId: r.parent_id === null ? null : Number(r.parent_id),
      name: r.name,
      kind: r.kind,
      tier: r.tier,
    });
  }
  return { codes, versions };
}

/**
 * The day a unit (or one version) is shown on when no date is asked for: today if it exists today; else the last
 * day it existed before today; else (it starts later) its first day.
 */
export function defaultDay(versions: readonly { validFrom: string | null; validTo: string | null }[], today: string): string {
  const intervals = versions.map((v) => ({ from: v.validFrom, to: v.validTo }));
  if (intervals.some((i) => contains(i, today))) return today;
  const past = intervals.filter((i) => i.to !== null && i.to <= today);
  if (past.length > 0) return addDays(past[past.length - 1].to!, -1);
  return intervals.find((i) => i.from !== null && i.from > today)!.from!;
}
