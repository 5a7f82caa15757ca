/**
 * Rollups of a list of units, asked for as soon as the list is known. A page such as a province's units two levels
 * down (`children { rollup(period) { … } children { rollup(period) { … } } }`) otherwise asks for the rollups only
 * when the executor reaches each unit's `rollup` field, and the loaders send them once the executor has walked every
 * unit of the list. Started from the list's resolver (every parent's list of a level resolves in the same microtasks:
 * one statement per section for the level, RollupLoaders.prefetch), the statements run while the executor walks the
 * list: measured on the national benchmark's database, the 63 provinces' page 1.34× faster; Hồ Chí Minh City's
 * 1,884 units no faster (its statements and the walk already fill both cores of the machine). They are made with
 * exactly the request the `rollup` field will make (same unit, period and tree) and primed into the request's own
 * rollup loaders: the field then finds the answer, or its pending promise, in the loader's cache — same statements,
 * same scope, same errors.
 */
import { getArgumentValues, Kind, type FieldNode, type GraphQLField, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import type { Context } from '../context';
import type { UnitView } from '../org/tree';
import { periodAndTreeOf, ROLLUP_SECTIONS, type PeriodAndTree, type RollupLoaders, type RollupSection } from './rollup.loaders';

/** A `rollup` field of the list's units: its period and tree, and the sections it selects. */
interface RollupAsked {
  request: PeriodAndTree;
  sections: Set<RollupSection>;
}

/**
 * Fields of a selection set by name, through inline fragments and fragment spreads. A field or fragment with a
 * directive (@include, @skip) is left out: prefetching is an optimization, and only what is certainly asked is.
 */
function fieldsNamed(selectionSet: SelectionSetNode | undefined, name: string, info: GraphQLResolveInfo, out: FieldNode[] = []): FieldNode[] {
  for (const selection of selectionSet?.selections ?? []) {
    if (selection.directives && selection.directives.length > 0) continue;
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value === name) out.push(selection);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      fieldsNamed(selection.selectionSet, name, info, out);
    } else {
      const fragment = info.fragments[selection.name.value];
      if (fragment && !(fragment.directives && fragment.directives.length > 0)) fieldsNamed(fragment.selectionSet, name, info, out);
    }
  }
  return out;
}

/** What the `rollup` fields under the list field ask for; none when an argument does not resolve (the field will say why). */
function rollupsAsked(info: GraphQLResolveInfo): RollupAsked[] {
  const unitType = info.schema.getType('OrgUnit');
  const rollupField = unitType && 'getFields' in unitType ? (unitType.getFields() as Record<string, GraphQLField<unknown, unknown>>).rollup : undefined;
  if (!rollupField) return [];
  const asked: RollupAsked[] = [];
  for (const listNode of info.fieldNodes) {
    for (const node of fieldsNamed(listNode.selectionSet, 'rollup', info)) {
      let request: PeriodAndTree;
      try {
        const args = getArgumentValues(rollupField, node, info.variableValues) as { period: Parameters<typeof periodAndTreeOf>[0]; asOf?: string | null };
        request = periodAndTreeOf(args.period, args.asOf);
      } catch {
        continue;
      }
      const sections = new Set(ROLLUP_SECTIONS.filter((s) => fieldsNamed(node.selectionSet, s, info).length > 0));
      if (sections.size > 0) asked.push({ request, sections });
    }
  }
  return asked;
}

/** Per request (its variables) and field: what to prefetch, worked out once for all the parents of a level. */
const ASKED = new WeakMap<object, WeakMap<readonly FieldNode[], RollupAsked[]>>();

/**
 * Starts, through the request's rollup loaders, the rollups that the selection under `info` asks of `units`. The
 * resolver does not wait for them; the promise (settled when they are) is for tests.
 */
export function prefetchRollups(ctx: Context, info: GraphQLResolveInfo, units: readonly UnitView[]): Promise<void> {
  if (units.length === 0) return Promise.resolve();
  const variables = info.variableValues ?? {};
  let byField = ASKED.get(variables);
  if (!byField) ASKED.set(variables, (byField = new WeakMap()));
  let asked = byField.get(info.fieldNodes);
  if (!asked) byField.set(info.fieldNodes, (asked = rollupsAsked(info)));
  const loaders: RollupLoaders = ctx.rollup;
  const started: Promise<unknown>[] = [];
  const ids = units.map((u) => u.id);
  // Each field's own load finds the answer in the loader's cache, and reports its error if it failed.
  for (const { request, sections } of asked) for (const section of sections) started.push(loaders.prefetch(section, request, ids));
  return Promise.allSettled(started).then(() => undefined);
}
