/** The GraphQL schema, built once from the resolvers: shared by the server, the tests and the SDL emitter. */
import 'reflect-metadata';
import { printSchema, type GraphQLInterfaceType, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { OrgUnitResolver, UnitVersionResolver } from './org/org.resolvers';
import { RollupResolver } from './rollup/rollup.resolvers';
import { ROLLUP_SECTIONS } from './rollup/rollup.loaders';
import { RollupSeriesResolver } from './rollup/series';
import { ReconciliationResolver } from './reconcile/reconcile.types';
import { AuditResolver } from './audit/audit.resolvers';
import { AggregateResolver } from './rollup/aggregate.resolvers';
import { NodeResolver, OrgUnitRelayResolver } from './relay/relay.resolvers';
import { LabelsResolver } from './labels.resolvers';

let schema: Promise<GraphQLSchema> | undefined;

export function getSchema(): Promise<GraphQLSchema> {
  return (schema ??= buildSchema({ resolvers: [OrgUnitResolver, UnitVersionResolver, RollupResolver, RollupSeriesResolver, ReconciliationResolver, AuditResolver, AggregateResolver, LabelsResolver, NodeResolver, OrgUnitRelayResolver], validate: false }).then((built) => {
    // type-graphql has no option for the root type's description.
    // type-graphql wraps an interface's resolveType in an async function, which graphql-jit 0.8.9 (src/executor.ts)
    // does not await; only OrgUnit implements Node (src/relay/node.ts).
    (built.getType('Node') as GraphQLInterfaceType).resolveType = () => 'OrgUnit';
    // OrgUnit.rollup runs once per unit of a page (1,884 times for a province's units two levels down). type-graphql
    // makes every resolver with arguments asynchronous (its argument validation is an async function, even when off:
    // two awaits and a Promise.all per call, ~6 µs); the method only reads the coerced arguments, so it is called
    // directly. Same method, same errors (validatePeriod throws BAD_USER_INPUT).
    const units = new OrgUnitResolver();
    (built.getType('OrgUnit') as GraphQLObjectType).getFields().rollup.resolve = (unit, args) => units.rollup(unit, args.period, args.asOf ?? null);
    // Likewise a Rollup's three sections, three calls per unit: type-graphql's wrapper (parameters sorted and mapped,
    // resolver data built, on every call) was ~10% of the garbage of that page (heap sampling, 10 requests).
    const rollups = new RollupResolver();
    const sections = (built.getType('Rollup') as GraphQLObjectType).getFields();
    for (const section of ROLLUP_SECTIONS) sections[section].resolve = (root, _args, ctx) => rollups[section](root, ctx);
    built.getQueryType()!.description = 'Entry points: units by code, by global id (node, nodes) or by name (units), the roots of the tree, the cadre categories, analysts\' aggregates, the labels of every enum value and (for admins) the audit log.';
    return built;
  }));
}

/** The SDL committed as schema/schema.graphql. */
export async function schemaSdl(): Promise<string> {
  return printSchema(await getSchema()) + '\n';
}
