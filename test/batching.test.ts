/**
 * Batching: the rollups and children of 1,111 units on 4 levels cost a fixed number of SQL statements:
 * one per level and field, never one per unit.
 */
import { statementCounter } from '../src/db';
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
