import { Migration } from '@mikro-orm/migrations';
// The audited tables and their trigger arguments, as that migration made them.
import { AUDITED } from './Migration20261126140000Audit';

const FACT_TABLES = ['campaigns', 'disciplinary_actions', 'documents'];

/**
 * Bulk loads at national scale (issue 5). Measured on 1,000,000 campaign rows on this 2-core machine, the audit's
 * row trigger (a plpgsql call and two jsonb conversions per row) and the GiST index on `path` each cost about as much
 * as the insert itself. So:
 *
 * - Inserts are audited by a statement trigger over the statement's transition table: the same entries (actor,
 *   INSERT, table, key, the row without derived columns), written by one INSERT … SELECT. Rows deleted earlier in
 *   the same transaction with the same key are folded into one UPDATE entry, or into nothing when only the
 *   surrogate id changed, as the row trigger did. Deletes and updates keep the row triggers.
 * - Facts lose the GiST index on `path` and the index on `unit_id` alone: no statement uses the first (the rollups
 *   read the pre-aggregated totals, and the fact scan hashes a period's facts found by (year, unit_id)), and the
 *   second is the prefix of (unit_id, ref_date), which serves the foreign key and per-unit reads.
 */
export class Migration20261126170000BulkLoad extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create function "audit_inserted_rows"() returns trigger language plpgsql security definer as $$
declare
  v_table text := TG_TABLE_NAME;
  v_actor text := coalesce(nullif(current_setting('kiemtra.actor', true), ''), 'unknown (direct SQL)');
  v_derived text[] := '{}';
  v_parts text[] := '{}';
  v_arg text;
  v_key text;
begin
  -- As audit_row: the arguments name the key columns (joined by '/' into row_id) and, after '-', derived columns.
  foreach v_arg in array TG_ARGV loop
    if starts_with(v_arg, '-') then v_derived := v_derived || substr(v_arg, 2);
    else v_parts := v_parts || format('(r ->> %L)', v_arg);
    end if;
  end loop;
  v_key := format('concat_ws(%L, %s)', '/', array_to_string(v_parts, ', '));

  if current_setting('kiemtra.audit_deleted', true) is distinct from 'on' then
    execute format('insert into audit_log (actor, operation, table_name, row_id, old_row, new_row)
      select $1, ''INSERT'', $2, %s, null, r - $3 from (select to_jsonb(n) as r from new_rows n) x', v_key)
      using v_actor, v_table, v_derived;
    return null;
  end if;

  -- Something was deleted earlier in this transaction: a row inserted again under the same key is one UPDATE
  -- entry (the latest DELETE entry becomes it), or no entry when only its surrogate id changed. (Data-modifying
  -- WITH clauses always run to completion, read or not.)
  execute format($q$
    with ins as (select %s as row_id, r - $3 as new_row from (select to_jsonb(n) as r from new_rows n) x),
    pending as (
      select distinct on (a.row_id) a.id, a.row_id, a.old_row from audit_log a join ins i on i.row_id = a.row_id
      where a.txid = txid_current() and a.table_name = $2 and a.operation = 'DELETE'
      order by a.row_id, a.id desc),
    same as (
      delete from audit_log a using pending p join ins i on i.row_id = p.row_id
      where a.id = p.id and (p.old_row - 'id') = (i.new_row - 'id') returning a.id),
    changed as (
      update audit_log a set operation = 'UPDATE', new_row = i.new_row from pending p join ins i on i.row_id = p.row_id
      where a.id = p.id and (p.old_row - 'id') <> (i.new_row - 'id') returning a.id)
    insert into audit_log (actor, operation, table_name, row_id, old_row, new_row)
    select $1, 'INSERT', $2, i.row_id, null, i.new_row from ins i
    where not exists (select 1 from pending p where p.row_id = i.row_id)$q$, v_key)
    using v_actor, v_table, v_derived;
  return null;
end $$;`);
    this.addSql(`revoke all on function "audit_inserted_rows"() from public;`);
    this.addSql(`do $$ begin
  execute format('alter function audit_inserted_rows() set search_path = pg_catalog, %I, pg_temp', current_schema());
end $$;`);
    for (const [table, key] of Object.entries(AUDITED)) {
      const args = key.map((c) => `'${c}'`).join(', ');
      this.addSql(`drop trigger "${table}_audit" on "${table}";`);
      this.addSql(`create trigger "${table}_audit" after delete on "${table}" for each row execute function "audit_row"(${args});`);
      this.addSql(`create trigger "${table}_audit_insert" after insert on "${table}" referencing new table as new_rows
        for each statement execute function "audit_inserted_rows"(${args});`);
    }
    for (const table of FACT_TABLES) {
      this.addSql(`drop index if exists "${table}_path_gist";`);
      this.addSql(`drop index if exists "${table}_unit_id_index";`);
    }
  }

  override async down(): Promise<void> {
    for (const table of FACT_TABLES) {
      this.addSql(`create index "${table}_unit_id_index" on "${table}" ("unit_id");`);
      this.addSql(`create index "${table}_path_gist" on "${table}" using gist ("path");`);
    }
    for (const [table, key] of Object.entries(AUDITED)) {
      const args = key.map((c) => `'${c}'`).join(', ');
      this.addSql(`drop trigger "${table}_audit_insert" on "${table}";`);
      this.addSql(`drop trigger "${table}_audit" on "${table}";`);
      this.addSql(`create trigger "${table}_audit" after insert or delete on "${table}" for each row execute function "audit_row"(${args});`);
    }
    this.addSql(`drop function "audit_inserted_rows"();`);
  }
}
