import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { Tier, UnitKind } from './kinds';

/**
 * A party organization (tổ chức đảng) for its whole life: its id and code never change.
 * What can change over time (parent, name, kind) lives in its versions; where it sits in the tree on a given day
 * is in its segments. The tree module (src/org/tree.ts) reads both with SQL; these entities describe the tables.
 */
@Entity({ tableName: 'units' })
export class Unit {
  [OptionalProps]?: 'successor';

  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'string', length: 64, unique: true })
  code!: string;

  /** The unit that takes over when this unit's history ends (a merger); null when its facts go to its parent. */
  @ManyToOne(() => Unit, { nullable: true, deleteRule: 'restrict' })
  successor?: Unit | null;
}

/**
 * One interval [validFrom, validTo) over which a unit's parent, name and kind are constant.
 * Dates are ISO strings; '-infinity' and 'infinity' stand for an open start and an open end.
 */
@Entity({ tableName: 'unit_versions' })
@Unique({ name: 'unit_versions_unit_from_index', properties: ['unit', 'validFrom'] })
export class UnitVersion {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @ManyToOne(() => Unit, { deleteRule: 'cascade' })
  unit!: Unit;

  @Property({ type: 'string', columnType: 'date' })
  validFrom!: string;

  @Property({ type: 'string', columnType: 'date' })
  validTo!: string;

  @ManyToOne(() => Unit, { nullable: true, deleteRule: 'restrict' })
  parent?: Unit | null;

  @Property({ type: 'string', length: 300 })
  name!: string;

  @Enum({ items: () => UnitKind })
  kind!: UnitKind;

  @Enum({ items: () => Tier })
  tier!: Tier;
}

/**
 * Derived from the versions: the unit's ancestor path (ltree of unit ids, root first, e.g. "1.7.42") over an
 * interval in which its whole chain of ancestors is constant. Rewritten by the import whenever versions change.
 */
@Entity({ tableName: 'unit_segments' })
export class UnitSegment {
  @ManyToOne(() => Unit, { primary: true, deleteRule: 'cascade' })
  unit!: Unit;

  @PrimaryKey({ type: 'string', columnType: 'date' })
  validFrom!: string;

  @Property({ type: 'string', columnType: 'date' })
  validTo!: string;

  @Index({ name: 'unit_segments_path_gist', type: 'gist' })
  @Property({ type: 'string', columnType: 'ltree' })
  path!: string;

  @Property({ type: 'integer' })
  depth!: number;
}
