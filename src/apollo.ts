/**
 * The one place Apollo Server is configured, for the HTTP server, the tests and the benchmarks alike: schema,
 * error formatting, the abuse limits and the request-transaction plugin.
 */
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import type { Context } from './context';
import type { Logger } from './logger';
import { createFormatError } from './errors';
import { requestTransactionPlugin } from './request-transaction';
import { getSchema } from './schema';
import { queryGuards, withStatementTimeouts } from './security/limits';
import { graphqlMetricsPlugin } from './metrics';
import { executorGateway, type ExecutorName } from './executor';

export interface ApolloOptions {
  logger: Logger;
  /** Production: introspection and suggestions off. */
  production?: boolean;
  plugins?: ApolloServerPlugin<Context>[];
  /**
   * The schema to serve (default: the API's); the Federation subgraph passes its own (src/federation/subgraph.ts),
   * which graphql-js executes (its inline traces hook every resolver).
   */
  schema?: GraphQLSchema;
  /** How the API's schema is executed (src/executor.ts; KIEMTRA_EXECUTOR): compiled by graphql-jit (default) or graphql-js. */
  executor?: ExecutorName;
}

export async function createApolloServer(options: ApolloOptions): Promise<ApolloServer<Context>> {
  const guards = queryGuards({ production: !!options.production });
  // The API's schema comes with its executor, through Apollo's gateway interface (src/executor.ts).
  const served = options.schema ? { schema: options.schema } : { gateway: executorGateway(await getSchema(), options.executor ?? 'jit') };
  return new ApolloServer<Context>({
    ...served,
    formatError: withStatementTimeouts(createFormatError(options.logger), options.logger),
    includeStacktraceInErrorResponses: false,
    parseOptions: guards.parseOptions,
    validationRules: guards.validationRules,
    introspection: guards.introspection,
    // CSRF prevention stays on (a cross-site page must not make a browser run queries): a GET, or a POST with a
    // "simple" content type, must carry one of these headers, which forces a CORS preflight. Apollo Client Web sends
    // content-type: application/json even on GET, Apollo iOS/Kotlin send x-apollo-operation-name, any other client
    // adds apollo-require-preflight: 1. A bare GET (the audit's MAY 5A70) is refused with 400 on purpose. Apollo
    // answers 405 to any non-query operation over GET (the schema has no mutations: one fails validation, 400).
    csrfPrevention: { requestHeaders: ['x-apollo-operation-name', 'apollo-require-preflight'] },
    plugins: [
      // No field sets cache hints; the plugin's per-field hook cost a third of a large rollup request's time.
      ApolloServerPluginCacheControlDisabled(),
      requestTransactionPlugin,
      graphqlMetricsPlugin,
      ...guards.plugins,
      ...(options.plugins ?? []),
    ],
  });
}
