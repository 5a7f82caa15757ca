/**
 * The fact rows of one unit and year: campaigns, disciplinary actions and documents, drawn so that the whole looks
 * like real reporting. Counts per unit-year are Poisson around a rate that depends on the unit's kind, its
 * (heavy-tailed) activity and a yearly trend; dimensions are mixed, some unstated (empty cells), some rows only
 * known for the whole year (no month), quantities mostly 1 with a Pareto tail of published aggregates.
 *
 * Every row must pass the importer (src/import/validate.ts): bodies by kind (a party-building board only at
 * CENTRAL, PROVINCIAL or DISTRICT tier and never disciplining), forms by subject, categories only on MEMBER rows,
 * and no two rows of a file with the same key: a row identical to an earlier one of its unit and year gets an
 * external_id (two identical real records are two records).
 */
import { Tier, UnitKind } from '../org/kinds';
import { CADRE_CATEGORIES } from './names';
import { Random, Weighted } from './random';
import type { GenUnit } from './tree';

export const FACT_HEADERS = {
  'campaigns.csv': 'unit_code,year,month,body,activity,origin,status,quantity,external_id',
  'discipline.csv': 'unit_code,year,month,body,subject,form,categories,quantity,external_id',
  'documents.csv': 'unit_code,year,month,body,kind,quantity,external_id',
} as const;
export type FactFileName = keyof typeof FACT_HEADERS;
export const FACT_FILE_NAMES = Object.keys(FACT_HEADERS) as FactFileName[];

/** Expected rows per unit and year at activity 1, by kind: [campaigns, discipline, documents]. */
const RATES: Record<UnitKind, [number, number, number]> = {
  [UnitKind.CENTRAL_COMMITTEE]: [120, 25, 40],
  [UnitKind.PROVINCIAL_COMMITTEE]: [40, 12, 15],
  [UnitKind.DISTRICT_COMMITTEE]: [15, 6, 6],
  [UnitKind.TOWN_COMMITTEE]: [15, 6, 6],
  [UnitKind.CITY_COMMITTEE]: [16, 6, 7],
  [UnitKind.DIRECT_COMMITTEE]: [12, 4, 6],
  [UnitKind.GRASSROOTS_COMMITTEE]: [4.0, 1.2, 1.4],
  [UnitKind.GRASSROOTS_CELL]: [1.5, 0.4, 0.35],
  [UnitKind.SUB_COMMITTEE]: [1.2, 0.3, 0.3],
  [UnitKind.CELL]: [0.5, 0.13, 0.11],
};

/**
 * Yearly trend around 2019: inspection and discipline work grew by a few percent a year, with a dip in the
 * COVID-19 years 2020–2021.
 */
export function yearTrend(year: number): number {
  const growth = Math.min(1.6, Math.max(0.6, 1 + 0.03 * (year - 2019)));
  return growth * (year === 2020 ? 0.85 : year === 2021 ? 0.92 : 1);
}

type Role = 'upper' | 'committee' | 'sub' | 'cell';
function roleOf(kind: UnitKind): Role {
  switch (kind) {
    case UnitKind.GRASSROOTS_COMMITTEE:
      return 'committee';
    case UnitKind.SUB_COMMITTEE:
      return 'sub';
    case UnitKind.GRASSROOTS_CELL:
    case UnitKind.CELL:
      return 'cell';
    default:
      return 'upper'; // CENTRAL, PROVINCIAL and DISTRICT tier: the only ones with a party-building board
  }
}

const W = <T>(entries: [T, number][]) => new Weighted<T>(entries);

/** '' is an unstated body. */
const CAMPAIGN_BODY: Record<Role, Weighted<string>> = {
  upper: W([['COMMITTEE', 8], ['STANDING_COMMITTEE', 27], ['INSPECTION_COMMISSION', 45], ['PARTY_BUILDING_BOARD', 10], ['', 10]]),
  committee: W([['COMMITTEE', 30], ['STANDING_COMMITTEE', 20], ['INSPECTION_COMMISSION', 38], ['', 12]]),
  sub: W([['COMMITTEE', 65], ['PARTY_CELL', 15], ['', 20]]),
  cell: W([['PARTY_CELL', 88], ['', 12]]),
};
/** Discipline always names its body, and a party-building board never disciplines. */
const DISCIPLINE_BODY: Record<Role, Weighted<string>> = {
  upper: W([['COMMITTEE', 10], ['STANDING_COMMITTEE', 40], ['INSPECTION_COMMISSION', 50]]),
  committee: W([['COMMITTEE', 45], ['STANDING_COMMITTEE', 15], ['INSPECTION_COMMISSION', 40]]),
  sub: W([['COMMITTEE', 80], ['PARTY_CELL', 20]]),
  cell: W([['PARTY_CELL', 1]]),
};
const DOCUMENT_BODY: Record<Role, Weighted<string>> = {
  upper: W([['COMMITTEE', 12], ['STANDING_COMMITTEE', 45], ['INSPECTION_COMMISSION', 23], ['PARTY_BUILDING_BOARD', 10], ['', 10]]),
  committee: W([['COMMITTEE', 35], ['STANDING_COMMITTEE', 30], ['INSPECTION_COMMISSION', 20], ['', 15]]),
  sub: W([['COMMITTEE', 75], ['', 25]]),
  cell: W([['PARTY_CELL', 85], ['', 15]]),
};
/** Organizations are disciplined by the committees above them, hardly ever by a grassroots one, never by a cell. */
const ORGANIZATION_SHARE: Record<Role, number> = { upper: 0.07, committee: 0.02, sub: 0, cell: 0 };

const ACTIVITY = W([['INSPECTION', 52], ['SUPERVISION', 43], ['', 5]]);
const ORIGIN = W([['PROGRAMMED', 68], ['ARISING', 24], ['', 8]]);
/** Past years are mostly done; the last months of the last year still have work under way or planned. */
const STATUS_PAST = W([['COMPLETED', 91], ['CANCELLED', 3.5], ['IN_PROGRESS', 4], ['PLANNED', 1.5]]);
const STATUS_RECENT = W([['COMPLETED', 55], ['IN_PROGRESS', 30], ['PLANNED', 12], ['CANCELLED', 3]]);
const MEMBER_FORM = W([['REPRIMAND', 52], ['WARNING', 27], ['REMOVAL', 5], ['EXPULSION', 10], ['', 6]]);
const ORGANIZATION_FORM = W([['REPRIMAND', 55], ['WARNING', 30], ['DISSOLUTION', 5], ['', 10]]);
/** Months: fewer around Tết (January–February), more at the year-end review. */
const MONTH = W([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((m, i) => [String(m), [0.55, 0.45, 0.9, 1, 1, 1.05, 1.1, 0.95, 1, 1.1, 1.2, 1.5][i]]));

/** Category codes in the order the importer sorts them, so that identical rows are written identically. */
const CATEGORY_CODES = CADRE_CATEGORIES.map((c) => c.code).sort();
const CATEGORY_WEIGHT: Record<string, Record<Tier, number>> = {
  CENTRAL_MANAGED: { CENTRAL: 5, PROVINCIAL: 1.5, DISTRICT: 0.2, GRASSROOTS: 0.02, CELL: 0.01 },
  CIVIL_SERVANT: { CENTRAL: 2, PROVINCIAL: 3, DISTRICT: 4, GRASSROOTS: 4, CELL: 5 },
  COMMITTEE_MEMBER: { CENTRAL: 5, PROVINCIAL: 5, DISTRICT: 5, GRASSROOTS: 5, CELL: 3 },
  DISTRICT_MANAGED: { CENTRAL: 0.5, PROVINCIAL: 1.5, DISTRICT: 4, GRASSROOTS: 1.5, CELL: 0.5 },
  PROVINCE_MANAGED: { CENTRAL: 3, PROVINCIAL: 4, DISTRICT: 1.5, GRASSROOTS: 0.3, CELL: 0.1 },
};
/** How many categories a disciplined member is in (0–3): cadres of the upper tiers more often. */
const CATEGORY_COUNT: Record<Tier, Weighted<number>> = {
  CENTRAL: W([[0, 35], [1, 35], [2, 22], [3, 8]]),
  PROVINCIAL: W([[0, 35], [1, 35], [2, 22], [3, 8]]),
  DISTRICT: W([[0, 60], [1, 25], [2, 12], [3, 3]]),
  GRASSROOTS: W([[0, 75], [1, 18], [2, 6], [3, 1]]),
  CELL: W([[0, 85], [1, 12], [2, 3], [3, 0]]),
};

/** Tier-dependent shapes: upper tiers report more whole-year rows and more aggregates. */
const NO_MONTH: Record<Tier, number> = { CENTRAL: 0.22, PROVINCIAL: 0.22, DISTRICT: 0.2, GRASSROOTS: 0.12, CELL: 0.08 };
const AGGREGATE: Record<Tier, [withMonth: number, wholeYear: number, cap: number]> = {
  CENTRAL: [0.2, 0.6, 1000],
  PROVINCIAL: [0.2, 0.6, 1000],
  DISTRICT: [0.15, 0.5, 500],
  GRASSROOTS: [0.08, 0.35, 100],
  CELL: [0.04, 0.2, 20],
};

/** Where generated rows go: one line (without its newline) per row, for each file. */
export interface RowSink {
  row(file: FactFileName, line: string, quantity: number, discipline?: { member: boolean; categories: number }): void;
}

export class FactGenerator {
  private readonly seen = new Set<string>();
  private readonly categoryWeights: Record<Tier, Weighted<number>>;

  constructor(
    private readonly random: Random,
    private readonly lastYear: number,
  ) {
    const tiers = Object.keys(CATEGORY_COUNT) as Tier[];
    this.categoryWeights = Object.fromEntries(
      tiers.map((t) => [t, W(CATEGORY_CODES.map((c, i) => [i, CATEGORY_WEIGHT[c][t]]))]),
    ) as Record<Tier, Weighted<number>>;
  }

  /** Writes the rows of one unit for one year to `sink`. */
  unitYear(u: GenUnit, year: number, sink: RowSink): void {
    const r = this.random;
    const [campaigns, discipline, documents] = RATES[u.kind];
    const scale = u.activity * yearTrend(year);
    const role = roleOf(u.kind);
    const prefix = `${u.code},${year},`;

    let n = r.poisson(campaigns * scale);
    this.seen.clear();
    for (let i = 0; i < n; i++) {
      const month = this.month(u.tier);
      const quantity = this.quantity(u.tier, month === '');
      const recent = year === this.lastYear && (month === '' || Number(month) >= 9);
      const status = (recent ? STATUS_RECENT : STATUS_PAST).draw(r);
      const core = `${prefix}${month},${CAMPAIGN_BODY[role].draw(r)},${ACTIVITY.draw(r)},${ORIGIN.draw(r)},${status},${quantity},`;
      sink.row('campaigns.csv', this.identify(core, u.code, year, 'C', i), quantity);
    }

    n = r.poisson(discipline * scale);
    this.seen.clear();
    for (let i = 0; i < n; i++) {
      const month = this.month(u.tier);
      const organization = r.chance(ORGANIZATION_SHARE[role]);
      // Organizations are counted one by one; members are sometimes reported in aggregate.
      const quantity = organization ? 1 : this.quantity(u.tier, month === '');
      const form = (organization ? ORGANIZATION_FORM : MEMBER_FORM).draw(r);
      const categories = organization ? '' : this.categories(u.tier);
      const core = `${prefix}${month},${DISCIPLINE_BODY[role].draw(r)},${organization ? 'ORGANIZATION' : 'MEMBER'},${form},${categories},${quantity},`;
      const count = categories === '' ? 0 : categories.split(';').length;
      sink.row('discipline.csv', this.identify(core, u.code, year, 'K', i), quantity, { member: !organization, categories: count });
    }

    n = r.poisson(documents * scale);
    this.seen.clear();
    for (let i = 0; i < n; i++) {
      const month = this.month(u.tier);
      const quantity = this.quantity(u.tier, month === '');
      const body = DOCUMENT_BODY[role].draw(r);
      // Inspection commissions mostly issue guidance; committees mostly directives.
      const kind = r.chance(body === 'INSPECTION_COMMISSION' ? 0.35 : 0.6) ? 'DIRECTIVE' : 'GUIDANCE';
      const core = `${prefix}${month},${body},${kind},${quantity},`;
      sink.row('documents.csv', this.identify(core, u.code, year, 'V', i), quantity);
    }
  }

  private month(tier: Tier): string {
    return this.random.chance(NO_MONTH[tier]) ? '' : MONTH.draw(this.random);
  }

  private quantity(tier: Tier, wholeYear: boolean): number {
    const [withMonth, yearly, cap] = AGGREGATE[tier];
    return this.random.chance(wholeYear ? yearly : withMonth) ? this.random.paretoInt(2, 1.4, cap) : 1;
  }

  /** 0–3 distinct cadre categories, `;`-separated in sorted order. */
  private categories(tier: Tier): string {
    const k = CATEGORY_COUNT[tier].draw(this.random);
    if (k === 0) return '';
    const picked: number[] = [];
    while (picked.length < k) {
      const i = this.categoryWeights[tier].draw(this.random);
      if (!picked.includes(i)) picked.push(i);
    }
    return picked
      .sort((a, b) => a - b)
      .map((i) => CATEGORY_CODES[i])
      .join(';');
  }

  /**
   * The row as written: the importer keys a row without external_id by all its other columns, so a row equal to
   * an earlier one of the same unit and year (the key includes both) gets a unique external_id instead.
   */
  private identify(core: string, code: string, year: number, letter: string, i: number): string {
    if (!this.seen.has(core)) {
      this.seen.add(core);
      return core;
    }
    return `${core}${code}-${year}-${letter}${i + 1}`;
  }
}
