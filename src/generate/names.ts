/**
 * Vietnamese names for the synthetic tree: the 63 provinces (before the 2025 mergers) with short codes, place
 * words that combine into commune and village names ("Hòa Bình", "Đông Hải"), and the agencies, schools,
 * enterprises and armed-force units that real grassroots organizations are named after. Everything is NFC.
 */
import type { Random } from './random';

export type Region = 'delta' | 'mountain' | 'central' | 'highlands' | 'south';

export interface Province {
  code: string;
  /** The name without its level: "Hà Nội", "Quảng Ninh". */
  place: string;
  /** Thành phố trực thuộc Trung ương (a centrally-run city: its districts are mostly quận). */
  city: boolean;
  region: Region;
  /** Has a land border or a coast, hence a Border Guard party committee (Đảng bộ Bộ đội Biên phòng). */
  border: boolean;
  /** Rough relative size (number of communes and party members). */
  size: number;
}

const P = (code: string, place: string, region: Region, border: boolean, size = 1, city = false): Province => ({
  code,
  place: place.normalize('NFC'),
  city,
  region,
  border,
  size,
});

/** The 63 provinces and centrally-run cities as they were from 2008 to 2025. */
export const PROVINCES: readonly Province[] = [
  P('HN', 'Hà Nội', 'delta', false, 3, true),
  P('HG', 'Hà Giang', 'mountain', true, 0.9),
  P('CB', 'Cao Bằng', 'mountain', true, 0.8),
  P('BK', 'Bắc Kạn', 'mountain', false, 0.6),
  P('TQ', 'Tuyên Quang', 'mountain', false, 0.8),
  P('LC', 'Lào Cai', 'mountain', true, 0.8),
  P('DB', 'Điện Biên', 'mountain', true, 0.7),
  P('LCH', 'Lai Châu', 'mountain', true, 0.6),
  P('SL', 'Sơn La', 'mountain', true, 1),
  P('YB', 'Yên Bái', 'mountain', false, 0.8),
  P('HB', 'Hòa Bình', 'mountain', false, 0.9),
  P('TN', 'Thái Nguyên', 'mountain', false, 1),
  P('LS', 'Lạng Sơn', 'mountain', true, 0.9),
  P('QN', 'Quảng Ninh', 'delta', true, 1.1),
  P('BG', 'Bắc Giang', 'delta', false, 1.2),
  P('PT', 'Phú Thọ', 'delta', false, 1.2),
  P('VP', 'Vĩnh Phúc', 'delta', false, 0.9),
  P('BN', 'Bắc Ninh', 'delta', false, 0.9),
  P('HD', 'Hải Dương', 'delta', false, 1.2),
  P('HP', 'Hải Phòng', 'delta', true, 1.5, true),
  P('HY', 'Hưng Yên', 'delta', false, 0.9),
  P('TB', 'Thái Bình', 'delta', true, 1.2),
  P('HNA', 'Hà Nam', 'delta', false, 0.7),
  P('ND', 'Nam Định', 'delta', true, 1.2),
  P('NB', 'Ninh Bình', 'delta', true, 0.8),
  P('TH', 'Thanh Hóa', 'central', true, 2.4),
  P('NA', 'Nghệ An', 'central', true, 2.2),
  P('HT', 'Hà Tĩnh', 'central', true, 1.1),
  P('QB', 'Quảng Bình', 'central', true, 0.8),
  P('QT', 'Quảng Trị', 'central', true, 0.7),
  P('TTH', 'Thừa Thiên Huế', 'central', true, 0.9),
  P('DN', 'Đà Nẵng', 'central', true, 0.8, true),
  P('QNA', 'Quảng Nam', 'central', true, 1.2),
  P('QNG', 'Quảng Ngãi', 'central', true, 1),
  P('BD', 'Bình Định', 'central', true, 1.1),
  P('PY', 'Phú Yên', 'central', true, 0.8),
  P('KH', 'Khánh Hòa', 'central', true, 0.9),
  P('NT', 'Ninh Thuận', 'central', true, 0.6),
  P('BTH', 'Bình Thuận', 'central', true, 0.9),
  P('KT', 'Kon Tum', 'highlands', true, 0.6),
  P('GL', 'Gia Lai', 'highlands', true, 1.1),
  P('DL', 'Đắk Lắk', 'highlands', true, 1.2),
  P('DNO', 'Đắk Nông', 'highlands', true, 0.6),
  P('LD', 'Lâm Đồng', 'highlands', false, 1),
  P('BP', 'Bình Phước', 'south', true, 0.8),
  P('TNI', 'Tây Ninh', 'south', true, 0.8),
  P('BDU', 'Bình Dương', 'south', false, 1),
  P('DNA', 'Đồng Nai', 'south', false, 1.3),
  P('BRVT', 'Bà Rịa – Vũng Tàu', 'south', true, 0.8),
  P('HCM', 'Hồ Chí Minh', 'south', true, 2.6, true),
  P('LA', 'Long An', 'south', true, 1.1),
  P('TG', 'Tiền Giang', 'south', true, 1),
  P('BT', 'Bến Tre', 'south', true, 0.9),
  P('TV', 'Trà Vinh', 'south', true, 0.8),
  P('VL', 'Vĩnh Long', 'south', false, 0.8),
  P('DT', 'Đồng Tháp', 'south', true, 1),
  P('AG', 'An Giang', 'south', true, 1.1),
  P('KG', 'Kiên Giang', 'south', true, 1.1),
  P('CT', 'Cần Thơ', 'south', false, 0.8, true),
  P('HGI', 'Hậu Giang', 'south', false, 0.6),
  P('ST', 'Sóc Trăng', 'south', true, 0.9),
  P('BL', 'Bạc Liêu', 'south', true, 0.6),
  P('CM', 'Cà Mau', 'south', true, 0.8),
];

const nfc = (words: string[]) => words.map((w) => w.normalize('NFC'));

/** Sino-Vietnamese words that place names are made of; any two make a plausible commune or village name. */
const PLACE_WORDS = nfc([
  'An', 'Bình', 'Hòa', 'Thắng', 'Lợi', 'Phong', 'Hải', 'Đông', 'Tây', 'Nam', 'Bắc', 'Tân', 'Yên', 'Thịnh', 'Hưng',
  'Quang', 'Minh', 'Thành', 'Trung', 'Hồng', 'Phú', 'Lộc', 'Thọ', 'Xuân', 'Thuận', 'Đức', 'Phước', 'Long', 'Sơn',
  'Thủy', 'Hiệp', 'Hà', 'Cát', 'Vĩnh', 'Mỹ', 'Lạc', 'Hợp', 'Tiến', 'Kim', 'Ngọc', 'Việt', 'Đại', 'Lâm', 'Khánh',
  'Phúc', 'Thái', 'Quý', 'Nghĩa', 'Cường', 'Dương', 'Hương', 'Châu', 'Định', 'Gia', 'Hội', 'Liên', 'Mai', 'Nhân',
  'Tường', 'Vân', 'Triệu', 'Hiền', 'Đồng', 'Thạch', 'Kỳ', 'Lương', 'Quảng', 'Tuy', 'Điền', 'Cẩm', 'Hoàng', 'Chánh',
]);

/** A two-word place name such as "Hòa Bình" or "Đông Hải" (never the same word twice). */
export function placeName(random: Random): string {
  const a = random.int(PLACE_WORDS.length);
  let b = random.int(PLACE_WORDS.length - 1);
  if (b >= a) b++;
  return `${PLACE_WORDS[a]} ${PLACE_WORDS[b]}`;
}

/** A name not yet used under the same parent: the base, else "base 2", "base 3"… */
export function uniqueName(used: Set<string>, base: string): string {
  let name = base;
  for (let n = 2; used.has(name); n++) name = `${base} ${n}`;
  used.add(name);
  return name;
}

/** ASCII letters of a Vietnamese word, for codes: "Đông Hải" → "DongHai". */
export function ascii(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/[^A-Za-z0-9]/g, '');
}

/** Initials of a place name for a district code: "Hòa Bình" → "HB". */
export function initials(place: string): string {
  return place
    .split(/\s+/)
    .map((w) => ascii(w).charAt(0).toUpperCase())
    .join('');
}

/** How the unit's own level is written in names: "tỉnh" or "thành phố" for a province. */
export const provinceScope = (p: Province) => (p.city ? 'thành phố' : 'tỉnh');
export const provinceName = (p: Province) => `Đảng bộ ${provinceScope(p)} ${p.place}`;

/** The committees directly under a province (đảng bộ trực thuộc), with their code segment. */
export function directCommittees(p: Province): { segment: string; name: string; flavor: DirectFlavor }[] {
  const scope = provinceScope(p);
  const list: { segment: string; name: string; flavor: DirectFlavor }[] = [
    { segment: 'KCQ', name: `Đảng bộ Khối các cơ quan ${scope}`, flavor: 'agencies' },
    { segment: 'KDN', name: `Đảng bộ Khối doanh nghiệp ${scope}`, flavor: 'enterprises' },
    { segment: 'QS', name: `Đảng bộ Quân sự ${scope}`, flavor: 'military' },
    { segment: 'CA', name: `Đảng bộ Công an ${scope}`, flavor: 'police' },
  ];
  if (p.border) list.push({ segment: 'BP', name: `Đảng bộ Bộ đội Biên phòng ${scope}`, flavor: 'border' });
  return list;
}
export type DirectFlavor = 'agencies' | 'enterprises' | 'military' | 'police' | 'border';

/** What a grassroots organization is, which says how it and its cells are named. */
export type Flavor = 'commune' | 'ward' | 'townlet' | 'agency' | 'school' | 'hospital' | 'enterprise' | 'military' | 'police' | 'border';

const DISTRICT_AGENCIES = nfc([
  'Phòng Tài chính – Kế hoạch', 'Phòng Giáo dục và Đào tạo', 'Phòng Tài nguyên và Môi trường', 'Phòng Nội vụ',
  'Phòng Nông nghiệp và Phát triển nông thôn', 'Phòng Lao động – Thương binh và Xã hội', 'Phòng Văn hóa và Thông tin',
  'Phòng Tư pháp', 'Phòng Kinh tế và Hạ tầng', 'Thanh tra', 'Chi cục Thuế', 'Kho bạc Nhà nước', 'Tòa án nhân dân',
  'Viện Kiểm sát nhân dân', 'Chi cục Thi hành án dân sự', 'Bảo hiểm xã hội', 'Ngân hàng Chính sách xã hội',
  'Trung tâm Văn hóa – Thể thao', 'Ban Quản lý dự án đầu tư xây dựng', 'Hạt Kiểm lâm', 'Chi cục Thống kê',
]);
const PROVINCE_AGENCIES = nfc([
  'Sở Tài chính', 'Sở Kế hoạch và Đầu tư', 'Sở Tư pháp', 'Sở Nội vụ', 'Sở Công Thương', 'Sở Giao thông vận tải',
  'Sở Xây dựng', 'Sở Tài nguyên và Môi trường', 'Sở Nông nghiệp và Phát triển nông thôn', 'Sở Giáo dục và Đào tạo',
  'Sở Y tế', 'Sở Văn hóa, Thể thao và Du lịch', 'Sở Lao động – Thương binh và Xã hội', 'Sở Khoa học và Công nghệ',
  'Sở Thông tin và Truyền thông', 'Thanh tra {scope}', 'Văn phòng Ủy ban nhân dân {scope}', 'Ban Dân tộc {scope}',
  'Cục Thuế {scope}', 'Kho bạc Nhà nước {scope}', 'Bảo hiểm xã hội {scope}', 'Tòa án nhân dân {scope}',
  'Viện Kiểm sát nhân dân {scope}', 'Cục Thống kê {scope}', 'Ngân hàng Nhà nước chi nhánh {scope}',
  'Trường Chính trị {scope}', 'Đài Phát thanh và Truyền hình {scope}', 'Báo {place}', 'Hội Nông dân {scope}',
  'Liên đoàn Lao động {scope}', 'Hội Liên hiệp Phụ nữ {scope}', 'Văn phòng Đoàn đại biểu Quốc hội và Hội đồng nhân dân {scope}',
]);
const HOSPITALS = nfc(['Bệnh viện Đa khoa', 'Bệnh viện Sản – Nhi', 'Bệnh viện Y học cổ truyền', 'Bệnh viện Phổi', 'Bệnh viện Tâm thần', 'Bệnh viện Mắt']);
const INDUSTRIES = nfc([
  'Xây dựng', 'Cấp nước', 'Môi trường đô thị', 'Vận tải', 'Xi măng', 'Điện lực', 'Thương mại', 'Dược phẩm', 'May',
  'Cao su', 'Thủy sản', 'Lương thực', 'Lâm nghiệp', 'Du lịch', 'Cảng', 'Khoáng sản', 'Xổ số kiến thiết', 'In',
  'Công trình giao thông', 'Thủy lợi', 'Phát triển nhà', 'Chè', 'Mía đường', 'Cà phê',
]);
const COMPANY_FORMS = nfc(['Công ty cổ phần', 'Công ty TNHH Một thành viên', 'Tổng công ty', 'Công ty TNHH']);
const SCHOOLS = nfc(['Trường Mầm non', 'Trường Tiểu học', 'Trường Trung học cơ sở', 'Trường Trung học phổ thông']);
const POLICE_UNITS = nfc([
  'Phòng Cảnh sát giao thông', 'Phòng Cảnh sát hình sự', 'Phòng An ninh kinh tế', 'Phòng An ninh chính trị nội bộ',
  'Phòng Cảnh sát điều tra tội phạm về ma túy', 'Phòng Cảnh sát phòng cháy, chữa cháy và cứu nạn, cứu hộ',
  'Phòng Tham mưu', 'Phòng Hậu cần', 'Phòng Cảnh sát quản lý hành chính về trật tự xã hội', 'Trại tạm giam',
]);
const MILITARY_UNITS = nfc(['Cơ quan Bộ Chỉ huy Quân sự {scope}', 'Trường Quân sự {scope}', 'Trung đoàn', 'Tiểu đoàn', 'Kho']);
const HOSPITAL_DEPARTMENTS = nfc(['Khoa Nội', 'Khoa Ngoại', 'Khoa Sản', 'Khoa Nhi', 'Khoa Hồi sức cấp cứu', 'Khoa Khám bệnh', 'Khoa Xét nghiệm', 'Phòng Kế hoạch tổng hợp', 'Phòng Tài chính – Kế toán', 'Khoa Dược']);
const OFFICE_DEPARTMENTS = nfc(['Văn phòng', 'Phòng Tổ chức cán bộ', 'Phòng Kế hoạch – Tài chính', 'Phòng Thanh tra', 'Phòng Pháp chế', 'Phòng Nghiệp vụ', 'Phòng Tổng hợp', 'Trung tâm Dữ liệu']);
const SCHOOL_GROUPS = nfc(['Tổ Toán – Tin', 'Tổ Ngữ văn', 'Tổ Khoa học tự nhiên', 'Tổ Khoa học xã hội', 'Tổ Ngoại ngữ', 'Tổ Văn phòng', 'Khối giáo viên']);

/** The level word of a district-level locality, as in "Đảng bộ huyện X" or "Phòng Tư pháp huyện X". */
export type LocalityLevel = 'huyện' | 'quận' | 'thị xã' | 'thành phố';

export interface GrassrootsName {
  name: string;
  kind: 'GRASSROOTS_COMMITTEE' | 'GRASSROOTS_CELL';
  flavor: Flavor;
  /** The place its cells are named after (a commune's or ward's own name). */
  place: string;
}

/** A commune-level grassroots committee of a locality: xã, phường or thị trấn. */
export function communeName(random: Random, level: LocalityLevel, townletsSoFar: number): GrassrootsName {
  const place = placeName(random);
  if (level === 'huyện' && townletsSoFar < 1) return { name: `Đảng bộ thị trấn ${place}`, kind: 'GRASSROOTS_COMMITTEE', flavor: 'townlet', place };
  const ward = level === 'quận' || (level !== 'huyện' && random.chance(0.7));
  return ward
    ? { name: `Đảng bộ phường ${place}`, kind: 'GRASSROOTS_COMMITTEE', flavor: 'ward', place }
    : { name: `Đảng bộ xã ${place}`, kind: 'GRASSROOTS_COMMITTEE', flavor: 'commune', place };
}

const prefix = (kind: GrassrootsName['kind']) => (kind === 'GRASSROOTS_COMMITTEE' ? 'Đảng bộ' : 'Chi bộ');

/** An agency, school or enterprise of a locality ("Chi bộ Phòng Tư pháp huyện Tân Lập"). */
export function localAgencyName(random: Random, level: LocalityLevel, localityPlace: string): GrassrootsName {
  const x = random.next();
  const place = placeName(random);
  let base: string;
  let flavor: Flavor;
  let committeeShare: number;
  if (x < 0.45) {
    base = `${random.pick(DISTRICT_AGENCIES)} ${level} ${localityPlace}`;
    flavor = 'agency';
    committeeShare = 0.1;
  } else if (x < 0.8) {
    base = `${random.pick(SCHOOLS)} ${place}`;
    flavor = 'school';
    committeeShare = 0.15;
  } else if (x < 0.88) {
    base = `${random.chance(0.5) ? 'Công an' : 'Ban Chỉ huy Quân sự'} ${level} ${localityPlace}`;
    flavor = base.startsWith('Công an') ? 'police' : 'military';
    committeeShare = 0.6;
  } else if (x < 0.92) {
    base = `Trung tâm Y tế ${level} ${localityPlace}`;
    flavor = 'hospital';
    committeeShare = 0.5;
  } else {
    base = `${random.pick(COMPANY_FORMS)} ${random.pick(INDUSTRIES)} ${place}`;
    flavor = 'enterprise';
    committeeShare = 0.3;
  }
  const kind = random.chance(committeeShare) ? 'GRASSROOTS_COMMITTEE' : 'GRASSROOTS_CELL';
  return { name: `${prefix(kind)} ${base}`, kind, flavor, place };
}

/** A grassroots organization under a committee directly under the province (or directly under the province). */
export function directGrassrootsName(random: Random, flavor: DirectFlavor, p: Province): GrassrootsName {
  const scope = provinceScope(p);
  const place = placeName(random);
  const fill = (s: string) => s.replace('{scope}', scope).replace('{place}', p.place);
  let base: string;
  let own: Flavor;
  let committeeShare: number;
  switch (flavor) {
    case 'agencies': {
      const y = random.next();
      if (y < 0.75) [base, own, committeeShare] = [fill(random.pick(PROVINCE_AGENCIES)), 'agency', 0.4];
      else if (y < 0.88) [base, own, committeeShare] = [`${random.pick(HOSPITALS)} ${scope}`, 'hospital', 0.7];
      else [base, own, committeeShare] = [`Trường Trung học phổ thông ${place}`, 'school', 0.3];
      break;
    }
    case 'enterprises':
      [base, own, committeeShare] = [`${random.pick(COMPANY_FORMS)} ${random.pick(INDUSTRIES)} ${random.chance(0.5) ? p.place : place}`, 'enterprise', 0.45];
      break;
    case 'military': {
      const unit = fill(random.pick(MILITARY_UNITS));
      base = unit.includes(scope) ? unit : `${unit} ${random.range(1, 999)}`;
      [own, committeeShare] = ['military', 0.6];
      break;
    }
    case 'police':
      base = random.chance(0.6) ? random.pick(POLICE_UNITS) : `Công an ${random.chance(0.7) ? 'huyện' : 'thị xã'} ${place}`;
      [own, committeeShare] = ['police', 0.55];
      break;
    case 'border':
      base = random.chance(0.75) ? `Đồn Biên phòng ${place}` : `Hải đội Biên phòng ${random.range(1, 9)}`;
      [own, committeeShare] = ['border', 0.6];
      break;
  }
  const kind = random.chance(committeeShare) ? 'GRASSROOTS_COMMITTEE' : 'GRASSROOTS_CELL';
  return { name: `${prefix(kind)} ${base}`, kind, flavor: own, place };
}

/** A grassroots organization directly under the province (the ragged part of the tree). */
export function provinceLevelGrassrootsName(random: Random, p: Province): GrassrootsName {
  const scope = provinceScope(p);
  const options: [string, Flavor][] = [
    [`Trường Đại học ${p.place}`, 'school'],
    [`Trường Cao đẳng Y tế ${p.place}`, 'school'],
    [`Cơ quan ${p.city ? 'Thành ủy' : 'Tỉnh ủy'} ${p.place}`, 'agency'],
    [`Bệnh viện Đa khoa ${scope}`, 'hospital'],
    [`Tổng công ty ${random.pick(INDUSTRIES)} ${p.place}`, 'enterprise'],
    [`Ban Quản lý các khu công nghiệp ${scope}`, 'agency'],
    [`Vườn quốc gia ${placeName(random)}`, 'agency'],
  ];
  const [base, flavor] = random.pick(options);
  return { name: `Đảng bộ ${base}`, kind: 'GRASSROOTS_COMMITTEE', flavor, place: p.place };
}

/** The region's word for a village: thôn and xóm in the north, bản in the mountains, ấp in the south. */
function villageWord(random: Random, region: Region): string {
  switch (region) {
    case 'south':
      return 'ấp';
    case 'mountain':
      return random.chance(0.55) ? 'bản' : 'thôn';
    case 'highlands':
      return random.chance(0.4) ? 'buôn' : 'thôn';
    default:
      return random.chance(0.7) ? 'thôn' : 'xóm';
  }
}

const COMMUNE_CELLS = nfc(['Trường Mầm non', 'Trường Tiểu học', 'Trường Trung học cơ sở', 'Trạm Y tế', 'Quân sự', 'Công an']);
const POLICE_TEAMS = nfc(['Đội Tổng hợp', 'Đội Tuần tra', 'Đội Vũ trang', 'Đội Nghiệp vụ', 'Đội Hành chính', 'Đội Kiểm soát', 'Đội Trinh sát', 'Đội Hậu cần']);

/** The `ordinal`-th entry of a list, starting at `offset`; once the list is used up, numbered ("Khoa Nội 2"). */
function nth(list: readonly string[], ordinal: number, offset: number): string {
  const round = Math.floor(ordinal / list.length);
  return `${list[(ordinal + offset) % list.length]}${round > 0 ? ` ${round + 1}` : ''}`;
}

/**
 * The name of a cell (chi bộ) of a grassroots committee, `ordinal` counting its cells from 0 (numbers in names come
 * from it, so they do not repeat): in communes and wards, first the commune's own institutions (schools, health
 * station, militia, police) when `institutions`, then villages or residential groups; in agencies, their
 * departments, from a list entry `offset` on.
 */
export function cellName(random: Random, g: { flavor: Flavor; place: string }, ordinal: number, region: Region, offset: number, institutions: boolean): string {
  const n = ordinal + 1;
  switch (g.flavor) {
    case 'commune':
    case 'ward':
    case 'townlet': {
      const level = g.flavor === 'commune' ? 'xã' : g.flavor === 'ward' ? 'phường' : 'thị trấn';
      if (institutions && ordinal < COMMUNE_CELLS.length && random.chance(0.55)) {
        const what = COMMUNE_CELLS[ordinal];
        return what.startsWith('Trường') ? `Chi bộ ${what} ${g.place}` : `Chi bộ ${what} ${level} ${g.place}`;
      }
      if (g.flavor === 'commune') {
        // Villages have names ("thôn Đông Hải", "thôn Đông Hải 3" after a split) or numbers ("thôn 7").
        if (random.chance(0.25)) return `Chi bộ ${villageWord(random, region)} ${n}`;
        return `Chi bộ ${villageWord(random, region)} ${placeName(random)}${random.chance(0.2) ? ` ${random.range(1, 5)}` : ''}`;
      }
      if (g.flavor === 'townlet') return `Chi bộ ${random.chance(0.5) ? 'khu' : 'tổ dân phố'} ${n}`;
      return random.chance(0.6) ? `Chi bộ khu phố ${n}` : `Chi bộ tổ dân phố ${placeName(random)}`;
    }
    case 'hospital':
      return `Chi bộ ${nth(HOSPITAL_DEPARTMENTS, ordinal, offset)}`;
    case 'school':
      return `Chi bộ ${nth(SCHOOL_GROUPS, ordinal, offset)}`;
    case 'enterprise':
      return `Chi bộ ${offset % 2 === 0 ? 'Phân xưởng' : 'Đội sản xuất'} ${n}`;
    case 'military':
      return `Chi bộ ${offset % 2 === 0 ? 'Đại đội' : 'Ban'} ${n}`;
    case 'police':
    case 'border':
      return `Chi bộ ${nth(POLICE_TEAMS, ordinal, offset)}`;
    default:
      return `Chi bộ ${nth(OFFICE_DEPARTMENTS, ordinal, offset)}`;
  }
}

/** A sub-committee (đảng bộ bộ phận) grouping some of a large grassroots committee's cells. */
export function subCommitteeName(g: { flavor: Flavor }, n: number): string {
  switch (g.flavor) {
    case 'commune':
    case 'ward':
    case 'townlet':
      return `Đảng bộ bộ phận khu dân cư số ${n}`;
    case 'enterprise':
      return `Đảng bộ bộ phận Xí nghiệp ${n}`;
    case 'military':
    case 'police':
    case 'border':
      return `Đảng bộ bộ phận Tiểu đoàn ${n}`;
    default:
      return `Đảng bộ bộ phận Khối ${n}`;
  }
}

/** Cadre categories (cadre_categories.csv); the first three have the reference dataset's codes and names. */
export const CADRE_CATEGORIES: readonly { code: string; name: string }[] = [
  { code: 'CENTRAL_MANAGED', name: 'Cán bộ diện Trung ương quản lý' },
  { code: 'COMMITTEE_MEMBER', name: 'Cấp ủy viên' },
  { code: 'PROVINCE_MANAGED', name: 'Cán bộ diện Ban Thường vụ Tỉnh ủy quản lý' },
  { code: 'DISTRICT_MANAGED', name: 'Cán bộ diện Ban Thường vụ Huyện ủy quản lý' },
  { code: 'CIVIL_SERVANT', name: 'Cán bộ, công chức, viên chức' },
].map((c) => ({ code: c.code, name: c.name.normalize('NFC') }));
