/**
 * Authentication: bearer JWTs verified with pinned algorithms (EdDSA, ES256), issuer, audience and expiry, and the
 * required claims sub, unit and roles. Every bad token gets a 401 with code UNAUTHENTICATED, before any SQL; a good
 * one (EdDSA or ES256) gets data. Without a key the server runs open on loopback only. `kiemtra token` signs.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { createLogger } from '../src/logger';
import { startServer, type RunningServer } from '../src/server';
import { createVerifier, signToken, type AuthConfig } from '../src/auth/tokens';
import { Role } from '../src/auth/caller';
import { statementCounter } from '../src/db';
import { createTestDb, importFiles, type TestDb } from './harness';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiemtra-keys-'));
function keyPair(type: 'ed25519' | 'ec', name: string) {
  const { publicKey, privateKey } =
    type === 'ed25519' ? crypto.generateKeyPairSync('ed25519') : crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const pub = path.join(dir, `${name}.pub.pem`);
  const priv = path.join(dir, `${name}.pem`);
  fs.writeFileSync(pub, publicKey.export({ type: 'spki', format: 'pem' }));
  fs.writeFileSync(priv, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  return { pub, priv, privateKey };
}
const ed = keyPair('ed25519', 'ed');
const ec = keyPair('ec', 'ec');
const other = keyPair('ed25519', 'other');

const AUTH: AuthConfig = { publicKeyFile: ed.pub, privateKeyFile: ed.priv, issuer: 'kiemtra', audience: 'kiemtra' };

let db: TestDb;
let server: RunningServer;
let ecServer: RunningServer;

beforeAll(async () => {
  db = await createTestDb();
  await importFiles(db.orm, { 'units.csv': 'code,parent_code,name,kind\nH,,Tỉnh ủy Hà Giang,PROVINCIAL_COMMITTEE\n' });
  server = await startServer(db.orm, createLogger('silent'), '127.0.0.1', 0, { verifier: await createVerifier(AUTH) });
  ecServer = await startServer(db.orm, createLogger('silent'), '127.0.0.1', 0, {
    verifier: await createVerifier({ ...AUTH, publicKeyFile: ec.pub }),
  });
});
afterAll(async () => {
  await server?.stop();
  await ecServer?.stop();
  await db?.close();
});

const QUERY = '{ unit(code: "H") { name } }';
const call = (url: string, authorization?: string) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: JSON.stringify({ query: QUERY }),
  });
const sign = (overrides: Partial<Parameters<typeof signToken>[1]> = {}, config: AuthConfig = AUTH) =>
  signToken(config, { subject: 'tester', unit: 'H', roles: [Role.VIEWER], expiresIn: '5m', ...overrides });

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

test('a valid EdDSA token gets data; so does a valid ES256 token on a server with a P-256 key', async () => {
  const res = await call(server.url, `Bearer ${await sign()}`);
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ data: { unit: { name: 'Tỉnh ủy Hà Giang' } } });
  const es = await call(ecServer.url, `Bearer ${await sign({}, { ...AUTH, privateKeyFile: ec.priv })}`);
  expect(await es.json()).toEqual({ data: { unit: { name: 'Tỉnh ủy Hà Giang' } } });
});

describe('every bad token gets 401 UNAUTHENTICATED, and no SQL runs', () => {
  const cases: [string, () => Promise<string | undefined>, string][] = [
    ['no Authorization header', async () => undefined, 'a bearer token is required'],
    ['not a Bearer header', async () => `Basic ${Buffer.from('a:b').toString('base64')}`, 'must be "Bearer <token>"'],
    ['garbage', async () => 'Bearer not.a.jwt', 'not a valid signed JWT'],
    ['alg none', async () => `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'x', unit: 'H', roles: ['ADMIN'], iss: 'kiemtra', aud: 'kiemtra', exp: 4102444800 })}.`, 'algorithm is not accepted'],
    [
      'HS256 signed with the public key as the secret (algorithm confusion)',
      async () => {
        const header = b64({ alg: 'HS256', typ: 'JWT' });
        const payload = b64({ sub: 'x', unit: 'H', roles: ['ADMIN'], iss: 'kiemtra', aud: 'kiemtra', exp: 4102444800 });
        const mac = crypto.createHmac('sha256', fs.readFileSync(ed.pub)).update(`${header}.${payload}`).digest('base64url');
        return `Bearer ${header}.${payload}.${mac}`;
      },
      'algorithm is not accepted',
    ],
    ['signed by another key', async () => `Bearer ${await sign({}, { ...AUTH, privateKeyFile: other.priv })}`, 'signature does not verify'],
    [
      'tampered payload (roles raised to ADMIN)',
      async () => {
        const [h, p, s] = (await sign()).split('.');
        const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
        return `Bearer ${h}.${b64({ ...claims, roles: ['ADMIN'] })}.${s}`;
      },
      'signature does not verify',
    ],
    ['expired', async () => `Bearer ${await sign({ expiresIn: '-1m' } as never)}`, 'has expired'],
    ['wrong audience', async () => `Bearer ${await sign({}, { ...AUTH, audience: 'someone-else' })}`, '"aud" claim'],
    ['wrong issuer', async () => `Bearer ${await sign({}, { ...AUTH, issuer: 'evil' })}`, '"iss" claim'],
    ['unknown role', async () => `Bearer ${await sign({ roles: ['ROOT' as Role] })}`, '"roles" claim must be'],
    ['empty unit', async () => `Bearer ${await sign({ unit: '' })}`, '"unit" claim must be'],
  ];
  test.each(cases)('%s', async (_name, token, message) => {
    const before = statementCounter.count;
    const res = await call(server.url, await token());
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="kiemtra"');
    const body = await res.json();
    expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(body.errors[0].message).toContain(message);
    expect(JSON.stringify(body)).not.toMatch(/stack|BEGIN PUBLIC KEY/);
    expect(statementCounter.count).toBe(before);
  });

  test('a token without the unit or roles claim', async () => {
    const { SignJWT } = await import('jose');
    const bare = await new SignJWT({}).setProtectedHeader({ alg: 'EdDSA' }).setSubject('x').setIssuer('kiemtra').setAudience('kiemtra').setExpirationTime('5m').sign(ed.privateKey);
    const res = await call(server.url, `Bearer ${bare}`);
    expect(res.status).toBe(401);
    expect((await res.json()).errors[0].message).toMatch(/"(unit|roles)" claim is missing/);
  });
});

test('without a key the server runs open on loopback, and refuses to start on another address', async () => {
  await expect(startServer(db.orm, createLogger('silent'), '0.0.0.0', 0)).rejects.toThrow(/refusing to serve on 0\.0\.0\.0 without authentication/);
  const open = await startServer(db.orm, createLogger('silent'), '127.0.0.1', 0);
  try {
    expect((await (await call(open.url)).json()).data.unit.name).toBe('Tỉnh ủy Hà Giang');
  } finally {
    await open.stop();
  }
});

test('`kiemtra token` prints a token the server accepts; bad roles and a missing key are clear errors', async () => {
  const cli = path.join(__dirname, '..', 'bin', 'kiemtra.js');
  const env = { ...process.env, KIEMTRA_AUTH_PRIVATE_KEY_FILE: ed.priv, NODE_OPTIONS: '' };
  const token = execFileSync(process.execPath, [cli, 'token', '--unit', 'H', '--roles', 'viewer,analyst', '--expires', '10m'], { env, encoding: 'utf8' }).trim();
  const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
  expect(claims).toMatchObject({ unit: 'H', roles: ['VIEWER', 'ANALYST'], iss: 'kiemtra', aud: 'kiemtra' });
  expect(claims.exp - claims.iat).toBe(600);
  expect((await call(server.url, `Bearer ${token}`)).status).toBe(200);
  const fail = (args: string[], extraEnv: Record<string, string | undefined> = {}) => {
    try {
      execFileSync(process.execPath, [cli, 'token', ...args], { env: { ...env, ...extraEnv }, encoding: 'utf8', stdio: 'pipe' });
    } catch (err) {
      return (err as { stderr: string }).stderr;
    }
    throw new Error('expected a failure');
  };
  expect(fail(['--unit', 'H', '--roles', 'VIEWER,ROOT'])).toContain('unknown role ROOT');
  // Importing with a token needs EDITOR (checked before the database is touched).
  const importAs = (jwt: string) => {
    try {
      execFileSync(process.execPath, [cli, 'import', dir, '--token', jwt], { env: { ...env, KIEMTRA_AUTH_PUBLIC_KEY_FILE: ed.pub }, encoding: 'utf8', stdio: 'pipe' });
    } catch (err) {
      return (err as { stderr: string }).stderr;
    }
    throw new Error('expected a failure');
  };
  expect(importAs(token)).toContain('importing needs the EDITOR role');
  expect(importAs(token.slice(0, -4) + 'AAAA')).toContain('the token is not accepted: the token signature does not verify');
  expect(fail(['--unit', 'H', '--roles', 'VIEWER'], { KIEMTRA_AUTH_PRIVATE_KEY_FILE: '' })).toContain('set KIEMTRA_AUTH_PRIVATE_KEY_FILE');
});

test('a query bomb from an authenticated, scoped caller is refused before any SQL (no scope lookup, no transaction)', async () => {
  let bomb = '{ unit(code: "H") { name } }';
  for (let i = 0; i < 20; i++) bomb = bomb.replace('{ name }', '{ name children { name } }');
  const token = await sign({ unit: 'H' });
  const before = statementCounter.count;
  const res = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: bomb }),
  });
  expect(res.status).toBe(400);
  expect((await res.json()).errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
  expect(statementCounter.count).toBe(before);
  // The same caller's real query runs (scope resolved, transaction opened and closed after validation).
  expect((await call(server.url, `Bearer ${token}`)).status).toBe(200);
});

test('a JWKS file verifies tokens too; a key of another type is refused at start', async () => {
  const jwk = crypto.createPublicKey(fs.readFileSync(ed.pub)).export({ format: 'jwk' });
  const jwksFile = path.join(dir, 'jwks.json');
  fs.writeFileSync(jwksFile, JSON.stringify({ keys: [{ ...jwk, alg: 'EdDSA', use: 'sig' }] }));
  const verify = (await createVerifier({ jwksFile, issuer: 'kiemtra', audience: 'kiemtra' }))!;
  await expect(verify(await sign({ unit: 'H', roles: [Role.ANALYST] }))).resolves.toMatchObject({ unitCode: 'H', subject: 'tester' });
  await expect(verify(await sign({}, { ...AUTH, privateKeyFile: other.priv }))).rejects.toThrow('signature does not verify');
  const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const rsaFile = path.join(dir, 'rsa.pub.pem');
  fs.writeFileSync(rsaFile, rsa.publicKey.export({ type: 'spki', format: 'pem' }));
  await expect(createVerifier({ ...AUTH, publicKeyFile: rsaFile })).rejects.toThrow('only Ed25519 (EdDSA) and P-256 (ES256) keys are supported');
});
