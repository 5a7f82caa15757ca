/**
 * The response cache (src/cache/response-cache.ts) on the real server: a repeated query costs one statement (the
 * data version) and gives the same answer; every kind of write — an import, SQL by hand — is seen by the next
 * request, a rolled-back one is not; callers never share answers (scope, roles); errors and the audit log are never
 * kept; "today" is part of the key; the memory bound holds. Runs on PostgreSQL and on PGlite.
 */
import { createLogger } from '../src/logger';
import { startServer, type RunningServer } from '../src/server';
import { createVerifier, signToken } from '../src/auth/tokens';
import { Role } from '../src/auth/caller';
import { statementCounter } from '../src/db';
import { createApolloServer } from '../src/apollo';
import { createContext } from '../src/context';
import { createResponseCache } from '../src/cache/response-cache';
import { queryRows } from '../src/sql';
import { createTestDb, importFiles, testAuthConfig, type TestDb } from './harness';

const AUTH = testAuthConfig();

const UNITS = `code,parent_code,name,kind,valid_from
T,,Tỉnh ủy Thừa Thiên Huế,PROVINCIAL_COMMITTEE,
T.A,T,Huyện ủy A Lưới,DISTRICT_COMMITTEE,
T.B,T,Huyện ủy Phú Vang,DISTRICT_COMMITTEE,
T.N,T,Thị ủy Hương Trà,TOWN_COMMITTEE,2022-01-01
`;
const DOCUMENTS = `unit_code,year,month,kind,quantity,external_id
T.A,2024,2,GUIDANCE,3,d1
T.B,2024,5,DIRECTIVE,4,d2
`;

let db: TestDb;
let open: RunningServer;
let authed: RunningServer;

beforeAll(async () => {
  db = await createTestDb();
  await importFiles(db.orm, { 'units.csv': UNITS, 'documents.csv': DOCUMENTS });
  open = await startServer(db.orm, createLogger('silent'), '127.0.0.1', 0);
  authed = await startServer(db.orm, createLogger('silent'), '127.0.0.1', 0, { verifier: await createVerifier(AUTH) });
});
afterAll(async () => {
  await open?.stop();
  await authed?.stop();
  await db?.close();
});

/** The cache keeps an answer just after sending it (setImmediate): give it that turn. */
const kept = () => new Promise((resolve) => setTimeout(resolve, 20));

async function post(server: RunningServer, query: string, token?: string, variables?: Record<string, unknown>) {
  const before = statementCounter.count;
  const res = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json();
  return { status: res.status, body, statements: statementCounter.count - before };
}

const ROLLUP = '{ unit(code: "T", asOf: "2024-12-31") { code rollup(period: { year: 2024 }) { documents { total directives guidance } } children { code rollup(period: { year: 2024 }) { documents { total } } } } }';
const total = (body: any) => body.data.unit.rollup.documents.total;

test('a repeated query is answered from the cache: the same answer for one statement (the data version)', async () => {
  const first = await post(open, ROLLUP);
  expect(first.body.errors).toBeUndefined();
  expect(total(first.body)).toBe(7);
  expect(first.statements).toBeGreaterThan(1);
  await kept();
  const second = await post(open, ROLLUP);
  expect(second.body).toEqual(first.body);
  expect(second.statements).toBe(1);
  // Variables and operation names are part of the key: the same text with other variables is another answer.
  const q = 'query Docs($code: String!) { unit(code: $code, asOf: "2024-12-31") { rollup(period: { year: 2024 }) { documents { total } } } }';
  const a = await post(open, q, undefined, { code: 'T.A' });
  const b = await post(open, q, undefined, { code: 'T.B' });
  expect(a.body.data.unit.rollup.documents.total).toBe(3);
  expect(b.body.data.unit.rollup.documents.total).toBe(4);
});

test('every committed write is seen by the next request; a rolled-back one is not', async () => {
  await post(open, ROLLUP);
  await kept();
  expect((await post(open, ROLLUP)).statements).toBe(1);

  // An import.
  await importFiles(db.orm, { 'documents.csv': `${DOCUMENTS}T.N,2024,7,GUIDANCE,10,d3\n` });
  const afterImport = await post(open, ROLLUP);
  expect(afterImport.statements).toBeGreaterThan(1);
  expect(total(afterImport.body)).toBe(17);
  expect(afterImport.body.data.unit.children.map((c: any) => [c.code, c.rollup.documents.total])).toEqual([['T.A', 3], ['T.B', 4], ['T.N', 10]]);
  await kept();

  // SQL by hand, outside the importer.
  await db.orm.em.fork().getConnection().execute(`update documents set quantity = quantity + 5 where external_id = 'd1'`);
  const afterSql = await post(open, ROLLUP);
  expect(total(afterSql.body)).toBe(22);
  await kept();
  expect((await post(open, ROLLUP)).statements).toBe(1);

  // A write that rolls back moves nothing: the cached answer stays, and stays right.
  await expect(
    db.orm.em.fork().transactional(async (em) => {
      await queryRows(em, `update documents set quantity = quantity + 100 where external_id = 'd1'`);
      throw new Error('roll back');
    }),
  ).rejects.toThrow('roll back');
  const afterRollback = await post(open, ROLLUP);
  expect(afterRollback.statements).toBe(1);
  expect(total(afterRollback.body)).toBe(22);

  // Back to the published data for the other tests.
  await db.orm.em.fork().getConnection().execute(`update documents set quantity = quantity - 5 where external_id = 'd1'`);
  await db.orm.em.fork().getConnection().execute(`delete from documents where external_id = 'd3'`);
  expect(total((await post(open, ROLLUP)).body)).toBe(7);
});

/** The response cache's outcome counts, from the process's /metrics. */
async function outcomes(server: RunningServer): Promise<Record<string, number>> {
  const text = await (await fetch(server.url.replace(/\/graphql$/, '/metrics'))).text();
  return Object.fromEntries([...text.matchAll(/^kiemtra_response_cache_requests_total\{outcome="(\w+)"\} (\d+)$/gm)].map((m) => [m[1], Number(m[2])]));
}

test('identical requests arriving together after a write are executed once', async () => {
  // What one execution costs, on a fresh version.
  await db.orm.em.fork().getConnection().execute(`update documents set quantity = quantity where external_id = 'd2'`);
  const single = await post(open, ROLLUP);
  await db.orm.em.fork().getConnection().execute(`update documents set quantity = quantity where external_id = 'd2'`);
  const before = await outcomes(open);
  const start = statementCounter.count;
  const answers = await Promise.all(Array.from({ length: 5 }, () => post(open, ROLLUP)));
  const statements = statementCounter.count - start;
  const after = await outcomes(open);
  for (const a of answers) expect(a.body).toEqual(single.body);
  const delta = (outcome: string) => (after[outcome] ?? 0) - (before[outcome] ?? 0);
  // One executes; the others wait for it (shared) or, arriving after it answered, find its answer kept (hit).
  expect(delta('miss')).toBe(1);
  expect(delta('shared') + delta('hit')).toBe(4);
  // Five executions would cost 5 × single.statements; one, plus a version read for each of the other four.
  expect(statements).toBeLessThan(2 * single.statements + 4);
});

test('callers never share an answer: each scope sees its own units, a role never gets an answer kept for another', async () => {
  const token = (unit: string, roles: Role[], subject = 'cán bộ') => signToken(AUTH, { subject, unit, roles, expiresIn: '5m' });
  const search = '{ units(search: "huyen", first: 10) { totalCount nodes { code } } }';
  const province = await post(authed, search, await token('T', [Role.VIEWER]));
  const districtA = await post(authed, search, await token('T.A', [Role.VIEWER]));
  await kept();
  const districtB = await post(authed, search, await token('T.B', [Role.VIEWER]));
  const districtAAgain = await post(authed, search, await token('T.A', [Role.VIEWER]));
  expect(province.body.data.units.nodes.map((n: any) => n.code)).toEqual(['T.A', 'T.B']);
  expect(districtA.body.data.units.nodes.map((n: any) => n.code)).toEqual(['T.A']);
  expect(districtB.body.data.units.nodes.map((n: any) => n.code)).toEqual(['T.B']);
  expect(districtAAgain.body).toEqual(districtA.body);

  // An analyst's aggregate, then a viewer with the same scope: still FORBIDDEN; the error is not kept either.
  const aggregate = '{ aggregate(root: "T", period: { fromYear: 2024 }, measure: DOCUMENTS) { total } }';
  const viewerFirst = await post(authed, aggregate, await token('T', [Role.VIEWER], 'viewer'));
  expect(viewerFirst.body.errors[0].extensions.code).toBe('FORBIDDEN');
  const analyst = await post(authed, aggregate, await token('T', [Role.ANALYST], 'analyst'));
  expect(analyst.body.data.aggregate.total).toBe(7);
  await kept();
  const viewer = await post(authed, aggregate, await token('T', [Role.VIEWER], 'viewer'));
  expect(viewer.body.errors[0].extensions.code).toBe('FORBIDDEN');
  expect(viewer.body.data?.aggregate ?? null).toBeNull();
});

test('the audit log (row values: personal data) is never kept', async () => {
  const cache = createResponseCache({ maxBytes: 1024 * 1024 });
  const apollo = await createApolloServer({ logger: createLogger('silent'), plugins: [cache.plugin] });
  await apollo.start();
  try {
    const res = await apollo.executeOperation({ query: '{ auditLog(first: 5, table: "documents") { id operation } }' }, { contextValue: await createContext(db.orm) });
    expect(res.body.kind === 'single' && res.body.singleResult.errors).toBeFalsy();
    expect(res.body.kind === 'single' && (res.body.singleResult.data as any).auditLog.length).toBeGreaterThan(0);
    await kept();
    expect(cache.stats().entries).toBe(0);
    await apollo.executeOperation({ query: '{ roots { code } }' }, { contextValue: await createContext(db.orm) });
    await kept();
    expect(cache.stats().entries).toBe(1);
  } finally {
    await apollo.stop();
  }
});

test('"today" is part of the key, and the memory bound holds', async () => {
  const cache = createResponseCache({ maxBytes: 600 });
  const apollo = await createApolloServer({ logger: createLogger('silent'), plugins: [cache.plugin] });
  await apollo.start();
  try {
    const run = async (query: string, today: string) => {
      const res = await apollo.executeOperation({ query }, { contextValue: await createContext(db.orm, { today }) });
      await kept();
      return res.body.kind === 'single' ? res.body.singleResult : null;
    };
    const roots = '{ roots { code children { code } } }';
    const in2021 = await run(roots, '2021-06-01');
    const in2023 = await run(roots, '2023-06-01');
    expect((in2021?.data as any).roots[0].children.map((c: any) => c.code)).toEqual(['T.A', 'T.B']);
    expect((in2023?.data as any).roots[0].children.map((c: any) => c.code)).toEqual(['T.A', 'T.B', 'T.N']);
    expect(await run(roots, '2021-06-01')).toEqual(in2021);
    expect(cache.stats().entries).toBe(2);
    // 600 bytes hold a few small answers; an answer over a quarter of the bound is not kept at all.
    for (const code of ['T', 'T.A', 'T.B', 'T.N']) await run(`{ unit(code: "${code}") { code name } }`, '2023-06-01');
    expect(cache.stats().bytes).toBeLessThanOrEqual(600);
    const big = `{ roots { code name children { code name rollup(period: { year: 2024 }) { documents { total directives guidance } } } } }`;
    const before = cache.stats();
    await run(big, '2023-06-01');
    expect(cache.stats().bytes).toBeLessThanOrEqual(before.bytes);
  } finally {
    await apollo.stop();
  }
});

test('a cache of 0 MB keeps nothing', async () => {
  const server = await startServer(db.orm, createLogger('silent'), '127.0.0.1', 0, { responseCacheMb: 0 });
  try {
    await post(server, ROLLUP);
    await kept();
    expect((await post(server, ROLLUP)).statements).toBeGreaterThan(1);
  } finally {
    await server.stop();
  }
});
