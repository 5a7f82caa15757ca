import { Directive, Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import '../graphql-enums';
import { DateScalar } from '../graphql-date';
import { Tier, UnitKind } from './kinds';
import { Node } from '../relay/node';

// Federation entity keys (src/federation/subgraph.ts); printSchema leaves them out of schema/schema.graphql.
@Directive('@key(fields: "id")')
@Directive('@key(fields: "code")')
@ObjectType('OrgUnit', { simpleResolvers: true,
  implements: Node,
  description:
    'A party organization (tổ chức đảng) as it stood on one day (`asOf`): a node of that day\'s tree. ' +
    'Its id and code are the same on every day; name, kind, parent and place in the tree may change over its history.',
})
export class OrgUnitType {
  /** The database id; the `id` field answers its global id (src/relay/relay.resolvers.ts). */
  @Field(() => ID, { description: 'Opaque global identifier of the unit (Relay `Node`); the same across all its versions. Fetch it again with `node(id:)`.' })
  id!: number;
  @Field(() => String, { description: 'Stable natural key, as in the dataset (e.g. QN, QN.HL).' })
  code!: string;
  @Field(() => String, { description: 'Vietnamese display name on `asOf`.' })
  name!: string;
  @Field(() => UnitKind, { description: 'What the unit is on `asOf`; gives its tier.' })
  kind!: UnitKind;
  @Field(() => Tier, { description: 'Tier of the unit on `asOf`, from its kind (not its depth).' })
  tier!: Tier;
  @Field(() => Int, { description: 'Depth in the tree of `asOf`: 0 for a root.' })
  depth!: number;
  @Field(() => DateScalar, { description: 'The day this unit is seen on: parent, children, ancestors, depth and descendantCount are those of that day.' })
  asOf!: string;
  @Field(() => DateScalar, { nullable: true, description: 'First day of the version in force on `asOf`; null if open (since always).' })
  validFrom!: string | null;
  @Field(() => DateScalar, { nullable: true, description: 'First day after the version in force on `asOf` (exclusive end); null if open (still valid).' })
  validTo!: string | null;
}

@ObjectType('UnitVersion', { simpleResolvers: true, description: 'One row of a unit\'s history: an interval over which its parent, name and kind were constant.' })
export class UnitVersionType {
  @Field(() => DateScalar, { nullable: true, description: 'First day of the version; null if open (since always).' })
  validFrom!: string | null;
  @Field(() => DateScalar, { nullable: true, description: 'First day after the version (exclusive end); null if open (still valid).' })
  validTo!: string | null;
  @Field(() => String, { description: 'Vietnamese display name during the version.' })
  name!: string;
  @Field(() => UnitKind, { description: 'Kind during the version.' })
  kind!: UnitKind;
  @Field(() => Tier, { description: 'Tier during the version, from its kind.' })
  tier!: Tier;
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
