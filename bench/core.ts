/**
 * Core measurements (a script, not a test): import of 100,000 campaign rows and rollup latency on the reference
 * data, on PostgreSQL and on embedded PGlite, side by side in one run.
 *
 *   npm run build && node dist/bench/core.js [--rows 100000] [--pg postgres://postgres@127.0.0.1:5432/postgres]
 *
 * Each engine gets a fresh database (a new PostgreSQL database, dropped afterwards; a PGlite folder in /tmp).
 */
import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ApolloServer } from '@apollo/server';
import { migrate, openDatabase, type Orm } from '../src/db';
import type { Context } from '../src/context';
import { getSchema } from '../src/schema';
import { importDataset } from '../src/import';
import { seedDir } from '../src/seeds';
import { arg, campaignsDataset, DEFAULT_PG, freshPostgresDatabase, timeQuery, type Timing } from './common';

const ROWS = Number(arg('rows', '100000'));
const PG = arg('pg', process.env.DATABASE_URL ?? DEFAULT_PG);

const ROOT = `{ unit(code: "QN") { rollup(period: { year: 2023 }) {
  campaigns { total completed byTier { tier total completed } byBody { body total } }
  discipline { organizations members membersByCategory { count percent } byAuthority { members membersByCategory { count percent } } byForm { members } }
  documents { total } } } }`;
const CHILDREN = `{ unit(code: "QN") { children { code rollup(period: { year: 2023 }) {
  campaigns { total completed } discipline { members membersByCategory { count percent } } } } } }`;
const GRASSROOTS = `{ unit(code: "QN") { children { children { code rollup(period: { year: 2023 }) { campaigns { total completed } } } } } }`;

interface Measured { engine: string; root: Timing; children: Timing; grassroots: Timing; importMs: number; reimportMs: number; rootAfter: Timing }

async function measure(engine: string, orm: Orm): Promise<Measured> {
  await migrate(orm);
  await importDataset(orm, seedDir('quang-ninh-2023'));
  const schema = await getSchema();
  const server = new ApolloServer<Context>({ schema });
  await server.start();
  const root = await timeQuery(orm, server, ROOT);
  const children = await timeQuery(orm, server, CHILDREN);
  const grassroots = await timeQuery(orm, server, GRASSROOTS, 10);
  const dir = campaignsDataset(ROWS);
  let start = performance.now();
  const report = await importDataset(orm, dir);
  const importMs = performance.now() - start;
  start = performance.now();
  const again = await importDataset(orm, dir);
  const reimportMs = performance.now() - start;
  fs.rmSync(dir, { recursive: true, force: true });
  if (report.files['campaigns.csv']!.created !== ROWS || again.files['campaigns.csv']!.unchanged !== ROWS) throw new Error('unexpected import counts');
  const rootAfter = await timeQuery(orm, server, ROOT.replace('2023', '2020'));
  await server.stop();
  return { engine, root, children, grassroots, importMs, reimportMs, rootAfter };
}

async function main() {
  const results: Measured[] = [];
  // PostgreSQL: a fresh database on the server.
  const db = await freshPostgresDatabase(PG, 'kiemtra_bench');
  try {
    const orm = await openDatabase({ databaseUrl: db.url, dataDir: '' });
    results.push(await measure('PostgreSQL', orm));
    await orm.close(true);
  } finally {
    await db.drop();
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiemtra-bench-pglite-'));
  const lite = await openDatabase({ dataDir });
  results.push(await measure('PGlite', lite));
  await lite.close(true);
  fs.rmSync(dataDir, { recursive: true, force: true });

  const f = (ms: number) => `${ms.toFixed(1)} ms`;
  console.log(`\nkiemtra core measurements (${os.cpus().length} cores, Node ${process.version}); medians of 30 runs after 5 warm-ups\n`);
  console.log(['', ...results.map((r) => r.engine)].map((c) => c.padEnd(44)).join(''));
  const row = (label: string, get: (r: Measured) => string) => console.log([label, ...results.map(get)].map((c) => c.padEnd(44)).join(''));
  row('root rollup, QN 2023 (5,688 units)', (r) => `${f(r.root.median)}, ${r.root.statements} statements`);
  row('children rollups, 20 committees', (r) => `${f(r.children.median)}, ${r.children.statements} statements`);
  row('grassroots rollups, 696 units (10 runs)', (r) => `${f(r.grassroots.median)}, ${r.grassroots.statements} statements`);
  row(`import ${ROWS.toLocaleString('en')} campaign rows`, (r) => `${(r.importMs / 1000).toFixed(1)} s, ${Math.round(ROWS / (r.importMs / 1000)).toLocaleString('en')} rows/s`);
  row(`re-import (all unchanged)`, (r) => `${(r.reimportMs / 1000).toFixed(1)} s`);
  row(`root rollup, 2020, after the import`, (r) => `${f(r.rootAfter.median)}, ${r.rootAfter.statements} statements`);
  const [pg, lite2] = results;
  console.log(`\nratio PGlite / PostgreSQL: import ${(lite2.importMs / pg.importMs).toFixed(2)}×, root rollup ${(lite2.root.median / pg.root.median).toFixed(2)}×`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
