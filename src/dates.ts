/**
 * Calendar dates as ISO strings ("2025-07-01"), which compare correctly as strings. In SQL an open start or end
 * of an interval is '-infinity' / 'infinity'; in the API and in files it is empty (null).
 */
export const OPEN_START = '-infinity';
export const OPEN_END = 'infinity';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The date if `raw` is a real calendar date in YYYY-MM-DD form, else null. */
export function parseIsoDate(raw: string): string | null {
  const m = ISO_DATE.exec(raw);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d ? raw : null;
}

export function addDays(iso: string, days: number): string {
  const date = new Date(`${iso}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** First and last day of a month, or of a year when month is null; `end` is the day after the last. */
export interface PeriodBounds {
  readonly first: string;
  readonly last: string;
  readonly end: string;
}

/**
 * Computed once per month: an import places millions of facts, each on its month's bounds (through Date objects,
 * 13.5% of the CPU time of staging the national campaigns before this cache). At most 13 entries per year.
 */
const PERIOD_BOUNDS = new Map<number, PeriodBounds>();

/** First and last day of a month, or of a year when month is null (and the day after the last). */
export function periodBounds(year: number, month: number | null): PeriodBounds {
  const key = year * 13 + (month ?? 0);
  let bounds = PERIOD_BOUNDS.get(key);
  if (!bounds) {
    const pad = (n: number) => String(n).padStart(2, '0');
    const first = month === null ? `${year}-01-01` : `${year}-${pad(month)}-01`;
    const end = month === null || month === 12 ? `${year + 1}-01-01` : `${year}-${pad(month + 1)}-01`;
    bounds = { first, last: addDays(end, -1), end };
    PERIOD_BOUNDS.set(key, bounds);
  }
  return bounds;
}

/** The days of months fromMonth–toMonth of a year, as an interval [first day, day after the last). */
export function monthsInterval(year: number, fromMonth: number, toMonth: number): Interval {
  return { from: periodBounds(year, fromMonth).first, to: periodBounds(year, toMonth).end };
}

/** "2023" for a year, "2023-03" for a month of it: how errors name a fact's period. */
export function periodLabel(year: number, month: number | null): string {
  return month === null ? `${year}` : `${year}-${String(month).padStart(2, '0')}`;
}

/** Today's date in a time zone (the party's calendar is Vietnam's: Asia/Ho_Chi_Minh by default). */
export function todayIn(timeZone: string): string {
  let format = DAY_FORMATS.get(timeZone);
  if (!format) {
    // en-CA formats as YYYY-MM-DD.
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    DAY_FORMATS.set(timeZone, format);
  }
  return format.format(new Date());
}

/** One formatter per time zone: making one costs more than the rest of a small request's work (seen in CPU profiles). */
const DAY_FORMATS = new Map<string, Intl.DateTimeFormat>();

/** SQL's '-infinity' / 'infinity' → null, for the API. */
export function openToNull(date: string): string | null {
  return date === OPEN_START || date === OPEN_END ? null : date;
}

/**
 * An interval [from, to) of days; null = open. Comparisons treat null `from` as before every day and null `to`
 * as after every day.
 */
export interface Interval {
  from: string | null;
  to: string | null;
}

export function contains(interval: Interval, day: string): boolean {
  return (interval.from === null || interval.from <= day) && (interval.to === null || day < interval.to);
}

/** Do [a.from, a.to) and [b.from, b.to) share a day? */
export function overlaps(a: Interval, b: Interval): boolean {
  return (a.from === null || b.to === null || a.from < b.to) && (b.from === null || a.to === null || b.from < a.to);
}

export function formatInterval(i: Interval): string {
  return `${i.from ?? '(open)'} – ${i.to ?? '(open)'}`;
}
