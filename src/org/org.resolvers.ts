import { GraphQLError, type GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, FieldResolver, Info, Int, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../context';
import { DateScalar } from '../graphql-date';
import { MAX_YEAR, MIN_YEAR, validatePeriod } from '../rollup/period';
import { periodAndTreeOf } from '../rollup/rollup.loaders';
import { RollupType, type RollupRoot } from '../rollup/rollup.resolvers';
import { RollupSeriesEntry } from '../rollup/series';
import { CadreCategoryType } from '../facts/cadre-category.type';
import { sortByCode } from '../order';
import { unitOnDefaultDay } from './org.loaders';
import { OrgUnitType, PeriodInput, UnitVersionType } from './org.types';
import { rootsOn, defaultDay, type UnitView, type VersionRow } from './tree';
import { isVisible } from '../auth/scope';
import { prefetchRollups } from '../rollup/prefetch';

/** The unit as the caller may see it: itself if it lies in the caller's scope that day, else null. */
async function visible(ctx: Context, view: Promise<UnitView | null> | UnitView | null): Promise<UnitView | null> {
  const v = await view;
  return isVisible(v, ctx.scopeUnitId) ? v : null;
}

/** A series covers at most this many years: a guard against a typo such as toYear 20230. */
const MAX_SERIES_YEARS = 100;

@Resolver(() => OrgUnitType)
export class OrgUnitResolver {
  @Query(() => OrgUnitType, {
    nullable: true,
    description:
      'The unit with this stable code as it stood on `asOf`, or null (unknown code, or the unit did not exist that day). ' +
      'Without `asOf`: today if the unit exists today, else its last day before today, else its first day.',
  })
  async unit(
    @Arg('code', () => String, { description: 'Stable code of the unit.' }) code: string,
    @Arg('asOf', () => DateScalar, { nullable: true, description: 'The day whose tree to show.' }) asOf: string | null,
    @Ctx() ctx: Context,
  ): Promise<UnitView | null> {
    // On a given day: one statement. Without a day, the unit's versions say which day is its default.
    if (asOf) return visible(ctx, ctx.org.unitByCodeOn(code, asOf));
    const id = await ctx.org.idByCode.load(code);
    if (id === null) return null;
    return visible(ctx, unitOnDefaultDay(ctx.org, id, ctx.today));
  }

  @Query(() => [OrgUnitType], { description: 'Units that have no parent on `asOf` (default: today), ordered by code.' })
  async roots(
    @Arg('asOf', () => DateScalar, { nullable: true, description: 'The day whose tree to show; default today.' }) asOf: string | null,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<UnitView[]> {
    const day = asOf ?? ctx.today;
    // A scoped caller's tree starts at its scope unit: nothing above it is readable.
    if (ctx.scopeUnitId !== null) {
      const top = await visible(ctx, ctx.org.unitOn(ctx.scopeUnitId, day));
      return top ? [top] : [];
    }
    const roots = sortByCode(await rootsOn(ctx.em, day));
    void prefetchRollups(ctx, info, roots);
    return roots;
  }

  @Query(() => [CadreCategoryType], { description: 'Every cadre category, ordered by code.' })
  cadreCategories(@Ctx() ctx: Context): Promise<CadreCategoryType[]> {
    return ctx.rollup.categories();
  }

  @FieldResolver(() => OrgUnitType, { nullable: true, description: 'The parent unit on `asOf`; null for a root (or above the caller\'s scope).' })
  parent(@Root() unit: UnitView, @Ctx() ctx: Context): Promise<UnitView | null> | null {
    return unit.parentId === null ? null : visible(ctx, ctx.org.unitOn(unit.parentId, unit.asOf));
  }

  @FieldResolver(() => [OrgUnitType], { description: 'Units directly below this one on `asOf`, ordered by code.' })
  async children(@Root() unit: UnitView, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo): Promise<UnitView[]> {
    const children = (await ctx.org.childrenOn(unit.id, unit.asOf)).filter((c) => isVisible(c, ctx.scopeUnitId));
    void prefetchRollups(ctx, info, children);
    return children;
  }

  @FieldResolver(() => [OrgUnitType], {
    description: 'Every unit above this one on `asOf`: root first, parent last (from the caller\'s scope unit down, for a scoped caller).',
  })
  async ancestors(@Root() unit: UnitView, @Ctx() ctx: Context): Promise<UnitView[]> {
    // Ancestors the caller may not see (above its scope) are left out, by either enforcement.
    const found = await Promise.all(unit.path.slice(0, -1).map((id) => ctx.org.unitOn(id, unit.asOf)));
    return found.filter((u): u is UnitView => isVisible(u, ctx.scopeUnitId));
  }

  @FieldResolver(() => Int, { description: 'Number of units below this one on `asOf`, at any depth.' })
  descendantCount(@Root() unit: UnitView, @Ctx() ctx: Context): Promise<number> {
    return ctx.org.descendantCountOn(unit.id, unit.asOf);
  }

  @FieldResolver(() => OrgUnitType, {
    nullable: true,
    description: 'The unit that took over when this unit\'s history ended (a merger), seen on the day it took over; null if none.',
  })
  async successor(@Root() unit: UnitView, @Ctx() ctx: Context): Promise<UnitView | null> {
    if (unit.successorId === null) return null;
    const versions = await ctx.org.versions.load(unit.id);
    return visible(ctx, ctx.org.unitOn(unit.successorId, versions[versions.length - 1].validTo!));
  }

  @FieldResolver(() => [UnitVersionType], { description: 'Every version of the unit, oldest first.' })
  history(@Root() unit: UnitView, @Ctx() ctx: Context): Promise<VersionRow[]> {
    return ctx.org.versions.load(unit.id);
  }

  @FieldResolver(() => RollupType, {
    description:
      'Inspection, supervision, discipline and documents of this unit and all its descendants over the period. ' +
      'Without `asOf`, each fact counts for its unit and the ancestors its unit had on the fact\'s reference date ' +
      '(the last day of its month, or year, on which its unit existed), whatever day this unit is seen on. ' +
      'With `asOf`, every fact is rolled along the tree of that day: a unit that did not exist then is replaced by ' +
      'its successor, or else by the parent it had on its last day, until a unit of that day is reached; so a unit ' +
      'that does not exist on `asOf` has an empty rollup as of that day (its facts count for the units that took over).',
  })
  rollup(
    @Root() unit: UnitView,
    @Arg('period', () => PeriodInput, { description: 'The period to roll up.' }) period: PeriodInput,
    @Arg('asOf', () => DateScalar, { nullable: true, description: 'Roll every fact along the tree of this day.' }) asOf: string | null,
  ): RollupRoot {
    return { unitId: unit.id, ...periodAndTreeOf(period, asOf) };
  }

  @FieldResolver(() => [RollupSeriesEntry], {
    description:
      'The rollup for each year from fromYear to toYear (same months each year), with the change of every headline ' +
      'count from the year before. Semantics of `asOf` as in `rollup`. One statement per section for the whole series.',
  })
  rollupSeries(
    @Root() unit: UnitView,
    @Arg('fromYear', () => Int, { description: 'First year of the series.' }) fromYear: number,
    @Arg('toYear', () => Int, { description: 'Last year of the series (inclusive).' }) toYear: number,
    @Arg('fromMonth', () => Int, { defaultValue: 1, description: 'First month of each year\'s period.' }) fromMonth: number,
    @Arg('toMonth', () => Int, { defaultValue: 12, description: 'Last month of each year\'s period.' }) toMonth: number,
    @Arg('asOf', () => DateScalar, { nullable: true, description: 'Roll every fact along the tree of this day.' }) asOf: string | null,
  ): (RollupRoot & RollupSeriesEntry)[] {
    const problems: string[] = [];
    if (fromYear > toYear) problems.push(`fromYear ${fromYear} is after toYear ${toYear}`);
    else if (toYear - fromYear + 1 > MAX_SERIES_YEARS) problems.push(`a series covers at most ${MAX_SERIES_YEARS} years`);
    for (const [name, y] of [['fromYear', fromYear], ['toYear', toYear]] as const) {
      if (y < MIN_YEAR || y > MAX_YEAR) problems.push(`${name} ${y} is outside ${MIN_YEAR}–${MAX_YEAR}`);
    }
    if (problems.length > 0) {
      throw new GraphQLError(`Invalid series: ${problems.join('; ')}.`, { extensions: { code: 'BAD_USER_INPUT', field: 'rollupSeries' } });
    }
    const months = validatePeriod({ year: fromYear, fromMonth, toMonth });
    return Array.from({ length: toYear - fromYear + 1 }, (_, i) => {
      const year = fromYear + i;
      return { unitId: unit.id, period: { ...months, year }, asOf: asOf ?? null, year, fromMonth: months.fromMonth, toMonth: months.toMonth };
    });
  }
}

@Resolver(() => UnitVersionType)
export class UnitVersionResolver {
  @FieldResolver(() => OrgUnitType, {
    nullable: true,
    description: 'The parent during the version (seen on the version\'s last day before today, or today); null for a root.',
  })
  parent(@Root() version: VersionRow, @Ctx() ctx: Context): Promise<UnitView | null> | null {
    return version.parentId === null ? null : visible(ctx, ctx.org.unitOn(version.parentId, defaultDay([version], ctx.today)));
  }
}
