/**
 * Writes a validated dataset in one transaction: categories, unit histories (then the tree's segments), facts.
 * Upserts by natural key so that a re-import never doubles a figure, and counts per file what was
 * created, updated and left unchanged.
 */
import type { Knex } from '@mikro-orm/postgresql';
import { TIER_OF_KIND } from '../org/kinds';
import { pgArray } from '../sql';
import type { FactFile, ReportedFigureRow } from './files';
import { OPEN_END, OPEN_START } from '../dates';
import type { Version } from '../org/history';
import { EXTRA_COLUMNS, type StoredState, type ValidDataset, type ValidUnits } from './validate';
import { STAGE_TABLE } from './stage';

export interface FileCounts {
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  /** units.csv only: stored versions that the file's histories no longer have. */
  removed?: number;
}

/** PostgreSQL allows 65,535 parameters per statement; stay well below it. */
const MAX_PARAMS = 30_000;

function chunks<T>(items: T[], columns: number): T[][] {
  const size = Math.max(1, Math.floor(MAX_PARAMS / columns));
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function valuesClause(rows: number, columns: number, casts: string[] = []): string {
  const tuple = `(${Array.from({ length: columns }, (_, i) => (casts[i] ? `?::${casts[i]}` : '?')).join(', ')})`;
  return Array.from({ length: rows }, () => tuple).join(', ');
}

export async function writeCategories(trx: Knex.Transaction, data: ValidDataset): Promise<FileCounts> {
  const counts: FileCounts = { rows: data.categories.length, created: 0, updated: 0, unchanged: 0 };
  for (const chunk of chunks(data.categories, 2)) {
    const result = await trx.raw(
      `insert into cadre_categories (code, name) values ${valuesClause(chunk.length, 2)}
       on conflict (code) do update set name = excluded.name where cadre_categories.name is distinct from excluded.name
       returning (xmax = 0) as inserted`,
      chunk.flatMap((c) => [c.code, c.name]),
    );
    for (const row of result.rows as { inserted: boolean }[]) row.inserted ? counts.created++ : counts.updated++;
  }
  counts.unchanged = counts.rows - counts.created - counts.updated;
  return counts;
}

/** Stored versions with the same start and the same values as a given row count as unchanged. */
function sameVersion(a: Version, b: Version): boolean {
  return a.from === b.from && a.to === b.to && a.parentCode === b.parentCode && a.name === b.name && a.kind === b.kind;
}

/**
 * Writes the histories the file gives: each replaces the stored history of its code. Counts rows as created
 * (no stored version starts that day), updated or unchanged, and `removed` stored versions the file no longer
 * has. Returns the counts and whether any unit changed (then the segments are recomputed).
 */
export async function writeUnits(
  trx: Knex.Transaction,
  units: ValidUnits,
  stored: StoredState,
): Promise<{ counts: FileCounts; segmentsChanged: number[] }> {
  const counts: FileCounts = { rows: units.rows.length, created: 0, updated: 0, unchanged: 0, removed: 0 };
  const changedCodes: string[] = [];
  for (const [code, history] of units.given) {
    const before = stored.units.get(code);
    const beforeVersions = before?.versions ?? [];
    const successorChanged = before !== undefined && before.successorCode !== history.successorCode;
    history.versions.forEach((v, i) => {
      const match = beforeVersions.find((b) => b.from === v.from);
      // The successor is written on the latest row: a new successor updates that row.
      const isLast = i === history.versions.length - 1;
      if (!match) counts.created++;
      else if (sameVersion(match, v) && !(isLast && successorChanged)) counts.unchanged++;
      else counts.updated++;
    });
    counts.removed! += beforeVersions.filter((b) => !history.versions.some((v) => v.from === b.from)).length;
    const same =
      before !== undefined &&
      before.successorCode === history.successorCode &&
      beforeVersions.length === history.versions.length &&
      beforeVersions.every((b, i) => sameVersion(b, history.versions[i]));
    if (!same) changedCodes.push(code);
  }
  if (changedCodes.length === 0) return { counts, segmentsChanged: [] };

  await trx.raw(`insert into units (code) select unnest(?::text[]) on conflict (code) do nothing`, [pgArray(changedCodes)]);
  const referenced = new Set(changedCodes);
  for (const code of changedCodes) {
    const h = units.given.get(code)!;
    if (h.successorCode) referenced.add(h.successorCode);
    for (const v of h.versions) if (v.parentCode) referenced.add(v.parentCode);
  }
  const ids = await idsByCode(trx, 'units', [...referenced]);
  const changedIds = changedCodes.map((c) => ids.get(c)!);
  await trx.raw(`delete from unit_versions where unit_id = any(?::int[])`, [pgArray(changedIds)]);
  // One statement each, the rows as arrays (unnest): at national scale (~250,000 units) row-by-row VALUES lists
  // spend most of their time binding parameters.
  const versions = changedCodes.flatMap((code) => units.given.get(code)!.versions.map((v) => ({ id: ids.get(code)!, v })));
  await trx.raw(
    `insert into unit_versions (unit_id, valid_from, valid_to, parent_id, name, kind, tier)
     select * from unnest(?::int[], ?::date[], ?::date[], ?::int[], ?::text[], ?::text[], ?::text[])`,
    [
      versions.map(({ id }) => id),
      versions.map(({ v }) => v.from ?? OPEN_START),
      versions.map(({ v }) => v.to ?? OPEN_END),
      versions.map(({ v }) => (v.parentCode ? ids.get(v.parentCode)! : null)),
      versions.map(({ v }) => v.name),
      versions.map(({ v }) => v.kind),
      versions.map(({ v }) => TIER_OF_KIND[v.kind]),
    ].map((column) => pgArray(column)),
  );
 
  await trx.raw(
    `update units set successor_id = s.id
     from unnest(?::text[], ?::text[]) as v(code, successor_code)
     left join units s on s.code = v.successor_code
     where units.code = v.code and units.successor_id is distinct from s.id`,
    [pgArray(changedCodes), pgArray(changedCodes.map((code) => units.given.get(code)!.successorCode))],
  );
 
  return { counts, segmentsChanged: await recomputeSegments(trx) };
}

/**
 * Rewrites unit_segments from the versions: a root's segments are its versions; a child's are its versions cut
 * by its parent's segments, with the parent's path extended by the child's id. Only rows that differ are
 * deleted or inserted; returns the units whose segments changed. Terminates because the import refuses cycles
 * on every day (and depth is capped anyway).
 */
async function recomputeSegments(trx: Knex.Transaction): Promise<number[]> {
  const computed = `with recursive s(unit_id, valid_from, valid_to, path, depth) as (
      select unit_id, valid_from, valid_to, text2ltree(unit_id::text), 0 from unit_versions where parent_id is null
      union all
      select v.unit_id, greatest(v.valid_from, s.valid_from), least(v.valid_to, s.valid_to), s.path || v.unit_id::text, s.depth + 1
      from unit_versions v join s on s.unit_id = v.parent_id and s.valid_from < v.valid_to and v.valid_from < s.valid_to
      where s.depth < 64)
    select * from s`;
  await trx.raw(`create temporary table computed_segments on commit drop as ${computed}`);
  const deleted = await trx.raw(
    `delete from unit_segments t where not exists (
       select 1 from computed_segments c where (c.unit_id, c.valid_from, c.valid_to, c.path, c.depth) = (t.unit_id, t.valid_from, t.valid_to, t.path, t.depth))
     returning unit_id`,
  );
  const inserted = await trx.raw(
    `insert into unit_segments (unit_id, valid_from, valid_to, path, depth)
     select * from computed_segments c where not exists (
       select 1 from unit_segments t where (c.unit_id, c.valid_from, c.valid_to, c.path, c.depth) = (t.unit_id, t.valid_from, t.valid_to, t.path, t.depth))
     returning unit_id`,
  );
  await trx.raw(`drop table computed_segments`);
  return [...new Set([...deleted.rows, ...inserted.rows].map((r: { unit_id: number }) => r.unit_id))];
}

/** Ids of the given codes in `units` or `cadre_categories` (codes not stored are missing from the map). */
export async function idsByCode(trx: Knex.Transaction, table: 'units' | 'cadre_categories', codes: string[]): Promise<Map<string, number>> {
  if (codes.length === 0) return new Map();
  const result = await trx.raw(`select id, code from ${table} where code = any(?::text[])`, [pgArray(codes)]);
  return new Map(result.rows.map((r: { id: number; code: string }) => [r.code, r.id]));
}

/** The table each fact file is stored in. */
export const FACT_TABLE: Record<FactFile, string> = {
  'campaigns.csv': 'campaigns',
  'discipline.csv': 'disciplinary_actions',
  'documents.csv': 'documents',
};


/**
 * Upserts a file's staged rows (stage.ts) in one statement: unit ids by code, the fact's tree path on its
 * reference date from the segments, categories as links. A row whose key is stored with the same values is left
 * alone (and counted unchanged); with other values it is updated. Rows go in in row-key order, not file order: each
 * probes and extends the row-key index where the previous one did instead of at a random leaf (2,675,620 national
 * campaign rows into a table with that index, psql, alternating: 20.8/21.4 s against 27.4/34.9 s in file order). Ids
 * then follow row-key order; nothing reads them as file order.
 */
export async function writeStagedFacts(trx: Knex.Transaction, file: FactFile, bulkLoadRows = BULK_LOAD_ROWS): Promise<FileCounts> {
  const table = FACT_TABLE[file];
  const stage = STAGE_TABLE[file];
  // Disciplinary actions also keep their category codes as one text (part of the row's values; links are rows).
  const extra = file === 'discipline.csv' ? [...EXTRA_COLUMNS[file], 'categories_key'] : EXTRA_COLUMNS[file];
  const columns = ['unit_id', 'year', 'month', 'body', 'quantity', 'external_id', 'row_key', 'ref_date', 'tier', ...extra];
  const compared = columns.filter((c) => c !== 'row_key');
  const source = (c: string) => (c === 'unit_id' ? 'u.id' : c === 'categories_key' ? `array_to_string(s.categories, ';')` : `s.${c}`);
  const upsert = `insert into ${table} (${columns.join(', ')}, path)
    select ${columns.map(source).join(', ')}, seg.path
    from ${stage} s join units u on u.code = s.unit_code
    left join unit_segments seg on seg.unit_id = u.id and s.ref_date >= seg.valid_from and s.ref_date < seg.valid_to
    order by s.row_key
    on conflict (row_key) do update set ${compared.map((c) => `${c} = excluded.${c}`).join(', ')}, path = excluded.path
    where (${compared.map((c) => `${table}.${c}`).join(', ')}) is distinct from (${compared.map((c) => `excluded.${c}`).join(', ')})
    returning id, row_key, (xmax = 0) as inserted`;
  const rows = Number((await trx.raw(`select count(*)::bigint as n from ${stage}`)).rows[0].n);
  const rebuildIndexes = await dropIndexesForBulkLoad(trx, table, rows, bulkLoadRows);
  const rebuildTotals = await suspendTotalsForBulkLoad(trx, file, rows, bulkLoadRows);
  let created: number;
  let updated: number;
  if (file === 'discipline.csv') {
    await trx.raw(`create temporary table written_actions on commit drop as select id, row_key, true as inserted from disciplinary_actions limit 0`);
    await trx.raw(`with w as (${upsert}) insert into written_actions select * from w`);
    // Links of updated actions are replaced; new actions get theirs.
    await trx.raw(`delete from disciplinary_action_categories c using written_actions w where c.action_id = w.id and not w.inserted`);
    await trx.raw(
      `insert into disciplinary_action_categories (action_id, category_id)
       select w.id, c.id from written_actions w join ${stage} s on s.row_key = w.row_key
       cross join lateral unnest(s.categories) as l(code) join cadre_categories c on c.code = l.code`,
    );
    const counts = await trx.raw(`select count(*) filter (where inserted)::bigint as created, count(*) filter (where not inserted)::bigint as updated from written_actions`);
    created = Number(counts.rows[0].created);
    updated = Number(counts.rows[0].updated);
    await trx.raw(`drop table written_actions`);
  } else {
    const counts = await trx.raw(
      `with w as (${upsert}) select count(*) filter (where inserted)::bigint as created, count(*) filter (where not inserted)::bigint as updated from w`,
    );
    created = Number(counts.rows[0].created);
    updated = Number(counts.rows[0].updated);
  }
  await rebuildIndexes();
  await rebuildTotals(created + updated > 0);
  return { rows, created, updated, unchanged: rows - created - updated };
}

/** The rollup totals each fact file's rows are summed into, and the tables whose triggers keep them. */
export const TOTALS: Record<FactFile, { totals: string[]; triggered: string[] }> = {
  'campaigns.csv': { totals: ['rollup_campaigns'], triggered: ['campaigns'] },
  'discipline.csv': { totals: ['rollup_discipline', 'rollup_discipline_categories'], triggered: ['disciplinary_actions', 'disciplinary_action_categories'] },
  'documents.csv': { totals: ['rollup_documents'], triggered: ['documents'] },
};

/**
 * A load of mostly new rows (at least `bulkLoadRows` of them, and at least half as many as were stored) keeps the
 * rollup totals faster by recomputing the years it touches afterwards than through the triggers, row group by row
 * group (Migration20261127120000BulkTotals; the four tables of the national dataset: 134 s against 295 s). The
 * triggers of the tables it writes are disabled for the rest of the import's transaction and enabled again after the
 * rebuild: DDL is transactional, so a failed import leaves them as they were, and writers elsewhere wait for the
 * import (ALTER TABLE's lock) instead of writing without them; readers of a totals table rebuilt whole (TRUNCATE)
 * wait too. The years are those of the staged rows and of the stored rows they replace (a row may move to another
 * year). Returns what to do once the rows are written (`changed`: any were).
 */
async function suspendTotalsForBulkLoad(trx: Knex.Transaction, file: FactFile, staged: number, bulkLoadRows: number): Promise<(changed: boolean) => Promise<void>> {
  const nothing = async () => undefined;
  const table = FACT_TABLE[file];
  const stage = STAGE_TABLE[file];
  if (staged < bulkLoadRows) return nothing;
  const stored = Math.max(0, Number((await trx.raw(`select reltuples::bigint as n from pg_class where oid = ?::regclass`, [table])).rows[0].n));
  if (staged < stored / 2) return nothing;
  const found = await trx.raw(
    `with j as materialized (select s.year as staged_year, t.year as stored_year from ${stage} s left join ${table} t on t.row_key = s.row_key)
     select count(stored_year)::bigint as matched,
       array(select staged_year from j union select stored_year from j where stored_year is not null order by 1) as years
     from j`,
  );
  const fresh = staged - Number(found.rows[0].matched);
  if (fresh < bulkLoadRows || fresh < stored / 2) return nothing;
  const years: number[] = found.rows[0].years;
  const { totals, triggered } = TOTALS[file];
  for (const sql of totalsTriggersSql(triggered, 'disable')) await trx.raw(sql);
  return async (changed) => {
    if (changed) for (const t of totals) await trx.raw(`select ${t}_rebuild_years(?::smallint[])`, [pgArray(years)]);
    for (const sql of totalsTriggersSql(triggered, 'enable')) await trx.raw(sql);
  };
}

/** One ALTER TABLE per table of `tables`, enabling or disabling the insert, update and delete triggers that keep the totals. */
export function totalsTriggersSql(tables: readonly string[], action: 'enable' | 'disable'): string[] {
  return tables.map((t) => `alter table ${t} ${['insert', 'update', 'delete'].map((op) => `${action} trigger ${t}_rollup_${op}`).join(', ')}`);
}

/** Below this many staged rows, or when they are less than half the stored ones, indexes are kept as they are. */
export const BULK_LOAD_ROWS = 100_000;

/**
 * A bulk load (many rows, as many as stored or more) into a fact table writes faster without its secondary indexes,
 * built again afterwards in one sorted pass: measured on 2,675,620 campaign rows, 20.4 s with the four indexes
 * against 4.4 s without them. The primary key and the row-key index (the upsert's conflict target) stay. DDL is
 * transactional: a failed import leaves the indexes as they were. Readers of the table wait for the import.
 */
async function dropIndexesForBulkLoad(trx: Knex.Transaction, table: string, staged: number, bulkLoadRows: number): Promise<() => Promise<void>> {
  const nothing = async () => undefined;
  if (staged < bulkLoadRows) return nothing;
  const stored = Number((await trx.raw(`select reltuples::bigint as n from pg_class where oid = ?::regclass`, [table])).rows[0].n);
  if (staged < stored / 2) return nothing;
  const indexes = (
    await trx.raw(
      `select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as definition from pg_index i
       where i.indrelid = ?::regclass and not i.indisprimary and not i.indisunique`,
      [table],
    )
  ).rows as { name: string; definition: string }[];
  for (const index of indexes) await trx.raw(`drop index ${index.name}`);
  return async () => {
    for (const index of indexes) await trx.raw(index.definition);
  };
}

/** Upserts published figures by row key, like facts. */
export async function writeReportedFigures(trx: Knex.Transaction, rows: ReportedFigureRow[], unitIds: Map<string, number>): Promise<FileCounts> {
  const counts: FileCounts = { rows: rows.length, created: 0, updated: 0, unchanged: 0 };
  const columns = ['unit_id', 'year', 'from_month', 'to_month', 'metric', 'value', 'bound', 'percent', 'source', 'note', 'external_id', 'row_key'];
  const casts = ['int', 'smallint', 'smallint', 'smallint', 'text', 'bigint', 'text', 'numeric', 'text', 'text', 'text', 'text'];
  const compared = columns.filter((c) => c !== 'row_key');
  for (const chunk of chunks(rows, columns.length)) {
    const result = await trx.raw(
      `insert into reported_figures (${columns.join(', ')}) values ${valuesClause(chunk.length, columns.length, casts)}
       on conflict (row_key) do update set ${compared.map((c) => `${c} = excluded.${c}`).join(', ')}
       where (${compared.map((c) => `reported_figures.${c}`).join(', ')}) is distinct from (${compared.map((c) => `excluded.${c}`).join(', ')})
       returning (xmax = 0) as inserted`,
      chunk.flatMap((r) => [unitIds.get(r.unitCode)!, r.year, r.fromMonth, r.toMonth, r.metric, r.value, r.bound, r.percent, r.source, r.note, r.externalId, r.rowKey]),
    );
    for (const row of result.rows as { inserted: boolean }[]) row.inserted ? counts.created++ : counts.updated++;
  }
  counts.unchanged = counts.rows - counts.created - counts.updated;
  return counts;
}

/**
 * Facts carry their unit's ancestor path on their reference date (row-level security and the rollup totals use
 * it). New rows get it as they are written; this rewrites it for the facts of `unitIds` — units whose segments
 * changed, or whose stored facts were re-placed.
 */
export async function refreshFactPaths(trx: Knex.Transaction, unitIds: readonly number[]): Promise<void> {
  if (unitIds.length === 0) return;
  for (const table of Object.values(FACT_TABLE)) {
    await trx.raw(
      `update ${table} f set path = s.path from unit_segments s
       where f.unit_id = any(?::int[]) and s.unit_id = f.unit_id and f.ref_date >= s.valid_from and f.ref_date < s.valid_to
         and f.path is distinct from s.path`,
      [pgArray(unitIds)],
    );
  }
}
