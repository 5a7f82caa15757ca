/**
 * Rollup semantics on a small handmade tree: subtrees, periods with and without months, other roots untouched,
 * complete breakdowns in declaration order, zero denominators, overlapping categories, exact half-up percents.
 */
import { EXACT_BELOW, percent, share } from '../src/rollup/shares';
import { Random } from '../src/generate/random';
import { importFiles, useDatabase } from './harness';


const TREE = {
  'units.csv': `code,parent_code,name,kind
T.A.1.c,T.A.1,Chi bộ thôn Đồng Đăng,CELL
T.A.1,T.A,Đảng bộ xã Hòa Bình,GRASSROOTS_COMMITTEE
T.A,T,Huyện ủy Yên Hưng,DISTRICT_COMMITTEE
T.B,T,Đảng ủy Khối doanh nghiệp,DIRECT_COMMITTEE
T,,Tỉnh ủy Thử nghiệm,PROVINCIAL_COMMITTEE
O,,Tỉnh ủy Khác,PROVINCIAL_COMMITTEE
`,
  'cadre_categories.csv': `code,name
CM,Cấp ủy viên
CENTRAL,Cán bộ diện Trung ương quản lý
`,
  'campaigns.csv': `unit_code,year,month,body,activity,origin,status,quantity
T.A.1,2024,3,INSPECTION_COMMISSION,INSPECTION,,COMPLETED,2
T.A.1.c,2024,7,PARTY_CELL,SUPERVISION,,PLANNED,
T.A,2024,,,,PROGRAMMED,COMPLETED,5
T.B,2024,12,STANDING_COMMITTEE,,ARISING,CANCELLED,1
O,2024,3,,,,COMPLETED,100
T,2023,3,,,,COMPLETED,9
`,
  'discipline.csv': `unit_code,year,month,body,subject,form,categories,quantity
T.A,2024,5,COMMITTEE,MEMBER,WARNING,CM;CENTRAL,3
T.A,2024,5,INSPECTION_COMMISSION,MEMBER,REPRIMAND,CM,1
T.A.1,2024,,PARTY_CELL,MEMBER,,,4
T.A.1,2024,2,STANDING_COMMITTEE,ORGANIZATION,DISSOLUTION,,1
O,2024,5,COMMITTEE,MEMBER,EXPULSION,CM,50
`,
  'documents.csv': `unit_code,year,month,body,kind,quantity
T,2024,1,,DIRECTIVE,2
T.A,2024,,INSPECTION_COMMISSION,GUIDANCE,3
T.B,2024,1,PARTY_BUILDING_BOARD,GUIDANCE,
`,
};

const t = useDatabase((orm) => importFiles(orm, TREE));

const CAMPAIGNS = `query($code: String!, $period: PeriodInput!) { unit(code: $code) { rollup(period: $period) {
  campaigns { total completed cancelled programmed arising byTier { tier total completed } byBody { body total completed } } } } }`;
const campaigns = async (code: string, period: Record<string, number>) => (await t.gql.data(CAMPAIGNS, { code, period })).unit.rollup.campaigns;

describe('campaigns', () => {
  test('the whole year counts every row of the subtree, month or not', async () => {
    const c = await campaigns('T', { year: 2024 });
    expect(c).toMatchObject({ total: 9, completed: 7, cancelled: 1, programmed: 5, arising: 1 });
    expect(c.byTier).toEqual([
      { tier: 'CENTRAL', total: 0, completed: 0 },
      { tier: 'PROVINCIAL', total: 0, completed: 0 },
      { tier: 'DISTRICT', total: 6, completed: 5 },
      { tier: 'GRASSROOTS', total: 2, completed: 2 },
      { tier: 'CELL', total: 1, completed: 0 },
    ]);
    expect(c.byBody).toEqual([
      { body: 'COMMITTEE', total: 0, completed: 0 },
      { body: 'STANDING_COMMITTEE', total: 1, completed: 0 },
      { body: 'INSPECTION_COMMISSION', total: 2, completed: 2 },
      { body: 'PARTY_BUILDING_BOARD', total: 0, completed: 0 },
      { body: 'PARTY_CELL', total: 1, completed: 0 },
      { body: 'UNSPECIFIED', total: 5, completed: 5 },
    ]);
  });

  test('a month range leaves out rows without a month', async () => {
    expect((await campaigns('T', { year: 2024, fromMonth: 1, toMonth: 6 })).total).toBe(2);
    expect((await campaigns('T', { year: 2024, fromMonth: 3, toMonth: 3 })).total).toBe(2);
    expect((await campaigns('T', { year: 2024, fromMonth: 7, toMonth: 12 })).total).toBe(2);
    expect((await campaigns('T', { year: 2024, fromMonth: 4, toMonth: 6 })).total).toBe(0);
    // The same range with defaults spelled out is the whole year.
    expect((await campaigns('T', { year: 2024, fromMonth: 1, toMonth: 12 })).total).toBe(9);
  });

  test('subtrees, other years and other roots are kept apart', async () => {
    expect((await campaigns('T.A', { year: 2024 })).total).toBe(8);
    expect((await campaigns('T.A.1', { year: 2024 })).total).toBe(3);
    expect((await campaigns('T.A.1.c', { year: 2024 })).total).toBe(1);
    expect((await campaigns('T', { year: 2023 })).total).toBe(9);
    expect((await campaigns('O', { year: 2024 })).total).toBe(100);
    expect((await campaigns('O', { year: 2023 })).total).toBe(0);
  });
});

const DISCIPLINE = `query($code: String!, $period: PeriodInput!) { unit(code: $code) { rollup(period: $period) { discipline {
  organizations members
  membersByCategory { category { code name } count share percent }
  byAuthority { authority organizations members membersByCategory { category { code } count share percent } }
  byForm { form organizations members } } } } }`;
const discipline = async (code: string, period: Record<string, number>) => (await t.gql.data(DISCIPLINE, { code, period })).unit.rollup.discipline;

describe('discipline', () => {
  test('overlapping categories: each share is of all disciplined members, and they need not add up to 100%', async () => {
    const d = await discipline('T', { year: 2024 });
    expect(d.organizations).toBe(1);
    expect(d.members).toBe(8);
    expect(d.membersByCategory).toEqual([
      { category: { code: 'CENTRAL', name: 'Cán bộ diện Trung ương quản lý' }, count: 3, share: 3 / 8, percent: 37.5 },
      { category: { code: 'CM', name: 'Cấp ủy viên' }, count: 4, share: 0.5, percent: 50 },
    ]);
  });

  test('by authority: committees, standing committees and cells together; shares of that authority', async () => {
    const d = await discipline('T', { year: 2024 });
    expect(d.byAuthority).toEqual([
      {
        authority: 'PARTY_COMMITTEES',
        organizations: 1,
        members: 7,
        membersByCategory: [
          { category: { code: 'CENTRAL' }, count: 3, share: 3 / 7, percent: 42.9 },
          { category: { code: 'CM' }, count: 3, share: 3 / 7, percent: 42.9 },
        ],
      },
      {
        authority: 'INSPECTION_COMMISSIONS',
        organizations: 0,
        members: 1,
        membersByCategory: [
          { category: { code: 'CENTRAL' }, count: 0, share: 0, percent: 0 },
          { category: { code: 'CM' }, count: 1, share: 1, percent: 100 },
        ],
      },
    ]);
    expect(d.byForm).toEqual([
      { form: 'REPRIMAND', organizations: 0, members: 1 },
      { form: 'WARNING', organizations: 0, members: 3 },
      { form: 'REMOVAL', organizations: 0, members: 0 },
      { form: 'EXPULSION', organizations: 0, members: 0 },
      { form: 'DISSOLUTION', organizations: 1, members: 0 },
      { form: 'UNSPECIFIED', organizations: 0, members: 4 },
    ]);
  });

  test('zero denominators give null shares and percents, with every entry still present', async () => {
    const d = await discipline('T.B', { year: 2024 });
    expect(d.members).toBe(0);
    expect(d.membersByCategory).toEqual([
      { category: { code: 'CENTRAL', name: 'Cán bộ diện Trung ương quản lý' }, count: 0, share: null, percent: null },
      { category: { code: 'CM', name: 'Cấp ủy viên' }, count: 0, share: null, percent: null },
    ]);
    expect(d.byAuthority.every((a: any) => a.membersByCategory.every((c: any) => c.share === null && c.percent === null))).toBe(true);
    expect(d.byForm).toHaveLength(6);
  });

  test('a month range excludes the members recorded only for the year', async () => {
    const d = await discipline('T', { year: 2024, fromMonth: 5, toMonth: 5 });
    expect(d.members).toBe(4);
    expect(d.organizations).toBe(0);
  });
});

test('documents roll up by kind', async () => {
  const q = `query($code: String!, $period: PeriodInput!) { unit(code: $code) { rollup(period: $period) { documents { total directives guidance } } } }`;
  expect((await t.gql.data(q, { code: 'T', period: { year: 2024 } })).unit.rollup.documents).toEqual({ total: 6, directives: 2, guidance: 4 });
  expect((await t.gql.data(q, { code: 'T', period: { year: 2024, toMonth: 1 } })).unit.rollup.documents).toEqual({ total: 3, directives: 2, guidance: 1 });
});

describe('the tree', () => {
  test('roots, depth, parent, ancestors, children and descendant counts', async () => {
    const data = await t.gql.data(`{
      roots { code depth }
      unit(code: "T.A.1.c") { name depth tier parent { code } ancestors { code } descendantCount }
      t: unit(code: "T") { descendantCount children { code kind tier } }
      missing: unit(code: "NOPE") { code }
      cadreCategories { code name }
    }`);
    expect(data.roots).toEqual([{ code: 'O', depth: 0 }, { code: 'T', depth: 0 }]);
    expect(data.unit).toEqual({ name: 'Chi bộ thôn Đồng Đăng', depth: 3, tier: 'CELL', parent: { code: 'T.A.1' }, ancestors: [{ code: 'T' }, { code: 'T.A' }, { code: 'T.A.1' }], descendantCount: 0 });
    expect(data.t.descendantCount).toBe(4);
    expect(data.t.children).toEqual([{ code: 'T.A', kind: 'DISTRICT_COMMITTEE', tier: 'DISTRICT' }, { code: 'T.B', kind: 'DIRECT_COMMITTEE', tier: 'DISTRICT' }]);
    expect(data.missing).toBeNull();
    expect(data.cadreCategories).toEqual([{ code: 'CENTRAL', name: 'Cán bộ diện Trung ương quản lý' }, { code: 'CM', name: 'Cấp ủy viên' }]);
  });
});

describe('invalid periods are refused with BAD_USER_INPUT and say what is wrong', () => {
  test.each([
    [{ year: 2024, fromMonth: 0 }, 'fromMonth 0 is not a month'],
    [{ year: 2024, toMonth: 13 }, 'toMonth 13 is not a month'],
    [{ year: 2024, fromMonth: 7, toMonth: 3 }, 'fromMonth 7 is after toMonth 3'],
    [{ year: 1800 }, 'year 1800 is outside 1930–2100'],
  ])('%j', async (period, message) => {
    const result = await t.gql.run(CAMPAIGNS, { code: 'T', period });
    expect(result.errors).toHaveLength(1);
    expect(result.errors![0].message).toContain(message);
    expect(result.errors![0].extensions.code).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(result.errors)).not.toMatch(/stacktrace|\bat .*\.ts:/);
  });
});

describe('share and percent', () => {
  test.each([
    [23, 80, 28.8],
    [68, 323, 21.1],
    [15, 76, 19.7],
    [83, 399, 20.8],
    [1, 8, 12.5],
    [1, 16, 6.3],
    [1, 3, 33.3],
    [2, 3, 66.7],
    [1, 2000, 0.1],
    [1, 2001, 0],
    [7, 7, 100],
    [0, 5, 0],
  ])('%i / %i → %d%%', (count, denominator, expected) => {
    expect(percent(count, denominator)).toBe(expected);
    expect(share(count, denominator)).toBe(count / denominator);
  });
  test('the fast path (doubles) equals the exact integer rule for random and boundary values', () => {
    const exact = (count: number, denominator: number) => Number((BigInt(count) * 2000n + BigInt(denominator)) / (2n * BigInt(denominator))) / 10;
    const rnd = new Random(5, 'percent');
    const cases: [number, number][] = [];
    for (let i = 0; i < 20_000; i++) {
      const denominator = 1 + rnd.int(i % 2 ? 1_000 : 10_000_000);
      cases.push([rnd.int(denominator + 1), denominator]);
    }
    // Just below and at the fast path's limit, and exact halves (x.x5%) with large denominators.
    const big = EXACT_BELOW - 1;
    cases.push([big, big], [big - 1, big], [1, big], [Math.floor(big / 2), big], [EXACT_BELOW, EXACT_BELOW], [2 ** 45, 2 ** 46]);
    for (const d of [2000, 2_000_000, 2000 * 2 ** 28]) cases.push([d / 2000, d], [(3 * d) / 2000, d], [d / 2000 - 1, d]);
    for (const [count, denominator] of cases) expect([count, denominator, percent(count, denominator)]).toEqual([count, denominator, exact(count, denominator)]);
  });
  test('null on a zero denominator', () => {
    expect(percent(0, 0)).toBeNull();
    expect(share(0, 0)).toBeNull();
  });
});
