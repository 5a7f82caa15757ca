/**
 * The reference dataset is what its generator writes (no hand edits drift from seeds/generate-quang-ninh-2023.ts),
 * and the generator's own checks hold: the 2023 tree of 20 committees, 696 grassroots organizations and 4,971 cells,
 * and the 59 committees directly under the province from 2025-07-01.
 */
import fs from 'node:fs';
import path from 'node:path';
import { generate } from '../seeds/generate-quang-ninh-2023';
import { seedDir } from '../src/seeds';

test('seeds/quang-ninh-2023 holds exactly what the generator writes', () => {
  const files = generate();
  const dir = seedDir('quang-ninh-2023');
  expect(Object.keys(files).sort()).toEqual(fs.readdirSync(dir).filter((f) => f.endsWith('.csv')).sort());
  for (const [file, content] of Object.entries(files)) expect(fs.readFileSync(path.join(dir, file), 'utf8')).toBe(content);
});
