/**
 * Exports, shared by `GET /export.csv|.xlsx` (http.ts) and `kiemtra export` (cli.ts): run an `aggregate` or read
 * a unit's children rollup in a request context (role, scope and row-level security exactly as for GraphQL), turn
 * it into a table, and write it as CSV or XLSX with a file name.
 */
import { GraphQLError } from 'graphql';
import type { Orm } from '../db';
import { createContext, type Context } from '../context';
import { requireRole, Role, type Caller } from '../auth/caller';
import { isVisible } from '../auth/scope';
import { periodBounds } from '../dates';
import { defaultDay, type UnitView } from '../org/tree';
import { runAggregate } from '../rollup/aggregate';
import { validatePeriod } from '../rollup/period';
import type { RollupRequest } from '../rollup/rollup.loaders';
import { MEASURE_LABELS, text } from '../labels';
import { rethrowUnavailable } from '../health';
import type { ChildrenArgs, ExportRequest } from './args';
import { aggregateTable, childrenTable, periodLabel, type Table, type UnitRollup } from './table';
import { CSV_CONTENT_TYPE, toCsv } from './csv';
import { toXlsx, XLSX_CONTENT_TYPE } from './xlsx';

export { parseExportParams, type ExportRequest } from './args';

export const FORMATS = ['csv', 'xlsx'] as const;
export type Format = (typeof FORMATS)[number];

export interface ExportFile {
  table: Table;
  body: Buffer;
  contentType: string;
  /** The file name (Vietnamese intact); contentDisposition() makes the header from it. */
  filename: string;
}

const notFound = (code: string) => new GraphQLError(`No unit has the code "${code}".`, { extensions: { code: 'NOT_FOUND', field: 'root' } });

/** Every section of a unit's rollup. */
async function rollupOf(ctx: Context, request: RollupRequest): Promise<UnitRollup> {
  const [campaigns, discipline, documents] = await Promise.all([ctx.rollup.campaigns(request), ctx.rollup.discipline(request), ctx.rollup.documents(request)]);
  return { campaigns, discipline, documents };
}

/**
 * The children table of `root`: its children as the tree stood on the period's last day (or, for a unit that did
 * not exist then, on its last day before), each with its rollup over the period, as
 * `unit(code, asOf: <last day>) { children { rollup(period) } }` answers; then the root's own rollup.
 */
async function childrenExport(ctx: Context, args: ChildrenArgs) {
  requireRole(ctx.caller, Role.ANALYST);
  const period = validatePeriod(args);
  const id = await ctx.org.idByCode.load(args.root);
  if (id === null) throw notFound(args.root);
  const day = defaultDay(await ctx.org.versions.load(id), periodBounds(period.year, period.toMonth).last);
  const root = await ctx.org.unitOn(id, day);
  if (!isVisible(root, ctx.scopeUnitId)) throw notFound(args.root);
  const children = (await ctx.org.childrenOn(id, day)).filter((c) => isVisible(c, ctx.scopeUnitId));
  const [total, rollups, categories] = await Promise.all([
    rollupOf(ctx, { unitId: id, period, asOf: null }),
    Promise.all(children.map((c) => rollupOf(ctx, { unitId: c.id, period, asOf: null }))),
    ctx.rollup.categories(),
  ]);
  return { root, children: children.map((unit, i) => ({ unit, rollup: rollups[i] })), total, categories, period };
}

/** Runs the request in `ctx` (prepared) and returns its table and the unit it is about. */
export async function exportTable(ctx: Context, request: ExportRequest): Promise<{ table: Table; root: UnitView }> {
  if (request.report === 'children') {
    const input = await childrenExport(ctx, request.args);
    return { table: childrenTable(input, request.lang), root: input.root };
  }
  const result = await runAggregate(ctx, request.args);
  return { table: aggregateTable(request.args, result, result.root, request.lang), root: result.root };
}

/** "Đảng viên bị thi hành kỷ luật - Đảng bộ tỉnh Quảng Ninh - năm 2023.xlsx": what, whose, when. */
export function exportFilename(request: ExportRequest, root: Pick<UnitView, 'name'>, format: Format): string {
  const { lang } = request;
  const parts =
    request.report === 'children'
      ? [root.name, text('childrenFile', lang), periodLabel(lang, { fromYear: request.args.year, ...request.args })]
      : [MEASURE_LABELS[request.args.measure][lang], root.name, periodLabel(lang, request.args.period)];
  const base = parts
    .join(' - ')
    .replace(/[\\/:*?"<>|\p{Cc}]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 150);
  return `${base}.${format}`;
}

/** Vietnamese without its marks (and đ as d), then anything else outside printable ASCII as "_". */
export function asciiFilename(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/[^A-Za-z0-9 ._()-]/g, '_');
}

/** `attachment` with an ASCII `filename` for old clients and the UTF-8 name in `filename*` (RFC 6266, RFC 5987). */
export function contentDisposition(filename: string): string {
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${asciiFilename(filename)}"; filename*=UTF-8''${encoded}`;
}

export async function renderExport(table: Table, request: ExportRequest, root: Pick<UnitView, 'name'>, format: Format): Promise<ExportFile> {
  const body = format === 'csv' ? toCsv(table) : await toXlsx(table, { lang: request.lang, params: request.params });
  return { table, body, contentType: format === 'csv' ? CSV_CONTENT_TYPE : XLSX_CONTENT_TYPE, filename: exportFilename(request, root, format) };
}

/**
 * One export, start to end, as `caller`: the ANALYST role first (before any SQL), then a request context prepared
 * like a GraphQL request's (a scoped caller reads in its row-level-security transaction), always finished.
 */
export async function runExport(orm: Orm, caller: Caller, request: ExportRequest, format: Format, options: { timeZone?: string } = {}): Promise<ExportFile> {
  requireRole(caller, Role.ANALYST);
  const ctx = await createContext(orm, { caller, timeZone: options.timeZone }).catch(rethrowUnavailable);
  try {
    await ctx.prepare();
    const { table, root } = await exportTable(ctx, request);
    return await renderExport(table, request, root, format);
  } catch (err) {
    return rethrowUnavailable(err);
  } finally {
    await ctx.finish().catch(() => undefined);
  }
}
