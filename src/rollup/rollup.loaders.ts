/**
 * Per-request rollup loaders: one DataLoader per (section, period), keyed by root unit id, so that the rollups
 * of a whole level of the tree cost one statement per section.
 */
import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/core';
import { CadreCategory } from '../facts/cadre-category.entity';
import { sortByCode } from '../order';
import type { CadreCategoryType } from '../facts/cadre-category.type';
import { campaignStats, disciplineStats, documentStats } from './engine';
import { periodKey, type Period } from './period';
import type { CampaignStats, DisciplineStats, DocumentStats } from './rollup.types';

export interface RollupLoaders {
  campaigns(period: Period): DataLoader<number, CampaignStats>;
  discipline(period: Period): DataLoader<number, DisciplineStats>;
  documents(period: Period): DataLoader<number, DocumentStats>;
  /** Every cadre category ordered by code, read once per request. */
  categories(): Promise<CadreCategoryType[]>;
}

export async function loadCategories(em: EntityManager): Promise<CadreCategoryType[]> {
  return sortByCode(await em.find(CadreCategory, {}));
}

export function createRollupLoaders(em: EntityManager): RollupLoaders {
  const loaders = new Map<string, DataLoader<number, unknown>>();
  let categories: Promise<CadreCategoryType[]> | undefined;
  const getCategories = () => (categories ??= loadCategories(em));

  function loaderFor<T>(section: string, period: Period, batch: (ids: readonly number[]) => Promise<Map<number, T>>) {
    const key = `${section}:${periodKey(period)}`;
    let loader = loaders.get(key) as DataLoader<number, T> | undefined;
    if (!loader) {
      loader = new DataLoader<number, T>(async (ids) => {
        const byRoot = await batch(ids);
        return ids.map((id) => byRoot.get(id)!);
      });
      loaders.set(key, loader as DataLoader<number, unknown>);
    }
    return loader;
  }

  return {
    campaigns: (period) => loaderFor('campaigns', period, (ids) => campaignStats(em, ids, period)),
    discipline: (period) =>
      loaderFor('discipline', period, async (ids) => disciplineStats(em, ids, period, await getCategories())),
    documents: (period) => loaderFor('documents', period, (ids) => documentStats(em, ids, period)),
    categories: getCategories,
  };
}
