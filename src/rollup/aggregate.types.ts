/**
 * GraphQL types of the analysts' `aggregate` query, as ../shared/spec/api-analytics.graphql fixes them:
 * measures, dimensions, the period and filter inputs, and result rows with typed keys.
 */
import { Field, Float, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import '../graphql-enums';
import { Tier } from '../org/kinds';
import { OrgUnitType } from '../org/org.types';
import type { UnitView } from '../org/tree';
import { Authority, Body, CampaignStatus, DisciplineForm, Subject } from '../facts/enums';
import { CadreCategoryType } from '../facts/cadre-category.type';

/** What is counted (sums of `quantity`). Each measure equals one field of the fixed rollup. */
export enum Measure {
  CAMPAIGNS = 'CAMPAIGNS',
  CAMPAIGNS_COMPLETED = 'CAMPAIGNS_COMPLETED',
  CAMPAIGNS_CANCELLED = 'CAMPAIGNS_CANCELLED',
  CAMPAIGNS_PROGRAMMED = 'CAMPAIGNS_PROGRAMMED',
  CAMPAIGNS_ARISING = 'CAMPAIGNS_ARISING',
  DISCIPLINED_ORGANIZATIONS = 'DISCIPLINED_ORGANIZATIONS',
  DISCIPLINED_MEMBERS = 'DISCIPLINED_MEMBERS',
  DOCUMENTS = 'DOCUMENTS',
}

/** What rows can be grouped by. */
export enum Dimension {
  TIER = 'TIER',
  BODY = 'BODY',
  AUTHORITY = 'AUTHORITY',
  ACTIVITY = 'ACTIVITY',
  ORIGIN = 'ORIGIN',
  STATUS = 'STATUS',
  FORM = 'FORM',
  SUBJECT = 'SUBJECT',
  CADRE_CATEGORY = 'CADRE_CATEGORY',
  YEAR = 'YEAR',
  MONTH = 'MONTH',
  CHILD_UNIT = 'CHILD_UNIT',
  UNIT_AT_TIER = 'UNIT_AT_TIER',
}

/**
 * A campaign's activity as the API shows it: the stored values plus UNSPECIFIED for an unstated one (NULL in the
 * database). The import's enum (facts/enums.ts) keeps only the values a file may state.
 */
export enum ActivityValue {
  INSPECTION = 'INSPECTION',
  SUPERVISION = 'SUPERVISION',
  UNSPECIFIED = 'UNSPECIFIED',
}

/** A campaign's origin as the API shows it (UNSPECIFIED: not stated). */
export enum OriginValue {
  PROGRAMMED = 'PROGRAMMED',
  ARISING = 'ARISING',
  UNSPECIFIED = 'UNSPECIFIED',
}

const described = (entries: Record<string, string>) =>
  Object.fromEntries(Object.entries(entries).map(([k, description]) => [k, { description }]));

registerEnumType(Measure, {
  name: 'Measure',
  description: 'What `aggregate` counts (sums of quantity). Each equals a field of `OrgUnit.rollup`.',
  valuesConfig: described({
    CAMPAIGNS: 'Inspection and supervision campaigns (rollup.campaigns.total).',
    CAMPAIGNS_COMPLETED: 'Campaigns with status COMPLETED (rollup.campaigns.completed).',
    CAMPAIGNS_CANCELLED: 'Campaigns with status CANCELLED (rollup.campaigns.cancelled).',
    CAMPAIGNS_PROGRAMMED: 'Campaigns in the year\'s programme (rollup.campaigns.programmed).',
    CAMPAIGNS_ARISING: 'Campaigns that arose outside the programme (rollup.campaigns.arising).',
    DISCIPLINED_ORGANIZATIONS: 'Party organizations disciplined (rollup.discipline.organizations).',
    DISCIPLINED_MEMBERS: 'Party members disciplined (rollup.discipline.members).',
    DOCUMENTS: 'Leadership and guidance documents (rollup.documents.total).',
  }),
});

registerEnumType(Dimension, {
  name: 'Dimension',
  description: 'What `aggregate` rows can be grouped by (at most 3 at once). Not every dimension applies to every measure.',
  valuesConfig: described({
    TIER: 'The tier of the fact\'s unit on its reference date. Every measure.',
    BODY: 'The body that acted (UNSPECIFIED when not stated). Every measure.',
    AUTHORITY: 'Who imposed a disciplinary action (from its body). Discipline measures.',
    ACTIVITY: 'Inspection or supervision. Campaign measures.',
    ORIGIN: 'Programmed or arising. Campaign measures.',
    STATUS: 'The campaign\'s status. Campaign measures.',
    FORM: 'The form of a disciplinary action. Discipline measures.',
    SUBJECT: 'Whether a member or an organization was disciplined. Discipline measures.',
    CADRE_CATEGORY: 'The disciplined members\' cadre categories (overlapping; plus a row for members in none). DISCIPLINED_MEMBERS only.',
    YEAR: 'The fact\'s year, fromYear…toYear. Every measure.',
    MONTH: 'The fact\'s month inside one year (plus a row for facts with no month). Every measure.',
    CHILD_UNIT: 'The root\'s child whose subtree holds the fact (plus a row for the root\'s own facts). Every measure.',
    UNIT_AT_TIER: 'The fact\'s nearest ancestor-or-self at `atTier` (plus a row for facts with none). Every measure.',
  }),
});

registerEnumType(ActivityValue, {
  name: 'Activity',
  description: 'What a campaign did.',
  valuesConfig: described({
    INSPECTION: 'Kiểm tra: inspection.',
    SUPERVISION: 'Giám sát: supervision.',
    UNSPECIFIED: 'The source did not state the activity.',
  }),
});

registerEnumType(OriginValue, {
  name: 'Origin',
  description: 'Why a campaign took place.',
  valuesConfig: described({
    PROGRAMMED: 'Theo chương trình: in the year\'s programme.',
    ARISING: 'Thường xuyên / phát sinh: arose during the year.',
    UNSPECIFIED: 'The source did not state the origin.',
  }),
});

registerEnumType(CampaignStatus, {
  name: 'CampaignStatus',
  description: 'Where a campaign stands.',
  valuesConfig: described({
    PLANNED: 'Planned, not started.',
    IN_PROGRESS: 'Under way.',
    COMPLETED: 'Completed (kết thúc).',
    CANCELLED: 'Cancelled.',
  }),
});

registerEnumType(Subject, {
  name: 'Subject',
  description: 'Who was disciplined.',
  valuesConfig: described({
    MEMBER: 'A party member (đảng viên).',
    ORGANIZATION: 'A party organization (tổ chức đảng).',
  }),
});

@InputType('AggregatePeriodInput', {
  description:
    'The months fromMonth–toMonth of every year from fromYear to toYear (2021–2023, months 1–6 = three first halves). ' +
    'Facts with no month count only when the months are 1–12.',
})
export class AggregatePeriodInput {
  @Field(() => Int, { description: 'First year (1930–2100).' })
  fromYear!: number;
  @Field(() => Int, { nullable: true, description: 'Defaults to fromYear.' })
  toYear?: number | null;
  @Field(() => Int, { nullable: true, defaultValue: 1, description: 'First month of each year\'s range (1–12).' })
  fromMonth?: number | null;
  @Field(() => Int, { nullable: true, defaultValue: 12, description: 'Last month of each year\'s range (1–12), not before fromMonth.' })
  toMonth?: number | null;
}

@InputType('FactFilter', { description: 'Each list keeps only the facts whose value is in it; an empty or missing list keeps all.' })
export class FactFilter {
  @Field(() => [Tier], { nullable: true, description: 'Tiers of the facts\' units on their reference dates.' })
  tiers?: Tier[] | null;
  @Field(() => [Body], { nullable: true, description: 'Bodies (UNSPECIFIED keeps facts that do not state one).' })
  bodies?: Body[] | null;
  @Field(() => [Authority], { nullable: true, description: 'Authorities (discipline measures only).' })
  authorities?: Authority[] | null;
  @Field(() => [ActivityValue], { nullable: true, description: 'Activities (campaign measures only).' })
  activities?: ActivityValue[] | null;
  @Field(() => [OriginValue], { nullable: true, description: 'Origins (campaign measures only).' })
  origins?: OriginValue[] | null;
  @Field(() => [CampaignStatus], { nullable: true, description: 'Statuses (campaign measures only).' })
  statuses?: CampaignStatus[] | null;
  @Field(() => [DisciplineForm], { nullable: true, description: 'Forms (discipline measures only).' })
  forms?: DisciplineForm[] | null;
  @Field(() => [Subject], { nullable: true, description: 'Subjects (discipline measures only).' })
  subjects?: Subject[] | null;
  @Field(() => [String], { nullable: true, description: 'Cadre category codes: members in at least one of them (DISCIPLINED_MEMBERS only).' })
  categories?: string[] | null;
}

/** A row's key as the resolvers hand it over: only the grouped dimensions' fields are set. */
export interface AggregateKeyValue {
  tier?: Tier | null;
  body?: Body | null;
  authority?: Authority | null;
  activity?: ActivityValue | null;
  origin?: OriginValue | null;
  status?: CampaignStatus | null;
  form?: DisciplineForm | null;
  subject?: Subject | null;
  category?: CadreCategoryType | null;
  year?: number | null;
  month?: number | null;
  unit?: UnitView | null;
}

@ObjectType('AggregateKey', { simpleResolvers: true, description: 'Only the fields of the grouped dimensions are set; the others are null.' })
export class AggregateKey implements AggregateKeyValue {
  @Field(() => Tier, { nullable: true, description: 'TIER: the tier.' })
  tier?: Tier | null;
  @Field(() => Body, { nullable: true, description: 'BODY: the body.' })
  body?: Body | null;
  @Field(() => Authority, { nullable: true, description: 'AUTHORITY: the authority.' })
  authority?: Authority | null;
  @Field(() => ActivityValue, { nullable: true, description: 'ACTIVITY: the activity.' })
  activity?: ActivityValue | null;
  @Field(() => OriginValue, { nullable: true, description: 'ORIGIN: the origin.' })
  origin?: OriginValue | null;
  @Field(() => CampaignStatus, { nullable: true, description: 'STATUS: the campaign status.' })
  status?: CampaignStatus | null;
  @Field(() => DisciplineForm, { nullable: true, description: 'FORM: the discipline form.' })
  form?: DisciplineForm | null;
  @Field(() => Subject, { nullable: true, description: 'SUBJECT: member or organization.' })
  subject?: Subject | null;
  @Field(() => CadreCategoryType, { nullable: true, description: 'CADRE_CATEGORY: the category; null on the row of members in no category.' })
  category?: CadreCategoryType | null;
  @Field(() => Int, { nullable: true, description: 'YEAR: the year.' })
  year?: number | null;
  @Field(() => Int, { nullable: true, description: 'MONTH: the month; null on the row of facts with no month.' })
  month?: number | null;
  @Field(() => OrgUnitType, {
    nullable: true,
    description:
      'The child unit, or the unit at the asked tier, whose subtree the row covers (seen on the last day of the period it ' +
      'was in the scope); null on the row of the root\'s own facts (CHILD_UNIT) or of facts with no unit at the tier (UNIT_AT_TIER).',
  })
  unit?: UnitView | null;
}

@ObjectType('AggregateRow', { simpleResolvers: true, description: 'One combination of the grouped dimensions\' values and its measure.' })
export class AggregateRow {
  @Field(() => AggregateKey, { description: 'The combination.' })
  key!: AggregateKeyValue;
  @Field(() => Int, { description: 'The measure over the facts of this combination.' })
  value!: number;
  @Field(() => Float, { nullable: true, description: 'value / total; null when total is 0.' })
  shareOfTotal!: number | null;
  @Field(() => Int, { description: 'The numerator of shareOfTotal: value.' })
  numerator!: number;
  @Field(() => Int, { description: 'The denominator of shareOfTotal: total.' })
  denominator!: number;
}

@ObjectType('AggregateResult', { simpleResolvers: true, description: 'The measure over the scope, and one row per combination of the grouped dimensions\' values.' })
export class AggregateResult {
  @Field(() => Int, { description: 'The measure over the whole scope (the root\'s subtree, the period, the filter).' })
  total!: number;
  @Field(() => [AggregateRow], {
    description:
      'Every combination, zeros included, ordered by the first grouped dimension, then the second, each in declaration ' +
      'order; exactly one row (every key field null) without grouping.',
  })
  rows!: AggregateRow[];
}
