/**
 * Federation 2: the real HTTP server's /subgraph composes with a second subgraph (an "archive" service that extends
 * OrgUnit by code), and an @apollo/gateway on loopback answers queries that join the two, equal to this API's own
 * answers. `_entities` resolves many references in a fixed number of statements; the scope and unknown keys give
 * null; the committed supergraph is the generated one.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { ApolloGateway } from '@apollo/gateway';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { statementCounter } from '../src/db';
import { createLogger } from '../src/logger';
import { createApolloServer } from '../src/apollo';
import { createContext } from '../src/context';
import { Role } from '../src/auth/caller';
import { startServer, type RunningServer } from '../src/server';
import { composeSupergraph, supergraphSdl } from '../src/federation/compose';
import { FEDERATION_LINK, getSubgraphSchema, subgraphSdl } from '../src/federation/subgraph';
import { createTestDb, seedReference, type TestDb } from './harness';

/** The second subgraph: a paper archive that knows units by code only. */
const ARCHIVE_SDL = `
extend schema @link(url: "${FEDERATION_LINK}", import: ["@key"])

"A party organization, as the archive knows it."
type OrgUnit @key(fields: "code") {
  "Stable code of the unit."
  code: String!
  "Shelf holding the unit's paper records."
  archiveShelf: String
}

"A box of records."
type ArchiveBox {
  "Label on the box."
  label: String!
  "The unit whose records it holds."
  unit: OrgUnit!
}

type Query {
  "Every box, in shelf order."
  archiveBoxes: [ArchiveBox!]!
}`;

/** Shelves by unit code; units without one answer null. QN.HB ended in 2020 (merged into QN.HL): seen on its last day. */
const SHELVES: Record<string, string> = { QN: 'Kệ A-01', 'QN.HL': 'Kệ B-07 (Hạ Long)', 'QN.HB': 'Kệ C-02 (Hoành Bồ)' };
const BOX_CODES = ['QN.HL', 'QN', 'QN.HB'];

let db: TestDb;
let server: RunningServer;
let base: string;
let archive: ApolloServer;
let archiveUrl: string;
let gateway: ApolloServer;
let gatewayUrl: string;
let compositionErrors: unknown;
/** The SDL our /subgraph answered. */
let ours: string;

async function post(url: string, query: string, variables?: Record<string, unknown>): Promise<any> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  return res.json();
}

/** Data of a query, failing on any GraphQL error. */
async function data(url: string, query: string, variables?: Record<string, unknown>): Promise<any> {
  const body = await post(url, query, variables);
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

beforeAll(async () => {
  db = await createTestDb();
  await seedReference(db.orm);
  server = await startServer(db.orm, createLogger('silent'), '127.0.0.1', 0);
  base = server.url.replace(/\/graphql$/, '');

  archive = new ApolloServer({
    schema: buildSubgraphSchema({
      typeDefs: parse(ARCHIVE_SDL),
      resolvers: {
        Query: { archiveBoxes: () => BOX_CODES.map((code, i) => ({ label: `Hộp số ${i + 1}`, unit: { code } })) },
        OrgUnit: {
          __resolveReference: (ref: { code: string }) => ({ code: ref.code }),
          archiveShelf: (unit: { code: string }) => SHELVES[unit.code] ?? null,
        },
      } as any,
    }),
    plugins: [ApolloServerPluginInlineTraceDisabled()],
  });
  archiveUrl = (await startStandaloneServer(archive, { listen: { host: '127.0.0.1', port: 0 } })).url;

  // Composed from the SDL our server answers over HTTP, as `rover` or a managed gateway would fetch it.
  ours = (await data(`${base}/subgraph`, '{ _service { sdl } }'))._service.sdl;
  const composed = composeServices([
    { name: 'kiemtra', url: `${base}/subgraph`, typeDefs: parse(ours) },
    { name: 'archive', url: archiveUrl, typeDefs: parse(ARCHIVE_SDL) },
  ]);
  compositionErrors = composed.errors ?? null;
  if (composed.errors) return;
  gateway = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl: composed.supergraphSdl }) });
  gatewayUrl = (await startStandaloneServer(gateway, { listen: { host: '127.0.0.1', port: 0 } })).url;
});

afterAll(async () => {
  await gateway?.stop();
  await archive?.stop();
  await server?.stop();
  await db?.close();
});

test('/subgraph answers _service { sdl }: the subgraph SDL, with both keys of OrgUnit', async () => {
  const sdl = (await data(`${base}/subgraph`, '{ _service { sdl } }'))._service.sdl;
  expect(sdl).toBe(await subgraphSdl());
  expect(sdl).toMatch(/type OrgUnit implements Node\s+@key\(fields: "id"\)\s+@key\(fields: "code"\)/);
  // /graphql itself is not a subgraph.
  const plain = await post(`${base}/graphql`, '{ _service { sdl } }');
  expect(plain.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
});

test('/subgraph has /graphql\'s limits and error formatting', async () => {
  const bad = await post(`${base}/subgraph`, '{ unit(code: "QN") { rollup(period: { year: 2023, fromMonth: 9, toMonth: 2 }) { documents { total } } } }');
  expect(bad.errors[0]).toMatchObject({ message: 'Invalid period: fromMonth 9 is after toMonth 2.', extensions: { code: 'BAD_USER_INPUT' } });
  let deep = 'code';
  for (let i = 0; i < 14; i++) deep = `children { ${deep} }`;
  const refused = await post(`${base}/subgraph`, `{ unit(code: "QN") { ${deep} } }`);
  expect(refused.errors[0].extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'MAX_DEPTH' });
  expect(JSON.stringify([bad, refused])).not.toMatch(/stacktrace|node_modules|\.ts:\d+|ftv1/);
});

test('the two subgraphs compose without an error', () => {
  expect(compositionErrors).toBeNull();
});

test('a query starting here joins the archive\'s field, with names and rollups equal to /graphql\'s', async () => {
  const fields = 'code name rollup(period: { year: 2023 }) { discipline { members } campaigns { total } }';
  const direct = (await data(`${base}/graphql`, `{ unit(code: "QN") { ${fields} children { code name } } }`)).unit;
  const joined = (await data(gatewayUrl, `{ unit(code: "QN") { ${fields} archiveShelf children { code name archiveShelf } } }`)).unit;
  expect(direct.name).toBe('Đảng bộ tỉnh Quảng Ninh'.normalize('NFC'));
  expect(direct.rollup.discipline.members).toBeGreaterThan(0);
  expect(joined).toEqual({
    ...direct,
    archiveShelf: SHELVES.QN,
    children: direct.children.map((c: { code: string }) => ({ ...c, archiveShelf: SHELVES[c.code] ?? null })),
  });
  expect(direct.children.length).toBeGreaterThan(1);
});

test('a query starting in the archive joins OrgUnit fields from this subgraph (entities by code)', async () => {
  const fields = 'id code name tier validTo rollup(period: { year: 2023 }) { campaigns { total } discipline { members } }';
  const joined = (await data(gatewayUrl, `{ archiveBoxes { label unit { ${fields} archiveShelf } } }`)).archiveBoxes;
  const expected = await Promise.all(
    BOX_CODES.map(async (code, i) => {
      const unit = (await data(`${base}/graphql`, `query ($code: String!) { unit(code: $code) { ${fields} } }`, { code })).unit;
      return { label: `Hộp số ${i + 1}`, unit: { ...unit, archiveShelf: SHELVES[code] } };
    }),
  );
  expect(joined).toEqual(expected);
  // Hạ Long, with its diacritics intact through the gateway; Hoành Bồ seen on its last day.
  expect(joined[0].unit.name).toBe('Đảng bộ thành phố Hạ Long'.normalize('NFC'));
  expect(joined[2].unit.validTo).toBe('2020-01-01');
});

const ENTITIES = 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on OrgUnit { id code name } } }';

async function entities(representations: object[]) {
  const before = statementCounter.count;
  const result = (await data(`${base}/subgraph`, ENTITIES, { r: representations }))._entities as ({ id: string; code: string; name: string } | null)[];
  return { result, statements: statementCounter.count - before };
}

test('_entities resolves many references by code, or by id, in as many statements as one', async () => {
  const units = (await data(`${base}/graphql`, '{ unit(code: "QN") { children { id code name } } }')).unit.children as { id: string; code: string; name: string }[];
  expect(units.length).toBeGreaterThan(10);
  const byCode = await entities(units.map((u) => ({ __typename: 'OrgUnit', code: u.code })));
  const oneByCode = await entities([{ __typename: 'OrgUnit', code: units[0].code }]);
  expect(byCode.result).toEqual(units);
  // Every unit on its own default day, whatever the number of references: one statement.
  expect(byCode.statements).toBe(1);
  expect(oneByCode.statements).toBe(byCode.statements);
  const byId = await entities(units.map((u) => ({ __typename: 'OrgUnit', id: u.id })));
  expect(byId.result).toEqual(units);
  expect(byId.statements).toBe(1);
});

test('references by code and by id, of units on different default days, are one statement and answer like unit(code:)', async () => {
  // QN.HB ended on 2020-01-01 (seen on its last day), QN.XA01 starts on 2025-07-01, QN.HL exists today.
  const codes = ['QN.HB', 'QN.XA01', 'QN.HL', 'QN'];
  const direct = await Promise.all(
    codes.map(async (code) => (await data(`${base}/graphql`, `{ unit(code: "${code}") { id code name asOf validTo } }`)).unit),
  );
  expect(direct.every((u) => u !== null)).toBe(true);
  expect(new Set(direct.map((u) => u.asOf)).size).toBeGreaterThan(1);
  const query = 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on OrgUnit { id code name asOf validTo } } }';
  const representations = direct.map((u, i) => (i % 2 === 0 ? { __typename: 'OrgUnit', code: u.code } : { __typename: 'OrgUnit', id: u.id }));
  const before = statementCounter.count;
  const result = (await data(`${base}/subgraph`, query, { r: representations }))._entities;
  expect(statementCounter.count - before).toBe(1);
  expect(result).toEqual(direct);
});

test('unknown codes, malformed ids and units outside the caller\'s scope resolve to null', async () => {
  const qn = (await data(`${base}/graphql`, '{ unit(code: "QN") { id code name children { id code name } } }')).unit;
  const { result } = await entities([
    { __typename: 'OrgUnit', code: 'NO.SUCH' },
    { __typename: 'OrgUnit', id: 'not-a-global-id' },
    { __typename: 'OrgUnit', id: qn.id },
  ]);
  expect(result).toEqual([null, null, { id: qn.id, code: qn.code, name: qn.name }]);

  // A caller scoped to one child of QN sees that child, not QN.
  const child = qn.children[0];
  const scoped = await createApolloServer({ logger: createLogger('silent'), schema: await getSubgraphSchema(), plugins: [ApolloServerPluginInlineTraceDisabled()] });
  await scoped.start();
  try {
    const caller = { subject: 'federation-test', unitCode: child.code, roles: new Set([Role.VIEWER]) };
    const response = await scoped.executeOperation(
      { query: ENTITIES, variables: { r: [{ __typename: 'OrgUnit', code: 'QN' }, { __typename: 'OrgUnit', code: child.code }] } },
      { contextValue: await createContext(db.orm, { caller }) },
    );
    if (response.body.kind !== 'single') throw new Error('unexpected incremental response');
    expect(response.body.singleResult.errors).toBeUndefined();
    expect(response.body.singleResult.data).toEqual({ _entities: [null, child] });
  } finally {
    await scoped.stop();
  }
});

test('schema/supergraph.graphql is the composed supergraph (regenerate: node dist/src/federation/compose.js schema/supergraph.graphql)', async () => {
  const committed = fs.readFileSync(path.join(__dirname, '..', 'schema/supergraph.graphql'), 'utf8');
  expect(committed).toBe(await supergraphSdl());
  expect(committed).toContain('@join__graph(name: "kiemtra", url: "http://127.0.0.1:4000/subgraph")');
});

test('composition fails, naming the field, when another subgraph redefines an OrgUnit field incompatibly', async () => {
  const clash = ARCHIVE_SDL.replace('archiveShelf: String', 'archiveShelf: String\n  "Depth, as text."\n  depth: String');
  expect(() =>
    composeSupergraph([
      { name: 'kiemtra', url: `${base}/subgraph`, sdl: ours },
      { name: 'archive', url: archiveUrl, sdl: clash },
    ]),
  ).toThrow(/OrgUnit\.depth/);
});
