/**
 * Abuse limits against the real HTTP server (src/security/limits.ts): legitimate queries pass; query bombs get a
 * 400 with a code while parsing or validating, in milliseconds, without a single SQL statement; bodies over 1 MB
 * get 413; production hides introspection and "Did you mean" suggestions; callers are rate-limited; and a statement
 * cancelled by PostgreSQL's statement_timeout reaches the client as TIMEOUT, never as SQL text.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { getIntrospectionQuery } from 'graphql';
import { openDatabase, statementCounter, type Orm } from '../src/db';
import { EXAMPLE_QUERY } from '../src/graphiql';
import { importDataset } from '../src/import';
import { createLogger } from '../src/logger';
import { startServer, type RunningServer } from '../src/server';
import { MAX_ALIASES, MAX_COST, MAX_DEPTH, MAX_DIRECTIVES, MAX_TOKENS } from '../src/security/limits';
import { createTestDb, readmeExamples, seedReference, type TestDb } from './harness';

const root = path.join(__dirname, '..');
const logger = createLogger('silent');
let db: TestDb;
let dev: RunningServer;
let prod: RunningServer;

beforeAll(async () => {
  db = await createTestDb();
  await seedReference(db.orm);
  await importDataset(db.orm, path.join(root, 'docs/example-dataset'));
  dev = await startServer(db.orm, logger, '127.0.0.1', 0, { rateLimitPerMinute: 0 });
  prod = await startServer(db.orm, logger, '127.0.0.1', 0, { nodeEnv: 'production', rateLimitPerMinute: 0 });
});
afterAll(async () => {
  await dev?.stop();
  await prod?.stop();
  await db?.close();
});

async function post(server: RunningServer, body: unknown, headers: Record<string, string> = {}) {
  const started = performance.now();
  const res = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000), // fail, rather than hang, if a statement is never cancelled
  });
  const json = await res.json();
  return { status: res.status, headers: res.headers, body: json as { data?: any; errors?: any[] }, ms: performance.now() - started };
}

/**
 * The shape of batching.test.ts's query, the deepest (9) and costliest (702.6) of the suite: 4 levels of units.
 * On a city committee (its subtree is small: the limits are static, the answer is quick).
 */
const LEVEL = (inner: string) => `code descendantCount rollup(period: { year: 2023 }) {
  campaigns { total completed byTier { tier total } }
  discipline { members membersByCategory { category { code } count percent } }
  documents { total } } ${inner}`;
const BATCHING = `{ unit(code: "QN.HL", asOf: "2023-12-31") { ${LEVEL(`children { ${LEVEL(`children { ${LEVEL(`children { ${LEVEL('')} }`)} }`)} }`)} } }`;

describe('legitimate queries pass the limits', () => {
  const queries: Array<[string, string]> = [
    ...readmeExamples(),
    ['the GraphiQL example', EXAMPLE_QUERY],
    ['the 4-level drill-down of batching.test.ts', BATCHING],
    ['a unit, its siblings, and each child with its ancestors', '{ unit(code: "QN.HB", asOf: "2019-12-31") { parent { children { code } } children { code ancestors { code } } history { parent { code } } } }'],
  ];
  test.each(queries)('%s: 200 with data and no error', async (_name, query) => {
    const { status, body } = await post(dev, { query });
    expect(body.errors).toBeUndefined();
    expect(status).toBe(200);
    for (const value of Object.values(body.data)) expect(value).not.toBeNull();
  });

  test("GraphiQL's introspection query passes (depth and cost ignore __schema)", async () => {
    const { status, body } = await post(dev, { query: getIntrospectionQuery({ inputValueDeprecation: true, schemaDescription: true, specifiedByUrl: true, directiveIsRepeatable: true }) });
    expect(body.errors).toBeUndefined();
    expect(status).toBe(200);
    expect(body.data.__schema.queryType.name).toBe('Query');
  });
});

const nest = (field: string, levels: number, leaf: string) => `${`${field} { `.repeat(levels)}${leaf}${' }'.repeat(levels)}`;
const aliases = (n: number, selection: string) => Array.from({ length: n }, (_, i) => `a${i}: ${selection}`).join(' ');
/** Fragments that each spread the next twice: 12 tokens per level, cost doubling per level. */
const doubling = (levels: number) =>
  `{ roots { ...F0 } } ` + Array.from({ length: levels }, (_, i) => `fragment F${i} on OrgUnit { ${i === levels - 1 ? 'code' : `...F${i + 1} ...F${i + 1}`} }`).join(' ');

const BOMBS: Array<{ name: string; query: string; code: string; limit?: string }> = [
  { name: 'a children chain 20 levels deep', query: `{ unit(code: "QN") { ${nest('children', 20, 'code name')} } }`, code: 'GRAPHQL_VALIDATION_FAILED', limit: 'MAX_DEPTH' },
  { name: `one level over the depth limit (${MAX_DEPTH + 1})`, query: `{ unit(code: "QN") { ${nest('parent', MAX_DEPTH - 1, 'code')} } }`, code: 'GRAPHQL_VALIDATION_FAILED', limit: 'MAX_DEPTH' },
  { name: 'a deep ancestors { ancestors { … } } chain (15)', query: `{ unit(code: "QN.HB") { ${nest('ancestors', 15, 'code')} } }`, code: 'GRAPHQL_VALIDATION_FAILED', limit: 'MAX_DEPTH' },
  { name: 'ancestors { ancestors { ancestors } } within the depth limit', query: `{ unit(code: "QN.HB") { ${nest('ancestors', 3, 'code')} } }`, code: 'GRAPHQL_VALIDATION_FAILED', limit: 'TREE_FAN_OUT' },
  { name: 'children { parent { children … } } ping-pong within the depth limit', query: '{ unit(code: "QN") { children { parent { children { parent { children { code } } } } } } }', code: 'GRAPHQL_VALIDATION_FAILED', limit: 'TREE_FAN_OUT' },
  { name: '1,000 aliases (stopped by the token limit first)', query: `{ ${aliases(1000, 'roots { code }')} }`, code: 'GRAPHQL_PARSE_FAILED' },
  { name: `${MAX_ALIASES + 1} aliases`, query: `{ ${aliases(MAX_ALIASES + 1, 'unit(code: "QN") { code }')} }`, code: 'GRAPHQL_VALIDATION_FAILED', limit: 'MAX_ALIASES' },
  { name: 'a 100-directive query', query: `{ roots { ${'code @include(if: true) '.repeat(100)}} }`, code: 'GRAPHQL_VALIDATION_FAILED', limit: 'MAX_DIRECTIVES' },
  { name: `${MAX_DIRECTIVES + 1} directives`, query: `{ roots { ${'code @skip(if: false) '.repeat(MAX_DIRECTIVES + 1)}} }`, code: 'GRAPHQL_VALIDATION_FAILED', limit: 'MAX_DIRECTIVES' },
  { name: 'a huge field repetition (~950 kB)', query: `{ roots { ${'code '.repeat(190_000)}} }`, code: 'GRAPHQL_PARSE_FAILED' },
  { name: `${MAX_TOKENS + 1} tokens`, query: `{ roots { ${'code '.repeat(MAX_TOKENS - 4)}} }`, code: 'GRAPHQL_PARSE_FAILED' },
  { name: `cost over ${MAX_COST}: five aliased 4-level drill-downs`, query: `{ ${aliases(5, BATCHING.slice(2, -2))} }`, code: 'GRAPHQL_VALIDATION_FAILED', limit: 'MAX_COST' },
  { name: 'cost: a fragment spread twice per level, 12 levels', query: doubling(12), code: 'GRAPHQL_VALIDATION_FAILED', limit: 'MAX_COST' },
];

describe('query bombs: 400 with a code, no SQL, in milliseconds', () => {
  const timings: string[] = [];
  afterAll(() => console.log(`bomb rejections (ms, round trip on loopback):\n${timings.join('\n')}`));

  test.each(BOMBS)('$name', async ({ name, query, code, limit }) => {
    const before = statementCounter.count;
    const { status, body, ms } = await post(dev, { query });
    const statements = statementCounter.count - before;
    timings.push(`${ms.toFixed(1).padStart(7)}  ${name}`);
    expect(status).toBe(400);
    expect(body.data).toBeUndefined();
    expect(body.errors![0].extensions.code).toBe(code);
    if (limit) expect(body.errors!.map((e) => e.extensions.limit)).toContain(limit);
    expect(statements).toBe(0);
    expect(ms).toBeLessThan(500);
    expect(JSON.stringify(body)).not.toMatch(/stacktrace|node_modules|\.ts:\d+/);
  });

  test('the messages say which limit and by how much', async () => {
    const depth = await post(dev, { query: BOMBS[0].query });
    expect(depth.body.errors!.find((e) => e.extensions.limit === 'MAX_DEPTH').message).toBe(`Query depth limit of ${MAX_DEPTH} exceeded, found 22.`);
    const tokens = await post(dev, { query: BOMBS.find((b) => b.name === `${MAX_TOKENS + 1} tokens`)!.query });
    expect(tokens.body.errors![0].message).toBe(`Syntax Error: Document contains more that ${MAX_TOKENS} tokens. Parsing aborted.`); // sic (graphql-js)
  });
});

test('a body over 1 MB gets 413 with a JSON error, before GraphQL', async () => {
  const before = statementCounter.count;
  const { status, headers, body } = await post(dev, { query: `{ roots { code } } # ${'x'.repeat(1_050_000)}` });
  expect(status).toBe(413);
  expect(headers.get('content-type')).toMatch(/^application\/json/);
  expect(body).toEqual({ errors: [{ message: 'The request body is larger than 1 MB.', extensions: { code: 'BAD_REQUEST' } }] });
  expect(statementCounter.count).toBe(before);
});

describe('production mode (NODE_ENV=production)', () => {
  const probe = '{ roots { cod } }';
  const variables = { query: 'query ($p: PeriodInput!) { unit(code: "QN") { rollup(period: $p) { documents { total } } } }', variables: { p: { year: 2023, fromMont: 2 } } };

  test('introspection is refused with 400; __typename still answers', async () => {
    const refused = await post(prod, { query: '{ __schema { types { name } } }' });
    expect(refused.status).toBe(400);
    expect(refused.body.errors![0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(refused.body.errors![0].message).toMatch(/introspection is not allowed/);
    const type = await post(prod, { query: '{ __type(name: "OrgUnit") { fields { name } } }' });
    expect(type.status).toBe(400);
    expect((await post(prod, { query: '{ __typename }' })).body).toEqual({ data: { __typename: 'Query' } });
    // Development keeps it (GraphiQL's docs need it).
    expect((await post(dev, { query: '{ __schema { queryType { name } } }' })).body).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
  });

  test('no "Did you mean" in validation or variable errors (development keeps them)', async () => {
    const devField = await post(dev, { query: probe });
    expect(devField.body.errors![0].message).toBe('Cannot query field "cod" on type "OrgUnit". Did you mean "code" or "id"?');
    const prodField = await post(prod, { query: probe });
    expect(prodField.status).toBe(400);
    expect(prodField.body.errors![0]).toMatchObject({ message: 'Cannot query field "cod" on type "OrgUnit".', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });

    const devVariable = await post(dev, variables);
    expect(devVariable.body.errors![0].message).toMatch(/Did you mean "fromMonth" or "toMonth"\?$/);
    const prodVariable = await post(prod, variables);
    expect(prodVariable.body.errors![0].extensions.code).toBe('BAD_USER_INPUT');
    expect(prodVariable.body.errors![0].message).toMatch(/Field "fromMont" is not defined by type "PeriodInput"\.$/);
    expect(JSON.stringify([prodField.body, prodVariable.body])).not.toMatch(/Did you mean|fromMonth/);
  });

  test('the limits hold in production too', async () => {
    const { status, body } = await post(prod, { query: BOMBS[0].query });
    expect(status).toBe(400);
    expect(body.errors!.map((e) => e.extensions.limit)).toContain('MAX_DEPTH');
  });
});

describe('rate limit per caller', () => {
  let limited: RunningServer;
  beforeAll(async () => {
    limited = await startServer(db.orm, logger, '127.0.0.1', 0, { rateLimitPerMinute: 3 });
  });
  afterAll(() => limited?.stop());

  test('past the limit: 429, a GraphQL-style JSON error and Retry-After; other callers keep their own budget', async () => {
    const query = { query: '{ __typename }' };
    for (let i = 0; i < 3; i++) {
      const ok = await post(limited, query);
      expect(ok.status).toBe(200);
      expect(ok.headers.get('ratelimit-policy')).toMatch(/q=3; w=60/);
    }
    const before = statementCounter.count;
    const refused = await post(limited, query);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toMatch(/^application\/json/);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.body).toEqual({
      errors: [{ message: `Too many requests: at most 3 per minute. Retry after ${retryAfter} s.`, extensions: { code: 'RATE_LIMITED', retryAfter } }],
    });
    expect(statementCounter.count).toBe(before);
    // A bomb is counted too (the limit runs before parsing).
    expect((await post(limited, { query: BOMBS[0].query })).status).toBe(429);

    // Another bearer token is another caller (keyed by a hash of the Authorization header), with its own budget.
    const other = { authorization: 'Bearer another-caller' };
    for (let i = 0; i < 3; i++) expect((await post(limited, query, other)).status).toBe(200);
    expect((await post(limited, query, other)).status).toBe(429);
    // Only /graphql is limited.
    expect((await fetch(limited.url.replace(/\/graphql$/, '/health'))).status).toBe(200);
  });
});

// PGlite accepts `set statement_timeout` but never cancels a statement (its WASM backend has no timer signals:
// `select pg_sleep(0.5)` under a 50 ms timeout runs its full 500 ms), so openDatabase does not set it there.
const onPostgres = process.env.DATABASE_URL ? describe : describe.skip;
onPostgres('statement_timeout (PostgreSQL only: PGlite never cancels)', () => {
  let orm: Orm;
  let server: RunningServer;
  let locker: Client;
  beforeAll(async () => {
    orm = await openDatabase({ databaseUrl: db.url!, dataDir: '', statementTimeoutMs: 300 });
    server = await startServer(orm, logger, '127.0.0.1', 0, { rateLimitPerMinute: 0 });
    locker = new Client({ connectionString: db.url });
    await locker.connect();
  });
  afterAll(async () => {
    await locker?.end();
    await server?.stop();
    await orm?.close(true);
  });

  test('every connection of the pool carries it; the default is 10 s', async () => {
    const rows = await orm.em.fork().getConnection().execute('show statement_timeout');
    expect(rows).toEqual([{ statement_timeout: '300ms' }]);
    const defaults = await db.orm.em.fork().getConnection().execute('show statement_timeout');
    expect(defaults).toEqual([{ statement_timeout: '10s' }]);
  });

  test('a statement held past it is cancelled and answered as TIMEOUT, without SQL text; the server recovers', async () => {
    // Another session holds the unit tables: the request's first statement waits on the lock until cancelled.
    await locker.query('begin');
    await locker.query('lock table units, unit_versions, unit_segments in access exclusive mode');
    let slow: Awaited<ReturnType<typeof post>>;
    try {
      slow = await post(server, { query: '{ roots(asOf: "2023-12-31") { code name } }' });
    } finally {
      await locker.query('rollback');
    }
    expect(slow.ms).toBeGreaterThanOrEqual(290);
    expect(slow.ms).toBeLessThan(5000);
    expect(slow.status).toBe(200);
    expect(slow.body.data).toBeNull();
    expect(slow.body.errors).toEqual([
      {
        message: 'The database took too long to answer and the statement was cancelled. Ask for a smaller subtree or period.',
        locations: [{ line: 1, column: 3 }],
        path: ['roots'],
        extensions: { code: 'TIMEOUT' },
      },
    ]);
    expect(JSON.stringify(slow.body)).not.toMatch(/select|units|statement timeout|canceling/i);
    const again = await post(server, { query: '{ roots(asOf: "2023-12-31") { code } }' });
    expect(again.body.errors).toBeUndefined();
    expect(again.body.data.roots).toContainEqual({ code: 'QN' });
  });
});
