import { Ctx, FieldResolver, ObjectType, Resolver, Root } from 'type-graphql';
import type { Context } from '../context';
import type { RollupRequest } from './rollup.loaders';
import { CampaignStats, DisciplineStats, DocumentStats } from './rollup.types';

/** What a Rollup is resolved from: the root unit, the period and the tree. Each section is loaded only when asked for. */
export type RollupRoot = RollupRequest;

@ObjectType('Rollup', { simpleResolvers: true, description: 'Figures of a unit and all its descendants over a period: sums of quantity.' })
export class RollupType {}

@Resolver(() => RollupType)
export class RollupResolver {
  @FieldResolver(() => CampaignStats, { description: 'Inspection and supervision campaigns.' })
  campaigns(@Root() root: RollupRoot, @Ctx() ctx: Context): Promise<CampaignStats> {
    return ctx.rollup.campaigns(root);
  }

  @FieldResolver(() => DisciplineStats, { description: 'Disciplinary actions.' })
  discipline(@Root() root: RollupRoot, @Ctx() ctx: Context): Promise<DisciplineStats> {
    return ctx.rollup.discipline(root);
  }

  @FieldResolver(() => DocumentStats, { description: 'Leadership and guidance documents.' })
  documents(@Root() root: RollupRoot, @Ctx() ctx: Context): Promise<DocumentStats> {
    return ctx.rollup.documents(root);
  }
}
