/**
 * Load and soak (a script, not a test): a mixed workload of legitimate queries held on the real HTTP server, on
 * loopback, first alone (baseline) and then while query bombs are fired at it (under attack). Bounded in time.
 *
 *   npm run bench:soak [-- --duration 15 --warmup 3 --connections 8 --bomb-connections 1 --rate 0 --timeout 10
 *                          --rate-limit 0 --open --pg postgres://postgres@127.0.0.1:5432/postgres]
 *
 * Setup: a fresh PostgreSQL database (DATABASE_URL or --pg; dropped afterwards) with the reference seed, and the
 * server started in this process with a generated Ed25519 key; the legitimate traffic carries VIEWER tokens scoped
 * to QN and to QN.HL, the bombs the QN.HL one. The load generators (autocannon) run in child processes, so that
 * their CPU and memory are not the server's: the RSS sampled here every 500 ms is the server's own.
 * Phases: warm-up (unmeasured), baseline (--duration s), under attack (--duration s, the same workload plus
 * --bomb-connections connections per bomb kind). --rate caps the legitimate requests per second (0: as fast as
 * the server answers). --rate-limit sets the server's per-caller limit (requests/minute; default 0, off). --open
 * runs the server without a key (no tokens, no scope, no row-level security), to tell their cost from the rest.
 * Every legitimate query is first sent once and checked (HTTP 200, no GraphQL error, no null root field): if one
 * fails, nothing is measured. During the phases every legitimate response is checked the same way.
 * Prints a table, writes bench/soak-results.json, and exits 1 if any legitimate request failed (non-2xx, timeout,
 * connection error or GraphQL error). Bombs are expected to get 400 (limits) or 413 (body size), fast.
 */
import 'reflect-metadata';
import crypto from 'node:crypto';
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { migrate, openDatabase } from '../src/db';
import { importDataset } from '../src/import';
import { seedDir } from '../src/seeds';
import { projectRoot } from '../src/paths';
import { createLogger } from '../src/logger';
import { startServer } from '../src/server';
import { createVerifier, signToken, type AuthConfig } from '../src/auth/tokens';
import { Role } from '../src/auth/caller';
import { arg, DEFAULT_PG, flag, freshPostgresDatabase } from './common';

const DURATION = Number(arg('duration', '15'));
const WARMUP = Number(arg('warmup', '3'));
const CONNECTIONS = Number(arg('connections', '8'));
const BOMB_CONNECTIONS = Number(arg('bomb-connections', '1'));
const RATE = Number(arg('rate', '0'));
/** Seconds before a client gives up on a response (counted as a timeout; the connection is reopened). */
const TIMEOUT = Number(arg('timeout', '10'));
/**
 * The server's per-caller rate limit (requests per minute; ServerOptions.rateLimitPerMinute). Off by default: the
 * legitimate load is two callers at hundreds of requests per second, and the bombs come from one caller, so with
 * the production limit both would mostly measure 429s instead of the server and its query limits.
 */
const RATE_LIMIT = Number(arg('rate-limit', '0'));
/** No verifier, no tokens: the server runs open (every request unscoped, so no row-level security). Diagnostic. */
const OPEN = flag('open');
const PG = arg('pg', process.env.DATABASE_URL ?? DEFAULT_PG);
const RESULTS = path.join(projectRoot(), 'bench', 'soak-results.json');
/** Marks the child processes that run the load generators. */
const CLIENT_FLAG = '--soak-load-client';

const DAY = '2023-12-31';
const YEAR = 2023;
const AUTH = { issuer: 'kiemtra', audience: 'kiemtra' };

// ---------------------------------------------------------------------------------------------------------------
// The workloads (built in the child processes; the parent only needs their names).

type TokenName = 'qn' | 'hl';
interface Tokens {
  qn: string;
  hl: string;
}

const ROLLUP = `campaigns { total completed programmed arising byTier { tier total completed } }
  discipline { organizations members membersByCategory { category { code } count percent } byAuthority { authority organizations members } }
  documents { directives guidance }`;

/** The legitimate mix: what a provincial and a district user do (README example queries). */
const LEGIT: { name: string; token: TokenName; query: string }[] = [
  { name: 'QN rollup 2023', token: 'qn', query: `{ unit(code: "QN", asOf: "${DAY}") { name rollup(period: { year: ${YEAR} }) { ${ROLLUP} } } }` },
  {
    name: 'QN children rollups',
    token: 'qn',
    query: `{ unit(code: "QN", asOf: "${DAY}") { children { code name kind descendantCount rollup(period: { year: ${YEAR} }) {
      campaigns { completed } discipline { members membersByCategory { category { code } count percent } } } } } }`,
  },
  {
    name: 'QN.HB history',
    token: 'qn',
    query: `{ unit(code: "QN.HB") { name asOf validTo successor { code name } history { validFrom validTo name kind parent { code } } } }`,
  },
  {
    name: 'QN rollupSeries 2022–2024',
    token: 'qn',
    query: `{ unit(code: "QN") { rollupSeries(fromYear: 2022, toYear: 2024) { year rollup { discipline { members } }
      changes { metric value previous change percentChange } } } }`,
  },
  {
    name: 'QN reconciliation 2023',
    token: 'qn',
    query: `{ reconciliation(code: "QN", year: ${YEAR}) { inconsistencies
      figures { metric fromMonth toMonth stated bound statedPercent computed computedPercent status source } breaches { rule message } } }`,
  },
  {
    name: 'QN.HL rollup + children (scoped)',
    token: 'hl',
    query: `{ unit(code: "QN.HL", asOf: "${DAY}") { name rollup(period: { year: ${YEAR} }) { ${ROLLUP} }
      children { code rollup(period: { year: ${YEAR} }) { campaigns { total completed } discipline { members } } } } }`,
  },
  { name: 'QN.HL history (scoped)', token: 'hl', query: `{ unit(code: "QN.HL") { name validTo history { validFrom validTo name kind } } }` },
];

/** `field { field { … leaf … } }`, `levels` deep. */
const chain = (field: string, levels: number, leaf: string): string =>
  Array.from({ length: levels }).reduce<string>((inner) => `${field} { ${inner} }`, leaf);

/** The bombs, each a POST body; all sent with the QN.HL token. */
function bombs(): { name: string; body: string }[] {
  const gql = (query: string) => JSON.stringify({ query });
  const aliases = Array.from(
    { length: 1000 },
    (_, i) => `r${i}: rollup(period: { year: ${2000 + (i % 30)}, fromMonth: ${1 + (i % 12)} }) { campaigns { total completed } discipline { members } }`,
  ).join(' ');
  const big = (bytes: number) => {
    const head = `{ unit(code: "QN.HL", asOf: "${DAY}") { `;
    return gql(head + 'code '.repeat(Math.ceil((bytes - head.length) / 5)) + '} }');
  };
  return [
    { name: 'children ×20', body: gql(`{ unit(code: "QN.HL", asOf: "${DAY}") { ${chain('children', 20, 'code name kind')} } }`) },
    { name: '1,000 rollup aliases', body: gql(`{ unit(code: "QN.HL", asOf: "${DAY}") { ${aliases} } }`) },
    { name: 'ancestors ×20', body: gql(`{ unit(code: "QN.HL.G001.C01", asOf: "${DAY}") { ${chain('ancestors', 20, 'code name')} } }`) },
    { name: '1,000 directives', body: gql(`{ unit(code: "QN.HL", asOf: "${DAY}") { code ${'@include(if: true) '.repeat(1000)}} }`) },
    { name: '2 MB body', body: big(2 * 1024 * 1024) },
  ];
}

/** Why a legitimate response is a failure, or null: HTTP 200, JSON, no GraphQL error, every root field non-null. */
function legitProblem(status: number, body: string): string | null {
  if (status !== 200) return `HTTP ${status}: ${body.slice(0, 160)}`;
  let parsed: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string } }[] };
  try {
    parsed = JSON.parse(body);
  } catch {
    return `not JSON: ${body.slice(0, 160)}`;
  }
  if (parsed.errors?.length) return `GraphQL error ${parsed.errors[0].extensions?.code ?? ''}: ${parsed.errors[0].message}`.slice(0, 200);
  if (!parsed.data || Object.values(parsed.data).some((v) => v === null)) return 'a root field is null (out of scope or unknown)';
  return null;
}

// ---------------------------------------------------------------------------------------------------------------
// The child process: runs autocannon jobs sent by the parent.

interface Job {
  workload: 'legit' | 'bombs';
  url: string;
  duration: number;
  connections: number;
  rate: number;
  timeout: number;
  /** null: the server runs open, requests carry no Authorization header. */
  tokens: Tokens | null;
}

/** The request headers for a token (none when the server runs open). */
const headersFor = (tokens: Tokens | null, token: TokenName): Record<string, string> => ({
  'content-type': 'application/json',
  ...(tokens ? { authorization: `Bearer ${tokens[token]}` } : {}),
});

/** One autocannon run, summarized. Latencies in ms. */
interface LoadSummary {
  sent: number;
  completed: number;
  rps: number;
  p50: number;
  p99: number;
  max: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statuses: Record<string, number>;
  bytes: number;
}
interface LegitResult extends LoadSummary {
  /** Answered 200 but with a GraphQL error or a null root field. */
  invalid: number;
  failures: Record<string, { count: number; samples: string[] }>;
}
interface BombResult extends LoadSummary {
  name: string;
  requestBytes: number;
}

interface AutocannonResult {
  requests: { sent: number; total: number };
  latency: { p50: number; p99: number; max: number };
  duration: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodeStats: Record<string, { count: number }>;
  throughput: { total: number };
}
type Autocannon = (opts: Record<string, unknown>, cb: (err: Error | null, result: AutocannonResult) => void) => unknown;

async function runClient(): Promise<void> {
  // autocannon ships no types and is a devDependency: loaded only here, in the child.
  const autocannon = require('autocannon') as Autocannon;
  const run = (opts: Record<string, unknown>) =>
    new Promise<AutocannonResult>((resolve, reject) => autocannon(opts, (err, r) => (err ? reject(err) : resolve(r))));
  const summary = (r: AutocannonResult): LoadSummary => ({
    sent: r.requests.sent,
    completed: r.requests.total,
    rps: r.duration > 0 ? r.requests.total / r.duration : 0,
    p50: r.latency.p50,
    p99: r.latency.p99,
    max: r.latency.max,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    statuses: Object.fromEntries(Object.entries(r.statusCodeStats).map(([code, s]) => [code, s.count])),
    bytes: r.throughput.total,
  });

  const legit = async (job: Job): Promise<LegitResult> => {
    const failures: LegitResult['failures'] = {};
    let invalid = 0;
    const requests = LEGIT.map((q) => ({
      method: 'POST',
      path: '/graphql',
      headers: headersFor(job.tokens, q.token),
      body: JSON.stringify({ query: q.query }),
      onResponse: (status: number, body: string) => {
        const problem = legitProblem(status, body);
        if (!problem) return;
        if (status === 200) invalid++;
        const f = (failures[q.name] ??= { count: 0, samples: [] });
        f.count++;
        if (f.samples.length < 3 && !f.samples.includes(problem)) f.samples.push(problem);
      },
    }));
    const r = await run({
      url: job.url,
      connections: job.connections,
      duration: job.duration,
      timeout: job.timeout,
      ...(job.rate > 0 ? { overallRate: job.rate } : {}),
      requests,
    });
    return { ...summary(r), invalid, failures };
  };

  const bombing = (job: Job): Promise<BombResult[]> =>
    // One autocannon per bomb kind, all at once: per-kind status counts and latencies.
    Promise.all(
      bombs().map(async (b) => {
        const r = await run({
          url: job.url,
          connections: job.connections,
          duration: job.duration,
          timeout: job.timeout,
          method: 'POST',
          headers: headersFor(job.tokens, 'hl'),
          body: b.body,
        });
        return { name: b.name, requestBytes: Buffer.byteLength(b.body), ...summary(r) };
      }),
    );

  process.on('message', (msg: { job: Job }) => {
    const work = msg.job.workload === 'legit' ? legit(msg.job) : bombing(msg.job);
    work.then(
      (result) => process.send!({ result }),
      (err: Error) => process.send!({ error: String(err?.stack ?? err) }),
    );
  });
  process.on('disconnect', () => process.exit(0));
  process.send!({ ready: true });
}

// ---------------------------------------------------------------------------------------------------------------
// The parent: database, server, phases, memory, report.

/** A load-generator child process, ready for jobs. */
async function spawnClient(): Promise<ChildProcess> {
  const child = fork(__filename, [CLIENT_FLAG], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`load client exited with ${code} before it was ready`)));
  });
  child.removeAllListeners('exit');
  return child;
}

/** Sends a job and waits for its result; kills the child if it overruns the job's own bound by 30 s. */
function runJob<T>(child: ChildProcess, job: Job): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const guard = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`load client (${job.workload}) did not finish within ${job.duration + job.timeout + 30} s`));
    }, (job.duration + job.timeout + 30) * 1000);
    const onExit = (code: number | null) => {
      clearTimeout(guard);
      reject(new Error(`load client (${job.workload}) exited with ${code}`));
    };
    child.once('exit', onExit);
    child.once('message', (msg: { result?: T; error?: string }) => {
      clearTimeout(guard);
      child.off('exit', onExit);
      if (msg.error) reject(new Error(`load client (${job.workload}): ${msg.error}`));
      else resolve(msg.result as T);
    });
    child.send({ job });
  });
}

/** A full garbage collection, without starting node with --expose-gc: heap retained, not garbage, is what leaks. */
function fullGc(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

interface MemorySample {
  t: number;
  phase: string;
  rss: number;
  heapUsed: number;
}

const MB = (bytes: number) => bytes / 1024 / 1024;
const fmtMB = (bytes: number) => `${MB(bytes).toFixed(0)} MB`;
const sign = (n: number) => (n >= 0 ? '+' : '');
const fmtStatuses = (s: Record<string, number>) =>
  Object.entries(s)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([code, n]) => `${code}×${n}`)
    .join(' ') || '—';

async function main() {
  const started = Date.now();
  // The whole run is bounded: setup and teardown get two minutes beside the phases.
  const bound = WARMUP + 2 * DURATION + 2 * TIMEOUT + 120;
  const watchdog = setTimeout(() => {
    console.error(`bench:soak: still running after ${bound} s; giving up (a database kiemtra_bench_soak_${process.pid} may be left behind)`);
    process.exit(1);
  }, bound * 1000);
  watchdog.unref();

  // Key pair and tokens.
  const keyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiemtra-soak-'));
  const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519');
  const auth: AuthConfig = { ...AUTH, publicKeyFile: path.join(keyDir, 'public.pem'), privateKeyFile: path.join(keyDir, 'private.pem') };
  fs.writeFileSync(auth.publicKeyFile!, publicKey.export({ type: 'spki', format: 'pem' }));
  fs.writeFileSync(auth.privateKeyFile!, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  const sign = (unit: string) => signToken(auth, { subject: `soak-${unit}`, unit, roles: [Role.VIEWER], expiresIn: '1h' });
  const tokens: Tokens | null = OPEN ? null : { qn: await sign('QN'), hl: await sign('QN.HL') };

  const clients = [spawnClient(), spawnClient()]; // they load while the database is prepared
  for (const c of clients) c.catch(() => undefined); // awaited below; a failure must not be unhandled meanwhile
  const closeClients = () => {
    for (const c of clients) c.then((child) => child.connected && child.disconnect(), () => undefined);
  };
  let db: Awaited<ReturnType<typeof freshPostgresDatabase>>;
  try {
    db = await freshPostgresDatabase(PG, 'kiemtra_bench_soak');
  } catch (err) {
    closeClients();
    throw err;
  }
  const samples: MemorySample[] = [];
  /** Heap used after a full GC at the start of the baseline and at the end of the attack. */
  const settled = { start: 0, end: 0 };
  const loadBefore = os.loadavg()[0];
  let sampler: NodeJS.Timeout | undefined;
  let legit: { baseline: LegitResult; attack: LegitResult } | undefined;
  let bombResults: BombResult[] = [];
  let setupSeconds = 0;
  try {
    const orm = await openDatabase({ databaseUrl: db.url, dataDir: '' });
    try {
      await migrate(orm);
      await importDataset(orm, seedDir('quang-ninh-2023'));
      const server = await startServer(orm, createLogger('silent'), '127.0.0.1', 0, {
        verifier: OPEN ? null : await createVerifier(auth),
        rateLimitPerMinute: RATE_LIMIT,
      });
      try {
        const [legitClient, bombClient] = await Promise.all(clients);
        setupSeconds = (Date.now() - started) / 1000;
        process.stderr.write(`setup ${setupSeconds.toFixed(1)} s; server at ${server.url}\n`);

        // Every legitimate query once (all at once), checked before anything is measured. Bounded by --timeout plus
        // 10 s, so that an answer cut short by the server's own statement timeout (10 s by default) is still seen.
        const probes = await Promise.all(
          LEGIT.map(async (q) => {
            const start = performance.now();
            try {
              const res = await fetch(server.url, {
                method: 'POST',
                headers: headersFor(tokens, q.token),
                body: JSON.stringify({ query: q.query }),
                signal: AbortSignal.timeout((TIMEOUT + 10) * 1000),
              });
              return { name: q.name, ms: performance.now() - start, problem: legitProblem(res.status, await res.text()) };
            } catch (err) {
              return { name: q.name, ms: performance.now() - start, problem: `no answer: ${(err as Error).message}` };
            }
          }),
        );
        for (const p of probes) process.stderr.write(`  first request (all ${LEGIT.length} at once): ${p.name}: ${p.ms.toFixed(0)} ms${p.problem ? ` — ${p.problem}` : ''}\n`);
        const broken = probes.filter((p) => p.problem);
        if (broken.length > 0) {
          throw new Error(
            `${broken.length} of ${LEGIT.length} legitimate queries fail before any load (nothing measured):\n` +
              broken.map((p) => `  ${p.name} (${p.ms.toFixed(0)} ms): ${p.problem}`).join('\n'),
          );
        }

        let phase = 'warm-up';
        const t0 = Date.now();
        const sample = () => {
          const m = process.memoryUsage();
          samples.push({ t: Date.now() - t0, phase, rss: m.rss, heapUsed: m.heapUsed });
        };
        sample();
        sampler = setInterval(sample, 500);
        const job = (workload: Job['workload'], duration: number, connections: number): Job => ({
          workload,
          url: server.url,
          duration,
          connections,
          rate: workload === 'legit' ? RATE : 0,
          timeout: TIMEOUT,
          tokens,
        });

        if (WARMUP > 0) {
          process.stderr.write(`warm-up ${WARMUP} s…\n`);
          await runJob<LegitResult>(legitClient, job('legit', WARMUP, CONNECTIONS));
        }
        const gc = fullGc();
        gc();
        settled.start = process.memoryUsage().heapUsed;
        phase = 'baseline';
        sample();
        process.stderr.write(`baseline ${DURATION} s, ${CONNECTIONS} connections…\n`);
        const baseline = await runJob<LegitResult>(legitClient, job('legit', DURATION, CONNECTIONS));
        phase = 'attack';
        sample();
        process.stderr.write(`under attack ${DURATION} s, ${CONNECTIONS} legitimate connections + ${BOMB_CONNECTIONS} per bomb kind…\n`);
        const [attack, fired] = await Promise.all([
          runJob<LegitResult>(legitClient, job('legit', DURATION, CONNECTIONS)),
          runJob<BombResult[]>(bombClient, job('bombs', DURATION, BOMB_CONNECTIONS)),
        ]);
        phase = 'end';
        sample();
        clearInterval(sampler);
        gc();
        settled.end = process.memoryUsage().heapUsed;
        legit = { baseline, attack };
        bombResults = fired;
      } finally {
        if (sampler) clearInterval(sampler);
        await server.stop();
      }
    } finally {
      await orm.close(true);
    }
  } finally {
    closeClients();
    await db.drop();
    fs.rmSync(keyDir, { recursive: true, force: true });
  }
  report(legit!, bombResults, samples, settled, [loadBefore, os.loadavg()[0]], setupSeconds, (Date.now() - started) / 1000);
}

function report(
  legit: { baseline: LegitResult; attack: LegitResult },
  bombResults: BombResult[],
  samples: MemorySample[],
  settled: { start: number; end: number },
  load: number[],
  setupSeconds: number,
  totalSeconds: number,
) {
  const { baseline, attack } = legit;
  const failed = (r: LegitResult) => r.non2xx + r.errors + r.timeouts + r.invalid;
  const bombsSent = bombResults.reduce((s, b) => s + b.sent, 0);
  const bombStatuses: Record<string, number> = {};
  for (const b of bombResults) for (const [code, n] of Object.entries(b.statuses)) bombStatuses[code] = (bombStatuses[code] ?? 0) + n;
  const p99Ratio = baseline.p99 > 0 ? attack.p99 / baseline.p99 : NaN;
  const p50Ratio = baseline.p50 > 0 ? attack.p50 / baseline.p50 : NaN;
  const rpsRatio = baseline.rps > 0 ? attack.rps / baseline.rps : NaN;

  // Memory over the measured run: from the start of the baseline to the end of the attack.
  const measured = samples.filter((s) => s.phase === 'baseline' || s.phase === 'attack' || s.phase === 'end');
  const peak = (phase: string, key: 'rss' | 'heapUsed') => Math.max(...samples.filter((s) => s.phase === phase).map((s) => s[key]));
  const first = measured[0];
  const last = measured[measured.length - 1];
  const memory = {
    samples: samples.length,
    rssAfterSetup: samples[0].rss,
    rssStart: first.rss,
    rssPeakBaseline: peak('baseline', 'rss'),
    rssPeakAttack: peak('attack', 'rss'),
    rssPeak: Math.max(...measured.map((s) => s.rss)),
    rssEnd: last.rss,
    rssGrowth: last.rss - first.rss,
    heapUsedStart: first.heapUsed,
    heapUsedPeak: Math.max(...measured.map((s) => s.heapUsed)),
    heapUsedEnd: last.heapUsed,
    heapAfterGcStart: settled.start,
    heapAfterGcEnd: settled.end,
    heapAfterGcGrowth: settled.end - settled.start,
  };

  const W = [14, 10, 9, 9, 9, 8, 12];
  const row = (cells: string[]) => cells.map((c, i) => (i < W.length ? c.padEnd(W[i]) : c)).join('');
  console.log(
    `\nkiemtra load and soak (${os.cpus().length} cores, load average ${load.map((l) => l.toFixed(1)).join(' → ')}, Node ${process.version}); reference seed on PostgreSQL; ` +
      `${DURATION} s per phase after ${WARMUP} s warm-up; ${CONNECTIONS} legitimate connections` +
      `${RATE > 0 ? ` capped at ${RATE} req/s` : ''} over ${LEGIT.length} queries (${OPEN ? 'server OPEN: no tokens, no scope' : 'tokens QN and QN.HL'}); ` +
      `${BOMB_CONNECTIONS} connection per bomb kind (${bombResults.length} kinds${OPEN ? '' : ', token QN.HL'}); ` +
      `rate limit ${RATE_LIMIT > 0 ? `${RATE_LIMIT}/min per caller` : 'off'}\n`,
  );
  console.log(row(['phase', 'legit rps', 'p50 ms', 'p99 ms', 'max ms', 'non-2xx', 'failed', 'bombs sent, statuses']));
  const line = (name: string, r: LegitResult, bombs: string) =>
    console.log(row([name, r.rps.toFixed(1), String(r.p50), String(r.p99), String(r.max), String(r.non2xx), String(failed(r)), bombs]));
  line('baseline', baseline, '—');
  line('under attack', attack, `${bombsSent}: ${fmtStatuses(bombStatuses)}`);
  const target = Number.isFinite(p99Ratio) ? (p99Ratio <= 2 ? 'met' : 'NOT met') : 'n/a';
  console.log(
    `\np99 under attack / baseline: ${p99Ratio.toFixed(2)}× (target ≤ 2×: ${target}); p50 ${p50Ratio.toFixed(2)}×; rps ${rpsRatio.toFixed(2)}×`,
  );

  console.log('\nbombs (each kind on its own connection, for the whole attack phase):');
  const BW = [22, 11, 7, 10, 20, 10, 9, 9];
  const brow = (cells: string[]) => cells.map((c, i) => (i < BW.length ? c.padEnd(BW[i]) : c)).join('');
  console.log(brow(['bomb', 'body', 'sent', 'answered', 'statuses', 'timeouts', 'p50 ms', 'max ms', 'verdict']));
  for (const b of bombResults) {
    const codes = Object.keys(b.statuses);
    const only = (allowed: string[]) => codes.length > 0 && codes.every((c) => allowed.includes(c)) && b.timeouts === 0 && b.errors === 0;
    const verdict = only(['400', '413'])
      ? 'rejected'
      : only(['400', '413', '429'])
        ? 'rejected / rate-limited'
        : codes.some((c) => c.startsWith('2'))
          ? 'ANSWERED (no limit)'
          : 'NOT rejected cleanly';
    console.log(
      brow([
        b.name,
        b.requestBytes >= 1024 * 1024 ? `${MB(b.requestBytes).toFixed(1)} MB` : `${(b.requestBytes / 1024).toFixed(1)} KB`,
        String(b.sent),
        String(b.completed),
        fmtStatuses(b.statuses),
        String(b.timeouts),
        String(b.p50),
        String(b.max),
        verdict,
      ]),
    );
  }

  console.log(
    `\nserver RSS (this process, every 500 ms): after setup ${fmtMB(memory.rssAfterSetup)}; start of baseline ${fmtMB(memory.rssStart)}, ` +
      `peak baseline ${fmtMB(memory.rssPeakBaseline)}, peak under attack ${fmtMB(memory.rssPeakAttack)}, end ${fmtMB(memory.rssEnd)}; ` +
      `growth over the run ${sign(memory.rssGrowth)}${fmtMB(memory.rssGrowth)} (${((memory.rssGrowth / memory.rssStart) * 100).toFixed(0)}%)`,
  );
  console.log(
    `server heap used: start ${fmtMB(memory.heapUsedStart)}, peak ${fmtMB(memory.heapUsedPeak)}, end ${fmtMB(memory.heapUsedEnd)}; ` +
      `after a full GC: start ${fmtMB(memory.heapAfterGcStart)}, end ${fmtMB(memory.heapAfterGcEnd)} ` +
      `(${sign(memory.heapAfterGcGrowth)}${fmtMB(memory.heapAfterGcGrowth)} retained)`,
  );
  console.log(`setup ${setupSeconds.toFixed(1)} s, total ${totalSeconds.toFixed(1)} s`);

  const failures = { baseline: baseline.failures, attack: attack.failures };
  for (const [phase, f] of Object.entries(failures)) {
    for (const [name, { count, samples: s }] of Object.entries(f)) console.log(`FAILED (${phase}) ${name}: ${count}× — ${s.join(' | ')}`);
  }
  for (const [phase, r] of Object.entries({ baseline, attack })) {
    if (r.errors + r.timeouts > 0) console.log(`FAILED (${phase}): ${r.errors} connection errors, ${r.timeouts} timeouts`);
  }

  fs.writeFileSync(
    RESULTS,
    JSON.stringify(
      {
        date: new Date().toISOString(),
        environment: { cores: os.cpus().length, loadAverage: load, node: process.version, platform: `${os.platform()} ${os.release()}` },
        options: {
          duration: DURATION,
          warmup: WARMUP,
          connections: CONNECTIONS,
          bombConnections: BOMB_CONNECTIONS,
          rate: RATE,
          timeout: TIMEOUT,
          rateLimitPerMinute: RATE_LIMIT,
          open: OPEN,
        },
        legitQueries: LEGIT.map((q) => ({ name: q.name, token: q.token === 'qn' ? 'QN' : 'QN.HL' })),
        baseline,
        attack,
        ratios: { p99: p99Ratio, p50: p50Ratio, rps: rpsRatio, p99Target: 2, p99TargetMet: p99Ratio <= 2 },
        bombs: bombResults,
        memory: { ...memory, series: samples },
        setupSeconds,
        totalSeconds,
      },
      null,
      2,
    ) + '\n',
  );
  console.log(`written ${path.relative(process.cwd(), RESULTS)}`);
  if (failed(baseline) + failed(attack) > 0) {
    console.log(`\n${failed(baseline) + failed(attack)} legitimate requests failed`);
    process.exitCode = 1;
  }
}

if (process.argv.includes(CLIENT_FLAG)) {
  runClient().catch((err) => {
    console.error(err);
    process.exit(1);
  });
} else {
  main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
