import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../context';
import { validatePeriod } from '../rollup/period';
import { RollupType, type RollupRoot } from '../rollup/rollup.resolvers';
import { CadreCategoryType } from '../facts/cadre-category.type';
import { ancestorIds } from './org.loaders';
import { sortByCode } from '../order';
import { OrgUnitType, PeriodInput } from './org.types';
import { Unit } from './unit.entity';

@Resolver(() => OrgUnitType)
export class OrgUnitResolver {
  @Query(() => OrgUnitType, { nullable: true, description: 'The unit with this stable code, or null.' })
  unit(@Arg('code', () => String, { description: 'Stable code of the unit.' }) code: string, @Ctx() ctx: Context): Promise<Unit | null> {
    return ctx.org.unitByCode.load(code);
  }

  @Query(() => [OrgUnitType], { description: 'Units that have no parent, ordered by code.' })
  async roots(@Ctx() ctx: Context): Promise<Unit[]> {
    return sortByCode(await ctx.em.find(Unit, { parent: null }));
  }

  @Query(() => [CadreCategoryType], { description: 'Every cadre category, ordered by code.' })
  cadreCategories(@Ctx() ctx: Context): Promise<CadreCategoryType[]> {
    return ctx.rollup.categories();
  }

  @FieldResolver(() => OrgUnitType, { nullable: true, description: 'The parent unit; null for a root.' })
  parent(@Root() unit: Unit, @Ctx() ctx: Context): Promise<Unit | null> | null {
    return unit.parent ? ctx.org.unitById.load(unit.parent.id) : null;
  }

  @FieldResolver(() => [OrgUnitType], { description: 'Units directly below this one, ordered by code.' })
  children(@Root() unit: Unit, @Ctx() ctx: Context): Promise<Unit[]> {
    return ctx.org.childrenOf.load(unit.id);
  }

  @FieldResolver(() => [OrgUnitType], { description: 'Every unit above this one: root first, parent last.' })
  async ancestors(@Root() unit: Unit, @Ctx() ctx: Context): Promise<Unit[]> {
    const units = await ctx.org.unitById.loadMany(ancestorIds(unit));
    return units.map((u) => {
      if (!u || u instanceof Error) throw u ?? new Error(`ancestor of unit ${unit.id} is missing`);
      return u;
    });
  }

  @FieldResolver(() => Int, { description: 'Number of units below this one, at any depth.' })
  descendantCount(@Root() unit: Unit, @Ctx() ctx: Context): Promise<number> {
    return ctx.org.descendantCount.load(unit.id);
  }

  @FieldResolver(() => RollupType, {
    description: 'Inspection, supervision, discipline and documents of this unit and all its descendants over the period.',
  })
  rollup(@Root() unit: Unit, @Arg('period', () => PeriodInput, { description: 'The period to roll up.' }) period: PeriodInput): RollupRoot {
    return { unitId: unit.id, period: validatePeriod(period) };
  }
}
