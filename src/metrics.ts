/**
 * Prometheus metrics for GET /metrics (prom-client): GraphQL requests by operation and outcome, HTTP requests by
 * route and status, the database connection pools, and the process defaults (CPU, memory, event loop, GC).
 *
 * Labels never hold data: operation names are the client's own names (capped, see operationLabel), routes come from
 * a fixed list, and nothing carries a unit code, a subject, a variable or a token claim.
 *
 * The response cache (src/cache/response-cache.ts) reports hits, misses and bypasses, and its size. The DataLoaders
 * live for one request (they only batch and de-duplicate within it) and are not reported.
 */
import type { RequestHandler } from 'express';
import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, type DocumentNode } from 'graphql';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Orm } from './db';

/** One registry per process, so that several servers in one process (the tests) do not register a metric twice. */
export const registry = new Registry();

let defaultsStarted = false;
/** Process default metrics, started with the first server rather than at import (no import-time side effects). */
function startDefaultMetrics(): void {
  if (defaultsStarted) return;
  defaultsStarted = true;
  collectDefaultMetrics({ register: registry });
}

/** Latency buckets in seconds: from a cached lookup (a few ms) to a national rollup near the statement timeout. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

const graphqlRequests = new Counter({
  name: 'kiemtra_graphql_requests_total',
  help: 'GraphQL requests by operation name ("anonymous" without one, "other" past the cap) and outcome (ok, error).',
  labelNames: ['operation', 'outcome'] as const,
  registers: [registry],
});

const graphqlDuration = new Histogram({
  name: 'kiemtra_graphql_request_duration_seconds',
  help: 'GraphQL request time from start to response, by operation name and outcome.',
  labelNames: ['operation', 'outcome'] as const,
  buckets: LATENCY_BUCKETS,
  registers: [registry],
});

const httpRequests = new Counter({
  name: 'kiemtra_http_requests_total',
  help: 'HTTP requests by method, route (a fixed list; "other" for anything else) and status code.',
  labelNames: ['method', 'route', 'status'] as const,
  registers: [registry],
});

const httpDuration = new Histogram({
  name: 'kiemtra_http_request_duration_seconds',
  help: 'HTTP request time until the response is written, by method and route.',
  labelNames: ['method', 'route'] as const,
  buckets: LATENCY_BUCKETS,
  registers: [registry],
});

export const responseCacheEvents = new Counter({
  name: 'kiemtra_response_cache_requests_total',
  help: 'GraphQL operations by what the response cache did: hit (answered from it), shared (answered by an identical request that was executing), miss (executed, then kept), bypass (not cacheable: not a query, reads the audit log, or the data version could not be read).',
  labelNames: ['outcome'] as const,
  registers: [registry],
});

/** The response caches of the running servers (their stats). */
const responseCaches = new Set<() => { entries: number; bytes: number }>();

new Gauge({
  name: 'kiemtra_response_cache_bytes',
  help: 'Size of the answers kept by the response cache (bytes of JSON text), over every server of the process.',
  registers: [registry],
  collect() {
    this.set([...responseCaches].reduce((sum, stats) => sum + stats().bytes, 0));
  },
});

new Gauge({
  name: 'kiemtra_response_cache_entries',
  help: 'Answers kept by the response cache, over every server of the process.',
  registers: [registry],
  collect() {
    this.set([...responseCaches].reduce((sum, stats) => sum + stats().entries, 0));
  },
});

/** Reports a response cache's size until the returned function is called (a server calls it when it closes). */
export function watchResponseCache(stats: () => { entries: number; bytes: number }): () => void {
  responseCaches.add(stats);
  return () => responseCaches.delete(stats);
}

/** The databases whose pools are reported: added by each running server, removed when it closes. */
const watched = new Set<Orm>();

interface TarnPool {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
  numPendingCreates(): number;
  max: number;
}
interface KnexConnection {
  client?: { client?: { pool?: TarnPool } };
}

/** The knex (tarn) pools of an ORM: the primary's and each read replica's, named as in src/db.ts (never by URL). */
function poolsOf(orm: Orm): { name: string; pool: TarnPool }[] {
  const driver = orm.em.getDriver() as unknown as { getConnection(type: 'write'): KnexConnection; replicas?: KnexConnection[] };
  const connections: [string, KnexConnection][] = [['primary', driver.getConnection('write')]];
  (driver.replicas ?? []).forEach((c, i) => connections.push([`replica ${i + 1}`, c]));
  // `client` is the knex instance, created on first use; before that (or after close) there is no pool to report.
  return connections.flatMap(([name, c]) => (c.client?.client?.pool ? [{ name, pool: c.client.client.pool }] : []));
}

new Gauge({
  name: 'kiemtra_db_pool_connections',
  help:
    'Database pool connections by pool (primary, replica N) and state: used, free, pending_acquires (queries waiting ' +
    'for a connection), pending_creates (connections being opened). Embedded PGlite has one connection: its pool is ' +
    'at most 1, and concurrent statements queue as pending_acquires.',
  labelNames: ['pool', 'state'] as const,
  registers: [registry],
  collect() {
    this.reset();
    for (const orm of watched) {
      for (const { name, pool } of poolsOf(orm)) {
        this.inc({ pool: name, state: 'used' }, pool.numUsed());
        this.inc({ pool: name, state: 'free' }, pool.numFree());
        this.inc({ pool: name, state: 'pending_acquires' }, pool.numPendingAcquires());
        this.inc({ pool: name, state: 'pending_creates' }, pool.numPendingCreates());
      }
    }
  },
});

new Gauge({
  name: 'kiemtra_db_pool_max_connections',
  help: 'The most connections each database pool may open.',
  labelNames: ['pool'] as const,
  registers: [registry],
  collect() {
    this.reset();
    for (const orm of watched) for (const { name, pool } of poolsOf(orm)) this.inc({ pool: name }, pool.max);
  },
});

/** Reports the ORM's pools until the returned function is called (a server calls it when it closes). */
export function watchDatabase(orm: Orm): () => void {
  startDefaultMetrics();
  watched.add(orm);
  return () => watched.delete(orm);
}

/** Distinct operation names reported before new ones become "other": clients choose names, the series count must not. */
export const MAX_OPERATION_NAMES = 200;
const operationNames = new Set<string>();

/** The label of an operation name: the name, "anonymous" without one, "other" when malformed or past the cap. */
export function operationLabel(name: string | null | undefined): string {
  if (!name) return 'anonymous';
  // A GraphQL name (the spec's Name grammar), of a sane length; anything else is not a name a client wrote on purpose.
  if (!/^[_A-Za-z][_0-9A-Za-z]{0,63}$/.test(name)) return 'other';
  if (operationNames.has(name)) return name;
  if (operationNames.size >= MAX_OPERATION_NAMES) return 'other';
  operationNames.add(name);
  return name;
}

/** The name of a parsed document's only operation (a document that failed validation has no resolved operation). */
function soleOperationName(document: DocumentNode | undefined): string | undefined {
  const operations = document?.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION) ?? [];
  return operations.length === 1 && operations[0].kind === Kind.OPERATION_DEFINITION ? operations[0].name?.value : undefined;
}

/**
 * Counts and times every GraphQL request. Requests refused before Apollo runs them (CSRF, malformed JSON, rate
 * limit) are not GraphQL requests here: they show in the HTTP metrics.
 */
export const graphqlMetricsPlugin: ApolloServerPlugin = {
  async requestDidStart() {
    const start = process.hrtime.bigint();
    let failed = false;
    return {
      async didEncounterErrors() {
        failed = true;
      },
      async willSendResponse({ operationName, request, document, response }) {
        const status = response.http.status ?? 200;
        const outcome = failed || status >= 400 ? 'error' : 'ok';
        // The resolved operation's name; without one (a parse or validation error) the name the client sent, or the
        // document's if it holds one operation.
        const labels = { operation: operationLabel(operationName ?? request.operationName ?? soleOperationName(document)), outcome };
        graphqlRequests.inc(labels);
        graphqlDuration.observe(labels, Number(process.hrtime.bigint() - start) / 1e9);
      },
    };
  },
};

/** Route labels: exact paths, and folders of static assets. Anything else (404s, probes) is "other". */
const ROUTES = new Set(['/', '/graphql', '/subgraph', '/explorer', '/metrics', '/health', '/ready', '/export.csv', '/export.xlsx']);
const ROUTE_FOLDERS = ['/graphiql', '/explorer'];
const METHODS = new Set(['GET', 'POST', 'HEAD', 'OPTIONS']);

export function routeLabel(path: string): string {
  const p = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  if (ROUTES.has(p)) return p;
  return ROUTE_FOLDERS.find((folder) => p.startsWith(folder + '/')) ?? 'other';
}

/** Express middleware counting and timing every HTTP request; mount it first. */
export function httpMetrics(): RequestHandler {
  return (req, res, next) => {
    const start = process.hrtime.bigint();
    // Read now: mounted routers rewrite req.url while they run.
    const route = routeLabel(req.path);
    const method = METHODS.has(req.method) ? req.method : 'other';
    res.once('finish', () => {
      httpRequests.inc({ method, route, status: String(res.statusCode) });
      httpDuration.observe({ method, route }, Number(process.hrtime.bigint() - start) / 1e9);
    });
    next();
  };
}

/** GET /metrics in the Prometheus text format. */
export function metricsHandler(): RequestHandler {
  return async (_req, res, next) => {
    try {
      const body = await registry.metrics();
      res.type(registry.contentType).send(body);
    } catch (err) {
      next(err);
    }
  };
}
