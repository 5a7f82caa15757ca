/**
 * The HTTP server: GraphQL over POST and GET, GraphiQL served from the package's own files (no CDN),
 * the health and readiness checks, and errors that carry a code and never a stack trace.
 */
import { createLogger } from '../src/logger';
import { startServer, type RunningServer } from '../src/server';
import { createTestDb, importFiles, type TestDb } from './harness';

let db: TestDb;
let server: RunningServer;
let base: string;

beforeAll(async () => {
  db = await createTestDb();
  await importFiles(db.orm, {
    'units.csv': 'code,parent_code,name,kind\nH,,Tỉnh ủy Hà Giang,PROVINCIAL_COMMITTEE\n',
    'documents.csv': 'unit_code,year,month,kind,quantity\nH,2024,2,GUIDANCE,3\n',
  });
  server = await startServer(db.orm, createLogger('silent'), '127.0.0.1', 0);
  base = server.url.replace(/\/graphql$/, '');
});
afterAll(async () => {
  await server?.stop();
  await db?.close();
});

const post = (body: unknown) =>
  fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

test('POST /graphql answers a rollup, Vietnamese names intact', async () => {
  const res = await post({ query: '{ unit(code: "H") { name rollup(period: { year: 2024, fromMonth: 2, toMonth: 2 }) { documents { guidance } } } }' });
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ data: { unit: { name: 'Tỉnh ủy Hà Giang', rollup: { documents: { guidance: 3 } } } } });
});

test('GET /graphql with a query answers JSON', async () => {
  const res = await fetch(`${base}/graphql?query=${encodeURIComponent('{ roots { code } }')}`, { headers: { 'apollo-require-preflight': '1' } });
  expect(await res.json()).toEqual({ data: { roots: [{ code: 'H' }] } });
});

test('a browser gets GraphiQL from local assets, with an example rollup query', async () => {
  const res = await fetch(`${base}/graphql`, { headers: { accept: 'text/html,application/xhtml+xml' } });
  expect(res.status).toBe(200);
  const html = await res.text();
  expect(html).toContain('GraphiQL');
  expect(html).toContain('rollup(period: { year: 2023 })');
  expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
  for (const src of html.match(/(?:src|href)="([^"]+)"/g)!.map((m) => m.split('"')[1])) {
    const asset = await fetch(base + src);
    expect([src, asset.status]).toEqual([src, 200]);
    expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(1000);
  }
});

test('GET /health says the process answers; GET /ready checks the database (outages: test/faults.test.ts)', async () => {
  const res = await fetch(`${base}/health`);
  expect(await res.json()).toEqual({ status: 'ok' });
  const ready = await fetch(`${base}/ready`);
  expect([ready.status, await ready.json()]).toEqual([200, { status: 'ready' }]);
});

test('errors carry extensions.code and no stack trace', async () => {
  const invalid = await post({ query: '{ unit(code: "H") { nosuchfield } }' });
  const body = await invalid.json();
  expect(body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
  const bad = await (await post({ query: '{ unit(code: "H") { rollup(period: { year: 2024, fromMonth: 9, toMonth: 2 }) { documents { total } } } }' })).json();
  expect(bad.errors[0]).toMatchObject({ message: 'Invalid period: fromMonth 9 is after toMonth 2.', extensions: { code: 'BAD_USER_INPUT' } });
  expect(JSON.stringify([body, bad])).not.toMatch(/stacktrace|node_modules|\.ts:\d+/);
  const syntax = await (await post({ query: '{ unit(code: ' })).json();
  expect(syntax.errors[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
});

test('malformed and oversized bodies and unknown paths answer JSON with a code, never a stack page', async () => {
  const malformed = await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{bad' });
  expect(malformed.status).toBe(400);
  expect(await malformed.json()).toEqual({ errors: [{ message: 'The request body is not valid JSON.', extensions: { code: 'BAD_REQUEST' } }] });
  const huge = await post({ query: `{ roots { code } } # ${'x'.repeat(1_100_000)}` });
  expect(huge.status).toBe(413);
  expect((await huge.json()).errors[0].extensions.code).toBe('BAD_REQUEST');
  const missing = await fetch(`${base}/nope`);
  expect(missing.status).toBe(404);
  expect((await missing.json()).errors[0].extensions.code).toBe('NOT_FOUND');
});
