/**
 * Metric codes of reported_figures.csv: each names one number of a rollup (docs/dataset-format.md lists them).
 *
 *   CAMPAIGNS_TOTAL | _COMPLETED | _CANCELLED | _PROGRAMMED | _ARISING
 *   CAMPAIGNS_TOTAL.TIER.<Tier>   CAMPAIGNS_COMPLETED.TIER.<Tier>   (also .BODY.<Body>)
 *   DISCIPLINED_ORGANIZATIONS | DISCIPLINED_MEMBERS, optionally .AUTHORITY.<Authority> or .FORM.<Form>
 *   DISCIPLINED_MEMBERS.CATEGORY.<category>   DISCIPLINED_MEMBERS.AUTHORITY.<Authority>.CATEGORY.<category>
 *   DOCUMENTS_TOTAL | DOCUMENTS_DIRECTIVES | DOCUMENTS_GUIDANCE
 *
 * Only CATEGORY metrics have a percent: the category's share of the members of the same entry, as the rollup has it.
 */
import { Tier } from '../org/kinds';
import { Authority, Body, DisciplineForm } from '../facts/enums';
import type { HeadlineSections } from '../rollup/series';

export type Section = 'campaigns' | 'discipline' | 'documents';

export interface Metric {
  code: string;
  section: Section;
  /** Reads the metric's value and (category metrics only) percent from a rollup. */
  read(r: HeadlineSections): { value: number; percent: number | null };
  /** The cadre category a CATEGORY metric is about. */
  category?: string;
  hasPercent: boolean;
}

const CAMPAIGN_COUNTS = { TOTAL: 'total', COMPLETED: 'completed', CANCELLED: 'cancelled', PROGRAMMED: 'programmed', ARISING: 'arising' } as const;
const DOCUMENT_COUNTS = { TOTAL: 'total', DIRECTIVES: 'directives', GUIDANCE: 'guidance' } as const;

const plain = (code: string, section: Section, read: (r: HeadlineSections) => number): Metric => ({
  code,
  section,
  hasPercent: false,
  read: (r) => ({ value: read(r), percent: null }),
});

function member<T extends string>(values: readonly T[], raw: string | undefined, what: string): T {
  if (raw === undefined || !(values as readonly string[]).includes(raw)) {
    throw new Error(`${raw === undefined ? `a ${what} is missing` : `"${raw}" is not a ${what}`} (one of ${values.join(', ')})`);
  }
  return raw as T;
}

/** Parses a metric code; throws an Error whose message says what is wrong. */
export function parseMetric(code: string): Metric {
  const [head, ...rest] = code.split('.');
  const campaign = /^CAMPAIGNS_(TOTAL|COMPLETED|CANCELLED|PROGRAMMED|ARISING)$/.exec(head);
  if (campaign) {
    const count = CAMPAIGN_COUNTS[campaign[1] as keyof typeof CAMPAIGN_COUNTS];
    if (rest.length === 0) return plain(code, 'campaigns', (r) => r.campaigns[count]);
    if (count !== 'total' && count !== 'completed') throw new Error(`${head} has no breakdown; only CAMPAIGNS_TOTAL and CAMPAIGNS_COMPLETED do`);
    if (rest.length === 2 && rest[0] === 'TIER') {
      const tier = member(Object.values(Tier), rest[1], 'tier');
      return plain(code, 'campaigns', (r) => r.campaigns.byTier.find((t) => t.tier === tier)![count]);
    }
    if (rest.length === 2 && rest[0] === 'BODY') {
      const body = member(Object.values(Body), rest[1], 'body');
      return plain(code, 'campaigns', (r) => r.campaigns.byBody.find((b) => b.body === body)![count]);
    }
    throw new Error(`after ${head} expected .TIER.<tier> or .BODY.<body>`);
  }
  const document = /^DOCUMENTS_(TOTAL|DIRECTIVES|GUIDANCE)$/.exec(head);
  if (document) {
    if (rest.length > 0) throw new Error(`${head} has no breakdown`);
    const count = DOCUMENT_COUNTS[document[1] as keyof typeof DOCUMENT_COUNTS];
    return plain(code, 'documents', (r) => r.documents[count]);
  }
  const discipline = /^DISCIPLINED_(ORGANIZATIONS|MEMBERS)$/.exec(head);
  if (discipline) {
    const count = discipline[1] === 'ORGANIZATIONS' ? 'organizations' : 'members';
    let authority: Authority | undefined;
    let parts = rest;
    if (parts[0] === 'AUTHORITY') {
      authority = member(Object.values(Authority), parts[1], 'authority');
      parts = parts.slice(2);
    } else if (parts[0] === 'FORM') {
      const form = member(Object.values(DisciplineForm), parts[1], 'discipline form');
      if (parts.length > 2) throw new Error(`nothing may follow .FORM.${form}`);
      return plain(code, 'discipline', (r) => r.discipline.byForm.find((f) => f.form === form)![count]);
    }
    const entry = (r: HeadlineSections) => (authority ? r.discipline.byAuthority.find((a) => a.authority === authority)! : r.discipline);
    if (parts.length === 0) return plain(code, 'discipline', (r) => entry(r)[count]);
    if (parts[0] === 'CATEGORY' && parts.length === 2 && parts[1] !== '') {
      if (count !== 'members') throw new Error('cadre categories apply to DISCIPLINED_MEMBERS only');
      const category = parts[1];
      return {
        code,
        section: 'discipline',
        category,
        hasPercent: true,
        read: (r) => {
          const share = entry(r).membersByCategory.find((c) => c.category.code === category);
          return { value: share?.count ?? 0, percent: share?.percent ?? null };
        },
      };
    }
    throw new Error(`after ${[head, ...rest.slice(0, rest.length - parts.length)].join('.')} expected ${authority ? '' : '.AUTHORITY.<authority>, .FORM.<form> or '}.CATEGORY.<category code>`);
  }
  throw new Error(`"${head}" is not a metric (CAMPAIGNS_…, DISCIPLINED_…, DOCUMENTS_…; see docs/dataset-format.md)`);
}
