/**
 * History measurements (a script, not a test): what rolling facts along another day's tree (`asOf`) costs beside
 * the default (each fact along the tree of its own reference date), on PostgreSQL and on embedded PGlite, side by
 * side in one run. Data: the reference seed (with the tree's history 2020–2025) plus synthetic campaigns 2015–2024.
 *
 *   npm run bench:history [-- --rows 100000 --runs 20 --warmups 3 --pg postgres://postgres@127.0.0.1:5432/postgres --keep]
 *
 * Each engine gets a fresh database (a new PostgreSQL database, dropped afterwards; a PGlite folder in /tmp).
 * With --keep both are left in place (their names are printed), e.g. for EXPLAIN ANALYZE in psql.
 * The script throws when asOf and the default disagree on the province's totals, or the engines disagree.
 */
import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { ApolloServer } from '@apollo/server';
import { migrate, openDatabase, type Orm } from '../src/db';
import type { Context } from '../src/context';
import { getSchema } from '../src/schema';
import { importDataset } from '../src/import';
import { seedDir } from '../src/seeds';
import { arg, campaignsDataset, DEFAULT_PG, flag, freshPostgresDatabase, runQuery, timeRuns, type Timing } from './common';

const ROWS = Number(arg('rows', '100000'));
const RUNS = Number(arg('runs', '20'));
const WARMUPS = Number(arg('warmups', '3'));
const PG = arg('pg', process.env.DATABASE_URL ?? DEFAULT_PG);
const KEEP = flag('keep');

/** The tree after the 2025 reorganization (no district-level localities), and the tree of the rolled-up year. */
const AFTER = '2025-12-31';
const SAME = '2023-12-31';
const YEAR = 2023;
const SERIES_FROM = 2015;
const SERIES_TO = 2024;

/** Every figure of a rollup. */
const FULL = `campaigns { total completed cancelled programmed arising byTier { tier total completed } byBody { body total completed } }
  discipline { organizations members membersByCategory { category { code } count percent }
    byAuthority { authority organizations members membersByCategory { category { code } count percent } }
    byForm { form organizations members } }
  documents { total directives guidance }`;

const asOfArg = (asOf: string | null) => (asOf ? `, asOf: "${asOf}"` : '');
const rootQuery = (year: number, asOf: string | null) => `{ unit(code: "QN") { rollup(period: { year: ${year} }${asOfArg(asOf)}) { ${FULL} } } }`;
const childrenQuery = (asOf: string | null) =>
  `{ unit(code: "QN", asOf: "${SAME}") { children { code rollup(period: { year: ${YEAR} }${asOfArg(asOf)}) { ${FULL} } } } }`;
const seriesQuery = (asOf: string | null) =>
  `{ unit(code: "QN") { rollupSeries(fromYear: ${SERIES_FROM}, toYear: ${SERIES_TO}${asOfArg(asOf)}) { year rollup { ${FULL} } } } }`;
const YEARS = Array.from({ length: SERIES_TO - SERIES_FROM + 1 }, (_, i) => SERIES_FROM + i);

type Data = Record<string, unknown>;
interface Rollup {
  campaigns: { total: number; completed: number };
  discipline: { members: number; organizations: number };
  documents: { total: number };
}
const rootRollup = (data: Data) => (data.unit as { rollup: Rollup }).rollup;
const childRollups = (data: Data) => (data.unit as { children: { code: string; rollup: Rollup }[] }).children;
const seriesRollups = (data: Data) => (data.unit as { rollupSeries: { year: number; rollup: Rollup }[] }).rollupSeries;
const headline = (r: Rollup) =>
  `campaigns ${r.campaigns.total} (completed ${r.campaigns.completed}), discipline ${r.discipline.members} members / ${r.discipline.organizations} organizations, documents ${r.documents.total}`;

/** One measured line: what is run, and which line it is compared with (the ratio asOf / default). */
interface Case {
  key: string;
  label: string;
  baseline?: string;
  /** One run: one or more requests; returns total ms and statements, and the data of each request. */
  once: () => Promise<{ ms: number; statements: number; data: Data[] }>;
}

interface Measured {
  engine: string;
  timings: Map<string, Timing>;
  /** The data of the first run of each case, for the checks. */
  data: Map<string, Data[]>;
}

function cases(orm: Orm, server: ApolloServer<Context>): Case[] {
  const single = (query: string) => async () => {
    const r = await runQuery(orm, server, query);
    return { ms: r.ms, statements: r.statements, data: [r.data] };
  };
  const perYear = (asOf: string | null) => async () => {
    let ms = 0;
    let statements = 0;
    const data: Data[] = [];
    for (const year of YEARS) {
      const r = await runQuery(orm, server, rootQuery(year, asOf));
      ms += r.ms;
      statements += r.statements;
      data.push(r.data);
    }
    return { ms, statements, data };
  };
  return [
    { key: 'root', label: `(a) QN rollup ${YEAR}, default`, once: single(rootQuery(YEAR, null)) },
    { key: 'rootAfter', label: `(a) QN rollup ${YEAR}, asOf ${AFTER}`, baseline: 'root', once: single(rootQuery(YEAR, AFTER)) },
    { key: 'rootSame', label: `(a) QN rollup ${YEAR}, asOf ${SAME}`, baseline: 'root', once: single(rootQuery(YEAR, SAME)) },
    { key: 'children', label: `(b) children of QN on ${SAME}, ${YEAR}, default`, once: single(childrenQuery(null)) },
    { key: 'childrenAfter', label: `(b) same children, rollup asOf ${AFTER}`, baseline: 'children', once: single(childrenQuery(AFTER)) },
    { key: 'series', label: `(c) rollupSeries ${SERIES_FROM}–${SERIES_TO}, default`, once: single(seriesQuery(null)) },
    { key: 'seriesAfter', label: `(c) rollupSeries, asOf ${AFTER}`, baseline: 'series', once: single(seriesQuery(AFTER)) },
    { key: 'perYear', label: `(c) ${YEARS.length} per-year requests, default`, once: perYear(null) },
    { key: 'perYearAfter', label: `(c) ${YEARS.length} per-year requests, asOf ${AFTER}`, baseline: 'perYear', once: perYear(AFTER) },
  ];
}

async function measure(engine: string, orm: Orm): Promise<Measured> {
  await migrate(orm);
  await importDataset(orm, seedDir('quang-ninh-2023'));
  const dir = campaignsDataset(ROWS);
  const report = await importDataset(orm, dir);
  fs.rmSync(dir, { recursive: true, force: true });
  if (report.files['campaigns.csv']!.created !== ROWS) throw new Error(`unexpected import counts: ${JSON.stringify(report.files)}`);
  const schema = await getSchema();
  const server = new ApolloServer<Context>({ schema });
  await server.start();
  const timings = new Map<string, Timing>();
  const data = new Map<string, Data[]>();
  for (const c of cases(orm, server)) {
    let first = true;
    timings.set(
      c.key,
      await timeRuns(
        async () => {
          const r = await c.once();
          if (first) data.set(c.key, r.data);
          first = false;
          return r;
        },
        RUNS,
        WARMUPS,
      ),
    );
    process.stderr.write(`${engine}: ${c.label}: ${timings.get(c.key)!.median.toFixed(1)} ms\n`);
  }
  await server.stop();
  return { engine, timings, data };
}

/** Throws unless asOf and the default agree on the province (nothing lost or double counted); returns notes. */
function check(m: Measured): string[] {
  const fail = (what: string) => {
    throw new Error(`${m.engine}: ${what}`);
  };
  const root = rootRollup(m.data.get('root')![0]);
  for (const key of ['rootAfter', 'rootSame']) {
    const other = rootRollup(m.data.get(key)![0]);
    if (!isDeepStrictEqual(root, other)) fail(`QN ${YEAR} differs for ${key}:\n  default: ${headline(root)}\n  ${key}: ${headline(other)}`);
  }
  if (root.campaigns.total === 0) fail(`QN ${YEAR} has no campaigns`);
  const series = seriesRollups(m.data.get('series')![0]);
  const seriesAfter = seriesRollups(m.data.get('seriesAfter')![0]);
  YEARS.forEach((year, i) => {
    const perYear = rootRollup(m.data.get('perYear')![i]);
    const perYearAfter = rootRollup(m.data.get('perYearAfter')![i]);
    if (series[i].year !== year || seriesAfter[i].year !== year) fail(`series entry ${i} is not ${year}`);
    if (!isDeepStrictEqual(series[i].rollup, perYear)) fail(`series ${year} differs from the per-year rollup`);
    if (!isDeepStrictEqual(seriesAfter[i].rollup, perYearAfter)) fail(`series asOf ${AFTER}, ${year}, differs from the per-year rollup`);
    if (!isDeepStrictEqual(perYear, perYearAfter)) fail(`QN ${year} differs: default ${headline(perYear)}; asOf ${AFTER} ${headline(perYearAfter)}`);
  });
  // Children: informative only. On the later day most of these children no longer exist, so their asOf rollups
  // are empty and the facts count for the units that stand for them then.
  const notes: string[] = [];
  const children = childRollups(m.data.get('children')![0]);
  const childrenAfter = childRollups(m.data.get('childrenAfter')![0]);
  const sum = (xs: { rollup: Rollup }[]) => xs.reduce((s, c) => s + c.rollup.campaigns.total, 0);
  const empty = childrenAfter.filter((c) => c.rollup.campaigns.total === 0).length;
  notes.push(
    `${m.engine}: QN ${YEAR}: ${headline(root)}; identical for default, asOf ${AFTER} and asOf ${SAME}; ` +
      `series ${SERIES_FROM}–${SERIES_TO} identical with and without asOf and to the per-year rollups.`,
    `${m.engine}: ${children.length} children of QN on ${SAME}: campaigns ${YEAR} summed over children = ${sum(children)} by default, ` +
      `${sum(childrenAfter)} with asOf ${AFTER} (${empty} children with no campaigns then); QN itself ${root.campaigns.total}.`,
  );
  return notes;
}

async function main() {
  const results: Measured[] = [];
  const db = await freshPostgresDatabase(PG, 'kiemtra_bench_history');
  try {
    const orm = await openDatabase({ databaseUrl: db.url, dataDir: '' });
    try {
      results.push(await measure('PostgreSQL', orm));
    } finally {
      await orm.close(true);
    }
  } finally {
    if (KEEP) {
      await db.keep();
      console.log(`kept PostgreSQL database ${db.name}`);
    } else await db.drop();
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiemtra-bench-pglite-'));
  const lite = await openDatabase({ dataDir });
  try {
    results.push(await measure('PGlite', lite));
  } finally {
    await lite.close(true);
    if (KEEP) console.log(`kept PGlite folder ${dataDir}`);
    else fs.rmSync(dataDir, { recursive: true, force: true });
  }

  const [pg, lite2] = results;
  const labels = cases(null as unknown as Orm, null as unknown as ApolloServer<Context>);
  const W0 = 52;
  const W = 36;
  console.log(
    `\nkiemtra history measurements (${os.cpus().length} cores, Node ${process.version}); reference seed + ${ROWS.toLocaleString('en')} ` +
      `synthetic campaigns ${SERIES_FROM}–${SERIES_TO}; medians of ${RUNS} runs after ${WARMUPS} warm-ups\n`,
  );
  console.log(['', ...results.map((r) => r.engine)].map((c, i) => c.padEnd(i === 0 ? W0 : W)).join(''));
  console.log(['', ...results.map(() => 'median, statements, asOf/default')].map((c, i) => c.padEnd(i === 0 ? W0 : W)).join(''));
  for (const c of labels) {
    const cells = results.map((r) => {
      const t = r.timings.get(c.key)!;
      const ratio = c.baseline ? `${(t.median / r.timings.get(c.baseline)!.median).toFixed(2)}×` : '';
      return `${t.median.toFixed(1)} ms, ${t.statements} st${ratio ? `, ${ratio}` : ''}`;
    });
    console.log([c.label, ...cells].map((s, i) => s.padEnd(i === 0 ? W0 : W)).join(''));
  }
  const ratio = (r: Measured, a: string, b: string) => (r.timings.get(a)!.median / r.timings.get(b)!.median).toFixed(2);
  console.log(
    `\nseries / ${YEARS.length} per-year requests: ` +
      results.map((r) => `${r.engine} ${ratio(r, 'series', 'perYear')}× default, ${ratio(r, 'seriesAfter', 'perYearAfter')}× asOf`).join('; '),
  );
  console.log(`ratio PGlite / PostgreSQL: ` + labels.map((c) => `${c.key} ${(lite2.timings.get(c.key)!.median / pg.timings.get(c.key)!.median).toFixed(2)}×`).join(', '));
  // The table is printed first, so that a failed check still shows the timings.
  const notes = results.flatMap(check);
  for (const key of pg.data.keys()) {
    if (!isDeepStrictEqual(pg.data.get(key), lite2.data.get(key))) throw new Error(`PostgreSQL and PGlite differ on ${key}`);
  }
  console.log('\nchecks passed (asOf = default for the province, engines agree):');
  for (const note of notes) console.log(`  ${note}`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
