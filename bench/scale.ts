/**
 * The national-scale benchmark (a script, not a test): a generated dataset at one scale, imported into a fresh
 * PostgreSQL database, then — in one run — import speed, three rollup queries through the GraphQL executor against
 * the raw fact scan that answers the same figures, and the real server's throughput under load.
 *
 *   npm run bench -- [--scale small|province|national] [--years 2014-2024] [--seed 1] [--duration 10]
 *                    [--runs 25] [--warmups 10] [--budget 60] [--connections 10] [--out bench/results.json]
 *                    [--dataset <folder>] [--pg postgres://postgres@127.0.0.1:5432/postgres] [--keep]
 *
 * 1. Dataset: generateDataset (src/generate) for (scale, years, seed), cached in the OS temp folder under those
 *    three (and a hash of the compiled generator, so that a changed generator is not served stale data): a rerun
 *    skips generation and says so. --dataset <folder> imports that folder instead (e.g. seeds/quang-ninh-2023).
 * 2. Import: a fresh database kiemtra_bench_<pid> on DATABASE_URL's server (or --pg; default the local server),
 *    migrated, loaded with the real importer; rows per second = data rows of every file / wall seconds. The
 *    database is dropped at the end, on failure and on Ctrl-C too (--keep leaves it, and prints its URL).
 * 3. Queries, in-process through Apollo's executor (the server's schema, limits and request plugin, a fresh
 *    context per request), each against the raw fact scan: the engine's campaignStats, disciplineStats and
 *    documentStats called directly with `source: 'scan'` on the same roots and year, the three statements at once
 *    (as the loaders send them). Medians after warm-ups; a case whose runs would overrun --budget seconds gets fewer
 *    runs (at least 5). Also the engine's default path (`source: 'auto'`) alone, to tell SQL from GraphQL time, and
 *    the same request through a server with the response cache, warm (the data version read and the kept answer),
 *    and executed by graphql-js instead of the compiled query (src/executor.ts; the answer must be the same).
 *    a. root rollup for the last year, every figure of `rollup`;
 *    b. the rollups of the root's children (the provinces), every figure;
 *    c. the rollups of the province with the most units: its children and their children (the grassroots units;
 *       the tree is ragged, some hang directly under the province), every figure.
 *    The first run of each query is checked against the scan: every figure must agree.
 * 4. Load: the real server (`node bin/kiemtra.js serve`) as a child process on loopback (open, rate limit off),
 *    autocannon for --duration seconds on query b with --connections connections: requests/s, p50, p99, non-2xx,
 *    and the server's peak resident memory (VmHWM) read before it is stopped. Twice: with the response cache off
 *    (every request executed), then on (the default).
 * 5. A table (ratios first) and --out (default bench/results.json). Targets (set for the national scale, printed
 *    at every scale) are marked PASS/FAIL; a FAIL does not change the exit code. Exit 1 on errors, and when GraphQL
 *    and the scan disagree on a figure (after writing the results).
 */
import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { isDeepStrictEqual } from 'node:util';
import type { ApolloServer } from '@apollo/server';
import { createApolloServer } from '../src/apollo';
import { createResponseCache } from '../src/cache/response-cache';
import { DEFAULT_RESPONSE_CACHE_MB } from '../src/config';
import { migrate, openDatabase, statementCounter, type Orm } from '../src/db';
import type { Context } from '../src/context';
import { createLogger } from '../src/logger';
import { importDataset, type ImportReport } from '../src/import';
import { campaignStats, disciplineStats, documentStats, rollupKey, type RollupScope } from '../src/rollup/engine';
import { loadCategories } from '../src/rollup/rollup.loaders';
import { pgArray, queryRows } from '../src/sql';
import { projectRoot } from '../src/paths';
import { generateDataset, SCALES, type GenerateSummary, type Scale } from '../src/generate';
import { arg, DEFAULT_PG, flag, freshPostgresDatabase, median, runQuery } from './common';

// ---------------------------------------------------------------------------------------------------------------
// Options.

function options() {
  const scale = arg('scale', 'small') as Scale;
  if (!(SCALES as readonly string[]).includes(scale)) throw new Error(`--scale must be one of ${SCALES.join(', ')}, got "${scale}"`);
  const years = arg('years', '2014-2024');
  const m = /^(\d{4})-(\d{4})$/.exec(years);
  if (!m || Number(m[1]) > Number(m[2])) throw new Error(`--years must be FROM-TO (e.g. 2014-2024), got "${years}"`);
  const whole = (name: string, fallback: string, min: number) => {
    const n = Number(arg(name, fallback));
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number ≥ ${min}, got "${arg(name, fallback)}"`);
    return n;
  };
  const dataset = arg('dataset', '');
  return {
    scale,
    fromYear: Number(m[1]),
    toYear: Number(m[2]),
    seed: whole('seed', '1', 0),
    /** Seconds of load on the real server. */
    duration: whole('duration', scale === 'small' ? '10' : '20', 1),
    connections: whole('connections', '10', 1),
    /** Measured runs per case (medians), after `warmups` unmeasured ones. */
    runs: whole('runs', '25', 1),
    // Ten: a compiled query is new code that V8 optimizes only after some calls; with three warm-ups the first query
    // measured through the compiled executor ran ~30% slower than the same request after a few more (measured on the
    // provinces page: median 33 ms over the first 15 runs, 18–26 ms afterwards, same process).
    warmups: whole('warmups', '10', 0),
    /** Seconds one case may take: beyond it, fewer runs (at least MIN_RUNS). */
    budget: whole('budget', '60', 1),
    out: path.resolve(arg('out', path.join(projectRoot(), 'bench', 'results.json'))),
    pg: arg('pg', process.env.DATABASE_URL || DEFAULT_PG),
    dataset: dataset ? path.resolve(dataset) : null,
    /** Leave the database in place (its URL is printed), e.g. for EXPLAIN ANALYZE in psql. */
    keep: flag('keep'),
  };
}
type Options = ReturnType<typeof options>;
const MIN_RUNS = 5;

/** Targets for the national scale (printed at every scale). */
const TARGETS = {
  rootMs: 10,
  provincesMs: 30,
  grassrootsMs: 150,
  ratio: 10,
  importRowsPerSecond: 50_000,
};

const log = (line: string) => process.stderr.write(`${line}\n`);

// ---------------------------------------------------------------------------------------------------------------
// 1. The dataset (generated once per scale, years, seed and generator version).

interface Dataset {
  dir: string;
  source: 'generated' | 'cache' | 'folder';
  generateSeconds: number | null;
  summary: GenerateSummary | null;
}

/** A short hash of the compiled generator: a changed generator gets its own cache entry. */
function generatorVersion(): string {
  const dir = path.join(projectRoot(), 'dist', 'src', 'generate');
  const hash = crypto.createHash('sha256');
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.js')).sort()) {
    hash.update(file).update(fs.readFileSync(path.join(dir, file)));
  }
  return hash.digest('hex').slice(0, 10);
}

async function datasetFor(o: Options): Promise<Dataset> {
  if (o.dataset) return { dir: o.dataset, source: 'folder', generateSeconds: null, summary: null };
  const prefix = `kiemtra-scale-${o.scale}-${o.fromYear}-${o.toYear}-seed${o.seed}-`;
  const cache = path.join(os.tmpdir(), prefix + generatorVersion());
  const dir = path.join(cache, 'data');
  const summaryFile = path.join(cache, 'summary.json');
  if (fs.existsSync(summaryFile)) {
    const cached = JSON.parse(fs.readFileSync(summaryFile, 'utf8')) as { summary: GenerateSummary; generateSeconds: number };
    log(`dataset: cached in ${cache} (generation skipped; delete the folder to regenerate)`);
    return { dir, source: 'cache', generateSeconds: cached.generateSeconds, summary: cached.summary };
  }
  const tmp = `${cache}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(path.join(tmp, 'data'), { recursive: true });
  const removeTmp = async () => fs.rmSync(tmp, { recursive: true, force: true });
  cleanups.push(removeTmp); // on Ctrl-C
  log(`dataset: generating ${o.scale} ${o.fromYear}–${o.toYear} seed ${o.seed} into ${cache}…`);
  const start = performance.now();
  try {
    let shown = 0;
    const summary = await generateDataset({
      scale: o.scale,
      fromYear: o.fromYear,
      toYear: o.toYear,
      seed: o.seed,
      dir: path.join(tmp, 'data'),
      onProgress: (done, total) => {
        const pct = Math.floor((done / total) * 10) * 10;
        if (pct > shown) log(`  ${pct}% of ${total.toLocaleString('en')} unit-years`);
        shown = pct;
      },
    });
    const generateSeconds = (performance.now() - start) / 1000;
    fs.writeFileSync(path.join(tmp, 'summary.json'), JSON.stringify({ summary, generateSeconds }, null, 2) + '\n');
    try {
      fs.renameSync(tmp, cache); // complete or absent: an interrupted generation is never taken for a cached one
    } catch (err) {
      if (!fs.existsSync(summaryFile)) throw err; // else another run cached the same dataset meanwhile
    }
    log(`dataset: generated in ${generateSeconds.toFixed(1)} s`);
    // The same dataset from an earlier version of the generator is stale: remove it (national is gigabytes).
    for (const entry of fs.readdirSync(os.tmpdir())) {
      if (entry.startsWith(prefix) && /^[0-9a-f]{10}$/.test(entry.slice(prefix.length)) && entry !== path.basename(cache)) {
        fs.rmSync(path.join(os.tmpdir(), entry), { recursive: true, force: true });
        log(`dataset: removed ${entry} (an earlier generator's)`);
      }
    }
    return { dir, source: 'generated', generateSeconds, summary };
  } finally {
    await removeTmp(); // renamed, or half-written
    cleanups.splice(cleanups.indexOf(removeTmp), 1);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// 3. The queries, through GraphQL and as the raw fact scan.

/** Every figure of a rollup. */
const FULL = `campaigns { total completed cancelled programmed arising byTier { tier total completed } byBody { body total completed } }
  discipline { organizations members membersByCategory { category { code } count share percent }
    byAuthority { authority organizations members membersByCategory { category { code } count share percent } }
    byForm { form organizations members } }
  documents { total directives guidance }`;

const rootQuery = (code: string, day: string, year: number) =>
  `{ unit(code: ${JSON.stringify(code)}, asOf: "${day}") { code rollup(period: { year: ${year} }) { ${FULL} } } }`;
const provincesQuery = (code: string, day: string, year: number) =>
  `{ unit(code: ${JSON.stringify(code)}, asOf: "${day}") { code children { code rollup(period: { year: ${year} }) { ${FULL} } } } }`;
const grassrootsQuery = (code: string, day: string, year: number) =>
  `{ unit(code: ${JSON.stringify(code)}, asOf: "${day}") { code children { code rollup(period: { year: ${year} }) { ${FULL} }
    children { code rollup(period: { year: ${year} }) { ${FULL} } } } } }`;

interface GqlShare {
  category: { code: string };
  count: number;
  share: number | null;
  percent: number | null;
}
interface GqlRollup {
  campaigns: Record<string, unknown>;
  discipline: {
    organizations: number;
    members: number;
    membersByCategory: GqlShare[];
    byAuthority: { authority: string; organizations: number; members: number; membersByCategory: GqlShare[] }[];
    byForm: unknown[];
  };
  documents: Record<string, unknown>;
}
interface GqlUnit {
  code: string;
  rollup?: GqlRollup;
  children?: GqlUnit[];
}

/** Every unit of a response that has a rollup, by code. */
function rollupsOf(unit: GqlUnit, into = new Map<string, GqlRollup>()): Map<string, GqlRollup> {
  if (unit.rollup) into.set(unit.code, unit.rollup);
  for (const child of unit.children ?? []) rollupsOf(child, into);
  return into;
}

/** The same figures from either side, comparable: shares as code, count and percent. */
function comparable(r: {
  campaigns: unknown;
  discipline: { organizations: number; members: number; membersByCategory: readonly { category: { code: string }; count: number; percent: number | null }[]; byAuthority: readonly { authority: string; organizations: number; members: number; membersByCategory: readonly { category: { code: string }; count: number; percent: number | null }[] }[]; byForm: unknown };
  documents: unknown;
}) {
  const shares = (list: readonly { category: { code: string }; count: number; percent: number | null }[]) =>
    list.map((s) => ({ code: s.category.code, count: s.count, percent: s.percent }));
  return {
    campaigns: JSON.parse(JSON.stringify(r.campaigns)),
    discipline: {
      organizations: r.discipline.organizations,
      members: r.discipline.members,
      membersByCategory: shares(r.discipline.membersByCategory),
      byAuthority: r.discipline.byAuthority.map((a) => ({ authority: a.authority, organizations: a.organizations, members: a.members, membersByCategory: shares(a.membersByCategory) })),
      byForm: JSON.parse(JSON.stringify(r.discipline.byForm)),
    },
    documents: JSON.parse(JSON.stringify(r.documents)),
  };
}

/**
 * The engine's scope with the fact source chosen: `scan` forces the single-statement-per-section fact scan,
 * `auto` (the default) answers from pre-aggregated totals where it can.
 */
type SourcedScope = RollupScope & { source?: 'auto' | 'scan' };

/** The three sections for every root at once, one statement each, sent together (as the request's loaders do). */
async function engineOnce(orm: Orm, rootIds: number[], year: number, categories: Awaited<ReturnType<typeof loadCategories>>, source: 'auto' | 'scan') {
  const em = orm.em.fork();
  const scope: SourcedScope = { rootIds, years: [year], fromMonth: 1, toMonth: 12, asOf: null, scopeUnitId: null, source };
  const before = statementCounter.count;
  const start = performance.now();
  const [campaigns, discipline, documents] = await Promise.all([
    campaignStats(em, scope),
    disciplineStats(em, scope, categories),
    documentStats(em, scope),
  ]);
  const ms = performance.now() - start;
  return { ms, statements: statementCounter.count - before, campaigns, discipline, documents };
}

interface Measured {
  median: number;
  min: number;
  max: number;
  runs: number;
  warmups: number;
  /** SQL statements of the first measured run. */
  statements: number;
}

/**
 * Median of `o.runs` runs after `o.warmups` warm-ups; when the first warm-up says the case would take more than
 * `o.budget` seconds, fewer runs (at least MIN_RUNS) and a single warm-up.
 */
async function measure(o: Options, label: string, once: () => Promise<{ ms: number; statements: number }>): Promise<Measured> {
  const first = await once();
  const budgetMs = o.budget * 1000;
  let runs = o.runs;
  let warmups = Math.max(1, o.warmups);
  if (first.ms * (warmups + runs) > budgetMs) {
    runs = Math.max(MIN_RUNS, Math.min(runs, Math.floor(budgetMs / Math.max(first.ms, 0.001)) - 1));
    warmups = 1;
  }
  for (let i = 1; i < warmups; i++) await once();
  const results: { ms: number; statements: number }[] = [];
  for (let i = 0; i < runs; i++) results.push(await once());
  const ms = results.map((r) => r.ms);
  const m: Measured = { median: median(ms), min: Math.min(...ms), max: Math.max(...ms), runs, warmups, statements: results[0].statements };
  log(`  ${label}: median ${m.median.toFixed(2)} ms over ${runs} runs, ${m.statements} statements`);
  return m;
}

interface QueryCase {
  key: 'root' | 'provinces' | 'grassroots';
  label: string;
  query: string;
  /** Units rolled up by the query (= roots of the scan). */
  units: number;
  graphql: Measured;
  /** The same request through a server with the response cache, warm (every run after the first is a hit). */
  cached: Measured;
  /** The same request executed by graphql-js instead of the compiled query (src/executor.ts). */
  interpreted: Measured;
  scan: Measured;
  auto: Measured;
  /** scan median / GraphQL median. */
  ratio: number;
  targetMs: number;
  /** Figures on which GraphQL and the scan disagree (unit code and section). */
  mismatches: string[];
}

// ---------------------------------------------------------------------------------------------------------------
// 4. The real server under load.

interface AutocannonResult {
  requests: { sent: number; total: number; average: number };
  latency: { p50: number; p90: number; p99: number; max: number; average: number };
  duration: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodeStats: Record<string, { count: number }>;
}
type Autocannon = (opts: Record<string, unknown>, cb: (err: Error | null, result: AutocannonResult) => void) => unknown;

interface LoadResult {
  query: string;
  /** KIEMTRA_RESPONSE_CACHE_MB of the server (0: every request executed). */
  cacheMb: number;
  duration: number;
  connections: number;
  requests: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Answered 200 with a GraphQL error. */
  graphqlErrors: number;
  statuses: Record<string, number>;
  /** The server's peak resident set (VmHWM), bytes. */
  serverPeakRss: number | null;
  serverStartSeconds: number;
}

/** The real server as a child process on loopback; resolves with its URL once it answers /ready. */
async function startChildServer(databaseUrl: string, cacheMb: number): Promise<{ child: ChildProcess; url: string; stop: () => Promise<void> }> {
  const env: NodeJS.ProcessEnv = { ...process.env, KIEMTRA_RESPONSE_CACHE_MB: String(cacheMb), DATABASE_URL: databaseUrl, PORT: '0', HOST: '127.0.0.1', KIEMTRA_RATE_LIMIT_PER_MINUTE: '0', LOG_LEVEL: 'error' };
  // Open on loopback: no token key, no replicas.
  for (const name of Object.keys(env)) if (name.startsWith('KIEMTRA_AUTH_') || name === 'DATABASE_REPLICA_URLS') delete env[name];
  // The young generation as `npm start` sizes it (README, Configuration).
  const child = spawn(process.execPath, ['--max-semi-space-size=128', path.join(projectRoot(), 'bin', 'kiemtra.js'), 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the server did not start within 60 s:\n${output}`)), 60_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const m = /GraphiQL at (http:\/\/\S+)/.exec(output);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`the server exited with ${code} before it was ready:\n${output}`));
      });
    });
    const ready = new URL('/ready', url);
    for (let i = 0; ; i++) {
      const res = await fetch(ready).catch(() => null);
      if (res?.ok) break;
      if (i >= 100) throw new Error(`the server at ${url} is not ready after 10 s`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return { child, url, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** VmHWM (peak resident set) of a process, from /proc (Linux); null elsewhere. */
function peakRss(pid: number): number | null {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

async function loadTest(o: Options, databaseUrl: string, query: string, cacheMb: number): Promise<LoadResult> {
  const started = performance.now();
  const server = await startChildServer(databaseUrl, cacheMb);
  cleanups.push(server.stop); // on Ctrl-C
  try {
    const serverStartSeconds = (performance.now() - started) / 1000;
    const body = JSON.stringify({ query });
    const headers = { 'content-type': 'application/json' };
    // One request first, checked: nothing is measured on a query the server refuses.
    const probe = await fetch(server.url, { method: 'POST', headers, body });
    const probeText = await probe.text();
    if (probe.status !== 200 || JSON.parse(probeText).errors) throw new Error(`the load query fails on the server: HTTP ${probe.status} ${probeText.slice(0, 300)}`);

    // autocannon ships no types and is a devDependency: loaded only here.
    const autocannon = require('autocannon') as Autocannon;
    let graphqlErrors = 0;
    log(`load: ${o.duration} s, ${o.connections} connections on ${server.url} (server pid ${server.child.pid}, response cache ${cacheMb} MB)…`);
    const r = await new Promise<AutocannonResult>((resolve, reject) =>
      autocannon(
        {
          url: server.url,
          connections: o.connections,
          duration: o.duration,
          timeout: 30,
          method: 'POST',
          headers,
          body,
          requests: [
            {
              onResponse: (status: number, text: string) => {
                if (status === 200 && text.includes('"errors"')) graphqlErrors++;
              },
            },
          ],
        },
        (err, result) => (err ? reject(err) : resolve(result)),
      ),
    );
    const serverPeakRss = peakRss(server.child.pid!);
    return {
      query,
      cacheMb,
      duration: r.duration,
      connections: o.connections,
      requests: r.requests.total,
      rps: r.duration > 0 ? r.requests.total / r.duration : 0,
      p50: r.latency.p50,
      p90: r.latency.p90,
      p99: r.latency.p99,
      max: r.latency.max,
      non2xx: r.non2xx,
      errors: r.errors,
      timeouts: r.timeouts,
      graphqlErrors,
      statuses: Object.fromEntries(Object.entries(r.statusCodeStats).map(([code, s]) => [code, s.count])),
      serverPeakRss,
      serverStartSeconds,
    };
  } finally {
    await server.stop();
    cleanups.splice(cleanups.indexOf(server.stop), 1);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The run.

/** Cleanups run at the end, on failure and on Ctrl-C (newest first). */
const cleanups: (() => Promise<void>)[] = [];
/** Set on Ctrl-C: what fails afterwards (the import, a query) fails because the database is being dropped. */
let interrupted = false;
/** Runs every cleanup; with `patience`, gives up waiting on each after that many ms (the next one still runs). */
async function runCleanups(patience?: number) {
  while (cleanups.length > 0) {
    const cleanup = cleanups.pop()!;
    try {
      if (patience === undefined) await cleanup();
      else await Promise.race([cleanup(), new Promise((resolve) => setTimeout(resolve, patience).unref())]);
    } catch (err) {
      console.error('cleanup failed:', err);
    }
  }
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    log(`\n${signal}: cleaning up…`);
    // Closing the ORM waits for a running import or query: the database is dropped (with force) after 3 s anyway.
    runCleanups(3000).finally(() => process.exit(130));
  });
}

async function main() {
  const started = performance.now();
  const loadBefore = os.loadavg()[0];
  const o = options();
  const year = o.toYear;
  const day = `${year}-12-31`;

  const dataset = await datasetFor(o);
  const db = await freshPostgresDatabase(o.pg, 'kiemtra_bench');
  cleanups.push(async () => {
    if (o.keep) {
      await db.keep();
      log(`database ${db.name} kept (--keep): ${db.url}`);
    } else {
      await db.drop();
      log(`database ${db.name} dropped`);
    }
  });
  log(`database ${db.name} created`);
  // No statement timeout here: a slow scan is a figure to report, not an error (the child server keeps the default).
  const orm = await openDatabase({ databaseUrl: db.url, dataDir: '', statementTimeoutMs: 0 });
  cleanups.push(() => orm.close(true));
  await migrate(orm);
  const em = () => orm.em.fork();
  const postgres = (await queryRows<{ v: string }>(em(), `select current_setting('server_version') as v`))[0].v;

  // 2. Import.
  log(`import: ${dataset.dir}…`);
  const start = performance.now();
  const report: ImportReport = await importDataset(orm, dataset.dir);
  const importSeconds = (performance.now() - start) / 1000;
  const files = Object.fromEntries(Object.entries(report.files).map(([file, c]) => [file, c!]));
  const importRows = Object.values(files).reduce((s, c) => s + c.rows, 0);
  const importRowsPerSecond = importRows / importSeconds;
  log(`import: ${importRows.toLocaleString('en')} rows in ${importSeconds.toFixed(1)} s (${report.phases.map((p) => `${p.phase} ${(p.ms / 1000).toFixed(1)} s`).join('; ')})`);

  // 3. Queries.
  const apollo = await createApolloServer({ logger: createLogger('silent') });
  await apollo.start();
  cleanups.push(() => apollo.stop());
  // The same server with the response cache (src/cache/response-cache.ts), as `serve` runs it.
  const cachedApollo = await createApolloServer({ logger: createLogger('silent'), plugins: [createResponseCache({ maxBytes: DEFAULT_RESPONSE_CACHE_MB * 2 ** 20 }).plugin] });
  await cachedApollo.start();
  cleanups.push(() => cachedApollo.stop());
  // graphql-js instead of graphql-jit (KIEMTRA_EXECUTOR=graphql-js), to measure the executors side by side.
  const interpretedApollo = await createApolloServer({ logger: createLogger('silent'), executor: 'graphql-js' });
  await interpretedApollo.start();
  cleanups.push(() => interpretedApollo.stop());

  // The root: the root of `day`'s tree with the most units; the province: its child with the most units.
  const tree = (
    await runQuery(orm, apollo, `{ roots(asOf: "${day}") { code descendantCount children { code descendantCount } } }`)
  ).data.roots as { code: string; descendantCount: number; children: { code: string; descendantCount: number }[] }[];
  if (tree.length === 0) throw new Error(`the dataset has no unit on ${day}`);
  const root = tree.reduce((a, b) => (b.descendantCount > a.descendantCount ? b : a));
  if (root.children.length === 0) throw new Error(`the root ${root.code} has no children on ${day}`);
  const province = root.children.reduce((a, b) => (b.descendantCount > a.descendantCount ? b : a));
  const unitCount = Number((await queryRows<{ n: string }>(em(), 'select count(*) as n from units'))[0].n);
  log(`tree on ${day}: root ${root.code} (${root.descendantCount + 1} units), ${root.children.length} children; province ${province.code} (${province.descendantCount + 1} units)`);

  const idsOf = async (codes: string[]) => {
    const rows = await queryRows<{ id: number; code: string }>(em(), 'select id, code from units where code = any(?::text[])', [pgArray(codes)]);
    const byCode = new Map(rows.map((r) => [r.code, Number(r.id)]));
    return codes.map((c) => {
      const id = byCode.get(c);
      if (id === undefined) throw new Error(`unknown unit ${c}`);
      return id;
    });
  };
  const categories = await loadCategories(em());

  const cases: QueryCase[] = [];
  const specs = [
    { key: 'root', label: `root rollup, ${root.code} ${year}`, query: rootQuery(root.code, day, year), targetMs: TARGETS.rootMs },
    { key: 'provinces', label: `children of the root (${root.children.length})`, query: provincesQuery(root.code, day, year), targetMs: TARGETS.provincesMs },
    { key: 'grassroots', label: `${province.code}'s units, 2 levels`, query: grassrootsQuery(province.code, day, year), targetMs: TARGETS.grassrootsMs },
  ] as const;
  for (const spec of specs) {
    log(`${spec.key}:`);
    // The first run: the units rolled up, and the figures to check the scan against.
    const first = await runQuery(orm, apollo, spec.query);
    const gql = rollupsOf(first.data.unit as GqlUnit);
    const codes = [...gql.keys()];
    const ids = await idsOf(codes);
    const scanFirst = await engineOnce(orm, ids, year, categories, 'scan');
    const mismatches: string[] = [];
    codes.forEach((code, i) => {
      const key = rollupKey(ids[i], year);
      const fromScan = comparable({ campaigns: scanFirst.campaigns.get(key), discipline: scanFirst.discipline.get(key)!, documents: scanFirst.documents.get(key) });
      const fromGql = comparable(gql.get(code)!);
      for (const section of ['campaigns', 'discipline', 'documents'] as const) {
        if (!isDeepStrictEqual(fromScan[section], fromGql[section])) mismatches.push(`${code} ${section}`);
      }
    });
    // The generator knows what the root's rollup of each year must show.
    const expected = spec.key === 'root' ? dataset.summary?.byYear[year] : undefined;
    if (expected) {
      const r = gql.get(root.code)!;
      const got = { campaigns: r.campaigns.total, members: r.discipline.members, organizations: r.discipline.organizations, documents: r.documents.total };
      for (const [k, v] of Object.entries(expected)) if (got[k as keyof typeof got] !== v) mismatches.push(`${root.code} ${k}: ${got[k as keyof typeof got]}, generator ${v}`);
    }
    if (mismatches.length > 0) log(`  MISMATCH (GraphQL against the scan or the generator): ${mismatches.slice(0, 10).join(', ')}${mismatches.length > 10 ? ', …' : ''}`);
    const graphql = await measure(o, 'GraphQL', () => runQuery(orm, apollo, spec.query));
    // The response cache, warm: the first run fills it; the answer must be the executed one.
    const cachedFirst = await runQuery(orm, cachedApollo, spec.query);
    if (!isDeepStrictEqual(cachedFirst.data, first.data)) mismatches.push('the cached answer differs from the executed one');
    const cached = await measure(o, 'GraphQL, response cache', () => runQuery(orm, cachedApollo, spec.query));
    const interpretedFirst = await runQuery(orm, interpretedApollo, spec.query);
    // As sent (JSON text, fields in order): graphql-js builds its objects without a prototype, graphql-jit with one.
    if (JSON.stringify(interpretedFirst.data) !== JSON.stringify(first.data)) mismatches.push('graphql-js and graphql-jit answer differently');
    const interpreted = await measure(o, 'GraphQL, graphql-js', () => runQuery(orm, interpretedApollo, spec.query));
    const scan = await measure(o, 'scan', () => engineOnce(orm, ids, year, categories, 'scan'));
    const auto = await measure(o, 'engine auto', () => engineOnce(orm, ids, year, categories, 'auto'));
    cases.push({ ...spec, units: codes.length, graphql, cached, interpreted, scan, auto, ratio: scan.median / graphql.median, mismatches });
  }
  await interpretedApollo.stop();
  await cachedApollo.stop();
  await apollo.stop();
  cleanups.pop();
  cleanups.pop();
  cleanups.pop();

  // 4. Load on the real server: query b, every request executed, then with the response cache (the server's default).
  const load = await loadTest(o, db.url, specs[1].query, 0);
  const loadCached = await loadTest(o, db.url, specs[1].query, DEFAULT_RESPONSE_CACHE_MB);
  await orm.close(true);
  cleanups.pop();
  await runCleanups(); // drops the database

  const totalSeconds = (performance.now() - started) / 1000;
  const targets = [
    ...cases.flatMap((c) => [
      { name: `${c.key}: GraphQL median`, value: c.graphql.median, unit: 'ms', target: `≤ ${c.targetMs}`, pass: c.graphql.median <= c.targetMs },
      { name: `${c.key}: scan / GraphQL`, value: c.ratio, unit: '×', target: `≥ ${TARGETS.ratio}`, pass: c.ratio >= TARGETS.ratio },
      { name: `${c.key}: GraphQL median, response cache warm`, value: c.cached.median, unit: 'ms', target: `≤ ${c.targetMs}`, pass: c.cached.median <= c.targetMs },
    ]),
    { name: 'import rows/s', value: importRowsPerSecond, unit: 'rows/s', target: `≥ ${TARGETS.importRowsPerSecond}`, pass: importRowsPerSecond >= TARGETS.importRowsPerSecond },
  ];
  const machine = {
    cores: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    ramBytes: os.totalmem(),
    node: process.version,
    postgres,
    platform: `${os.platform()} ${os.release()}`,
    /** 1-minute load average at the start and at the end: other work on the machine skews every figure. */
    loadAverage: [loadBefore, os.loadavg()[0]],
  };
  const results = {
    date: new Date().toISOString(),
    scale: o.scale,
    years: [o.fromYear, o.toYear],
    seed: o.seed,
    machine,
    options: { runs: o.runs, warmups: o.warmups, budgetSeconds: o.budget, duration: o.duration, connections: o.connections },
    dataset: { source: dataset.source, dir: dataset.dir, generateSeconds: dataset.generateSeconds, summary: dataset.summary, units: unitCount },
    tree: { day, root: root.code, rootUnits: root.descendantCount + 1, children: root.children.length, province: province.code, provinceUnits: province.descendantCount + 1 },
    import: { seconds: importSeconds, rows: importRows, rowsPerSecond: importRowsPerSecond, files, phases: report.phases },
    queries: Object.fromEntries(cases.map((c) => [c.key, c])),
    load,
    loadCached,
    targets,
    totalSeconds,
  };
  fs.mkdirSync(path.dirname(o.out), { recursive: true });
  fs.writeFileSync(o.out, JSON.stringify(results, null, 2) + '\n');
  print(o, results, cases, [load, loadCached], targets, dataset);
  const shownOut = path.relative(process.cwd(), o.out);
  console.log(`\nwritten ${shownOut.startsWith('..') ? o.out : shownOut}`);
  const mismatched = cases.filter((c) => c.mismatches.length > 0);
  if (mismatched.length > 0) {
    console.log(`\nERROR: GraphQL disagrees with the scan or the generator (${mismatched.map((c) => `${c.key}: ${c.mismatches.length} figures`).join('; ')})`);
    process.exitCode = 1;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// 5. The table.

function print(
  o: Options,
  results: { machine: { cores: number; cpu: string; ramBytes: number; node: string; postgres: string; loadAverage: number[] }; dataset: { units: number }; tree: { root: string; province: string; provinceUnits: number }; import: { seconds: number; rows: number; rowsPerSecond: number; files: Record<string, { rows: number; created: number }> }; totalSeconds: number },
  cases: QueryCase[],
  loads: LoadResult[],
  targets: { pass: boolean }[],
  dataset: Dataset,
) {
  const { machine } = results;
  const ms = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2)) + ' ms';
  const int = (n: number) => Math.round(n).toLocaleString('en');
  const verdict = (pass: boolean) => (pass ? 'PASS' : 'FAIL');
  const table = (header: string[], rows: string[][]) => {
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)) + 2);
    const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('').trimEnd();
    console.log(line(header));
    for (const r of rows) console.log(line(r));
  };

  console.log(
    `\nkiemtra scale benchmark — scale ${o.scale}, years ${o.fromYear}–${o.toYear}, seed ${o.seed}; ${int(results.dataset.units)} units; ` +
      `${machine.cores} cores (${machine.cpu}), ${(machine.ramBytes / 2 ** 30).toFixed(0)} GB RAM, Node ${machine.node}, PostgreSQL ${machine.postgres}; ` +
      `load average ${machine.loadAverage.map((l) => l.toFixed(1)).join(' → ')}`,
  );
  console.log(
    `dataset: ${dataset.source === 'cache' ? 'cached (generation skipped)' : dataset.source === 'generated' ? `generated in ${dataset.generateSeconds!.toFixed(1)} s` : `folder ${dataset.dir}`}; ` +
      `rollups of ${o.toYear}; in-process GraphQL vs the raw fact scan (3 statements at once); medians after warm-ups\n`,
  );
  table(
    ['query', 'scan/GraphQL', '≥ 10×', 'GraphQL', 'target', '', 'cached', '', 'graphql-js', 'SQL/request', 'scan', 'engine auto', 'units', 'runs'],
    cases.map((c) => [
      c.label,
      `${c.ratio.toFixed(1)}×`,
      verdict(c.ratio >= TARGETS.ratio),
      ms(c.graphql.median),
      `≤ ${c.targetMs} ms`,
      verdict(c.graphql.median <= c.targetMs),
      ms(c.cached.median),
      verdict(c.cached.median <= c.targetMs),
      ms(c.interpreted.median),
      String(c.graphql.statements),
      ms(c.scan.median),
      ms(c.auto.median),
      int(c.units),
      `${c.graphql.runs}/${c.scan.runs}`,
    ]),
  );
  const imp = results.import;
  console.log(
    `\nimport: ${int(imp.rows)} rows in ${imp.seconds.toFixed(1)} s = ${int(imp.rowsPerSecond)} rows/s (target ≥ ${int(TARGETS.importRowsPerSecond)}: ${verdict(imp.rowsPerSecond >= TARGETS.importRowsPerSecond)})`,
  );
  console.log(
    '  ' +
      Object.entries(imp.files)
        .map(([file, c]) => `${file} ${int(c.rows)}`)
        .join(', '),
  );
  console.log(`\nload on the real server (child process, loopback, ${loads[0].connections} connections, ${loads[0].duration.toFixed(0)} s each, query: children of ${results.tree.root}):`);
  for (const load of loads) {
    console.log(
      `  ${load.cacheMb === 0 ? 'response cache off' : `response cache ${load.cacheMb} MB`}: ` +
        `${load.rps.toFixed(1)} req/s, p50 ${load.p50} ms, p99 ${load.p99} ms, max ${load.max} ms, non-2xx ${load.non2xx}` +
        `${load.errors + load.timeouts > 0 ? `, ${load.errors} errors, ${load.timeouts} timeouts` : ''}${load.graphqlErrors > 0 ? `, ${load.graphqlErrors} GraphQL errors` : ''}; ` +
        `server peak RSS (VmHWM) ${load.serverPeakRss === null ? 'n/a' : `${(load.serverPeakRss / 2 ** 20).toFixed(0)} MB`}`,
    );
  }
  const failed = targets.filter((t) => !t.pass).length;
  console.log(
    `\ntargets (set for the national scale): ${targets.length - failed} PASS, ${failed} FAIL; ` +
      `province of the grassroots query: ${results.tree.province} (${int(results.tree.provinceUnits)} units); total ${results.totalSeconds.toFixed(1)} s`,
  );
}

main()
  .catch(async (err) => {
    if (!interrupted) console.error(err);
    process.exitCode = 1;
  })
  .finally(() => runCleanups());
