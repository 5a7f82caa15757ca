/**
 * The compiled executor (src/executor.ts, graphql-jit) answers exactly as graphql-js does: the same data and the same
 * errors (message, path, locations, extensions.code), for every documented query, the analysts' queries, a scoped
 * caller, bad variables and errors thrown by resolvers.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ApolloServer } from '@apollo/server';
import { createApolloServer } from '../src/apollo';
import { executorCounts } from '../src/executor';
import { importDataset } from '../src/import';
import { createContext } from '../src/context';
import type { Caller } from '../src/auth/caller';
import { Role } from '../src/auth/caller';
import { createLogger } from '../src/logger';
import { projectRoot } from '../src/paths';
import type { Context } from '../src/context';
import { readmeExamples, seedReference, useDatabase } from './harness';

const t = useDatabase(seedReference);
let compiled: ApolloServer<Context>;
let interpreted: ApolloServer<Context>;

beforeAll(async () => {
  // The README's examples also query the example dataset's units (as test/limits.test.ts does).
  await importDataset(t.db.orm, path.join(projectRoot(), 'docs/example-dataset'));
  compiled = await createApolloServer({ logger: createLogger('silent'), executor: 'jit' });
  interpreted = await createApolloServer({ logger: createLogger('silent'), executor: 'graphql-js' });
  await Promise.all([compiled.start(), interpreted.start()]);
});
afterAll(async () => {
  await compiled?.stop();
  await interpreted?.stop();
});

const TODAY = '2026-11-26';

async function run(server: ApolloServer<Context>, query: string, variables?: Record<string, unknown>, caller?: Caller) {
  const response = await server.executeOperation({ query, variables }, { contextValue: await createContext(t.db.orm, { today: TODAY, caller }) });
  if (response.body.kind !== 'single') throw new Error('unexpected incremental response');
  return { http: response.http.status ?? 200, ...response.body.singleResult };
}

/** Runs on both executors; expects the same answer and returns it. */
async function both(query: string, variables?: Record<string, unknown>, caller?: Caller) {
  const a = await run(compiled, query, variables, caller);
  const b = await run(interpreted, query, variables, caller);
  expect(a).toEqual(b);
  return a;
}

const readmeQueries = readmeExamples();
const analystQueries = fs
  .readdirSync(path.join(projectRoot(), 'queries'))
  .filter((f) => f.endsWith('.graphql'))
  .map((f): [string, string] => [f, fs.readFileSync(path.join(projectRoot(), 'queries', f), 'utf8')]);

test('the README and queries/ hold queries to compare', () => {
  expect(readmeQueries.length).toBeGreaterThan(5);
  expect(analystQueries.length).toBeGreaterThan(3);
});

test.each([...readmeQueries, ...analystQueries])('%s: the same answer, with data', async (_name, query) => {
  const answer = await both(query);
  expect(answer.errors).toBeUndefined();
  expect(Object.values(answer.data!).some((v) => v !== null)).toBe(true);
});

test('every figure of a province and its committees, with Vietnamese names and shares', async () => {
  const answer = await both(`{ unit(code: "QN", asOf: "2023-12-31") { code name children { code name rollup(period: { year: 2023 }) {
    campaigns { total completed byTier { tier total completed } byBody { body total completed } }
    discipline { members membersByCategory { category { code name } count share percent }
      byAuthority { authority members membersByCategory { category { code } count share percent } } byForm { form members } }
    documents { total directives guidance } } } } }`);
  const unit = answer.data!.unit as { name: string; children: { name: string }[] };
  expect(unit.name).toBe('Đảng bộ tỉnh Quảng Ninh');
  expect(unit.children.map((c) => c.name)).toContain('Đảng bộ thành phố Hạ Long');
});

test('the compiled executor is the default, and compiles each document once', async () => {
  const query = '{ roots { code descendantCount } }';
  const server = await createApolloServer({ logger: createLogger('silent') });
  await server.start();
  const before = { ...executorCounts };
  try {
    for (let i = 0; i < 3; i++) {
      const response = await server.executeOperation({ query }, { contextValue: await createContext(t.db.orm, { today: TODAY }) });
      expect(response.body.kind === 'single' && response.body.singleResult.errors).toBeFalsy();
    }
  } finally {
    await server.stop();
  }
  expect(executorCounts.compiled - before.compiled).toBe(1);
  expect(executorCounts.compiledRuns - before.compiledRuns).toBe(3);
  expect(executorCounts.interpretedRuns - before.interpretedRuns).toBe(0);
});

test('variables: the default of a required variable applies; bad values get graphql-js\'s BAD_USER_INPUT answer', async () => {
  const query = 'query ($code: String! = "QN.HL", $day: Date) { unit(code: $code, asOf: $day) { code name } }';
  expect((await both(query)).data).toEqual({ unit: { code: 'QN.HL', name: 'Đảng bộ thành phố Hạ Long' } });
  expect((await both(query, { code: 'QN', day: '2023-12-31' })).data).toEqual({ unit: { code: 'QN', name: 'Đảng bộ tỉnh Quảng Ninh' } });
  const wrongType = await both(query, { code: 12 });
  expect(wrongType.http).toBe(400);
  expect(wrongType.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
  const badDate = await both(query, { day: '2023-02-30' });
  expect(badDate.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
  expect(badDate.errors![0].message).toMatch(/2023-02-30/);
  const missing = await both('query ($code: String!) { unit(code: $code) { code } }', {});
  expect(missing.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
});

test('errors thrown by resolvers keep their message, path, locations and code', async () => {
  // units is non-null: its error nulls the whole answer, as graphql-js does.
  const query = '{ a: unit(code: "QN") { code } b: units(search: "một hai ba bốn năm sáu bảy tám chín mười mười_một") { totalCount } }';
  const bad = await both(query);
  expect(bad.data).toBeNull();
  expect(bad.errors).toEqual([{ message: expect.stringMatching(/at most 10 words/), locations: [{ line: 1, column: query.indexOf('b: units') + 1 }], path: ['b'], extensions: { code: 'BAD_USER_INPUT', argument: 'search' } }]);
  // A nullable field: the rest of the answer stays.
  const missing = await both('{ a: unit(code: "QN") { code } b: unit(code: "NOWHERE") { code } }');
  expect(missing.data).toEqual({ a: { code: 'QN' }, b: null });
  const viewer: Caller = { subject: 'viewer', unitCode: 'QN', roles: new Set([Role.VIEWER]) };
  const forbidden = await both('{ aggregate(root: "QN", period: { fromYear: 2023 }, measure: CAMPAIGNS) { total } }', undefined, viewer);
  expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
});

test('a scoped caller sees the same, and only its subtree, on both', async () => {
  const district: Caller = { subject: 'district', unitCode: 'QN.HL', roles: new Set([Role.VIEWER]) };
  const answer = await both(
    '{ roots(asOf: "2023-12-31") { code children { code } rollup(period: { year: 2023 }) { campaigns { total } } } other: unit(code: "QN.UB", asOf: "2023-12-31") { code } }',
    undefined,
    district,
  );
  const roots = answer.data!.roots as { code: string }[];
  expect(roots.map((r) => r.code)).toEqual(['QN.HL']);
  expect(answer.data!.other).toBeNull();
});

test('connections: lazy page flags and totals, and node ids through the Node interface', async () => {
  const page = await both('{ unit(code: "QN.HL", asOf: "2023-12-31") { id descendants(first: 3) { totalCount pageInfo { hasNextPage hasPreviousPage endCursor } nodes { code } } } }');
  const unit = page.data!.unit as { id: string; descendants: { totalCount: number; pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean } } };
  expect(unit.descendants.totalCount).toBeGreaterThan(3);
  expect(unit.descendants.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
  const node = await both('query ($id: ID!) { node(id: $id) { __typename id ... on OrgUnit { code } } }', { id: unit.id });
  expect(node.data).toEqual({ node: { __typename: 'OrgUnit', id: unit.id, code: 'QN.HL' } });
});
