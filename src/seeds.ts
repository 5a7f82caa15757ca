/** Named reference datasets shipped in seeds/, loaded through the same import code as any dataset. */
import path from 'node:path';
import { projectRoot } from './paths';

export const SEEDS: Record<string, { dir: string; description: string }> = {
  'quang-ninh-2023': {
    dir: 'seeds/quang-ninh-2023',
    description:
      'Quảng Ninh: the tree with its history 2020–2025 (Hoành Bồ merged into Hạ Long, Đông Triều a city, the 2025 ' +
      'two-tier structure), the published 2023 full-year figures as facts, and every published Quảng Ninh and national ' +
      'figure as reported figures with their sources (seeds/quang-ninh-2023/SOURCE.md)',
  },
};

export const DEFAULT_SEED = 'quang-ninh-2023';

export function seedDir(name: string): string {
  const dir = SEEDS[name]?.dir;
  if (!dir) throw new Error(`unknown seed "${name}"; known: ${Object.keys(SEEDS).join(', ')}`);
  return path.join(projectRoot(), dir);
}
