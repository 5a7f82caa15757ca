/**
 * History on a handmade tree that changes: a unit moves between parents mid-year, two districts merge, a town
 * becomes a city, a cell changes tier, and the district level is abolished. Rollups are checked to the unit, by
 * default (each fact along the tree of its reference date) and `asOf` a day (every fact along that day's tree).
 *
 * Quantities are powers of two, so every expected sum names exactly the facts it contains.
 */
import { statementCounter } from '../src/db';
import { importErrors, importFiles, useDatabase } from './harness';
import { monthsInterval, periodBounds } from '../src/dates';
import { placeFact } from '../src/org/history';

const UNITS = `code,parent_code,name,kind,valid_from,valid_to,successor_code
P,,Tỉnh ủy Thử nghiệm,PROVINCIAL_COMMITTEE,,,
A,P,Huyện ủy An Bình,DISTRICT_COMMITTEE,,2025-07-01,
B,P,Huyện ủy Bình Hòa,DISTRICT_COMMITTEE,,2024-01-01,A
C,P,Thị ủy Cẩm Hưng,TOWN_COMMITTEE,,2024-11-01,
C,P,Thành ủy Cẩm Hưng,CITY_COMMITTEE,2024-11-01,2025-07-01,
X1,A,Đảng ủy xã Xuân Lộc,GRASSROOTS_COMMITTEE,,2025-07-01,N1
X2,B,Đảng ủy xã Yên Đức,GRASSROOTS_COMMITTEE,,2024-01-01,
X2,A,Đảng ủy xã Yên Đức,GRASSROOTS_COMMITTEE,2024-01-01,2025-07-01,N1
M,A,Đảng ủy cơ sở Mỏ Than Hà Lầm,GRASSROOTS_COMMITTEE,,2023-07-01,
M,C,Đảng ủy cơ sở Mỏ Than Hà Lầm,GRASSROOTS_COMMITTEE,2023-07-01,2025-07-01,
Q,A,Chi bộ cơ sở Trường THCS Quảng Lợi,GRASSROOTS_CELL,,2024-01-01,
Q,X1,Chi bộ Trường THCS Quảng Lợi,CELL,2024-01-01,2025-07-01,
N1,P,Đảng ủy phường Hòa Bình,GRASSROOTS_COMMITTEE,2025-07-01,,
`;

// unit, year, month, quantity (all COMPLETED)
const FACTS: [string, number, number | '', number][] = [
  ['M', 2023, 3, 1], // under A on 2023-03-31
  ['M', 2023, 9, 2], // under C on 2023-09-30 (moved on 2023-07-01)
  ['M', 2023, '', 4], // whole year: placed on 2023-12-31, under C
  ['X2', 2023, '', 8], // under B
  ['X2', 2024, '', 16], // under A (moved with the merger)
  ['B', 2023, '', 32],
  ['C', 2024, 12, 64],
  ['X1', 2024, '', 128],
  ['N1', 2025, 9, 256],
  ['A', 2025, 6, 512],
  ['A', 2025, '', 1024], // A ended on 2025-07-01: placed on 2025-06-30
  ['Q', 2023, '', 2048], // GRASSROOTS tier on 2023-12-31
  ['Q', 2024, '', 4096], // CELL tier on 2024-12-31
];
const CAMPAIGNS = 'unit_code,year,month,status,quantity\n' + FACTS.map(([u, y, m, q]) => `${u},${y},${m},COMPLETED,${q}`).join('\n') + '\n';

const t = useDatabase((orm) => importFiles(orm, { 'units.csv': UNITS, 'campaigns.csv': CAMPAIGNS }), { today: '2026-11-26' });

/** campaigns.total of each code for the year, by default or as of a day. */
async function totals(codes: string[], year: number, asOf?: string, months = ''): Promise<Record<string, number>> {
  const arg = asOf ? `, asOf: "${asOf}"` : '';
  const fields = codes.map((c, i) => `u${i}: unit(code: "${c}") { rollup(period: { year: ${year} ${months} }${arg}) { campaigns { total } } }`);
  const data = await t.gql.data(`{ ${fields.join('\n')} }`);
  return Object.fromEntries(codes.map((c, i) => [c, data[`u${i}`].rollup.campaigns.total]));
}

test('month bounds (computed once per month): leap Februaries, December, whole years; facts placed on them', () => {
  expect(periodBounds(2024, 2)).toEqual({ first: '2024-02-01', last: '2024-02-29', end: '2024-03-01' });
  expect(periodBounds(2023, 2)).toEqual({ first: '2023-02-01', last: '2023-02-28', end: '2023-03-01' });
  expect(periodBounds(2100, 2).last).toBe('2100-02-28');
  expect(periodBounds(2023, 12)).toEqual({ first: '2023-12-01', last: '2023-12-31', end: '2024-01-01' });
  expect(periodBounds(2023, null)).toEqual({ first: '2023-01-01', last: '2023-12-31', end: '2024-01-01' });
  expect(periodBounds(2023, 11)).toBe(periodBounds(2023, 11)); // the same object: kept
  expect(monthsInterval(2024, 2, 2)).toEqual({ from: '2024-02-01', to: '2024-03-01' });
  // A unit that ended on 15 March 2023 (exclusive): a March fact goes on its last day, 14 March; April: nowhere.
  const versions = [{ from: null, to: '2023-03-15', parentCode: null, name: 'Chi bộ Hạ Long', kind: 'CELL' as const }];
  expect(placeFact(versions, 2023, 3)).toEqual({ refDate: '2023-03-14', tier: 'CELL' });
  expect(placeFact(versions, 2023, 2)).toEqual({ refDate: '2023-02-28', tier: 'CELL' });
  expect(placeFact(versions, 2023, 4)).toBeUndefined();
  expect(placeFact(versions, 2023, null)).toEqual({ refDate: '2023-03-14', tier: 'CELL' });
});

describe('default rollups: each fact along the tree of its reference date', () => {
  test('a unit moved mid-year counts in its old parent before the move and in its new parent after', async () => {
    expect(await totals(['A', 'C'], 2023, undefined, 'fromMonth: 1, toMonth: 6')).toEqual({ A: 1, C: 0 });
    expect(await totals(['A', 'C'], 2023, undefined, 'fromMonth: 7, toMonth: 12')).toEqual({ A: 0, C: 2 });
    // The whole year: M's month-less row is placed on 2023-12-31, under C; Q is under A.
    expect(await totals(['P', 'A', 'B', 'C', 'M', 'Q'], 2023)).toEqual({ P: 2095, A: 1 + 2048, B: 8 + 32, C: 2 + 4, M: 7, Q: 2048 });
  });

  test('a merger: the absorbed district keeps its past, the absorbing one gets what comes after', async () => {
    expect(await totals(['P', 'A', 'B', 'C', 'X1', 'X2'], 2024)).toEqual({ P: 4304, A: 16 + 128 + 4096, B: 0, C: 64, X1: 128 + 4096, X2: 16 });
  });

  test('a unit that ended mid-year keeps the facts of its last months', async () => {
    expect(await totals(['P', 'A', 'N1'], 2025)).toEqual({ P: 256 + 512 + 1024, A: 512 + 1024, N1: 256 });
  });

  test("a fact's tier is its unit's tier on the reference date, with or without asOf", async () => {
    const query = (year: number, asOf: string) => `{ unit(code: "P") {
      plain: rollup(period: { year: ${year} }) { campaigns { byTier { tier total } } }
      asOf: rollup(period: { year: ${year} }, asOf: "${asOf}") { campaigns { byTier { tier total } } } } }`;
    const tiers = (r: any) => Object.fromEntries(r.campaigns.byTier.filter((x: any) => x.total > 0).map((x: any) => [x.tier, x.total]));
    const y2023 = await t.gql.data(query(2023, '2025-12-31'));
    expect(tiers(y2023.unit.plain)).toEqual({ DISTRICT: 32, GRASSROOTS: 7 + 8 + 2048 });
    expect(tiers(y2023.unit.asOf)).toEqual(tiers(y2023.unit.plain));
    const y2024 = await t.gql.data(query(2024, '2023-06-30'));
    expect(tiers(y2024.unit.plain)).toEqual({ DISTRICT: 64, GRASSROOTS: 16 + 128, CELL: 4096 });
    expect(tiers(y2024.unit.asOf)).toEqual(tiers(y2024.unit.plain));
  });
});

describe('rollups asOf a day: every fact along the tree of that day', () => {
  test('after the district level is abolished, the province total is unchanged and merged units carry their past', async () => {
    const before = await totals(['P'], 2023);
    const after = await totals(['P', 'N1', 'A', 'B', 'C'], 2023, '2025-12-31');
    expect(after.P).toBe(before.P);
    // X2 → successor N1 (8); Q → no successor → last parent X1 → successor N1 (2048); everything else to P.
    expect(after).toEqual({ P: 2095, N1: 8 + 2048, A: 0, B: 0, C: 0 });
    expect((await totals(['P'], 2024, '2025-12-31')).P).toBe((await totals(['P'], 2024)).P);
  });

  test('a merged unit is replaced by its successor', async () => {
    // On 2024-06-30 B is gone (successor A); X2 is under A; M is under C, so all of M's 2023 goes to C,
    // including March, when M was under A.
    expect(await totals(['P', 'A', 'C'], 2023, '2024-06-30')).toEqual({ P: 2095, A: 2048 + 8 + 32, C: 1 + 2 + 4 });
  });

  test("last year's data seen through an older tree: facts of units that moved later follow the older tree", async () => {
    // On 2023-12-31 X2 is under B and Q under A, so their 2024 facts go there.
    expect(await totals(['P', 'A', 'B', 'C', 'X1'], 2024, '2023-12-31')).toEqual({ P: 4304, A: 128 + 4096, B: 16, C: 64, X1: 128 });
  });

  test('a fact whose chain reaches no unit of the day is in no rollup as of that day', async () => {
    await importFiles(t.db.orm, {
      'units.csv': 'code,parent_code,name,kind,valid_from,valid_to,successor_code\nZ,,Đảng bộ giải thể,PROVINCIAL_COMMITTEE,,2020-01-01,\n',
      'campaigns.csv': 'unit_code,year,status,quantity\nZ,2019,COMPLETED,5\n',
    });
    const data = await t.gql.data(`{ roots(asOf: "2025-12-31") { code rollup(period: { year: 2019 }, asOf: "2025-12-31") { campaigns { total } } }
      z: unit(code: "Z") { asOf rollup(period: { year: 2019 }) { campaigns { total } } } }`);
    expect(data.roots).toEqual([{ code: 'P', rollup: { campaigns: { total: 0 } } }]);
    expect(data.z).toEqual({ asOf: '2019-12-31', rollup: { campaigns: { total: 5 } } });
  });
});

describe('the tree as of a day', () => {
  test('roots, children, depth, ancestors and descendant counts follow the day', async () => {
    const data = await t.gql.data(`{
      mid2023: unit(code: "P", asOf: "2023-06-30") { descendantCount children { code children { code } } }
      late2025: unit(code: "P", asOf: "2025-12-31") { descendantCount children { code } }
      mBefore: unit(code: "M", asOf: "2023-06-30") { id depth ancestors { code } parent { code name } }
      mAfter: unit(code: "M", asOf: "2023-07-01") { id depth ancestors { code } parent { code } }
      q2024: unit(code: "Q", asOf: "2024-05-01") { depth kind tier ancestors { code } }
      notYet: unit(code: "N1", asOf: "2024-01-01") { code }
      unknown: unit(code: "KHÔNG-CÓ|2024-01-01", asOf: "2024-01-01") { code }
      roots2019: roots(asOf: "2019-01-01") { code }
    }`);
    expect(data.mid2023.children).toEqual([
      { code: 'A', children: [{ code: 'M' }, { code: 'Q' }, { code: 'X1' }] },
      { code: 'B', children: [{ code: 'X2' }] },
      { code: 'C', children: [] },
    ]);
    expect(data.mid2023.descendantCount).toBe(7);
    expect(data.late2025).toEqual({ descendantCount: 1, children: [{ code: 'N1' }] });
    expect(data.mBefore).toMatchObject({ depth: 2, ancestors: [{ code: 'P' }, { code: 'A' }], parent: { code: 'A', name: 'Huyện ủy An Bình' } });
    expect(data.mAfter).toMatchObject({ depth: 2, ancestors: [{ code: 'P' }, { code: 'C' }], parent: { code: 'C' } });
    expect(data.mAfter.id).toBe(data.mBefore.id);
    expect(data.q2024).toEqual({ depth: 3, kind: 'CELL', tier: 'CELL', ancestors: [{ code: 'P' }, { code: 'A' }, { code: 'X1' }] });
    expect(data.notYet).toBeNull();
    expect(data.unknown).toBeNull();
    expect(data.roots2019.map((r: any) => r.code)).toEqual(['P', 'Z']);
  });

  test('without asOf: today if the unit exists today, else its last day; validFrom, validTo, successor and history', async () => {
    const data = await t.gql.data(`{
      today: roots { code }
      b: unit(code: "B") { asOf validFrom validTo successor { code asOf } history { validFrom validTo name kind parent { code } } }
      c: unit(code: "C") { asOf name kind validFrom validTo history { validFrom validTo name kind tier } }
      n1: unit(code: "N1") { asOf validFrom validTo successor { code } }
    }`);
    expect(data.today).toEqual([{ code: 'P' }]);
    expect(data.b).toEqual({
      asOf: '2023-12-31',
      validFrom: null,
      validTo: '2024-01-01',
      successor: { code: 'A', asOf: '2024-01-01' },
      history: [{ validFrom: null, validTo: '2024-01-01', name: 'Huyện ủy Bình Hòa', kind: 'DISTRICT_COMMITTEE', parent: { code: 'P' } }],
    });
    expect(data.c).toEqual({
      asOf: '2025-06-30',
      name: 'Thành ủy Cẩm Hưng',
      kind: 'CITY_COMMITTEE',
      validFrom: '2024-11-01',
      validTo: '2025-07-01',
      history: [
        { validFrom: null, validTo: '2024-11-01', name: 'Thị ủy Cẩm Hưng', kind: 'TOWN_COMMITTEE', tier: 'DISTRICT' },
        { validFrom: '2024-11-01', validTo: '2025-07-01', name: 'Thành ủy Cẩm Hưng', kind: 'CITY_COMMITTEE', tier: 'DISTRICT' },
      ],
    });
    expect(data.n1).toEqual({ asOf: '2026-11-26', validFrom: '2025-07-01', validTo: null, successor: null });
  });

  test('a date that is not a calendar date is refused, saying which', async () => {
    const literal = await t.gql.run(`{ unit(code: "P", asOf: "2023-02-30") { code } }`);
    expect(literal.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(literal.errors?.[0].message).toContain('Date must be a calendar date as "YYYY-MM-DD", got "2023-02-30"');
    const variable = await t.gql.run(`query ($d: Date) { unit(code: "P", asOf: $d) { code } }`, { d: '2023-13-01' });
    expect(variable.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(variable.errors?.[0].message).toContain('"2023-13-01"');
  });
});

describe('series', () => {
  test('one entry per year with the change of each headline count from the year before, batched', async () => {
    const query = `{ unit(code: "P") { rollupSeries(fromYear: 2023, toYear: 2025) {
      year fromMonth toMonth rollup { campaigns { total } } changes { metric value previous change percentChange } } } }`;
    const before = statementCounter.count;
    const data = await t.gql.data(query);
    const statements = statementCounter.count - before;
    const series = data.unit.rollupSeries;
    expect(series.map((e: any) => [e.year, e.rollup.campaigns.total])).toEqual([[2023, 2095], [2024, 4304], [2025, 1792]]);
    const total = (e: any) => e.changes.find((c: any) => c.metric === 'CAMPAIGNS_TOTAL');
    expect(total(series[0])).toEqual({ metric: 'CAMPAIGNS_TOTAL', value: 2095, previous: 0, change: 2095, percentChange: null });
    expect(total(series[1])).toEqual({ metric: 'CAMPAIGNS_TOTAL', value: 4304, previous: 2095, change: 2209, percentChange: 105.4 });
    expect(total(series[2])).toEqual({ metric: 'CAMPAIGNS_TOTAL', value: 1792, previous: 4304, change: -2512, percentChange: -58.4 });
    expect(series[0].changes.map((c: any) => c.metric)).toHaveLength(10);
    // The unit (versions, then the unit on its day), the cadre categories, then campaigns, discipline and
    // documents once each for all four years (2022–2025): not a statement per year.
    expect(statements).toBe(6);
    const asOf = await t.gql.data(query.replace('toYear: 2025)', 'toYear: 2025, asOf: "2025-12-31")'));
    expect(asOf.unit.rollupSeries.map((e: any) => e.rollup.campaigns.total)).toEqual([2095, 4304, 1792]);
  });

  test('a reversed or too long range is refused', async () => {
    const reversed = await t.gql.run(`{ unit(code: "P") { rollupSeries(fromYear: 2025, toYear: 2023) { year } } }`);
    expect(reversed.errors?.[0]).toMatchObject({ message: 'Invalid series: fromYear 2025 is after toYear 2023.', extensions: { code: 'BAD_USER_INPUT' } });
    const long = await t.gql.run(`{ unit(code: "P") { rollupSeries(fromYear: 1930, toYear: 2100) { year } } }`);
    expect(long.errors?.[0].message).toContain('at most 100 years');
  });
});

const errorsOf = (files: Record<string, string>) => importErrors(t.db.orm, files);

const HEADER = 'code,parent_code,name,kind,valid_from,valid_to,successor_code\n';

describe('import errors for histories', () => {
  test('intervals, overlaps, parents over the whole row, successors and cycles on a day', async () => {
    const errors = await errorsOf({
      'units.csv':
        HEADER +
        [
          'E1,P,Đảng bộ Một,DISTRICT_COMMITTEE,2020-01-01,2020-01-01,', // 2
          'E2,P,Đảng bộ Hai,DISTRICT_COMMITTEE,,2022-01-01,', // 3
          'E2,P,Đảng bộ Hai mới,DISTRICT_COMMITTEE,2021-06-01,,', // 4: overlaps line 3
          'E3,B,Đảng ủy xã Ba,GRASSROOTS_COMMITTEE,2023-01-01,2025-01-01,', // 5: B ends 2024-01-01
          'E4,P,Đảng bộ Bốn,DISTRICT_COMMITTEE,,2020-01-01,A', // 6: not the latest row
          'E4,P,Đảng bộ Bốn,DISTRICT_COMMITTEE,2020-01-01,,A', // 7: no valid_to
          'E5,P,Đảng bộ Năm,DISTRICT_COMMITTEE,,2026-01-01,N9', // 8: unknown successor
          'E6,P,Đảng bộ Sáu,DISTRICT_COMMITTEE,,2019-01-01,N1', // 9: N1 starts 2025-07-01
          'S1,P,Đảng bộ S1,DISTRICT_COMMITTEE,,2020-01-01,S2', // 10
          'S2,P,Đảng bộ S2,DISTRICT_COMMITTEE,,2020-01-01,S1', // 11
          'T1,P,Đảng bộ T1,DISTRICT_COMMITTEE,,2020-01-01,', // 12
          'T1,T2,Đảng bộ T1,DISTRICT_COMMITTEE,2020-01-01,,', // 13
          'T2,T1,Đảng bộ T2,DISTRICT_COMMITTEE,,,', // 14
        ].join('\n') +
        '\n',
    });
    expect(errors).toEqual([
      'units.csv:2:valid_to: 2020-01-01 is not after valid_from 2020-01-01 (valid_to is the first day the row no longer holds)',
      'units.csv:4: "E2" (2021-06-01 – (open)) overlaps its row on line 3 ((open) – 2022-01-01)',
      'units.csv:5:parent_code: parent "B" does not exist over the whole of this row (2023-01-01 – 2025-01-01); it exists (open) – 2024-01-01',
      `units.csv:6:successor_code: only the row that ends "E4"'s history (its latest) may name a successor`,
      'units.csv:7:successor_code: a successor takes over when "E4" ends, but this row has no valid_to',
      'units.csv:8:successor_code: unknown successor unit "N9" (not in units.csv and not stored)',
      'units.csv:9:successor_code: successor "N1" does not exist on 2019-01-01, the day "E6" ends; it exists 2025-07-01 – (open)',
      'units.csv:10:successor_code: successor "S2" does not exist on 2020-01-01, the day "S1" ends; it exists (open) – 2020-01-01',
      'units.csv:10: successor cycle S1 → S2 → S1',
      'units.csv:11:successor_code: successor "S1" does not exist on 2020-01-01, the day "S2" ends; it exists (open) – 2020-01-01',
      'units.csv:12: cycle on 2020-01-01: T1 → T2 → T1',
    ]);
  });

  test('facts outside their unit\'s life, in the file and already stored', async () => {
    const errors = await errorsOf({
      'campaigns.csv': 'unit_code,year,month,status\nN1,2024,,COMPLETED\nB,2024,1,COMPLETED\nB,2023,12,COMPLETED\n',
    });
    expect(errors).toEqual([
      'campaigns.csv:2:year: unit "N1" did not exist on any day of 2024; it exists 2025-07-01 – (open)',
      'campaigns.csv:3:month: unit "B" did not exist on any day of 2024-01; it exists (open) – 2024-01-01',
    ]);
    const stored = await errorsOf({ 'units.csv': HEADER + 'M,C,Đảng ủy cơ sở Mỏ Than Hà Lầm,GRASSROOTS_COMMITTEE,2024-01-01,2025-07-01,\n' });
    expect(stored).toEqual([
      `units.csv:2: the history given for "M" leaves 1 stored campaigns.csv row of 2023 outside the unit's life`,
      `units.csv:2: the history given for "M" leaves 1 stored campaigns.csv row of 2023-03 outside the unit's life`,
      `units.csv:2: the history given for "M" leaves 1 stored campaigns.csv row of 2023-09 outside the unit's life`,
    ]);
  });

  test('a fact in the month a unit ends is placed on its last day; a new history re-places stored facts', async () => {
    await importFiles(t.db.orm, {
      'units.csv': HEADER + 'D,P,Đảng bộ Đông Hải,DISTRICT_COMMITTEE,,2023-03-15,\n',
      'campaigns.csv': 'unit_code,year,month,status,external_id\nD,2023,3,COMPLETED,d-march\n',
    });
    const placed = async () =>
      (await t.db.orm.em.fork().getConnection().execute(`select ref_date::text, tier from campaigns where external_id = 'd-march'`))[0];
    expect(await placed()).toEqual({ ref_date: '2023-03-14', tier: 'DISTRICT' });
    const report = await importFiles(t.db.orm, { 'units.csv': HEADER + 'D,P,Đảng bộ Đông Hải,DISTRICT_COMMITTEE,,2023-03-20,\nD,P,Đảng ủy Đông Hải,GRASSROOTS_COMMITTEE,2023-03-20,2023-04-01,\n' });
    expect(report.files['units.csv']).toEqual({ rows: 2, created: 1, updated: 1, unchanged: 0, removed: 0 });
    expect(await placed()).toEqual({ ref_date: '2023-03-31', tier: 'GRASSROOTS' });
  });

  test('stored units that rely on a re-given unit are checked: children covered, successors alive, no cycle on a stored day', async () => {
    await importFiles(t.db.orm, {
      'units.csv':
        HEADER +
        'W,,Đảng bộ Tây Sơn,PROVINCIAL_COMMITTEE,,,\nW.C,W,Chi bộ Tây Sơn,GRASSROOTS_CELL,,,\nW.S,W,Đảng bộ cũ,DISTRICT_COMMITTEE,,2024-01-01,W.T\n' +
        'W.T,W,Đảng bộ mới,DISTRICT_COMMITTEE,2024-01-01,,\nV1,,Đảng bộ V1,PROVINCIAL_COMMITTEE,,,\nV2,,Đảng bộ V2,PROVINCIAL_COMMITTEE,,2022-01-01,\nV2,V1,Đảng bộ V2,DISTRICT_COMMITTEE,2022-01-01,,\n',
    });
    const errors = await errorsOf({
      'units.csv':
        HEADER + 'W,,Đảng bộ Tây Sơn,PROVINCIAL_COMMITTEE,,2025-01-01,\nW.T,W,Đảng bộ mới,DISTRICT_COMMITTEE,2024-06-01,2025-01-01,\nV1,V2,Đảng bộ V1,DISTRICT_COMMITTEE,,,\n',
    });
    expect(errors).toEqual([
      'units.csv:2: the history given for "W" no longer covers its stored child "W.C" ((open) – (open)); give "W.C" a new history too',
      'units.csv:3: the history given for "W.T" does not include 2024-01-01, the day stored unit "W.S" ends and "W.T" takes over',
      'units.csv:4: cycle on 2022-01-01: V1 → V2 → V1',
    ]);
  });

  test('a new successor alone updates the row; a stored fact replaced in the same import does not block a new history', async () => {
    const successor = await importFiles(t.db.orm, { 'units.csv': HEADER + 'W.S,W,Đảng bộ cũ,DISTRICT_COMMITTEE,,2024-01-01,\n' });
    expect(successor.files['units.csv']).toEqual({ rows: 1, created: 0, updated: 1, unchanged: 0, removed: 0 });
    await importFiles(t.db.orm, { 'campaigns.csv': 'external_id,unit_code,year,status\nmoved,W.T,2025,COMPLETED\n' });
    const report = await importFiles(t.db.orm, {
      'units.csv': HEADER + 'W.T,W,Đảng bộ mới,DISTRICT_COMMITTEE,2024-01-01,2025-01-01,\n',
      'campaigns.csv': 'external_id,unit_code,year,status\nmoved,W.T,2024,COMPLETED\n',
    });
    expect(report.files['campaigns.csv']).toMatchObject({ updated: 1 });
    expect((await totals(['W.T'], 2024))['W.T']).toBe(1);
  });

  test('re-importing the same history changes nothing', async () => {
    const report = await importFiles(t.db.orm, { 'units.csv': UNITS });
    expect(report.files['units.csv']).toEqual({ rows: 13, created: 0, updated: 0, unchanged: 13, removed: 0 });
  });
});
