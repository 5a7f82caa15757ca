/**
 * Relay conventions: `node(id)` / `nodes(ids)` over global ids, the OrgUnit `id` as a global id, and the cursor
 * connections `OrgUnit.descendants` and `units(search)`.
 */
import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../context';
import { isVisible } from '../auth/scope';
import { badUserInput } from '../errors';
import { DateScalar } from '../graphql-date';
import { Tier, UnitKind } from '../org/kinds';
import { OrgUnitType } from '../org/org.types';
import type { UnitView } from '../org/tree';
import { MAX_PAGE_SIZE, OrgUnitConnection, PageArgs, connectionOf, pageWindow, type ConnectionValue } from './connection';
import { fromGlobalId, toGlobalId } from './global-id';
import { Node } from './node';
import { MAX_SEARCH_LENGTH, MAX_TERMS, descendantsSource, searchSource, searchTerms } from './units';

/** At most this many ids in one `nodes` call. */
export const MAX_NODE_IDS = MAX_PAGE_SIZE;

/** The objects of global ids as the caller may see them: null for unknown or out-of-scope ones, like `unit(code)`. */
async function load(ctx: Context, globalIds: readonly string[]): Promise<(UnitView | null)[]> {
  const ids = globalIds.map((g) => fromGlobalId(g).id); // every type is OrgUnit for now
  // One statement for every id of the operation (the request's default-day loader).
  const units = await Promise.all(ids.map((id) => ctx.org.onDefaultDay({ id })));
  return units.map((u) => (isVisible(u, ctx.scopeUnitId) ? u : null));
}

@ArgsType()
class UnitSearchArgs extends PageArgs {
  @Field(() => String, { description: `Words to find (at most ${MAX_TERMS} words, ${MAX_SEARCH_LENGTH} characters), with or without diacritics.` })
  search!: string;
  @Field(() => DateScalar, { nullable: true, description: 'The day whose names and tree to search; default today.' })
  asOf?: string | null;
}

@ArgsType()
class DescendantsArgs extends PageArgs {
  @Field(() => Tier, { nullable: true, description: 'Only units of this tier on `asOf`.' })
  tier?: Tier | null;
  @Field(() => UnitKind, { nullable: true, description: 'Only units of this kind on `asOf`.' })
  kind?: UnitKind | null;
}

@Resolver()
export class NodeResolver {
  @Query(() => Node, {
    nullable: true,
    description:
      'The object with this global id (Relay), or null when it does not exist or lies outside the caller\'s scope. ' +
      'A unit is shown on its default day, as `unit(code)` without `asOf`.',
  })
  async node(@Arg('id', () => ID, { description: 'A global `id` returned by this API.' }) id: string, @Ctx() ctx: Context): Promise<UnitView | null> {
    return (await load(ctx, [id]))[0];
  }

  @Query(() => [Node], {
    nullable: 'items',
    description: `The objects with these global ids, in the same order, null for each that does not exist or lies outside the caller's scope; at most ${MAX_NODE_IDS} ids, fetched together.`,
  })
  nodes(@Arg('ids', () => [ID], { description: 'Global `id`s returned by this API.' }) ids: string[], @Ctx() ctx: Context): Promise<(UnitView | null)[]> {
    if (ids.length > MAX_NODE_IDS) throw badUserInput(`\`nodes\` takes at most ${MAX_NODE_IDS} ids, got ${ids.length}.`, { argument: 'ids', max: MAX_NODE_IDS });
    return load(ctx, ids);
  }

  @Query(() => OrgUnitConnection, {
    description:
      'Units whose name on `asOf` or whose code contains every word of `search`, ignoring case and Vietnamese diacritics ' +
      '("ha long" finds "Hạ Long", "dang bo" finds "Đảng bộ"), ordered by code, a page at a time. A scoped caller finds units of its subtree only.',
  })
  async units(
    @Args(() => UnitSearchArgs) args: UnitSearchArgs,
    @Ctx() ctx: Context,
  ): Promise<ConnectionValue<UnitView>> {
    const terms = searchTerms(args.search);
    const window = pageWindow(args, 'units');
    return onlyVisible(await connectionOf(searchSource(ctx.em, args.asOf ?? ctx.today, terms, ctx.scopeUnitId), window), ctx);
  }
}

@Resolver(() => OrgUnitType)
export class OrgUnitRelayResolver {
  @FieldResolver(() => ID, { description: 'Opaque global identifier of the unit (Relay `Node`); the same across all its versions. Fetch it again with `node(id:)`.' })
  id(@Root() unit: UnitView): string {
    return toGlobalId('OrgUnit', unit.id);
  }

  @FieldResolver(() => OrgUnitConnection, {
    description: 'Units below this one on `asOf`, at any depth, ordered by code, optionally of one tier and/or kind, a page at a time.',
  })
  async descendants(
    @Root() unit: UnitView,
    @Args(() => DescendantsArgs) args: DescendantsArgs,
    @Ctx() ctx: Context,
  ): Promise<ConnectionValue<UnitView>> {
    const window = pageWindow(args, 'descendants');
    return onlyVisible(await connectionOf(descendantsSource(ctx.em, unit, { tier: args.tier, kind: args.kind }, ctx.scopeUnitId), window), ctx);
  }
}

/** The SQL already keeps to the caller's scope; this is the resolvers' own check, as everywhere else. */
function onlyVisible(connection: ConnectionValue<UnitView>, ctx: Context): ConnectionValue<UnitView> {
  const edges = connection.edges.filter((e) => isVisible(e.node, ctx.scopeUnitId));
  return edges.length === connection.edges.length ? connection : { ...connection, edges, nodes: edges.map((e) => e.node) };
}
