/**
 * Writes the Quảng Ninh reference dataset (seeds/quang-ninh-2023/) in the interchange format: the organization tree
 * with its history from 2020 to the 2025 two-tier structure, the 2023 facts, and the published figures they must
 * reconcile with. Deterministic: the same output on every run (no randomness, no clock). See
 * seeds/quang-ninh-2023/SOURCE.md for what is published and what is an illustrative allocation.
 *
 *   npm run build && node dist/seeds/generate-quang-ninh-2023.js seeds/quang-ninh-2023
 *
 * Before writing, the generator checks its own invariants (see checkUnits, checkReported) and throws if one fails.
 */
import fs from 'node:fs';
import path from 'node:path';

interface Committee {
  code: string;
  name: string;
  kind: 'CITY_COMMITTEE' | 'TOWN_COMMITTEE' | 'DISTRICT_COMMITTEE' | 'DIRECT_COMMITTEE';
  /** Grassroots organizations under it (illustrative; they add up to the published 696). */
  grassroots: number;
  /** What its grassroots units are: communes and wards of a locality, or agencies and enterprises. */
  locality: 'city' | 'town' | 'district' | null;
}

/** The 20 committees directly under the Tỉnh ủy in 2023, with their real names and kinds. */
export const COMMITTEES: Committee[] = [
  { code: 'QN.HL', name: 'Đảng bộ thành phố Hạ Long', kind: 'CITY_COMMITTEE', grassroots: 90, locality: 'city' },
  { code: 'QN.CP', name: 'Đảng bộ thành phố Cẩm Phả', kind: 'CITY_COMMITTEE', grassroots: 60, locality: 'city' },
  { code: 'QN.UB', name: 'Đảng bộ thành phố Uông Bí', kind: 'CITY_COMMITTEE', grassroots: 45, locality: 'city' },
  { code: 'QN.MC', name: 'Đảng bộ thành phố Móng Cái', kind: 'CITY_COMMITTEE', grassroots: 40, locality: 'city' },
  { code: 'QN.QY', name: 'Đảng bộ thị xã Quảng Yên', kind: 'TOWN_COMMITTEE', grassroots: 45, locality: 'town' },
  { code: 'QN.DT', name: 'Đảng bộ thị xã Đông Triều', kind: 'TOWN_COMMITTEE', grassroots: 45, locality: 'town' },
  { code: 'QN.VD', name: 'Đảng bộ huyện Vân Đồn', kind: 'DISTRICT_COMMITTEE', grassroots: 30, locality: 'district' },
  { code: 'QN.CT', name: 'Đảng bộ huyện Cô Tô', kind: 'DISTRICT_COMMITTEE', grassroots: 10, locality: 'district' },
  { code: 'QN.TY', name: 'Đảng bộ huyện Tiên Yên', kind: 'DISTRICT_COMMITTEE', grassroots: 28, locality: 'district' },
  { code: 'QN.BL', name: 'Đảng bộ huyện Bình Liêu', kind: 'DISTRICT_COMMITTEE', grassroots: 18, locality: 'district' },
  { code: 'QN.DH', name: 'Đảng bộ huyện Đầm Hà', kind: 'DISTRICT_COMMITTEE', grassroots: 22, locality: 'district' },
  { code: 'QN.HH', name: 'Đảng bộ huyện Hải Hà', kind: 'DISTRICT_COMMITTEE', grassroots: 28, locality: 'district' },
  { code: 'QN.BC', name: 'Đảng bộ huyện Ba Chẽ', kind: 'DISTRICT_COMMITTEE', grassroots: 18, locality: 'district' },
  { code: 'QN.KCQ', name: 'Đảng bộ Khối các cơ quan tỉnh', kind: 'DIRECT_COMMITTEE', grassroots: 80, locality: null },
  { code: 'QN.KDN', name: 'Đảng bộ Khối doanh nghiệp tỉnh', kind: 'DIRECT_COMMITTEE', grassroots: 45, locality: null },
  { code: 'QN.QS', name: 'Đảng bộ Quân sự tỉnh', kind: 'DIRECT_COMMITTEE', grassroots: 25, locality: null },
  { code: 'QN.CA', name: 'Đảng bộ Công an tỉnh', kind: 'DIRECT_COMMITTEE', grassroots: 30, locality: null },
  { code: 'QN.BP', name: 'Đảng bộ Bộ đội Biên phòng tỉnh', kind: 'DIRECT_COMMITTEE', grassroots: 20, locality: null },
  { code: 'QN.TQN', name: 'Đảng bộ Than Quảng Ninh', kind: 'DIRECT_COMMITTEE', grassroots: 12, locality: null },
  {
    code: 'QN.X20',
    name: 'Đảng bộ trực thuộc Tỉnh ủy thứ 20 (tên chưa xác định trong nguồn công khai)',
    kind: 'DIRECT_COMMITTEE',
    grassroots: 5,
    locality: null,
  },
];

const GRASSROOTS_TOTAL = 696;
const CELLS_TOTAL = 4971;

// ---------------------------------------------------------------------------------------------------------------
// History (figures.md, "Changes over time"). Dates are ISO days; a row's valid_to is exclusive; null = open.
// ---------------------------------------------------------------------------------------------------------------

/** Hoành Bồ district merged into Hạ Long city. */
export const HOANH_BO_MERGED = '2020-01-01';
/** Đông Triều town (thị xã) became a city (thành phố). */
export const DONG_TRIEU_CITY = '2024-11-01';
/** The district level was abolished: 54 commune-level committees and 5 committees directly under the province. */
export const TWO_TIER = '2025-07-01';
/** Every 2023 fact has an empty month: its reference day is the last day of the year. */
export const REFERENCE_DAY = '2023-12-31';

/** The district committee that ended when Hoành Bồ merged into Hạ Long. */
const HOANH_BO = { code: 'QN.HB', name: 'Đảng bộ huyện Hoành Bồ', kind: 'DISTRICT_COMMITTEE' as const };
/** Hạ Long's grassroots organizations QN.HL.G078…G090 (the last 13) were Hoành Bồ's until 2020. */
const HOANH_BO_FROM_INDEX = 78;
/**
 * Real names of Hoành Bồ's commune-level units, given in this order to the 10 grassroots committees among those 13
 * (the other 3 are agency chi bộ cơ sở in the 2023 layout, which must not change). [until 2020, from 2020]: thị trấn
 * Trới was upgraded to a ward on the merger (phường Hoành Bồ); the communes kept their names.
 */
const HOANH_BO_COMMUNES: [string, string][] = [
  ['Đảng bộ thị trấn Trới', 'Đảng bộ phường Hoành Bồ'],
  ['Đảng bộ xã Lê Lợi', 'Đảng bộ xã Lê Lợi'],
  ['Đảng bộ xã Thống Nhất', 'Đảng bộ xã Thống Nhất'],
  ['Đảng bộ xã Sơn Dương', 'Đảng bộ xã Sơn Dương'],
  ['Đảng bộ xã Dân Chủ', 'Đảng bộ xã Dân Chủ'],
  ['Đảng bộ xã Quảng La', 'Đảng bộ xã Quảng La'],
  ['Đảng bộ xã Bằng Cả', 'Đảng bộ xã Bằng Cả'],
  ['Đảng bộ xã Tân Dân', 'Đảng bộ xã Tân Dân'],
  ['Đảng bộ xã Hòa Bình', 'Đảng bộ xã Hòa Bình'],
  ['Đảng bộ xã Vũ Oai', 'Đảng bộ xã Vũ Oai'],
];

/** Đông Triều's second version, from DONG_TRIEU_CITY. */
const DONG_TRIEU = { code: 'QN.DT', name: 'Đảng bộ thành phố Đông Triều', kind: 'CITY_COMMITTEE' as const };

/** The commune-level party committees from TWO_TIER: codes QN.XA01…QN.XA54, directly under QN. */
export const COMMUNES_2025 = 54;
/** Vân Đồn and Cô Tô became special zones (đặc khu): exactly one commune-level committee each. */
const SPECIAL_ZONES: Record<string, string> = {
  'QN.VD': 'Đảng bộ đặc khu Vân Đồn',
  'QN.CT': 'Đảng bộ đặc khu Cô Tô',
};
/** New committees directly under QN from TWO_TIER (with QN.QS, QN.CA, QN.BP, which continue unchanged). */
const DIRECT_2025 = [
  { code: 'QN.CQD', name: 'Đảng bộ các cơ quan Đảng tỉnh', kind: 'DIRECT_COMMITTEE' as const },
  { code: 'QN.UBND', name: 'Đảng bộ Ủy ban nhân dân tỉnh', kind: 'DIRECT_COMMITTEE' as const },
];
/** The 2023 direct committees that end on TWO_TIER, and their successor (null: none). The others continue. */
const DIRECT_FATE_2025: Record<string, string | null> = {
  'QN.KCQ': 'QN.CQD',
  'QN.KDN': 'QN.UBND',
  'QN.TQN': 'QN.UBND',
  'QN.X20': null,
};
/** The national root. Not QN's parent: the dataset holds one province only (see SOURCE.md). */
const CENTRAL = { code: 'TW', name: 'Ban Chấp hành Trung ương Đảng', kind: 'CENTRAL_COMMITTEE' as const };

/** The tier of each kind, as in src/org/kinds.ts (kept standalone: the generator imports nothing from src/). */
const TIER_OF_KIND = {
  CENTRAL_COMMITTEE: 'CENTRAL',
  PROVINCIAL_COMMITTEE: 'PROVINCIAL',
  DISTRICT_COMMITTEE: 'DISTRICT',
  TOWN_COMMITTEE: 'DISTRICT',
  CITY_COMMITTEE: 'DISTRICT',
  DIRECT_COMMITTEE: 'DISTRICT',
  GRASSROOTS_COMMITTEE: 'GRASSROOTS',
  GRASSROOTS_CELL: 'GRASSROOTS',
  SUB_COMMITTEE: 'CELL',
  CELL: 'CELL',
} as const;
type Kind = keyof typeof TIER_OF_KIND;

/** One row of units.csv: one version of a unit, valid over [from, to) (null = open). */
export interface UnitRow {
  code: string;
  parent: string | null;
  name: string;
  kind: Kind;
  from: string | null;
  to: string | null;
  successor: string | null;
}

function unitRow(code: string, parent: string | null, name: string, kind: Kind, from: string | null = null, to: string | null = null, successor: string | null = null): UnitRow {
  return { code, parent, name, kind, from, to, successor };
}

/**
 * The 54 commune-level committees of TWO_TIER, each tied to the former locality it is drawn from: one special zone
 * each for Vân Đồn and Cô Tô, the other 52 apportioned over the other 11 localities in proportion to their number of
 * grassroots organizations. Names other than the special zones' are illustrative ("Đảng bộ phường Hạ Long 1").
 */
export function communes2025(): { code: string; name: string; former: string }[] {
  const localities = COMMITTEES.filter((c) => c.locality);
  const ordinary = localities.filter((c) => !SPECIAL_ZONES[c.code]);
  const counts = apportion(COMMUNES_2025 - Object.keys(SPECIAL_ZONES).length, ordinary.map((c) => c.grassroots));
  const out: { name: string; former: string }[] = [];
  for (const c of localities) {
    if (SPECIAL_ZONES[c.code]) {
      out.push({ name: SPECIAL_ZONES[c.code], former: c.code });
      continue;
    }
    const place = c.name.replace(/^Đảng bộ (thành phố|thị xã|huyện) /, '');
    const level = c.locality === 'district' ? 'xã' : 'phường';
    const n = counts[ordinary.indexOf(c)];
    for (let k = 1; k <= n; k++) out.push({ name: `Đảng bộ ${level} ${place} ${k}`, former: c.code });
  }
  return out.map((x, i) => ({ code: `QN.XA${String(i + 1).padStart(2, '0')}`, ...x }));
}

/** Largest-remainder (Hamilton) apportionment of `total` in proportion to `weights`; ties go to the earlier item. */
export function apportion(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const quotas = weights.map((w) => (total * w) / sum);
  const shares = quotas.map(Math.floor);
  const order = quotas.map((q, i) => ({ i, r: q - Math.floor(q) })).sort((a, b) => b.r - a.r || a.i - b.i);
  const missing = total - shares.reduce((a, b) => a + b, 0);
  for (let k = 0; k < missing; k++) shares[order[k].i]++;
  return shares;
}

const NAME_PARTS = ['An', 'Bình', 'Hòa', 'Thắng', 'Lợi', 'Phong', 'Hải', 'Đông', 'Tây', 'Nam', 'Bắc', 'Tân', 'Yên', 'Thịnh', 'Hưng', 'Quang', 'Minh', 'Thành', 'Trung', 'Hồng'];
/** A generated place name, unique within a committee: "Hòa Bình", "Tân An"… */
function placeName(i: number): string {
  const a = NAME_PARTS[i % NAME_PARTS.length];
  const b = NAME_PARTS[(Math.floor(i / NAME_PARTS.length) + 1 + i) % NAME_PARTS.length];
  return a === b ? `${a} ${Math.floor(i / NAME_PARTS.length) + 1}` : `${a} ${b}`;
}

interface Grassroots {
  code: string;
  parent: string;
  name: string;
  kind: 'GRASSROOTS_COMMITTEE' | 'GRASSROOTS_CELL';
  cellWeight: number;
  /** For Hoành Bồ's former units: the name under QN.HB, until HOANH_BO_MERGED. */
  formerName?: string;
}

function csv(rows: (string | number | null)[][]): string {
  const cell = (v: string | number | null) => {
    const s = v === null ? '' : String(v).normalize('NFC');
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return rows.map((r) => r.map(cell).join(',')).join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------------------------
// Published figures (reported_figures.csv): every figure of figures.md, as printed, with its source.
// ---------------------------------------------------------------------------------------------------------------

export interface ReportedFigure {
  id: string;
  unit: string;
  year: number;
  fromMonth: number;
  toMonth: number;
  metric: string;
  value: number;
  bound: 'EXACT' | 'AT_LEAST';
  /** The share printed next to a category figure, one decimal, as printed (even when wrong). */
  percent: string | null;
  source: string;
  note: string | null;
}

const SOURCE_QN_2023 = 'Thanh tra (thanhtra.com.vn), "Quảng Ninh thi hành kỷ luật 21 tổ chức Đảng, 399 đảng viên"';
const SOURCE_QN_2023_9M = 'Thanh Niên (thanhnien.vn), "Quảng Ninh: 272 đảng viên bị thi hành kỷ luật"';
const SOURCE_QN_2024_6M = 'Thanh tra (thanhtra.com.vn), "Quảng Ninh thi hành kỷ luật 3 tổ chức đảng và 212 đảng viên"';
const SOURCE_TW_2021 = 'Pháp Luật TP.HCM (plo.vn)';
const SOURCE_TW_2022 = 'Đài Phát thanh và Truyền hình Thái Nguyên (thainguyentv.vn)';
const SOURCE_TW_2023 = 'Sài Gòn Giải Phóng (sggp.org.vn)';

const PC = 'AUTHORITY.PARTY_COMMITTEES';
const IC = 'AUTHORITY.INSPECTION_COMMISSIONS';
const CM = 'CATEGORY.COMMITTEE_MEMBER';
const NATIONAL = 'national figure; the dataset holds no units under TW, so it reconciles as NO_DATA';
const MORE_THAN = 'printed as "hơn" (more than): a lower bound';

function figure(
  id: string,
  unit: string,
  year: number,
  [fromMonth, toMonth]: [number, number],
  metric: string,
  value: number,
  source: string,
  opts: { bound?: 'EXACT' | 'AT_LEAST'; percent?: string; note?: string } = {},
): ReportedFigure {
  return { id, unit, year, fromMonth, toMonth, metric, value, bound: opts.bound ?? 'EXACT', percent: opts.percent ?? null, source, note: opts.note ?? null };
}

const YEAR: [number, number] = [1, 12];
const NINE_MONTHS: [number, number] = [1, 9];
const HALF_YEAR: [number, number] = [1, 6];

export const REPORTED_FIGURES: ReportedFigure[] = [
  // Quảng Ninh, full year 2023 (the article in ../shared/reference/quang-ninh-2023-article.txt).
  figure('QN-2023-directives', 'QN', 2023, YEAR, 'DOCUMENTS_DIRECTIVES', 22, SOURCE_QN_2023, { note: 'issued by the Tỉnh ủy and its Ban Thường vụ (province-level bodies only)' }),
  figure('QN-2023-guidance', 'QN', 2023, YEAR, 'DOCUMENTS_GUIDANCE', 21, SOURCE_QN_2023, { note: 'issued by the UBKT Tỉnh ủy (province-level body only)' }),
  figure('QN-2023-campaigns-programmed', 'QN', 2023, YEAR, 'CAMPAIGNS_PROGRAMMED', 25, SOURCE_QN_2023, { note: "the Tỉnh ủy's 2023 programme (province level only)" }),
  figure('QN-2023-campaigns-arising', 'QN', 2023, YEAR, 'CAMPAIGNS_ARISING', 16, SOURCE_QN_2023, { note: 'province-level UBKT; lower levels state no origin' }),
  figure('QN-2023-campaigns-completed-provincial', 'QN', 2023, YEAR, 'CAMPAIGNS_COMPLETED.TIER.PROVINCIAL', 40, SOURCE_QN_2023, {
    note: '"after adjustment", by the Tỉnh ủy, its Ban Thường vụ, the UBKT Tỉnh ủy and the party-building boards',
  }),
  figure('QN-2023-campaigns-completed-district', 'QN', 2023, YEAR, 'CAMPAIGNS_COMPLETED.TIER.DISTRICT', 369, SOURCE_QN_2023, { note: 'huyện ủy, thị ủy, thành ủy and đảng ủy trực thuộc tỉnh' }),
  figure('QN-2023-campaigns-completed-grassroots', 'QN', 2023, YEAR, 'CAMPAIGNS_COMPLETED.TIER.GRASSROOTS', 3142, SOURCE_QN_2023, { note: 'đảng ủy cơ sở' }),
  figure('QN-2023-pc-organizations', 'QN', 2023, YEAR, `DISCIPLINED_ORGANIZATIONS.${PC}`, 21, SOURCE_QN_2023, { note: 'cấp ủy các cấp' }),
  figure('QN-2023-pc-members', 'QN', 2023, YEAR, `DISCIPLINED_MEMBERS.${PC}`, 323, SOURCE_QN_2023, { note: 'cấp ủy các cấp' }),
  figure('QN-2023-pc-committee-members', 'QN', 2023, YEAR, `DISCIPLINED_MEMBERS.${PC}.${CM}`, 68, SOURCE_QN_2023, { percent: '21.1', note: '68 of 323 = 21.05%, printed 21.1%' }),
  figure('QN-2023-ic-members', 'QN', 2023, YEAR, `DISCIPLINED_MEMBERS.${IC}`, 76, SOURCE_QN_2023, { note: 'UBKT các cấp' }),
  figure('QN-2023-ic-committee-members', 'QN', 2023, YEAR, `DISCIPLINED_MEMBERS.${IC}.${CM}`, 15, SOURCE_QN_2023, {
    percent: '21.1',
    note: 'percent as printed, and wrong: 15 of 76 = 19.7%',
  }),
  figure('QN-2023-members', 'QN', 2023, YEAR, 'DISCIPLINED_MEMBERS', 399, SOURCE_QN_2023, { note: 'headline; 323 by party committees + 76 by inspection commissions' }),

  // Quảng Ninh, months 1–9 of 2023.
  figure('QN-2023-9m-members', 'QN', 2023, NINE_MONTHS, 'DISCIPLINED_MEMBERS', 272, SOURCE_QN_2023_9M, { note: '215 by party committees + 57 by inspection commissions' }),
  figure('QN-2023-9m-pc-members', 'QN', 2023, NINE_MONTHS, `DISCIPLINED_MEMBERS.${PC}`, 215, SOURCE_QN_2023_9M),
  figure('QN-2023-9m-pc-committee-members', 'QN', 2023, NINE_MONTHS, `DISCIPLINED_MEMBERS.${PC}.${CM}`, 47, SOURCE_QN_2023_9M),
  figure('QN-2023-9m-ic-members', 'QN', 2023, NINE_MONTHS, `DISCIPLINED_MEMBERS.${IC}`, 57, SOURCE_QN_2023_9M),
  figure('QN-2023-9m-ic-committee-members', 'QN', 2023, NINE_MONTHS, `DISCIPLINED_MEMBERS.${IC}.${CM}`, 17, SOURCE_QN_2023_9M, {
    note: 'inconsistent with the full year (15, QN-2023-ic-committee-members): a year-to-date count cannot shrink',
  }),

  // Quảng Ninh, months 1–6 of 2024 (no facts in this dataset: NO_DATA).
  figure('QN-2024-6m-pc-organizations', 'QN', 2024, HALF_YEAR, `DISCIPLINED_ORGANIZATIONS.${PC}`, 3, SOURCE_QN_2024_6M),
  figure('QN-2024-6m-pc-members', 'QN', 2024, HALF_YEAR, `DISCIPLINED_MEMBERS.${PC}`, 212, SOURCE_QN_2024_6M),
  figure('QN-2024-6m-ic-organizations', 'QN', 2024, HALF_YEAR, `DISCIPLINED_ORGANIZATIONS.${IC}`, 6, SOURCE_QN_2024_6M),
  figure('QN-2024-6m-ic-members', 'QN', 2024, HALF_YEAR, `DISCIPLINED_MEMBERS.${IC}`, 66, SOURCE_QN_2024_6M),

  // National (TW), 2021–2023.
  figure('TW-2021-pc-organizations', 'TW', 2021, YEAR, `DISCIPLINED_ORGANIZATIONS.${PC}`, 223, SOURCE_TW_2021, { note: NATIONAL }),
  figure('TW-2021-pc-members', 'TW', 2021, YEAR, `DISCIPLINED_MEMBERS.${PC}`, 16794, SOURCE_TW_2021, { note: NATIONAL }),
  figure('TW-2021-pc-committee-members', 'TW', 2021, YEAR, `DISCIPLINED_MEMBERS.${PC}.${CM}`, 2896, SOURCE_TW_2021, { note: NATIONAL }),
  figure('TW-2021-ic-members', 'TW', 2021, YEAR, `DISCIPLINED_MEMBERS.${IC}`, 3463, SOURCE_TW_2021, { note: NATIONAL }),
  figure('TW-2021-ic-committee-members', 'TW', 2021, YEAR, `DISCIPLINED_MEMBERS.${IC}.${CM}`, 1306, SOURCE_TW_2021, { note: NATIONAL }),
  figure('TW-2022-pc-organizations', 'TW', 2022, YEAR, `DISCIPLINED_ORGANIZATIONS.${PC}`, 410, SOURCE_TW_2022, { note: NATIONAL }),
  figure('TW-2022-pc-members', 'TW', 2022, YEAR, `DISCIPLINED_MEMBERS.${PC}`, 16200, SOURCE_TW_2022, { bound: 'AT_LEAST', note: `${NATIONAL}; ${MORE_THAN}` }),
  figure('TW-2022-ic-organizations', 'TW', 2022, YEAR, `DISCIPLINED_ORGANIZATIONS.${IC}`, 100, SOURCE_TW_2022, { bound: 'AT_LEAST', note: `${NATIONAL}; ${MORE_THAN}` }),
  figure('TW-2022-ic-members', 'TW', 2022, YEAR, `DISCIPLINED_MEMBERS.${IC}`, 5300, SOURCE_TW_2022, { bound: 'AT_LEAST', note: `${NATIONAL}; ${MORE_THAN}` }),
  figure('TW-2023-pc-organizations', 'TW', 2023, YEAR, `DISCIPLINED_ORGANIZATIONS.${PC}`, 423, SOURCE_TW_2023, { note: NATIONAL }),
  figure('TW-2023-pc-members', 'TW', 2023, YEAR, `DISCIPLINED_MEMBERS.${PC}`, 18130, SOURCE_TW_2023, { note: NATIONAL }),
  figure('TW-2023-organizations', 'TW', 2023, YEAR, 'DISCIPLINED_ORGANIZATIONS', 606, SOURCE_TW_2023, { note: `${NATIONAL}; party committees and inspection commissions together` }),
  figure('TW-2023-members', 'TW', 2023, YEAR, 'DISCIPLINED_MEMBERS', 24160, SOURCE_TW_2023, {
    bound: 'AT_LEAST',
    note: `${NATIONAL}; party committees and inspection commissions together; ${MORE_THAN}`,
  }),
];

// ---------------------------------------------------------------------------------------------------------------
// Invariants, checked before anything is written.
// ---------------------------------------------------------------------------------------------------------------

const OPEN_END = '9999-12-31';
const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

function lastDayOf(year: number, month: number): string {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return `${year}-${String(month).padStart(2, '0')}-${days}`;
}

/** The unit versions by code, in file order, with helpers over them. */
class Timeline {
  readonly byCode = new Map<string, UnitRow[]>();
  constructor(readonly rows: UnitRow[]) {
    for (const r of rows) {
      const list = this.byCode.get(r.code) ?? [];
      list.push(r);
      this.byCode.set(r.code, list);
    }
  }
  static covers(r: UnitRow, day: string): boolean {
    return (r.from ?? '') <= day && day < (r.to ?? OPEN_END);
  }
  versionOn(code: string, day: string): UnitRow | undefined {
    return (this.byCode.get(code) ?? []).find((r) => Timeline.covers(r, day));
  }
  /** Whether `code` exists over the whole of [from, to), possibly across several consecutive versions. */
  existsThroughout(code: string, from: string | null, to: string | null): boolean {
    let cursor = from ?? '';
    const end = to ?? OPEN_END;
    for (const r of this.byCode.get(code) ?? []) {
      if (cursor >= end) break;
      if (Timeline.covers(r, cursor)) cursor = r.to ?? OPEN_END;
    }
    return cursor >= end;
  }
  on(day: string): UnitRow[] {
    return this.rows.filter((r) => Timeline.covers(r, day));
  }
  childrenOn(parent: string, day: string): string[] {
    return this.on(day)
      .filter((r) => r.parent === parent)
      .map((r) => r.code);
  }
}

export function checkUnits(rows: UnitRow[], facts: { file: string; unit: string; year: number; month: number | null }[]): Timeline {
  const t = new Timeline(rows);
  const fail = (msg: string) => {
    throw new Error(`units.csv: ${msg}`);
  };
  for (const [code, versions] of t.byCode) {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(code)) fail(`bad code ${code}`);
    versions.forEach((r, i) => {
      if (!(r.kind in TIER_OF_KIND)) fail(`${code}: unknown kind ${r.kind}`);
      for (const d of [r.from, r.to]) if (d !== null && !DATE.test(d)) fail(`${code}: bad date ${d}`);
      if (r.from !== null && r.to !== null && r.from >= r.to) fail(`${code}: empty interval [${r.from}, ${r.to})`);
      if (r.parent === code) fail(`${code}: its own parent`);
      if (i > 0) {
        const prev = versions[i - 1];
        if (prev.to === null || r.from === null || r.from < prev.to) fail(`${code}: rows overlap or are out of order ([${prev.from}, ${prev.to}) then [${r.from}, ${r.to}))`);
        if (prev.to === r.from && prev.parent === r.parent && prev.name === r.name && prev.kind === r.kind) fail(`${code}: a new row from ${r.from} changes nothing`);
      }
      if (r.successor !== null) {
        if (i !== versions.length - 1) fail(`${code}: successor_code on a row that is not the last`);
        if (r.to === null) fail(`${code}: successor_code on an open row`);
        if (r.successor === code) fail(`${code}: its own successor`);
        if (!t.versionOn(r.successor, r.to!)) fail(`${code}: successor ${r.successor} does not exist on ${r.to}`);
      }
      if (r.parent !== null && !t.existsThroughout(r.parent, r.from, r.to)) fail(`${code}: parent ${r.parent} does not exist over the whole of [${r.from ?? ''}, ${r.to ?? ''})`);
    });
  }
  // No cycle on any day the tree changes (and before the first change).
  const days = [...new Set(rows.flatMap((r) => [r.from, r.to]).filter((d): d is string => d !== null))].sort();
  for (const day of ['0000-01-01', ...days]) {
    const parentOf = new Map(t.on(day).map((r) => [r.code, r.parent]));
    for (const start of parentOf.keys()) {
      const seen = new Set<string>();
      for (let c: string | null | undefined = start; c; c = parentOf.get(c)) {
        if (seen.has(c)) fail(`cycle through ${c} on ${day}`);
        seen.add(c);
      }
    }
  }
  const expectChildren = (day: string, n: number) => {
    const children = t.childrenOn('QN', day);
    if (children.length !== n) fail(`QN has ${children.length} children on ${day}, expected ${n}`);
  };
  expectChildren(REFERENCE_DAY, COMMITTEES.length);
  expectChildren(TWO_TIER, COMMUNES_2025 + 5);
  const tierCount = (day: string, tier: string) => t.on(day).filter((r) => TIER_OF_KIND[r.kind] === tier).length;
  if (tierCount(REFERENCE_DAY, 'GRASSROOTS') !== GRASSROOTS_TOTAL) fail(`${tierCount(REFERENCE_DAY, 'GRASSROOTS')} grassroots organizations on ${REFERENCE_DAY}, expected ${GRASSROOTS_TOTAL}`);
  if (tierCount(REFERENCE_DAY, 'CELL') !== CELLS_TOTAL) fail(`${tierCount(REFERENCE_DAY, 'CELL')} cells on ${REFERENCE_DAY}, expected ${CELLS_TOTAL}`);
  const district2025 = t.on(TWO_TIER).filter((r) => TIER_OF_KIND[r.kind] === 'DISTRICT');
  if (district2025.length !== 5 || district2025.some((r) => r.kind !== 'DIRECT_COMMITTEE' || r.parent !== 'QN')) fail(`on ${TWO_TIER} the district tier must be the 5 direct committees under QN`);
  // Every new commune committee takes over at least one former grassroots unit.
  const successors = new Set(rows.map((r) => r.successor));
  for (const r of rows) if (/^QN\.XA\d\d$/.test(r.code) && !successors.has(r.code)) fail(`${r.code} succeeds no unit`);
  for (const f of facts) {
    const day = f.month === null ? `${f.year}-12-31` : lastDayOf(f.year, f.month);
    if (!t.versionOn(f.unit, day)) throw new Error(`${f.file}: unit ${f.unit} does not exist on ${day}`);
  }
  return t;
}

const METRIC = (() => {
  const tiers = 'CENTRAL|PROVINCIAL|DISTRICT|GRASSROOTS|CELL';
  const bodies = 'COMMITTEE|STANDING_COMMITTEE|INSPECTION_COMMISSION|PARTY_BUILDING_BOARD|PARTY_CELL';
  const authority = 'AUTHORITY\\.(PARTY_COMMITTEES|INSPECTION_COMMISSIONS)';
  const category = 'CATEGORY\\.[A-Z][A-Z0-9_]{0,63}';
  return new RegExp(
    '^(' +
      [
        'CAMPAIGNS_(TOTAL|COMPLETED|CANCELLED|PROGRAMMED|ARISING)',
        `CAMPAIGNS_(TOTAL|COMPLETED)\\.TIER\\.(${tiers})`,
        `CAMPAIGNS_(TOTAL|COMPLETED)\\.BODY\\.(${bodies})`,
        `DISCIPLINED_(ORGANIZATIONS|MEMBERS)\\.${authority}`,
        'DISCIPLINED_ORGANIZATIONS\\.FORM\\.(REPRIMAND|WARNING|DISSOLUTION)',
        'DISCIPLINED_MEMBERS\\.FORM\\.(REPRIMAND|WARNING|REMOVAL|EXPULSION)',
        'DISCIPLINED_(ORGANIZATIONS|MEMBERS)',
        `DISCIPLINED_MEMBERS\\.${category}`,
        `DISCIPLINED_MEMBERS\\.${authority}\\.${category}`,
        'DOCUMENTS_(TOTAL|DIRECTIVES|GUIDANCE)',
      ].join('|') +
      ')$',
  );
})();

export function checkReported(figures: ReportedFigure[], units: Timeline, categories: string[]): void {
  const ids = new Set<string>();
  for (const f of figures) {
    const fail = (msg: string) => {
      throw new Error(`reported_figures.csv: ${f.id}: ${msg}`);
    };
    if (!f.id || f.id.length > 200 || ids.has(f.id)) fail('external_id missing, too long or repeated');
    ids.add(f.id);
    if (!Number.isInteger(f.year) || f.year < 1930 || f.year > 2100) fail(`bad year ${f.year}`);
    if (!(Number.isInteger(f.fromMonth) && Number.isInteger(f.toMonth) && f.fromMonth >= 1 && f.fromMonth <= f.toMonth && f.toMonth <= 12)) fail('bad months');
    if (!METRIC.test(f.metric)) fail(`metric ${f.metric} does not follow the grammar`);
    const category = /\.CATEGORY\.(.+)$/.exec(f.metric)?.[1];
    if (category !== undefined && !categories.includes(category)) fail(`unknown cadre category ${category}`);
    if (f.percent !== null && (category === undefined || !/^\d{1,3}\.\d$/.test(f.percent))) fail('a percent (one decimal) goes on CATEGORY metrics only');
    if (!Number.isInteger(f.value) || f.value < 0) fail('value must be a whole number ≥ 0');
    if (f.bound !== 'EXACT' && f.bound !== 'AT_LEAST') fail(`bad bound ${f.bound}`);
    if (!f.source.trim()) fail('source is required');
    if (!units.versionOn(f.unit, lastDayOf(f.year, f.toMonth))) fail(`unit ${f.unit} does not exist at the end of the period`);
  }
}

export function generate(): Record<string, string> {
  const units: UnitRow[] = [unitRow('QN', null, 'Đảng bộ tỉnh Quảng Ninh', 'PROVINCIAL_COMMITTEE'), unitRow(CENTRAL.code, null, CENTRAL.name, CENTRAL.kind)];
  const grassroots: Grassroots[] = [];
  if (COMMITTEES.reduce((a, c) => a + c.grassroots, 0) !== GRASSROOTS_TOTAL) throw new Error('grassroots counts must add up to 696');
  for (const c of COMMITTEES) {
    // The 20 committees of 2023. Localities end on TWO_TIER without successor (their facts roll up to QN);
    // Đông Triều has a second version as a city; direct committees end, move or continue per DIRECT_FATE_2025.
    if (c.code === DONG_TRIEU.code) {
      units.push(unitRow(c.code, 'QN', c.name, c.kind, null, DONG_TRIEU_CITY));
      units.push(unitRow(c.code, 'QN', DONG_TRIEU.name, DONG_TRIEU.kind, DONG_TRIEU_CITY, TWO_TIER));
    } else if (c.locality || c.code in DIRECT_FATE_2025) {
      units.push(unitRow(c.code, 'QN', c.name, c.kind, null, TWO_TIER, c.locality ? null : DIRECT_FATE_2025[c.code]));
    } else {
      units.push(unitRow(c.code, 'QN', c.name, c.kind));
    }
    if (c.code === 'QN.HL') units.push(unitRow(HOANH_BO.code, 'QN', HOANH_BO.name, HOANH_BO.kind, null, HOANH_BO_MERGED, 'QN.HL'));
    let hoanhBoCommune = 0;
    for (let i = 1; i <= c.grassroots; i++) {
      const code = `${c.code}.G${String(i).padStart(3, '0')}`;
      // Localities: communes and wards are grassroots committees; every 5th is an agency cell (chi bộ cơ sở).
      // Direct committees: every 3rd is a chi bộ cơ sở. Cell counts are skewed by position (1..12 weight).
      const isCell = c.locality ? i % 5 === 0 : i % 3 === 0;
      const commune = c.locality === 'district' || (c.locality === 'town' && i % 2 === 0) ? 'xã' : 'phường';
      let name = isCell
        ? `Chi bộ cơ sở ${c.locality ? 'cơ quan' : 'đơn vị'} số ${i} (${c.name.replace(/^Đảng bộ /, '')})`
        : c.locality
          ? `Đảng bộ ${commune} ${placeName(i)}`
          : `Đảng bộ cơ sở số ${i} (${c.name.replace(/^Đảng bộ /, '')})`;
      let formerName: string | undefined;
      if (c.code === 'QN.HL' && i >= HOANH_BO_FROM_INDEX) {
        // Hoành Bồ's former communes (real names) and agency cells (generated names, "(huyện Hoành Bồ)" until 2020).
        if (isCell) formerName = name.replace(c.name.replace(/^Đảng bộ /, ''), HOANH_BO.name.replace(/^Đảng bộ /, ''));
        else [formerName, name] = HOANH_BO_COMMUNES[hoanhBoCommune++];
      }
      grassroots.push({ code, parent: c.code, name, kind: isCell ? 'GRASSROOTS_CELL' : 'GRASSROOTS_COMMITTEE', cellWeight: isCell ? 0 : 1 + ((i * 7) % 12), formerName });
    }
    if (c.code === 'QN.HL' && hoanhBoCommune !== HOANH_BO_COMMUNES.length) throw new Error('every Hoành Bồ commune name must be used once');
  }
  for (const d of DIRECT_2025) units.push(unitRow(d.code, 'QN', d.name, d.kind, TWO_TIER));
  const communes = communes2025();
  for (const x of communes) units.push(unitRow(x.code, 'QN', x.name, 'GRASSROOTS_COMMITTEE', TWO_TIER));
  /** Round-robin over the new commune committees drawn from the same former locality, in code order. */
  const roundRobin = new Map<string, number>();
  const nextCommune = (former: string): string => {
    const own = communes.filter((x) => x.former === former);
    const k = roundRobin.get(former) ?? 0;
    roundRobin.set(former, k + 1);
    return own[k % own.length].code;
  };

  const cellCounts = apportion(CELLS_TOTAL, grassroots.map((g) => g.cellWeight));
  grassroots.forEach((g, gi) => {
    const committee = COMMITTEES.find((c) => c.code === g.parent)!;
    if (g.kind === 'GRASSROOTS_CELL' && cellCounts[gi] > 0) throw new Error(`${g.code}: a chi bộ cơ sở has no cells`);
    // The grassroots unit's versions, and what happens to its cells on TWO_TIER:
    // 'move' = a new row under the successor; 'end' = they end too; 'stay' = no change (their parent continues).
    const start = g.formerName ? HOANH_BO_MERGED : null;
    if (g.formerName) units.push(unitRow(g.code, HOANH_BO.code, g.formerName, g.kind, null, HOANH_BO_MERGED));
    let successor: string | null = null;
    let cells: 'move' | 'end' | 'stay';
    if (committee.locality) {
      // A commune/ward committee ends with a new commune committee of the same locality as successor, and its cells
      // move there. A chi bộ cơ sở (agency cell) of the locality also ends with that successor (it is not re-hung
      // as a GRASSROOTS_CELL under a GRASSROOTS committee).
      successor = nextCommune(committee.code);
      units.push(unitRow(g.code, g.parent, g.name, g.kind, start, TWO_TIER, successor));
      cells = 'move';
    } else if (committee.code in DIRECT_FATE_2025) {
      const next = DIRECT_FATE_2025[committee.code];
      units.push(unitRow(g.code, g.parent, g.name, g.kind, start, TWO_TIER));
      if (next) units.push(unitRow(g.code, next, g.name, g.kind, TWO_TIER));
      cells = next ? 'stay' : 'end';
    } else {
      units.push(unitRow(g.code, g.parent, g.name, g.kind, start));
      cells = 'stay';
    }
    for (let k = 1; k <= cellCounts[gi]; k++) {
      const cellName = committee.locality ? (g.name.includes(' xã ') ? `Chi bộ thôn ${k}` : `Chi bộ khu phố ${k}`) : `Chi bộ ${k}`;
      const code = `${g.code}.C${String(k).padStart(2, '0')}`;
      const name = `${cellName} – ${g.name.replace(/^Đảng bộ /, '')}`;
      if (cells === 'stay') units.push(unitRow(code, g.code, name, 'CELL'));
      else units.push(unitRow(code, g.code, name, 'CELL', null, TWO_TIER));
      if (cells === 'move') units.push(unitRow(code, successor, name, 'CELL', TWO_TIER));
    }
  });

  const categories = [
    ['code', 'name'],
    ['CENTRAL_MANAGED', 'Cán bộ diện Trung ương quản lý'],
    ['COMMITTEE_MEMBER', 'Cấp ủy viên'],
    ['PROVINCE_MANAGED', 'Cán bộ diện Ban Thường vụ Tỉnh ủy quản lý'],
  ];

  const Y = 2023;
  const campaigns: (string | number | null)[][] = [['external_id', 'unit_code', 'year', 'month', 'body', 'activity', 'origin', 'status', 'quantity']];
  // Province level: 25 programmed + 16 arising at the UBKT = 41; 40 completed, so one programmed campaign is cancelled.
  campaigns.push(['QN-2023-programmed-completed', 'QN', Y, null, null, null, 'PROGRAMMED', 'COMPLETED', 24]);
  campaigns.push(['QN-2023-programmed-cancelled', 'QN', Y, null, null, null, 'PROGRAMMED', 'CANCELLED', 1]);
  campaigns.push(['QN-2023-arising-ubkt', 'QN', Y, null, 'INSPECTION_COMMISSION', null, 'ARISING', 'COMPLETED', 16]);
  const committeeWeights = COMMITTEES.map((c) => c.grassroots);
  apportion(369, committeeWeights).forEach((q, i) => {
    if (q > 0) campaigns.push([`${COMMITTEES[i].code}-2023-completed`, COMMITTEES[i].code, Y, null, null, null, null, 'COMPLETED', q]);
  });
  apportion(3142, grassroots.map((g) => 1 + g.cellWeight)).forEach((q, i) => {
    if (q > 0) campaigns.push([`${grassroots[i].code}-2023-completed`, grassroots[i].code, Y, null, null, null, null, 'COMPLETED', q]);
  });

  const discipline: (string | number | null)[][] = [['external_id', 'unit_code', 'year', 'month', 'body', 'subject', 'form', 'categories', 'quantity']];
  const spread = (label: string, body: string, organizations: number, members: number, committeeMembers: number) => {
    const orgs = apportion(organizations, committeeWeights);
    const mems = apportion(members, committeeWeights);
    const cms = apportion(committeeMembers, mems);
    COMMITTEES.forEach((c, i) => {
      if (orgs[i] > 0) discipline.push([`${c.code}-2023-${label}-organizations`, c.code, Y, null, body, 'ORGANIZATION', null, null, orgs[i]]);
      if (cms[i] > 0) discipline.push([`${c.code}-2023-${label}-committee-members`, c.code, Y, null, body, 'MEMBER', null, 'COMMITTEE_MEMBER', cms[i]]);
      if (mems[i] - cms[i] > 0) discipline.push([`${c.code}-2023-${label}-other-members`, c.code, Y, null, body, 'MEMBER', null, null, mems[i] - cms[i]]);
    });
  };
  spread('committees', 'COMMITTEE', 21, 323, 68);
  spread('ubkt', 'INSPECTION_COMMISSION', 0, 76, 15);

  const documents = [
    ['external_id', 'unit_code', 'year', 'month', 'body', 'kind', 'quantity'],
    ['QN-2023-directives', 'QN', Y, null, null, 'DIRECTIVE', 22],
    ['QN-2023-ubkt-guidance', 'QN', Y, null, 'INSPECTION_COMMISSION', 'GUIDANCE', 21],
  ];

  const facts = [
    ...campaigns.slice(1).map((r) => ({ file: 'campaigns.csv', unit: String(r[1]), year: Number(r[2]), month: r[3] === null ? null : Number(r[3]) })),
    ...discipline.slice(1).map((r) => ({ file: 'discipline.csv', unit: String(r[1]), year: Number(r[2]), month: r[3] === null ? null : Number(r[3]) })),
    ...documents.slice(1).map((r) => ({ file: 'documents.csv', unit: String(r[1]), year: Number(r[2]), month: r[3] === null ? null : Number(r[3]) })),
  ];
  const timeline = checkUnits(units, facts);
  checkReported(
    REPORTED_FIGURES,
    timeline,
    categories.slice(1).map((c) => c[0]),
  );

  const unitsCsv: (string | null)[][] = [
    ['code', 'parent_code', 'name', 'kind', 'valid_from', 'valid_to', 'successor_code'],
    ...units.map((u) => [u.code, u.parent, u.name, u.kind, u.from, u.to, u.successor]),
  ];
  const reported: (string | number | null)[][] = [
    ['external_id', 'unit_code', 'year', 'from_month', 'to_month', 'metric', 'value', 'bound', 'percent', 'source', 'note'],
    ...REPORTED_FIGURES.map((f) => [f.id, f.unit, f.year, f.fromMonth, f.toMonth, f.metric, f.value, f.bound, f.percent, f.source, f.note]),
  ];

  return {
    'units.csv': csv(unitsCsv),
    'cadre_categories.csv': csv(categories),
    'campaigns.csv': csv(campaigns),
    'discipline.csv': csv(discipline),
    'documents.csv': csv(documents),
    'reported_figures.csv': csv(reported),
  };
}

if (require.main === module) {
  const dir = process.argv[2] ?? 'seeds/quang-ninh-2023';
  fs.mkdirSync(dir, { recursive: true });
  for (const [file, content] of Object.entries(generate())) fs.writeFileSync(path.join(dir, file), content);
  process.stdout.write(`wrote ${dir}\n`);
}
