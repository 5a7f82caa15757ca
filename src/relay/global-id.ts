/**
 * Opaque global ids (Relay's Node) and opaque connection cursors. A global id is base64url("<Type>:<db id>"): clients
 * must not parse it, and the server can tell which type an id names without a lookup. Cursors are base64url too.
 */
import { badUserInput } from '../errors';

/** The types whose objects have a global id. */
export const NODE_TYPES = ['OrgUnit'] as const;
export type NodeTypeName = (typeof NODE_TYPES)[number];

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

/** base64url text, decoded only when it is canonical (so one object has exactly one id string). */
function unb64(text: string): string | null {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return null;
  const decoded = Buffer.from(text, 'base64url').toString('utf8');
  return b64(decoded) === text ? decoded : null;
}

export function toGlobalId(type: NodeTypeName, id: number): string {
  return b64(`${type}:${id}`);
}

/** Decodes a global id; a malformed one, or one of an unknown type, is the caller's error (BAD_USER_INPUT). */
export function fromGlobalId(globalId: string): { type: NodeTypeName; id: number } {
  const decoded = unb64(globalId);
  const match = decoded === null ? null : /^([A-Za-z]+):([1-9][0-9]{0,9})$/.exec(decoded);
  const type = match?.[1] as NodeTypeName | undefined;
  const id = match ? Number(match[2]) : NaN;
  if (!match || !NODE_TYPES.includes(type!) || id > 2147483647) {
    throw badUserInput(`${JSON.stringify(globalId.slice(0, 100))} is not a valid node id: use an \`id\` returned by this API.`, { argument: 'id' });
  }
  return { type: type!, id };
}

/** The database id of an OrgUnit's global id, or null when the string is not one (for callers that must not throw). */
export function unitIdOf(globalId: string): number | null {
  try {
    const { type, id } = fromGlobalId(globalId);
    return type === 'OrgUnit' ? id : null;
  } catch {
    return null;
  }
}

/** A cursor for a position in a list ordered by a text key (the unit code). */
export function toCursor(key: string): string {
  return b64(`key:${key}`);
}

/** The key of a cursor; a malformed one is the caller's error. */
export function fromCursor(cursor: string, argument: 'after' | 'before'): string {
  const decoded = unb64(cursor);
  if (decoded === null || !decoded.startsWith('key:') || decoded.length === 4) {
    throw badUserInput(`\`${argument}\` is not a valid cursor: use a \`cursor\` or \`startCursor\`/\`endCursor\` returned by this connection.`, { argument });
  }
  return decoded.slice(4);
}
