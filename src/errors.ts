/**
 * Typed errors with codes, and the one formatError mapper: clients get a message and `extensions.code`,
 * never a stack trace or SQL text. Anything unexpected becomes INTERNAL_SERVER_ERROR and is logged here.
 */
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import type { Logger } from './logger';

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
    // Log the error class and stack only: driver messages can quote row values.
    logger.error(
      { err: { type: (original as Error)?.name, stack: (original as Error)?.stack?.split('\n').slice(1, 6).join('\n') }, path: formatted.path },
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
