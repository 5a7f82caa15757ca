import { Arg, Ctx, Field, FieldResolver, Float, Int, ObjectType, Query, registerEnumType, Resolver, Root } from 'type-graphql';
import type { Context } from '../context';
import { OrgUnitType } from '../org/org.types';
import { unitOnDefaultDay } from '../org/org.loaders';
import type { UnitView } from '../org/tree';
import { MAX_YEAR, MIN_YEAR } from '../rollup/period';
import { GraphQLError } from 'graphql';
import { reconcile, type Reconciliation } from './reconcile';
import { isVisible } from '../auth/scope';

export enum ReconciliationStatus {
  MATCH = 'MATCH',
  MISMATCH = 'MISMATCH',
  NO_DATA = 'NO_DATA',
}
export enum FigureBound {
  EXACT = 'EXACT',
  AT_LEAST = 'AT_LEAST',
}
export enum ReconciliationRule {
  YEAR_TO_DATE_DECREASE = 'YEAR_TO_DATE_DECREASE',
}
registerEnumType(ReconciliationStatus, {
  name: 'ReconciliationStatus',
  description: 'How a published figure compares with the computed one.',
  valuesConfig: {
    MATCH: { description: 'The value (and the percent, if stated) agrees with the rollup.' },
    MISMATCH: { description: 'The value or the percent differs from the rollup.' },
    NO_DATA: { description: 'Nothing is recorded in the figure\'s section for that unit and period: nothing to compare with.' },
  },
});
registerEnumType(FigureBound, {
  name: 'FigureBound',
  description: 'What a published value means.',
  valuesConfig: {
    EXACT: { description: 'The value itself.' },
    AT_LEAST: { description: 'A lower bound ("more than", "hơn").' },
  },
});
registerEnumType(ReconciliationRule, {
  name: 'ReconciliationRule',
  description: 'A rule that published figures must keep among themselves.',
  valuesConfig: {
    YEAR_TO_DATE_DECREASE: { description: 'A year-to-date figure shrinks from one period to a longer one starting the same month.' },
  },
});

@ObjectType('ReconciledFigure', { simpleResolvers: true, description: 'A published figure beside the figure computed from the recorded data.' })
export class ReconciledFigureType {
  @Field(() => String, { nullable: true, description: 'external_id of the figure in reported_figures.csv, if it had one.' })
  externalId!: string | null;
  @Field(() => String, { description: 'Metric code (docs/dataset-format.md), e.g. DISCIPLINED_MEMBERS.AUTHORITY.INSPECTION_COMMISSIONS.' })
  metric!: string;
  @Field(() => Int, { description: 'Year of the figure.' })
  year!: number;
  @Field(() => Int, { description: 'First month of the figure\'s period.' })
  fromMonth!: number;
  @Field(() => Int, { description: 'Last month of the figure\'s period.' })
  toMonth!: number;
  @Field(() => Float, { description: 'The published value.' })
  stated!: number;
  @Field(() => FigureBound, { description: 'Whether the value is exact or a lower bound.' })
  bound!: FigureBound;
  @Field(() => Float, { nullable: true, description: 'The published percent, if any (category metrics only).' })
  statedPercent!: number | null;
  @Field(() => Float, { nullable: true, description: 'The value computed by the rollup; null for NO_DATA.' })
  computed!: number | null;
  @Field(() => Float, { nullable: true, description: 'The percent computed by the rollup (category metrics only); null for NO_DATA.' })
  computedPercent!: number | null;
  @Field(() => ReconciliationStatus, { description: 'MATCH, MISMATCH or NO_DATA.' })
  status!: ReconciliationStatus;
  @Field(() => Boolean, { nullable: true, description: 'Whether the value agrees; null for NO_DATA.' })
  valueMatches!: boolean | null;
  @Field(() => Boolean, { nullable: true, description: 'Whether the percent agrees; null when none is stated or for NO_DATA.' })
  percentMatches!: boolean | null;
  @Field(() => String, { description: 'Where the figure was published.' })
  source!: string;
  @Field(() => String, { nullable: true, description: 'Remarks on the figure.' })
  note!: string | null;
}

@ObjectType('RuleBreach', { simpleResolvers: true, description: 'Published figures that contradict each other.' })
export class RuleBreachType {
  @Field(() => ReconciliationRule, { description: 'The rule broken.' })
  rule!: ReconciliationRule;
  @Field(() => String, { description: 'What is wrong, in words.' })
  message!: string;
  @Field(() => [ReconciledFigureType], { description: 'The figures involved, earliest period first.' })
  figures!: ReconciledFigureType[];
}

@ObjectType('Reconciliation', { simpleResolvers: true, description: 'Every published figure of a unit and year beside the computed one, and the rules they break.' })
export class ReconciliationType {
  @Field(() => Int, { description: 'The year.' })
  year!: number;
  @Field(() => [ReconciledFigureType], { description: 'Every published figure of the unit for the year, by period and metric.' })
  figures!: ReconciledFigureType[];
  @Field(() => [RuleBreachType], { description: 'Contradictions among the published figures.' })
  breaches!: RuleBreachType[];
}

@Resolver(() => ReconciliationType)
export class ReconciliationResolver {
  @Query(() => ReconciliationType, {
    nullable: true,
    description: 'Published figures of the unit with this code for the year beside the rollup (default tree semantics); null for an unknown code.',
  })
  async reconciliation(
    @Arg('code', () => String, { description: 'Stable code of the unit.' }) code: string,
    @Arg('year', () => Int, { description: 'The year.' }) year: number,
    @Ctx() ctx: Context,
  ): Promise<Reconciliation | null> {
    if (year < MIN_YEAR || year > MAX_YEAR) {
      throw new GraphQLError(`Invalid year: ${year} is outside ${MIN_YEAR}–${MAX_YEAR}.`, { extensions: { code: 'BAD_USER_INPUT', field: 'year' } });
    }
    const id = await ctx.org.idByCode.load(code);
    if (id === null) return null;
    // Outside the caller's scope the unit answers as if it did not exist.
    if (!isVisible(await unitOnDefaultDay(ctx.org, id, ctx.today), ctx.scopeUnitId)) return null;
    return reconcile(ctx, id, year);
  }

  @FieldResolver(() => OrgUnitType, { description: 'The unit (seen today, or on its last day).' })
  async unit(@Root() r: Reconciliation, @Ctx() ctx: Context): Promise<UnitView> {
    return (await unitOnDefaultDay(ctx.org, r.unitId, ctx.today))!;
  }

  @FieldResolver(() => Int, { description: 'Number of MISMATCH figures plus rule breaches: what needs a look.' })
  inconsistencies(@Root() r: Reconciliation): number {
    return r.figures.filter((f) => f.status === 'MISMATCH').length + r.breaches.length;
  }
}
