/**
 * Fact files are never held in memory: each row is checked as it streams (validate.ts `factChecker`) and goes
 * into a temporary staging table of the import's transaction — through COPY on a PostgreSQL server, through
 * batched multi-row INSERTs on PGlite (which has no COPY FROM STDIN). What needs the whole file is set-based SQL
 * on the staged rows: duplicate keys here, the upsert into the fact tables in write.ts.
 */
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { from as copyFrom } from 'pg-copy-streams';
import type { Knex } from '@mikro-orm/postgresql';
import type { FactFile } from './files';
import { EXTRA_COLUMNS, type Fail, type FactRow } from './validate';
import { pgArray } from '../sql';

/** The staging table of each fact file (temporary, dropped at commit or rollback). */
export const STAGE_TABLE: Record<FactFile, string> = {
  'campaigns.csv': 'stage_campaigns',
  'discipline.csv': 'stage_discipline',
  'documents.csv': 'stage_documents',
};


const COMMON_COLUMNS = [
  ['line', 'int not null'],
  ['rejected', 'boolean not null'],
  ['unit_code', 'text not null'],
  ['year', 'smallint not null'],
  ['month', 'smallint'],
  ['body', 'text'],
  ['quantity', 'int not null'],
  ['external_id', 'text'],
  ['row_key', 'text not null'],
  ['ref_date', 'date'],
  ['tier', 'text'],
] as const;

function stageColumns(file: FactFile): [string, string][] {
  const columns: [string, string][] = [...COMMON_COLUMNS.map(([n, t]) => [n, t] as [string, string])];
  for (const c of EXTRA_COLUMNS[file]) columns.push([c, 'text']);
  if (file === 'discipline.csv') columns.push(['categories', 'text[] not null']);
  return columns;
}

function stageValues(file: FactFile, fact: FactRow, rejected: boolean): (string | number | boolean | null | string[])[] {
  const values: (string | number | boolean | null | string[])[] = [
    fact.line,
    rejected,
    fact.unitCode,
    fact.year,
    fact.month,
    fact.body,
    fact.quantity,
    fact.externalId,
    fact.rowKey,
    fact.refDate,
    fact.tier,
    ...EXTRA_COLUMNS[file].map((c) => fact.extra[c] ?? null),
  ];
  if (file === 'discipline.csv') values.push(fact.categories);
  return values;
}

const COPY_SPECIAL = /[\\\t\n\r]/;

/** One value in COPY's text format: `\N` for null, backslash escapes for the characters COPY gives meaning to. */
function copyText(value: string | number | boolean | null | string[]): string {
  if (value === null) return '\\N';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'number') return String(value);
  const text = Array.isArray(value) ? pgArray(value) : value;
  // Most values have nothing to escape: a test is cheaper than a replace that finds nothing.
  if (!COPY_SPECIAL.test(text)) return text;
  return text.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

/** Receives checked rows in file order; `close` waits until every row is in the staging table. */
export interface StageWriter {
  write(fact: FactRow, rejected: boolean): void | Promise<void>;
  close(): Promise<void>;
  readonly rows: number;
}

/** A pg client (PostgreSQL server) can run a COPY stream; PGlite's connection cannot. */
function isPgClient(connection: unknown): connection is { query(stream: unknown): NodeJS.WritableStream } {
  return typeof connection === 'object' && connection !== null && 'connectionParameters' in connection;
}

export async function openStage(trx: Knex.Transaction, file: FactFile): Promise<StageWriter> {
  const table = STAGE_TABLE[file];
  const columns = stageColumns(file);
  await trx.raw(`drop table if exists ${table}`);
  await trx.raw(`create temporary table ${table} (${columns.map(([n, t]) => `${n} ${t}`).join(', ')}) on commit drop`);
  const connection = await (trx as unknown as { client: { acquireConnection(): Promise<unknown> } }).client.acquireConnection();
  return isPgClient(connection) ? copyWriter(connection, file, table, columns) : insertWriter(trx, file, table, columns);
}

/** COPY … FROM STDIN, fed by a readable that pulls one line per row (backpressure both ways). */
function copyWriter(
  client: { query(stream: unknown): NodeJS.WritableStream },
  file: FactFile,
  table: string,
  columns: [string, string][],
): StageWriter {
  const copy = client.query(copyFrom(`copy ${table} (${columns.map(([n]) => n).join(', ')}) from stdin`));
  // When the COPY stream is behind, `write` waits until it asks for more (`read`) or fails.
  let resume: { resolve(): void; reject(err: unknown): void } | null = null;
  const source = new Readable({
    read() {
      const waiting = resume;
      resume = null;
      waiting?.resolve();
    },
  });
  const done = pipeline(source, copy as unknown as NodeJS.WritableStream);
  let failure: unknown;
  done.catch((err) => {
    failure = err ?? new Error('COPY failed');
    resume?.reject(failure);
  }); // also observed in close()
  let buffer: string[] = [];
  let rows = 0;
  const flush = () => {
    if (buffer.length === 0) return true;
    const ok = source.push(buffer.join(''));
    buffer = [];
    return ok;
  };
  return {
    get rows() {
      return rows;
    },
    write(fact, rejected) {
      rows++;
      buffer.push(stageValues(file, fact, rejected).map(copyText).join('\t') + '\n');
      if (buffer.length < 512 || flush()) return;
      return new Promise<void>((resolve, reject) => (failure !== undefined ? reject(failure) : (resume = { resolve, reject })));
    },
    async close() {
      flush();
      source.push(null);
      await done;
    },
  };
}

/** PGlite: multi-row INSERTs of up to 1,000 rows. */
function insertWriter(trx: Knex.Transaction, file: FactFile, table: string, columns: [string, string][]): StageWriter {
  const casts = columns.map(([, t]) => t.replace(' not null', ''));
  let batch: ReturnType<typeof stageValues>[] = [];
  let rows = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const tuple = `(${casts.map((c) => `?::${c}`).join(', ')})`;
    const params = batch.flat().map((v) => (Array.isArray(v) ? pgArray(v) : v)) as Knex.RawBinding[];
    batch = [];
    await trx.raw(`insert into ${table} (${columns.map(([n]) => n).join(', ')}) values ${Array(params.length / casts.length).fill(tuple).join(', ')}`, params);
  };
  return {
    get rows() {
      return rows;
    },
    write(fact, rejected) {
      rows++;
      batch.push(stageValues(file, fact, rejected));
      if (batch.length >= 1000) return flush();
    },
    close: flush,
  };
}

/** Rows whose key (external id, or every column) repeats an earlier line of the same file. */
export async function reportDuplicates(trx: Knex.Transaction, file: FactFile, fail: Fail): Promise<void> {
  const table = STAGE_TABLE[file];
  const result = await trx.raw(
    `select s.line, s.external_id, d.first_line from ${table} s
     join (select row_key, min(line) as first_line from ${table} group by row_key having count(*) > 1) d on d.row_key = s.row_key
     where s.line > d.first_line order by s.line`,
  );
  for (const row of result.rows as { line: number; external_id: string | null; first_line: number }[]) {
    const label = row.external_id !== null ? `(external_id "${row.external_id}")` : '(same values in every column)';
    fail(file, row.line, `duplicate row ${label}: same as line ${row.first_line}`);
  }
}
