/**
 * Subtree scope, in pairs: the same queries as a caller scoped to one district and as an unscoped admin.
 * The scoped caller sees its district's subtree and nothing else — not the province above, not the sibling whose
 * code starts the same way (T.1 vs T.10), not facts recorded elsewhere before a unit moved in — and a unit outside
 * the scope answers exactly like a unit that does not exist.
 *
 * Every test runs three times: with both enforcements, with only the resolvers' (row-level security off), and
 * with only PostgreSQL row-level security (resolver checks off) — so each layer is proven to hold alone.
 */
import { Role, type Caller } from '../src/auth/caller';
import { createContext, type ContextOptions } from '../src/context';
import { queryRows } from '../src/sql';
import { DatasetInvalidError, formatImportError, importDataset } from '../src/import';
import { createGraphql, importFiles, useDatabase, writeDataset, type Graphql } from './harness';

const UNITS = `code,parent_code,name,kind,valid_from,valid_to,successor_code
T,,Tỉnh ủy Thử nghiệm,PROVINCIAL_COMMITTEE,,,
T.1,T,Huyện ủy Một,DISTRICT_COMMITTEE,,,
T.10,T,Huyện ủy Mười,DISTRICT_COMMITTEE,,,
T.1.A,T.1,Đảng ủy xã An,GRASSROOTS_COMMITTEE,,,
T.10.B,T.10,Đảng ủy xã Bình,GRASSROOTS_COMMITTEE,,,
M,T.10,Đảng ủy cơ sở Mỏ,GRASSROOTS_COMMITTEE,,2023-07-01,
M,T.1,Đảng ủy cơ sở Mỏ,GRASSROOTS_COMMITTEE,2023-07-01,,
`;
const CAMPAIGNS = `unit_code,year,month,status,quantity
T,2023,5,COMPLETED,1
T.1,2023,5,COMPLETED,2
T.10,2023,5,COMPLETED,4
T.1.A,2023,5,COMPLETED,8
T.10.B,2023,5,COMPLETED,16
M,2023,3,COMPLETED,32
M,2023,9,COMPLETED,64
`;
const DISCIPLINE = `unit_code,year,body,subject,quantity\nT.10.B,2023,COMMITTEE,MEMBER,5\nT.1.A,2023,COMMITTEE,MEMBER,3\n`;

const t = useDatabase((orm) => importFiles(orm, { 'units.csv': UNITS, 'campaigns.csv': CAMPAIGNS, 'discipline.csv': DISCIPLINE }), { today: '2026-11-26' });

const district: Caller = { subject: 'district-user', unitCode: 'T.1', roles: new Set([Role.VIEWER]) };

const MODES: [string, ContextOptions['enforce']][] = [
  ['both enforcements', {}],
  ['resolvers only (row-level security off)', { rowSecurity: false }],
  ['row-level security only (resolver checks off)', { resolvers: false }],
];

describe.each(MODES)('%s', (_mode, enforce) => {
let scoped: Graphql;
beforeAll(async () => {
  scoped = await createGraphql(t.db.orm, { today: '2026-11-26', caller: district, enforce });
});
afterAll(() => scoped?.stop());

/** Runs a query as the scoped district and as the unscoped admin. */
async function both(query: string): Promise<{ district: any; admin: any }> {
  return { district: await scoped.data(query), admin: await t.gql.data(query) };
}

test('units outside the scope, a sibling with a longer code, and unknown codes all answer null', async () => {
  const { district: d, admin: a } = await both(`{
    province: unit(code: "T") { code } sibling: unit(code: "T.10") { code } siblingChild: unit(code: "T.10.B") { code }
    nope: unit(code: "NOPE") { code } own: unit(code: "T.1") { code } ownChild: unit(code: "T.1.A") { code } }`);
  expect(d).toEqual({ province: null, sibling: null, siblingChild: null, nope: null, own: { code: 'T.1' }, ownChild: { code: 'T.1.A' } });
  expect(a).toEqual({ province: { code: 'T' }, sibling: { code: 'T.10' }, siblingChild: { code: 'T.10.B' }, nope: null, own: { code: 'T.1' }, ownChild: { code: 'T.1.A' } });
});

test('roots start at the scope unit; parent and ancestors stop there', async () => {
  const { district: d, admin: a } = await both(`{
    roots(asOf: "2024-01-01") { code children { code } }
    unit(code: "T.1.A") { parent { code parent { code } } ancestors { code } }
    before: unit(code: "M", asOf: "2023-06-30") { code } after: unit(code: "M", asOf: "2023-07-01") { code parent { code } } }`);
  expect(d.roots).toEqual([{ code: 'T.1', children: [{ code: 'M' }, { code: 'T.1.A' }] }]);
  expect(a.roots).toEqual([{ code: 'T', children: [{ code: 'T.1' }, { code: 'T.10' }] }]);
  expect(d.unit).toEqual({ parent: { code: 'T.1', parent: null }, ancestors: [{ code: 'T.1' }] });
  expect(a.unit).toEqual({ parent: { code: 'T.1', parent: { code: 'T' } }, ancestors: [{ code: 'T' }, { code: 'T.1' }] });
  // M moved from T.10 to T.1 on 2023-07-01: the district sees it only from then on.
  expect(d.before).toBeNull();
  expect(a.before).toEqual({ code: 'M' });
  expect(d.after).toEqual({ code: 'M', parent: { code: 'T.1' } });
});

test("rollups count only facts recorded under the scope, also along another day's tree", async () => {
  const query = `{ unit(code: "T.1") {
    plain: rollup(period: { year: 2023 }) { campaigns { total } discipline { members } }
    asOf: rollup(period: { year: 2023 }, asOf: "2024-01-01") { campaigns { total } }
    series: rollupSeries(fromYear: 2023, toYear: 2023) { rollup { campaigns { total } } }
    descendantCount } }`;
  const { district: d, admin: a } = await both(query);
  // By reference date both count T.1, T.1.A and M's September (after the move): 2 + 8 + 64.
  expect(d.unit.plain).toEqual({ campaigns: { total: 74 }, discipline: { members: 3 } });
  expect(a.unit.plain).toEqual(d.unit.plain);
  // Along the 2024 tree the admin also sees M's March, recorded under T.10; the district does not.
  expect(a.unit.asOf.campaigns.total).toBe(74 + 32);
  expect(d.unit.asOf.campaigns.total).toBe(74);
  expect(d.unit.series[0].rollup.campaigns.total).toBe(74);
  expect(d.unit.descendantCount).toBe(a.unit.descendantCount);
});

test('reconciliation and the successor of a unit are out of reach outside the scope', async () => {
  const { district: d, admin: a } = await both(`{ reconciliation(code: "T.10", year: 2023) { year } own: reconciliation(code: "T.1", year: 2023) { year } }`);
  expect(d).toEqual({ reconciliation: null, own: { year: 2023 } });
  expect(a.reconciliation).toEqual({ year: 2023 });
});

test('a token for a unit that does not exist sees nothing at all', async () => {
  const ghost = await createGraphql(t.db.orm, { caller: { subject: 'ghost', unitCode: 'NOWHERE', roles: new Set([Role.ADMIN]) }, enforce });
  try {
    expect(await ghost.data(`{ roots { code } t: unit(code: "T") { code } t1: unit(code: "T.1") { code } }`)).toEqual({ roots: [], t: null, t1: null });
  } finally {
    await ghost.stop();
  }
});
});

test('under row-level security any SQL a scoped request runs sees only the scope: units, facts, figures', async () => {
  const ctx = await createContext(t.db.orm, { caller: district, enforce: { resolvers: false } });
  // Before the operation is validated a scoped context has no scope yet, and sees nothing through the resolvers.
  expect(ctx.scopeUnitId).toBe(-1);
  await ctx.prepare();
  try {
    const codes = (await queryRows<{ code: string }>(ctx.em, 'select code from units order by code')).map((r) => r.code);
    expect(codes).toEqual(['M', 'T.1', 'T.1.A']);
    const [facts] = await queryRows<{ n: number; q: number }>(ctx.em, 'select count(*)::int as n, sum(quantity)::int as q from campaigns');
    expect(facts).toEqual({ n: 3, q: 2 + 8 + 64 });
    const [links] = await queryRows<{ n: number }>(ctx.em, 'select count(*)::int as n from disciplinary_actions');
    expect(links.n).toBe(1);
    await expect(queryRows(ctx.em, `insert into cadre_categories (code, name) values ('X', 'X')`)).rejects.toThrow();
  } finally {
    await ctx.finish();
  }
  // The same statements as the owner (an unscoped request) see everything.
  const open = await createContext(t.db.orm);
  expect((await queryRows(open.em, 'select code from units')).length).toBe(6);
});

test('an import with a scoped token may only write inside the subtree, and says where each row is outside', async () => {
  let errors: string[] = [];
  try {
    await importDataset(t.db.orm, writeDataset({
      'units.csv': `code,parent_code,name,kind\nT.1.N,T.1,Chi bộ Mới,GRASSROOTS_CELL\nT.10.N,T.10,Chi bộ Ngoài,GRASSROOTS_CELL\nT.1,T,Huyện ủy Một,DISTRICT_COMMITTEE\n`,
      'campaigns.csv': `unit_code,year,month,status\nT.1.A,2024,1,COMPLETED\nT.10.B,2024,1,COMPLETED\nM,2023,3,COMPLETED\nM,2023,9,PLANNED\n`,
    }), { scopeCode: 'T.1' });
  } catch (err) {
    if (!(err instanceof DatasetInvalidError)) throw err;
    errors = err.errors.map(formatImportError);
  }
  expect(errors).toEqual([
    'campaigns.csv:3:unit_code: "T.10.B" on 2024-01-31 is outside the subtree of "T.1", the unit of your token',
    'campaigns.csv:4:unit_code: "M" on 2023-03-31 is outside the subtree of "T.1", the unit of your token',
    'units.csv:3:parent_code: the parent of "T.10.N" from the start is outside the subtree of "T.1", the unit of your token',
    'units.csv:4:code: "T.1" is the unit of your token: only someone above it may change its history',
  ]);
  const ok = await importDataset(t.db.orm, writeDataset({
    'units.csv': `code,parent_code,name,kind\nT.1.N,T.1,Chi bộ Mới,GRASSROOTS_CELL\n`,
    'campaigns.csv': `unit_code,year,month,status\nT.1.N,2024,1,COMPLETED\nM,2023,9,PLANNED\n`,
  }), { scopeCode: 'T.1', actor: 'token:district-user' });
  expect(ok.files['campaigns.csv']).toMatchObject({ created: 2 });
});
