import { GraphQLError } from 'graphql';

/** A year and an inclusive month range. Rows with no month count only when the period is the whole year. */
export interface Period {
  year: number;
  fromMonth: number;
  toMonth: number;
}

export const MIN_YEAR = 1930;
export const MAX_YEAR = 2100;

export function isWholeYear(period: Pick<Period, 'fromMonth' | 'toMonth'>): boolean {
  return period.fromMonth === 1 && period.toMonth === 12;
}

export function periodKey(period: Period): string {
  return `${period.year}:${period.fromMonth}-${period.toMonth}`;
}

/** Checks a period coming from a client; throws a BAD_USER_INPUT error that says what is wrong. */
export function validatePeriod(input: { year: number; fromMonth?: number | null; toMonth?: number | null }): Period {
  const period = { year: input.year, fromMonth: input.fromMonth ?? 1, toMonth: input.toMonth ?? 12 };
  const problems: string[] = [];
  if (period.year < MIN_YEAR || period.year > MAX_YEAR) problems.push(`year ${period.year} is outside ${MIN_YEAR}–${MAX_YEAR}`);
  for (const field of ['fromMonth', 'toMonth'] as const) {
    if (period[field] < 1 || period[field] > 12) problems.push(`${field} ${period[field]} is not a month (1–12)`);
  }
  if (problems.length === 0 && period.fromMonth > period.toMonth) {
    problems.push(`fromMonth ${period.fromMonth} is after toMonth ${period.toMonth}`);
  }
  if (problems.length > 0) {
    throw new GraphQLError(`Invalid period: ${problems.join('; ')}.`, {
      extensions: { code: 'BAD_USER_INPUT', field: 'period' },
    });
  }
  return period;
}
