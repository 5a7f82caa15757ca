/**
 * The API as an Apollo Federation 2 subgraph (served at POST /subgraph): the same type-graphql schema and resolvers,
 * plus `_service { sdl }` and `_entities`. OrgUnit is an entity keyed by `id` (its Relay global id) and by `code`
 * (the @key directives are on OrgUnitType in src/org/org.types.ts).
 */
import { graphql, parse, type GraphQLSchema } from 'graphql';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { createResolversMap } from 'type-graphql';
import type { Context } from '../context';
import { getSchema } from '../schema';
import type { UnitView } from '../org/tree';
import { isVisible } from '../auth/scope';
import { unitIdOf } from '../relay/global-id';

/** The Federation version this subgraph links; gateways and routers from 2.7 on understand it. */
export const FEDERATION_LINK = 'https://specs.apollo.dev/federation/v2.7';

/** A representation of OrgUnit sent by a gateway: one of its keys, plus `__typename`. */
export interface OrgUnitReference {
  __typename: 'OrgUnit';
  id?: unknown;
  code?: unknown;
}

/**
 * The unit a reference names, seen on its default day (as `unit(code:)` without `asOf`), or null when it is unknown
 * or outside the caller's scope (like `unit(code:)`, so codes cannot be probed). The references of one `_entities`
 * call, by code or by id, are read together in one statement.
 */
export async function resolveOrgUnitReference(reference: OrgUnitReference, ctx: Context): Promise<UnitView | null> {
  let view: UnitView | null = null;
  if (typeof reference.code === 'string') view = await ctx.org.onDefaultDay({ code: reference.code });
  else if (typeof reference.id === 'string') {
    const id = unitIdOf(reference.id);
    if (id !== null) view = await ctx.org.onDefaultDay({ id });
  }
  return isVisible(view, ctx.scopeUnitId) ? view : null;
}

let subgraph: Promise<GraphQLSchema> | undefined;

/** The subgraph schema, built once from the API's schema (type-graphql's documented Federation pattern). */
export function getSubgraphSchema(): Promise<GraphQLSchema> {
  return (subgraph ??= getSchema().then((schema) => {
    const sdl = `extend schema @link(url: "${FEDERATION_LINK}", import: ["@key"])\n\n${printSchemaWithDirectives(schema)}`;
    const resolvers = createResolversMap(schema) as GraphQLResolverMap<unknown>;
    resolvers.OrgUnit = {
      ...(resolvers.OrgUnit as object),
      __resolveReference: (reference: OrgUnitReference, ctx: unknown) => resolveOrgUnitReference(reference, ctx as Context),
    } as GraphQLResolverMap<unknown>[string];
    const built = buildSubgraphSchema({ typeDefs: parse(sdl), resolvers });
    // The root type's description is set after type-graphql builds (src/schema.ts) and is not in the printed SDL.
    built.getQueryType()!.description = schema.getQueryType()!.description;
    return built;
  }));
}

/** The SDL the subgraph answers to `_service { sdl }` (asked of the schema itself): what a gateway or `rover` composes. */
export async function subgraphSdl(): Promise<string> {
  const result = await graphql({ schema: await getSubgraphSchema(), source: '{ _service { sdl } }' });
  if (result.errors) throw result.errors[0];
  return (result.data as { _service: { sdl: string } })._service.sdl;
}
