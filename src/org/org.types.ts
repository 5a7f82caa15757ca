import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import '../graphql-enums';
import { Tier, UnitKind } from './kinds';

@ObjectType('OrgUnit', { description: 'A party organization (tổ chức đảng): a node of the organization tree.' })
export class OrgUnitType {
  @Field(() => ID, { description: 'Opaque identifier of the unit.' })
  id!: number;
  @Field(() => String, { description: 'Stable natural key, as in the dataset (e.g. QN, QN.HL).' })
  code!: string;
  @Field(() => String, { description: 'Vietnamese display name.' })
  name!: string;
  @Field(() => UnitKind, { description: 'What the unit is; gives its tier.' })
  kind!: UnitKind;
  @Field(() => Tier, { description: 'Tier of the unit, from its kind (not its depth).' })
  tier!: Tier;
  @Field(() => Int, { description: 'Depth in the tree: 0 for a root.' })
  depth!: number;
}

@InputType('PeriodInput', { description: 'A year and an inclusive month range. Rows with no month count only when the range is the whole year.' })
export class PeriodInput {
  @Field(() => Int, { description: 'The year (1930–2100).' })
  year!: number;
  @Field(() => Int, { nullable: true, defaultValue: 1, description: 'First month of the range (1–12).' })
  fromMonth?: number;
  @Field(() => Int, { nullable: true, defaultValue: 12, description: 'Last month of the range (1–12), not before fromMonth.' })
  toMonth?: number;
}
