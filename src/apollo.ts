/**
 * The one place Apollo Server is configured, for the HTTP server, the tests and the benchmarks alike: schema,
 * error formatting, the abuse limits and the request-transaction plugin.
 */
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import type { Context } from './context';
import type { Logger } from './logger';
import { createFormatError } from './errors';
import { requestTransactionPlugin } from './request-transaction';
import { getSchema } from './schema';
import { queryGuards, withStatementTimeouts } from './security/limits';

export interface ApolloOptions {
  logger: Logger;
  /** Production: introspection and suggestions off. */
  production?: boolean;
  plugins?: ApolloServerPlugin<Context>[];
}

export async function createApolloServer(options: ApolloOptions): Promise<ApolloServer<Context>> {
  const guards = queryGuards({ production: !!options.production });
  return new ApolloServer<Context>({
    schema: await getSchema(),
    formatError: withStatementTimeouts(createFormatError(options.logger), options.logger),
    includeStacktraceInErrorResponses: false,
    parseOptions: guards.parseOptions,
    validationRules: guards.validationRules,
    introspection: guards.introspection,
    plugins: [
      // No field sets cache hints; the plugin's per-field hook cost a third of a large rollup request's time.
      ApolloServerPluginCacheControlDisabled(),
      requestTransactionPlugin,
      ...guards.plugins,
      ...(options.plugins ?? []),
    ],
  });
}
