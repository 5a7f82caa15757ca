/** Helpers shared by the bench scripts (core.ts, history.ts): arguments, synthetic campaigns, timing, fresh databases. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parse } from 'csv-parse/sync';
import { Client } from 'pg';
import type { ApolloServer } from '@apollo/server';
import { statementCounter, type Orm } from '../src/db';
import { createContext, type Context } from '../src/context';
import { seedDir } from '../src/seeds';

const args = process.argv.slice(2);
/** The value after `--name`, or the fallback. */
export const arg = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
/** Whether the bare flag `--name` was given. */
export const flag = (name: string): boolean => args.includes(`--${name}`);

export const DEFAULT_PG = 'postgres://postgres@127.0.0.1:5432/postgres';

/** First and last day covered by the synthetic campaigns (years 2015–2024). */
export const SYNTHETIC_FIRST_YEAR = 2015;
export const SYNTHETIC_YEARS = 10;

/**
 * Codes of the reference seed's units.csv whose rows, together, cover every day from `from` to `to` (inclusive):
 * a campaign of any month of those years then finds its unit. A code may have several rows (one per version);
 * an empty valid_from is "since always", an empty valid_to "still valid" (valid_to is exclusive). In file order.
 */
export function unitCodesCovering(from: string, to: string): string[] {
  const rows = parse(fs.readFileSync(path.join(seedDir('quang-ninh-2023'), 'units.csv'), 'utf8'), {
    columns: true,
    skip_empty_lines: true,
  }) as Record<string, string>[];
  const byCode = new Map<string, { validFrom: string; validTo: string }[]>();
  for (const row of rows) {
    const versions = byCode.get(row.code) ?? [];
    // '' sorts before any date, '9999-12-31' after: open ends become comparable strings.
    versions.push({ validFrom: row.valid_from ?? '', validTo: row.valid_to || '9999-12-31' });
    byCode.set(row.code, versions);
  }
  const codes: string[] = [];
  for (const [code, versions] of byCode) {
    // Walk the versions in order of start; `reached` is the first day not yet covered.
    let reached = from;
    for (const v of [...versions].sort((a, b) => a.validFrom.localeCompare(b.validFrom))) {
      if (v.validFrom > reached) break; // a gap
      if (v.validTo > reached) reached = v.validTo;
    }
    if (reached > to) codes.push(code);
  }
  return codes;
}

/**
 * `rows` campaign rows over years 2015–2024, spread over the reference units that exist on every day of those
 * years, deterministic. Written as campaigns.csv in a new temporary folder, whose path is returned.
 */
export function campaignsDataset(rows: number): string {
  const first = `${SYNTHETIC_FIRST_YEAR}-01-01`;
  const last = `${SYNTHETIC_FIRST_YEAR + SYNTHETIC_YEARS - 1}-12-31`;
  const units = unitCodesCovering(first, last);
  if (units.length === 0) throw new Error(`no unit of the reference seed exists over the whole of ${first}..${last}`);
  const statuses = ['PLANNED', 'IN_PROGRESS', 'COMPLETED', 'COMPLETED', 'CANCELLED'];
  const lines = ['external_id,unit_code,year,month,activity,origin,status'];
  for (let i = 0; i < rows; i++) {
    const unit = units[(i * 7919) % units.length];
    lines.push(
      `b${i},${unit},${SYNTHETIC_FIRST_YEAR + (i % SYNTHETIC_YEARS)},${i % 13 === 0 ? '' : 1 + (i % 12)},${i % 2 ? 'INSPECTION' : 'SUPERVISION'},${i % 3 ? 'PROGRAMMED' : 'ARISING'},${statuses[i % 5]}`,
    );
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiemtra-bench-'));
  fs.writeFileSync(path.join(dir, 'campaigns.csv'), lines.join('\n') + '\n');
  return dir;
}

export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export interface Timing {
  median: number;
  statements: number;
}

/** One GraphQL request in-process, with a fresh context; throws on errors. Returns the data and what it cost. */
export async function runQuery(
  orm: Orm,
  server: ApolloServer<Context>,
  query: string,
): Promise<{ ms: number; statements: number; data: Record<string, unknown> }> {
  const before = statementCounter.count;
  const start = performance.now();
  const res = await server.executeOperation({ query }, { contextValue: await createContext(orm) });
  const ms = performance.now() - start;
  if (res.body.kind !== 'single' || res.body.singleResult.errors) throw new Error(JSON.stringify(res.body));
  return { ms, statements: statementCounter.count - before, data: res.body.singleResult.data as Record<string, unknown> };
}

/** Median over `runs` runs of `once` (which returns ms and statements) after `warmups` unmeasured runs. */
export async function timeRuns(once: () => Promise<{ ms: number; statements: number }>, runs: number, warmups: number): Promise<Timing> {
  for (let i = 0; i < warmups; i++) await once();
  const results: { ms: number; statements: number }[] = [];
  for (let i = 0; i < runs; i++) results.push(await once());
  return { median: median(results.map((r) => r.ms)), statements: results[0].statements };
}

export async function timeQuery(orm: Orm, server: ApolloServer<Context>, query: string, runs = 30, warmups = 5): Promise<Timing> {
  return timeRuns(() => runQuery(orm, server, query), runs, warmups);
}

/** A new, empty database on the PostgreSQL server of `pgUrl`; `drop` removes it (with force), `keep` leaves it. */
export async function freshPostgresDatabase(
  pgUrl: string,
  prefix: string,
): Promise<{ name: string; url: string; drop: () => Promise<void>; keep: () => Promise<void> }> {
  const name = `${prefix}_${process.pid}`;
  const admin = new Client({ connectionString: pgUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } catch (err) {
    await admin.end();
    throw err;
  }
  const url = new URL(pgUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: async () => {
      try {
        await admin.query(`drop database if exists ${name} with (force)`);
      } finally {
        await admin.end();
      }
    },
    keep: () => admin.end(),
  };
}
