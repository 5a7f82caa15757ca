/**
 * Test harness: one fresh database per test file, migrated by the real migrations.
 * With DATABASE_URL set, a new database is created on that server (and dropped afterwards);
 * without it, an in-memory embedded PGlite database is used.
 */
import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { migrate, openDatabase, type Orm } from '../src/db';
import { createContext, type ContextOptions } from '../src/context';
import { createApolloServer } from '../src/apollo';
import type { Caller } from '../src/auth/caller';
import type { AuthConfig } from '../src/auth/tokens';
import { createLogger } from '../src/logger';
import { DatasetInvalidError, formatImportError, importDataset } from '../src/import';
import { seedDir } from '../src/seeds';
import { projectRoot } from '../src/paths';

export interface TestDb {
  orm: Orm;
  engine: 'postgresql' | 'pglite';
  /** Connection string of the test database (PostgreSQL only). */
  url?: string;
  close(): Promise<void>;
}

/** Migrates to the latest migration, or only up to `migrateTo` (to test a later migration on older data). */
async function migrateTestDb(orm: Orm, migrateTo?: string): Promise<void> {
  await migrate(orm, { to: migrateTo });
}

export async function createTestDb(options: { migrateTo?: string } = {}): Promise<TestDb> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const orm = await openDatabase({ dataDir: 'memory://' });
    await migrateTestDb(orm, options.migrateTo);
    return { orm, engine: 'pglite', close: () => orm.close(true) };
  }
  const name = `kiemtra_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const orm = await openDatabase({ databaseUrl: url.toString(), dataDir: '' });
  await migrateTestDb(orm, options.migrateTo);
  return {
    orm,
    engine: 'postgresql',
    url: url.toString(),
    async close() {
      await orm.close(true);
      const c = new Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/**
 * Executes a GraphQL operation through Apollo Server (with the production formatError), with a fresh context.
 * `today` fixes the date that `roots` and `unit` use without `asOf` (default: the real today).
 */
export async function createGraphql(orm: Orm, options: { today?: string; caller?: Caller; enforce?: ContextOptions['enforce'] } = {}) {
  // The server's configuration with the production limits, so that every test query also proves the limits let
  // real queries through.
  const server = await createApolloServer({ logger: createLogger('silent') });
  await server.start();
  return {
    async run(query: string, variables?: Record<string, unknown>): Promise<{ data?: any; errors?: any[] }> {
      const response = await server.executeOperation({ query, variables }, { contextValue: await createContext(orm, { today: options.today, caller: options.caller, enforce: options.enforce }) });
      if (response.body.kind !== 'single') throw new Error('unexpected incremental response');
      return response.body.singleResult as { data?: any; errors?: any[] };
    },
    /** Runs and fails on any GraphQL error. */
    async data(query: string, variables?: Record<string, unknown>): Promise<any> {
      const result = await this.run(query, variables);
      if (result.errors) throw new Error(JSON.stringify(result.errors));
      return result.data;
    },
    stop: () => server.stop(),
  };
}

/** The README's ```graphql examples, in order, each named "README example N". */
export function readmeExamples(): [name: string, query: string][] {
  const readme = fs.readFileSync(path.join(projectRoot(), 'README.md'), 'utf8');
  return [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m, i): [string, string] => [`README example ${i + 1}`, m[1]]);
}

/** Writes a dataset folder from file contents; returns its path. */
export function writeDataset(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiemtra-dataset-'));
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
  return dir;
}

export async function importFiles(orm: Orm, files: Record<string, string>, dryRun = false) {
  return importDataset(orm, writeDataset(files), { dryRun });
}

/** Imports files expected to fail; returns the formatted error lines (`file:line:column: message`). */
export async function importErrors(orm: Orm, files: Record<string, string>): Promise<string[]> {
  try {
    await importFiles(orm, files);
  } catch (err) {
    if (err instanceof DatasetInvalidError) return err.errors.map(formatImportError);
    throw err;
  }
  throw new Error('the import was expected to fail');
}

export async function seedReference(orm: Orm) {
  return importDataset(orm, seedDir('quang-ninh-2023'));
}

export type Graphql = Awaited<ReturnType<typeof createGraphql>>;

/**
 * Per-file setup: a fresh migrated database, loaded by `load`, and a GraphQL executor on it; torn down after
 * the file. The returned object is filled in beforeAll.
 */
export function useDatabase(load?: (orm: Orm) => Promise<unknown>, options: { today?: string; caller?: Caller } = {}): { db: TestDb; gql: Graphql } {
  const t = {} as { db: TestDb; gql: Graphql };
  beforeAll(async () => {
    t.db = await createTestDb();
    if (load) await load(t.db.orm);
    t.gql = await createGraphql(t.db.orm, options);
  });
  afterAll(async () => {
    await t.gql?.stop();
    await t.db?.close();
  });
  return t;
}

/**
 * A token configuration with a fresh Ed25519 key pair (PEM files in a new temporary folder): what a server verifies
 * with (`createVerifier`) and what `signToken` signs with, issuer and audience `kiemtra`.
 */
export function testAuthConfig(): AuthConfig {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiemtra-keys-'));
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const auth: AuthConfig = { publicKeyFile: path.join(dir, 'ed.pub.pem'), privateKeyFile: path.join(dir, 'ed.pem'), issuer: 'kiemtra', audience: 'kiemtra' };
  fs.writeFileSync(auth.publicKeyFile!, publicKey.export({ type: 'spki', format: 'pem' }));
  fs.writeFileSync(auth.privateKeyFile!, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  return auth;
}
