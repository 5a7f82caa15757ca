/**
 * Abuse limits, all in one place: what a single GraphQL request may ask for (tokens, depth, aliases, directives,
 * cost, fan-out through the tree), how large a body may be, how long one SQL statement may run, and how many
 * requests a caller may send per minute. A request over a query limit is refused with HTTP 400 while it is parsed
 * or validated, before any resolver runs, so before any SQL of its own (the request context is built before
 * parsing: for a scoped caller that already looks up the scope unit and opens its read-only transaction).
 *
 * The values were measured against the legitimate queries we know: every ```graphql block of README.md, the
 * GraphiQL example (src/graphiql.ts) and every operation the test suite sends (51 distinct ones, logged from a full
 * run on 2026-11-26, with these limits applied to the test harness: none was refused). The largest of each:
 *
 * | measure    | legitimate maximum                                                    | limit |
 * |------------|-----------------------------------------------------------------------|-------|
 * | tokens     | 206 (reconciliation.test.ts, two units and a reconciliation); GraphiQL's own introspection query: 183 | 2,000 |
 * | depth      | 9 (batching.test.ts: unit › children › children › children › rollup › discipline › membersByCategory › category › code) | 12 |
 * | aliases    | 7 (history.test.ts: the same unit on seven days)                      | 20    |
 * | directives | 0 (none of them uses @include/@skip)                                   | 10    |
 * | cost       | 702.6 (batching.test.ts, 4 levels of units with 3 rollup sections); README: ≤ 182 | 3,000 |
 */
import { createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import { rateLimit, ipKeyGenerator } from 'express-rate-limit';
import {
  GraphQLError,
  getNamedType,
  getNullableType,
  isCompositeType,
  isListType,
  isObjectType,
  isInterfaceType,
  type GraphQLCompositeType,
  type GraphQLFormattedError,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import type { ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { Logger } from '../logger';

/**
 * Tokens per document (Apollo's `parseOptions.maxTokens`; graphql-armor's own token limit answers 500). Bounds
 * the parser's and validator's work on any document: the worst case we know, one field repeated ~2,000 times (which
 * graphql-js compares pair by pair until its own budget aborts validation, "Validation aborted.", 400), is refused in
 * ~7 ms. ~6× the largest legitimate query (queries/quang-ninh-2023-published-table.graphql, 309 tokens), room for hand-written reports; a 1 MB field-repetition bomb stops at
 * token 2,001.
 */
export const MAX_TOKENS = 2000;

/**
 * Nesting of fields. The deepest legitimate query is 9; a drill-down one level further down the tree with the
 * deepest rollup breakdown (roots › 4 × children › rollup › discipline › byAuthority › membersByCategory ›
 * category › code) is 11. 12 refuses `children` chains deeper than any party tree (province › district ›
 * grassroots › cell is 4) and any long `ancestors { ancestors { … } }` or `parent { children { … } }` chain.
 */
export const MAX_DEPTH = 12;

/**
 * Aliased fields per operation. The most a legitimate query uses is 8 (the published table's aggregates in
 * queries/); 20 lets a
 * report compare 20 units or periods side by side, and refuses alias bombs (one field resolved 1,000 times).
 * `__typename` is free.
 */
export const MAX_ALIASES = 20;

/** Directives per operation. No known query uses one; 10 leaves room for clients that toggle parts with @include/@skip. */
export const MAX_DIRECTIVES = 10;

/**
 * graphql-armor's cost: 1 per scalar, 2 per object, children weighted by 1.5 per level of nesting (so cost grows
 * exponentially with depth, fragments counted each time they are spread). The costliest legitimate query is
 * 702.6 (1,111 units on 4 levels, each with 3 rollup sections); ~4× that is allowed: the same query one tree level
 * deeper (1,140) or the GraphiQL example's province rollup under 15 aliases (2,734) pass; five copies of the
 * 4-level query (3,513) or a fragment spread twice on each of 12 levels do not.
 */
export const MAX_COST = 3000;

/** express.json's limit for /graphql: the largest legitimate query is under 2 kB; bigger bodies get 413. */
export const BODY_LIMIT = '1mb';

/**
 * PostgreSQL `statement_timeout` (KIEMTRA_STATEMENT_TIMEOUT_MS). The slowest legitimate statement we measured is
 * an asOf rollup over 100,000 campaigns at ~170 ms (bench:history, JIT off); 10 s is ~60× that, and short enough
 * that a runaway statement frees its pooled connection (10 per process) quickly. 0 disables it.
 */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 10_000;

/**
 * Requests per minute per caller on /graphql (KIEMTRA_RATE_LIMIT_PER_MINUTE). GraphiQL sends one request per run
 * plus one introspection; a dashboard refreshing 10 panels every 5 s sends 120/min. 600 (10 per second sustained)
 * is well above any person or dashboard and below what a scripted flood sends. 0 disables it.
 */
export const DEFAULT_RATE_LIMIT_PER_MINUTE = 600;

/** `aggregate`: at most this many grouping dimensions (the analysts' issue: tables, not cubes). */
export const MAX_GROUP_BY = 3;

/**
 * `aggregate` (and its exports): at most this many rows. A table of every district (~700) by five forms is 4,200;
 * every province's grassroots units by year is not a table anyone reads. Checked before the facts are read.
 */
export const MAX_AGGREGATE_ROWS = 10_000;

/** The `extensions.limit` of a refused query, so that a client can tell which limit it hit. */
export type QueryLimit = 'MAX_DEPTH' | 'MAX_ALIASES' | 'MAX_DIRECTIVES' | 'MAX_COST' | 'TREE_FAN_OUT';

/** Reports a refused query as a validation error (HTTP 400, code GRAPHQL_VALIDATION_FAILED) with its limit. */
function reporter(limit: QueryLimit) {
  return (context: ValidationContext | null, error: GraphQLError) => {
    // graphql-armor prefixes its messages with "Syntax Error: ", which they are not, and prints costs with 14 decimals.
    const message = error.message.replace(/^Syntax Error: /, '').replace(/found (\d+\.\d+)/, (_, n: string) => `found ${Math.round(Number(n))}`);
    context?.reportError(new GraphQLError(message, { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit } }));
  };
}

/**
 * Fan-out through the tree. `children`, `ancestors`, `roots` and `history` return lists; a path that goes down a
 * list and then jumps back up or across the tree (`parent`, `ancestors`, `successor`, a version's `parent`) and
 * then opens another list re-reads the same units once per element: `children { parent { children { parent {
 * children … } } } }` is 60 × 60 × 60… units at depth 10, well inside the depth and cost limits (which cannot see
 * list sizes). Going only down (`roots { children { children … } } }`) is bounded by the size of the tree, and a
 * single jump after lists (`children { ancestors { code } }`, `history { parent { code } }`) multiplies by one
 * list only; no legitimate query needs a list below such a jump, so that is refused.
 */
const TREE_TYPES = new Set(['OrgUnit', 'UnitVersion']);
/** Fields that go down the tree: a unit reached only through these is read once. */
const DESCENT_FIELDS = new Set(['Query.roots', 'OrgUnit.children']);

export const treeFanOutRule: ValidationRule = (context) => {
  interface State {
    /** A list of tree objects is open above this point. */
    list: boolean;
    /** Below such a list, a field jumped to another unit (up or across). */
    jumped: boolean;
  }
  const fragmentMemo = new Map<string, boolean>();

  /** Returns true when a violation was reported (one error per operation is enough). */
  function walk(selectionSet: SelectionSetNode, parentType: GraphQLCompositeType, state: State, inFragments: Set<string>): boolean {
    for (const selection of selectionSet.selections) {
      if (selection.kind === 'Field') {
        const name = selection.name.value;
        if (name.startsWith('__') || !(isObjectType(parentType) || isInterfaceType(parentType))) continue;
        const field = parentType.getFields()[name];
        if (!field) continue; // FieldsOnCorrectTypeRule reports it
        const namedType = getNamedType(field.type);
        let next = state;
        if (TREE_TYPES.has(namedType.name)) {
          const isList = isListType(getNullableType(field.type));
          if (isList && state.jumped) {
            context.reportError(
              new GraphQLError(
                `Field "${name}" opens a list of ${namedType.name} below a jump back into the tree (parent, ancestors, successor) ` +
                  'taken below another list: it would read the same units once per element. Ask for it in a separate selection.',
                { nodes: [selection], extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit: 'TREE_FAN_OUT' satisfies QueryLimit } },
              ),
            );
            return true;
          }
          const jump = namedType.name === 'OrgUnit' && !DESCENT_FIELDS.has(`${parentType.name}.${name}`);
          next = { list: state.list || isList, jumped: state.jumped || (jump && state.list) };
        }
        if (selection.selectionSet && isCompositeType(namedType) && walk(selection.selectionSet, namedType, next, inFragments)) return true;
      } else if (selection.kind === 'InlineFragment') {
        const type = selection.typeCondition ? context.getSchema().getType(selection.typeCondition.name.value) : parentType;
        if (type && isCompositeType(type) && walk(selection.selectionSet, type, state, inFragments)) return true;
      } else {
        const name = selection.name.value;
        const key = `${name}:${state.list}:${state.jumped}`;
        if (inFragments.has(name)) continue; // a cycle: NoFragmentCyclesRule reports it
        let violated = fragmentMemo.get(key);
        if (violated === undefined) {
          const fragment = context.getFragment(name);
          const type = fragment && context.getSchema().getType(fragment.typeCondition.name.value);
          violated = !!fragment && !!type && isCompositeType(type) && walk(fragment.selectionSet, type, state, new Set(inFragments).add(name));
          fragmentMemo.set(key, violated);
        }
        if (violated) return true;
      }
    }
    return false;
  }

  return {
    OperationDefinition(operation) {
      const root = context.getSchema().getRootType(operation.operation);
      if (root) walk(operation.selectionSet, root, { list: false, jumped: false }, new Set());
    },
  };
};

/**
 * Strips "Did you mean …?" from every error (validation and variable coercion alike): suggestions spell out the
 * schema to someone probing it without introspection. Apollo's own `hideSchemaDetailsFromClientErrors` only
 * cleans validation errors.
 */
export function hideSuggestionsPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors }) {
          for (const error of errors) error.message = error.message.replace(/\s*Did you mean [^?]*\?/g, '');
        },
      };
    },
  };
}

export interface QueryGuards {
  parseOptions: { maxTokens: number };
  validationRules: ValidationRule[];
  introspection: boolean;
  plugins: ApolloServerPlugin[];
}

/**
 * ApolloServer options that enforce the query limits. In production (`NODE_ENV=production`) introspection is off
 * and error messages carry no "Did you mean" suggestions; elsewhere both are on (GraphiQL needs introspection).
 */
export function queryGuards(options: { production: boolean }): QueryGuards {
  const armor = new ApolloArmor({
    maxTokens: { enabled: false }, // Apollo's parseOptions.maxTokens instead: armor's answers 500
    blockFieldSuggestion: { enabled: false }, // hideSuggestionsPlugin, which also covers enum and input-field suggestions
    maxDepth: { n: MAX_DEPTH, propagateOnRejection: false, onReject: [reporter('MAX_DEPTH')] },
    maxAliases: { n: MAX_ALIASES, propagateOnRejection: false, onReject: [reporter('MAX_ALIASES')] },
    maxDirectives: { n: MAX_DIRECTIVES, propagateOnRejection: false, onReject: [reporter('MAX_DIRECTIVES')] },
    costLimit: { maxCost: MAX_COST, propagateOnRejection: false, onReject: [reporter('MAX_COST')] },
  });
  return {
    parseOptions: { maxTokens: MAX_TOKENS },
    validationRules: [...armor.protect().validationRules, treeFanOutRule],
    introspection: !options.production,
    plugins: options.production ? [hideSuggestionsPlugin()] : [],
  };
}

/** PostgreSQL's SQLSTATE for a statement cancelled by statement_timeout (or by a cancel request). */
const QUERY_CANCELED = '57014';

function isStatementTimeout(error: unknown): boolean {
  for (let e = error as { code?: unknown; cause?: unknown; previous?: unknown } | undefined, i = 0; e && i < 5; i++) {
    if (e.code === QUERY_CANCELED) return true;
    e = (e.cause ?? e.previous) as typeof e;
  }
  return false;
}

type FormatError = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

/**
 * Wraps formatError: a statement cancelled by `statement_timeout` reaches the client as TIMEOUT with a safe
 * message (PostgreSQL's message quotes the SQL); anything else goes to `format` (which masks it as before).
 */
export function withStatementTimeouts(format: FormatError, logger: Logger): FormatError {
  return (formatted, error) => {
    if (!isStatementTimeout(unwrapResolverError(error))) return format(formatted, error);
    logger.warn({ path: formatted.path }, 'SQL statement cancelled by statement_timeout');
    return {
      message: 'The database took too long to answer and the statement was cancelled. Ask for a smaller subtree or period.',
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: 'TIMEOUT' },
    };
  };
}

/**
 * Rate limit on /graphql per caller: the Authorization header (hashed: never kept in clear) when there is one,
 * else the client's IP address (IPv6 grouped by /56, as express-rate-limit recommends). 429 with a GraphQL-style
 * JSON error, `Retry-After` and the RateLimit headers. `perMinute` 0 turns it off. The key is the raw header, not
 * the verified subject, because the limit runs before authentication: an unverifiable token is refused with 401
 * right after, without SQL.
 */
export function rateLimiter(perMinute: number, logger: Logger): RequestHandler {
  if (perMinute <= 0) return (_req, _res, next) => next();
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req) => {
      const authorization = req.headers.authorization;
      if (authorization) return `auth:${createHash('sha256').update(authorization).digest('base64url')}`;
      return `ip:${ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? 'unknown')}`;
    },
    handler: (req, res) => {
      const retryAfter = Number(res.getHeader('retry-after')) || 60;
      logger.warn({ limit: perMinute, path: req.baseUrl || req.path }, 'rate limit reached');
      res.status(429).json({
        errors: [
          {
            message: `Too many requests: at most ${perMinute} per minute. Retry after ${retryAfter} s.`,
            extensions: { code: 'RATE_LIMITED', retryAfter },
          },
        ],
      });
    },
  });
}
