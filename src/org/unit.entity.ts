import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Tier, UnitKind } from './kinds';

/**
 * A node of the organization tree (tổ chức đảng).
 * `path` is a materialized ltree of unit ids from the root ("1.7.42"): "all units under X" is one
 * GiST-indexed predicate (`u.path <@ x.path`). Only the tree and rollup modules read it.
 */
@Entity({ tableName: 'units' })
export class Unit {
  [OptionalProps]?: 'path' | 'depth' | 'parent';

  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'string', length: 64, unique: true })
  code!: string;

  @Property({ type: 'string', length: 300 })
  name!: string;

  @Enum({ items: () => UnitKind })
  kind!: UnitKind;

  @Enum({ items: () => Tier })
  tier!: Tier;

  @ManyToOne(() => Unit, { nullable: true, index: true, deleteRule: 'restrict' })
  parent?: Unit | null;

  @Index({ name: 'units_path_gist', type: 'gist' })
  @Property({ type: 'string', columnType: 'ltree' })
  path: string = '';

  @Property({ type: 'integer' })
  depth: number = 0;
}
