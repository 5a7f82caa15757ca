/** Named reference datasets shipped in seeds/, loaded through the same import code as any dataset. */
import path from 'node:path';
import { projectRoot } from './paths';

export const SEEDS: Record<string, string> = {
  'quang-ninh-2023': 'seeds/quang-ninh-2023',
};

export const DEFAULT_SEED = 'quang-ninh-2023';

export function seedDir(name: string): string {
  const dir = SEEDS[name];
  if (!dir) throw new Error(`unknown seed "${name}"; known: ${Object.keys(SEEDS).join(', ')}`);
  return path.join(projectRoot(), dir);
}
