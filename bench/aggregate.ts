/**
 * Cost of the analysts' `aggregate` (a script, not a test): drill-down tables measured side by side with the fixed
 * rollup fields that give the same figures, with medians, SQL statements per request and the ratio, in one run.
 *
 *   npm run bench:aggregate [-- --scale province] [--runs 30] [--pg postgres://postgres@127.0.0.1:5432/postgres]
 *
 * Reference data (the quang-ninh-2023 seed) on PostgreSQL and on embedded PGlite; with --scale province, also a
 * generated province-scale dataset (src/generate) on PostgreSQL. Every figure of each pair is compared: a mismatch
 * exits 1. Fresh databases, dropped afterwards.
 */
import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrate, openDatabase, type Orm } from '../src/db';
import { createApolloServer } from '../src/apollo';
import { createLogger } from '../src/logger';
import { importDataset } from '../src/import';
import { seedDir } from '../src/seeds';
import { generateDataset } from '../src/generate';
import { arg, DEFAULT_PG, freshPostgresDatabase, runQuery, timeRuns, type Timing } from './common';

const PG = arg('pg', process.env.DATABASE_URL ?? DEFAULT_PG);
const RUNS = Number(arg('runs', '30'));
const SCALE = arg('scale', '');

interface Case {
  label: string;
  aggregate: string;
  rollup: string;
  /** The figures of each answer, as `code/what → value`, to compare. */
  fromAggregate: (data: any) => Map<string, number>;
  fromRollup: (data: any) => Map<string, number>;
}

/** The by-district table of disciplined members by cadre category, and its campaigns by body, for `root` in `year`. */
function cases(root: string, year: number): Case[] {
  const day = `${year}-12-31`;
  return [
    {
      label: `${root} ${year}: disciplined members by district × cadre category`,
      aggregate: `{ aggregate(root: "${root}", period: { fromYear: ${year} }, measure: DISCIPLINED_MEMBERS, groupBy: [CHILD_UNIT, CADRE_CATEGORY]) {
        total rows { key { unit { code name } category { code name } } value shareOfTotal numerator denominator } } }`,
      rollup: `{ unit(code: "${root}", asOf: "${day}") { children { code name rollup(period: { year: ${year} }) {
        discipline { members membersByCategory { category { code name } count share } } } } } }`,
      fromAggregate: (d) =>
        new Map(
          d.aggregate.rows
            .filter((r: any) => r.key.unit && r.key.category)
            .map((r: any) => [`${r.key.unit.code}/${r.key.category.code}`, r.value]),
        ),
      fromRollup: (d) =>
        new Map(
          d.unit.children.flatMap((c: any) =>
            c.rollup.discipline.membersByCategory.map((m: any) => [`${c.code}/${m.category.code}`, m.count] as [string, number]),
          ),
        ),
    },
    {
      label: `${root} ${year}: campaigns by district × body`,
      aggregate: `{ aggregate(root: "${root}", period: { fromYear: ${year} }, measure: CAMPAIGNS, groupBy: [CHILD_UNIT, BODY]) {
        total rows { key { unit { code name } body } value shareOfTotal } } }`,
      rollup: `{ unit(code: "${root}", asOf: "${day}") { children { code name rollup(period: { year: ${year} }) {
        campaigns { byBody { body total } } } } } }`,
      fromAggregate: (d) =>
        new Map(d.aggregate.rows.filter((r: any) => r.key.unit).map((r: any) => [`${r.key.unit.code}/${r.key.body}`, r.value])),
      fromRollup: (d) =>
        new Map(d.unit.children.flatMap((c: any) => c.rollup.campaigns.byBody.map((b: any) => [`${c.code}/${b.body}`, b.total] as [string, number]))),
    },
  ];
}

interface Measured {
  label: string;
  aggregate: Timing;
  rollup: Timing;
  rows: number;
}

async function measure(orm: Orm, root: string, year: number): Promise<Measured[]> {
  const server = await createApolloServer({ logger: createLogger('silent') });
  await server.start();
  const out: Measured[] = [];
  try {
    for (const c of cases(root, year)) {
      const a = await runQuery(orm, server, c.aggregate);
      const r = await runQuery(orm, server, c.rollup);
      const fa = c.fromAggregate(a.data);
      const fr = c.fromRollup(r.data);
      // Children of the day vs children over the year: compare the rollup's, which the aggregate must all have.
      for (const [key, value] of fr) {
        if (fa.get(key) !== value) throw new Error(`${c.label}: ${key} is ${fa.get(key)} by aggregate, ${value} by the rollup`);
      }
      out.push({
        label: c.label,
        aggregate: await timeRuns(() => runQuery(orm, server, c.aggregate), RUNS, 5),
        rollup: await timeRuns(() => runQuery(orm, server, c.rollup), RUNS, 5),
        rows: (a.data as any).aggregate.rows.length,
      });
    }
  } finally {
    await server.stop();
  }
  return out;
}

/** Migrates `orm`, imports `dir` and measures; the database is closed afterwards. */
async function loadAndMeasure(orm: Orm, dir: string, root: string, year: number): Promise<Measured[]> {
  try {
    await migrate(orm);
    await importDataset(orm, dir);
    return await measure(orm, root, year);
  } finally {
    await orm.close(true);
  }
}

async function onPostgres(dir: string, root: string, year: number): Promise<Measured[]> {
  const db = await freshPostgresDatabase(PG, 'kiemtra_bench_aggregate');
  try {
    return await loadAndMeasure(await openDatabase({ databaseUrl: db.url, dataDir: '' }), dir, root, year);
  } finally {
    await db.drop();
  }
}

const onPglite = async (dir: string, root: string, year: number) => loadAndMeasure(await openDatabase({ dataDir: 'memory://' }), dir, root, year);

function print(title: string, results: Measured[]) {
  const ms = (t: Timing) => `${t.median.toFixed(1)} ms (${t.statements} st.)`;
  console.log(`\n${title}`);
  console.log('| query | aggregate | same figures from children{rollup} | aggregate / rollup | rows |');
  console.log('|---|---|---|---|---|');
  for (const r of results) {
    console.log(`| ${r.label} | ${ms(r.aggregate)} | ${ms(r.rollup)} | ${(r.aggregate.median / r.rollup.median).toFixed(2)}× | ${r.rows} |`);
  }
}

async function main() {
  console.log(`kiemtra aggregate benchmark: medians of ${RUNS} after 5 warm-ups; ${os.cpus().length} cores, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const reference = seedDir('quang-ninh-2023');
  print('Reference data (quang-ninh-2023), PostgreSQL', await onPostgres(reference, 'QN', 2023));
  print('Reference data (quang-ninh-2023), embedded PGlite', await onPglite(reference, 'QN', 2023));
  if (SCALE === 'province') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiemtra-bench-aggregate-'));
    try {
      await generateDataset({ scale: 'province', fromYear: 2014, toYear: 2024, seed: 1, dir });
      const units = fs.readFileSync(path.join(dir, 'units.csv'), 'utf8').split('\n');
      // The generated province: the only unit whose parent is the root.
      const root = units.map((l) => l.split(',')).find((c) => c[1] === 'TW')![0];
      print(`Generated province scale (${units.length - 2} units), PostgreSQL, root ${root}`, await onPostgres(dir, root, 2024));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  } else if (SCALE !== '') {
    throw new Error(`--scale: only "province" is supported here (national: npm run bench -- --scale national)`);
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
