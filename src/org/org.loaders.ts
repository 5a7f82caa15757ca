/**
 * Per-request batch loaders over the tree. Each loader answers a whole level of a query in one statement per day
 * asked for: units, children and descendant counts as they were on a day, versions of units, units by code.
 * Keys of the day-dependent loaders are "day|id".
 */
import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/core';
import { sortByCode } from '../order';
import { childrenOn, defaultDay, descendantCountsOn, unitsByCodeOn, unitsOn, unitsOnDefaultDay, versionsOf, type UnitView, type VersionRow } from './tree';

export interface OrgLoaders {
  /** A unit as it was on a day, or null when it did not exist that day. */
  unitOn(id: number, day: string): Promise<UnitView | null>;
  /** A unit by code as it was on a day (one statement for `unit(code, asOf)`), or null. */
  unitByCodeOn(code: string, day: string): Promise<UnitView | null>;
  childrenOn(id: number, day: string): Promise<UnitView[]>;
  descendantCountOn(id: number, day: string): Promise<number>;
  /** Every version of a unit, sorted by start. */
  versions: DataLoader<number, VersionRow[]>;
  /** A unit's id by code, or null. */
  idByCode: DataLoader<string, number | null>;
  /**
   * Units on their own default day (as `unit(code)` without `asOf`), by `{ id }` or `{ code }`: every key of a batch,
   * whatever its day, in one statement (node(s) and Federation references). Null for an unknown unit.
   */
  onDefaultDay(key: { id: number } | { code: string }): Promise<UnitView | null>;
}

/** Groups "day|id" keys by day and answers each day's ids with one call. */
function byDay<T>(fetch: (day: string, ids: number[]) => Promise<Map<number, T>>, missing: T) {
  return byDayOf<number, T>(Number, fetch, missing);
}

/** byDay over keys of any kind: "day|key", the key read by `parse`. */
function byDayOf<K, T>(parse: (key: string) => K, fetch: (day: string, keys: K[]) => Promise<Map<K, T>>, missing: T) {
  return new DataLoader<string, T>(async (keys) => {
    const days = new Map<string, K[]>();
    for (const key of keys) {
      const at = key.indexOf('|');
      const day = key.slice(0, at);
      const parsed = parse(key.slice(at + 1));
      const list = days.get(day);
      if (list) list.push(parsed);
      else days.set(day, [parsed]);
    }
    const results = new Map<string, T>();
    for (const [day, list] of days) {
      for (const [key, value] of await fetch(day, list)) results.set(`${day}|${key}`, value);
    }
    return keys.map((k) => results.get(k) ?? missing);
  });
}

/** `today`: the request's date, which default days are taken from. */
export function createOrgLoaders(em: EntityManager, today: string): OrgLoaders {
  const units = byDay<UnitView | null>(async (day, ids) => new Map((await unitsOn(em, day, ids)).map((u) => [u.id, u])), null);
  // Codes may hold '|': only the first '|' of a key separates the day.
  const unitsByCode = byDayOf<string, UnitView | null>(
    (code) => code,
    async (day, codes) => {
      const found = await unitsByCodeOn(em, day, codes);
      for (const u of found) units.prime(`${day}|${u.id}`, u);
      return new Map(found.map((u) => [u.code, u]));
    },
    null,
  );
  const children = byDay<UnitView[]>(async (day, ids) => {
    const byParent = new Map<number, UnitView[]>(ids.map((id) => [id, []]));
    for (const child of sortByCode(await childrenOn(em, day, ids))) {
      byParent.get(child.parentId!)!.push(child);
      units.prime(`${day}|${child.id}`, child);
    }
    return byParent;
  }, []);
  const counts = byDay<number>((day, ids) => descendantCountsOn(em, day, ids), 0);
  const versions = new DataLoader<number, VersionRow[]>(async (ids) => {
    const found = await versionsOf(em, { ids });
    return ids.map((id) => found.versions.get(id) ?? []);
  });
  const idByCode = new DataLoader<string, number | null>(async (codes) => {
    const found = await versionsOf(em, { codes });
    for (const [id, list] of found.versions) versions.prime(id, list);
    return codes.map((code) => found.codes.get(code) ?? null);
  });
  // Keys "id:<id>" or "code:<code>".
  const onDefaultDay = new DataLoader<string, UnitView | null>(async (keys) => {
    const ids = keys.filter((k) => k.startsWith('id:')).map((k) => Number(k.slice(3)));
    const codes = keys.filter((k) => k.startsWith('code:')).map((k) => k.slice(5));
    const found = new Map<string, UnitView>();
    for (const u of await unitsOnDefaultDay(em, today, { ids, codes })) found.set(`id:${u.id}`, u).set(`code:${u.code}`, u);
    return keys.map((k) => found.get(k) ?? null);
  });
  return {
    unitOn: (id, day) => units.load(`${day}|${id}`),
    unitByCodeOn: (code, day) => unitsByCode.load(`${day}|${code}`),
    onDefaultDay: (key) => onDefaultDay.load('id' in key ? `id:${key.id}` : `code:${key.code}`),
    childrenOn: (id, day) => children.load(`${day}|${id}`),
    descendantCountOn: (id, day) => counts.load(`${day}|${id}`),
    versions,
    idByCode,
  };
}

/** The unit on its default day (today if it exists today, else its last day before, else its first). */
export async function unitOnDefaultDay(loaders: OrgLoaders, id: number, today: string): Promise<UnitView | null> {
  const versions = await loaders.versions.load(id);
  return versions.length === 0 ? null : loaders.unitOn(id, defaultDay(versions, today));
}
