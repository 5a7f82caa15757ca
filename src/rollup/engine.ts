/**
 * The rollup engine: the one place where figures are computed.
 *
 * Given a set of root units and a period, one SQL statement per section (campaigns, discipline, documents)
 * returns the grouped sums of `quantity` for all roots at once; this module folds the groups into complete
 * breakdowns (every enum value, zeros included, in declaration order). Shares come from shares.ts.
 * A fact counts for a root when its unit is the root or lies below it (ltree `<@`).
 */
import type { EntityManager } from '@mikro-orm/core';
import { Tier } from '../org/kinds';
import { Authority, AUTHORITY_OF_BODY, Body, CampaignStatus, DisciplineForm, DocumentKind, Origin, Subject } from '../facts/enums';
import type { CadreCategoryType } from '../facts/cadre-category.type';
import { periodCondition, type Period } from './period';
import { percent, share } from './shares';
import { pgArray } from '../sql';
import type { AuthorityDiscipline, CampaignStats, CategoryShare, DisciplineStats, DocumentStats } from './rollup.types';

type Row = Record<string, unknown>;

async function groupedSums(
  em: EntityManager,
  rootIds: readonly number[],
  period: Period,
  select: (where: string) => string,
): Promise<Row[]> {
  const cond = periodCondition('f', period);
  const sql = select(`r.id = any(?::int[]) and ${cond.sql}`);
  return em.getConnection().execute(sql, [pgArray(rootIds), ...cond.params], 'all');
}

/** FROM clause joining roots to the facts of their subtrees. */
const SUBTREE = (table: string) => `units r join units u on u.path <@ r.path join ${table} f on f.unit_id = u.id`;

function forEachRoot<T>(rootIds: readonly number[], make: () => T): Map<number, T> {
  return new Map(rootIds.map((id) => [id, make()]));
}

export async function campaignStats(em: EntityManager, rootIds: readonly number[], period: Period): Promise<Map<number, CampaignStats>> {
  const rows = await groupedSums(
    em,
    rootIds,
    period,
    (where) => `select r.id as root_id, u.tier, f.body, f.status, f.origin, sum(f.quantity)::bigint as qty
      from ${SUBTREE('campaigns')} where ${where}
      group by r.id, u.tier, f.body, f.status, f.origin`,
  );
  const result = forEachRoot(rootIds, (): CampaignStats => ({
    total: 0,
    completed: 0,
    cancelled: 0,
    programmed: 0,
    arising: 0,
    byTier: Object.values(Tier).map((tier) => ({ tier, total: 0, completed: 0 })),
    byBody: Object.values(Body).map((body) => ({ body, total: 0, completed: 0 })),
  }));
  const tierIndex = new Map(Object.values(Tier).map((t, i) => [t, i]));
  const bodyIndex = new Map(Object.values(Body).map((b, i) => [b, i]));
  for (const row of rows) {
    const stats = result.get(Number(row.root_id))!;
    const qty = Number(row.qty);
    const completed = row.status === CampaignStatus.COMPLETED ? qty : 0;
    stats.total += qty;
    stats.completed += completed;
    if (row.status === CampaignStatus.CANCELLED) stats.cancelled += qty;
    if (row.origin === Origin.PROGRAMMED) stats.programmed += qty;
    if (row.origin === Origin.ARISING) stats.arising += qty;
    const tier = stats.byTier[tierIndex.get(row.tier as Tier)!];
    tier.total += qty;
    tier.completed += completed;
    const body = stats.byBody[bodyIndex.get((row.body as Body | null) ?? Body.UNSPECIFIED)!];
    body.total += qty;
    body.completed += completed;
  }
  return result;
}

/** Category counts with shares of `members`, one entry per category in code order. */
function categoryShares(categories: readonly CadreCategoryType[], counts: Map<number, number>, members: number): CategoryShare[] {
  return categories.map((category) => {
    const count = counts.get(category.id) ?? 0;
    return { category, count, share: share(count, members), percent: percent(count, members) };
  });
}

export async function disciplineStats(
  em: EntityManager,
  rootIds: readonly number[],
  period: Period,
  categories: readonly CadreCategoryType[],
): Promise<Map<number, DisciplineStats>> {
  // One statement: totals by body/subject/form (part 'T'), and member quantities by body and category (part 'C').
  const rows = await groupedSums(
    em,
    rootIds,
    period,
    (where) => `with f as (
        select r.id as root_id, f.id, f.body, f.subject, f.form, f.quantity
        from ${SUBTREE('disciplinary_actions')} where ${where})
      select root_id, 'T' as part, body, subject, form, null::int as category_id, sum(quantity)::bigint as qty
      from f group by root_id, body, subject, form
      union all
      select f.root_id, 'C', f.body, f.subject, null, c.category_id, sum(f.quantity)::bigint
      from f join disciplinary_action_categories c on c.action_id = f.id
      where f.subject = 'MEMBER'
      group by f.root_id, f.body, f.subject, c.category_id`,
  );
  const authorities = Object.values(Authority);
  const forms = Object.values(DisciplineForm);
  const acc = forEachRoot(rootIds, () => ({
    organizations: 0,
    members: 0,
    categoryCounts: new Map<number, number>(),
    byAuthority: authorities.map((authority) => ({ authority, organizations: 0, members: 0, categoryCounts: new Map<number, number>() })),
    byForm: forms.map((form) => ({ form, organizations: 0, members: 0 })),
  }));
  const add = (counts: Map<number, number>, id: number, qty: number) => counts.set(id, (counts.get(id) ?? 0) + qty);
  for (const row of rows) {
    const stats = acc.get(Number(row.root_id))!;
    const qty = Number(row.qty);
    const authority = stats.byAuthority[authorities.indexOf(AUTHORITY_OF_BODY[row.body as Body]!)];
    if (row.part === 'C') {
      add(stats.categoryCounts, Number(row.category_id), qty);
      add(authority.categoryCounts, Number(row.category_id), qty);
      continue;
    }
    const form = stats.byForm[forms.indexOf((row.form as DisciplineForm | null) ?? DisciplineForm.UNSPECIFIED)];
    if (row.subject === Subject.MEMBER) {
      stats.members += qty;
      authority.members += qty;
      form.members += qty;
    } else {
      stats.organizations += qty;
      authority.organizations += qty;
      form.organizations += qty;
    }
  }
  const result = new Map<number, DisciplineStats>();
  for (const [rootId, stats] of acc) {
    result.set(rootId, {
      organizations: stats.organizations,
      members: stats.members,
      membersByCategory: categoryShares(categories, stats.categoryCounts, stats.members),
      byAuthority: stats.byAuthority.map(
        (a): AuthorityDiscipline => ({
          authority: a.authority,
          organizations: a.organizations,
          members: a.members,
          membersByCategory: categoryShares(categories, a.categoryCounts, a.members),
        }),
      ),
      byForm: stats.byForm,
    });
  }
  return result;
}

export async function documentStats(em: EntityManager, rootIds: readonly number[], period: Period): Promise<Map<number, DocumentStats>> {
  const rows = await groupedSums(
    em,
    rootIds,
    period,
    (where) => `select r.id as root_id, f.kind, sum(f.quantity)::bigint as qty
      from ${SUBTREE('documents')} where ${where} group by r.id, f.kind`,
  );
  const result = forEachRoot(rootIds, (): DocumentStats => ({ total: 0, directives: 0, guidance: 0 }));
  for (const row of rows) {
    const stats = result.get(Number(row.root_id))!;
    const qty = Number(row.qty);
    stats.total += qty;
    if (row.kind === DocumentKind.DIRECTIVE) stats.directives += qty;
    else stats.guidance += qty;
  }
  return result;
}
