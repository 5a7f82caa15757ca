/**
 * Relay conventions on the Quảng Ninh reference data: opaque global ids and node/nodes (batched, scoped), cursor
 * connections (descendants, units search) paged both ways, and the search without diacritics ("ha long" finds
 * "Hạ Long"), checked against an oracle computed from the dataset's CSV.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Role, type Caller } from '../src/auth/caller';
import type { ContextOptions } from '../src/context';
import { statementCounter } from '../src/db';
import { seedDir } from '../src/seeds';
import { queryRows } from '../src/sql';
import { MAX_PAGE_SIZE } from '../src/relay/connection';
import { fromGlobalId, toGlobalId, unitIdOf } from '../src/relay/global-id';
import { searchQuery } from '../src/relay/units';
import { createGraphql, seedReference, useDatabase, type Graphql } from './harness';

const TODAY = '2023-12-31';
const t = useDatabase(seedReference, { today: TODAY });

// ---- An oracle from the dataset itself: the versions of units.csv, and names folded without diacritics. ----

interface Row { code: string; parent: string; name: string; from: string; to: string }
const ROWS: Row[] = fs
  .readFileSync(path.join(seedDir('quang-ninh-2023'), 'units.csv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => {
    const [code, parent, name, , from, to] = line.split(',');
    return { code, parent, name, from, to };
  });

/** The versions in force on `day`, by code. */
function onDay(day: string): Map<string, Row> {
  return new Map(ROWS.filter((r) => (r.from === '' || r.from <= day) && (r.to === '' || day < r.to)).map((r) => [r.code, r]));
}

/** Lower case, without combining marks, đ → d: what "without diacritics" means. */
const fold = (s: string) => s.normalize('NFD').replace(/\p{Mn}/gu, '').replace(/[đĐ]/g, 'd').toLowerCase();

const byCodePoint = (codes: string[]) => [...codes].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/** Codes of the units seen on `day` whose name or code contains every word of `search`, by code. */
function expectedSearch(search: string, day: string): string[] {
  const words = fold(search).split(/\s+/).filter(Boolean);
  const hits = [...onDay(day).values()].filter((r) => words.every((w) => fold(r.name).includes(w)) || words.every((w) => fold(r.code).includes(w)));
  return byCodePoint(hits.map((r) => r.code));
}

/** Codes of the units below `code` on `day`, by code. */
function expectedDescendants(code: string, day: string): string[] {
  const units = onDay(day);
  const under = (c: string): boolean => {
    const parent = units.get(c)?.parent;
    return !!parent && (parent === code || under(parent));
  };
  return byCodePoint([...units.keys()].filter(under));
}

// ---- Paging helpers ----

interface Page { totalCount: number; edges: { cursor: string; node: { code: string; tier: string } }[]; nodes: { code: string }[]; pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null } }
type Fetch = (args: { first?: number; after?: string; last?: number; before?: string }) => Promise<Page>;

const PAGE = `totalCount edges { cursor node { code tier } } nodes { code } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }`;

/** Every page forwards (first/after) and backwards (last/before); checks each page's own consistency. */
async function walk(fetch: Fetch, size: number): Promise<{ forward: string[]; backward: string[]; pages: number; total: number; tiers: Map<string, string> }> {
  const forward: string[] = [];
  const tiers = new Map<string, string>();
  let after: string | undefined;
  let pages = 0;
  let total = -1;
  for (;;) {
    const page = await fetch({ first: size, after });
    pages++;
    total = page.totalCount;
    expect(page.edges.length).toBeLessThanOrEqual(size);
    expect(page.nodes.map((n) => n.code)).toEqual(page.edges.map((e) => e.node.code));
    expect(page.pageInfo.startCursor).toBe(page.edges[0]?.cursor ?? null);
    expect(page.pageInfo.endCursor).toBe(page.edges[page.edges.length - 1]?.cursor ?? null);
    expect(page.pageInfo.hasPreviousPage).toBe(after !== undefined);
    forward.push(...page.edges.map((e) => e.node.code));
    for (const e of page.edges) tiers.set(e.node.code, e.node.tier);
    if (!page.pageInfo.hasNextPage) break;
    expect(page.edges).toHaveLength(size);
    after = page.pageInfo.endCursor!;
  }
  const backward: string[] = [];
  let before: string | undefined;
  for (;;) {
    const page = await fetch({ last: size, before });
    expect(page.pageInfo.hasNextPage).toBe(before !== undefined);
    backward.unshift(...page.edges.map((e) => e.node.code));
    if (!page.pageInfo.hasPreviousPage) break;
    expect(page.edges).toHaveLength(size);
    before = page.pageInfo.startCursor!;
  }
  return { forward, backward, pages, total, tiers };
}

const DESCENDANTS = `query($code: String!, $asOf: Date, $tier: Tier, $kind: UnitKind, $first: Int, $after: String, $last: Int, $before: String) {
  unit(code: $code, asOf: $asOf) { descendantCount descendants(tier: $tier, kind: $kind, first: $first, after: $after, last: $last, before: $before) { ${PAGE} } } }`;
const SEARCH = `query($search: String!, $asOf: Date, $first: Int, $after: String, $last: Int, $before: String) {
  units(search: $search, asOf: $asOf, first: $first, after: $after, last: $last, before: $before) { ${PAGE} } }`;

const search = (gql: Graphql, text: string, asOf?: string): Fetch => async (args) => (await gql.data(SEARCH, { search: text, asOf, ...args })).units;

async function idOf(gql: Graphql, code: string): Promise<string> {
  return (await gql.data(`query($code: String!) { unit(code: $code) { id } }`, { code })).unit.id;
}

// ---- Global ids ----

describe('global ids', () => {
  test('round trip, and opaque: neither the database id nor the code is readable in it', async () => {
    expect(fromGlobalId(toGlobalId('OrgUnit', 42))).toEqual({ type: 'OrgUnit', id: 42 });
    const dbId = Number((await queryRows<{ id: number }>(t.db.orm.em.fork(), `select id from units where code = 'QN.HL'`))[0].id);
    const id = await idOf(t.gql, 'QN.HL');
    expect(id).not.toBe(String(dbId));
    expect(id).not.toContain('QN');
    expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(unitIdOf(id)).toBe(dbId);
    // The same id on every day of the unit's history.
    const days = await t.gql.data(`{ a: unit(code: "QN.HL", asOf: "2010-01-01") { id } b: unit(code: "QN.HL", asOf: "2025-06-30") { id } }`);
    expect(days).toEqual({ a: { id }, b: { id } });
  });

  test.each([
    ['not base64', 'not a global id!'],
    ['empty', ''],
    ['another type', Buffer.from('Campaign:1').toString('base64url')],
    ['no number', Buffer.from('OrgUnit:abc').toString('base64url')],
    ['leading zero (not canonical)', Buffer.from('OrgUnit:01').toString('base64url')],
    ['out of int range', Buffer.from('OrgUnit:99999999999').toString('base64url')],
    ['padded base64 (not canonical)', Buffer.from('OrgUnit:1').toString('base64') + '='],
  ])('a malformed id (%s) is BAD_USER_INPUT, with no internals in the message', async (_what, bad) => {
    expect(() => fromGlobalId(bad)).toThrow(/is not a valid node id/);
    expect(unitIdOf(bad)).toBeNull();
    const result = await t.gql.run(`query($id: ID!) { node(id: $id) { id } }`, { id: bad });
    expect(result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0].message).not.toMatch(/select|stack|Error:/i);
    expect(result.data?.node ?? null).toBeNull();
  });
});

// ---- node / nodes ----

describe('node and nodes', () => {
  test('node(id) answers the unit as unit(code) does without asOf, for a current and a closed unit', async () => {
    for (const code of ['QN.TY', 'QN.HB']) {
      const byCode = (await t.gql.data(`query($c: String!) { unit(code: $c) { id code name asOf validTo tier } }`, { c: code })).unit;
      const byId = (await t.gql.data(`query($id: ID!) { node(id: $id) { __typename id ... on OrgUnit { code name asOf validTo tier } } }`, { id: byCode.id })).node;
      expect(byId).toEqual({ __typename: 'OrgUnit', ...byCode });
    }
  });

  test('an unknown id is null; nodes keeps the order and puts null where nothing is found', async () => {
    const [ct, hl] = [await idOf(t.gql, 'QN.TY'), await idOf(t.gql, 'QN.HL')];
    const unknown = toGlobalId('OrgUnit', 2_000_000_000);
    const data = await t.gql.data(`query($ids: [ID!]!, $u: ID!) { node(id: $u) { id } nodes(ids: $ids) { id ... on OrgUnit { code } } }`, { ids: [hl, unknown, ct, hl], u: unknown });
    expect(data.node).toBeNull();
    expect(data.nodes).toEqual([{ id: hl, code: 'QN.HL' }, null, { id: ct, code: 'QN.TY' }, { id: hl, code: 'QN.HL' }]);
  });

  test('nodes of many units cost one statement, as few do', async () => {
    const page = (await t.gql.data(`{ unit(code: "QN.TY") { descendants(first: ${MAX_PAGE_SIZE}) { nodes { id code } } } }`)).unit.descendants;
    const codes: string[] = page.nodes.map((n: any) => n.code);
    const all: string[] = page.nodes.map((n: any) => n.id);
    const count = async (list: string[]) => {
      const before = statementCounter.count;
      const data = await t.gql.data(`query($ids: [ID!]!) { nodes(ids: $ids) { ... on OrgUnit { code } } }`, { ids: list });
      return { statements: statementCounter.count - before, codes: data.nodes.map((n: any) => n.code) };
    };
    const many = await count(all);
    expect(many.codes).toEqual(codes);
    expect(all.length).toBe(MAX_PAGE_SIZE);
    expect(many.statements).toBe(1);
    expect((await count(all.slice(0, 2))).statements).toBe(1);
    // Several node fields of one operation are fetched together too.
    const before = statementCounter.count;
    const aliased = await t.gql.data(`{ ${all.slice(0, 15).map((id, i) => `n${i}: node(id: "${id}") { id }`).join(' ')} }`);
    expect(statementCounter.count - before).toBe(1);
    expect(Object.values(aliased).map((n: any) => n.id)).toEqual(all.slice(0, 15));
  });

  test(`more than ${MAX_PAGE_SIZE} ids are refused`, async () => {
    const ids = Array.from({ length: MAX_PAGE_SIZE + 1 }, (_, i) => toGlobalId('OrgUnit', i + 1));
    const result = await t.gql.run(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids });
    expect(result.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', max: MAX_PAGE_SIZE });
  });
});

// ---- Scope ----

const analyst: Caller = { subject: 'cam-pha-analyst', unitCode: 'QN.CP', roles: new Set([Role.ANALYST]) };
const MODES: [string, ContextOptions['enforce']][] = [
  ['both enforcements', {}],
  ['resolvers only', { rowSecurity: false }],
  ['row-level security only', { resolvers: false }],
];

describe.each(MODES)('a district analyst (%s)', (_mode, enforce) => {
  let scoped: Graphql;
  beforeAll(async () => {
    scoped = await createGraphql(t.db.orm, { today: TODAY, caller: analyst, enforce });
  });
  afterAll(() => scoped?.stop());

  test('cannot fetch another district by node id, nor the province; fetches its own', async () => {
    const [cp, hl, qn] = [await idOf(t.gql, 'QN.CP'), await idOf(t.gql, 'QN.HL'), await idOf(t.gql, 'QN')];
    const child = (await t.gql.data(DESCENDANTS, { code: 'QN.CP', first: 1 })).unit.descendants.edges[0].node.code;
    const childId = await idOf(t.gql, child);
    const data = await scoped.data(`query($hl: ID!, $ids: [ID!]!) { other: node(id: $hl) { id } nodes(ids: $ids) { ... on OrgUnit { code } } }`, { hl, ids: [cp, hl, qn, childId] });
    expect(data).toEqual({ other: null, nodes: [{ code: 'QN.CP' }, null, null, { code: child }] });
  });

  test('search finds only units of its subtree; descendants of its unit are the same as for the admin', async () => {
    const outside = await search(scoped, 'ha long')({ first: 10 });
    expect(outside.totalCount).toBe(0);
    expect(outside.edges).toEqual([]);
    const subtree = new Set(['QN.CP', ...expectedDescendants('QN.CP', TODAY)]);
    const everywhere = expectedSearch('dang bo', TODAY);
    const expected = everywhere.filter((c) => subtree.has(c));
    expect(expected.length).toBeGreaterThan(1);
    expect(expected.length).toBeLessThan(everywhere.length);
    const own = await walk(search(scoped, 'đảng bộ'), 10);
    expect(own.forward).toEqual(expected);
    expect(own.backward).toEqual(expected);
    expect(own.total).toBe(expected.length);
    const mine = (await scoped.data(DESCENDANTS, { code: 'QN.CP', first: 30 })).unit.descendants;
    const admins = (await t.gql.data(DESCENDANTS, { code: 'QN.CP', first: 30 })).unit.descendants;
    expect(mine).toEqual(admins);
  });
});

// ---- Connections ----

describe('descendants', () => {
  test('paging forwards and backwards over the whole list gives the full ordered list; totalCount', async () => {
    const expected = expectedDescendants('QN.TY', TODAY);
    expect(expected.length).toBeGreaterThan(100);
    const fetch: Fetch = async (args) => (await t.gql.data(DESCENDANTS, { code: 'QN.TY', ...args })).unit.descendants;
    const { forward, backward, pages, total } = await walk(fetch, 40);
    expect(forward).toEqual(expected);
    expect(backward).toEqual(expected);
    expect(pages).toBe(Math.ceil(expected.length / 40));
    expect(total).toBe(expected.length);
    const count = (await t.gql.data(`{ unit(code: "QN.TY") { descendantCount } }`)).unit.descendantCount;
    expect(total).toBe(count);
  });

  test('on another day, the tree of that day (after the 2025 reform the cells moved to the new communes)', async () => {
    const day = '2025-08-01';
    const expected = expectedDescendants('QN.XA41', day);
    expect(expected.length).toBeGreaterThan(0);
    const fetch: Fetch = async (args) => (await t.gql.data(DESCENDANTS, { code: 'QN.XA41', asOf: day, ...args })).unit.descendants;
    const { forward, backward } = await walk(fetch, 7);
    expect(forward).toEqual(expected);
    expect(backward).toEqual(expected);
  });

  test('tier and kind filters keep the order and exactly the units of that tier or kind', async () => {
    const fetch = (extra: Record<string, string>): Fetch => async (args) => (await t.gql.data(DESCENDANTS, { code: 'QN.TY', ...extra, ...args })).unit.descendants;
    const all = await walk(fetch({}), 100);
    const tiers = [...new Set(all.tiers.values())];
    expect(tiers.length).toBeGreaterThan(1);
    let sum = 0;
    for (const tier of tiers) {
      const only = await walk(fetch({ tier }), 30);
      expect(only.forward).toEqual(all.forward.filter((c) => all.tiers.get(c) === tier));
      sum += only.total;
    }
    expect(sum).toBe(all.total);
    const cells = await fetch({ kind: 'CELL' })({ first: 100 });
    expect(cells.totalCount).toBeGreaterThan(0);
    expect(cells.totalCount).toBeLessThan(all.total);
    const none = await fetch({ kind: 'CELL', tier: 'GRASSROOTS' })({ first: 10 });
    expect(none.totalCount).toBe(0);
  });

  test('totalCount costs a statement only when asked for; the page itself one', async () => {
    const q = (fields: string) => `{ unit(code: "QN.TY") { descendants(first: 10) { ${fields} } } }`;
    const cost = async (query: string) => {
      const before = statementCounter.count;
      await t.gql.data(query);
      return statementCounter.count - before;
    };
    const base = await cost(q('edges { cursor }'));
    expect(await cost(q('edges { cursor } pageInfo { hasNextPage hasPreviousPage endCursor }'))).toBe(base);
    expect(await cost(q('edges { cursor } totalCount'))).toBe(base + 1);
  });
});

describe('connection arguments', () => {
  const run = (args: string) => t.gql.run(`{ unit(code: "QN.TY") { descendants(${args}) { totalCount } } }`);
  test.each([
    [`first: ${MAX_PAGE_SIZE + 1}`, 'first', new RegExp(`between 1 and ${MAX_PAGE_SIZE}`)],
    [`last: ${MAX_PAGE_SIZE + 1}`, 'last', new RegExp(`between 1 and ${MAX_PAGE_SIZE}`)],
    ['first: 0', 'first', /between 1/],
    ['first: -1', 'first', /between 1/],
    ['first: 5, last: 5', 'last', /both `first` and `last`/],
    ['first: 5, after: "bogus"', 'after', /not a valid cursor/],
    [`last: 5, before: "${Buffer.from('key:').toString('base64url')}"`, 'before', /not a valid cursor/],
    [`first: 5, after: "${toGlobalId('OrgUnit', 1)}"`, 'after', /not a valid cursor/],
  ])('%s is BAD_USER_INPUT naming the argument', async (args, argument, message) => {
    const result = await run(args);
    expect(result.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument });
    expect(result.errors?.[0].message).toMatch(message);
  });

  test(`exactly ${MAX_PAGE_SIZE} is allowed, and no argument gives a first page`, async () => {
    const full = (await t.gql.data(`{ unit(code: "QN.TY") { descendants(first: ${MAX_PAGE_SIZE}) { edges { cursor } } } }`)).unit.descendants;
    expect(full.edges).toHaveLength(MAX_PAGE_SIZE);
    const plain = (await t.gql.data(`{ unit(code: "QN.TY") { descendants { edges { cursor } pageInfo { hasNextPage } } } }`)).unit.descendants;
    expect(plain.edges).toEqual(full.edges.slice(0, plain.edges.length));
    expect(plain.pageInfo.hasNextPage).toBe(true);
  });

  test('cursors are opaque, and one from a page works after and before', async () => {
    const page = (await t.gql.data(DESCENDANTS, { code: 'QN.TY', first: 3 })).unit.descendants;
    const mid = page.edges[1];
    expect(mid.cursor).not.toContain(mid.node.code);
    const after = (await t.gql.data(DESCENDANTS, { code: 'QN.TY', first: 1, after: mid.cursor })).unit.descendants;
    const before = (await t.gql.data(DESCENDANTS, { code: 'QN.TY', last: 1, before: mid.cursor })).unit.descendants;
    expect(after.edges[0].node.code).toBe(page.edges[2].node.code);
    expect(before.edges[0].node.code).toBe(page.edges[0].node.code);
    expect(before.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: true });
  });
});

// ---- Search ----

describe('units(search)', () => {
  test('"ha long" finds "Đảng bộ thành phố Hạ Long"; with diacritics, upper case or decomposed (NFD) the same', async () => {
    const expected = expectedSearch('ha long', TODAY);
    expect(expected).toContain('QN.HL');
    const first = await search(t.gql, 'ha long')({ first: MAX_PAGE_SIZE });
    expect(first.edges.map((e) => e.node.code)).toEqual(expected.slice(0, MAX_PAGE_SIZE));
    expect(first.totalCount).toBe(expected.length);
    const hl = (await t.gql.data(`{ units(search: "ha long", first: 100) { edges { node { code name } } } }`)).units.edges.find((e: any) => e.node.code === 'QN.HL');
    expect(hl.node.name).toBe('Đảng bộ thành phố Hạ Long');
    for (const text of ['Hạ Long', 'HẠ LONG', 'hạ long', 'Hạ Long'.normalize('NFD'), '  ha   LONG ']) {
      expect((await search(t.gql, text)({ first: MAX_PAGE_SIZE })).edges.map((e) => e.node.code)).toEqual(first.edges.map((e) => e.node.code));
    }
  });

  test('"dang bo" finds the đ-words, every one of them, paged both ways', async () => {
    const expected = expectedSearch('dang bo', TODAY);
    expect(expected.length).toBeGreaterThan(MAX_PAGE_SIZE);
    const { forward, backward, total } = await walk(search(t.gql, 'dang bo'), MAX_PAGE_SIZE);
    expect(forward).toEqual(expected);
    expect(backward).toEqual(expected);
    expect(total).toBe(expected.length);
    const names = (await t.gql.data(`{ units(search: "ĐẢNG BỘ", first: 20) { nodes { name } } }`)).units.nodes.map((n: any) => n.name);
    expect(names.length).toBe(20);
    expect(names.every((n: string) => n.includes('Đảng bộ'))).toBe(true);
  });

  test('asOf searches the names of that day: the wards named Hạ Long exist only after the 2025 reform', async () => {
    const day = '2025-08-01';
    const expected = expectedSearch('ha long', day);
    expect(expected).not.toContain('QN.HL');
    expect(expected).toContain('QN.XA01');
    expect(expectedSearch('ha long', TODAY)).not.toContain('QN.XA01');
    const { forward, backward } = await walk(search(t.gql, 'ha long', day), 7);
    expect(forward).toEqual(expected);
    expect(backward).toEqual(expected);
    const before = await search(t.gql, 'phuong ha long')({ first: 10 });
    expect(before.totalCount).toBe(expectedSearch('phuong ha long', TODAY).length);
  });

  test('codes match too; words that match nothing find nothing; an empty or oversized search is refused', async () => {
    expect((await search(t.gql, 'qn.hl')({ first: 1 })).edges[0].node.code).toBe('QN.HL');
    expect((await search(t.gql, 'qn.hl')({ first: 1 })).totalCount).toBe(expectedSearch('qn.hl', TODAY).length);
    const none = await search(t.gql, 'xyzzy hạ')({ first: 5 });
    expect(none).toMatchObject({ totalCount: 0, edges: [], pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null } });
    // LIKE's wildcards are plain characters.
    expect((await search(t.gql, '%')({ first: 5 })).totalCount).toBe(expectedSearch('%', TODAY).length);
    for (const bad of ['   ', 'a'.repeat(201), Array.from({ length: 11 }, (_, i) => `w${i}`).join(' ')]) {
      const result = await t.gql.run(`query($s: String!) { units(search: $s) { totalCount } }`, { s: bad });
      expect(result.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'search' });
    }
  });

  test('the search reads the trigram indexes (EXPLAIN, sequential scans discouraged)', async () => {
    const em = t.db.orm.em.fork();
    const { sql, params } = searchQuery(TODAY, ['ha', 'long'], null);
    const conn = em.getConnection();
    const plan = await conn.transactional(async (trx) => {
      await conn.execute('set local enable_seqscan = off', [], 'all', trx);
      return conn.execute(`explain ${sql}`, params, 'all', trx);
    });
    const text = plan.map((r: any) => r['QUERY PLAN']).join('\n');
    expect(text).toContain('unit_versions_name_search');
    expect(text).toContain('units_code_search');
  });
});
