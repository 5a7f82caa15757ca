import fs from 'node:fs';
import path from 'node:path';

/** The project's root folder (where package.json is), from source (ts-jest) or from dist/. */
export function projectRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('package.json not found above ' + __dirname);
    dir = up;
  }
  return dir;
}
