/**
 * The synthetic organization tree: a central root, provinces, district-level committees (localities and the
 * committees directly under the province), grassroots organizations and cells, with a few grassroots
 * organizations directly under a province and some cells grouped under sub-committees (a ragged tree, as the real
 * one is). Counts per level are exact for a scale (largest-remainder apportionment of random weights), so the
 * sizes the README gives are the sizes written.
 */
import { TIER_OF_KIND, UnitKind, type Tier } from '../org/kinds';
import { apportion, Random } from './random';
import {
  PROVINCES,
  cellName,
  communeName,
  directCommittees,
  directGrassrootsName,
  initials,
  localAgencyName,
  placeName,
  provinceLevelGrassrootsName,
  provinceName,
  subCommitteeName,
  uniqueName,
  type DirectFlavor,
  type Flavor,
  type GrassrootsName,
  type LocalityLevel,
  type Province,
} from './names';

export type Scale = 'small' | 'province' | 'national';
export const SCALES: readonly Scale[] = ['small', 'province', 'national'];

interface ScaleSpec {
  /** How many provinces (all 63 for national). */
  provinces: number;
  /** District-level committees in all: localities plus committees directly under the province. */
  districts: number;
  grassroots: number;
  /** Cell-tier units: cells (chi bộ trực thuộc) and sub-committees (đảng bộ bộ phận). */
  cells: number;
}

export const SCALE_SPECS: Record<Scale, ScaleSpec> = {
  small: { provinces: 2, districts: 10, grassroots: 300, cells: 1500 },
  province: { provinces: 1, districts: 16, grassroots: 1600, cells: 4600 },
  national: { provinces: PROVINCES.length, districts: 700, grassroots: 52_000, cells: 200_000 },
};

export interface GenUnit {
  code: string;
  parentCode: string | null;
  name: string;
  kind: UnitKind;
  tier: Tier;
  /** How busy the unit is compared with others of its kind (mean about 1, heavy right tail). */
  activity: number;
}

interface GrassrootsSpec extends GrassrootsName {
  code: string;
  parentCode: string;
  region: Province['region'];
}

/** Share of grassroots organizations placed directly under their province instead of a district-level committee. */
const DIRECT_GRASSROOTS_SHARE = 0.006;
/** A grassroots committee with at least this many cell-tier units may group some under sub-committees. */
const SUB_COMMITTEE_MIN_CELLS = 12;

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const widthFor = (count: number, min: number) => Math.max(min, String(count).length);

function unit(code: string, parentCode: string | null, name: string, kind: UnitKind, activity: number): GenUnit {
  return { code, parentCode, name: name.normalize('NFC'), kind, tier: TIER_OF_KIND[kind], activity };
}

/** Which provinces a scale covers: all of them, or a seeded pick (a large one for `province`). */
function chooseProvinces(scale: Scale, random: Random): Province[] {
  const spec = SCALE_SPECS[scale];
  if (spec.provinces >= PROVINCES.length) return [...PROVINCES];
  const pool = PROVINCES.filter((p) => (scale === 'province' ? p.size >= 1.1 : true));
  const chosen: Province[] = [];
  while (chosen.length < spec.provinces) {
    const p = random.pick(pool);
    if (!chosen.includes(p)) chosen.push(p);
  }
  return chosen;
}

/** Builds every unit, parents before children. */
export function buildTree(scale: Scale, seed: number): GenUnit[] {
  const random = new Random(seed, 'tree');
  const spec = SCALE_SPECS[scale];
  const units: GenUnit[] = [unit('TW', null, 'Ban Chấp hành Trung ương Đảng', UnitKind.CENTRAL_COMMITTEE, 1)];

  const provinces = chooseProvinces(scale, random);
  for (const p of provinces) units.push(unit(p.code, 'TW', provinceName(p), UnitKind.PROVINCIAL_COMMITTEE, Math.sqrt(p.size) * random.lognormal(0.3)));

  // District level: a province's committees directly under it (khối cơ quan, doanh nghiệp, quân sự, công an,
  // biên phòng), then its localities (huyện, quận, thị xã, thành phố).
  interface District { code: string; place: string; level: LocalityLevel | null; direct: DirectFlavor | null; province: Province; weight: number }
  const districts: District[] = [];
  const perProvince = apportion(spec.districts, provinces.map((p) => p.size), 3);
  provinces.forEach((p, pi) => {
    const usedCodes = new Set<string>();
    const usedNames = new Set<string>();
    const directs = directCommittees(p).slice(0, Math.max(1, Math.round(perProvince[pi] * 0.4)));
    for (const d of directs) {
      const code = `${p.code}.${d.segment}`;
      usedCodes.add(d.segment);
      usedNames.add(d.name);
      const weight = { agencies: 1.1, enterprises: 0.8, military: 0.5, police: 0.6, border: 0.5 }[d.flavor] * random.lognormal(0.4);
      units.push(unit(code, p.code, d.name, UnitKind.DIRECT_COMMITTEE, random.lognormal(0.5)));
      districts.push({ code, place: p.place, level: null, direct: d.flavor, province: p, weight });
    }
    const localities = perProvince[pi] - directs.length;
    for (let i = 0; i < localities; i++) {
      let level: LocalityLevel;
      if (p.city) level = i < Math.ceil(localities * 0.45) ? 'quận' : i === localities - 1 && localities > 2 ? 'thị xã' : 'huyện';
      else if (i === 0) level = 'thành phố';
      else if (i === 1 && localities >= 3) level = 'thị xã'; // most provinces have a town besides the capital
      else level = random.chance(0.08) ? 'thành phố' : random.chance(0.13) ? 'thị xã' : 'huyện';
      // A province's capital city often bears its name (Thanh Hóa, Nam Định…), though not always (Nha Trang).
      const place = i === 0 && !p.city && random.chance(0.6) ? p.place : placeName(random);
      const name = uniqueName(usedNames, `Đảng bộ ${level} ${place}`);
      let segment = initials(place);
      for (let n = 2; usedCodes.has(segment); n++) segment = `${initials(place)}${n}`;
      usedCodes.add(segment);
      const kind = level === 'thành phố' ? UnitKind.CITY_COMMITTEE : level === 'thị xã' ? UnitKind.TOWN_COMMITTEE : UnitKind.DISTRICT_COMMITTEE;
      const code = `${p.code}.${segment}`;
      units.push(unit(code, p.code, name, kind, random.lognormal(0.5)));
      districts.push({ code, place, level, direct: null, province: p, weight: (level === 'quận' ? 0.8 : 1) * random.lognormal(0.45) });
    }
  });

  // Grassroots organizations: a few directly under the province (the ragged part), the rest under the district level.
  const grassroots: GrassrootsSpec[] = [];
  const directShare = Math.min(spec.grassroots, Math.max(provinces.length, Math.round(spec.grassroots * DIRECT_GRASSROOTS_SHARE)));
  const underProvince = apportion(directShare, provinces.map((p) => p.size), 1);
  provinces.forEach((p, pi) => {
    const used = new Set<string>();
    const width = widthFor(underProvince[pi], 2);
    for (let i = 1; i <= underProvince[pi]; i++) {
      const g = provinceLevelGrassrootsName(random, p);
      grassroots.push({ ...g, name: uniqueName(used, g.name), code: `${p.code}.G${pad(i, width)}`, parentCode: p.code, region: p.region });
    }
  });
  const perDistrict = apportion(spec.grassroots - directShare, districts.map((d) => d.weight), 2);
  districts.forEach((d, di) => {
    const n = perDistrict[di];
    const used = new Set<string>();
    const width = widthFor(n, 3);
    // A locality's communes, wards and towns come first, then its agencies, schools and enterprises.
    const communes = d.level === null ? 0 : Math.max(1, Math.round(n * (0.5 + random.next() * 0.2)));
    let townlets = 0;
    for (let i = 0; i < n; i++) {
      let g: GrassrootsName;
      if (d.direct !== null) g = directGrassrootsName(random, d.direct, d.province);
      else if (i < communes) {
        g = communeName(random, d.level!, townlets);
        if (g.flavor === 'townlet') townlets++;
      } else g = localAgencyName(random, d.level!, d.place);
      grassroots.push({ ...g, name: uniqueName(used, g.name), code: `${d.code}.G${pad(i + 1, width)}`, parentCode: d.code, region: d.province.region });
    }
  });

  // Cell-tier units, only under grassroots committees (a chi bộ cơ sở has none): many in communes and wards, few
  // in agencies.
  const committees = grassroots.filter((g) => g.kind === 'GRASSROOTS_COMMITTEE');
  const isLocal = (f: Flavor) => f === 'commune' || f === 'ward' || f === 'townlet';
  const perCommittee = apportion(spec.cells, committees.map((g) => (isLocal(g.flavor) ? 1 : 0.35) * random.lognormal(0.7)), 2);
  const cellCount = new Map(committees.map((g, i) => [g.code, perCommittee[i]]));
  const meanCells = spec.cells / Math.max(1, committees.length);
  for (const g of grassroots) {
    const cells = cellCount.get(g.code) ?? 0;
    // Larger organizations do more: activity grows with the square root of their size.
    const size = Math.sqrt((1 + cells) / (1 + meanCells));
    units.push(unit(g.code, g.parentCode, g.name, UnitKind[g.kind], size * random.lognormal(0.9)));
  }
  for (const g of committees) addCells(units, g, cellCount.get(g.code)!, random);
  return units;
}

/** Adds `total` cell-tier units under a grassroots committee, some grouped under sub-committees when it is large. */
function addCells(units: GenUnit[], g: GrassrootsSpec, total: number, random: Random): void {
  let subs = 0;
  if (total >= SUB_COMMITTEE_MIN_CELLS && random.chance(0.4)) subs = random.range(2, 3);
  const cells = total - subs;
  const grouped = subs === 0 ? 0 : Math.floor(cells * (0.4 + random.next() * 0.3));
  const direct = cells - grouped;
  const used = new Set<string>();
  const width = widthFor(total, 2);
  const offset = random.int(100);
  for (let i = 0; i < direct; i++) {
    const name = uniqueName(used, cellName(random, g, i, g.region, offset, true));
    units.push(unit(`${g.code}.C${pad(i + 1, width)}`, g.code, name, UnitKind.CELL, random.lognormal(1.0)));
  }
  // Cells under sub-committees go on with the committee's numbering (and its names: they are all one committee's).
  let ordinal = direct;
  const perSub = apportion(grouped, Array.from({ length: subs }, () => 1));
  for (let s = 0; s < subs; s++) {
    const subCode = `${g.code}.B${s + 1}`;
    units.push(unit(subCode, g.code, uniqueName(used, subCommitteeName(g, s + 1)), UnitKind.SUB_COMMITTEE, random.lognormal(0.7)));
    const subWidth = widthFor(perSub[s], 2);
    for (let i = 0; i < perSub[s]; i++) {
      const name = uniqueName(used, cellName(random, g, ordinal++, g.region, offset, false));
      units.push(unit(`${subCode}.C${pad(i + 1, subWidth)}`, subCode, name, UnitKind.CELL, random.lognormal(1.0)));
    }
  }
}
