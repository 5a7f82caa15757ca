/**
 * JSON Web Tokens with `jose`: verification for the server (pinned algorithms EdDSA and ES256, issuer, audience,
 * expiry; required claims `sub`, `unit` and `roles`) and signing for `kiemtra token`. Keys are PEM files (public for
 * verifying, private for signing), or a JWKS file or URL for verifying.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { JWTVerifyGetKey } from 'jose';
import { Role, type Caller } from './caller';

/** jose is ESM-only: loaded once, on first use, by dynamic import (kept as import() in the CommonJS build). */
type Jose = typeof import('jose');
let jose: Promise<Jose> | undefined;
const loadJose = () => (jose ??= import('jose'));

export const ALGORITHMS = ['EdDSA', 'ES256'] as const;
type Algorithm = (typeof ALGORITHMS)[number];

export interface AuthConfig {
  publicKeyFile?: string;
  privateKeyFile?: string;
  jwksFile?: string;
  jwksUrl?: string;
  issuer: string;
  audience: string;
}

/** A token that cannot be accepted; the message is safe to show to the client (no key or claim values). */
export class AuthError extends Error {}

/** The algorithm a PEM key is for: Ed25519 → EdDSA, P-256 → ES256; anything else is refused. */
function algorithmOf(key: crypto.KeyObject, file: string): Algorithm {
  if (key.asymmetricKeyType === 'ed25519') return 'EdDSA';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  throw new Error(`${file}: only Ed25519 (EdDSA) and P-256 (ES256) keys are supported`);
}

function readFile(file: string, what: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

export type Verifier = (token: string) => Promise<Caller>;

/** The verifier for the configured key, or null when no key is configured (the server then runs open). */
export async function createVerifier(config: AuthConfig): Promise<Verifier | null> {
  const { jwtVerify, createLocalJWKSet, createRemoteJWKSet } = await loadJose();
  let key: crypto.KeyObject | JWTVerifyGetKey;
  if (config.publicKeyFile) {
    const pem = readFile(config.publicKeyFile, 'public key');
    let keyObject: crypto.KeyObject;
    try {
      keyObject = crypto.createPublicKey(pem);
    } catch {
      throw new Error(`${config.publicKeyFile} is not a PEM public key`);
    }
    algorithmOf(keyObject, config.publicKeyFile);
    key = keyObject;
  } else if (config.jwksFile) {
    key = createLocalJWKSet(JSON.parse(readFile(config.jwksFile, 'JWKS file')));
  } else if (config.jwksUrl) {
    key = createRemoteJWKSet(new URL(config.jwksUrl));
  } else {
    return null;
  }
  return async (token) => {
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, key as crypto.KeyObject, {
        algorithms: [...ALGORITHMS],
        issuer: config.issuer,
        audience: config.audience,
        requiredClaims: ['sub', 'exp', 'unit', 'roles'],
      }));
    } catch (err) {
      throw new AuthError(describeJoseError(err));
    }
    const roles = payload.roles;
    if (!Array.isArray(roles) || roles.length === 0 || !roles.every((r) => Object.values(Role).includes(r as Role))) {
      throw new AuthError(`the token's "roles" claim must be a non-empty list of ${Object.values(Role).join(', ')}`);
    }
    if (typeof payload.unit !== 'string' || payload.unit === '') throw new AuthError(`the token's "unit" claim must be a unit code`);
    return { subject: String(payload.sub), unitCode: payload.unit, roles: new Set(roles as Role[]) };
  };
}

/** jose's error codes, said in words a client can act on. */
function describeJoseError(err: unknown): string {
  const code = (err as { code?: string })?.code;
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return 'the token has expired';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      return `the token's "${(err as { claim?: string }).claim}" claim is missing or not accepted here`;
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return `the token's algorithm is not accepted (only ${ALGORITHMS.join(', ')})`;
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
    case 'ERR_JWKS_NO_MATCHING_KEY':
      return 'the token signature does not verify';
    default:
      return 'the token is not a valid signed JWT';
  }
}

/** Signs a token with the private key (for `kiemtra token`). `expiresIn` as jose takes it: "15m", "8h", "30d". */
export async function signToken(
  config: AuthConfig,
  claims: { subject: string; unit: string; roles: Role[]; expiresIn: string },
): Promise<string> {
  if (!config.privateKeyFile) throw new Error('set KIEMTRA_AUTH_PRIVATE_KEY_FILE to the PEM private key to sign with');
  const { SignJWT } = await loadJose();
  const pem = readFile(config.privateKeyFile, 'private key');
  let keyObject: crypto.KeyObject;
  try {
    keyObject = crypto.createPrivateKey(pem);
  } catch {
    throw new Error(`${config.privateKeyFile} is not a PEM private key`);
  }
  const alg = algorithmOf(keyObject, config.privateKeyFile);
  return new SignJWT({ unit: claims.unit, roles: claims.roles })
    .setProtectedHeader({ alg, typ: 'JWT' })
    .setSubject(claims.subject)
    .setIssuer(config.issuer)
    .setAudience(config.audience)
    .setIssuedAt()
    .setExpirationTime(claims.expiresIn)
    .sign(keyObject);
}

/** The bearer token of an Authorization header, or null when there is none. */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new AuthError('the Authorization header must be "Bearer <token>"');
  return match[1];
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
