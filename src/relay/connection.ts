/**
 * Relay cursor connections (https://relay.dev/graphql/connections.htm) over lists ordered by a unique text key
 * (the unit code, in code-point order): keyset paging, so a page costs one indexed statement wherever it starts.
 * `totalCount` and the page flags that need a second look cost a statement only when asked for.
 */
import { ArgsType, Field, Int, ObjectType } from 'type-graphql';
import { badUserInput } from '../errors';
import { OrgUnitType } from '../org/org.types';
import type { UnitView } from '../org/tree';
import { fromCursor, toCursor } from './global-id';

/** Largest page a client may ask for. */
export const MAX_PAGE_SIZE = 100;
/** Page size when neither `first` nor `last` is given. */
export const DEFAULT_PAGE_SIZE = 20;

/** Paging arguments; a connection field's own arguments come in a subclass. */
@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: `Forward paging: at most this many items after \`after\` (1–${MAX_PAGE_SIZE}; default ${DEFAULT_PAGE_SIZE} when \`last\` is not given).` })
  first?: number | null;
  @Field(() => String, { nullable: true, description: 'Forward paging: start after the item with this cursor.' })
  after?: string | null;
  @Field(() => Int, { nullable: true, description: `Backward paging: at most this many items before \`before\` (1–${MAX_PAGE_SIZE}).` })
  last?: number | null;
  @Field(() => String, { nullable: true, description: 'Backward paging: end before the item with this cursor.' })
  before?: string | null;
}

/** Which slice of the ordered list a page is: keys strictly between `after` and `before`, from the start or the end. */
export interface PageWindow {
  after: string | null;
  before: string | null;
  limit: number;
  backward: boolean;
}

/** Validates paging arguments (BAD_USER_INPUT with the argument's name) and decodes the cursors. */
export function pageWindow(args: PageArgs, connection: string): PageWindow {
  const { first, last } = args;
  if (first != null && last != null) {
    throw badUserInput(`Passing both \`first\` and \`last\` to paginate \`${connection}\` is not supported: page forward or backward.`, { argument: 'last' });
  }
  for (const [name, n] of [['first', first], ['last', last]] as const) {
    if (n != null && (n < 1 || n > MAX_PAGE_SIZE)) {
      throw badUserInput(`\`${name}\` on \`${connection}\` must be between 1 and ${MAX_PAGE_SIZE}, got ${n}.`, { argument: name, max: MAX_PAGE_SIZE });
    }
  }
  return {
    after: args.after == null ? null : fromCursor(args.after, 'after'),
    before: args.before == null ? null : fromCursor(args.before, 'before'),
    limit: first ?? last ?? DEFAULT_PAGE_SIZE,
    backward: last != null,
  };
}

/** A comparison of the key with a bound: `>`/`<` for cursors, `<=`/`>=` for the items on the other side of one. */
export type KeyBound = ['>' | '<' | '<=' | '>=', string];

/** What a connection reads: items ordered by key, within bounds, and their number. */
export interface KeysetSource<T> {
  /** At most `limit` items within the bounds, by key ascending (descending when `descending`). */
  fetch(bounds: KeyBound[], limit: number, descending: boolean): Promise<T[]>;
  /** Number of items, cursors ignored. */
  count(): Promise<number>;
  key(item: T): string;
}

/**
 * A connection as resolved: page flags and the total are getters, read (and their statement run) only when asked —
 * by either executor (src/executor.ts): graphql-jit reads properties, it does not call function-valued ones.
 */
export interface ConnectionValue<T> {
  edges: { cursor: string; node: T }[];
  nodes: T[];
  pageInfo: { readonly hasNextPage: Promise<boolean>; readonly hasPreviousPage: Promise<boolean>; startCursor: string | null; endCursor: string | null };
  readonly totalCount: Promise<number>;
}

/** One page of a keyset source, per the Relay connection specification. */
export async function connectionOf<T>(source: KeysetSource<T>, window: PageWindow): Promise<ConnectionValue<T>> {
  const bounds: KeyBound[] = [];
  if (window.after !== null) bounds.push(['>', window.after]);
  if (window.before !== null) bounds.push(['<', window.before]);
  // One more than asked: whether it comes back says if there is more in the paging direction.
  const rows = await source.fetch(bounds, window.limit + 1, window.backward);
  const more = rows.length > window.limit;
  const page = rows.slice(0, window.limit);
  if (window.backward) page.reverse();
  // Items on the far side of a cursor exist when one comes back: asked only if the client reads the flag.
  const beyond = (bound: KeyBound) => async () => (await source.fetch([bound], 1, bound[0] === '<=')).length > 0;
  const no = async () => false;
  const edges = page.map((node) => ({ cursor: toCursor(source.key(node)), node }));
  const hasNextPage = !window.backward ? async () => more : window.before !== null ? beyond(['>=', window.before]) : no;
  const hasPreviousPage = window.backward ? async () => more : window.after !== null ? beyond(['<=', window.after]) : no;
  return {
    edges,
    nodes: page,
    pageInfo: {
      get hasNextPage() {
        return hasNextPage();
      },
      get hasPreviousPage() {
        return hasPreviousPage();
      },
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
    get totalCount() {
      return source.count();
    },
  };
}

// Not simpleResolvers: the flags and the total are getters returning promises, which graphql-jit awaits only from a resolver.
@ObjectType('PageInfo', { description: 'Where a page lies in its connection (Relay cursor connections).' })
export class PageInfo {
  @Field(() => Boolean, { description: 'Whether items follow this page (in the order of the connection).' })
  hasNextPage!: boolean;
  @Field(() => Boolean, { description: 'Whether items precede this page.' })
  hasPreviousPage!: boolean;
  @Field(() => String, { nullable: true, description: 'Cursor of the first item of the page; null for an empty page.' })
  startCursor!: string | null;
  @Field(() => String, { nullable: true, description: 'Cursor of the last item of the page; null for an empty page.' })
  endCursor!: string | null;
}

@ObjectType('OrgUnitEdge', { simpleResolvers: true, description: 'A unit in a connection, with its cursor.' })
export class OrgUnitEdge {
  @Field(() => String, { description: 'Opaque position of this unit in the connection: pass it as `after` or `before`.' })
  cursor!: string;
  @Field(() => OrgUnitType, { description: 'The unit.' })
  node!: UnitView;
}

@ObjectType('OrgUnitConnection', { description: 'A page of units ordered by code, with cursors (Relay cursor connection).' })
export class OrgUnitConnection {
  @Field(() => [OrgUnitEdge], { description: 'The units of the page, in order.' })
  edges!: OrgUnitEdge[];
  @Field(() => [OrgUnitType], { description: 'The units of the page, in order, without cursors (a shortcut for `edges { node }`).' })
  nodes!: UnitView[];
  @Field(() => PageInfo, { description: 'Where the page lies in the whole list.' })
  pageInfo!: PageInfo;
  @Field(() => Int, { description: 'Number of units in the whole list (all pages).' })
  totalCount!: number;
}
