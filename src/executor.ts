/**
 * How operations are executed: each query document is compiled once by graphql-jit into a JavaScript function
 * (kept per query hash and operation name), instead of being interpreted by graphql-js field by field.
 *
 * Why: a page of rollups is mostly plain figures, and graphql-js spends about a microsecond per field (argument
 * values, resolve info, completion, each allocated afresh): a province's 1,884 units with every figure are ~300,000
 * fields. Measured on the national dataset (bench/scale.ts prints both executors side by side), the compiled query
 * answers that page ~2.5× faster.
 *
 * Apollo Server has no executor option; its gateway interface is how a server supplies its own (the schema is still
 * ours, parsing, validation, plugins, the response cache and error formatting still Apollo's). A document graphql-jit
 * cannot compile is executed by graphql-js. `KIEMTRA_EXECUTOR=graphql-js` turns compilation off.
 *
 * graphql-jit 0.8.9 differs from graphql-js where this module or the schema makes up for it (test/executor.test.ts
 * compares both executors' answers, data and errors):
 * - a required variable's default is ignored: variables are coerced by graphql-js here;
 * - an error whose thrown value has no `extensions` has none either (graphql-jit issue #234), which Apollo Server
 *   reads: such errors are rebuilt as graphql-js errors;
 * - a field without a resolver is read as a plain property (never called, never awaited): lazy values need a
 *   resolver (the connections' page flags and total, src/relay/connection.ts), and an interface's resolveType must
 *   not be async (src/schema.ts).
 */
import { execute, getVariableValues, GraphQLError, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import type { GatewayExecutor, GatewayInterface } from '@apollo/server-gateway-interface';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { LRUCache } from 'lru-cache';

export type ExecutorName = 'jit' | 'graphql-js';
export const EXECUTORS: readonly ExecutorName[] = ['jit', 'graphql-js'];

/** What the executors did since the process started (tests read it). */
export const executorCounts = { compiled: 0, compiledRuns: 0, interpretedRuns: 0 };

/** Compiled documents kept: each is a function of a few kilobytes; clients send a bounded set of distinct queries. */
const COMPILED_DOCUMENTS = 500;

/**
 * graphql-jit's errors have no `extensions` when the thrown error had none; Apollo Server reads `extensions.code` of
 * every error (graphql-js's errors always have an object there) and would answer a bare "Internal server error"
 * without path, hiding the statement-timeout and database-unavailable answers of src/errors.ts. Such errors are
 * rebuilt as graphql-js errors with the same message, locations, path and original error.
 */
function withApolloErrors(result: ExecutionResult): ExecutionResult {
  if (!result.errors?.some((error) => !error.extensions)) return result;
  const errors = result.errors.map((error) => {
    if (error.extensions) return error;
    const copy = new GraphQLError(error.message, { path: error.path, originalError: error.originalError ?? undefined });
    (copy as { locations?: GraphQLError['locations'] }).locations = error.locations;
    return copy;
  });
  return { ...result, errors };
}

/** graphql-js, as Apollo runs it without a gateway. */
function interpret(schema: GraphQLSchema): GatewayExecutor {
  return async ({ document, operationName, request, context }) => {
    executorCounts.interpretedRuns++;
    return execute({ schema, document, operationName, variableValues: request.variables, contextValue: context });
  };
}

function compiled(schema: GraphQLSchema): GatewayExecutor {
  // `false`: graphql-jit refused the document (then graphql-js runs it, every time, without trying again).
  const cache = new LRUCache<string, CompiledQuery | false>({ max: COMPILED_DOCUMENTS });
  const fallback = interpret(schema);
  const compile = (document: DocumentNode, operationName: string | null): CompiledQuery | false => {
    try {
      const result = compileQuery(schema, document, operationName ?? undefined);
      if (!isCompiledQuery(result)) return false;
      executorCounts.compiled++;
      return result;
    } catch {
      return false;
    }
  };
  return async (requestContext) => {
    const { queryHash, document, operationName, request, context } = requestContext;
    const key = `${operationName ?? ''}\u0000${queryHash}`;
    let query = cache.get(key);
    if (query === undefined) {
      query = compile(document, operationName);
      cache.set(key, query);
    }
    if (query === false) return fallback(requestContext);
    executorCounts.compiledRuns++;
    // Variables are coerced by graphql-js (defaults of required variables, its error messages, which Apollo
    // answers as BAD_USER_INPUT); graphql-jit 0.8.9 ignores the default of a required variable. Its own pass over
    // the coerced values leaves them as they are (the scalars' parseValue is idempotent).
    const definitions = requestContext.operation.variableDefinitions ?? [];
    if (definitions.length === 0) return withApolloErrors(await query.query(undefined, context, {}));
    const variables = getVariableValues(schema, definitions, request.variables ?? {}, { maxErrors: 50 });
    if (variables.errors) return { errors: variables.errors };
    return withApolloErrors(await query.query(undefined, context, variables.coerced));
  };
}

/** The gateway that hands Apollo Server `schema` and the executor named. */
export function executorGateway(schema: GraphQLSchema, executor: ExecutorName): GatewayInterface {
  return {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => undefined;
    },
    async load() {
      return { executor: executor === 'jit' ? compiled(schema) : interpret(schema) };
    },
    async stop() {},
  };
}
