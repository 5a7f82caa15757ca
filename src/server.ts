/**
 * Apollo Server on Express: POST/GET /graphql, GraphiQL for browsers at GET /graphql, GET /health (liveness) and
 * GET /ready (readiness: the database answers).
 * No side effects at import time: callers create and start the server.
 */
import http from 'node:http';
import express from 'express';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { Orm } from './db';
import type { Logger } from './logger';
import { createContext, type Context } from './context';
import { GraphQLError } from 'graphql';
import { OPEN_CALLER, type Caller } from './auth/caller';
import { AuthError, bearerToken, isLoopback, type Verifier } from './auth/tokens';
import { createApolloServer } from './apollo';
import { readinessHandler, rethrowUnavailable } from './health';
import { graphiqlAssets, graphiqlPage } from './graphiql';
import { BODY_LIMIT, DEFAULT_RATE_LIMIT_PER_MINUTE, rateLimiter } from './security/limits';
import { exportHandler } from './export/http';

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
  // Token, depth, alias, directive, cost and fan-out limits (src/security/limits.ts): refused with 400 before any SQL.
  const apollo = await createApolloServer({
    logger,
    production: options.nodeEnv === 'production',
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer }), ApolloServerPluginLandingPageDisabled()],
  });
  await apollo.start();

  app.use('/graphiql', graphiqlAssets());
  // A browser navigating to /graphql (no query in the URL) gets GraphiQL; API clients get GraphQL.
  app.get('/graphql', (req, res, next) => {
    if (req.query.query === undefined && req.accepts(['application/json', 'application/graphql-response+json', 'text/html']) === 'text/html') {
      res.type('html').send(graphiqlPage('/graphql'));
    } else next();
  });
  const limiter = rateLimiter(options.rateLimitPerMinute ?? DEFAULT_RATE_LIMIT_PER_MINUTE, logger);
  app.use('/graphql', limiter, express.json({ limit: BODY_LIMIT }), expressMiddleware(apollo, {
      context: async ({ req }) =>
        createContext(orm, { timeZone: options.timeZone, caller: await callerOf(req, options.verifier) }).catch(rethrowUnavailable),
    }));
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
  return { app, httpServer, apollo };
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
  const { httpServer, apollo } = await createApp(orm, logger, options);
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
    stop: () => apollo.stop(),
  };
}
