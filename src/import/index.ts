/**
 * Dataset import: parse every file → validate everything → write in one transaction (or roll back for a dry run).
 * The only write path for bulk data. Nothing is written when there is any error.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Knex, SqlEntityManager } from '@mikro-orm/postgresql';
import type { Orm } from '../db';
import { DatasetInvalidError, sortErrors, type ImportError } from './errors';
import { FACT_FILES, FILE_NAMES, FILE_SPECS, REPORTED_FIGURES, type FactFile, type FileName, type ParsedRow } from './files';
import type { FileCounts } from './write';
import { parseFile, streamFile } from './parse';
import { checkImportScope, factOutsideScope } from './scope-check';
import { factChecker, validateDataset, type Fail, type StoredState, type ValidDataset } from './validate';
import { openStage, reportDuplicates, STAGE_TABLE } from './stage';
import { TIERS_WITH_PARTY_BUILDING_BOARD, type UnitKind } from '../org/kinds';
import { placeFact, type Placement } from '../org/history';
import { monthsInterval, openToNull, overlaps, periodLabel } from '../dates';
import { pgArray } from '../sql';
import { FACT_TABLE, idsByCode, refreshFactPaths, writeCategories, writeReportedFigures, writeStagedFacts, writeUnits } from './write';
import { defaultActor, setActor } from '../audit/actor';

export { DatasetInvalidError, formatImportError } from './errors';
export type { ImportError } from './errors';
export type { FileCounts } from './write';

export interface ImportOptions {
  /** Validate and count what would change, then roll back. */
  dryRun?: boolean;
  /** Called as each file is read, for a progress bar. */
  onProgress?: (file: string, bytesRead: number, totalBytes: number) => void;
  /** Called when every file is read and the cross-file checks and the write begin. */
  onStage?: (stage: 'checking and writing') => void;
  /** The unit whose subtree every row must stay in (an import made with a scoped token); none: anywhere. */
  scopeCode?: string;
  /** Staged rows from which a fact table's secondary indexes are rebuilt instead of kept (write.ts; tests lower it). */
  bulkLoadRows?: number;
  /** Who imports, as the audit log records it (default: 'cli:' and the OS user, or 'system'). */
  actor?: string;
}

export interface ImportReport {
  dryRun: boolean;
  files: Partial<Record<FileName, FileCounts>>;
  /** How long each phase took, in order (for the benchmark and `--verbose`; not part of any contract). */
  phases: { phase: string; ms: number }[];
}

/** Records the duration of consecutive phases, the first starting at `start`. */
function phaseTimer(phases: ImportReport['phases'], start: number): (name: string) => void {
  let last = start;
  return (name) => {
    const now = performance.now();
    phases.push({ phase: name, ms: Math.round(now - last) });
    last = now;
  };
}

/** Imports serialize on this advisory lock, so that validation sees what the write will change. */
const IMPORT_LOCK = 0x6b69656d; // "kiem"

class DryRunRollback extends Error {
  constructor(readonly report: ImportReport) {
    super('dry run');
  }
}

export async function importDataset(orm: Orm, dir: string, options: ImportOptions = {}): Promise<ImportReport> {
  const errors: ImportError[] = [];
  const phases: ImportReport['phases'] = [];
  const started = performance.now();
  const { parsed, factFiles } = await parseDataset(dir, errors, options);
  // Cell errors do not stop here: the cross-row rules run too, so that every error is reported at once.
  if (Object.keys(parsed).length === 0 && factFiles.length === 0 && errors.length > 0) throw new DatasetInvalidError(sortErrors(errors));

  const knex = (orm.em as SqlEntityManager).getKnex();
  const phase = phaseTimer(phases, started);
  let report: ImportReport;
  try {
    report = await knex.transaction(async (trx) => {
      await trx.raw('select pg_advisory_xact_lock(?)', [IMPORT_LOCK]);
      // The request statement timeout guards the API; a bulk load's statements may take longer, and its set-based
      // steps (upserts, the totals' aggregates, sorts) spill to disk with the default 4 MB of work memory.
      await trx.raw('set local statement_timeout = 0');
      await trx.raw(`set local work_mem = '256MB'`);
      await setActor(trx, options.actor || defaultActor());
      const stored = await loadStoredState(trx);
      const data = validateDataset(parsed, stored, errors);
      phase('units, categories and figures read and checked');
      if (options.scopeCode) checkImportScope(data, options.scopeCode, errors);
      // Fact files stream into staging tables, checked row by row against the tree the import leaves.
      for (const file of factFiles) await stageFactFile(trx, dir, file, data, errors, options);
      phase('fact files staged and checked');
      options.onStage?.('checking and writing');
      const replaced = await placeStoredFacts(trx, data, stored, factFiles, errors);
      phase('stored facts re-placed');
      if (errors.length > 0) throw new DatasetInvalidError(sortErrors(errors));

      const report: ImportReport = { dryRun: !!options.dryRun, files: {}, phases };
      if (parsed['cadre_categories.csv']) report.files['cadre_categories.csv'] = await writeCategories(trx, data);
      const moved = new Set<number>();
      if (parsed['units.csv']) {
        const written = await writeUnits(trx, data.units, stored);
        report.files['units.csv'] = written.counts;
        for (const id of written.segmentsChanged) moved.add(id);
      }
      await writePlacements(trx, replaced);
      for (const group of replaced) moved.add(group.unitId);
      // Stored facts whose unit's path changed, or that were re-placed, get their new path; new facts get it as written.
      await refreshFactPaths(trx, [...moved]);
      phase('units written');
      for (const file of factFiles) report.files[file] = await writeStagedFacts(trx, file, options.bulkLoadRows);
      phase('facts written');
      if (parsed[REPORTED_FIGURES]) {
        const unitIds = await idsByCode(trx, 'units', [...new Set(data.reportedFigures.map((r) => r.unitCode))]);
        report.files[REPORTED_FIGURES] = await writeReportedFigures(trx, data.reportedFigures, unitIds);
      }
      phase('published figures written');
      if (options.dryRun) throw new DryRunRollback(report);
      return report;
    });
  } catch (err) {
    if (err instanceof DryRunRollback) return err.report;
    throw err;
  }
  // Fresh planner statistics: without them the first rollups after a bulk load pick nested loops from the
  // fact side (measured on the reference data: 52 ms before ANALYZE, 8.5 ms after, for the root's campaigns).
  // VACUUM too: until the new rows are marked all-visible, every read checks their transaction's status (national
  // load, the 63 provinces' rollups: 35–41 ms median before, 24–28 ms after; it took 6.4 s there). It only scans
  // pages changed since the last one, runs outside the import's transaction and blocks neither reads nor writes.
  const changed = Object.values(report.files).some((c) => c!.created + c!.updated > 0);
  if (changed) await knex.raw(`vacuum (analyze) ${ANALYZED_TABLES.join(', ')}`);
  phase('committed, vacuumed and analyzed');
  return report;
}

/** Streams one fact file through the per-row checks into its staging table, then checks its keys set-based. */
async function stageFactFile(trx: Knex.Transaction, dir: string, file: FactFile, data: ValidDataset, errors: ImportError[], options: ImportOptions): Promise<void> {
  const fail: Fail = (f, line, message, column) => errors.push({ file: f, line, column, message });
  const check = factChecker(file, data.units.merged, data.categoryCodes, fail);
  const stage = await openStage(trx, file);
  await streamFile(
    path.join(dir, file),
    file,
    FILE_SPECS[file],
    errors,
    (row) => {
      const checked = check(row);
      if (!checked) return;
      let rejected = checked.rejected;
      if (options.scopeCode) {
        const outside = factOutsideScope(checked.fact, options.scopeCode, data.units.merged);
        if (outside) {
          fail(file, checked.fact.line, outside, 'unit_code');
          rejected = true;
        }
      }
      return stage.write(checked.fact, rejected);
    },
    (read, total) => options.onProgress?.(file, read, total),
  );
  await stage.close();
  await reportDuplicates(trx, file, fail);
}

const ANALYZED_TABLES = ['units', 'unit_versions', 'unit_segments', 'cadre_categories', 'campaigns', 'disciplinary_actions', 'disciplinary_action_categories', 'documents', 'reported_figures',
  // The rollup totals, kept by triggers on the facts (Migration20261126160000RollupTotals).
  'rollup_campaigns', 'rollup_discipline', 'rollup_discipline_categories', 'rollup_documents'];

/** Reads the small files (units, categories, published figures) and lists the fact files, which are streamed later. */
async function parseDataset(
  dir: string,
  errors: ImportError[],
  options: ImportOptions,
): Promise<{ parsed: Partial<Record<FileName, ParsedRow[]>>; factFiles: FactFile[] }> {
  const parsed: Partial<Record<FileName, ParsedRow[]>> = {};
  const factFiles: FactFile[] = [];
  let entries: string[];
  try {
    if (!fs.statSync(dir).isDirectory()) throw new Error('not a folder');
    entries = fs.readdirSync(dir).sort();
  } catch {
    errors.push({ file: dir, message: 'is not a readable folder' });
    return { parsed, factFiles };
  }
  for (const name of entries.filter((e) => e.toLowerCase().endsWith('.csv'))) {
    if (!(FILE_NAMES as string[]).includes(name)) {
      errors.push({ file: name, message: `unknown file: a dataset holds only ${FILE_NAMES.join(', ')}` });
    }
  }
  for (const file of FILE_NAMES) {
    if (!entries.includes(file)) continue;
    if ((FACT_FILES as readonly string[]).includes(file)) {
      factFiles.push(file as FactFile);
      continue;
    }
    parsed[file] = await parseFile(path.join(dir, file), file, FILE_SPECS[file], errors, (read, total) =>
      options.onProgress?.(file, read, total),
    );
  }
  return { parsed, factFiles };
}

async function loadStoredState(trx: Knex.Transaction): Promise<StoredState> {
  const versions = await trx.raw(
    `select u.id, u.code, s.code as successor_code, v.valid_from::text, v.valid_to::text, p.code as parent_code, v.name, v.kind
     from units u left join units s on s.id = u.successor_id
     join unit_versions v on v.unit_id = u.id left join units p on p.id = v.parent_id
     order by u.id, v.valid_from`,
  );
  const categories = await trx.raw(`select id, code, name from cadre_categories`);
  const units: StoredState['units'] = new Map();
  for (const r of versions.rows as Record<string, string | number | null>[]) {
    const code = r.code as string;
    if (!units.has(code)) units.set(code, { id: r.id as number, successorCode: r.successor_code as string | null, versions: [] });
    units.get(code)!.versions.push({
      from: openToNull(r.valid_from as string),
      to: openToNull(r.valid_to as string),
      parentCode: r.parent_code as string | null,
      name: r.name as string,
      kind: r.kind as UnitKind,
    });
  }
  return { units, categories: new Map(categories.rows.map((c: any) => [c.code, { id: c.id, name: c.name }])) };
}


/** Stored facts of one unit, year and month (a group that a unit history places together). */
interface PlacementGroup extends Placement {
  table: string;
  unitId: number;
  year: number;
  month: number | null;
}

/**
 * A new history for a stored unit moves the reference date and tier of its stored facts. Re-places them with the
 * same rule as new facts; reports (on the unit's first line) facts that would fall outside the unit's life,
 * party-building-board facts that would land below district tier, and published figures outside the unit's life.
 * Stored rows that this import replaces (same row key) are left to the new row's own checks.
 * Returns the groups whose placement changes.
 */
async function placeStoredFacts(
  trx: Knex.Transaction,
  data: ValidDataset,
  stored: StoredState,
  factFiles: readonly FactFile[],
  errors: ImportError[],
): Promise<PlacementGroup[]> {
  const units = data.units;
  const storedIds = [...units.given.keys()].map((code) => stored.units.get(code)?.id).filter((id): id is number => id !== undefined);
  if (storedIds.length === 0) return [];
  const codeOf = new Map([...stored.units].map(([code, u]) => [u.id, code]));
  const firstLine = new Map<string, number>();
  for (const r of units.rows) if (!firstLine.has(r.code)) firstLine.set(r.code, r.line);
  const fail = (code: string, message: string, column?: string) => errors.push({ file: 'units.csv', line: firstLine.get(code), column, message });

  const groups = await trx.raw(
    Object.entries(FACT_TABLE)
      .map(
        ([file, table]) => `select '${file}' as file, '${table}' as table, unit_id, year, month, ref_date::text, tier, count(*)::int as n,
          count(*) filter (where body = 'PARTY_BUILDING_BOARD')::int as board
        from ${table} f where unit_id = any(?::int[])${
          factFiles.includes(file as FactFile) ? ` and not exists (select 1 from ${STAGE_TABLE[file as FactFile]} s where s.row_key = f.row_key)` : ''
        } group by unit_id, year, month, ref_date, tier`,
      )
      .join(' union all ') + ' order by file, unit_id, year, month nulls first',
    Object.keys(FACT_TABLE).map(() => pgArray(storedIds)),
  );
  const changed: PlacementGroup[] = [];
  for (const g of groups.rows as { file: string; table: string; unit_id: number; year: number; month: number | null; ref_date: string; tier: string; n: number; board: number }[]) {
    const code = codeOf.get(g.unit_id)!;
    const placement = placeFact(units.merged.get(code)!.versions, g.year, g.month);
    const rows = (n: number) => `${n} stored ${g.file} row${n === 1 ? '' : 's'} of ${periodLabel(g.year, g.month)}`;
    if (!placement) {
      fail(code, `the history given for "${code}" leaves ${rows(g.n)} outside the unit's life`);
    } else if (g.board > 0 && !TIERS_WITH_PARTY_BUILDING_BOARD.has(placement.tier)) {
      fail(
        code,
        `"${code}" would be ${placement.tier} tier on ${placement.refDate}, where there is no party-building board, but ${rows(g.board)} ${g.board === 1 ? 'names' : 'name'} its party-building board`,
        'kind',
      );
    } else if (placement.refDate !== g.ref_date || placement.tier !== g.tier) {
      changed.push({ table: g.table, unitId: g.unit_id, year: g.year, month: g.month, ...placement });
    }
  }

  const figures = await trx.raw(
    `select unit_id, year, from_month, to_month, count(*)::int as n from reported_figures
     where unit_id = any(?::int[]) and row_key <> all(?::text[]) group by unit_id, year, from_month, to_month order by unit_id, year, from_month, to_month`,
    [pgArray(storedIds), pgArray(data.reportedFigures.map((r) => r.rowKey))],
  );
  for (const f of figures.rows as { unit_id: number; year: number; from_month: number; to_month: number; n: number }[]) {
    const code = codeOf.get(f.unit_id)!;
    const period = monthsInterval(f.year, f.from_month, f.to_month);
    if (!units.merged.get(code)!.versions.some((v) => overlaps(v, period))) {
      fail(code, `the history given for "${code}" leaves ${f.n} stored reported figure${f.n === 1 ? '' : 's'} of ${f.year}, months ${f.from_month}–${f.to_month}, outside the unit's life`);
    }
  }
  return changed;
}

async function writePlacements(trx: Knex.Transaction, groups: PlacementGroup[]): Promise<void> {
  for (const table of Object.values(FACT_TABLE)) {
    const mine = groups.filter((g) => g.table === table);
    if (mine.length === 0) continue;
    await trx.raw(
      `update ${table} f set ref_date = v.ref_date, tier = v.tier
       from unnest(?::int[], ?::smallint[], ?::smallint[], ?::date[], ?::text[]) as v(unit_id, year, month, ref_date, tier)
       where f.unit_id = v.unit_id and f.year = v.year and f.month is not distinct from v.month`,
      [mine.map((g) => g.unitId), mine.map((g) => g.year), mine.map((g) => g.month), mine.map((g) => g.refDate), mine.map((g) => g.tier)].map((a) => pgArray(a)),
    );
  }
}
