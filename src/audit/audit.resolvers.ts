/**
 * `auditLog`: the audit trail written by the triggers of migration Migration20261126140000Audit, newest first,
 * for ADMIN callers only. Entries hold whole rows: they are returned to admins and never logged.
 */
import { Arg, Ctx, Field, ID, Int, ObjectType, Query, registerEnumType, Resolver } from 'type-graphql';
import { DateTimeResolver, JSONResolver } from 'graphql-scalars';
import type { Context } from '../context';
import { badUserInput } from '../errors';
import { requireRole, Role } from '../auth/caller';
import { queryRows } from '../sql';
import { AUDITED_TABLES } from './actor';

/** Largest page of `auditLog`. */
export const MAX_AUDIT_PAGE = 500;

export enum AuditOperation {
  INSERT = 'INSERT',
  UPDATE = 'UPDATE',
  DELETE = 'DELETE',
}

registerEnumType(AuditOperation, {
  name: 'AuditOperation',
  description: 'What a change did to a row.',
  valuesConfig: {
    INSERT: { description: 'The row was created; `newValues` holds it.' },
    UPDATE: { description: 'The row changed; `oldValues` and `newValues` hold it before and after.' },
    DELETE: { description: 'The row was removed; `oldValues` holds it as it was (the record of its removal).' },
  },
});

@ObjectType('AuditEntry', { simpleResolvers: true, description: 'One change to one stored row: who, when, which row, and its values before and after.' })
export class AuditEntryType {
  @Field(() => ID, { description: 'Identifier of the entry; increases with every entry written (the cursor of `auditLog`).' })
  id!: string;
  @Field(() => DateTimeResolver, { description: 'When the writing transaction started (every entry of one import has the same time).' })
  at!: Date;
  @Field(() => String, {
    description: "Who made the change: the import's actor (e.g. 'cli:USER'), or 'unknown (direct SQL)' for a change made outside the application.",
  })
  actor!: string;
  @Field(() => AuditOperation, { description: 'Insert, update or delete.' })
  operation!: AuditOperation;
  @Field(() => String, { description: 'The table changed (e.g. campaigns, disciplinary_actions, unit_versions).' })
  table!: string;
  @Field(() => String, {
    description: "The row's key: its id; 'unitId/validFrom' for unit_versions; 'actionId/categoryId' for disciplinary_action_categories.",
  })
  rowId!: string;
  @Field(() => JSONResolver, { nullable: true, description: 'The row before the change (column name → value); null for an insert.' })
  oldValues!: unknown;
  @Field(() => JSONResolver, { nullable: true, description: 'The row after the change (column name → value); null for a delete.' })
  newValues!: unknown;
  @Field(() => ID, { description: 'The writing transaction: entries with the same value were written together (one import, say).' })
  transactionId!: string;
}

/** The unit a logged row belongs to (`r` is old_row or new_row of entry `a`); null for cadre categories. */
const unitOf = (r: string) => `case a.table_name
    when 'units' then (${r}->>'id')::int
    when 'disciplinary_action_categories' then (select d.unit_id from disciplinary_actions d where d.id = (${r}->>'action_id')::bigint)
    when 'cadre_categories' then null
    else (${r}->>'unit_id')::int end`;

/** Units that were under the scope unit (one parameter: its id) at some time. */
const SCOPE_UNITS = `with scope_units as (select distinct us.unit_id from unit_segments ss
    join unit_segments us on us.path <@ ss.path and us.valid_from < ss.valid_to and ss.valid_from < us.valid_to
    where ss.unit_id = ?)`;

/**
 * A scoped caller sees an entry when every unit it names, before and after, was under the scope unit at some time,
 * and every change to cadre categories (reference data that every caller reads). The category links of a
 * disciplinary action that no longer exists have no known unit and are not shown.
 */
const IN_SCOPE = `(a.table_name = 'cadre_categories' or (
    (a.old_row is null or ${unitOf('a.old_row')} in (select unit_id from scope_units))
    and (a.new_row is null or ${unitOf('a.new_row')} in (select unit_id from scope_units))))`;

interface AuditRow {
  id: string;
  at: Date | string;
  actor: string;
  operation: AuditOperation;
  table_name: string;
  row_id: string;
  old_row: unknown;
  new_row: unknown;
  txid: string;
}

@Resolver()
export class AuditResolver {
  @Query(() => [AuditEntryType], {
    description:
      `Changes to stored data, newest first (ADMIN only). At most ${MAX_AUDIT_PAGE} entries per page; ` +
      'the next page starts `after` the id of the last entry received.',
  })
  async auditLog(
    @Arg('first', () => Int, { nullable: true, defaultValue: 50, description: `Number of entries to return (1–${MAX_AUDIT_PAGE}).` }) first: number | null,
    @Arg('after', () => ID, { nullable: true, description: 'Return only entries older than the entry with this id.' }) after: string | null,
    @Arg('table', () => String, { nullable: true, description: 'Return only changes to this table (e.g. campaigns).' }) table: string | null,
    @Arg('since', () => DateTimeResolver, { nullable: true, description: 'Return only changes made at or after this time.' }) since: Date | null,
    @Ctx() ctx: Context,
  ): Promise<AuditEntryType[]> {
    requireRole(ctx.caller, Role.ADMIN);
    const limit = first ?? 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_AUDIT_PAGE) throw badUserInput(`first must be between 1 and ${MAX_AUDIT_PAGE}.`, { field: 'first' });
    if (after != null && !/^[1-9][0-9]{0,17}$/.test(after)) throw badUserInput('after must be the id of an audit entry.', { field: 'after' });
    if (table != null && !(AUDITED_TABLES as readonly string[]).includes(table)) {
      throw badUserInput(`table must be one of ${AUDITED_TABLES.join(', ')}.`, { field: 'table' });
    }

    const conditions: [string, unknown][] = [];
    if (after != null) conditions.push(['a.id < ?::bigint', after]);
    if (table != null) conditions.push(['a.table_name = ?', table]);
    if (since != null) conditions.push(['a.at >= ?::timestamptz', since.toISOString()]);
    const scoped = ctx.scopeUnitId !== null;
    const where = [...conditions.map(([sql]) => sql), ...(scoped ? [IN_SCOPE] : [])];
    const params = [...(scoped ? [ctx.scopeUnitId] : []), ...conditions.map(([, value]) => value)];
    // In the request's transaction when it has one: a scoped request reads under row-level security too.
    const rows = await queryRows<AuditRow>(
      ctx.em,
      `${scoped ? SCOPE_UNITS : ''} select a.id::text, a.at, a.actor, a.operation, a.table_name, a.row_id, a.old_row, a.new_row, a.txid::text from audit_log a
       ${where.length > 0 ? `where ${where.join(' and ')}` : ''} order by a.id desc limit ${limit}`,
      params,
    );
    return rows.map((r) => ({
      id: r.id,
      at: r.at instanceof Date ? r.at : new Date(r.at),
      actor: r.actor,
      operation: r.operation,
      table: r.table_name,
      rowId: r.row_id,
      oldValues: r.old_row,
      newValues: r.new_row,
      transactionId: r.txid,
    }));
  }
}
