/**
 * Year-by-year series of a unit's rollup, with the change of each headline count from the previous year.
 * Every entry reads the same per-request rollup loaders, so a series of N years costs one statement per section
 * (the year before the first is loaded in the same statement, so the first entry has a change too).
 */
import { Ctx, Field, FieldResolver, Float, Int, ObjectType, registerEnumType, Resolver, Root } from 'type-graphql';
import type { Context } from '../context';
import { RollupType, type RollupRoot } from './rollup.resolvers';
import type { CampaignStats, DisciplineStats, DocumentStats } from './rollup.types';
import { signedPercent } from './shares';

export enum HeadlineMetric {
  CAMPAIGNS_TOTAL = 'CAMPAIGNS_TOTAL',
  CAMPAIGNS_COMPLETED = 'CAMPAIGNS_COMPLETED',
  CAMPAIGNS_CANCELLED = 'CAMPAIGNS_CANCELLED',
  CAMPAIGNS_PROGRAMMED = 'CAMPAIGNS_PROGRAMMED',
  CAMPAIGNS_ARISING = 'CAMPAIGNS_ARISING',
  DISCIPLINED_ORGANIZATIONS = 'DISCIPLINED_ORGANIZATIONS',
  DISCIPLINED_MEMBERS = 'DISCIPLINED_MEMBERS',
  DOCUMENTS_TOTAL = 'DOCUMENTS_TOTAL',
  DOCUMENTS_DIRECTIVES = 'DOCUMENTS_DIRECTIVES',
  DOCUMENTS_GUIDANCE = 'DOCUMENTS_GUIDANCE',
}

registerEnumType(HeadlineMetric, {
  name: 'HeadlineMetric',
  description: 'A headline count of a rollup.',
  valuesConfig: {
    CAMPAIGNS_TOTAL: { description: 'campaigns.total' },
    CAMPAIGNS_COMPLETED: { description: 'campaigns.completed' },
    CAMPAIGNS_CANCELLED: { description: 'campaigns.cancelled' },
    CAMPAIGNS_PROGRAMMED: { description: 'campaigns.programmed' },
    CAMPAIGNS_ARISING: { description: 'campaigns.arising' },
    DISCIPLINED_ORGANIZATIONS: { description: 'discipline.organizations' },
    DISCIPLINED_MEMBERS: { description: 'discipline.members' },
    DOCUMENTS_TOTAL: { description: 'documents.total' },
    DOCUMENTS_DIRECTIVES: { description: 'documents.directives' },
    DOCUMENTS_GUIDANCE: { description: 'documents.guidance' },
  },
});

export interface HeadlineSections {
  campaigns: CampaignStats;
  discipline: DisciplineStats;
  documents: DocumentStats;
}

/** How each headline metric reads from a rollup. */
export const HEADLINE_VALUE: Record<HeadlineMetric, (r: HeadlineSections) => number> = {
  CAMPAIGNS_TOTAL: (r) => r.campaigns.total,
  CAMPAIGNS_COMPLETED: (r) => r.campaigns.completed,
  CAMPAIGNS_CANCELLED: (r) => r.campaigns.cancelled,
  CAMPAIGNS_PROGRAMMED: (r) => r.campaigns.programmed,
  CAMPAIGNS_ARISING: (r) => r.campaigns.arising,
  DISCIPLINED_ORGANIZATIONS: (r) => r.discipline.organizations,
  DISCIPLINED_MEMBERS: (r) => r.discipline.members,
  DOCUMENTS_TOTAL: (r) => r.documents.total,
  DOCUMENTS_DIRECTIVES: (r) => r.documents.directives,
  DOCUMENTS_GUIDANCE: (r) => r.documents.guidance,
};

export async function loadSections(ctx: Context, request: RollupRoot): Promise<HeadlineSections> {
  const [campaigns, discipline, documents] = await Promise.all([
    ctx.rollup.campaigns(request),
    ctx.rollup.discipline(request),
    ctx.rollup.documents(request),
  ]);
  return { campaigns, discipline, documents };
}

@ObjectType('HeadlineChange', { simpleResolvers: true, description: 'A headline count of one year beside the same count of the year before.' })
export class HeadlineChange {
  @Field(() => HeadlineMetric, { description: 'Which count.' })
  metric!: HeadlineMetric;
  @Field(() => Int, { description: 'The count in this entry\'s year.' })
  value!: number;
  @Field(() => Int, { description: 'The count in the year before, same months and tree.' })
  previous!: number;
  @Field(() => Int, { description: 'value − previous.' })
  change!: number;
  @Field(() => Float, {
    nullable: true,
    description: 'change / previous × 100, rounded half away from zero to one decimal; null when previous is 0.',
  })
  percentChange!: number | null;
}

@ObjectType('RollupSeriesEntry', { simpleResolvers: true, description: 'One year of a rollup series.' })
export class RollupSeriesEntry {
  @Field(() => Int, { description: 'The year.' })
  year!: number;
  @Field(() => Int, { description: 'First month of the period.' })
  fromMonth!: number;
  @Field(() => Int, { description: 'Last month of the period.' })
  toMonth!: number;
}

@Resolver(() => RollupSeriesEntry)
export class RollupSeriesResolver {
  @FieldResolver(() => RollupType, { description: 'The rollup of the unit for this year\'s period.' })
  rollup(@Root() entry: RollupRoot): RollupRoot {
    return entry;
  }

  @FieldResolver(() => [HeadlineChange], { description: 'Every headline count beside the year before, in HeadlineMetric order.' })
  async changes(@Root() entry: RollupRoot, @Ctx() ctx: Context): Promise<HeadlineChange[]> {
    const previousYear = { ...entry, period: { ...entry.period, year: entry.period.year - 1 } };
    const [now, before] = await Promise.all([loadSections(ctx, entry), loadSections(ctx, previousYear)]);
    return Object.values(HeadlineMetric).map((metric) => {
      const value = HEADLINE_VALUE[metric](now);
      const previous = HEADLINE_VALUE[metric](before);
      return { metric, value, previous, change: value - previous, percentChange: signedPercent(value - previous, previous) };
    });
  }
}
