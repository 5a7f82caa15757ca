import { Migration } from '@mikro-orm/migrations';

/**
 * Audited tables, each with the trigger's arguments: the columns whose values make up `row_id`, then, prefixed with
 * '-', derived columns left out of the log (an update that changes only them is not logged). unit_segments is
 * derived as a whole and is not audited.
 */
export const AUDITED: Record<string, string[]> = {
  units: ['id'],
  // The import rewrites a re-given history (delete, then insert with new ids): the key that survives is the start day.
  unit_versions: ['unit_id', 'valid_from'],
  cadre_categories: ['id'],
  // `path`: the fact's unit's ancestor path on its reference date, a copy of unit_segments that the import keeps for
  // row-level security (added by Migration20261126150000RowSecurity; naming it before it exists is harmless).
  campaigns: ['id', '-path'],
  disciplinary_actions: ['id', '-path'],
  disciplinary_action_categories: ['action_id', 'category_id'],
  documents: ['id', '-path'],
  reported_figures: ['id'],
};

/**
 * Audit trail (issue 6, part 4): every insert, update and delete on stored data, by the import or by SQL written by
 * hand, leaves one row in `audit_log` with who (the transaction-local setting `kiemtra.actor`, which the import sets;
 * 'unknown (direct SQL)' without it), when (the transaction's start), what (table and key), the operation, and the
 * row before and after as jsonb. Row triggers, so upserts (`insert … on conflict do update`) are caught too.
 *
 * - An update that changes nothing (`OLD is not distinct from NEW`, the trigger's WHEN clause), or only derived
 *   columns, is not logged.
 * - A row deleted and inserted again with the same key in one transaction (the import rewrites a re-given unit
 *   history and the category links of an updated disciplinary action that way) is logged as one UPDATE, or not at
 *   all when only its surrogate `id` changed; rows removed for good stay DELETE entries with their old values.
 * - The function is SECURITY DEFINER (an application role needs no right on audit_log) with a fixed search_path.
 * - Reading under row-level security (the role kiemtra_reader of a scoped request) shows only entries inside the
 *   scope; the application checks the ADMIN role before reading.
 * - Entries of committed transactions cannot be updated or deleted, and the table cannot be truncated, except by
 *   disabling `audit_log_immutable` / `audit_log_no_truncate` (owner only) for a deliberate purge.
 *
 * Rows stored before this migration have no entries: the log starts here.
 */
export class Migration20261126140000Audit extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "audit_log" (
      "id" bigserial primary key,
      "at" timestamptz not null default now(),
      "actor" text not null,
      "operation" text not null check ("operation" in ('INSERT', 'UPDATE', 'DELETE')),
      "table_name" text not null,
      "row_id" text not null,
      "old_row" jsonb null,
      "new_row" jsonb null,
      "txid" bigint not null default txid_current());`);
    this.addSql(`create index "audit_log_table_name_id_index" on "audit_log" ("table_name", "id");`);
    // Finds the DELETE entry of a row inserted again in the same transaction; holds DELETE entries only.
    this.addSql(`create index "audit_log_deleted_index" on "audit_log" ("txid", "table_name", "row_id") where "operation" = 'DELETE';`);

    this.addSql(`create function "audit_row"() returns trigger language plpgsql security definer as $$
declare
  v_old jsonb;
  v_new jsonb;
  v_key text;
  v_pending_id bigint;
  v_pending_old jsonb;
  v_arg text;
  v_parts text[] := '{}';
  v_derived text[] := '{}';
  -- text in the database's collation (TG_TABLE_NAME is a name, collated "C": compared as such it misses the index).
  v_table text := TG_TABLE_NAME;
begin
  if TG_OP <> 'INSERT' then v_old := to_jsonb(OLD); end if;
  if TG_OP <> 'DELETE' then v_new := to_jsonb(NEW); end if;
  -- The trigger's arguments name the key columns (their values, joined by '/', make row_id) and, after a '-',
  -- derived columns, which are left out.
  foreach v_arg in array TG_ARGV loop
    if starts_with(v_arg, '-') then v_derived := v_derived || substr(v_arg, 2);
    else v_parts := v_parts || (coalesce(v_new, v_old) ->> v_arg);
    end if;
  end loop;
  v_key := array_to_string(v_parts, '/');
  v_old := v_old - v_derived;
  v_new := v_new - v_derived;
  if TG_OP = 'UPDATE' and v_old = v_new then return null; end if;

  -- Deleted earlier in this transaction (the setting says whether anything was): one UPDATE, or nothing.
  if TG_OP = 'INSERT' and current_setting('kiemtra.audit_deleted', true) = 'on' then
    select a.id, a.old_row into v_pending_id, v_pending_old from audit_log a
      where a.txid = txid_current() and a.table_name = v_table and a.row_id = v_key and a.operation = 'DELETE'
      order by a.id desc limit 1;
    if found then
      if (v_pending_old - 'id') = (v_new - 'id') then
        delete from audit_log where id = v_pending_id;
      else
        update audit_log set operation = 'UPDATE', new_row = v_new where id = v_pending_id;
      end if;
      return null;
    end if;
  end if;

  insert into audit_log (actor, operation, table_name, row_id, old_row, new_row)
  values (coalesce(nullif(current_setting('kiemtra.actor', true), ''), 'unknown (direct SQL)'), TG_OP, v_table, v_key, v_old, v_new);
  if TG_OP = 'DELETE' then perform set_config('kiemtra.audit_deleted', 'on', true); end if;
  return null;
end $$;`);
    this.addSql(`revoke all on function "audit_row"() from public;`);

    for (const [table, key] of Object.entries(AUDITED)) {
      const args = key.map((c) => `'${c}'`).join(', ');
      this.addSql(`create trigger "${table}_audit" after insert or delete on "${table}"
        for each row execute function "audit_row"(${args});`);
      this.addSql(`create trigger "${table}_audit_update" after update on "${table}"
        for each row when (OLD.* is distinct from NEW.*) execute function "audit_row"(${args});`);
    }

    // Row-level security (see Migration20261126150000RowSecurity): a scoped request reads as kiemtra_reader with the
    // scope unit in kiemtra.scope_unit, and sees an entry when every unit it names, before and after, was under the
    // scope unit on some day (the units policy's rule); changes to cadre categories, a shared taxonomy, are seen by all.
    this.addSql(`do $$ begin
  if not exists (select 1 from pg_roles where rolname = 'kiemtra_reader') then create role kiemtra_reader nologin; end if;
end $$;`);
    this.addSql(`create function "audit_row_unit"(p_table text, p_row jsonb) returns int language sql stable as $$
  select case p_table
    when 'units' then (p_row ->> 'id')::int
    when 'disciplinary_action_categories' then (select d.unit_id from disciplinary_actions d where d.id = (p_row ->> 'action_id')::bigint)
    when 'cadre_categories' then null
    else (p_row ->> 'unit_id')::int end $$;`);
    this.addSql(`create function "audit_unit_in_scope"(p_unit int, p_scope int) returns boolean language sql stable as $$
  select exists (select 1 from unit_segments s join unit_segments ss on ss.unit_id = p_scope
    and s.path <@ ss.path and s.valid_from < ss.valid_to and ss.valid_from < s.valid_to where s.unit_id = p_unit) $$;`);
    this.addSql(`create function "audit_entry_in_scope"(p_table text, p_old jsonb, p_new jsonb) returns boolean
  language sql stable security definer as $$
  select s.scope is null or p_table = 'cadre_categories' or (
    (p_old is null or audit_unit_in_scope(audit_row_unit(p_table, p_old), s.scope))
    and (p_new is null or audit_unit_in_scope(audit_row_unit(p_table, p_new), s.scope)))
  from (select nullif(current_setting('kiemtra.scope_unit', true), '')::int as scope) s $$;`);
    this.addSql(`grant select on "audit_log" to kiemtra_reader;`);
    this.addSql(`alter table "audit_log" enable row level security;`);
    this.addSql(`create policy "audit_log_scope" on "audit_log" for select to kiemtra_reader
      using (audit_entry_in_scope(table_name, old_row, new_row));`);

    // The log of a committed transaction is final; only the writing transaction may fold its own entries.
    this.addSql(`create function "audit_log_immutable"() returns trigger language plpgsql as $$
begin
  if OLD.txid <> txid_current() then
    raise exception 'audit_log entries are immutable (entry %)', OLD.id using errcode = 'insufficient_privilege';
  end if;
  return case when TG_OP = 'DELETE' then OLD else NEW end;
end $$;`);
    this.addSql(`create trigger "audit_log_immutable" before update or delete on "audit_log"
      for each row execute function "audit_log_immutable"();`);
    this.addSql(`create function "audit_log_no_truncate"() returns trigger language plpgsql as $$
begin
  raise exception 'audit_log cannot be truncated' using errcode = 'insufficient_privilege';
end $$;`);
    this.addSql(`create trigger "audit_log_no_truncate" before truncate on "audit_log"
      for each statement execute function "audit_log_no_truncate"();`);

    // Names in the SECURITY DEFINER functions resolve in pg_catalog and this schema only: a temporary table or
    // function cannot stand in for theirs.
    this.addSql(`do $$ begin
  execute format('alter function audit_row() set search_path = pg_catalog, %I, pg_temp', current_schema());
  execute format('alter function audit_entry_in_scope(text, jsonb, jsonb) set search_path = pg_catalog, %I, pg_temp', current_schema());
end $$;`);
  }

  override async down(): Promise<void> {
    for (const table of Object.keys(AUDITED)) {
      this.addSql(`drop trigger if exists "${table}_audit" on "${table}";`);
      this.addSql(`drop trigger if exists "${table}_audit_update" on "${table}";`);
    }
    this.addSql(`drop function if exists "audit_row"();`);
    this.addSql(`drop table if exists "audit_log";`);
    this.addSql(`drop function if exists "audit_entry_in_scope"(text, jsonb, jsonb);`);
    this.addSql(`drop function if exists "audit_row_unit"(text, jsonb);`);
    this.addSql(`drop function if exists "audit_unit_in_scope"(int, int);`);
    this.addSql(`drop function if exists "audit_log_immutable"();`);
    this.addSql(`drop function if exists "audit_log_no_truncate"();`);
  }
}
