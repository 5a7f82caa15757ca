/**
 * Reconciliation: every published figure of a unit and year beside the figure the rollup computes for the same
 * unit, months and metric (default tree semantics), and the rules a set of published figures must keep.
 *
 * - MATCH: the value agrees (EXACT: equal; AT_LEAST: the computed value is at least the stated one) and so does
 *   the stated percent, if any.
 * - MISMATCH: the value or the percent differs.
 * - NO_DATA: nothing is recorded in the figure's section (campaigns, discipline or documents) for that unit's
 *   subtree and months, so there is nothing to compare with.
 * Rule breaches are about the published figures themselves, whatever the data: a year-to-date figure (same
 * metric, same first month) that shrinks from one period to a longer one.
 */
import type { Context } from '../context';
import { pgArray, queryRows } from '../sql';
import { loadSections, type HeadlineSections } from '../rollup/series';
import { parseMetric } from './metrics';

export type FigureStatus = 'MATCH' | 'MISMATCH' | 'NO_DATA';

export interface ReconciledFigure {
  externalId: string | null;
  metric: string;
  year: number;
  fromMonth: number;
  toMonth: number;
  stated: number;
  bound: 'EXACT' | 'AT_LEAST';
  statedPercent: number | null;
  computed: number | null;
  computedPercent: number | null;
  status: FigureStatus;
  valueMatches: boolean | null;
  percentMatches: boolean | null;
  source: string;
  note: string | null;
}

export interface RuleBreach {
  rule: 'YEAR_TO_DATE_DECREASE';
  message: string;
  figures: ReconciledFigure[];
}

export interface Reconciliation {
  unitId: number;
  year: number;
  figures: ReconciledFigure[];
  breaches: RuleBreach[];
}

function hasData(section: keyof HeadlineSections, r: HeadlineSections): boolean {
  if (section === 'campaigns') return r.campaigns.total > 0;
  if (section === 'documents') return r.documents.total > 0;
  return r.discipline.organizations + r.discipline.members > 0;
}

export async function reconcile(ctx: Context, unitId: number, year: number): Promise<Reconciliation> {
  const rows = await queryRows(
    ctx.em,
    `select external_id, metric, year, from_month, to_month, value, bound, percent::float8 as percent, source, note
     from reported_figures where unit_id = any(?::int[]) and year = ? order by from_month, to_month, metric, id`,
    [pgArray([unitId]), year],
  );
  // Loaded together: one statement per section and month range, whatever the number of figures.
  const computed = await Promise.all(
    rows.map((r) => loadSections(ctx, { unitId, period: { year, fromMonth: r.from_month, toMonth: r.to_month }, asOf: null })),
  );
  const figures = rows.map((r, i): ReconciledFigure => {
    const metric = parseMetric(r.metric);
    const stated = Number(r.value);
    const statedPercent = r.percent === null ? null : Number(r.percent);
    const base = {
      externalId: r.external_id,
      metric: r.metric,
      year,
      fromMonth: r.from_month,
      toMonth: r.to_month,
      stated,
      bound: r.bound,
      statedPercent,
      source: r.source,
      note: r.note,
    };
    if (!hasData(metric.section, computed[i])) {
      return { ...base, computed: null, computedPercent: null, status: 'NO_DATA', valueMatches: null, percentMatches: null };
    }
    const { value, percent } = metric.read(computed[i]);
    const valueMatches = r.bound === 'AT_LEAST' ? value >= stated : value === stated;
    const percentMatches = statedPercent === null ? null : percent === statedPercent;
    const status = valueMatches && percentMatches !== false ? 'MATCH' : 'MISMATCH';
    return { ...base, computed: value, computedPercent: metric.hasPercent ? percent : null, status, valueMatches, percentMatches };
  });
  return { unitId, year, figures, breaches: yearToDateDecreases(figures) };
}

/**
 * Same metric, same first month, a later last month: the later figure covers the earlier period, so it cannot be
 * smaller. Breached when the earlier figure's lower bound exceeds the later one's upper bound (an AT_LEAST
 * figure has none).
 */
function yearToDateDecreases(figures: ReconciledFigure[]): RuleBreach[] {
  const breaches: RuleBreach[] = [];
  for (const a of figures) {
    for (const b of figures) {
      if (a.metric !== b.metric || a.fromMonth !== b.fromMonth || a.toMonth >= b.toMonth) continue;
      if (b.bound === 'EXACT' && a.stated > b.stated) {
        breaches.push({
          rule: 'YEAR_TO_DATE_DECREASE',
          message:
            `${a.metric}: ${a.bound === 'AT_LEAST' ? 'at least ' : ''}${a.stated} for months ${a.fromMonth}–${a.toMonth} ` +
            `but ${b.stated} for months ${b.fromMonth}–${b.toMonth}; a count from month ${a.fromMonth} cannot shrink as the period grows`,
          figures: [a, b],
        });
      }
    }
  }
  return breaches;
}
