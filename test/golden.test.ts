/**
 * Golden test: every published 2023 figure of Quảng Ninh (figures.md), through GraphQL, from the reference seed.
 * Includes the 19.7% that the article misprints as 21.1% (15 of 76 inspection-commission members).
 */
import { seedReference, useDatabase } from './harness';

const t = useDatabase(seedReference);

// The 2023 tree: the province had 20 committees until the district level was abolished on 2025-07-01.
const GOLDEN = `query Golden {
  unit(code: "QN", asOf: "2023-12-31") {
    code name kind tier depth descendantCount
    children { code name kind tier }
    rollup(period: { year: 2023 }) {
      documents { total directives guidance }
      campaigns {
        total completed cancelled programmed arising
        byTier { tier total completed }
        byBody { body total completed }
      }
      discipline {
        organizations members
        membersByCategory { category { code name } count share percent }
        byAuthority { authority organizations members membersByCategory { category { code } count share percent } }
        byForm { form organizations members }
      }
    }
  }
}`;

const byKey = <T extends Record<string, any>>(list: T[], key: string) => Object.fromEntries(list.map((e) => [typeof e[key] === 'object' ? e[key].code : e[key], e]));

test('the province and its 20 directly-subordinate committees', async () => {
  const { unit } = await t.gql.data(GOLDEN);
  expect(unit).toMatchObject({ code: 'QN', name: 'Đảng bộ tỉnh Quảng Ninh', kind: 'PROVINCIAL_COMMITTEE', tier: 'PROVINCIAL', depth: 0 });
  expect(unit.children).toHaveLength(20);
  const kinds = unit.children.reduce((acc: Record<string, number>, c: any) => ({ ...acc, [c.kind]: (acc[c.kind] ?? 0) + 1 }), {});
  expect(kinds).toEqual({ CITY_COMMITTEE: 4, TOWN_COMMITTEE: 2, DISTRICT_COMMITTEE: 7, DIRECT_COMMITTEE: 7 });
  expect(unit.children.map((c: any) => c.name)).toEqual(expect.arrayContaining(['Đảng bộ thành phố Hạ Long', 'Đảng bộ thị xã Đông Triều', 'Đảng bộ huyện Cô Tô', 'Đảng bộ Công an tỉnh']));
  // 20 committees + 696 grassroots organizations + 4,971 cells.
  expect(unit.descendantCount).toBe(20 + 696 + 4971);
});

test('documents: 22 leadership documents and 21 guidance documents', async () => {
  const { documents } = (await t.gql.data(GOLDEN)).unit.rollup;
  expect(documents).toEqual({ total: 43, directives: 22, guidance: 21 });
});

test('campaigns: 25 programmed, 16 arising, 40 completed at the province, 369 at district tier, 3,142 at grassroots', async () => {
  const { campaigns } = (await t.gql.data(GOLDEN)).unit.rollup;
  expect(campaigns.programmed).toBe(25);
  expect(campaigns.arising).toBe(16);
  const tiers = byKey(campaigns.byTier, 'tier');
  expect(campaigns.byTier.map((t: any) => t.tier)).toEqual(['CENTRAL', 'PROVINCIAL', 'DISTRICT', 'GRASSROOTS', 'CELL']);
  expect(tiers.PROVINCIAL).toEqual({ tier: 'PROVINCIAL', total: 41, completed: 40 });
  expect(tiers.DISTRICT.completed).toBe(369);
  expect(tiers.GRASSROOTS.completed).toBe(3142);
  expect(campaigns.completed).toBe(40 + 369 + 3142);
  expect(campaigns.cancelled).toBe(1);
  expect(byKey(campaigns.byBody, 'body').INSPECTION_COMMISSION).toEqual({ body: 'INSPECTION_COMMISSION', total: 16, completed: 16 });
  const bodySum = campaigns.byBody.reduce((a: number, b: any) => a + b.total, 0);
  expect(bodySum).toBe(campaigns.total);
});

test('discipline: 21 organizations and 399 members, 83 committee members (20.8%)', async () => {
  const { discipline } = (await t.gql.data(GOLDEN)).unit.rollup;
  expect(discipline.organizations).toBe(21);
  expect(discipline.members).toBe(399);
  const cm = byKey(discipline.membersByCategory, 'category').COMMITTEE_MEMBER;
  expect(cm).toMatchObject({ category: { code: 'COMMITTEE_MEMBER', name: 'Cấp ủy viên' }, count: 83, percent: 20.8 });
  expect(cm.share).toBeCloseTo(83 / 399, 12);
  expect(discipline.membersByCategory.map((c: any) => c.category.code)).toEqual(['CENTRAL_MANAGED', 'COMMITTEE_MEMBER', 'PROVINCE_MANAGED']);
  expect(byKey(discipline.byForm, 'form').UNSPECIFIED).toEqual({ form: 'UNSPECIFIED', organizations: 21, members: 399 });
});

test('party committees: 21 organizations, 323 members, 68 committee members = 21.1%', async () => {
  const { discipline } = (await t.gql.data(GOLDEN)).unit.rollup;
  const pc = byKey(discipline.byAuthority, 'authority').PARTY_COMMITTEES;
  expect(pc.organizations).toBe(21);
  expect(pc.members).toBe(323);
  expect(byKey(pc.membersByCategory, 'category').COMMITTEE_MEMBER).toMatchObject({ count: 68, percent: 21.1 });
});

test('inspection commissions: 76 members, 15 committee members = 19.7% (the article misprints 21.1%)', async () => {
  const { discipline } = (await t.gql.data(GOLDEN)).unit.rollup;
  const ic = byKey(discipline.byAuthority, 'authority').INSPECTION_COMMISSIONS;
  expect(ic.organizations).toBe(0);
  expect(ic.members).toBe(76);
  const cm = byKey(ic.membersByCategory, 'category').COMMITTEE_MEMBER;
  expect(cm).toMatchObject({ count: 15, percent: 19.7 });
  expect(cm.percent).not.toBe(21.1);
  expect(cm.share).toBeCloseTo(15 / 76, 12);
});

test('the 20 committees add up to the province below it', async () => {
  const data = await t.gql.data(`{ unit(code: "QN", asOf: "2023-12-31") { children { rollup(period: { year: 2023 }) {
    campaigns { total } discipline { organizations members } } } } }`);
  const sum = (f: (r: any) => number) => data.unit.children.reduce((a: number, c: any) => a + f(c.rollup), 0);
  expect(sum((r) => r.campaigns.total)).toBe(369 + 3142);
  expect(sum((r) => r.discipline.members)).toBe(399);
  expect(sum((r) => r.discipline.organizations)).toBe(21);
});
