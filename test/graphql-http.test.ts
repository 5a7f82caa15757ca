/**
 * GraphQL over HTTP on the real server with the reference data: graphql-http's compliance audits (every MUST passes;
 * SHOULD and MAY results are printed), GET for reads with CSRF prevention on, GraphiQL still served to browsers, and
 * compressed responses.
 */
import http from 'node:http';
import zlib from 'node:zlib';
import { serverAudits } from 'graphql-http';
import { createLogger } from '../src/logger';
import { startServer, type RunningServer } from '../src/server';
import { createTestDb, seedReference, type TestDb } from './harness';

let db: TestDb;
let server: RunningServer;
let base: string;

beforeAll(async () => {
  db = await createTestDb();
  await seedReference(db.orm);
  server = await startServer(db.orm, createLogger('silent'), '127.0.0.1', 0);
  base = server.url.replace(/\/graphql$/, '');
}, 120_000);
afterAll(async () => {
  await server?.stop();
  await db?.close();
});

const post = async (body: unknown) => {
  const res = await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
};

const getUrl = (query: string, variables?: unknown) => {
  const url = new URL(server.url);
  url.searchParams.set('query', query);
  if (variables !== undefined) url.searchParams.set('variables', JSON.stringify(variables));
  return url.toString();
};

const CHILDREN = `query Children($code: String!) {
  unit(code: $code, asOf: "2023-12-31") {
    name
    children { code name rollup(period: { year: 2023 }) { campaigns { total completed byTier { tier total } } discipline { organizations members } } }
  }
}`;

test('graphql-http serverAudits: no MUST fails (SHOULD/MAY results printed)', async () => {
  const audits = serverAudits({ url: server.url, fetchFn: fetch });
  const results = [];
  // One at a time: the server shares two cores with the rest of the suite, and results stay in the audits' order.
  for (const audit of audits) results.push(await audit.fn());
  const notOk = results.filter((r) => r.status !== 'ok');
  const lines = notOk.map((r) => `${r.status.padEnd(6)} ${r.id} ${r.name}: ${r.status === 'ok' ? '' : r.reason}`);
  console.info(
    `graphql-http ${results.length} audits: ${results.length - notOk.length} ok, ${notOk.length} not ok\n` +
      (lines.length ? lines.join('\n') : '(all ok)'),
  );
  const must = results.filter((r) => r.name.startsWith('MUST'));
  // graphql-http 1.23.1 has 13 MUST audits (of 61): a smaller count means the suite did not run as expected.
  expect(must.length).toBeGreaterThanOrEqual(13);
  expect(must.filter((r) => r.status !== 'ok').map((r) => `${r.id} ${r.name}`)).toEqual([]);
  // Mutations over GET are refused (a MAY NOT in the suite; we hold it as a must).
  expect(results.find((r) => r.id === '9C48')?.status).toBe('ok');
}, 120_000);

describe('GET /graphql', () => {
  test('answers a read with a preflight-forcing header, exactly as POST does (Vietnamese names intact)', async () => {
    const expected = await post({ query: CHILDREN, variables: { code: 'QN' } });
    expect(expected.status).toBe(200);
    expect(expected.body.errors).toBeUndefined();
    expect(expected.body.data.unit.name).toBe('Đảng bộ tỉnh Quảng Ninh'.normalize('NFC'));
    expect(expected.body.data.unit.children.length).toBeGreaterThan(5);
    // The three ways a client passes Apollo's CSRF check on GET: Apollo Client Web's content-type, Apollo iOS/Kotlin's
    // operation-name header, or apollo-require-preflight from any other client.
    for (const headers of [{ 'apollo-require-preflight': '1' }, { 'x-apollo-operation-name': 'Children' }, { 'content-type': 'application/json' }]) {
      const res = await fetch(getUrl(CHILDREN, { code: 'QN' }), { headers });
      expect([Object.keys(headers)[0], res.status]).toEqual([Object.keys(headers)[0], 200]);
      expect(await res.json()).toEqual(expected.body);
    }
  });

  test('a bare GET (what a cross-site <img> or link sends) is refused as possible CSRF, before any resolver', async () => {
    const res = await fetch(getUrl('{ roots { code } }'));
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('Cross-Site Request Forgery');
    // The same holds for a POST with a content type a form can send.
    const form = await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ query: '{ roots { code } }' }) });
    expect(form.status).toBe(400);
  });

  test('a mutation document over GET is refused with a 4xx and no data', async () => {
    const res = await fetch(getUrl('mutation { __typename }'), { headers: { 'apollo-require-preflight': '1', accept: 'application/graphql-response+json' } });
    // The schema has no mutations, so validation refuses it (400); with mutations Apollo would answer 405.
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    const body = await res.json();
    expect(body.data).toBeUndefined();
    expect(body.errors.length).toBeGreaterThan(0);
  });

  test('a browser navigating to /graphql still gets GraphiQL', async () => {
    const res = await fetch(`${base}/graphql`, { headers: { accept: 'text/html,application/xhtml+xml' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(await res.text()).toContain('GraphiQL');
  });
});

/** A raw HTTP exchange (fetch would decode the body itself): status, headers and the bytes as sent. */
function rawRequest(path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, base);
    const req = http.request(url, { method: body === undefined ? 'GET' : 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('compression', () => {
  const body = JSON.stringify({ query: CHILDREN, variables: { code: 'QN' } });

  test('a large rollup comes back gzip-encoded when the client accepts it, and decodes to the same JSON', async () => {
    const plain = await rawRequest('/graphql', { 'content-type': 'application/json', 'accept-encoding': 'identity' }, body);
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.length).toBeGreaterThan(2000);
    const gzipped = await rawRequest('/graphql', { 'content-type': 'application/json', 'accept-encoding': 'gzip' }, body);
    expect(gzipped.status).toBe(200);
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gzipped.headers.vary).toMatch(/accept-encoding/i);
    expect(gzipped.body.length).toBeLessThan(plain.body.length / 2);
    const decoded = JSON.parse(zlib.gunzipSync(gzipped.body).toString('utf8'));
    expect(decoded).toEqual(JSON.parse(plain.body.toString('utf8')));
    expect(decoded.data.unit.name).toBe('Đảng bộ tỉnh Quảng Ninh'.normalize('NFC'));
  });

  test('GET reads compress too (a CDN can cache the compressed answer)', async () => {
    const url = new URL(getUrl(CHILDREN, { code: 'QN' }));
    const res = await rawRequest(url.pathname + url.search, { 'apollo-require-preflight': '1', 'accept-encoding': 'gzip' });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(zlib.gunzipSync(res.body).toString('utf8')).data.unit.children.length).toBeGreaterThan(5);
  });

  test('a CSV export compresses when large enough; the decoded bytes equal the uncompressed file', async () => {
    const params = new URLSearchParams({ root: 'QN', year: '2023', measure: 'DISCIPLINED_MEMBERS', groupBy: 'CHILD_UNIT,CADRE_CATEGORY' });
    const plain = await rawRequest(`/export.csv?${params}`, { 'accept-encoding': 'identity' });
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    const gzipped = await rawRequest(`/export.csv?${params}`, { 'accept-encoding': 'gzip' });
    expect(gzipped.status).toBe(200);
    // compression's threshold is 1 kB: a smaller table is sent as is.
    expect(gzipped.headers['content-encoding']).toBe(plain.body.length >= 1024 ? 'gzip' : undefined);
    const decoded = gzipped.headers['content-encoding'] === 'gzip' ? zlib.gunzipSync(gzipped.body) : gzipped.body;
    expect(decoded.equals(plain.body)).toBe(true);
  });
});
