/**
 * The `kiemtra` command line, run as a user runs it (the built bin/kiemtra.js in a child process):
 * help texts, a refused dataset (every error on stderr, exit 1, nothing written), a dry run, an import and
 * a re-import, on a database that persists between processes.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestDb, writeDataset, type TestDb } from './harness';

const BIN = path.join(__dirname, '..', 'bin', 'kiemtra.js');
let db: TestDb;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  db = await createTestDb();
  const { DATABASE_URL: _ignored, ...rest } = process.env;
  env = db.url ? { ...rest, DATABASE_URL: db.url } : { ...rest, KIEMTRA_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'kiemtra-cli-')) };
  env.NODE_OPTIONS = '';
});
afterAll(() => db?.close());

function kiemtra(...args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8', timeout: 120_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const GOOD = {
  'units.csv': 'code,parent_code,name,kind\nL,,Tỉnh ủy Lạng Sơn,PROVINCIAL_COMMITTEE\nL.1,L,Huyện ủy Cao Lộc,DISTRICT_COMMITTEE\n',
  'campaigns.csv': 'unit_code,year,month,status,quantity\nL.1,2024,4,COMPLETED,12\n',
};

test('--help lists every command, and each command has its own help', () => {
  const help = kiemtra('--help');
  expect(help.code).toBe(0);
  for (const command of ['start', 'serve', 'migrate', 'import', 'seed', 'schema']) expect(help.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
  const importHelp = kiemtra('import', '--help');
  expect(importHelp.stdout).toContain('--dry-run');
  expect(kiemtra('seed', '--help').stdout).toContain('quang-ninh-2023');
});

test('a wrong setting is one line naming the variable, exit 2, no stack trace', () => {
  const result = spawnSync(process.execPath, [BIN, 'seed'], { env: { ...env, PORT: 'abc' }, encoding: 'utf8' });
  expect(result.status).toBe(2);
  expect(result.stderr).toBe('kiemtra: configuration: PORT must be a whole number from 0 to 65535, got "abc"\n');
});

test('a broken dataset is refused whole: every error on stderr in file:line:column form, exit 1', () => {
  const dir = writeDataset({
    ...GOOD,
    'campaigns.csv': 'unit_code,year,month,status\nL.1,2024,13,COMPLETED\nL.9,2024,1,DONE\n',
  });
  const result = kiemtra('import', dir);
  expect(result.code).toBe(1);
  expect(result.stderr.split('\n')).toEqual(
    expect.arrayContaining([
      'campaigns.csv:2:month: 13 is not a month (1–12)',
      'campaigns.csv:3:unit_code: unknown unit "L.9" (not in units.csv and not stored)',
      'campaigns.csv:3:status: "DONE" is not one of PLANNED, IN_PROGRESS, COMPLETED, CANCELLED',
      'The dataset has 3 errors; nothing was written.',
    ]),
  );
  expect(result.stderr).not.toMatch(/\n\s+at /);
  // Nothing was written: a dry run of the good dataset would still create everything.
  const dry = kiemtra('import', writeDataset(GOOD), '--dry-run');
  expect(dry.code).toBe(0);
  expect(dry.stdout).toMatch(/units\.csv\s+2 rows: 2 created, 0 updated, 0 unchanged/);
});

test('import, then re-import from another process: every row unchanged', () => {
  const dir = writeDataset(GOOD);
  const first = kiemtra('import', dir);
  expect(first.code).toBe(0);
  expect(first.stdout).toMatch(/campaigns\.csv\s+1 rows: 1 created, 0 updated, 0 unchanged/);
  const second = kiemtra('import', dir);
  expect(second.code).toBe(0);
  expect(second.stdout).toMatch(/units\.csv\s+2 rows: 0 created, 0 updated, 2 unchanged/);
  expect(second.stdout).toMatch(/campaigns\.csv\s+1 rows: 0 created, 0 updated, 1 unchanged/);
});

test('migrate is idempotent and schema prints the SDL', () => {
  expect(kiemtra('migrate').stdout).toContain('The database is up to date.');
  expect(kiemtra('schema').stdout).toContain('type OrgUnit');
});

test('`kiemtra start` (npm start) migrates, loads the reference data once, serves, and stops cleanly on SIGTERM', async () => {
  const { spawn } = await import('node:child_process');
  // An empty database of its own: on PostgreSQL a new one, on PGlite a new folder.
  const empty = await createTestDb();
  const startEnv = empty.url ? { ...env, DATABASE_URL: empty.url } : { ...env, KIEMTRA_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'kiemtra-start-')) };
  if (!empty.url) await empty.close();
  const run = async () => {
    const child = spawn(process.execPath, [BIN, 'start'], { env: { ...startEnv, PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL after 90 s: ${stdout}`)), 90_000);
      child.stdout.on('data', () => {
        const m = stdout.match(/at (http:\/\/\S+\/graphql)/);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${stdout}`)));
    });
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ unit(code: "QN") { rollup(period: { year: 2023 }) { discipline { members } } } }' }),
    });
    const body = await res.json();
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    return { stdout, body, code: await exited };
  };
  const first = await run();
  expect(first.body).toEqual({ data: { unit: { rollup: { discipline: { members: 399 } } } } });
  expect(first.stdout).toContain('loading the reference dataset quang-ninh-2023');
  expect(first.code).toBe(0);
  const second = await run();
  expect(second.body).toEqual(first.body);
  expect(second.stdout).not.toContain('loading the reference dataset');
  expect(second.code).toBe(0);
  if (empty.url) await empty.close();
});
