/**
 * `kiemtra generate`: the small scale imports through the real importer with no error, and what is stored (rows,
 * category links, the root's rollup of every year) is what the generator says it wrote; the same seed writes
 * byte-identical files, another seed other files; the tree is ragged and hierarchical, its names keep their
 * diacritics; the fact distributions have the shapes asked for; bad arguments and foreign folders are refused.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { generateDataset, GENERATED_FILES, GenerateError, parseGenerateArgs, prepareTargetDir, type GenerateSummary } from '../src/generate';
import { importDataset } from '../src/import';
import { createTestDb, useDatabase } from './harness';

const BIN = path.join(__dirname, '..', 'bin', 'kiemtra.js');
const SEED = 20240601;
const t = useDatabase();
let dir: string;
let summary: GenerateSummary;

const created: string[] = [];
const tempDir = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'kiemtra-generate-'));
  created.push(d);
  return d;
};
afterAll(() => {
  for (const d of created) fs.rmSync(d, { recursive: true, force: true });
});
const hashes = (d: string) => Object.fromEntries(GENERATED_FILES.map((f) => [f, createHash('sha256').update(fs.readFileSync(path.join(d, f))).digest('hex')]));
const readCsv = (file: string): Record<string, string>[] => parse(fs.readFileSync(path.join(dir, file)), { columns: true });

beforeAll(async () => {
  dir = tempDir();
  summary = await generateDataset({ scale: 'small', fromYear: 2014, toYear: 2024, seed: SEED, dir });
});

test('the small scale has the documented size and is written in a few seconds', () => {
  expect(summary.units).toBeGreaterThanOrEqual(1000);
  expect(summary.units).toBeLessThanOrEqual(3000);
  const factRows = Object.values(summary.facts).reduce((a, b) => a + b, 0);
  expect(factRows).toBeGreaterThanOrEqual(20_000);
  expect(factRows).toBeLessThanOrEqual(40_000);
  expect(summary.elapsedMs).toBeLessThan(10_000);
  expect(fs.readdirSync(dir).sort()).toEqual([...GENERATED_FILES].sort());
});

test('the real importer takes it with no error, and stores exactly what the generator wrote', async () => {
  const report = await importDataset(t.db.orm, dir);
  expect(report.files['units.csv']).toMatchObject({ rows: summary.units, created: summary.units });
  expect(report.files['cadre_categories.csv']).toMatchObject({ created: summary.categories });
  for (const file of ['campaigns.csv', 'discipline.csv', 'documents.csv'] as const) {
    expect(report.files[file]).toMatchObject({ rows: summary.facts[file], created: summary.facts[file], updated: 0, unchanged: 0 });
  }

  const count = async (sql: string) => Number((await t.db.orm.em.fork().getConnection().execute(sql))[0].n);
  expect(await count('select count(*) as n from units')).toBe(summary.units);
  expect(await count('select count(*) as n from cadre_categories')).toBe(summary.categories);
  expect(await count('select count(*) as n from campaigns')).toBe(summary.facts['campaigns.csv']);
  expect(await count('select count(*) as n from disciplinary_actions')).toBe(summary.facts['discipline.csv']);
  expect(await count('select count(*) as n from documents')).toBe(summary.facts['documents.csv']);
  expect(await count('select count(*) as n from disciplinary_action_categories')).toBe(summary.categoryLinks);
  expect(await count('select coalesce(sum(quantity), 0) as n from campaigns')).toBe(summary.quantities['campaigns.csv']);

  // Every fact is under the root: its rollup of each year is the generator's sum of quantities for that year.
  const data = await t.gql.data(`{
    unit(code: "TW") {
      rollupSeries(fromYear: 2014, toYear: 2024) {
        year
        rollup { campaigns { total } discipline { members organizations } documents { total } }
      }
    }
  }`);
  const computed = data.unit.rollupSeries.map((e: any) => ({
    year: e.year,
    campaigns: e.rollup.campaigns.total,
    members: e.rollup.discipline.members,
    organizations: e.rollup.discipline.organizations,
    documents: e.rollup.documents.total,
  }));
  expect(computed).toEqual(Object.entries(summary.byYear).map(([year, totals]) => ({ year: Number(year), ...totals })));

  // Diacritics survive the round trip: the stored names are the file's, byte for byte.
  const units = readCsv('units.csv');
  const sample = units.filter((_, i) => i % 97 === 0);
  for (const u of sample) {
    const shown = await t.gql.data(`query ($code: String!) { unit(code: $code) { name kind parent { code } } }`, { code: u.code });
    expect(shown.unit).toEqual({ name: u.name, kind: u.kind, parent: u.parent_code === '' ? null : { code: u.parent_code } });
  }
});

test('the same seed writes byte-identical files; another seed writes other files', async () => {
  const same = tempDir();
  await generateDataset({ scale: 'small', fromYear: 2014, toYear: 2024, seed: SEED, dir: same });
  expect(hashes(same)).toEqual(hashes(dir));

  const other = tempDir();
  await generateDataset({ scale: 'small', fromYear: 2014, toYear: 2024, seed: SEED + 1, dir: other });
  const [a, b] = [hashes(dir), hashes(other)];
  for (const file of ['units.csv', 'campaigns.csv', 'discipline.csv', 'documents.csv'] as const) expect(b[file]).not.toBe(a[file]);
  expect(b['cadre_categories.csv']).toBe(a['cadre_categories.csv']); // a fixed taxonomy
});

test('the tree is one rooted, ragged, hierarchical tree with Vietnamese names', () => {
  const units = readCsv('units.csv');
  const byCode = new Map(units.map((u) => [u.code, u]));
  expect(byCode.size).toBe(units.length); // codes are unique
  const roots = units.filter((u) => u.parent_code === '');
  expect(roots.map((u) => [u.code, u.kind])).toEqual([['TW', 'CENTRAL_COMMITTEE']]);
  for (const u of units.filter((x) => x.parent_code !== '')) {
    expect(byCode.has(u.parent_code)).toBe(true);
    // Hierarchical codes: a child's code extends its parent's (provinces hang from the root by their own code).
    if (u.parent_code !== 'TW') expect(u.code.startsWith(`${u.parent_code}.`)).toBe(true);
  }
  const kindOf = (code: string) => byCode.get(code)!.kind;
  const depth = (code: string): number => (byCode.get(code)!.parent_code === '' ? 0 : 1 + depth(byCode.get(code)!.parent_code));
  const grassroots = units.filter((u) => u.kind === 'GRASSROOTS_COMMITTEE' || u.kind === 'GRASSROOTS_CELL');
  // Ragged: some grassroots organizations sit directly under a province, most under a district-level committee…
  expect(grassroots.some((u) => kindOf(u.parent_code) === 'PROVINCIAL_COMMITTEE')).toBe(true);
  expect(grassroots.filter((u) => depth(u.code) === 3).length).toBeGreaterThan(grassroots.length / 2);
  // …and cells are at depth 3, 4 or 5 (under a grassroots committee directly or through a sub-committee).
  const cellDepths = new Set(units.filter((u) => u.kind === 'CELL').map((u) => depth(u.code)));
  expect([...cellDepths].sort()).toEqual([3, 4, 5]);
  expect(units.some((u) => u.kind === 'CELL' && kindOf(u.parent_code) === 'SUB_COMMITTEE')).toBe(true);
  // Every kind of the format is used.
  expect(new Set(units.map((u) => u.kind))).toEqual(
    new Set(['CENTRAL_COMMITTEE', 'PROVINCIAL_COMMITTEE', 'DISTRICT_COMMITTEE', 'TOWN_COMMITTEE', 'CITY_COMMITTEE', 'DIRECT_COMMITTEE', 'GRASSROOTS_COMMITTEE', 'GRASSROOTS_CELL', 'SUB_COMMITTEE', 'CELL']),
  );
  for (const u of units) expect(u.name).toBe(u.name.normalize('NFC'));
  expect(units.filter((u) => /^Đảng bộ (xã|phường|thị trấn) \p{Lu}/u.test(u.name)).length).toBeGreaterThan(50);
  expect(units.filter((u) => /^Chi bộ (thôn|xóm|bản|ấp|buôn|khu phố|tổ dân phố|khu) /.test(u.name)).length).toBeGreaterThan(200);
  expect(units.some((u) => /[ảạăắằẳẵặâấầẩẫậđẻẽẹêếềểễệỉĩịỏọôốồổỗộơớờởỡợủũụưứừửữựỳỷỹỵ]/.test(u.name))).toBe(true);
});

test('facts have skewed counts, quantities mostly 1, unstated dimensions and 0–3 categories', () => {
  const campaigns = readCsv('campaigns.csv');
  const discipline = readCsv('discipline.csv');
  const documents = readCsv('documents.csv');
  const all = [...campaigns, ...discipline, ...documents];

  const perUnit = new Map<string, number>();
  for (const r of all) perUnit.set(r.unit_code, (perUnit.get(r.unit_code) ?? 0) + 1);
  const counts = [...perUnit.values()].sort((a, b) => a - b);
  const median = counts[Math.floor(counts.length / 2)];
  expect(counts[counts.length - 1]).toBeGreaterThan(20 * median); // a heavy tail
  // Higher tiers run more campaigns: the root more than any province, a province more than the median unit.
  const campaignsOf = (code: string) => campaigns.filter((r) => r.unit_code === code).length;
  const provinces = readCsv('units.csv').filter((u) => u.kind === 'PROVINCIAL_COMMITTEE');
  for (const p of provinces) expect(campaignsOf('TW')).toBeGreaterThan(campaignsOf(p.code));
  expect(Math.min(...provinces.map((p) => campaignsOf(p.code)))).toBeGreaterThan(5 * median);

  const share = (rows: Record<string, string>[], test: (r: Record<string, string>) => boolean) => rows.filter(test).length / rows.length;
  expect(share(all, (r) => r.quantity === '1')).toBeGreaterThan(0.75);
  expect(Math.max(...all.map((r) => Number(r.quantity)))).toBeGreaterThan(20);
  expect(share(all, (r) => r.month === '')).toBeGreaterThan(0.03);
  expect(share(campaigns, (r) => r.body === '')).toBeGreaterThan(0.03);
  expect(share(discipline, (r) => r.form === '')).toBeGreaterThan(0.01);
  expect(new Set(campaigns.map((r) => r.status))).toEqual(new Set(['PLANNED', 'IN_PROGRESS', 'COMPLETED', 'CANCELLED']));
  expect(new Set(campaigns.map((r) => r.origin))).toEqual(new Set(['PROGRAMMED', 'ARISING', '']));
  expect(new Set(discipline.map((r) => r.subject))).toEqual(new Set(['MEMBER', 'ORGANIZATION']));
  const categoryCounts = new Set(discipline.map((r) => (r.categories === '' ? 0 : r.categories.split(';').length)));
  expect([...categoryCounts].sort()).toEqual([0, 1, 2, 3]);
  expect(discipline.every((r) => r.subject === 'MEMBER' || r.categories === '')).toBe(true);
  expect(new Set(documents.map((r) => r.kind))).toEqual(new Set(['DIRECTIVE', 'GUIDANCE']));
  expect(new Set(all.map((r) => r.year))).toEqual(new Set(Array.from({ length: 11 }, (_, i) => String(2014 + i))));
});

test('arguments are checked, and only an empty folder or an earlier run\'s is written', async () => {
  expect(parseGenerateArgs({ scale: 'national', years: '2014-2024', seed: '7' })).toEqual({ value: { scale: 'national', fromYear: 2014, toYear: 2024, seed: 7 } });
  expect(parseGenerateArgs({ scale: 'small', years: '2023', seed: '0' })).toEqual({ value: { scale: 'small', fromYear: 2023, toYear: 2023, seed: 0 } });
  const error = (scale: string, years: string, seed: string) => (parseGenerateArgs({ scale, years, seed }) as { error: string }).error;
  expect(error('huge', '2014-2024', '1')).toBe('--scale: unknown scale "huge" (scales: small, province, national)');
  expect(error('small', '2014–2024', '1')).toMatch(/^--years must be a year or a range of years such as 2014-2024/);
  expect(error('small', '2024-2014', '1')).toMatch(/^--years: 2024-2014 runs backwards/);
  expect(error('small', '1900-2000', '1')).toBe('--years: 1900 is outside 1930–2100');
  expect(error('small', '2014-2024', '1.5')).toMatch(/^--seed must be a whole number/);
  expect(error('small', '2014-2024', '-1')).toMatch(/^--seed must be a whole number/);

  const foreign = tempDir();
  fs.writeFileSync(path.join(foreign, 'notes.txt'), 'mine');
  expect(() => prepareTargetDir(foreign)).toThrow(GenerateError);
  expect(() => prepareTargetDir(foreign)).toThrow(/is not empty: it holds notes\.txt/);
  expect(() => prepareTargetDir(dir)).not.toThrow(); // only the generator's files: may be written over
  await expect(generateDataset({ scale: 'small', fromYear: 2014, toYear: 2024, seed: 1.5, dir: tempDir() })).rejects.toThrow(GenerateError);

  // The command line: a clear error and exit 1; a run writes what the library writes.
  const run = (...args: string[]) => spawnSync(process.execPath, [BIN, 'generate', ...args], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  const bad = run('--scale', 'huge', tempDir());
  expect(bad.status).toBe(1);
  expect(bad.stderr).toBe('error: --scale: unknown scale "huge" (scales: small, province, national)\n');
  expect(run(foreign).stderr).toMatch(/^error: .* is not empty: it holds notes\.txt/);
  const viaCli = path.join(tempDir(), 'new-folder');
  const ok = run('--scale', 'small', '--years', '2014-2024', '--seed', String(SEED), viaCli);
  expect(ok.status).toBe(0);
  expect(ok.stdout).toMatch(new RegExp(`units\\.csv\\s+${summary.units} rows`));
  expect(hashes(viaCli)).toEqual(hashes(dir));
});

test('as a bulk load (secondary indexes dropped and built again) it stores the same, and the indexes are as before', async () => {
  const db = await createTestDb();
  try {
    const sql = (text: string) => db.orm.em.fork().getConnection().execute(text) as Promise<Record<string, any>[]>;
    const indexes = `select tablename, indexname, indexdef from pg_indexes
      where tablename in ('campaigns', 'disciplinary_actions', 'documents') order by tablename, indexname`;
    const before = await sql(indexes);
    const report = await importDataset(db.orm, dir, { bulkLoadRows: 1 });
    for (const file of ['campaigns.csv', 'discipline.csv', 'documents.csv'] as const) {
      expect(report.files[file]).toMatchObject({ rows: summary.facts[file], created: summary.facts[file] });
    }
    expect(await sql(indexes)).toEqual(before);
    // The same rows as the ordinary import into the other database, totals included.
    const digest = `select (select sum(quantity * year) from campaigns) as c, (select sum(quantity * coalesce(month, 0)) from disciplinary_actions) as d,
      (select count(*) from disciplinary_action_categories) as l, (select sum(quantity * unit_id) from rollup_campaigns) as t`;
    expect(await sql(digest)).toEqual(await t.db.orm.em.fork().getConnection().execute(digest));
    // A re-import is a bulk load too (as many rows as stored): everything unchanged.
    const again = await importDataset(db.orm, dir, { bulkLoadRows: 1 });
    expect(again.files['campaigns.csv']).toMatchObject({ created: 0, updated: 0, unchanged: summary.facts['campaigns.csv'] });
    expect(await sql(indexes)).toEqual(before);
  } finally {
    await db.close();
  }
});
