/**
 * The reference data with its history (seeds/quang-ninh-2023): the 2023 figures along the 2023 tree and along the
 * 2025 two-tier tree, and the reconciliation of every published figure with the computed ones. Then the
 * reconciliation statuses and the reported_figures.csv rules on a handmade unit.
 */
import { DatasetInvalidError, formatImportError } from '../src/import';
import { importFiles, seedReference, useDatabase } from './harness';

const t = useDatabase(seedReference, { today: '2026-11-26' });

const ROLLUP = `campaigns { total completed byTier { tier total } } discipline { organizations members membersByCategory { count percent } } documents { total }`;

test('Hạ Long 2023 along the 2023 tree, and the province 2023 along the 2025 tree: same province totals', async () => {
  const data = await t.gql.data(`{
    hl: unit(code: "QN.HL", asOf: "2023-12-31") { name kind children { code } rollup(period: { year: 2023 }) { ${ROLLUP} } }
    qn2023: unit(code: "QN", asOf: "2023-12-31") { children { code } rollup(period: { year: 2023 }) { ${ROLLUP} } }
    qn2025: unit(code: "QN", asOf: "2025-12-31") {
      children { code kind rollup(period: { year: 2023 }, asOf: "2025-12-31") { ${ROLLUP} } }
      rollup(period: { year: 2023 }, asOf: "2025-12-31") { ${ROLLUP} } }
  }`);
  expect(data.hl).toMatchObject({ name: 'Đảng bộ thành phố Hạ Long', kind: 'CITY_COMMITTEE' });
  expect(data.hl.children).toHaveLength(90); // including Hoành Bồ's 13, merged on 2020-01-01
  expect(data.hl.rollup.campaigns.total).toBeGreaterThan(0);
  expect(data.qn2023.children).toHaveLength(20);
  expect(data.qn2025.children).toHaveLength(59);
  expect(data.qn2025.children.filter((c: any) => c.kind === 'GRASSROOTS_COMMITTEE')).toHaveLength(54);
  // Nothing lost or double counted by the reorganization: every figure, breakdowns included, is the same.
  expect(data.qn2025.rollup).toEqual(data.qn2023.rollup);
  expect(data.qn2023.rollup.discipline).toMatchObject({ organizations: 21, members: 399 });
  // Along the 2025 tree, what the 59 children do not carry is the province's own (its 2023 campaigns and
  // documents, and the facts of the districts that ended without a successor).
  const childSum = data.qn2025.children.reduce((a: number, c: any) => a + c.rollup.campaigns.total, 0);
  expect(childSum).toBeLessThanOrEqual(data.qn2025.rollup.campaigns.total);
  // The tier of each fact is that of 2023, whatever the tree.
  expect(data.qn2025.rollup.campaigns.byTier).toEqual(data.qn2023.rollup.campaigns.byTier);
});

test('Hạ Long absorbed Hoành Bồ on 2020-01-01, and its 2023 facts follow its successors into the 2025 tree', async () => {
  const data = await t.gql.data(`{
    hb: unit(code: "QN.HB") { asOf validTo successor { code } }
    hl: unit(code: "QN.HL", asOf: "2023-12-31") { rollup(period: { year: 2023 }) { campaigns { total } } }
    hl2019: unit(code: "QN.HL", asOf: "2019-12-31") { children { code } }
    qn2025: unit(code: "QN", asOf: "2025-12-31") { children { code rollup(period: { year: 2023 }, asOf: "2025-12-31") { campaigns { total } } } }
  }`);
  expect(data.hb).toEqual({ asOf: '2019-12-31', validTo: '2020-01-01', successor: { code: 'QN.HL' } });
  expect(data.hl2019.children).toHaveLength(77);
  const communesOfHaLong = data.qn2025.children.filter((c: any) => /^QN\.XA/.test(c.code));
  expect(communesOfHaLong.some((c: any) => c.rollup.campaigns.total > 0)).toBe(true);
});

const RECONCILE = `query ($code: String!, $year: Int!) { reconciliation(code: $code, year: $year) {
  unit { code } year inconsistencies
  figures { externalId metric fromMonth toMonth stated bound statedPercent computed computedPercent status valueMatches percentMatches source }
  breaches { rule message figures { metric fromMonth toMonth stated } } } }`;

test('reconciliation of Quảng Ninh 2023 lists exactly the two inconsistencies of the published figures', async () => {
  const { reconciliation: r } = await t.gql.data(RECONCILE, { code: 'QN', year: 2023 });
  expect(r.unit.code).toBe('QN');
  expect(r.inconsistencies).toBe(2);
  const mismatches = r.figures.filter((f: any) => f.status === 'MISMATCH');
  expect(mismatches).toEqual([
    expect.objectContaining({
      metric: 'DISCIPLINED_MEMBERS.AUTHORITY.INSPECTION_COMMISSIONS.CATEGORY.COMMITTEE_MEMBER',
      fromMonth: 1,
      toMonth: 12,
      stated: 15,
      statedPercent: 21.1,
      computed: 15,
      computedPercent: 19.7,
      valueMatches: true,
      percentMatches: false,
    }),
  ]);
  expect(r.breaches).toEqual([
    {
      rule: 'YEAR_TO_DATE_DECREASE',
      message: expect.stringContaining('17 for months 1–9 but 15 for months 1–12'),
      figures: [
        { metric: 'DISCIPLINED_MEMBERS.AUTHORITY.INSPECTION_COMMISSIONS.CATEGORY.COMMITTEE_MEMBER', fromMonth: 1, toMonth: 9, stated: 17 },
        { metric: 'DISCIPLINED_MEMBERS.AUTHORITY.INSPECTION_COMMISSIONS.CATEGORY.COMMITTEE_MEMBER', fromMonth: 1, toMonth: 12, stated: 15 },
      ],
    },
  ]);
  // The full-year figures match (68 of 323 = 21.1% included); the 9-month ones have no monthly data to compare with.
  const fullYear = r.figures.filter((f: any) => f.toMonth === 12 && f.status !== 'MISMATCH');
  expect(fullYear).toHaveLength(12);
  expect(fullYear.every((f: any) => f.status === 'MATCH')).toBe(true);
  expect(r.figures.find((f: any) => f.metric === 'DISCIPLINED_MEMBERS.AUTHORITY.PARTY_COMMITTEES.CATEGORY.COMMITTEE_MEMBER' && f.toMonth === 12))
    .toMatchObject({ stated: 68, statedPercent: 21.1, computed: 68, computedPercent: 21.1, status: 'MATCH' });
  const nineMonths = r.figures.filter((f: any) => f.toMonth === 9);
  expect(nineMonths.length).toBe(5);
  expect(nineMonths.every((f: any) => f.status === 'NO_DATA' && f.computed === null)).toBe(true);
  expect(r.figures.every((f: any) => f.source.length > 0)).toBe(true);
});

test('nothing else is flagged on the reference data: 2024 and the national figures have no data to compare', async () => {
  for (const [code, year] of [['QN', 2024], ['TW', 2021], ['TW', 2022], ['TW', 2023]] as const) {
    const { reconciliation: r } = await t.gql.data(RECONCILE, { code, year });
    expect(r.figures.length).toBeGreaterThan(0);
    expect(r.inconsistencies).toBe(0);
    expect(r.figures.every((f: any) => f.status === 'NO_DATA')).toBe(true);
  }
  const { reconciliation: tw } = await t.gql.data(RECONCILE, { code: 'TW', year: 2022 });
  expect(tw.figures.filter((f: any) => f.bound === 'AT_LEAST').map((f: any) => f.stated).sort()).toEqual([100, 16200, 5300].sort());
  expect((await t.gql.data(RECONCILE, { code: 'NOPE', year: 2023 })).reconciliation).toBeNull();
});

describe('statuses and rules on a handmade unit', () => {
  const FIGURES = `unit_code,year,from_month,to_month,metric,value,bound,percent,source,note
R,2024,,,CAMPAIGNS_TOTAL,10,,,Báo cáo số 1,
R,2024,,,CAMPAIGNS_COMPLETED,8,AT_LEAST,,Báo cáo số 1,"hơn 8"
R,2024,,,CAMPAIGNS_COMPLETED.TIER.GRASSROOTS,9,AT_LEAST,,Báo cáo số 1,
R,2024,1,6,CAMPAIGNS_TOTAL,4,,,Báo cáo 6 tháng,
R,2024,1,3,CAMPAIGNS_TOTAL,5,AT_LEAST,,Báo cáo quý I,
R,2024,,,DISCIPLINED_MEMBERS,3,,,Báo cáo số 1,
R,2024,,,DISCIPLINED_MEMBERS.CATEGORY.CM,1,,33.3,Báo cáo số 1,
R,2024,,,DOCUMENTS_TOTAL,2,,,Báo cáo số 1,
`;

  beforeAll(async () => {
    await importFiles(t.db.orm, {
      'units.csv': 'code,parent_code,name,kind\nR,,Đảng bộ Thử nghiệm,PROVINCIAL_COMMITTEE\nR.G,R,Đảng ủy xã Quảng Đức,GRASSROOTS_COMMITTEE\n',
      'cadre_categories.csv': 'code,name\nCM,Cấp ủy viên\n',
      'campaigns.csv': 'unit_code,year,month,status,quantity\nR,2024,2,COMPLETED,3\nR.G,2024,5,COMPLETED,6\nR.G,2024,,PLANNED,1\n',
      'discipline.csv': 'unit_code,year,body,subject,categories,quantity\nR.G,2024,COMMITTEE,MEMBER,CM,1\nR.G,2024,COMMITTEE,MEMBER,,2\n',
      'reported_figures.csv': FIGURES,
    });
  });

  test('EXACT and AT_LEAST values, percents, NO_DATA, and a year-to-date lower bound above a later exact figure', async () => {
    const { reconciliation: r } = await t.gql.data(RECONCILE, { code: 'R', year: 2024 });
    const status = Object.fromEntries(r.figures.map((f: any) => [`${f.metric}@${f.fromMonth}-${f.toMonth}`, [f.status, f.computed]]));
    expect(status).toEqual({
      'CAMPAIGNS_TOTAL@1-3': ['MISMATCH', 3], // at least 5 stated, 3 recorded
      'CAMPAIGNS_TOTAL@1-6': ['MISMATCH', 9], // 4 stated, 9 recorded
      'CAMPAIGNS_COMPLETED.TIER.GRASSROOTS@1-12': ['MISMATCH', 6],
      'CAMPAIGNS_COMPLETED@1-12': ['MATCH', 9],
      'CAMPAIGNS_TOTAL@1-12': ['MATCH', 10],
      'DISCIPLINED_MEMBERS.CATEGORY.CM@1-12': ['MATCH', 1], // 1 of 3 = 33.3%
      'DISCIPLINED_MEMBERS@1-12': ['MATCH', 3],
      'DOCUMENTS_TOTAL@1-12': ['NO_DATA', null],
    });
    expect(r.breaches.map((b: any) => b.message)).toEqual([
      'CAMPAIGNS_TOTAL: at least 5 for months 1–3 but 4 for months 1–6; a count from month 1 cannot shrink as the period grows',
    ]);
    expect(r.inconsistencies).toBe(4);
  });

  test('reported_figures.csv: every error named with its column', async () => {
    let errors: string[] = [];
    try {
      await importFiles(t.db.orm, {
        'reported_figures.csv': `unit_code,year,from_month,to_month,metric,value,bound,percent,source
R,2024,7,3,CAMPAIGNS_TOTAL,1,,,S
R,2024,,,CAMPAIGNS_TOTAL.TIER.PROVINCE,1,,,S
R,2024,,,CAMPAIGNS_ARISING.TIER.DISTRICT,1,,,S
R,2024,,,DISCIPLINED_ORGANIZATIONS.CATEGORY.CM,1,,,S
R,2024,,,DISCIPLINED_MEMBERS.CATEGORY.XX,1,,,S
R,2024,,,DISCIPLINED_MEMBERS,1,,12.5,S
R,2024,,,DISCIPLINED_MEMBERS.CATEGORY.CM,1,,100.25,S
R,2024,,,DOCUMENTS_TOTAL,-1,ABOUT,,
NOPE,2024,,,DOCUMENTS_TOTAL,1,,,S
`,
      });
    } catch (err) {
      if (!(err instanceof DatasetInvalidError)) throw err;
      errors = err.errors.map(formatImportError);
    }
    expect(errors).toEqual([
      'reported_figures.csv:2:to_month: 3 is before from_month 7',
      'reported_figures.csv:3:metric: "PROVINCE" is not a tier (one of CENTRAL, PROVINCIAL, DISTRICT, GRASSROOTS, CELL)',
      'reported_figures.csv:4:metric: CAMPAIGNS_ARISING has no breakdown; only CAMPAIGNS_TOTAL and CAMPAIGNS_COMPLETED do',
      'reported_figures.csv:5:metric: cadre categories apply to DISCIPLINED_MEMBERS only',
      'reported_figures.csv:6:metric: unknown cadre category "XX"',
      "reported_figures.csv:7:percent: a percent is given only for a .CATEGORY. metric (the category's share of the members)",
      'reported_figures.csv:8:percent: "100.25" is not a percent from 0 to 100 with at most one decimal (e.g. 21.1)',
      'reported_figures.csv:9:value: "-1" is not a whole number from 0 to 2147483647',
      'reported_figures.csv:9:bound: "ABOUT" is not one of EXACT, AT_LEAST',
      'reported_figures.csv:9:source: is required',
      'reported_figures.csv:10:unit_code: unknown unit "NOPE" (not in units.csv and not stored)',
    ]);
  });
});
