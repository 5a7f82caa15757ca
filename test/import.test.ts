/**
 * Dataset import: every error class named with file, line and column; all or nothing; idempotent re-imports;
 * updates by external id; dry runs; moving units in the tree.
 */
import { DatasetInvalidError, importDataset } from '../src/import';
import { importErrors, importFiles, useDatabase, writeDataset } from './harness';

const t = useDatabase();

const UNITS = `code,parent_code,name,kind
P,,Tỉnh ủy Thử nghiệm,PROVINCIAL_COMMITTEE
P.D,P,Huyện ủy Đầm Hà,DISTRICT_COMMITTEE
P.D.G,P.D,Đảng ủy xã Quảng Lợi,GRASSROOTS_COMMITTEE
P.D.G.C,P.D.G,Chi bộ thôn Lục Chắn,CELL
P.E,P,Thị ủy Quảng Yên,TOWN_COMMITTEE
`;
const CATEGORIES = `code,name\nCM,Cấp ủy viên\nPM,Cán bộ diện Ban Thường vụ Tỉnh ủy quản lý\n`;

const errorsOf = (files: Record<string, string>) => importErrors(t.db.orm, files);

async function count(table: string): Promise<number> {
  const rows = await t.db.orm.em.fork().getConnection().execute(`select count(*)::int as n from ${table}`);
  return rows[0].n;
}

async function snapshot() {
  const tables = ['units', 'unit_versions', 'unit_segments', 'cadre_categories', 'campaigns', 'disciplinary_actions', 'disciplinary_action_categories', 'documents'];
  const sums: Record<string, unknown> = {};
  for (const t of tables) sums[t] = await count(t);
  const conn = t.db.orm.em.fork().getConnection();
  sums.units_detail = await conn.execute(
    `select u.code, s.code as successor, v.valid_from::text, v.valid_to::text, v.name, v.kind, p.code as parent
     from units u join unit_versions v on v.unit_id = u.id left join units p on p.id = v.parent_id left join units s on s.id = u.successor_id
     order by u.code collate "C", v.valid_from`,
  );
  sums.segments = await conn.execute(`select unit_id, valid_from::text, valid_to::text, path::text, depth from unit_segments order by unit_id, valid_from`);
  sums.placements = await conn.execute(`select id, ref_date::text, tier from campaigns order by id`);
  sums.quantities = await conn.execute(
    `select (select coalesce(sum(quantity), 0)::int from campaigns) c, (select coalesce(sum(quantity), 0)::int from disciplinary_actions) d, (select coalesce(sum(quantity), 0)::int from documents) o`,
  );
  return sums;
}

describe('every error class is reported with file, line and column', () => {
  test('header: unknown and missing columns; unknown files', async () => {
    const errors = await errorsOf({
      'units.csv': `code,parent,name,colour\nX,,Tên,red\n`,
      'notes.csv': `a\n1\n`,
    });
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^notes\.csv: unknown file/),
        expect.stringMatching(/^units\.csv:1:parent: unknown column "parent"/),
        expect.stringMatching(/^units\.csv:1:colour: unknown column "colour"/),
        'units.csv:1: missing required column "kind"',
      ]),
    );
  });

  test('cells: required, enum, month, year, quantity, codes, lengths, field counts', async () => {
    const errors = await errorsOf({
      'units.csv': UNITS + `bad code!,P,Tên,CELL\nP.X,P,,CELL\nP.Y,P,${'ạ'.repeat(301)},CELL\nP.Z,P,Tên,VILLAGE\nP.W,P\n`,
      'campaigns.csv': `unit_code,year,month,status,quantity
P,2024,13,COMPLETED,1
P,24,1,COMPLETED,1
P,2024,1,DONE,1
P,2024,1,COMPLETED,0
P,2024,1,COMPLETED,1.5
P,2024,,,
`,
    });
    expect(errors).toEqual([
      'campaigns.csv:2:month: 13 is not a month (1–12)',
      'campaigns.csv:3:year: "24" is not a four-digit year',
      'campaigns.csv:4:status: "DONE" is not one of PLANNED, IN_PROGRESS, COMPLETED, CANCELLED',
      'campaigns.csv:5:quantity: "0" is not a whole number from 1 to 2147483647',
      'campaigns.csv:6:quantity: "1.5" is not a whole number from 1 to 2147483647',
      'campaigns.csv:7:status: is required',
      expect.stringMatching(/^units\.csv:7:code: "bad code!" is not a valid unit code/),
      'units.csv:8:name: is required',
      'units.csv:9:name: is 301 characters long; at most 300',
      expect.stringMatching(/^units\.csv:10:kind: "VILLAGE" is not one of CENTRAL_COMMITTEE, /),
      'units.csv:11: has 2 fields; the header has 4',
    ]);
  });

  test('tree: duplicate codes, unknown parents, cycles', async () => {
    const errors = await errorsOf({
      'units.csv': UNITS + `P.E,P,Lặp lại,TOWN_COMMITTEE\nQ.A,Q,Không có cha,DISTRICT_COMMITTEE\nT.A,T.B,Vòng A,DISTRICT_COMMITTEE\nT.B,T.A,Vòng B,DISTRICT_COMMITTEE\nS,S,Tự vòng,CELL\n`,
    });
    expect(errors).toEqual([
      'units.csv:7: duplicate unit code "P.E": same as line 6',
      'units.csv:8:parent_code: unknown parent unit "Q" (not in units.csv and not stored)',
      'units.csv:9: cycle T.A → T.B → T.A',
      'units.csv:11:parent_code: "S" cannot be its own parent',
    ]);
  });

  test('facts: unknown units and categories, forms per subject, categories on members only, party-building boards, duplicates', async () => {
    const errors = await errorsOf({
      'units.csv': UNITS,
      'cadre_categories.csv': CATEGORIES,
      'campaigns.csv': `unit_code,year,body,status
NOPE,2024,,COMPLETED
P.D.G,2024,PARTY_BUILDING_BOARD,COMPLETED
P.D,2024,PARTY_BUILDING_BOARD,COMPLETED
P.D,2024,PARTY_BUILDING_BOARD,COMPLETED
`,
      'discipline.csv': `external_id,unit_code,year,body,subject,form,categories
a,P,2024,COMMITTEE,MEMBER,DISSOLUTION,
b,P,2024,COMMITTEE,ORGANIZATION,EXPULSION,
c,P,2024,COMMITTEE,ORGANIZATION,WARNING,CM
d,P,2024,COMMITTEE,MEMBER,WARNING,CM;XX
e,P,2024,PARTY_BUILDING_BOARD,MEMBER,,
a,P,2024,COMMITTEE,MEMBER,,
f,P,2024,,MEMBER,,
`,
      'documents.csv': `unit_code,year,body,kind\nP.D.G.C,2024,PARTY_BUILDING_BOARD,GUIDANCE\n`,
    });
    expect(errors).toEqual([
      'campaigns.csv:2:unit_code: unknown unit "NOPE" (not in units.csv and not stored)',
      'campaigns.csv:3:body: a party-building board exists only at CENTRAL, PROVINCIAL or DISTRICT tier; unit "P.D.G" is GRASSROOTS on 2024-12-31',
      'campaigns.csv:5: duplicate row (same values in every column): same as line 4',
      'discipline.csv:2:form: DISSOLUTION is not a form for subject MEMBER (allowed: REPRIMAND, WARNING, REMOVAL, EXPULSION)',
      'discipline.csv:3:form: EXPULSION is not a form for subject ORGANIZATION (allowed: REPRIMAND, WARNING, DISSOLUTION)',
      'discipline.csv:4:categories: cadre categories apply only to MEMBER rows',
      'discipline.csv:5:categories: unknown cadre category "XX"',
      'discipline.csv:6:body: a party-building board (PARTY_BUILDING_BOARD) cannot impose discipline',
      'discipline.csv:7: duplicate row (external_id "a"): same as line 2',
      'discipline.csv:8:body: is required',
      'documents.csv:2:body: a party-building board exists only at CENTRAL, PROVINCIAL or DISTRICT tier; unit "P.D.G.C" is CELL on 2024-12-31',
    ]);
  });

  test('malformed CSV is reported with its line', async () => {
    const errors = await errorsOf({ 'units.csv': `code,parent_code,name,kind\nP,,"Tên chưa đóng,PROVINCIAL_COMMITTEE\n` });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^units\.csv:\d+: not valid CSV: .*quote/i);
  });

  test('line numbers count the lines of quoted fields and of blank lines', async () => {
    const errors = await errorsOf({
      'units.csv': UNITS,
      'campaigns.csv': `unit_code,year,month,status,quantity,external_id
P,2024,1,COMPLETED,1,"hai
dòng"

P,2024,13,COMPLETED,1,x
P,2024,1,COMPLETED,1,"ba

dòng"
P,24,1,COMPLETED,1,y
`,
    });
    expect(errors).toEqual(['campaigns.csv:5:month: 13 is not a month (1–12)', 'campaigns.csv:9:year: "24" is not a four-digit year']);
  });

  test('a folder that does not exist', async () => {
    await expect(importDataset(t.db.orm, '/nonexistent/kiemtra')).rejects.toThrow(DatasetInvalidError);
  });
});

describe('all or nothing, idempotent, updatable', () => {
  test('a dataset with one bad row writes nothing, not even its valid rows', async () => {
    const before = await snapshot();
    const errors = await errorsOf({
      'units.csv': UNITS,
      'cadre_categories.csv': CATEGORIES,
      'campaigns.csv': `unit_code,year,month,status\nP.D,2024,1,COMPLETED\nP.D,2024,14,COMPLETED\n`,
    });
    expect(errors).toEqual(['campaigns.csv:3:month: 14 is not a month (1–12)']);
    expect(await snapshot()).toEqual(before);
    expect(await count('units')).toBe(0);
  });

  const DATASET = {
    'units.csv': '\uFEFF' + UNITS.replace(/\n/g, '\r\n'),
    'cadre_categories.csv': CATEGORIES,
    'campaigns.csv': `unit_code,year,month,body,activity,origin,status,quantity
P.D.G,2024,3,INSPECTION_COMMISSION,INSPECTION,PROGRAMMED,COMPLETED,4
P.D.G.C,2024,,PARTY_CELL,,,COMPLETED,
P.E,2024,5,,,,CANCELLED,2
`,
    'discipline.csv': `external_id,unit_code,year,month,body,subject,form,categories,quantity
k1,P.D,2024,6,INSPECTION_COMMISSION,MEMBER,WARNING, CM; PM; ,2
k2,P.D.G,2024,6,COMMITTEE,MEMBER,REPRIMAND,,3
,P.E,2024,,COMMITTEE,ORGANIZATION,DISSOLUTION,,1
`,
    'documents.csv': `unit_code,year,month,body,kind,quantity\nP,2024,1,,DIRECTIVE,2\n`,
  };
  const ROLLUP = `{ unit(code: "P") { rollup(period: { year: 2024 }) {
    campaigns { total completed cancelled }
    discipline { organizations members membersByCategory { category { code } count percent } byForm { form members } }
    documents { total } } } }`;

  test('the first import creates every row (BOM and CRLF accepted, Vietnamese intact)', async () => {
    const report = await importFiles(t.db.orm, DATASET);
    expect(report.files).toEqual({
      'cadre_categories.csv': { rows: 2, created: 2, updated: 0, unchanged: 0 },
      'units.csv': { rows: 5, created: 5, updated: 0, unchanged: 0, removed: 0 },
      'campaigns.csv': { rows: 3, created: 3, updated: 0, unchanged: 0 },
      'discipline.csv': { rows: 3, created: 3, updated: 0, unchanged: 0 },
      'documents.csv': { rows: 1, created: 1, updated: 0, unchanged: 0 },
    });
    const data = await t.gql.data(`{ unit(code: "P.D.G.C") { name ancestors { name } } }`);
    expect(data.unit).toEqual({ name: 'Chi bộ thôn Lục Chắn', ancestors: [{ name: 'Tỉnh ủy Thử nghiệm' }, { name: 'Huyện ủy Đầm Hà' }, { name: 'Đảng ủy xã Quảng Lợi' }] });
  });

  test('importing the same dataset again leaves every figure unchanged', async () => {
    const before = await t.gql.data(ROLLUP);
    const stored = await snapshot();
    const report = await importFiles(t.db.orm, DATASET);
    for (const counts of Object.values(report.files)) expect(counts).toMatchObject({ created: 0, updated: 0, unchanged: counts!.rows });
    expect(await t.gql.data(ROLLUP)).toEqual(before);
    expect(await snapshot()).toEqual(stored);
    expect(before.unit.rollup).toMatchObject({ campaigns: { total: 7, completed: 5, cancelled: 2 }, discipline: { organizations: 1, members: 5 }, documents: { total: 2 } });
  });

  test('a dry run reports what would change and writes nothing', async () => {
    const stored = await snapshot();
    const report = await importFiles(t.db.orm, { 'discipline.csv': `external_id,unit_code,year,body,subject,quantity\nk9,P,2024,COMMITTEE,MEMBER,7\n` }, true);
    expect(report).toMatchObject({ dryRun: true, files: { 'discipline.csv': { rows: 1, created: 1, updated: 0, unchanged: 0 } } });
    expect(Object.keys(report.files)).toEqual(['discipline.csv']);
    expect(report.phases.map((p) => p.phase)).toContain('facts written');
    expect(await snapshot()).toEqual(stored);
  });

  test('a row with an external id is replaced, categories included', async () => {
    const report = await importFiles(t.db.orm, {
      'discipline.csv': `external_id,unit_code,year,month,body,subject,form,categories,quantity
k1,P.D,2024,6,INSPECTION_COMMISSION,MEMBER,WARNING,CM,5
k2,P.D.G,2024,6,COMMITTEE,MEMBER,REPRIMAND,,3
`,
    });
    expect(report.files['discipline.csv']).toEqual({ rows: 2, created: 0, updated: 1, unchanged: 1 });
    const d = (await t.gql.data(ROLLUP)).unit.rollup.discipline;
    expect(d.members).toBe(8);
    expect(d.membersByCategory).toEqual([
      { category: { code: 'CM' }, count: 5, percent: 62.5 },
      { category: { code: 'PM' }, count: 0, percent: 0 },
    ]);
    expect(await count('disciplinary_actions')).toBe(3);
  });

  test('moving a unit moves its subtree and its figures', async () => {
    const report = await importFiles(t.db.orm, { 'units.csv': `code,parent_code,name,kind\nP.D.G,P.E,Đảng ủy xã Quảng Lợi,GRASSROOTS_COMMITTEE\n` });
    expect(report.files['units.csv']).toEqual({ rows: 1, created: 0, updated: 1, unchanged: 0, removed: 0 });
    const data = await t.gql.data(`{
      d: unit(code: "P.D") { descendantCount rollup(period: { year: 2024 }) { campaigns { total } } }
      e: unit(code: "P.E") { descendantCount rollup(period: { year: 2024 }) { campaigns { total } } }
      c: unit(code: "P.D.G.C") { depth ancestors { code } } }`);
    expect(data.d).toEqual({ descendantCount: 0, rollup: { campaigns: { total: 0 } } });
    expect(data.e).toEqual({ descendantCount: 2, rollup: { campaigns: { total: 7 } } });
    expect(data.c).toEqual({ depth: 3, ancestors: [{ code: 'P' }, { code: 'P.E' }, { code: 'P.D.G' }] });
  });

  test('a cycle through stored units is refused', async () => {
    const errors = await errorsOf({ 'units.csv': `code,parent_code,name,kind\nP,P.D.G.C,Tỉnh ủy Thử nghiệm,PROVINCIAL_COMMITTEE\n` });
    expect(errors).toEqual(['units.csv:2: cycle P → P.D.G.C → P.D.G → P.E → P']);
  });

  test('a unit cannot drop below the district tier while stored facts name its party-building board', async () => {
    await importFiles(t.db.orm, { 'campaigns.csv': `unit_code,year,body,status\nP.E,2024,PARTY_BUILDING_BOARD,COMPLETED\n` });
    const errors = await errorsOf({ 'units.csv': `code,parent_code,name,kind\nP.E,P,Thị ủy Quảng Yên,GRASSROOTS_COMMITTEE\n` });
    expect(errors).toEqual([
      'units.csv:2:kind: "P.E" would be GRASSROOTS tier on 2024-12-31, where there is no party-building board, but 1 stored campaigns.csv row of 2024 names its party-building board',
    ]);
  });

  test('roots and children are ordered by code point, whatever the database collation', async () => {
    await importFiles(t.db.orm, { 'units.csv': `code,parent_code,name,kind\nZA,,Tỉnh ủy A,PROVINCIAL_COMMITTEE\nZ.B,,Tỉnh ủy B,PROVINCIAL_COMMITTEE\nZA.b,ZA,Huyện ủy b,DISTRICT_COMMITTEE\nZA.B,ZA,Huyện ủy B,DISTRICT_COMMITTEE\nZA.A_2,ZA,Huyện ủy A2,DISTRICT_COMMITTEE\nZA.A1,ZA,Huyện ủy A1,DISTRICT_COMMITTEE\n` });
    const data = await t.gql.data(`{ roots { code } unit(code: "ZA") { children { code } } }`);
    expect(data.roots.map((r: any) => r.code).filter((c: string) => c.startsWith('Z'))).toEqual(['Z.B', 'ZA']);
    expect(data.unit.children.map((c: any) => c.code)).toEqual(['ZA.A1', 'ZA.A_2', 'ZA.B', 'ZA.b']);
  });

  test('facts may refer to units stored by an earlier import', async () => {
    const dir = writeDataset({ 'documents.csv': `unit_code,year,kind\nP.E,2025,GUIDANCE\n` });
    const report = await importDataset(t.db.orm, dir);
    expect(report.files['documents.csv']).toMatchObject({ created: 1 });
  });
});
