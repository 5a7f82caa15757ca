/**
 * Per-request rollup loaders: one DataLoader per (section, month range, tree), keyed by root unit and year, so
 * that the rollups of a whole level of the tree, for any number of years, cost one statement per section.
 */
import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/core';
import { queryRows } from '../sql';
import { sortByCode } from '../order';
import type { CadreCategoryType } from '../facts/cadre-category.type';
import { campaignStats, disciplineStats, documentStats, rollupKey, type RollupScope } from './engine';
import { validatePeriod, type Period } from './period';
import type { CampaignStats, DisciplineStats, DocumentStats } from './rollup.types';

/** A rollup request: a root unit, a period and the tree to roll along (null: each fact's reference date). */
export interface RollupRequest {
  unitId: number;
  period: Period;
  asOf: string | null;
}

/** A rollup request without its unit: what its loader groups by. */
export type PeriodAndTree = Omit<RollupRequest, 'unitId'>;

/**
 * What the arguments of a `rollup` field ask for. The field's resolver and the prefetch of a list
 * (src/rollup/prefetch.ts) both read them here: a prefetched answer is found only under the same request. Throws
 * BAD_USER_INPUT for an invalid period.
 */
export function periodAndTreeOf(period: Parameters<typeof validatePeriod>[0], asOf: string | null | undefined): PeriodAndTree {
  return { period: validatePeriod(period), asOf: asOf ?? null };
}

/** The rollup sections that each cost a statement (the fields of a Rollup that load). */
export const ROLLUP_SECTIONS = ['campaigns', 'discipline', 'documents'] as const;
export type RollupSection = (typeof ROLLUP_SECTIONS)[number];

export interface RollupLoaders {
  campaigns(request: RollupRequest): Promise<CampaignStats>;
  discipline(request: RollupRequest): Promise<DisciplineStats>;
  documents(request: RollupRequest): Promise<DocumentStats>;
  /**
   * Asks for a section's rollup ahead of its field (src/rollup/prefetch.ts): the requests made before the current
   * microtasks finish go out together, one statement per section and period, at once — not after the executor's next
   * walk over the units, when the loaders would dispatch — and the loaders then answer them from their cache.
   * Settles once the statement is answered (for tests).
   */
  prefetch(section: RollupSection, request: PeriodAndTree, unitIds: readonly number[]): Promise<void>;
  /** Every cadre category ordered by code, read once per request. */
  categories(): Promise<CadreCategoryType[]>;
}

export async function loadCategories(em: EntityManager): Promise<CadreCategoryType[]> {
  return sortByCode(await queryRows<CadreCategoryType>(em, 'select id, code, name from cadre_categories'));
}

type Batch<T> = (scope: RollupScope) => Promise<Map<string, T>>;

/**
 * `scopeUnitId`: count only facts whose unit was under this unit on their reference date (null: all).
 * `source`: where the sums come from (RollupScope.source; 'scan' only to compare with the pre-aggregated totals).
 */
export function createRollupLoaders(em: EntityManager, scopeUnitId: number | null = null, source: RollupScope['source'] = 'auto'): RollupLoaders {
  const loaders = new Map<string, DataLoader<string, unknown>>();
  let categories: Promise<CadreCategoryType[]> | undefined;
  const getCategories = () => (categories ??= loadCategories(em));
  const batches: Record<RollupSection, Batch<unknown>> = {
    campaigns: (scope) => campaignStats(em, scope),
    discipline: (scope) => disciplineStats(em, scope, getCategories()),
    documents: (scope) => documentStats(em, scope),
  };

  /** Every root for every year of `keys` ("root:year"), over the request's months, along its tree. */
  const scopeOf = (keys: readonly string[], request: PeriodAndTree): RollupScope => {
    const pairs = keys.map((k) => k.split(':').map(Number));
    return {
      rootIds: [...new Set(pairs.map(([id]) => id))],
      years: [...new Set(pairs.map(([, year]) => year))],
      fromMonth: request.period.fromMonth,
      toMonth: request.period.toMonth,
      asOf: request.asOf,
      scopeUnitId,
      source,
    };
  };
  const groupOf = (section: RollupSection, request: PeriodAndTree) =>
    `${section}:${request.period.fromMonth}-${request.period.toMonth}:${request.asOf ?? 'reference-date'}`;

  function loaderOf(section: RollupSection, request: PeriodAndTree): DataLoader<string, unknown> {
    const group = groupOf(section, request);
    let loader = loaders.get(group);
    if (!loader) {
      loader = new DataLoader<string, unknown>(async (keys) => {
        // Every root for every year asked for: one statement even when each root asks for other years.
        const result = await batches[section](scopeOf(keys, request));
        return keys.map((k) => result.get(k)!);
      });
      loaders.set(group, loader);
    }
    return loader;
  }

  // Prefetched requests by group, sent when the microtasks queued before the first of them have run.
  const pending = new Map<string, { section: RollupSection; request: PeriodAndTree; keys: Set<string>; send: (result: Promise<unknown>) => void; answered: Promise<void> }>();
  const sendPending = () => {
    for (const { section, request, keys, send } of pending.values()) {
      const list = [...keys];
      const result = batches[section](scopeOf(list, request));
      const loader = loaderOf(section, request);
      // The primed promises carry the statement's error, if any, to the fields.
      for (const key of list) loader.prime(key, result.then((r) => r.get(key)));
      send(result);
    }
    pending.clear();
  };

  const load = <T>(section: RollupSection, request: RollupRequest) =>
    loaderOf(section, request).load(rollupKey(request.unitId, request.period.year)) as Promise<T>;

  return {
    campaigns: (request) => load<CampaignStats>('campaigns', request),
    discipline: (request) => load<DisciplineStats>('discipline', request),
    documents: (request) => load<DocumentStats>('documents', request),
    prefetch(section, request, unitIds) {
      if (unitIds.length === 0) return Promise.resolve();
      if (pending.size === 0) queueMicrotask(sendPending);
      const group = groupOf(section, request);
      let asked = pending.get(group);
      if (!asked) {
        let send!: (result: Promise<unknown>) => void;
        const answered = new Promise<void>((resolve) => (send = (result) => void result.then(() => resolve(), () => resolve())));
        pending.set(group, (asked = { section, request, keys: new Set(), send, answered }));
      }
      for (const id of unitIds) asked.keys.add(rollupKey(id, request.period.year));
      return asked.answered;
    },
    categories: getCategories,
  };
}
