/**
 * The `Date` scalar: a calendar date as "YYYY-MM-DD", kept as a string end to end (a JS Date would carry a time
 * and a time zone that a party calendar date does not have).
 */
import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { parseIsoDate } from './dates';

function parse(value: unknown): string {
  const date = typeof value === 'string' ? parseIsoDate(value) : null;
  if (date === null) {
    throw new GraphQLError(`Date must be a calendar date as "YYYY-MM-DD", got ${JSON.stringify(value)}.`, {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return date;
}

export const DateScalar = new GraphQLScalarType<string, string>({
  name: 'Date',
  description: 'A calendar date, "YYYY-MM-DD" (ISO 8601), without time or time zone.',
  serialize: (value) => parse(value),
  parseValue: (value) => parse(value),
  parseLiteral: (ast) => parse(ast.kind === Kind.STRING ? ast.value : undefined),
});
