/**
 * Exports (issue 4, item 4): `aggregate` and the children table as CSV and XLSX, through the one parameter parser,
 * over HTTP (the real express app) and from the command line (the built bin/kiemtra.js), on the reference seed.
 * Every figure is compared with what GraphQL answers for the same arguments (`aggregate`, `unit { children { rollup } }`),
 * and the published Quảng Ninh 2023 totals are checked on the children table.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { spawnSync } from 'node:child_process';
import { parse } from 'csv-parse/sync';
import { Workbook } from 'exceljs';
import { createApp } from '../src/server';
import { createLogger } from '../src/logger';
import { createVerifier, signToken } from '../src/auth/tokens';
import { OPEN_CALLER, Role, type Caller } from '../src/auth/caller';
import { parseExportParams, type RawParams } from '../src/export/args';
import { exportFilename, runExport, type Format } from '../src/export';
import { toCsv } from '../src/export/csv';
import { NUMBER_FORMATS } from '../src/export/xlsx';
import type { Table } from '../src/export/table';
import { TEXTS } from '../src/labels';
import { seedReference, testAuthConfig, useDatabase } from './harness';

const t = useDatabase(seedReference);

// ---------------------------------------------------------------------------------------------------------------
// Helpers

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

async function exportVia(params: RawParams, format: Format, caller: Caller = OPEN_CALLER) {
  return runExport(t.db.orm, caller, parseExportParams(params), format);
}

function readCsv(body: Buffer): string[][] {
  return parse(body, { bom: true, relax_column_count: false }) as string[][];
}

interface Sheet {
  name: string;
  headers: string[];
  rows: (string | number | null)[][];
  views: any[];
  numFmts: (string | undefined)[];
  bold: boolean[];
  sheetNames: string[];
}

async function readXlsx(body: Buffer): Promise<Sheet> {
  const book = new Workbook();
  await book.xlsx.load(body as never);
  const sheet = book.worksheets[0];
  const width = sheet.columnCount;
  const cells = (r: number) => Array.from({ length: width }, (_, i) => {
    const v = sheet.getRow(r).getCell(i + 1).value;
    return v === undefined || v === null ? null : (v as string | number);
  });
  const rows: (string | number | null)[][] = [];
  for (let r = 2; r <= sheet.rowCount; r++) rows.push(cells(r));
  return {
    name: sheet.name,
    headers: cells(1) as string[],
    rows,
    views: sheet.views,
    numFmts: Array.from({ length: width }, (_, i) => sheet.getRow(2).getCell(i + 1).numFmt),
    bold: [1, sheet.rowCount].map((r) => sheet.getRow(r).getCell(1).font?.bold === true),
    sheetNames: book.worksheets.map((s) => s.name),
  };
}

const DISTRICT_TABLE: RawParams = { root: 'QN', year: '2023', measure: 'DISCIPLINED_MEMBERS', groupBy: 'CHILD_UNIT,CADRE_CATEGORY' };

const AGGREGATE = `query($root: String!, $fromYear: Int!, $measure: Measure!, $groupBy: [Dimension!], $filter: FactFilter) {
  aggregate(root: $root, period: { fromYear: $fromYear }, measure: $measure, groupBy: $groupBy, filter: $filter) {
    total rows { key { unit { code name } category { code name } body } value shareOfTotal numerator denominator } } }`;

const ROLLUP_FIELDS = `campaigns { total completed programmed arising }
  discipline { organizations members membersByCategory { category { code name } count share } }
  documents { directives guidance }`;
const CHILDREN = `query($code: String!) { unit(code: $code, asOf: "2023-12-31") { code name
  rollup(period: { year: 2023 }) { ${ROLLUP_FIELDS} }
  children { code name rollup(period: { year: 2023 }) { ${ROLLUP_FIELDS} } } } }`;

/** A rollup as the children table's figure columns. */
function rollupCells(r: any): (number | null)[] {
  return [
    r.campaigns.total,
    r.campaigns.completed,
    r.campaigns.total === 0 ? null : r.campaigns.completed / r.campaigns.total,
    r.campaigns.programmed,
    r.campaigns.arising,
    r.discipline.organizations,
    r.discipline.members,
    ...r.discipline.membersByCategory.flatMap((m: any) => [m.count, m.share]),
    r.documents.directives,
    r.documents.guidance,
  ];
}

const AUTH = testAuthConfig();
const token = (unit: string, roles: Role[]) => signToken(AUTH, { subject: 'export-test', unit, roles, expiresIn: '10m' });

// ---------------------------------------------------------------------------------------------------------------
// The parameter parser

describe('one parser for URL and command-line parameters', () => {
  test('parses an aggregate: year shorthand, lists, any case for enum values, defaults', () => {
    const r = parseExportParams({ ...DISTRICT_TABLE, measure: 'disciplined_members', bodies: 'committee, INSPECTION_COMMISSION', lang: 'EN' });
    expect(r).toMatchObject({
      report: 'aggregate',
      lang: 'en',
      args: {
        root: 'QN',
        period: { fromYear: 2023, toYear: 2023, fromMonth: null, toMonth: null },
        measure: 'DISCIPLINED_MEMBERS',
        groupBy: ['CHILD_UNIT', 'CADRE_CATEGORY'],
        atTier: null,
        filter: { bodies: ['COMMITTEE', 'INSPECTION_COMMISSION'] },
      },
    });
    // A repeated list parameter (tiers=A&tiers=B) is one list; lang defaults to Vietnamese.
    const repeated = parseExportParams({ root: 'QN', fromYear: '2021', toYear: '2023', measure: 'CAMPAIGNS', tiers: ['DISTRICT', 'GRASSROOTS'] });
    expect(repeated).toMatchObject({ lang: 'vi', args: { period: { fromYear: 2021, toYear: 2023 }, filter: { tiers: ['DISTRICT', 'GRASSROOTS'] } } });
    expect(parseExportParams({ report: 'children', root: 'QN', year: '2023', fromMonth: '1', toMonth: '6' })).toMatchObject({
      report: 'children',
      args: { root: 'QN', year: 2023, fromMonth: 1, toMonth: 6 },
    });
  });

  test.each<[RawParams, string]>([
    [{ root: 'QN', year: '2023', measure: 'FOO' }, 'measure: "FOO" is not one of CAMPAIGNS, CAMPAIGNS_COMPLETED'],
    [{ root: 'QN', year: '2023', measure: 'CAMPAIGNS', groupBy: 'CHILD_UNIT,DISTRICT' }, 'groupBy: "DISTRICT" is not one of TIER, BODY'],
    [{ root: 'QN', year: '2023', measure: 'CAMPAIGNS', statuses: 'DONE' }, 'statuses: "DONE" is not one of PLANNED, IN_PROGRESS, COMPLETED, CANCELLED'],
    [{ root: 'QN', year: 'abc', measure: 'CAMPAIGNS' }, 'year: must be a whole number, got "abc"'],
    [{ root: 'QN', year: '2023', fromYear: '2022', measure: 'CAMPAIGNS' }, 'year: is a shorthand for fromYear = toYear'],
    [{ root: 'QN', measure: 'CAMPAIGNS' }, 'year: is required'],
    [{ year: '2023', measure: 'CAMPAIGNS' }, 'root: is required'],
    [{ root: 'QN', year: '2023' }, 'measure: is required'],
    [{ root: 'QN', year: '2023', measure: 'CAMPAIGNS', lang: 'fr' }, 'lang: "fr" is not one of vi, en'],
    [{ root: 'QN', year: '2023', measure: 'CAMPAIGNS', groupby: 'TIER' }, 'Unknown parameter "groupby"'],
    [{ root: ['QN', 'QN.HL'], year: '2023', measure: 'CAMPAIGNS' }, 'root: is given more than once'],
    [{ report: 'children', root: 'QN', year: '2023', measure: 'CAMPAIGNS' }, 'measure: applies to report=aggregate only'],
    [{ report: 'children', root: 'QN', fromYear: '2022', toYear: '2023' }, 'toYear: the children table covers one year'],
    [{ report: 'table', root: 'QN', year: '2023' }, 'report: "table" is not one of aggregate, children'],
  ])('refuses %j: BAD_USER_INPUT naming the parameter', (params, message) => {
    expect(() => parseExportParams(params)).toThrow(message);
    try {
      parseExportParams(params);
    } catch (err: any) {
      expect(err.extensions.code).toBe('BAD_USER_INPUT');
    }
  });

  test('on the command line, errors name the option as typed', () => {
    expect(() => parseExportParams({ root: 'QN', fromYear: 'x', measure: 'CAMPAIGNS' }, 'cli')).toThrow('--from-year: must be a whole number, got "x"');
    expect(() => parseExportParams({ root: 'QN', year: '2023', measure: 'CAMPAIGNS', groupBy: 'X' }, 'cli')).toThrow('--group-by: "X" is not one of');
  });
});

// ---------------------------------------------------------------------------------------------------------------
// CSV

describe('CSV', () => {
  test('the by-district table (DISCIPLINED_MEMBERS by CHILD_UNIT × CADRE_CATEGORY) reads back as the aggregate\'s rows', async () => {
    const file = await exportVia(DISTRICT_TABLE, 'csv');
    expect(file.contentType).toBe('text/csv; charset=utf-8; header=present');
    expect(file.body.subarray(0, 3).equals(BOM)).toBe(true);
    // RFC 4180: CRLF after every record.
    const textBody = file.body.toString('utf8');
    expect(textBody.endsWith('\r\n')).toBe(true);
    expect(textBody.replace(/\r\n/g, '').includes('\n')).toBe(false);

    const { aggregate } = await t.gql.data(AGGREGATE, { root: 'QN', fromYear: 2023, measure: 'DISCIPLINED_MEMBERS', groupBy: ['CHILD_UNIT', 'CADRE_CATEGORY'] });
    const [headers, ...records] = readCsv(file.body);
    expect(headers).toEqual([
      TEXTS.childUnitCode.vi,
      TEXTS.childUnitName.vi,
      'Diện cán bộ',
      'Đảng viên bị thi hành kỷ luật',
      TEXTS.shareOfTotal.vi,
      TEXTS.numerator.vi,
      TEXTS.denominator.vi,
    ]);
    expect(records).toHaveLength(aggregate.rows.length + 1);
    aggregate.rows.forEach((row: any, i: number) => {
      expect(records[i]).toEqual([
        row.key.unit?.code ?? '',
        row.key.unit?.name ?? TEXTS.ownFacts.vi,
        row.key.category?.name ?? TEXTS.noCategory.vi,
        String(row.value),
        row.shareOfTotal === null ? '' : String(row.shareOfTotal),
        String(row.numerator),
        String(row.denominator),
      ]);
    });
    expect(records[records.length - 1]).toEqual(['Tổng cộng', '', '', String(aggregate.total), '1', String(aggregate.total), String(aggregate.total)]);
    // Vietnamese intact, and the published total.
    expect(records.map((r) => r[1])).toContain('Đảng bộ thành phố Hạ Long');
    expect(aggregate.total).toBe(399);
  });

  test('English labels with lang=en, enum values as labels, a null share left empty', async () => {
    const params = { root: 'QN', year: '2023', measure: 'CAMPAIGNS', groupBy: 'BODY', statuses: 'PLANNED', lang: 'en' };
    const file = await exportVia(params, 'csv');
    const [headers, ...records] = readCsv(file.body);
    expect(headers).toEqual(['Body', 'Inspection and supervision campaigns', 'Share of total', 'Numerator', 'Denominator (total)']);
    const { aggregate } = await t.gql.data(AGGREGATE, { root: 'QN', fromYear: 2023, measure: 'CAMPAIGNS', groupBy: ['BODY'], filter: { statuses: ['PLANNED'] } });
    expect(aggregate.total).toBe(0); // no planned campaigns in the seed: every share is null
    expect(records.map((r) => r[0])).toEqual(['Party committee', 'Standing committee', 'Inspection commission', 'Party-building board', 'Party cell', 'Unspecified', 'Total']);
    expect(records.map((r) => r[2])).toEqual(aggregate.rows.map(() => '').concat(['']));
  });

  test('RFC 4180 quoting of commas, quotes and line breaks; a formula-like text gets an apostrophe', () => {
    const table: Table = {
      title: 't',
      sheetName: 's',
      headers: ['a', 'b'],
      kinds: ['text', 'integer'],
      labelColumns: 1,
      rows: [['x, "y"', 1], ['line\nbreak', 2], ['cr\ronly', null], ['=1+2', -3]],
      totalRows: 0,
    };
    const body = toCsv(table).toString('utf8');
    expect(body).toBe('\ufeffa,b\r\n"x, ""y""",1\r\n"line\nbreak",2\r\n"cr\ronly",\r\n\'=1+2,-3\r\n');
    expect(parse(body, { bom: true })).toEqual([['a', 'b'], ['x, "y"', '1'], ['line\nbreak', '2'], ['cr\ronly', ''], ["'=1+2", '-3']]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// XLSX

describe('XLSX', () => {
  test('the children table: Vietnamese headers, frozen code and name columns, percent and integer formats, the rollup\'s figures', async () => {
    const file = await exportVia({ report: 'children', root: 'QN', year: '2023' }, 'xlsx');
    expect(file.contentType).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const sheet = await readXlsx(file.body);
    expect(sheet.name).toBe('Theo đơn vị trực thuộc');
    expect(sheet.sheetNames).toEqual(['Theo đơn vị trực thuộc', 'Thông tin']);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', xSplit: 2, ySplit: 1 });
    expect(sheet.bold).toEqual([true, true]); // header and total rows

    const { unit } = await t.gql.data(CHILDREN, { code: 'QN' });
    const categories = unit.rollup.discipline.membersByCategory.map((m: any) => m.category.name);
    expect(sheet.headers).toEqual([
      'Mã đơn vị',
      'Đơn vị',
      'Cuộc KT, GS: tổng số',
      'Cuộc KT, GS: đã kết thúc',
      'Cuộc KT, GS: % đã kết thúc',
      'Cuộc KT, GS: theo chương trình',
      'Cuộc KT, GS: thường xuyên/phát sinh',
      'Kỷ luật: tổ chức đảng',
      'Kỷ luật: đảng viên',
      ...categories.flatMap((c: string) => [`Đảng viên bị kỷ luật là ${c}`, `% ${c}`]),
      'Văn bản lãnh đạo, chỉ đạo',
      'Văn bản hướng dẫn',
    ]);
    // Share columns in percent, counts as whole numbers, labels General.
    const kinds = file.table.kinds;
    expect(kinds.filter((k) => k === 'share')).toHaveLength(1 + categories.length);
    kinds.forEach((kind, i) => expect(sheet.numFmts[i]).toBe(NUMBER_FORMATS[kind]));
    expect(sheet.numFmts[4]).toBe('0.0%');
    expect(sheet.numFmts[2]).toBe('#,##0');

    expect(unit.children.length).toBeGreaterThan(0);
    const expected = [
      ...unit.children.map((c: any) => [c.code, c.name, ...rollupCells(c.rollup)]),
      ['QN', 'Tổng cộng: Đảng bộ tỉnh Quảng Ninh', ...rollupCells(unit.rollup)],
    ];
    expect(sheet.rows).toEqual(expected);

    // The published Quảng Ninh 2023 figures, on the total row.
    const total = sheet.rows[sheet.rows.length - 1];
    const col = (header: string) => sheet.headers.indexOf(header);
    expect(total[col('Kỷ luật: đảng viên')]).toBe(399);
    expect(total[col('Kỷ luật: tổ chức đảng')]).toBe(21);
    expect(total[col('Đảng viên bị kỷ luật là Cấp ủy viên')]).toBe(83);
    expect(total[col('% Cấp ủy viên')]).toBeCloseTo(83 / 399, 12); // 20.8%
    expect(total[col('Cuộc KT, GS: theo chương trình')]).toBe(25);
    expect(total[col('Văn bản lãnh đạo, chỉ đạo')]).toBe(22);
    expect(total[col('Văn bản hướng dẫn')]).toBe(21);
  });

  test('the children table agrees with the aggregate by CHILD_UNIT × CADRE_CATEGORY, and is in English with lang=en', async () => {
    const children = await readXlsx((await exportVia({ report: 'children', root: 'QN', year: '2023', lang: 'en' }, 'xlsx')).body);
    expect(children.name).toBe('By child unit');
    expect(children.headers.slice(0, 3)).toEqual(['Unit code', 'Unit', 'Campaigns: total']);
    const aggregate = await readXlsx((await exportVia({ ...DISTRICT_TABLE, lang: 'en' }, 'xlsx')).body);
    expect(aggregate.name).toBe('Aggregate');
    expect(aggregate.headers).toEqual(['Child unit code', 'Child unit', 'Cadre category', 'Party members disciplined', 'Share of total', 'Numerator', 'Denominator (total)']);
    expect(aggregate.views[0]).toMatchObject({ state: 'frozen', xSplit: 3, ySplit: 1 });
    expect(aggregate.numFmts).toEqual([undefined, undefined, undefined, '#,##0', '0.0%', '#,##0', '#,##0']);
    let compared = 0;
    for (const row of children.rows.slice(0, -1)) {
      for (const [name, i] of children.headers.flatMap((h, i) => (h.startsWith('Members disciplined: ') ? [[h.slice(21), i] as const] : []))) {
        const match = aggregate.rows.find((r) => r[0] === row[0] && r[2] === name);
        expect(match?.[3]).toBe(row[i]);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(20);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// HTTP

async function listen(verifier: Awaited<ReturnType<typeof createVerifier>>) {
  const { httpServer, apollo } = await createApp(t.db.orm, createLogger('silent'), { verifier, rateLimitPerMinute: 0 });
  await new Promise<void>((resolve) => (httpServer as http.Server).listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  return { base, stop: () => apollo.stop() };
}

describe('HTTP: GET /export.csv and /export.xlsx', () => {
  let open: Awaited<ReturnType<typeof listen>>;
  let secured: Awaited<ReturnType<typeof listen>>;
  beforeAll(async () => {
    open = await listen(null);
    secured = await listen(await createVerifier(AUTH));
  });
  afterAll(async () => {
    await open?.stop();
    await secured?.stop();
  });
  const query = (params: Record<string, string>) => new URLSearchParams(params).toString();

  test('200 with the file as an attachment: Vietnamese name in filename*, an ASCII fallback, the same bytes as the CLI path', async () => {
    const res = await fetch(`${open.base}/export.csv?${query(DISTRICT_TABLE as Record<string, string>)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    const disposition = res.headers.get('content-disposition')!;
    const expectedName = exportFilename(parseExportParams(DISTRICT_TABLE), { name: 'Đảng bộ tỉnh Quảng Ninh' }, 'csv');
    expect(expectedName).toBe('Đảng viên bị thi hành kỷ luật - Đảng bộ tỉnh Quảng Ninh - năm 2023.csv');
    const star = disposition.match(/filename\*=UTF-8''([^;]+)/)![1];
    expect(decodeURIComponent(star)).toBe(expectedName);
    expect(disposition).toMatch(/^attachment; filename="Dang vien bi thi hanh ky luat - Dang bo tinh Quang Ninh - nam 2023\.csv"; /);
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.equals((await exportVia(DISTRICT_TABLE, 'csv')).body)).toBe(true);

    const xlsx = await fetch(`${open.base}/export.xlsx?${query({ report: 'children', root: 'QN', year: '2023' })}`);
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(xlsx.headers.get('content-disposition')).toMatch(/^attachment; filename="Dang bo tinh Quang Ninh - theo don vi truc thuoc - nam 2023\.xlsx"/);
    const sheet = await readXlsx(Buffer.from(await xlsx.arrayBuffer()));
    const { unit } = await t.gql.data(CHILDREN, { code: 'QN' });
    expect(sheet.rows.map((r) => r[0])).toEqual([...unit.children.map((c: any) => c.code), 'QN']);
  });

  test.each<[string, Record<string, string>, number, string, string]>([
    ['a bad measure', { root: 'QN', year: '2023', measure: 'MEMBERS' }, 400, 'BAD_USER_INPUT', 'measure: "MEMBERS" is not one of CAMPAIGNS'],
    ['a bad groupBy', { root: 'QN', year: '2023', measure: 'CAMPAIGNS', groupBy: 'UNIT' }, 400, 'BAD_USER_INPUT', 'groupBy: "UNIT" is not one of TIER'],
    ['a dimension that does not apply (runAggregate\'s guard)', { root: 'QN', year: '2023', measure: 'CAMPAIGNS', groupBy: 'FORM' }, 400, 'BAD_USER_INPUT', 'FORM does not apply to CAMPAIGNS'],
    ['MONTH over several years (runAggregate\'s guard)', { root: 'QN', fromYear: '2022', toYear: '2023', measure: 'CAMPAIGNS', groupBy: 'MONTH' }, 400, 'BAD_USER_INPUT', 'MONTH groups the months of one year'],
    ['a bad period', { root: 'QN', year: '2023', fromMonth: '13', measure: 'CAMPAIGNS' }, 400, 'BAD_USER_INPUT', 'fromMonth 13 is not a month'],
    ['a bad children period', { report: 'children', root: 'QN', year: '2023', toMonth: '0' }, 400, 'BAD_USER_INPUT', 'toMonth 0 is not a month'],
    ['an unknown root', { root: 'NOPE', year: '2023', measure: 'CAMPAIGNS' }, 404, 'NOT_FOUND', 'No unit has the code "NOPE".'],
    ['an unknown root (children)', { report: 'children', root: 'NOPE', year: '2023' }, 404, 'NOT_FOUND', 'No unit has the code "NOPE".'],
  ])('%s: a JSON error, no stack, no SQL', async (_what, params, status, code, message) => {
    for (const ext of ['csv', 'xlsx']) {
      const res = await fetch(`${open.base}/export.${ext}?${query(params)}`);
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      const body = await res.json();
      expect(body.errors).toHaveLength(1);
      expect(body.errors[0].extensions.code).toBe(code);
      expect(body.errors[0].message).toContain(message);
      expect(JSON.stringify(body)).not.toMatch(/\bat .*\.(ts|js):\d+|select |stacktrace/i);
    }
  });

  test('with a verifier: 401 without a token, 403 for a VIEWER, 200 for an ANALYST', async () => {
    const url = `${secured.base}/export.csv?${query(DISTRICT_TABLE as Record<string, string>)}`;
    const none = await fetch(url);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="kiemtra"');
    expect((await none.json()).errors[0]).toMatchObject({ extensions: { code: 'UNAUTHENTICATED' }, message: expect.stringContaining('a bearer token is required') });
    const bad = await fetch(url, { headers: { authorization: 'Bearer not.a.jwt' } });
    expect(bad.status).toBe(401);
    const viewer = await fetch(url, { headers: { authorization: `Bearer ${await token('QN', [Role.VIEWER])}` } });
    expect(viewer.status).toBe(403);
    expect((await viewer.json()).errors[0]).toEqual({ message: 'This needs the ANALYST role.', extensions: { code: 'FORBIDDEN' } });
    const viewerChildren = await fetch(`${secured.base}/export.xlsx?report=children&root=QN&year=2023`, { headers: { authorization: `Bearer ${await token('QN', [Role.VIEWER])}` } });
    expect(viewerChildren.status).toBe(403);
    const analyst = await fetch(url, { headers: { authorization: `Bearer ${await token('QN', [Role.ANALYST])}` } });
    expect(analyst.status).toBe(200);
    expect(Buffer.from(await analyst.arrayBuffer()).equals((await exportVia(DISTRICT_TABLE, 'csv')).body)).toBe(true);
  });

  test('a district ANALYST gets its own subtree only: the province answers 404 like an unknown code', async () => {
    const auth = { authorization: `Bearer ${await token('QN.HL', [Role.ANALYST])}` };
    for (const params of [{ ...DISTRICT_TABLE }, { report: 'children', root: 'QN', year: '2023' }] as Record<string, string>[]) {
      const res = await fetch(`${secured.base}/export.csv?${query(params)}`, { headers: auth });
      expect(res.status).toBe(404);
      expect((await res.json()).errors[0]).toEqual({ message: 'No unit has the code "QN".', extensions: { code: 'NOT_FOUND', field: 'root' } });
    }
    // Its own subtree: the same figures as an unscoped caller gets for that root.
    const own = { root: 'QN.HL', year: '2023', measure: 'DISCIPLINED_MEMBERS', groupBy: 'CHILD_UNIT' };
    const res = await fetch(`${secured.base}/export.csv?${query(own)}`, { headers: auth });
    expect(res.status).toBe(200);
    const records = readCsv(Buffer.from(await res.arrayBuffer()));
    const { aggregate } = await t.gql.data(AGGREGATE, { root: 'QN.HL', fromYear: 2023, measure: 'DISCIPLINED_MEMBERS', groupBy: ['CHILD_UNIT'] });
    expect(aggregate.total).toBeGreaterThan(0);
    expect(records.slice(1).map((r) => r[2])).toEqual([...aggregate.rows.map((r: any) => String(r.value)), String(aggregate.total)]);
    // Its children table lists only units under it.
    const children = await fetch(`${secured.base}/export.csv?report=children&root=QN.HL&year=2023`, { headers: auth });
    expect(children.status).toBe(200);
    const codes = readCsv(Buffer.from(await children.arrayBuffer())).slice(1).map((r) => r[0]);
    expect(codes.length).toBeGreaterThan(1);
    expect(codes.every((c) => c.startsWith('QN.HL'))).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The command line

describe('kiemtra export', () => {
  const BIN = path.join(__dirname, '..', 'bin', 'kiemtra.js');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiemtra-export-cli-'));
  let env: NodeJS.ProcessEnv;
  const kiemtra = (args: string[], extra: NodeJS.ProcessEnv = {}) => {
    const result = spawnSync(process.execPath, [BIN, ...args], { env: { ...env, ...extra }, timeout: 120_000 });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr.toString('utf8') };
  };

  beforeAll(() => {
    const { DATABASE_URL: _ignored, ...rest } = process.env;
    // PostgreSQL: the seeded test database itself. PGlite: a data folder of its own, seeded through the CLI.
    env = t.db.url ? { ...rest, DATABASE_URL: t.db.url } : { ...rest, KIEMTRA_DATA_DIR: path.join(dir, 'data') };
    env.NODE_OPTIONS = '';
    if (!t.db.url) expect(kiemtra(['seed', 'quang-ninh-2023']).code).toBe(0);
  }, 120_000);

  test('writes an XLSX file that reads back as the API\'s export, and CSV to standard output', async () => {
    const out = path.join(dir, 'bảng.xlsx');
    const args = ['export', '--report', 'children', '--root', 'QN', '--year', '2023', '--lang', 'en', '--out', out];
    const run = kiemtra(args);
    expect(run.stderr).toContain(`Wrote ${out}`);
    expect(run.code).toBe(0);
    const fromCli = await readXlsx(fs.readFileSync(out));
    const fromApi = await readXlsx((await exportVia({ report: 'children', root: 'QN', year: '2023', lang: 'en' }, 'xlsx')).body);
    expect(fromCli.rows).toEqual(fromApi.rows);
    expect(fromCli.headers).toEqual(fromApi.headers);

    const csv = kiemtra(['export', '--root', 'QN', '--year', '2023', '--measure', 'DISCIPLINED_MEMBERS', '--group-by', 'CHILD_UNIT,CADRE_CATEGORY']);
    expect(csv.code).toBe(0);
    expect(csv.stdout.equals((await exportVia(DISTRICT_TABLE, 'csv')).body)).toBe(true);
    // The format follows --out's extension, or --format.
    const csvOut = path.join(dir, 'table.csv');
    expect(kiemtra(['export', '--root', 'QN', '--year', '2023', '--measure', 'DOCUMENTS', '--out', csvOut]).code).toBe(0);
    expect(fs.readFileSync(csvOut).subarray(0, 3).equals(BOM)).toBe(true);
  });

  test.each<[string, string[], number, string]>([
    ['a bad measure', ['--measure', 'FOO'], 2, 'error: --measure: "FOO" is not one of CAMPAIGNS'],
    ['a guard of runAggregate', ['--measure', 'CAMPAIGNS', '--group-by', 'FORM'], 2, 'error: FORM does not apply to CAMPAIGNS'],
    ['an unknown option', ['--measure', 'CAMPAIGNS', '--bogus'], 2, "error: unknown option '--bogus'"],
    ['xlsx to a terminal', ['--measure', 'CAMPAIGNS', '--format', 'xlsx'], 2, 'error: --format xlsx needs --out <file>'],
    ['a bad format', ['--measure', 'CAMPAIGNS', '--format', 'pdf'], 2, "error: option '--format <format>' argument 'pdf' is invalid"],
  ])('%s: one line on stderr, the exit code, no stack', (_what, extra, code, message) => {
    const run = kiemtra(['export', '--root', 'QN', '--year', '2023', ...extra]);
    expect(run.code).toBe(code);
    expect(run.stderr.split('\n')[0]).toContain(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stdout.length).toBe(0);
  });

  test('an unknown root is a usage error; a VIEWER token is refused; an ANALYST token of a district sees its subtree only', async () => {
    const unknown = kiemtra(['export', '--root', 'NOPE', '--year', '2023', '--measure', 'CAMPAIGNS']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('error: No unit has the code "NOPE".\n');
    const keyEnv = { KIEMTRA_AUTH_PUBLIC_KEY_FILE: AUTH.publicKeyFile };
    const viewer = kiemtra(['export', '--root', 'QN', '--year', '2023', '--measure', 'CAMPAIGNS', '--token', await token('QN', [Role.VIEWER])], keyEnv);
    expect(viewer.code).toBe(1);
    expect(viewer.stderr).toBe('error: This needs the ANALYST role.\n');
    const scoped = await token('QN.HL', [Role.ANALYST]);
    const province = kiemtra(['export', '--root', 'QN', '--year', '2023', '--measure', 'CAMPAIGNS', '--token', scoped], keyEnv);
    expect(province.code).toBe(2);
    expect(province.stderr).toBe('error: No unit has the code "QN".\n');
    const own = kiemtra(['export', '--root', 'QN.HL', '--year', '2023', '--measure', 'CAMPAIGNS', '--token', scoped], keyEnv);
    expect(own.code).toBe(0);
    expect(own.stdout.equals((await exportVia({ root: 'QN.HL', year: '2023', measure: 'CAMPAIGNS' }, 'csv')).body)).toBe(true);
  });
});
