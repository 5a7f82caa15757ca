/** The GraphQL schema, built once from the resolvers: shared by the server, the tests and the SDL emitter. */
import 'reflect-metadata';
import { printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { OrgUnitResolver, UnitVersionResolver } from './org/org.resolvers';
import { RollupResolver } from './rollup/rollup.resolvers';
import { RollupSeriesResolver } from './rollup/series';
import { ReconciliationResolver } from './reconcile/reconcile.types';
import { AuditResolver } from './audit/audit.resolvers';
import { AggregateResolver } from './rollup/aggregate.resolvers';

let schema: Promise<GraphQLSchema> | undefined;

export function getSchema(): Promise<GraphQLSchema> {
  return (schema ??= buildSchema({ resolvers: [OrgUnitResolver, UnitVersionResolver, RollupResolver, RollupSeriesResolver, ReconciliationResolver, AuditResolver, AggregateResolver], validate: false }).then((built) => {
    // type-graphql has no option for the root type's description.
    built.getQueryType()!.description = 'Entry points: units by code, the roots of the tree, the cadre categories and (for admins) the audit log.';
    return built;
  }));
}

/** The SDL committed as schema/schema.graphql. */
export async function schemaSdl(): Promise<string> {
  return printSchema(await getSchema()) + '\n';
}
