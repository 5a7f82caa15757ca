/**
 * The documentation stays true: the example dataset of docs/dataset-format.md is the one in docs/example-dataset/,
 * it imports, and every GraphQL example of the README runs without errors on the reference data plus that dataset.
 */
import fs from 'node:fs';
import path from 'node:path';
import { importDataset } from '../src/import';
import { readmeExamples, seedReference, useDatabase } from './harness';

const root = path.join(__dirname, '..');
const t = useDatabase(seedReference);

test('docs/example-dataset holds exactly the files shown in docs/dataset-format.md, and imports', async () => {
  const doc = fs.readFileSync(path.join(root, 'docs/dataset-format.md'), 'utf8');
  const shown = [...doc.slice(doc.indexOf('## An example dataset')).matchAll(/`([a-z_]+\.csv)`\n```csv\n([\s\S]*?)```/g)];
  expect(shown.map((m) => m[1]).sort()).toEqual(fs.readdirSync(path.join(root, 'docs/example-dataset')).sort());
  for (const [, file, content] of shown) expect(fs.readFileSync(path.join(root, 'docs/example-dataset', file), 'utf8')).toBe(content);
  const report = await importDataset(t.db.orm, path.join(root, 'docs/example-dataset'));
  expect(report.files['units.csv']).toMatchObject({ created: 4 });
});

test('every example query of the README runs and returns data', async () => {
  const queries = readmeExamples().map(([, query]) => query);
  expect(queries.length).toBeGreaterThanOrEqual(3);
  for (const query of queries) {
    const data = await t.gql.data(query);
    // Every top-level field answers (a null would mean a unit code or date in the README is wrong).
    expect(Object.keys(data).length).toBeGreaterThan(0);
    for (const value of Object.values(data)) expect(value).not.toBeNull();
  }
  const firstHalf = await t.gql.data(queries[2]);
  expect(firstHalf.unit.rollup.campaigns.total).toBe(4);
  expect(firstHalf.unit.rollup.discipline.members).toBe(3);
});
