/** Registers the domain enums with type-graphql, with a description on every value. */
import { registerEnumType } from 'type-graphql';
import { Tier, UnitKind, TIER_DESCRIPTIONS, UNIT_KIND_DESCRIPTIONS } from './org/kinds';
import { Authority, Body, DisciplineForm } from './facts/enums';

function describe<T extends string>(descriptions: Record<T, string>) {
  return Object.fromEntries(Object.entries(descriptions).map(([k, v]) => [k, { description: v as string }])) as Record<
    T,
    { description: string }
  >;
}

registerEnumType(UnitKind, {
  name: 'UnitKind',
  description: 'What a unit is (huyện ủy, đảng ủy cơ sở, chi bộ…). The kind gives the tier.',
  valuesConfig: describe(UNIT_KIND_DESCRIPTIONS),
});

registerEnumType(Tier, {
  name: 'Tier',
  description: 'Level of a unit in the party hierarchy, given by its kind (not by its depth in the tree).',
  valuesConfig: describe(TIER_DESCRIPTIONS),
});

registerEnumType(Body, {
  name: 'Body',
  description: 'Who inside a unit acted.',
  valuesConfig: describe<Body>({
    [Body.COMMITTEE]: 'Cấp ủy: the party committee.',
    [Body.STANDING_COMMITTEE]: 'Ban thường vụ: its standing committee.',
    [Body.INSPECTION_COMMISSION]: 'Ủy ban kiểm tra (UBKT): the inspection commission.',
    [Body.PARTY_BUILDING_BOARD]: 'Ban xây dựng đảng: a party-building board (central, provincial or district tier only).',
    [Body.PARTY_CELL]: 'Chi bộ: a party cell.',
    [Body.UNSPECIFIED]: 'The source did not state the body.',
  }),
});

registerEnumType(Authority, {
  name: 'Authority',
  description: 'Who imposed a disciplinary action, as discipline is reported.',
  valuesConfig: describe<Authority>({
    [Authority.PARTY_COMMITTEES]: 'Cấp ủy, tổ chức đảng: committees, standing committees and cells.',
    [Authority.INSPECTION_COMMISSIONS]: 'Ủy ban kiểm tra các cấp: inspection commissions.',
  }),
});

registerEnumType(DisciplineForm, {
  name: 'DisciplineForm',
  description: 'Form of a disciplinary action.',
  valuesConfig: describe<DisciplineForm>({
    [DisciplineForm.REPRIMAND]: 'Khiển trách (members and organizations).',
    [DisciplineForm.WARNING]: 'Cảnh cáo (members and organizations).',
    [DisciplineForm.REMOVAL]: 'Cách chức (members only).',
    [DisciplineForm.EXPULSION]: 'Khai trừ (members only).',
    [DisciplineForm.DISSOLUTION]: 'Giải tán (organizations only).',
    [DisciplineForm.UNSPECIFIED]: 'The source did not state the form.',
  }),
});
