/**
 * Writes the Quảng Ninh 2023 reference dataset (seeds/quang-ninh-2023/) in the interchange format.
 * Deterministic: the same output on every run (no randomness, no clock). See seeds/quang-ninh-2023/SOURCE.md
 * for what is published and what is an illustrative allocation.
 *
 *   npm run build && node dist/seeds/generate-quang-ninh-2023.js seeds/quang-ninh-2023
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
}

function csv(rows: (string | number | null)[][]): string {
  const cell = (v: string | number | null) => {
    const s = v === null ? '' : String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return rows.map((r) => r.map(cell).join(',')).join('\n') + '\n';
}

export function generate(): Record<string, string> {
  const units: (string | null)[][] = [['code', 'parent_code', 'name', 'kind'], ['QN', null, 'Đảng bộ tỉnh Quảng Ninh', 'PROVINCIAL_COMMITTEE']];
  const grassroots: Grassroots[] = [];
  if (COMMITTEES.reduce((a, c) => a + c.grassroots, 0) !== GRASSROOTS_TOTAL) throw new Error('grassroots counts must add up to 696');
  for (const c of COMMITTEES) {
    units.push([c.code, 'QN', c.name, c.kind]);
    for (let i = 1; i <= c.grassroots; i++) {
      const code = `${c.code}.G${String(i).padStart(3, '0')}`;
      // Localities: communes and wards are grassroots committees; every 5th is an agency cell (chi bộ cơ sở).
      // Direct committees: every 3rd is a chi bộ cơ sở. Cell counts are skewed by position (1..12 weight).
      const isCell = c.locality ? i % 5 === 0 : i % 3 === 0;
      const commune = c.locality === 'district' || (c.locality === 'town' && i % 2 === 0) ? 'xã' : 'phường';
      const name = isCell
        ? `Chi bộ cơ sở ${c.locality ? 'cơ quan' : 'đơn vị'} số ${i} (${c.name.replace(/^Đảng bộ /, '')})`
        : c.locality
          ? `Đảng bộ ${commune} ${placeName(i)}`
          : `Đảng bộ cơ sở số ${i} (${c.name.replace(/^Đảng bộ /, '')})`;
      grassroots.push({ code, parent: c.code, name, kind: isCell ? 'GRASSROOTS_CELL' : 'GRASSROOTS_COMMITTEE', cellWeight: isCell ? 0 : 1 + ((i * 7) % 12) });
    }
  }
  const cellCounts = apportion(CELLS_TOTAL, grassroots.map((g) => g.cellWeight));
  grassroots.forEach((g, gi) => {
    units.push([g.code, g.parent, g.name, g.kind]);
    const committee = COMMITTEES.find((c) => c.code === g.parent)!;
    for (let k = 1; k <= cellCounts[gi]; k++) {
      const cellName = committee.locality ? (g.name.includes(' xã ') ? `Chi bộ thôn ${k}` : `Chi bộ khu phố ${k}`) : `Chi bộ ${k}`;
      units.push([`${g.code}.C${String(k).padStart(2, '0')}`, g.code, `${cellName} – ${g.name.replace(/^Đảng bộ /, '')}`, 'CELL']);
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

  return {
    'units.csv': csv(units),
    'cadre_categories.csv': csv(categories),
    'campaigns.csv': csv(campaigns),
    'discipline.csv': csv(discipline),
    'documents.csv': csv(documents),
  };
}

if (require.main === module) {
  const dir = process.argv[2] ?? 'seeds/quang-ninh-2023';
  fs.mkdirSync(dir, { recursive: true });
  for (const [file, content] of Object.entries(generate())) fs.writeFileSync(path.join(dir, file), content);
  process.stdout.write(`wrote ${dir}\n`);
}
