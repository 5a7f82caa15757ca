/**
 * Who is asking: the verified token's subject, the unit whose subtree they may see, and their roles.
 * Roles nest: VIEWER ⊂ ANALYST ⊂ EDITOR ⊂ ADMIN (each may do what the one before may, and more).
 */
import { GraphQLError } from 'graphql';

export enum Role {
  /** The tree and rollups. */
  VIEWER = 'VIEWER',
  /** Plus `aggregate` and exports. */
  ANALYST = 'ANALYST',
  /** Plus imports and writes. */
  EDITOR = 'EDITOR',
  /** Plus the audit log. */
  ADMIN = 'ADMIN',
}

export const ROLE_ORDER: readonly Role[] = [Role.VIEWER, Role.ANALYST, Role.EDITOR, Role.ADMIN];

export interface Caller {
  /** Token subject (`sub`); 'anonymous' when the server runs open on loopback. Never logged with data. */
  subject: string;
  /** Code of the unit whose subtree the caller may see; null = everything (open mode only). */
  unitCode: string | null;
  roles: ReadonlySet<Role>;
}

/** The caller of a server running without a key (allowed only on loopback): everything, every role. */
export const OPEN_CALLER: Caller = { subject: 'anonymous', unitCode: null, roles: new Set(ROLE_ORDER) };

export function hasRole(caller: Caller, role: Role): boolean {
  const needed = ROLE_ORDER.indexOf(role);
  return [...caller.roles].some((r) => ROLE_ORDER.indexOf(r) >= needed);
}

/** Throws FORBIDDEN unless the caller has `role` (or a role above it). */
export function requireRole(caller: Caller, role: Role): void {
  if (!hasRole(caller, role)) {
    throw new GraphQLError(`This needs the ${role} role.`, { extensions: { code: 'FORBIDDEN' } });
  }
}
