/**
 * Unit kinds and tiers. The tier follows from the kind, never from the depth in the tree
 * (after the 2025 reform, commune committees hang directly under the province and stay GRASSROOTS).
 */
export enum UnitKind {
  CENTRAL_COMMITTEE = 'CENTRAL_COMMITTEE',
  PROVINCIAL_COMMITTEE = 'PROVINCIAL_COMMITTEE',
  DISTRICT_COMMITTEE = 'DISTRICT_COMMITTEE',
  TOWN_COMMITTEE = 'TOWN_COMMITTEE',
  CITY_COMMITTEE = 'CITY_COMMITTEE',
  DIRECT_COMMITTEE = 'DIRECT_COMMITTEE',
  GRASSROOTS_COMMITTEE = 'GRASSROOTS_COMMITTEE',
  GRASSROOTS_CELL = 'GRASSROOTS_CELL',
  SUB_COMMITTEE = 'SUB_COMMITTEE',
  CELL = 'CELL',
}

/** Declaration order is the order of every byTier breakdown. */
export enum Tier {
  CENTRAL = 'CENTRAL',
  PROVINCIAL = 'PROVINCIAL',
  DISTRICT = 'DISTRICT',
  GRASSROOTS = 'GRASSROOTS',
  CELL = 'CELL',
}

export const TIER_OF_KIND: Record<UnitKind, Tier> = {
  [UnitKind.CENTRAL_COMMITTEE]: Tier.CENTRAL,
  [UnitKind.PROVINCIAL_COMMITTEE]: Tier.PROVINCIAL,
  [UnitKind.DISTRICT_COMMITTEE]: Tier.DISTRICT,
  [UnitKind.TOWN_COMMITTEE]: Tier.DISTRICT,
  [UnitKind.CITY_COMMITTEE]: Tier.DISTRICT,
  [UnitKind.DIRECT_COMMITTEE]: Tier.DISTRICT,
  [UnitKind.GRASSROOTS_COMMITTEE]: Tier.GRASSROOTS,
  [UnitKind.GRASSROOTS_CELL]: Tier.GRASSROOTS,
  [UnitKind.SUB_COMMITTEE]: Tier.CELL,
  [UnitKind.CELL]: Tier.CELL,
};

export const UNIT_KIND_DESCRIPTIONS: Record<UnitKind, string> = {
  [UnitKind.CENTRAL_COMMITTEE]: 'Ban Chấp hành Trung ương (tier CENTRAL).',
  [UnitKind.PROVINCIAL_COMMITTEE]: 'Đảng bộ tỉnh / thành phố trực thuộc Trung ương (tier PROVINCIAL).',
  [UnitKind.DISTRICT_COMMITTEE]: 'Huyện ủy (tier DISTRICT).',
  [UnitKind.TOWN_COMMITTEE]: 'Thị ủy (tier DISTRICT).',
  [UnitKind.CITY_COMMITTEE]: 'Thành ủy, thành phố thuộc tỉnh (tier DISTRICT).',
  [UnitKind.DIRECT_COMMITTEE]: 'Đảng ủy trực thuộc tỉnh: khối, quân sự, công an, doanh nghiệp… (tier DISTRICT).',
  [UnitKind.GRASSROOTS_COMMITTEE]: 'Đảng ủy cơ sở (tier GRASSROOTS).',
  [UnitKind.GRASSROOTS_CELL]: 'Chi bộ cơ sở (tier GRASSROOTS).',
  [UnitKind.SUB_COMMITTEE]: 'Đảng bộ bộ phận (tier CELL).',
  [UnitKind.CELL]: 'Chi bộ trực thuộc (tier CELL).',
};

export const TIER_DESCRIPTIONS: Record<Tier, string> = {
  [Tier.CENTRAL]: 'Trung ương.',
  [Tier.PROVINCIAL]: 'Cấp tỉnh.',
  [Tier.DISTRICT]: 'Cấp huyện và tương đương.',
  [Tier.GRASSROOTS]: 'Cấp cơ sở.',
  [Tier.CELL]: 'Chi bộ, đảng bộ bộ phận.',
};

/** Tiers at which a party-building board (ban xây dựng đảng) exists. */
export const TIERS_WITH_PARTY_BUILDING_BOARD: ReadonlySet<Tier> = new Set([Tier.CENTRAL, Tier.PROVINCIAL, Tier.DISTRICT]);
