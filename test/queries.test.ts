/**
 * The persisted example queries of queries/ (GraphiQL opens each in a tab): every file documents itself (a header
 * comment naming each variable with its default), parses, validates against the schema, runs as is on the
 * reference data (default variables, the server's query limits) without errors, and returns the figures its header
 * claims: the published Quảng Ninh 2023 figures of reported_figures.csv, rows that add up to their totals, and year
 * rows equal to per-year rollups.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { Kind, parse, print, validate, type OperationDefinitionNode } from 'graphql';
import { getSchema } from '../src/schema';
import { persistedQueries, variableDefaults } from '../src/graphiql';
import { seedReference, useDatabase } from './harness';

const root = path.join(__dirname, '..');
const dir = path.join(root, 'queries');
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.graphql')).sort();
const source = (file: string) => fs.readFileSync(path.join(dir, file), 'utf8');

const t = useDatabase(seedReference);

/** Each file's answer with its default variables (run once). */
const answers = new Map<string, Promise<any>>();
const answer = (file: string): Promise<any> => {
  if (!answers.has(file)) answers.set(file, t.gql.data(source(file)));
  return answers.get(file)!;
};

interface Row {
  key: Record<string, any>;
  value: number;
  shareOfTotal?: number | null;
  numerator?: number;
  denominator?: number;
}
const sum = (rows: Row[]) => rows.reduce((n, r) => n + r.value, 0);

/** The published figures of the reference data (seeds/quang-ninh-2023/reported_figures.csv). */
const FIGURES: { unit_code: string; year: string; from_month: string; to_month: string; metric: string; value: string; percent: string; note: string }[] = parseCsv(
  fs.readFileSync(path.join(root, 'seeds/quang-ninh-2023/reported_figures.csv')),
  { columns: true },
);
const QN_2023 = FIGURES.filter((f) => f.unit_code === 'QN' && f.year === '2023' && f.from_month === '1' && f.to_month === '12');
const published = (metric: string) => {
  const figure = QN_2023.find((f) => f.metric === metric);
  if (!figure) throw new Error(`no published QN 2023 figure ${metric}`);
  return Number(figure.value);
};

test('queries/ holds the required queries, and its README lists exactly them', () => {
  expect(files).toEqual(
    expect.arrayContaining(['quang-ninh-2023-published-table.graphql', 'discipline-by-category-per-district.graphql', 'year-over-year.graphql']),
  );
  const readme = fs.readFileSync(path.join(dir, 'README.md'), 'utf8');
  const listed = [...new Set([...readme.matchAll(/([a-z0-9-]+\.graphql)/g)].map((m) => m[1]))].sort();
  expect(listed).toEqual(files);
  expect(fs.readdirSync(dir).sort()).toEqual([...files, 'README.md'].sort());
  // The project README's aggregate section points here, and every query file it names exists.
  const projectReadme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const section = projectReadme.slice(projectReadme.indexOf('## Analysts: aggregate'));
  expect(section).toContain('(queries/README.md)');
  for (const [, file] of section.matchAll(/queries\/([a-z0-9-]+\.graphql)/g)) expect(files).toContain(file);
});

describe.each(files)('%s', (file) => {
  test('has a header comment naming each variable with its default, and validates against the schema', async () => {
    const text = source(file);
    const document = parse(text);
    const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    expect(operations).toHaveLength(1);
    const [operation] = operations;
    expect(operation.operation).toBe('query');
    expect(operation.name?.value).toMatch(/^[A-Z][A-Za-z0-9]+$/); // the GraphiQL tab's title
    expect(validate(await getSchema(), document)).toEqual([]);

    const header = text.slice(0, text.search(/^(?!#)/m)).split('\n').filter(Boolean);
    expect(header.length).toBeGreaterThanOrEqual(3);
    expect(header.every((line) => line.startsWith('#'))).toBe(true);
    // Runs as is: every variable has a default, which the header states.
    for (const variable of operation.variableDefinitions ?? []) {
      const name = variable.variable.name.value;
      expect({ name, default: variable.defaultValue && print(variable.defaultValue) }).toEqual({ name, default: expect.any(String) });
      const line = header.find((l) => new RegExp(`^#\\s+\\$${name}: `).test(l));
      expect({ name, line }).toEqual({ name, line: expect.stringContaining(`${print(variable.type)} = ${print(variable.defaultValue!)} `) });
    }
    if (text.includes('aggregate(')) expect(header.join('\n')).toContain('ANALYST');
  });

  test('runs on the reference data with its default variables, every top-level field answering', async () => {
    const result = await t.gql.run(source(file));
    expect(result.errors).toBeUndefined();
    expect(Object.keys(result.data).length).toBeGreaterThan(0);
    for (const value of Object.values(result.data)) expect(value).not.toBeNull();
  });
});

test('GraphiQL opens every file of queries/, with its default variables', () => {
  const tabs = persistedQueries();
  expect(tabs.map((q) => q.file)).toEqual(files);
  for (const tab of tabs) {
    expect(tab.query).toBe(source(tab.file));
    expect(JSON.parse(tab.variables)).toEqual(variableDefaults(tab.query));
  }
  expect(JSON.parse(tabs.find((q) => q.file === 'year-over-year.graphql')!.variables)).toEqual({ root: 'QN', fromYear: 2022, toYear: 2024 });
});

test('the published-table query returns every published Quảng Ninh 2023 full-year figure', async () => {
  const data = await answer('quang-ninh-2023-published-table.graphql');
  const byKey = (result: { rows: Row[] }, field: string, value: string) => {
    const matches = result.rows.filter((r) => (field === 'category' ? r.key.category?.code : r.key[field]) === value);
    expect(matches).toHaveLength(1);
    return matches[0];
  };
  const membersOf: Record<string, any> = { PARTY_COMMITTEES: data.partyCommitteesMembersByCategory, INSPECTION_COMMISSIONS: data.inspectionCommissionsMembersByCategory };
  /** The query's number for each metric code (a metric without a reader fails the test). */
  const read = (metric: string): number => {
    const parts = metric.split('.');
    if (metric === 'DOCUMENTS_DIRECTIVES') return data.documents.rollup.documents.directives;
    if (metric === 'DOCUMENTS_GUIDANCE') return data.documents.rollup.documents.guidance;
    if (metric === 'CAMPAIGNS_PROGRAMMED') return data.campaignsProgrammed.total;
    if (metric === 'CAMPAIGNS_ARISING') return data.campaignsArising.total;
    if (metric === 'DISCIPLINED_MEMBERS') return data.membersByCategory.total;
    if (parts[0] === 'CAMPAIGNS_COMPLETED' && parts[1] === 'TIER' && parts.length === 3) return byKey(data.campaignsCompletedByTier, 'tier', parts[2]).value;
    if (parts[0] === 'DISCIPLINED_ORGANIZATIONS' && parts[1] === 'AUTHORITY' && parts.length === 3) return byKey(data.organizationsByAuthority, 'authority', parts[2]).value;
    if (parts[0] === 'DISCIPLINED_MEMBERS' && parts[1] === 'AUTHORITY' && parts.length === 3) return membersOf[parts[2]].total;
    if (parts[0] === 'DISCIPLINED_MEMBERS' && parts[1] === 'AUTHORITY' && parts[3] === 'CATEGORY' && parts.length === 5) {
      return byKey(membersOf[parts[2]], 'category', parts[4]).value;
    }
    throw new Error(`the published-table query has no figure for ${metric}`);
  };
  expect(QN_2023.length).toBeGreaterThanOrEqual(13);
  const figures = QN_2023.map((f) => ({ metric: f.metric, value: read(f.metric) }));
  expect(figures).toEqual(QN_2023.map((f) => ({ metric: f.metric, value: Number(f.value) })));

  // The shares: the party committees' 68 of 323 is the printed 21.1%; the inspection commissions' 15 of 76 is
  // 19.7% (the article prints 21.1%: the reconciliation reports it); 83 of all 399 is 20.8%.
  const pct = (row: Row) => Math.round(row.shareOfTotal! * 1000) / 10;
  const pcCommittee = byKey(data.partyCommitteesMembersByCategory, 'category', 'COMMITTEE_MEMBER');
  expect(pct(pcCommittee)).toBe(Number(QN_2023.find((f) => f.metric === 'DISCIPLINED_MEMBERS.AUTHORITY.PARTY_COMMITTEES.CATEGORY.COMMITTEE_MEMBER')!.percent));
  expect(pct(byKey(data.inspectionCommissionsMembersByCategory, 'category', 'COMMITTEE_MEMBER'))).toBe(19.7);
  expect(pct(byKey(data.membersByCategory, 'category', 'COMMITTEE_MEMBER'))).toBe(20.8);
  expect(byKey(data.membersByCategory, 'category', 'COMMITTEE_MEMBER').value).toBe(83);
  // The null-category row (members in no category) comes last.
  expect(data.membersByCategory.rows.at(-1)).toMatchObject({ key: { category: null }, value: 399 - 83 });
  // Totals agree with the rollup's: the documents' split adds up, the tiers partition the completed campaigns.
  expect(data.documents.rollup.documents.total).toBe(published('DOCUMENTS_DIRECTIVES') + published('DOCUMENTS_GUIDANCE'));
  expect(sum(data.campaignsCompletedByTier.rows)).toBe(data.campaignsCompletedByTier.total);
  expect(data.campaignsCompletedByTier.total).toBe(40 + 369 + 3142);
});

test('the per-district query: one row per child and category, the members per district adding up to the total', async () => {
  const { byCategory, membersPerDistrict } = await answer('discipline-by-category-per-district.graphql');
  const drill = await t.gql.data(`{ unit(code: "QN", asOf: "2023-12-31") { children { code name rollup(period: { year: 2023 }) {
    discipline { members membersByCategory { category { code } count } } } } } }`);
  const children: any[] = drill.unit.children;
  const categories: string[] = (await t.gql.data('{ cadreCategories { code } }')).cadreCategories.map((c: { code: string }) => c.code);
  expect(children).toHaveLength(20);

  // membersPerDistrict: the null unit row (the province's own facts: none) first, then each child by code; they add up.
  expect(membersPerDistrict.total).toBe(published('DISCIPLINED_MEMBERS'));
  expect(membersPerDistrict.rows.map((r: Row) => r.key.unit?.code ?? null)).toEqual([null, ...children.map((c) => c.code)]);
  expect(membersPerDistrict.rows[0].value).toBe(0);
  expect(sum(membersPerDistrict.rows)).toBe(membersPerDistrict.total);
  expect(membersPerDistrict.rows.slice(1).map((r: Row) => [r.key.unit.code, r.key.unit.name, r.value])).toEqual(
    children.map((c) => [c.code, c.name, c.rollup.discipline.members]),
  );

  // byCategory: every (unit, category) combination, the null category last in each unit, each equal to the rollup's.
  expect(byCategory.total).toBe(membersPerDistrict.total);
  expect(byCategory.rows.map((r: Row) => [r.key.unit?.code ?? null, r.key.category?.code ?? null])).toEqual(
    [null, ...children.map((c) => c.code)].flatMap((unit) => [...categories, null].map((category) => [unit, category])),
  );
  for (const row of byCategory.rows as Row[]) {
    expect(row).toMatchObject({ numerator: row.value, denominator: byCategory.total, shareOfTotal: row.value / byCategory.total });
    if (!row.key.unit || !row.key.category) continue;
    const child = children.find((c) => c.code === row.key.unit.code);
    const expected = child.rollup.discipline.membersByCategory.find((m: any) => m.category.code === row.key.category.code).count;
    expect({ unit: row.key.unit.code, category: row.key.category.code, value: row.value }).toEqual({ unit: row.key.unit.code, category: row.key.category.code, value: expected });
  }
  // No disciplined member of the reference data is in two categories, so each unit's category rows (with the
  // null-category row) add up to its members, and all the rows to the total.
  const discipline: { categories: string }[] = parseCsv(fs.readFileSync(path.join(root, 'seeds/quang-ninh-2023/discipline.csv')), { columns: true });
  expect(discipline.filter((d) => d.categories.includes(';'))).toEqual([]);
  for (const perUnit of membersPerDistrict.rows as Row[]) {
    const rows = byCategory.rows.filter((r: Row) => (r.key.unit?.code ?? null) === (perUnit.key.unit?.code ?? null));
    expect({ unit: perUnit.key.unit?.code ?? null, sum: sum(rows) }).toEqual({ unit: perUnit.key.unit?.code ?? null, sum: perUnit.value });
  }
  expect(sum(byCategory.rows)).toBe(byCategory.total);
  expect(sum(byCategory.rows.filter((r: Row) => r.key.category?.code === 'COMMITTEE_MEMBER'))).toBe(83);
});

test('the year-over-year rows equal the per-year rollups, and the series the same counts', async () => {
  const data = await answer('year-over-year.graphql');
  const years = [2022, 2023, 2024];
  expect(data.campaigns.rows.map((r: Row) => r.key.year)).toEqual(years);
  expect(data.disciplinedMembers.rows.map((r: Row) => [r.key.year, r.key.authority])).toEqual(
    years.flatMap((y) => [[y, 'PARTY_COMMITTEES'], [y, 'INSPECTION_COMMISSIONS']]),
  );
  const perYear = await t.gql.data(`{ unit(code: "QN") { ${years.map((y) => `y${y}: rollup(period: { year: ${y} }) {
    campaigns { total } discipline { members byAuthority { authority members } } }`).join(' ')} } }`);
  for (const year of years) {
    const rollup = perYear.unit[`y${year}`];
    expect({ year, campaigns: data.campaigns.rows.find((r: Row) => r.key.year === year).value }).toEqual({ year, campaigns: rollup.campaigns.total });
    for (const { authority, members } of rollup.discipline.byAuthority) {
      const row = data.disciplinedMembers.rows.find((r: Row) => r.key.year === year && r.key.authority === authority);
      expect({ year, authority, members: row.value }).toEqual({ year, authority, members });
    }
    const entry = data.series.rollupSeries.find((e: any) => e.year === year);
    const change = (metric: string) => entry.changes.find((c: any) => c.metric === metric).value;
    expect({ year, campaigns: change('CAMPAIGNS_TOTAL'), members: change('DISCIPLINED_MEMBERS') }).toEqual({
      year,
      campaigns: rollup.campaigns.total,
      members: rollup.discipline.members,
    });
  }
  // The reference data holds 2023 only: its campaigns (25 programmed + 16 arising + 369 + 3,142) and members.
  expect(data.campaigns.rows.map((r: Row) => r.value)).toEqual([0, 25 + 16 + 369 + 3142, 0]);
  expect(data.campaigns.total).toBe(sum(data.campaigns.rows));
  expect(data.disciplinedMembers.total).toBe(published('DISCIPLINED_MEMBERS'));
  expect(sum(data.disciplinedMembers.rows)).toBe(data.disciplinedMembers.total);
});

test('the inspection-commission query counts only the inspection commissions', async () => {
  const { membersByForm, membersByCategory, organizationsByForm } = await answer('inspection-commission-discipline.graphql');
  expect(membersByForm.total).toBe(published('DISCIPLINED_MEMBERS.AUTHORITY.INSPECTION_COMMISSIONS'));
  expect(sum(membersByForm.rows)).toBe(membersByForm.total);
  // The source states no form: every member is UNSPECIFIED.
  expect(membersByForm.rows.filter((r: Row) => r.value > 0).map((r: Row) => r.key.form)).toEqual(['UNSPECIFIED']);
  const committee = membersByCategory.rows.find((r: Row) => r.key.category?.code === 'COMMITTEE_MEMBER');
  expect(committee.value).toBe(published('DISCIPLINED_MEMBERS.AUTHORITY.INSPECTION_COMMISSIONS.CATEGORY.COMMITTEE_MEMBER'));
  expect(committee.shareOfTotal).toBeCloseTo(15 / 76, 12);
  expect(organizationsByForm.total).toBe(0);
  expect(organizationsByForm.rows.every((r: Row) => r.value === 0 && r.shareOfTotal === null)).toBe(true);
});

test('the campaigns-by-district query: the tiers give the published figures, the rows add up to the total', async () => {
  const { aggregate } = await answer('campaigns-completed-by-district-and-tier.graphql');
  const rows: Row[] = aggregate.rows;
  expect(sum(rows)).toBe(aggregate.total);
  for (const tier of ['PROVINCIAL', 'DISTRICT', 'GRASSROOTS']) {
    expect({ tier, value: sum(rows.filter((r) => r.key.tier === tier)) }).toEqual({ tier, value: published(`CAMPAIGNS_COMPLETED.TIER.${tier}`) });
  }
  // The province's own campaigns are the null unit row (first), all provincial; no district's subtree has any.
  expect(rows.filter((r) => r.key.unit === null && r.value > 0).map((r) => [r.key.tier, r.value])).toEqual([['PROVINCIAL', published('CAMPAIGNS_COMPLETED.TIER.PROVINCIAL')]]);
  expect(rows[0].key.unit).toBeNull();
  expect(rows.filter((r) => r.key.unit !== null && r.key.tier === 'PROVINCIAL').every((r) => r.value === 0)).toBe(true);
});
