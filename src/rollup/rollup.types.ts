/** GraphQL output types of a rollup. The engine (engine.ts) fills them; resolvers never compute figures. */
import { Field, Float, Int, ObjectType } from 'type-graphql';
import '../graphql-enums';
import { Tier } from '../org/kinds';
import { Authority, Body, DisciplineForm } from '../facts/enums';
import { CadreCategoryType } from '../facts/cadre-category.type';

@ObjectType('TierCampaigns', { simpleResolvers: true, description: 'Campaigns conducted by units of one tier.' })
export class TierCampaigns {
  @Field(() => Tier, { description: 'Tier of the conducting unit.' })
  tier!: Tier;
  @Field(() => Int, { description: 'All campaigns at this tier, whatever their status.' })
  total!: number;
  @Field(() => Int, { description: 'Completed campaigns at this tier.' })
  completed!: number;
}

@ObjectType('BodyCampaigns', { simpleResolvers: true, description: 'Campaigns conducted by one kind of body.' })
export class BodyCampaigns {
  @Field(() => Body, { description: 'The conducting body; UNSPECIFIED where the source did not say.' })
  body!: Body;
  @Field(() => Int, { description: 'All campaigns by this body, whatever their status.' })
  total!: number;
  @Field(() => Int, { description: 'Completed campaigns by this body.' })
  completed!: number;
}

@ObjectType('CampaignStats', { simpleResolvers: true, description: 'Inspection and supervision campaigns (cuộc kiểm tra, giám sát) in the rollup.' })
export class CampaignStats {
  @Field(() => Int, { description: 'All campaigns, whatever their status.' })
  total!: number;
  @Field(() => Int, { description: 'Campaigns with status COMPLETED.' })
  completed!: number;
  @Field(() => Int, { description: 'Campaigns with status CANCELLED.' })
  cancelled!: number;
  @Field(() => Int, { description: 'Origin PROGRAMMED (in the annual programme), whatever their status.' })
  programmed!: number;
  @Field(() => Int, { description: 'Origin ARISING (phát sinh), whatever their status.' })
  arising!: number;
  @Field(() => [TierCampaigns], { description: 'By the tier of the conducting unit: one entry per tier, in declaration order.' })
  byTier!: TierCampaigns[];
  @Field(() => [BodyCampaigns], { description: 'By the conducting body: one entry per body (UNSPECIFIED included), in declaration order.' })
  byBody!: BodyCampaigns[];
}

@ObjectType('CategoryShare', { simpleResolvers: true, description: 'Disciplined members in one cadre category, and their share of the disciplined members.' })
export class CategoryShare {
  @Field(() => CadreCategoryType, { description: 'The cadre category.' })
  category!: CadreCategoryType;
  @Field(() => Int, { description: 'Disciplined members in this category.' })
  count!: number;
  @Field(() => Float, {
    nullable: true,
    description: 'count / disciplined members of the same entry, as a fraction; null when there are none.',
  })
  share!: number | null;
  @Field(() => Float, {
    nullable: true,
    description: 'share × 100 rounded half-up to one decimal, computed exactly from the integers; null when there are no members.',
  })
  percent!: number | null;
}

@ObjectType('AuthorityDiscipline', { simpleResolvers: true, description: 'Discipline imposed under one authority.' })
export class AuthorityDiscipline {
  @Field(() => Authority, { description: 'Party committees and cells, or inspection commissions.' })
  authority!: Authority;
  @Field(() => Int, { description: 'Party organizations disciplined under this authority.' })
  organizations!: number;
  @Field(() => Int, { description: 'Party members disciplined under this authority.' })
  members!: number;
  @Field(() => [CategoryShare], { description: "By cadre category (ordered by code); shares of this authority's members." })
  membersByCategory!: CategoryShare[];
}

@ObjectType('FormDiscipline', { simpleResolvers: true, description: 'Discipline of one form.' })
export class FormDiscipline {
  @Field(() => DisciplineForm, { description: 'The form; UNSPECIFIED where the source did not say.' })
  form!: DisciplineForm;
  @Field(() => Int, { description: 'Party organizations disciplined in this form.' })
  organizations!: number;
  @Field(() => Int, { description: 'Party members disciplined in this form.' })
  members!: number;
}

@ObjectType('DisciplineStats', { simpleResolvers: true, description: 'Disciplinary actions (thi hành kỷ luật) in the rollup.' })
export class DisciplineStats {
  @Field(() => Int, { description: 'Party organizations disciplined.' })
  organizations!: number;
  @Field(() => Int, { description: 'Party members disciplined.' })
  members!: number;
  @Field(() => [CategoryShare], {
    description: 'By cadre category (ordered by code); categories overlap, so shares need not add up to 100%.',
  })
  membersByCategory!: CategoryShare[];
  @Field(() => [AuthorityDiscipline], { description: 'By who imposed it: party committees and cells, or inspection commissions.' })
  byAuthority!: AuthorityDiscipline[];
  @Field(() => [FormDiscipline], { description: 'By form: one entry per form (UNSPECIFIED included), in declaration order.' })
  byForm!: FormDiscipline[];
}

@ObjectType('DocumentStats', { simpleResolvers: true, description: 'Leadership and guidance documents (văn bản) issued in the rollup.' })
export class DocumentStats {
  @Field(() => Int, { description: 'All documents.' })
  total!: number;
  @Field(() => Int, { description: 'Leadership and direction documents (văn bản lãnh đạo, chỉ đạo).' })
  directives!: number;
  @Field(() => Int, { description: 'Guidance documents (văn bản hướng dẫn).' })
  guidance!: number;
}
