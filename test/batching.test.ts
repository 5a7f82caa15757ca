/**
 * Batching: the rollups and children of 1,111 units on 4 levels cost a fixed number of SQL statements:
 * one per level and field, never one per unit.
 */
import { Kind, parse, type FieldNode, type FragmentDefinitionNode, type GraphQLResolveInfo, type OperationDefinitionNode } from 'graphql';
import { createContext } from '../src/context';
import { statementCounter } from '../src/db';
import { prefetchRollups } from '../src/rollup/prefetch';
import { getSchema } from '../src/schema';
import { importFiles, useDatabase } from './harness';


/** 1 root → 10 district committees → 100 grassroots committees → 1,000 cells, with one campaign and one action each. */
function tree(fanout: number, R = 'R') {
  const units = ['code,parent_code,name,kind', `${R},,Tỉnh ủy Gốc ${R},PROVINCIAL_COMMITTEE`];
  const campaigns = ['unit_code,year,month,status'];
  const discipline = ['unit_code,year,body,subject,categories'];
  for (let d = 0; d < fanout; d++) {
    units.push(`${R}.${d},${R},Huyện ủy số ${d},DISTRICT_COMMITTEE`);
    for (let g = 0; g < fanout; g++) {
      units.push(`${R}.${d}.${g},${R}.${d},Đảng ủy xã số ${g},GRASSROOTS_COMMITTEE`);
      for (let c = 0; c < fanout; c++) {
        const code = `${R}.${d}.${g}.${c}`;
        units.push(`${code},${R}.${d}.${g},Chi bộ thôn số ${c},CELL`);
        campaigns.push(`${code},2024,${1 + (c % 12)},COMPLETED`);
        discipline.push(`${code},2024,PARTY_CELL,MEMBER,${c % 2 ? 'CM' : ''}`);
      }
    }
  }
  return {
    'units.csv': units.join('\n'),
    'cadre_categories.csv': 'code,name\nCM,Cấp ủy viên',
    'campaigns.csv': campaigns.join('\n'),
    'discipline.csv': discipline.join('\n'),
  };
}

const t = useDatabase(async (orm) => {
  await importFiles(orm, tree(10));
  const small = tree(3, 'S');
  await importFiles(orm, { 'units.csv': small['units.csv'], 'campaigns.csv': small['campaigns.csv'] });
});

const LEVEL = (inner: string) => `code descendantCount rollup(period: { year: 2024 }) {
  campaigns { total completed byTier { tier total } }
  discipline { members membersByCategory { category { code } count percent } }
  documents { total } } ${inner}`;
const QUERY = `{ unit(code: "R") { ${LEVEL(`children { ${LEVEL(`children { ${LEVEL(`children { ${LEVEL('')} }`)} }`)} }`)} } }`;

async function countStatements(query: string) {
  const before = statementCounter.count;
  const result = await t.gql.data(query);
  return { statements: statementCounter.count - before, result };
}

test('4 levels, 1,111 units, 3 rollup sections and descendant counts: a fixed number of statements', async () => {
  const { statements, result } = await countStatements(QUERY);
  const root = result.unit;
  expect(root.children).toHaveLength(10);
  const cells = root.children.flatMap((d: any) => d.children.flatMap((g: any) => g.children));
  expect(cells).toHaveLength(1000);
  expect(root.rollup.campaigns.total).toBe(1000);
  expect(root.rollup.discipline.members).toBe(1000);
  expect(root.rollup.discipline.membersByCategory).toEqual([{ category: { code: 'CM' }, count: 500, percent: 50 }]);
  expect(root.children[3].rollup.campaigns.total).toBe(100);
  expect(cells.every((c: any) => c.rollup.campaigns.total === 1 && c.descendantCount === 0)).toBe(true);
  // Per level: campaigns, discipline, documents, descendant counts; per level below the root: children.
  // Plus the root unit by code (its versions, to pick the day; then the unit on that day) and the cadre
  // categories once: 4 × 4 + 3 + 3 = 22.
  expect(statements).toBe(22);
});

test('the count does not grow with the number of units: 40 units cost what 1,111 cost', async () => {
  const small = await countStatements(QUERY.replace('"R"', '"S"'));
  const large = await countStatements(QUERY);
  expect(small.result.unit.children.flatMap((d: any) => d.children.flatMap((g: any) => g.children))).toHaveLength(27);
  expect(small.result.unit.rollup.campaigns.total).toBe(27);
  expect(large.statements).toBe(small.statements);
});

describe('rollups of a list asked for as soon as the list is known (src/rollup/prefetch.ts)', () => {
  /** The `children` field of `unit(code: "R") { children … }` in `query`, as a resolver's info would show it. */
  async function childrenInfo(query: string, variableValues: Record<string, unknown> = {}): Promise<GraphQLResolveInfo> {
    const document = parse(query);
    const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
    const fragments = Object.fromEntries(
      document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]),
    );
    const unitNode = operation.selectionSet.selections[0] as FieldNode;
    const childrenNode = unitNode.selectionSet!.selections.find((s): s is FieldNode => s.kind === Kind.FIELD && s.name.value === 'children')!;
    return { schema: await getSchema(), fragments, operation, variableValues, fieldNodes: [childrenNode] } as unknown as GraphQLResolveInfo;
  }

  /** Prefetches for R's districts; returns the statements it caused and those the rollups then cost through the loaders. */
  async function prefetch(query: string, variables?: Record<string, unknown>) {
    const ctx = await createContext(t.db.orm);
    await ctx.prepare();
    const r = (await ctx.org.unitByCodeOn('R', '2024-12-31'))!;
    const districts = await ctx.org.childrenOn(r.id, r.asOf);
    const before = statementCounter.count;
    await prefetchRollups(ctx, await childrenInfo(query, variables), districts);
    const prefetched = statementCounter.count - before;
    const request = { period: { year: 2024, fromMonth: 1, toMonth: 12 }, asOf: null };
    const campaigns = await Promise.all(districts.map((d) => ctx.rollup.campaigns({ ...request, unitId: d.id })));
    const documents = await Promise.all(districts.map((d) => ctx.rollup.documents({ ...request, unitId: d.id })));
    return { prefetched, after: statementCounter.count - before - prefetched, campaigns: campaigns.map((c) => c.total), documents };
  }

  test('the sections a rollup selects, once for all units, before any rollup field is resolved; the fields then find them', async () => {
    const asked = await prefetch(`{ unit(code: "R") { children { code rollup(period: { year: 2024 }) { campaigns { total } } } } }`);
    expect(asked).toMatchObject({ prefetched: 1, after: 1 }); // campaigns prefetched; documents (not selected) loaded after
    expect(asked.campaigns).toEqual(Array(10).fill(100));
    // Through a variable, a fragment and an inline fragment: campaigns and documents.
    const both = await prefetch(
      `query Q($p: PeriodInput!) { unit(code: "R") { children { ...F ... on OrgUnit { rollup(period: $p) { documents { total } } } } } }
       fragment F on OrgUnit { rollup(period: $p) { campaigns { total } } }`,
      { p: { year: 2024 } },
    );
    expect(both).toMatchObject({ prefetched: 2, after: 0 });
    expect(both.campaigns).toEqual(Array(10).fill(100));
  });

  test('nothing is prefetched for a rollup under a directive, of another period, or with an invalid period', async () => {
    for (const query of [
      `{ unit(code: "R") { children { rollup(period: { year: 2024 }) @include(if: true) { campaigns { total } } } } }`,
      `{ unit(code: "R") { children { rollup(period: { year: 2024, fromMonth: 13 }) { campaigns { total } } } } }`,
      `{ unit(code: "R") { children { rollup(period: { year: 2024 }) { __typename } } } }`,
    ]) {
      expect(await prefetch(query)).toMatchObject({ prefetched: 0, after: 2 });
    }
    // Another period: prefetched, and the whole year's rollups are still asked for afterwards.
    expect(await prefetch(`{ unit(code: "R") { children { rollup(period: { year: 2024, toMonth: 6 }) { campaigns { total } } } } }`)).toMatchObject({
      prefetched: 1,
      after: 2,
    });
  });

  test('through GraphQL: the same answers and statements as each unit asked alone would give', async () => {
    const page = `{ unit(code: "R") { children { code rollup(period: { year: 2024 }) { campaigns { total } discipline { members } }
      children { code rollup(period: { year: 2024, fromMonth: 1, toMonth: 6 }) { campaigns { total } } } } } }`;
    const { statements, result } = await countStatements(page);
    // The unit by code (its versions, then the unit that day), two levels of children, the sections (level 1: campaigns
    // and discipline, with the cadre categories; level 2: campaigns of the first half).
    expect(statements).toBe(2 + 2 + 3 + 1);
    const directive = await countStatements(page.replace(/\) \{ campaigns/g, ') @include(if: true) { campaigns'));
    expect(directive.result).toEqual(result);
    expect(directive.statements).toBe(statements);
    const g = result.unit.children[2].children[4];
    const alone = await t.gql.data(`{ unit(code: "${g.code}") { rollup(period: { year: 2024, toMonth: 6 }) { campaigns { total } } } }`);
    expect(g.rollup).toEqual(alone.unit.rollup);
    expect(g.rollup.campaigns.total).toBe(6); // its cells' campaigns of months 1–6
  });
});
