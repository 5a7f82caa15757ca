/**
 * Apollo Server on Express: POST/GET /graphql, the same schema as a Federation 2 subgraph at POST /subgraph, GraphiQL
 * for browsers at GET /graphql, GET /health (liveness) and
 * GET /ready (readiness: the database answers).
 * No side effects at import time: callers create and start the server.
 */
import http from 'node:http';
import express from 'express';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { Orm } from './db';
import type { Logger } from './logger';
import { createContext, type Context } from './context';
import { GraphQLError } from 'graphql';
import { OPEN_CALLER, type Caller } from './auth/caller';
import { AuthError, bearerToken, isLoopback, type Verifier } from './auth/tokens';
import { createApolloServer } from './apollo';
import type { ExecutorName } from './executor';
import { readinessHandler, rethrowUnavailable } from './health';
import { graphiqlAssets, graphiqlPage } from './graphiql';
import { BODY_LIMIT, DEFAULT_RATE_LIMIT_PER_MINUTE, rateLimiter } from './security/limits';
import { exportHandler } from './export/http';
import { explorerRouter } from './explorer';
import { getSubgraphSchema } from './federation/subgraph';
import compression from 'compression';
import { httpMetrics, metricsHandler, watchDatabase, watchResponseCache } from './metrics';
import { createResponseCache } from './cache/response-cache';
import { DEFAULT_RESPONSE_CACHE_MB } from './config';

export interface RunningServer {
  url: string;
  httpServer: http.Server;
  stop(): Promise<void>;
}

export interface ServerOptions {
  timeZone?: string;
  /** Verifies bearer tokens; null or absent = open (every caller may do everything: loopback only). */
  verifier?: Verifier | null;
  /** `production`: introspection and "Did you mean" suggestions off (config.nodeEnv). */
  nodeEnv?: string;
  /** Requests per minute per caller on /graphql (config.rateLimitPerMinute; 0 = unlimited). */
  rateLimitPerMinute?: number;
  /** Response cache size for /graphql in MB (config.responseCacheMb; 0 = none; default DEFAULT_RESPONSE_CACHE_MB). */
  responseCacheMb?: number;
  /** How /graphql executes queries (config.executor; default graphql-jit, src/executor.ts). */
  executor?: ExecutorName;
}

/** The caller of a GraphQL request: from its bearer token, or OPEN_CALLER without a verifier; 401 otherwise. */
async function callerOf(req: express.Request, verifier: Verifier | null | undefined): Promise<Caller> {
  if (!verifier) return OPEN_CALLER;
  try {
    const token = bearerToken(req.headers.authorization);
    if (token === null) throw new AuthError('a bearer token is required (Authorization: Bearer <token>)');
    return await verifier(token);
  } catch (err) {
    if (!(err instanceof AuthError)) throw err;
    throw new GraphQLError(`Not authenticated: ${err.message}.`, {
      extensions: { code: 'UNAUTHENTICATED', http: { status: 401, headers: new Map([['www-authenticate', 'Bearer realm="kiemtra"']]) } },
    });
  }
}

export async function createApp(orm: Orm, logger: Logger, options: ServerOptions = {}) {
  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);
  // Metrics first, so every request is counted, whatever answers it; the pools are reported while this server runs.
  app.use(httpMetrics());
  httpServer.once('close', watchDatabase(orm));
  // gzip/deflate/br when the client accepts it (responses over 1 kB): a large rollup's JSON shrinks ~10×.
  app.use(compression());
  // Token, depth, alias, directive, cost and fan-out limits (src/security/limits.ts): refused with 400 before any SQL.
  // Whole answers of /graphql by data version (src/cache/response-cache.ts); the subgraph's are not kept.
  const responseCache = createResponseCache({ maxBytes: (options.responseCacheMb ?? DEFAULT_RESPONSE_CACHE_MB) * 1024 * 1024 });
  httpServer.once('close', watchResponseCache(responseCache.stats));
  const apollo = await createApolloServer({
    logger,
    production: options.nodeEnv === 'production',
    executor: options.executor,
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer }), ApolloServerPluginLandingPageDisabled(), responseCache.plugin],
  });
  await apollo.start();
  // The same schema as a Federation 2 subgraph, with the same limits and errors (the HTTP server is drained by `apollo`).
  const subgraph = await createApolloServer({
    logger,
    production: options.nodeEnv === 'production',
    schema: await getSubgraphSchema(),
    // No inline traces (ftv1) to gateways: they would carry resolver timings and unmasked error details.
    plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginInlineTraceDisabled()],
  });
  await subgraph.start();

  app.use('/graphiql', graphiqlAssets());
  // A browser navigating to /graphql (no query in the URL) gets GraphiQL; API clients get GraphQL.
  app.get('/graphql', (req, res, next) => {
    if (req.query.query === undefined && req.accepts(['application/json', 'application/graphql-response+json', 'text/html']) === 'text/html') {
      res.type('html').send(graphiqlPage('/graphql'));
    } else next();
  });
  const limiter = rateLimiter(options.rateLimitPerMinute ?? DEFAULT_RATE_LIMIT_PER_MINUTE, logger);
  const context = async ({ req }: { req: express.Request }) =>
    createContext(orm, { timeZone: options.timeZone, caller: await callerOf(req, options.verifier) }).catch(rethrowUnavailable);
  app.use('/graphql', limiter, express.json({ limit: BODY_LIMIT }), expressMiddleware(apollo, { context }));
  // Federation 2 subgraph (src/federation): a gateway forwards its caller's Authorization header, checked as on /graphql.
  app.use('/subgraph', limiter, express.json({ limit: BODY_LIMIT }), expressMiddleware(subgraph, { context }));
  // Exports (src/export): an aggregate or a unit's children table as CSV or XLSX, with the same caller, role, scope and
  // rate limit as /graphql.
  const exportOptions = { orm, logger, timeZone: options.timeZone, callerOf: (req: express.Request) => callerOf(req, options.verifier) };
  app.get('/export.csv', limiter, exportHandler('csv', exportOptions));
  app.get('/export.xlsx', limiter, exportHandler('xlsx', exportOptions));
  // Liveness: the process answers (never touches the database, so a database outage does not get it restarted).
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // Readiness: the database answers `select 1` (within 2 s); 503 while it does not.
  app.get('/ready', readinessHandler(orm));
  // Prometheus metrics (src/metrics.ts): counts, latencies and pool sizes, no data and no personal data in labels, so
  // open like /health; block it at the reverse proxy if operation names or traffic volumes must not be public.
  app.get('/metrics', metricsHandler());
  // The explorer page (src/explorer): static files and Chart.js from the package, talking to /graphql and /export.*.
  app.use('/explorer', explorerRouter());
  app.get('/', (_req, res) => res.redirect('/graphql'));
  app.use((_req, res) => {
    res.status(404).json({ errors: [{ message: 'Not found. The API is at /graphql.', extensions: { code: 'NOT_FOUND' } }] });
  });
  // Last: errors raised outside GraphQL (malformed JSON, oversized bodies) as JSON, never Express's HTML stack page.
  app.use((err: { status?: number; type?: string; name?: string }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    const status = typeof err.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500;
    const message =
      err.type === 'entity.parse.failed'
        ? 'The request body is not valid JSON.'
        : err.type === 'entity.too.large'
          ? 'The request body is larger than 1 MB.'
          : status < 500
            ? 'Bad request.'
            : 'Internal server error';
    if (status >= 500) logger.error({ err: { type: err.name } }, 'HTTP request failed');
    res.status(status).json({ errors: [{ message, extensions: { code: status < 500 ? 'BAD_REQUEST' : 'INTERNAL_SERVER_ERROR' } }] });
  });
  return { app, httpServer, apollo, subgraph, responseCache };
}

export async function startServer(orm: Orm, logger: Logger, host: string, port: number, options: ServerOptions = {}): Promise<RunningServer> {
  if (!options.verifier) {
    if (!isLoopback(host)) {
      throw new Error(
        `refusing to serve on ${host} without authentication: set KIEMTRA_AUTH_PUBLIC_KEY_FILE (or a JWKS), or bind to 127.0.0.1`,
      );
    }
    logger.warn({ host }, 'serving OPEN: no token key is configured, so every caller may do everything (allowed on loopback only)');
  }
  const { httpServer, apollo, subgraph } = await createApp(orm, logger, options);
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(port, host, () => resolve());
  });
  const address = httpServer.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${actualPort}/graphql`,
    httpServer,
    stop: async () => {
      await apollo.stop();
      await subgraph.stop();
    },
  };
}
