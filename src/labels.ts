/**
 * Display labels, in Vietnamese and English, for every enum value the API shows and for the words of exports
 * (column headers, totals, the rows that stand for "none"). Plain data, no behaviour beyond lookups: keyed by the
 * GraphQL enum names so that the same table can later be served through GraphQL.
 *
 * Vietnamese follows the wording of the party's statistical returns (Quyết định 885-QĐ/UBKTTW) and of the
 * published reports: Cấp ủy, Ban Thường vụ, Ủy ban kiểm tra; Khiển trách, Cảnh cáo, Cách chức, Khai trừ, Giải tán…
 */
import { Tier, UnitKind } from './org/kinds';
import { Authority, Body, CampaignStatus, DisciplineForm, DocumentKind, Subject } from './facts/enums';
import { ActivityValue, Dimension, Measure, OriginValue } from './rollup/aggregate.types';
// Types only: these modules build GraphQL types, and a value import would tie labels.ts (read by exports) to them.
import type { HeadlineMetric } from './rollup/series';
import type { FigureBound, ReconciliationRule, ReconciliationStatus } from './reconcile/reconcile.types';
import type { AuditOperation } from './audit/audit.resolvers';

export const LANGS = ['vi', 'en'] as const;
export type Lang = (typeof LANGS)[number];
export const DEFAULT_LANG: Lang = 'vi';

/** One text in every language. */
export type Label = Readonly<Record<Lang, string>>;
/** A label for every value of an enum. */
export type EnumLabels<T extends string> = Readonly<Record<T, Label>>;

export const TIER_LABELS: EnumLabels<Tier> = {
  [Tier.CENTRAL]: { vi: 'Trung ương', en: 'Central' },
  [Tier.PROVINCIAL]: { vi: 'Tỉnh', en: 'Provincial' },
  [Tier.DISTRICT]: { vi: 'Huyện', en: 'District' },
  [Tier.GRASSROOTS]: { vi: 'Cơ sở', en: 'Grassroots' },
  [Tier.CELL]: { vi: 'Chi bộ', en: 'Cell' },
};

export const UNIT_KIND_LABELS: EnumLabels<UnitKind> = {
  [UnitKind.CENTRAL_COMMITTEE]: { vi: 'Ban Chấp hành Trung ương', en: 'Central Committee' },
  [UnitKind.PROVINCIAL_COMMITTEE]: { vi: 'Đảng bộ tỉnh, thành phố trực thuộc Trung ương', en: 'Provincial party committee' },
  [UnitKind.DISTRICT_COMMITTEE]: { vi: 'Huyện ủy', en: 'District party committee' },
  [UnitKind.TOWN_COMMITTEE]: { vi: 'Thị ủy', en: 'Town party committee' },
  [UnitKind.CITY_COMMITTEE]: { vi: 'Thành ủy (thành phố thuộc tỉnh)', en: 'City party committee (city under the province)' },
  [UnitKind.DIRECT_COMMITTEE]: { vi: 'Đảng ủy trực thuộc tỉnh', en: 'Party committee directly under the province' },
  [UnitKind.GRASSROOTS_COMMITTEE]: { vi: 'Đảng ủy cơ sở', en: 'Grassroots party committee' },
  [UnitKind.GRASSROOTS_CELL]: { vi: 'Chi bộ cơ sở', en: 'Grassroots party cell' },
  [UnitKind.SUB_COMMITTEE]: { vi: 'Đảng bộ bộ phận', en: 'Party sub-committee' },
  [UnitKind.CELL]: { vi: 'Chi bộ trực thuộc', en: 'Party cell' },
};

export const BODY_LABELS: EnumLabels<Body> = {
  [Body.COMMITTEE]: { vi: 'Cấp ủy', en: 'Party committee' },
  [Body.STANDING_COMMITTEE]: { vi: 'Ban Thường vụ', en: 'Standing committee' },
  [Body.INSPECTION_COMMISSION]: { vi: 'Ủy ban kiểm tra', en: 'Inspection commission' },
  [Body.PARTY_BUILDING_BOARD]: { vi: 'Ban Xây dựng Đảng', en: 'Party-building board' },
  [Body.PARTY_CELL]: { vi: 'Chi bộ', en: 'Party cell' },
  [Body.UNSPECIFIED]: { vi: 'Không rõ', en: 'Unspecified' },
};

export const AUTHORITY_LABELS: EnumLabels<Authority> = {
  [Authority.PARTY_COMMITTEES]: { vi: 'Cấp ủy, tổ chức đảng', en: 'Party committees and cells' },
  [Authority.INSPECTION_COMMISSIONS]: { vi: 'Ủy ban kiểm tra các cấp', en: 'Inspection commissions' },
};

export const ACTIVITY_LABELS: EnumLabels<ActivityValue> = {
  [ActivityValue.INSPECTION]: { vi: 'Kiểm tra', en: 'Inspection' },
  [ActivityValue.SUPERVISION]: { vi: 'Giám sát', en: 'Supervision' },
  [ActivityValue.UNSPECIFIED]: { vi: 'Không rõ', en: 'Unspecified' },
};

export const ORIGIN_LABELS: EnumLabels<OriginValue> = {
  [OriginValue.PROGRAMMED]: { vi: 'Theo chương trình', en: 'Programmed' },
  [OriginValue.ARISING]: { vi: 'Thường xuyên/phát sinh', en: 'Arising' },
  [OriginValue.UNSPECIFIED]: { vi: 'Không rõ', en: 'Unspecified' },
};

export const CAMPAIGN_STATUS_LABELS: EnumLabels<CampaignStatus> = {
  [CampaignStatus.PLANNED]: { vi: 'Chưa tiến hành', en: 'Planned' },
  [CampaignStatus.IN_PROGRESS]: { vi: 'Đang tiến hành', en: 'In progress' },
  [CampaignStatus.COMPLETED]: { vi: 'Đã kết thúc', en: 'Completed' },
  [CampaignStatus.CANCELLED]: { vi: 'Hủy bỏ', en: 'Cancelled' },
};

export const SUBJECT_LABELS: EnumLabels<Subject> = {
  [Subject.MEMBER]: { vi: 'Đảng viên', en: 'Party member' },
  [Subject.ORGANIZATION]: { vi: 'Tổ chức đảng', en: 'Party organization' },
};

export const DISCIPLINE_FORM_LABELS: EnumLabels<DisciplineForm> = {
  [DisciplineForm.REPRIMAND]: { vi: 'Khiển trách', en: 'Reprimand' },
  [DisciplineForm.WARNING]: { vi: 'Cảnh cáo', en: 'Warning' },
  [DisciplineForm.REMOVAL]: { vi: 'Cách chức', en: 'Removal from office' },
  [DisciplineForm.EXPULSION]: { vi: 'Khai trừ', en: 'Expulsion' },
  [DisciplineForm.DISSOLUTION]: { vi: 'Giải tán', en: 'Dissolution' },
  [DisciplineForm.UNSPECIFIED]: { vi: 'Không rõ', en: 'Unspecified' },
};

export const DOCUMENT_KIND_LABELS: EnumLabels<DocumentKind> = {
  [DocumentKind.DIRECTIVE]: { vi: 'Văn bản lãnh đạo, chỉ đạo', en: 'Leadership and direction documents' },
  [DocumentKind.GUIDANCE]: { vi: 'Văn bản hướng dẫn', en: 'Guidance documents' },
};

export const MEASURE_LABELS: EnumLabels<Measure> = {
  [Measure.CAMPAIGNS]: { vi: 'Cuộc kiểm tra, giám sát', en: 'Inspection and supervision campaigns' },
  [Measure.CAMPAIGNS_COMPLETED]: { vi: 'Cuộc kiểm tra, giám sát đã kết thúc', en: 'Campaigns completed' },
  [Measure.CAMPAIGNS_CANCELLED]: { vi: 'Cuộc kiểm tra, giám sát hủy bỏ', en: 'Campaigns cancelled' },
  [Measure.CAMPAIGNS_PROGRAMMED]: { vi: 'Cuộc kiểm tra, giám sát theo chương trình', en: 'Programmed campaigns' },
  [Measure.CAMPAIGNS_ARISING]: { vi: 'Cuộc kiểm tra, giám sát thường xuyên/phát sinh', en: 'Arising campaigns' },
  [Measure.DISCIPLINED_ORGANIZATIONS]: { vi: 'Tổ chức đảng bị thi hành kỷ luật', en: 'Party organizations disciplined' },
  [Measure.DISCIPLINED_MEMBERS]: { vi: 'Đảng viên bị thi hành kỷ luật', en: 'Party members disciplined' },
  [Measure.DOCUMENTS]: { vi: 'Văn bản lãnh đạo, chỉ đạo, hướng dẫn', en: 'Leadership and guidance documents' },
};

/** A dimension as a column header (CHILD_UNIT and UNIT_AT_TIER have their own code and name headers below). */
export const DIMENSION_LABELS: EnumLabels<Dimension> = {
  [Dimension.TIER]: { vi: 'Cấp', en: 'Tier' },
  [Dimension.BODY]: { vi: 'Cơ quan thực hiện', en: 'Body' },
  [Dimension.AUTHORITY]: { vi: 'Thẩm quyền thi hành kỷ luật', en: 'Disciplining authority' },
  [Dimension.ACTIVITY]: { vi: 'Hoạt động', en: 'Activity' },
  [Dimension.ORIGIN]: { vi: 'Theo chương trình hay phát sinh', en: 'Origin' },
  [Dimension.STATUS]: { vi: 'Tình trạng', en: 'Status' },
  [Dimension.FORM]: { vi: 'Hình thức kỷ luật', en: 'Discipline form' },
  [Dimension.SUBJECT]: { vi: 'Đối tượng', en: 'Subject' },
  [Dimension.CADRE_CATEGORY]: { vi: 'Diện cán bộ', en: 'Cadre category' },
  [Dimension.YEAR]: { vi: 'Năm', en: 'Year' },
  [Dimension.MONTH]: { vi: 'Tháng', en: 'Month' },
  [Dimension.CHILD_UNIT]: { vi: 'Đơn vị trực thuộc', en: 'Child unit' },
  [Dimension.UNIT_AT_TIER]: { vi: 'Đơn vị ở cấp', en: 'Unit at tier' },
};

export const HEADLINE_METRIC_LABELS: EnumLabels<`${HeadlineMetric}`> = {
  CAMPAIGNS_TOTAL: { vi: 'Cuộc kiểm tra, giám sát: tổng số', en: 'Campaigns: total' },
  CAMPAIGNS_COMPLETED: { vi: 'Cuộc kiểm tra, giám sát: đã kết thúc', en: 'Campaigns: completed' },
  CAMPAIGNS_CANCELLED: { vi: 'Cuộc kiểm tra, giám sát: hủy bỏ', en: 'Campaigns: cancelled' },
  CAMPAIGNS_PROGRAMMED: { vi: 'Cuộc kiểm tra, giám sát: theo chương trình', en: 'Campaigns: programmed' },
  CAMPAIGNS_ARISING: { vi: 'Cuộc kiểm tra, giám sát: thường xuyên/phát sinh', en: 'Campaigns: arising' },
  DISCIPLINED_ORGANIZATIONS: { vi: 'Tổ chức đảng bị thi hành kỷ luật', en: 'Party organizations disciplined' },
  DISCIPLINED_MEMBERS: { vi: 'Đảng viên bị thi hành kỷ luật', en: 'Party members disciplined' },
  DOCUMENTS_TOTAL: { vi: 'Văn bản: tổng số', en: 'Documents: total' },
  DOCUMENTS_DIRECTIVES: { vi: 'Văn bản lãnh đạo, chỉ đạo', en: 'Leadership and direction documents' },
  DOCUMENTS_GUIDANCE: { vi: 'Văn bản hướng dẫn', en: 'Guidance documents' },
};

export const FIGURE_BOUND_LABELS: EnumLabels<`${FigureBound}`> = {
  EXACT: { vi: 'Chính xác', en: 'Exact' },
  AT_LEAST: { vi: 'Hơn (ít nhất)', en: 'At least' },
};

export const RECONCILIATION_STATUS_LABELS: EnumLabels<`${ReconciliationStatus}`> = {
  MATCH: { vi: 'Khớp', en: 'Match' },
  MISMATCH: { vi: 'Không khớp', en: 'Mismatch' },
  NO_DATA: { vi: 'Không có số liệu', en: 'No data' },
};

export const RECONCILIATION_RULE_LABELS: EnumLabels<`${ReconciliationRule}`> = {
  YEAR_TO_DATE_DECREASE: { vi: 'Số lũy kế giảm so với kỳ ngắn hơn', en: 'Year-to-date figure decreases' },
};

export const AUDIT_OPERATION_LABELS: EnumLabels<`${AuditOperation}`> = {
  INSERT: { vi: 'Thêm mới', en: 'Insert' },
  UPDATE: { vi: 'Cập nhật', en: 'Update' },
  DELETE: { vi: 'Xóa', en: 'Delete' },
};

/** The languages themselves (the GraphQL enum Lang of the `labels` query). */
export const LANG_LABELS: EnumLabels<'VI' | 'EN'> = {
  VI: { vi: 'Tiếng Việt', en: 'Vietnamese' },
  EN: { vi: 'Tiếng Anh', en: 'English' },
};

/** Every enum's labels, by its GraphQL name. */
export const ENUM_LABELS = {
  Tier: TIER_LABELS,
  UnitKind: UNIT_KIND_LABELS,
  Body: BODY_LABELS,
  Authority: AUTHORITY_LABELS,
  Activity: ACTIVITY_LABELS,
  Origin: ORIGIN_LABELS,
  CampaignStatus: CAMPAIGN_STATUS_LABELS,
  Subject: SUBJECT_LABELS,
  DisciplineForm: DISCIPLINE_FORM_LABELS,
  DocumentKind: DOCUMENT_KIND_LABELS,
  Measure: MEASURE_LABELS,
  Dimension: DIMENSION_LABELS,
  HeadlineMetric: HEADLINE_METRIC_LABELS,
  FigureBound: FIGURE_BOUND_LABELS,
  ReconciliationStatus: RECONCILIATION_STATUS_LABELS,
  ReconciliationRule: RECONCILIATION_RULE_LABELS,
  AuditOperation: AUDIT_OPERATION_LABELS,
  Lang: LANG_LABELS,
} as const;

export type EnumName = keyof typeof ENUM_LABELS;

/** The words of exports: column headers, totals and the rows that stand for "none". `{x}` is filled in by `text`. */
export const TEXTS = {
  // Aggregate columns.
  value: { vi: 'Số lượng', en: 'Value' },
  shareOfTotal: { vi: 'Tỷ lệ trên tổng số', en: 'Share of total' },
  numerator: { vi: 'Tử số', en: 'Numerator' },
  denominator: { vi: 'Mẫu số (tổng số)', en: 'Denominator (total)' },
  childUnitCode: { vi: 'Mã đơn vị trực thuộc', en: 'Child unit code' },
  childUnitName: { vi: 'Đơn vị trực thuộc', en: 'Child unit' },
  unitAtTierCode: { vi: 'Mã đơn vị cấp {tier}', en: '{tier}-tier unit code' },
  unitAtTierName: { vi: 'Đơn vị cấp {tier}', en: '{tier}-tier unit' },
  measure: { vi: 'Chỉ tiêu', en: 'Measure' },
  total: { vi: 'Tổng cộng', en: 'Total' },
  // The null rows, as api-analytics.graphql defines them.
  ownFacts: { vi: '(số liệu riêng của đơn vị gốc, không thuộc đơn vị trực thuộc nào)', en: '(the root unit’s own facts, under no child unit)' },
  noUnitAtTier: { vi: '(không thuộc đơn vị cấp {tier} nào)', en: '(under no {tier}-tier unit)' },
  noMonth: { vi: '(không ghi tháng)', en: '(no month stated)' },
  noCategory: { vi: '(không thuộc diện nào ở trên)', en: '(in none of the categories above)' },
  // The children table: the by-district table of the published reports.
  unitCode: { vi: 'Mã đơn vị', en: 'Unit code' },
  unitName: { vi: 'Đơn vị', en: 'Unit' },
  campaignsTotal: { vi: 'Cuộc KT, GS: tổng số', en: 'Campaigns: total' },
  campaignsCompleted: { vi: 'Cuộc KT, GS: đã kết thúc', en: 'Campaigns: completed' },
  campaignsCompletedShare: { vi: 'Cuộc KT, GS: % đã kết thúc', en: 'Campaigns: % completed' },
  campaignsProgrammed: { vi: 'Cuộc KT, GS: theo chương trình', en: 'Campaigns: programmed' },
  campaignsArising: { vi: 'Cuộc KT, GS: thường xuyên/phát sinh', en: 'Campaigns: arising' },
  disciplinedOrganizations: { vi: 'Kỷ luật: tổ chức đảng', en: 'Discipline: party organizations' },
  disciplinedMembers: { vi: 'Kỷ luật: đảng viên', en: 'Discipline: party members' },
  categoryCount: { vi: 'Đảng viên bị kỷ luật là {category}', en: 'Members disciplined: {category}' },
  categoryShare: { vi: '% {category}', en: '% {category}' },
  documentsDirectives: { vi: 'Văn bản lãnh đạo, chỉ đạo', en: 'Documents: leadership and direction' },
  documentsGuidance: { vi: 'Văn bản hướng dẫn', en: 'Documents: guidance' },
  totalOf: { vi: 'Tổng cộng: {unit}', en: 'Total: {unit}' },
  // Titles and sheets.
  childrenTitle: {
    vi: 'Kết quả kiểm tra, giám sát, thi hành kỷ luật và văn bản theo đơn vị trực thuộc — {unit}, {period}',
    en: 'Inspection, supervision, discipline and documents by child unit — {unit}, {period}',
  },
  aggregateTitle: { vi: '{measure} — {unit}, {period}', en: '{measure} — {unit}, {period}' },
  groupedBy: { vi: 'theo {dimensions}', en: 'by {dimensions}' },
  filteredBy: { vi: 'lọc: {filters}', en: 'filter: {filters}' },
  childrenSheet: { vi: 'Theo đơn vị trực thuộc', en: 'By child unit' },
  aggregateSheet: { vi: 'Tổng hợp', en: 'Aggregate' },
  aboutSheet: { vi: 'Thông tin', en: 'About' },
  aboutTitle: { vi: 'Tiêu đề', en: 'Title' },
  aboutParameters: { vi: 'Tham số', en: 'Parameters' },
  aboutSource: { vi: 'Nguồn', en: 'Source' },
  childrenFile: { vi: 'theo đơn vị trực thuộc', en: 'by child unit' },
  // Periods.
  periodYear: { vi: 'năm {year}', en: '{year}' },
  periodYears: { vi: 'các năm {from}–{to}', en: '{from}–{to}' },
  periodMonths: { vi: 'tháng {fromMonth}–{toMonth} {years}', en: 'months {fromMonth}–{toMonth} of {years}' },
  periodMonth: { vi: 'tháng {fromMonth} {years}', en: 'month {fromMonth} of {years}' },
} as const satisfies Record<string, Label>;

export type TextKey = keyof typeof TEXTS;

/** An enum value's label in `lang` (the value itself when the enum or the value has none). */
export function enumLabel(name: EnumName, value: string, lang: Lang): string {
  return (ENUM_LABELS[name] as Record<string, Label>)[value]?.[lang] ?? value;
}

/** A text of TEXTS in `lang`, with its `{placeholders}` filled in. */
export function text(key: TextKey, lang: Lang, values: Record<string, string | number> = {}): string {
  return TEXTS[key][lang].replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}
