/**
 * Dimensions of the fact tables. Declaration order is the order of every breakdown.
 * In the database an unstated dimension is NULL; the API shows it as UNSPECIFIED where the enum has that value.
 */
export enum Body {
  COMMITTEE = 'COMMITTEE',
  STANDING_COMMITTEE = 'STANDING_COMMITTEE',
  INSPECTION_COMMISSION = 'INSPECTION_COMMISSION',
  PARTY_BUILDING_BOARD = 'PARTY_BUILDING_BOARD',
  PARTY_CELL = 'PARTY_CELL',
  UNSPECIFIED = 'UNSPECIFIED',
}

export enum Authority {
  PARTY_COMMITTEES = 'PARTY_COMMITTEES',
  INSPECTION_COMMISSIONS = 'INSPECTION_COMMISSIONS',
}

export enum DisciplineForm {
  REPRIMAND = 'REPRIMAND',
  WARNING = 'WARNING',
  REMOVAL = 'REMOVAL',
  EXPULSION = 'EXPULSION',
  DISSOLUTION = 'DISSOLUTION',
  UNSPECIFIED = 'UNSPECIFIED',
}

export enum Activity {
  INSPECTION = 'INSPECTION',
  SUPERVISION = 'SUPERVISION',
}

export enum Origin {
  PROGRAMMED = 'PROGRAMMED',
  ARISING = 'ARISING',
}

export enum CampaignStatus {
  PLANNED = 'PLANNED',
  IN_PROGRESS = 'IN_PROGRESS',
  COMPLETED = 'COMPLETED',
  CANCELLED = 'CANCELLED',
}

export enum Subject {
  MEMBER = 'MEMBER',
  ORGANIZATION = 'ORGANIZATION',
}

export enum DocumentKind {
  DIRECTIVE = 'DIRECTIVE',
  GUIDANCE = 'GUIDANCE',
}

/** Bodies that may be stated in a file (UNSPECIFIED is the API's name for an empty cell). */
export const STATED_BODIES = [
  Body.COMMITTEE,
  Body.STANDING_COMMITTEE,
  Body.INSPECTION_COMMISSION,
  Body.PARTY_BUILDING_BOARD,
  Body.PARTY_CELL,
] as const;

/** Which authority a disciplining body reports under. A party-building board cannot discipline. */
export const AUTHORITY_OF_BODY: Partial<Record<Body, Authority>> = {
  [Body.COMMITTEE]: Authority.PARTY_COMMITTEES,
  [Body.STANDING_COMMITTEE]: Authority.PARTY_COMMITTEES,
  [Body.PARTY_CELL]: Authority.PARTY_COMMITTEES,
  [Body.INSPECTION_COMMISSION]: Authority.INSPECTION_COMMISSIONS,
};

/** Forms a disciplinary action may take, by subject. */
export const FORMS_BY_SUBJECT: Record<Subject, readonly DisciplineForm[]> = {
  [Subject.MEMBER]: [DisciplineForm.REPRIMAND, DisciplineForm.WARNING, DisciplineForm.REMOVAL, DisciplineForm.EXPULSION],
  [Subject.ORGANIZATION]: [DisciplineForm.REPRIMAND, DisciplineForm.WARNING, DisciplineForm.DISSOLUTION],
};
