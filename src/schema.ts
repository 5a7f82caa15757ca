/** The GraphQL schema, built once from the resolvers: shared by the server, the tests and the SDL emitter. */
import 'reflect-metadata';
import { printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { OrgUnitResolver } from './org/org.resolvers';
import { RollupResolver } from './rollup/rollup.resolvers';

let schema: Promise<GraphQLSchema> | undefined;

export function getSchema(): Promise<GraphQLSchema> {
  return (schema ??= buildSchema({ resolvers: [OrgUnitResolver, RollupResolver], validate: false }));
}

/** The SDL committed as schema/schema.graphql. */
export async function schemaSdl(): Promise<string> {
  return printSchema(await getSchema()) + '\n';
}
