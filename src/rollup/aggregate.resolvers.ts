import { Arg, Ctx, Query, Resolver } from 'type-graphql';
import { Tier } from '../org/kinds';
import type { Context } from '../context';
import { runAggregate, type AggregateResultValue } from './aggregate';
import { AggregatePeriodInput, AggregateResult, Dimension, FactFilter, Measure } from './aggregate.types';

@Resolver()
export class AggregateResolver {
  @Query(() => AggregateResult, {
    description:
      'One measure over the subtree of `root` (root included), the period and the filter, grouped by up to 3 dimensions: ' +
      'every combination, zeros included, in a stable order, each with its share of the total (numerator and denominator ' +
      'alongside). Facts count as in `OrgUnit.rollup` (each for its unit and the ancestors it had on its reference ' +
      'date), so the ungrouped measure equals its rollup field. Needs the ANALYST role.',
  })
  aggregate(
    @Arg('root', () => String, { description: 'Code of the unit whose subtree is aggregated.' }) root: string,
    @Arg('period', () => AggregatePeriodInput, { description: 'The years and months.' }) period: AggregatePeriodInput,
    @Arg('measure', () => Measure, { description: 'What to count.' }) measure: Measure,
    @Arg('groupBy', () => [Dimension], { nullable: true, defaultValue: [], description: 'Up to 3 dimensions, outermost first.' })
    groupBy: Dimension[] | null,
    @Arg('atTier', () => Tier, { nullable: true, description: 'Required with UNIT_AT_TIER: the tier whose units are the rows.' })
    atTier: Tier | null,
    @Arg('filter', () => FactFilter, { nullable: true, description: 'Keeps only the facts whose values are in the given lists.' })
    filter: FactFilter | null,
    @Ctx() ctx: Context,
  ): Promise<AggregateResultValue> {
    return runAggregate(ctx, { root, period, measure, groupBy, atTier, filter });
  }
}
