/**
 * Per-request batch loaders over the tree. Each loader answers a whole level of a query in one statement:
 * children of every parent asked for, descendant counts of every unit asked for, units by id or code.
 */
import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/core';
import { Unit } from './unit.entity';
import { sortByCode } from '../order';
import { pgArray } from '../sql';

export interface OrgLoaders {
  unitById: DataLoader<number, Unit | null>;
  unitByCode: DataLoader<string, Unit | null>;
  childrenOf: DataLoader<number, Unit[]>;
  descendantCount: DataLoader<number, number>;
}

export function createOrgLoaders(em: EntityManager): OrgLoaders {
  const unitById = new DataLoader<number, Unit | null>(async (ids) => {
    const units = await em.find(Unit, { id: { $in: [...ids] } });
    const byId = new Map(units.map((u) => [u.id, u]));
    return ids.map((id) => byId.get(id) ?? null);
  });
  const unitByCode = new DataLoader<string, Unit | null>(async (codes) => {
    const units = await em.find(Unit, { code: { $in: [...codes] } });
    const byCode = new Map(units.map((u) => [u.code, u]));
    return codes.map((code) => {
      const unit = byCode.get(code) ?? null;
      if (unit) unitById.prime(unit.id, unit);
      return unit;
    });
  });
  const childrenOf = new DataLoader<number, Unit[]>(async (parentIds) => {
    const units = sortByCode(await em.find(Unit, { parent: { $in: [...parentIds] } }));
    const byParent = new Map<number, Unit[]>(parentIds.map((id) => [id, []]));
    for (const unit of units) {
      byParent.get(unit.parent!.id)!.push(unit);
      unitById.prime(unit.id, unit);
    }
    return parentIds.map((id) => byParent.get(id)!);
  });
  const descendantCount = new DataLoader<number, number>(async (ids) => {
    const rows: { id: number; n: string }[] = await em
      .getConnection()
      .execute(
        `select r.id, count(u.id) - 1 as n from units r join units u on u.path <@ r.path where r.id = any(?::int[]) group by r.id`,
        [pgArray(ids)],
        'all',
      );
    const byId = new Map(rows.map((r) => [Number(r.id), Number(r.n)]));
    return ids.map((id) => byId.get(id) ?? 0);
  });
  return { unitById, unitByCode, childrenOf, descendantCount };
}

/** Ids of a unit's ancestors, root first, read from its materialized path. */
export function ancestorIds(unit: Unit): number[] {
  return unit.path.split('.').map(Number).slice(0, -1);
}
