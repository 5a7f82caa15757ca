/**
 * Operations: Prometheus metrics at GET /metrics on the real server (GraphQL requests by operation and outcome, HTTP
 * requests by route and status, the database pool, process defaults; bounded labels, no data in them), and
 * `kiemtra --version`.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createLogger } from '../src/logger';
import { startServer, type RunningServer } from '../src/server';
import { MAX_OPERATION_NAMES, operationLabel, routeLabel } from '../src/metrics';
import { createTestDb, importFiles, type TestDb } from './harness';

let db: TestDb;
let server: RunningServer;
let base: string;

const UNIT = { code: 'MT', name: 'Tỉnh ủy Hà Tĩnh' };

beforeAll(async () => {
  db = await createTestDb();
  await importFiles(db.orm, {
    'units.csv': `code,parent_code,name,kind\n${UNIT.code},,${UNIT.name},PROVINCIAL_COMMITTEE\n`,
    'documents.csv': `unit_code,year,month,kind,quantity\n${UNIT.code},2024,2,GUIDANCE,3\n`,
  });
  server = await startServer(db.orm, createLogger('silent'), '127.0.0.1', 0);
  base = server.url.replace(/\/graphql$/, '');
});
afterAll(async () => {
  await server?.stop();
  await db?.close();
});

const post = (body: unknown) =>
  fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.json());

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Scrapes /metrics and parses the Prometheus text format (samples only). */
async function scrape(): Promise<{ text: string; samples: Sample[]; contentType: string | null }> {
  const res = await fetch(`${base}/metrics`);
  expect(res.status).toBe(200);
  const text = await res.text();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const [, k, v] of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[k] = v;
    samples.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return { text, samples, contentType: res.headers.get('content-type') };
}

/** The value of the sample with exactly these labels (0 when absent: a counter not yet incremented). */
function value(samples: Sample[], name: string, labels: Record<string, string>): number {
  const want = Object.entries(labels).sort();
  const found = samples.find((s) => s.name === name && JSON.stringify(Object.entries(s.labels).sort()) === JSON.stringify(want));
  return found?.value ?? 0;
}

test('GraphQL requests are counted and timed per operation name and outcome', async () => {
  const before = (await scrape()).samples;
  const ok = await post({ query: 'query MetricsProbe($code: String!) { unit(code: $code) { name } }', variables: { code: UNIT.code } });
  expect(ok).toEqual({ data: { unit: { name: UNIT.name } } });
  await post({ query: 'query MetricsProbe($code: String!) { unit(code: $code) { name } }', variables: { code: UNIT.code } });
  const invalid = await post({ query: 'query MetricsBroken { nosuchfield }' });
  expect(invalid.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
  await post({ query: '{ roots { code } }' });
  const after = (await scrape()).samples;
  const delta = (name: string, labels: Record<string, string>) => value(after, name, labels) - value(before, name, labels);
  expect(delta('kiemtra_graphql_requests_total', { operation: 'MetricsProbe', outcome: 'ok' })).toBe(2);
  expect(delta('kiemtra_graphql_requests_total', { operation: 'MetricsProbe', outcome: 'error' })).toBe(0);
  expect(delta('kiemtra_graphql_requests_total', { operation: 'MetricsBroken', outcome: 'error' })).toBe(1);
  expect(delta('kiemtra_graphql_requests_total', { operation: 'anonymous', outcome: 'ok' })).toBe(1);
  expect(delta('kiemtra_graphql_request_duration_seconds_count', { operation: 'MetricsProbe', outcome: 'ok' })).toBe(2);
  expect(delta('kiemtra_graphql_request_duration_seconds_sum', { operation: 'MetricsProbe', outcome: 'ok' })).toBeGreaterThan(0);
  // Every request falls in the +Inf bucket.
  expect(delta('kiemtra_graphql_request_duration_seconds_bucket', { operation: 'MetricsProbe', outcome: 'ok', le: '+Inf' })).toBe(2);
});

test('HTTP requests are counted by method, a fixed route list and status', async () => {
  const before = (await scrape()).samples;
  await post({ query: '{ roots { code } }' });
  expect((await fetch(`${base}/no/such/${UNIT.code}`)).status).toBe(404);
  expect((await fetch(`${base}/health`)).status).toBe(200);
  const after = (await scrape()).samples;
  const delta = (labels: Record<string, string>) => value(after, 'kiemtra_http_requests_total', labels) - value(before, 'kiemtra_http_requests_total', labels);
  expect(delta({ method: 'POST', route: '/graphql', status: '200' })).toBe(1);
  expect(delta({ method: 'GET', route: 'other', status: '404' })).toBe(1);
  expect(delta({ method: 'GET', route: '/health', status: '200' })).toBe(1);
  // The scrape before this one was counted once it was written.
  expect(delta({ method: 'GET', route: '/metrics', status: '200' })).toBe(1);
  expect(after.filter((s) => s.name === 'kiemtra_http_requests_total').map((s) => s.labels.route)).not.toContain(`/no/such/${UNIT.code}`);
});

test('the database pool is reported: size limit, and no connection held between requests', async () => {
  await post({ query: '{ roots { code } }' });
  const { samples } = await scrape();
  const max = value(samples, 'kiemtra_db_pool_max_connections', { pool: 'primary' });
  expect(max).toBeGreaterThanOrEqual(1);
  if (db.engine === 'postgresql') expect(max).toBe(10);
  const state = (s: string) => value(samples, 'kiemtra_db_pool_connections', { pool: 'primary', state: s });
  expect(samples.filter((s) => s.name === 'kiemtra_db_pool_connections' && s.labels.pool === 'primary').map((s) => s.labels.state).sort()).toEqual([
    'free',
    'pending_acquires',
    'pending_creates',
    'used',
  ]);
  expect(state('used')).toBe(0);
  expect(state('pending_acquires')).toBe(0);
  // The request above opened a connection; it is idle in the pool now.
  expect(state('free')).toBeGreaterThanOrEqual(1);
  expect(state('free')).toBeLessThanOrEqual(max);
});

test('process default metrics, the Prometheus content type, and no data in the output', async () => {
  const { text, samples, contentType } = await scrape();
  expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  for (const name of ['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes']) {
    expect([name, samples.some((s) => s.name === name)]).toEqual([name, true]);
  }
  // Queries above named the unit (as a variable and in a URL): neither its code nor its name may reach a label.
  expect(text).not.toContain(UNIT.name);
  expect(text).not.toMatch(new RegExp(`"[^"]*\\b${UNIT.code}\\b[^"]*"`));
});

test('operation and route labels stay bounded', () => {
  expect(operationLabel(undefined)).toBe('anonymous');
  expect(operationLabel('')).toBe('anonymous');
  expect(operationLabel('x'.repeat(65))).toBe('other');
  expect(operationLabel('Nguyễn Văn A')).toBe('other');
  expect(operationLabel('{ roots }')).toBe('other');
  expect(routeLabel('/graphiql/graphiql.min.js')).toBe('/graphiql');
  expect(routeLabel('/graphql/')).toBe('/graphql');
  expect(routeLabel('/units/QN.HL')).toBe('other');
  // Past the cap every new name is "other"; names already seen keep their label.
  const names = Array.from({ length: MAX_OPERATION_NAMES + 5 }, (_, i) => `Bounded${i}`);
  const labels = names.map(operationLabel);
  expect(labels.filter((l) => l === 'other').length).toBeGreaterThanOrEqual(5);
  expect(new Set(labels.filter((l) => l !== 'other')).size).toBeLessThanOrEqual(MAX_OPERATION_NAMES);
  expect(operationLabel('MetricsProbe')).toBe('MetricsProbe');
  expect(operationLabel('NeverSeenBefore')).toBe('other');
});

describe('kiemtra --version', () => {
  const BIN = path.join(__dirname, '..', 'bin', 'kiemtra.js');
  const { version } = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version: string };

  test.each(['--version', '-V'])('%s prints the package version and exits 0', (flag) => {
    const { DATABASE_URL: _ignored, ...env } = process.env;
    const result = spawnSync(process.execPath, [BIN, flag], { env: { ...env, NODE_OPTIONS: '' }, encoding: 'utf8', timeout: 60_000 });
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    expect([result.status, result.stdout, result.stderr]).toEqual([0, `${version}\n`, '']);
  });
});
