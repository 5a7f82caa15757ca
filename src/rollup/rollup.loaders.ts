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
import type { Period } from './period';
import type { CampaignStats, DisciplineStats, DocumentStats } from './rollup.types';

/** A rollup request: a root unit, a period and the tree to roll along (null: each fact's reference date). */
export interface RollupRequest {
  unitId: number;
  period: Period;
  asOf: string | null;
}

export interface RollupLoaders {
  campaigns(request: RollupRequest): Promise<CampaignStats>;
  discipline(request: RollupRequest): Promise<DisciplineStats>;
  documents(request: RollupRequest): Promise<DocumentStats>;
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

  function load<T>(section: string, request: RollupRequest, batch: Batch<T>): Promise<T> {
    const { fromMonth, toMonth } = request.period;
    const group = `${section}:${fromMonth}-${toMonth}:${request.asOf ?? 'reference-date'}`;
    let loader = loaders.get(group) as DataLoader<string, T> | undefined;
    if (!loader) {
      loader = new DataLoader<string, T>(async (keys) => {
        // Every root for every year asked for: one statement even when each root asks for other years.
        const pairs = keys.map((k) => k.split(':').map(Number));
        const scope: RollupScope = {
          rootIds: [...new Set(pairs.map(([id]) => id))],
          years: [...new Set(pairs.map(([, year]) => year))],
          fromMonth,
          toMonth,
          asOf: request.asOf,
          scopeUnitId,
          source,
        };
        const result = await batch(scope);
        return keys.map((k) => result.get(k)!);
      });
      loaders.set(group, loader as DataLoader<string, unknown>);
    }
    return loader.load(rollupKey(request.unitId, request.period.year));
  }

  return {
    campaigns: (request) => load('campaigns', request, (scope) => campaignStats(em, scope)),
    discipline: (request) => load('discipline', request, (scope) => disciplineStats(em, scope, getCategories())),
    documents: (request) => load('documents', request, (scope) => documentStats(em, scope)),
    categories: getCategories,
  };
}
