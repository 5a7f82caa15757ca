import { Migration } from '@mikro-orm/migrations';

/**
 * Row-level security: the second, independent enforcement of subtree scope (the first is in the resolvers and the
 * rollup engine). A scoped request runs in a read-only transaction as the non-owner role `kiemtra_reader`, with the
 * transaction-local setting `kiemtra.scope_unit` = the id of the caller's scope unit. The policies then show:
 * - units, versions and published figures of units that were under the scope unit on some day, and their tree
 *   segments only over the intervals they spent under it;
 * - facts whose unit was under the scope unit on the fact's reference date (the engine's own rule);
 * - category links of visible disciplinary actions. Cadre categories are a shared taxonomy: no policy.
 * The owner (the migrating, importing user) is not subject to the policies. The helper functions are SECURITY
 * DEFINER so that they can read unit_segments without recursing into its own policy.
 */
export class Migration20261126150000RowSecurity extends Migration {
  override async up(): Promise<void> {
    this.addSql(`do $$ begin
      if not exists (select 1 from pg_roles where rolname = 'kiemtra_reader') then create role kiemtra_reader nologin; end if;
    end $$;`);
    this.addSql(`grant usage on schema public to kiemtra_reader;`);
    this.addSql(`grant select on units, unit_versions, unit_segments, cadre_categories, campaigns, disciplinary_actions,
      disciplinary_action_categories, documents, reported_figures to kiemtra_reader;`);

    this.addSql(`create function kiemtra_scope_unit() returns int language sql stable as
      $$ select nullif(current_setting('kiemtra.scope_unit', true), '')::int $$;`);
    this.addSql(`create function kiemtra_unit_in_scope(unit int) returns boolean language sql stable security definer
      set search_path = public as $$
      select kiemtra_scope_unit() is null or exists (
        select 1 from unit_segments s join unit_segments ss on ss.unit_id = kiemtra_scope_unit()
          and s.path <@ ss.path and s.valid_from < ss.valid_to and ss.valid_from < s.valid_to
        where s.unit_id = unit) $$;`);
    this.addSql(`create function kiemtra_segment_in_scope(segment_path ltree, from_day date, to_day date) returns boolean
      language sql stable security definer set search_path = public as $$
      select kiemtra_scope_unit() is null or exists (
        select 1 from unit_segments ss where ss.unit_id = kiemtra_scope_unit()
          and segment_path <@ ss.path and ss.valid_from < to_day and from_day < ss.valid_to) $$;`);
    this.addSql(`create function kiemtra_fact_in_scope(unit int, day date) returns boolean language sql stable security definer
      set search_path = public as $$
      select kiemtra_scope_unit() is null or exists (
        select 1 from unit_segments s join unit_segments ss on ss.unit_id = kiemtra_scope_unit()
          and s.path <@ ss.path and day >= ss.valid_from and day < ss.valid_to
        where s.unit_id = unit and day >= s.valid_from and day < s.valid_to) $$;`);

    const policies: [string, string][] = [
      ['units', 'kiemtra_unit_in_scope(id)'],
      ['unit_versions', 'kiemtra_unit_in_scope(unit_id)'],
      // A unit's place in the tree only over the intervals it spent under the scope unit.
      ['unit_segments', 'kiemtra_segment_in_scope(path, valid_from, valid_to)'],
      ['reported_figures', 'kiemtra_unit_in_scope(unit_id)'],
      ['campaigns', 'kiemtra_fact_in_scope(unit_id, ref_date)'],
      ['disciplinary_actions', 'kiemtra_fact_in_scope(unit_id, ref_date)'],
      ['documents', 'kiemtra_fact_in_scope(unit_id, ref_date)'],
      ['disciplinary_action_categories', 'exists (select 1 from disciplinary_actions a where a.id = action_id)'],
    ];
    for (const [table, using] of policies) {
      this.addSql(`alter table "${table}" enable row level security;`);
      this.addSql(`create policy "${table}_scope" on "${table}" for select to kiemtra_reader using (${using});`);
    }
  }

  override async down(): Promise<void> {
    for (const table of ['units', 'unit_versions', 'unit_segments', 'reported_figures', 'campaigns', 'disciplinary_actions', 'documents', 'disciplinary_action_categories']) {
      this.addSql(`drop policy if exists "${table}_scope" on "${table}";`);
      this.addSql(`alter table "${table}" disable row level security;`);
    }
    this.addSql(`drop function if exists kiemtra_fact_in_scope(int, date);`);
    this.addSql(`drop function if exists kiemtra_segment_in_scope(ltree, date, date);`);
    this.addSql(`drop function if exists kiemtra_unit_in_scope(int);`);
    this.addSql(`drop function if exists kiemtra_scope_unit();`);
    this.addSql(`revoke all on all tables in schema public from kiemtra_reader;`);
    this.addSql(`revoke usage on schema public from kiemtra_reader;`);
  }
}
