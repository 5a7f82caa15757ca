/**
 * Typed errors with codes, and the one formatError mapper: clients get a message and `extensions.code`,
 * never a stack trace or SQL text. Anything unexpected becomes INTERNAL_SERVER_ERROR and is logged here.
 */
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import type { Logger } from './logger';
import { DATABASE_UNAVAILABLE, isDatabaseUnavailable, unavailableReason } from './health';

/** Codes whose messages were written for clients and pass through unchanged. */
const CLIENT_CODES = new Set([
  'BAD_USER_INPUT',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'NOT_FOUND',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'SERVICE_UNAVAILABLE',
]);

export function badUserInput(message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', ...extensions } });
}

export function createFormatError(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && CLIENT_CODES.has(code)) {
      const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    const original = unwrapResolverError(error);
    // The database is down or restarting: say so (the pool reconnects by itself once it is back); log the code only.
    if (isDatabaseUnavailable(original)) {
      logger.warn({ err: { type: (original as Error)?.name, reason: unavailableReason(original) }, path: formatted.path }, 'the database is unavailable');
      return { message: DATABASE_UNAVAILABLE, locations: formatted.locations, path: formatted.path, extensions: { code: 'SERVICE_UNAVAILABLE' } };
    }
    // Log the error class and the stack's frames only: driver messages can quote row values, and knex puts the SQL
    // with its parameters into the message, over several lines, so the stack's first line is not all of it.
    const frames = (original as Error)?.stack?.split('\n').filter((line) => /^\s+at /.test(line)).slice(0, 5).join('\n');
    logger.error(
      { err: { type: (original as Error)?.name, stack: frames }, path: formatted.path },
      'internal error while resolving a GraphQL request',
    );
    return {
      message: 'Internal server error',
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}
