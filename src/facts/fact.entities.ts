/**
 * Fact tables. Every row carries a `quantity` (1 for a real record, N for a published aggregate) and a
 * `rowKey` that makes imports idempotent: `x:<external_id>` when the file gave one, otherwise `k:` and all the
 * other columns, so that a re-import of the same row replaces it instead of adding it.
 * An unstated dimension is NULL (the API calls it UNSPECIFIED).
 */
import { Collection, Entity, Enum, Index, ManyToMany, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { Unit, UnitSegment, UnitVersion } from '../org/unit.entity';
import { Tier } from '../org/kinds';
import { CadreCategory } from './cadre-category.entity';
import { Activity, Body, CampaignStatus, DisciplineForm, DocumentKind, Origin, Subject } from './enums';

@Entity({ tableName: 'campaigns' })
@Index({ name: 'campaigns_year_unit_idx', properties: ['year', 'unit'] })
export class Campaign {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  @ManyToOne(() => Unit, { index: true, deleteRule: 'restrict' })
  unit!: Unit;

  @Property({ type: 'smallint' })
  year!: number;

  @Property({ type: 'smallint', nullable: true })
  month?: number | null;

  @Enum({ items: () => Body, nullable: true })
  body?: Body | null;

  @Enum({ items: () => Activity, nullable: true })
  activity?: Activity | null;

  @Enum({ items: () => Origin, nullable: true })
  origin?: Origin | null;

  @Enum({ items: () => CampaignStatus })
  status!: CampaignStatus;

  @Property({ type: 'integer' })
  quantity: number = 1;

  @Property({ type: 'text', nullable: true })
  externalId?: string | null;

  @Property({ type: 'text', unique: true })
  rowKey!: string;

  /** The day the fact is placed in the tree: the last day of its month (year) on which its unit existed. */
  @Property({ type: 'string', columnType: 'date' })
  refDate!: string;

  /** Its unit's tier on refDate. */
  @Enum({ items: () => Tier })
  tier!: Tier;
}

@Entity({ tableName: 'disciplinary_actions' })
@Index({ name: 'disciplinary_actions_year_unit_idx', properties: ['year', 'unit'] })
export class DisciplinaryAction {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  @ManyToOne(() => Unit, { index: true, deleteRule: 'restrict' })
  unit!: Unit;

  @Property({ type: 'smallint' })
  year!: number;

  @Property({ type: 'smallint', nullable: true })
  month?: number | null;

  @Enum({ items: () => Body })
  body!: Body;

  @Enum({ items: () => Subject })
  subject!: Subject;

  @Enum({ items: () => DisciplineForm, nullable: true })
  form?: DisciplineForm | null;

  @Property({ type: 'integer' })
  quantity: number = 1;

  @Property({ type: 'text', nullable: true })
  externalId?: string | null;

  @Property({ type: 'text', unique: true })
  rowKey!: string;

  /** The day the fact is placed in the tree: the last day of its month (year) on which its unit existed. */
  @Property({ type: 'string', columnType: 'date' })
  refDate!: string;

  /** Its unit's tier on refDate. */
  @Enum({ items: () => Tier })
  tier!: Tier;

  /** Sorted category codes joined by ';': lets an upsert see that only the categories changed. */
  @Property({ type: 'text', default: '' })
  categoriesKey: string = '';

  @ManyToMany({
    entity: () => CadreCategory,
    pivotTable: 'disciplinary_action_categories',
    joinColumn: 'action_id',
    inverseJoinColumn: 'category_id',
  })
  categories = new Collection<CadreCategory>(this);
}

@Entity({ tableName: 'documents' })
@Index({ name: 'documents_year_unit_idx', properties: ['year', 'unit'] })
export class PartyDocument {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  @ManyToOne(() => Unit, { index: true, deleteRule: 'restrict' })
  unit!: Unit;

  @Property({ type: 'smallint' })
  year!: number;

  @Property({ type: 'smallint', nullable: true })
  month?: number | null;

  @Enum({ items: () => Body, nullable: true })
  body?: Body | null;

  @Enum({ items: () => DocumentKind })
  kind!: DocumentKind;

  @Property({ type: 'integer' })
  quantity: number = 1;

  @Property({ type: 'text', nullable: true })
  externalId?: string | null;

  @Property({ type: 'text', unique: true })
  rowKey!: string;

  /** The day the fact is placed in the tree: the last day of its month (year) on which its unit existed. */
  @Property({ type: 'string', columnType: 'date' })
  refDate!: string;

  /** Its unit's tier on refDate. */
  @Enum({ items: () => Tier })
  tier!: Tier;
}

export const ENTITIES = [Unit, UnitVersion, UnitSegment, CadreCategory, Campaign, DisciplinaryAction, PartyDocument];
