/**
 * What each guarantee of the import costs (a script, not a test). Imports one dataset into fresh PostgreSQL databases,
 * one per variant, each with one more guarantee switched off in that database only (the importer's code is the same):
 *
 *   1. as shipped;
 *   2. without the audit entries of inserted rows (the `<table>_audit_insert` statement triggers disabled);
 *   3. … and without rollup totals (their triggers disabled, the bulk rebuild functions made no-ops);
 *   4. … and without the fact tables' foreign keys (dropped).
 *
 * and prints, per variant: wall seconds, rows per second, the ratio to the shipped import, the importer's phases, and
 * where the CPU time went — this Node process (the parser, the COPY streams) and the PostgreSQL processes, read from
 * /proc (the database's backends with their parallel workers, and the server's background writers: checkpointer,
 * WAL writer, background writer, autovacuum). The import is one transaction, hence one backend: its CPU seconds against the wall seconds show how
 * much of the import is that one core's work. /proc is read only when the server is on this machine (loopback);
 * otherwise those columns are empty.
 *
 *   npm run bench:import-costs -- --dataset <folder> [--rounds 1] [--pg postgres://postgres@127.0.0.1:5432/postgres]
 *                                 [--out bench/import-costs.json]
 *
 * The dataset is a folder in the interchange format, e.g. `kiemtra generate --scale national … <folder>`. With
 * --rounds 2 the variants run in order, then in reverse order, and each figure is the median of its runs (the host is
 * shared and drifts). Needs a superuser on that server (to disable triggers and drop constraints in the variants'
 * databases). Every database it creates is dropped.
 */
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { migrate, openDatabase } from '../src/db';
import { importDataset, type ImportReport } from '../src/import';
import { TOTALS, totalsTriggersSql } from '../src/import/write';
import { projectRoot } from '../src/paths';
import { arg, DEFAULT_PG, freshPostgresDatabase, median } from './common';
// The audited tables, as the audit migration names their triggers.
import { AUDITED } from '../migrations/Migration20261126140000Audit';
import { REBUILD_YEARS_FUNCTIONS } from '../migrations/Migration20261126160000RollupTotals';

const log = (line: string) => process.stderr.write(`${line}\n`);

/** The fact tables (and category links) whose triggers keep the totals, and the totals tables, as the importer has them. */
const FACT_TABLES = Object.values(TOTALS).flatMap((t) => t.triggered);
const TOTALS_TABLES = Object.values(TOTALS).flatMap((t) => t.totals);

/** A variant: its name, and the SQL that switches its guarantees off in a migrated database. */
interface Variant {
  name: string;
  off: string[];
}

const NO_AUDIT = Object.keys(AUDITED).map((t) => `alter table ${t} disable trigger ${t}_audit_insert`);
const NO_TOTALS = [
  ...totalsTriggersSql(FACT_TABLES, 'disable'),
  // The import enables the triggers again after a bulk load's rebuild: by then every row is written.
  ...REBUILD_YEARS_FUNCTIONS.map((f) => `create or replace function ${f.replace('(smallint[])', '(p_years smallint[])')} returns void language plpgsql as $$ begin end $$`),
];
const NO_FOREIGN_KEYS = [
  `do $$ declare c record; begin
     for c in select conrelid::regclass::text as t, conname from pg_constraint
              where contype = 'f' and conrelid = any(array[${FACT_TABLES.map((t) => `'${t}'::regclass`).join(', ')}]) loop
       execute format('alter table %s drop constraint %I', c.t, c.conname);
     end loop;
   end $$`,
];

const VARIANTS: Variant[] = [
  { name: 'as shipped', off: [] },
  { name: 'without audit entries of inserts', off: NO_AUDIT },
  { name: '… and without rollup totals', off: [...NO_AUDIT, ...NO_TOTALS] },
  { name: '… and without facts’ foreign keys', off: [...NO_AUDIT, ...NO_TOTALS, ...NO_FOREIGN_KEYS] },
];

// ---------------------------------------------------------------------------------------------------------------
// CPU seconds of processes, from /proc.

const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** utime + stime of a process, in seconds, and its command line; null when it is gone. */
function processCpu(pid: number): { seconds: number; command: string } | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command (which may hold spaces) start after the last ')'; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const seconds = (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
    const command = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
    return { seconds, command };
  } catch {
    return null;
  }
}

/**
 * Samples the PostgreSQL processes twice a second while an import runs: each process's last CPU reading (processes
 * that end between samples lose at most half a second), minus its reading at the start.
 */
function pgCpuSampler(database: string) {
  const start = new Map<number, number>();
  const last = new Map<number, { seconds: number; command: string }>();
  const sample = (into: 'start' | 'last') => {
    for (const entry of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const cpu = processCpu(Number(entry));
      if (!cpu || !cpu.command.startsWith('postgres')) continue;
      if (into === 'start') start.set(Number(entry), cpu.seconds);
      else last.set(Number(entry), cpu);
    }
  };
  sample('start');
  const timer = setInterval(() => sample('last'), 500);
  return {
    stop(): { backend: number; background: number } {
      clearInterval(timer);
      sample('last');
      let backend = 0;
      let background = 0;
      // A backend's title: "postgres: <cluster>: <user> <database> <client> <state>"; its parallel workers' (a
      // plan's parallel scan, a parallel index build): "postgres: <cluster>: parallel worker for PID <backend>".
      const backends = new Set([...last].filter(([, cpu]) => cpu.command.split(' ').includes(database)).map(([pid]) => pid));
      const leader = (command: string) => Number(/parallel worker for PID (\d+)/.exec(command)?.[1]);
      for (const [pid, cpu] of last) {
        const used = cpu.seconds - (start.get(pid) ?? 0);
        if (backends.has(pid) || backends.has(leader(cpu.command))) backend += used;
        else if (/checkpointer|walwriter|background writer|autovacuum/.test(cpu.command)) background += used;
      }
      return { backend, background };
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The run.

interface Run {
  variant: string;
  seconds: number;
  rows: number;
  nodeCpuSeconds: number;
  pgBackendCpuSeconds: number | null;
  pgBackgroundCpuSeconds: number | null;
  phases: ImportReport['phases'];
  /** Rows in audit_log and in the totals tables after the import: shows that the variant switched off what it says. */
  auditEntries: number;
  totalsRows: number;
}

async function runVariant(pg: string, dataset: string, variant: Variant, index: number): Promise<Run> {
  const db = await freshPostgresDatabase(pg, `kiemtra_costs${index}`);
  try {
    const orm = await openDatabase({ databaseUrl: db.url, dataDir: '', statementTimeoutMs: 0 });
    try {
      await migrate(orm);
      const admin = new Client({ connectionString: db.url });
      await admin.connect();
      try {
        for (const sql of variant.off) await admin.query(sql);
      } finally {
        await admin.end();
      }
      const local = ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(new URL(db.url).hostname) && fs.existsSync('/proc/self/stat');
      const sampler = local ? pgCpuSampler(db.name) : null;
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      const report = await importDataset(orm, dataset);
      const seconds = (performance.now() - started) / 1000;
      const cpu = process.cpuUsage(cpuBefore);
      const pgCpu = sampler?.stop() ?? null;
      const rows = Object.values(report.files).reduce((s, c) => s + (c?.rows ?? 0), 0);
      const stored = (
        await orm.em.getConnection().execute(
          `select (select count(*) from audit_log)::bigint as audit, (${TOTALS_TABLES.map((t) => `(select count(*) from ${t})`).join(' + ')})::bigint as totals`,
        )
      )[0] as { audit: string; totals: string };
      const auditEntries = Number(stored.audit);
      const totalsRows = Number(stored.totals);
      const auditOff = variant.off.some((sql) => NO_AUDIT.includes(sql));
      const totalsOff = variant.off.some((sql) => NO_TOTALS.includes(sql));
      if (auditOff !== (auditEntries === 0) || totalsOff !== (totalsRows === 0)) {
        throw new Error(`variant "${variant.name}": ${auditEntries} audit entries and ${totalsRows} totals rows after the import — not what it switched off`);
      }
      return {
        variant: variant.name,
        seconds,
        rows,
        nodeCpuSeconds: (cpu.user + cpu.system) / 1e6,
        pgBackendCpuSeconds: pgCpu?.backend ?? null,
        pgBackgroundCpuSeconds: pgCpu?.background ?? null,
        phases: report.phases,
        auditEntries,
        totalsRows,
      };
    } finally {
      await orm.close(true);
    }
  } finally {
    await db.drop();
  }
}

const fixed = (n: number | null, digits = 1) => (n === null ? '' : n.toFixed(digits));

async function main() {
  const dataset = arg('dataset', '');
  if (!dataset || !fs.existsSync(path.join(dataset, 'units.csv'))) {
    throw new Error('--dataset <folder> (in the interchange format, with units.csv) is required; make one with `kiemtra generate`');
  }
  const rounds = Number(arg('rounds', '1'));
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a whole number ≥ 1, got "${arg('rounds', '1')}"`);
  const pg = arg('pg', process.env.DATABASE_URL || DEFAULT_PG);
  const out = path.resolve(arg('out', path.join(projectRoot(), 'bench', 'import-costs.json')));

  const runs: Run[] = [];
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? VARIANTS : [...VARIANTS].reverse();
    for (const variant of order) {
      log(`round ${round + 1}/${rounds}: ${variant.name}…`);
      const run = await runVariant(pg, path.resolve(dataset), variant, VARIANTS.indexOf(variant) + 1);
      log(`  ${run.rows.toLocaleString('en')} rows in ${run.seconds.toFixed(1)} s (${run.auditEntries.toLocaleString('en')} audit entries, ${run.totalsRows.toLocaleString('en')} totals rows); ${run.phases.map((p) => `${p.phase} ${(p.ms / 1000).toFixed(1)} s`).join('; ')}`);
      runs.push(run);
    }
  }

  const of = (name: string) => runs.filter((r) => r.variant === name);
  const med = (name: string, pick: (r: Run) => number | null) => {
    const values = of(name).map(pick).filter((v): v is number => v !== null);
    return values.length > 0 ? median(values) : null;
  };
  const shipped = med(VARIANTS[0].name, (r) => r.seconds)!;
  const rows = runs[0].rows;
  const summary = VARIANTS.map((v) => {
    const seconds = med(v.name, (r) => r.seconds)!;
    return {
      variant: v.name,
      seconds,
      rowsPerSecond: rows / seconds,
      ofShipped: seconds / shipped,
      nodeCpuSeconds: med(v.name, (r) => r.nodeCpuSeconds),
      pgBackendCpuSeconds: med(v.name, (r) => r.pgBackendCpuSeconds),
      pgBackgroundCpuSeconds: med(v.name, (r) => r.pgBackgroundCpuSeconds),
    };
  });

  const header = ['variant', 'of shipped', 'seconds', 'rows/s', 'Node CPU s', 'PG backend CPU s', 'PG background CPU s'];
  const lines = summary.map((s) => [
    s.variant,
    `${s.ofShipped.toFixed(2)}×`,
    fixed(s.seconds),
    Math.round(s.rowsPerSecond).toLocaleString('en'),
    fixed(s.nodeCpuSeconds),
    fixed(s.pgBackendCpuSeconds),
    fixed(s.pgBackgroundCpuSeconds),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const row = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log(`\n${rows.toLocaleString('en')} rows of ${path.resolve(dataset)}, ${rounds} round(s), medians:\n`);
  console.log(row(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const l of lines) console.log(row(l));

  fs.writeFileSync(
    out,
    JSON.stringify({ measuredAt: new Date().toISOString(), dataset: path.resolve(dataset), rows, rounds, summary, runs }, null, 2) + '\n',
  );
  log(`\nwritten: ${path.relative(process.cwd(), out)}`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
