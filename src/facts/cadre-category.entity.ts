import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/** A cadre category (cấp ủy viên, cán bộ diện Trung ương quản lý…): a taxonomy held as data. Categories overlap. */
@Entity({ tableName: 'cadre_categories' })
export class CadreCategory {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'string', length: 64, unique: true })
  code!: string;

  @Property({ type: 'string', length: 300 })
  name!: string;
}
