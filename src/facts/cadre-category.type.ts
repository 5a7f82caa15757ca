import { Field, ObjectType } from 'type-graphql';

@ObjectType('CadreCategory', { simpleResolvers: true, description: 'A cadre category (cấp ủy viên, cán bộ diện Trung ương quản lý…). Categories overlap.' })
export class CadreCategoryType {
  /** Database id; not exposed. */
  id!: number;
  @Field(() => String, { description: 'Stable code, e.g. COMMITTEE_MEMBER.' })
  code!: string;
  @Field(() => String, { description: 'Vietnamese display name.' })
  name!: string;
}
