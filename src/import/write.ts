/**
 * Writes a validated dataset in one transaction: categories, units (then every path that changed), facts.
 * Upserts by natural key so that a re-import never doubles a figure, and counts per file what was
 * created, updated and left unchanged.
 */
import type { Knex } from '@mikro-orm/postgresql';
import { TIER_OF_KIND } from '../org/kinds';
import { pgArray } from '../sql';
import type { FactFile } from './files';
import type { FactRow, StoredState, ValidDataset } from './validate';

export interface FileCounts {
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
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

export async function writeUnits(trx: Knex.Transaction, data: ValidDataset, stored: StoredState): Promise<FileCounts> {
  const counts: FileCounts = { rows: data.units.length, created: 0, updated: 0, unchanged: 0 };
  const changed = data.units.filter((u) => {
    const before = stored.units.get(u.code);
    if (!before) return (counts.created++, true);
    if (before.name === u.name && before.kind === u.kind && before.parentCode === u.parentCode) return (counts.unchanged++, false);
    return (counts.updated++, true);
  });
  if (changed.length === 0) return counts;
  for (const chunk of chunks(changed, 4)) {
    await trx.raw(
      `insert into units (code, name, kind, tier) values ${valuesClause(chunk.length, 4)}
       on conflict (code) do update set name = excluded.name, kind = excluded.kind, tier = excluded.tier`,
      chunk.flatMap((u) => [u.code, u.name, u.kind, TIER_OF_KIND[u.kind]]),
    );
  }
  for (const chunk of chunks(changed, 2)) {
    await trx.raw(
      `update units set parent_id = p.id
       from (values ${valuesClause(chunk.length, 2, ['text', 'text'])}) as v(code, parent_code)
       left join units p on p.code = v.parent_code
       where units.code = v.code and units.parent_id is distinct from p.id`,
      chunk.flatMap((u) => [u.code, u.parentCode]),
    );
  }
  // Recompute materialized paths and depths from the roots; only rows whose path changed are written.
  await trx.raw(
    `with recursive t(id, path, depth) as (
       select id, text2ltree(id::text), 0 from units where parent_id is null
       union all
       select u.id, t.path || u.id::text, t.depth + 1 from units u join t on u.parent_id = t.id)
     update units set path = t.path, depth = t.depth from t
     where units.id = t.id and (units.path <> t.path or units.depth <> t.depth)`,
  );
  return counts;
}

const FACT_TABLES: Record<FactFile, { table: string; extra: string[] }> = {
  'campaigns.csv': { table: 'campaigns', extra: ['activity', 'origin', 'status'] },
  'discipline.csv': { table: 'disciplinary_actions', extra: ['subject', 'form', 'categories_key'] },
  'documents.csv': { table: 'documents', extra: ['kind'] },
};

export async function writeFacts(
  trx: Knex.Transaction,
  file: FactFile,
  rows: FactRow[],
  unitIds: Map<string, number>,
  categoryIds: Map<string, number>,
): Promise<FileCounts> {
  const counts: FileCounts = { rows: rows.length, created: 0, updated: 0, unchanged: 0 };
  const { table, extra } = FACT_TABLES[file];
  const columns = ['unit_id', 'year', 'month', 'body', 'quantity', 'external_id', 'row_key', ...extra];
  const compared = columns.filter((c) => c !== 'row_key');
  const casts = ['int', 'smallint', 'smallint', 'text', 'int', 'text', 'text', ...extra.map(() => 'text')];
  for (const chunk of chunks(rows, columns.length)) {
    const params = chunk.flatMap((r) => [
      unitIds.get(r.unitCode)!,
      r.year,
      r.month,
      r.body,
      r.quantity,
      r.externalId,
      r.rowKey,
      ...extra.map((c) => (c === 'categories_key' ? r.categories.join(';') : r.extra[c])),
    ]);
    const result = await trx.raw(
      `insert into ${table} (${columns.join(', ')}) values ${valuesClause(chunk.length, columns.length, casts)}
       on conflict (row_key) do update set ${compared.map((c) => `${c} = excluded.${c}`).join(', ')}
       where (${compared.map((c) => `${table}.${c}`).join(', ')}) is distinct from (${compared.map((c) => `excluded.${c}`).join(', ')})
       returning id, row_key, (xmax = 0) as inserted`,
      params,
    );
    const written = result.rows as { id: string; row_key: string; inserted: boolean }[];
    for (const row of written) row.inserted ? counts.created++ : counts.updated++;
    if (file === 'discipline.csv' && written.length > 0) await writeCategoryLinks(trx, chunk, written, categoryIds);
  }
  counts.unchanged = counts.rows - counts.created - counts.updated;
  return counts;
}

/** Replaces the category links of the disciplinary actions that were just created or updated. */
async function writeCategoryLinks(
  trx: Knex.Transaction,
  chunk: FactRow[],
  written: { id: string; row_key: string; inserted: boolean }[],
  categoryIds: Map<string, number>,
): Promise<void> {
  const byKey = new Map(chunk.map((r) => [r.rowKey, r]));
  const updatedIds = written.filter((w) => !w.inserted).map((w) => w.id);
  if (updatedIds.length > 0) {
    await trx.raw(`delete from disciplinary_action_categories where action_id = any(?::bigint[])`, [pgArray(updatedIds)]);
  }
  const links = written.flatMap((w) => byKey.get(w.row_key)!.categories.map((code) => [w.id, categoryIds.get(code)!]));
  for (const part of chunks(links, 2)) {
    await trx.raw(
      `insert into disciplinary_action_categories (action_id, category_id) values ${valuesClause(part.length, 2, ['bigint', 'int'])}`,
      part.flat(),
    );
  }
}
