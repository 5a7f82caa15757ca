import { Migration } from '@mikro-orm/migrations';

/**
 * Row-level security: the second, independent enforcement of subtree scope (the first is in the resolvers and the
 * rollup engine). A scoped request runs in a read-only transaction as the non-owner role `kiemtra_reader`, with the
 * transaction-local setting `kiemtra.scope_paths` = the ltree paths the scope unit has had (space-separated; the
 * request sets them before switching role). The policies then show:
 * - tree segments whose path lies under one of those paths: a unit's place in the tree only over the intervals it
 *   spent under the scope unit (a path under the scope's path of some interval can only occur in that interval);
 * - units, versions and published figures of units with a visible segment;
 * - facts whose unit's path on the fact's reference date (the new column `path`, kept by the import) lies under
 *   one of those paths: the engine's own rule;
 * - category links of visible disciplinary actions, and audit entries whose rows name only visible units.
 * Cadre categories are a shared taxonomy: no policy. Without the setting nothing is visible (fail closed).
 * Every policy is plain SQL the planner inlines (no per-row function calls: a first version with SECURITY DEFINER
 * helpers made a district's rollup 400× slower). The owner (the migrating, importing user) is not subject to them.
 */
export class Migration20261126150000RowSecurity extends Migration {
  override async up(): Promise<void> {
    this.addSql(`do $$ begin
      if not exists (select 1 from pg_roles where rolname = 'kiemtra_reader') then create role kiemtra_reader nologin; end if;
    end $$;`);
    this.addSql(`grant usage on schema public to kiemtra_reader;`);
    this.addSql(`grant select on units, unit_versions, unit_segments, cadre_categories, campaigns, disciplinary_actions,
      disciplinary_action_categories, documents, reported_figures, audit_log to kiemtra_reader;`);
    // The audit log (Migration…Audit) already has row-level security keyed on kiemtra.scope_unit; it follows the
    // same path-based rule as everything else: an entry is visible when every unit its rows name, before and after,
    // is visible; entries of the shared taxonomy are visible to all readers.
    this.addSql(`drop policy if exists "audit_log_scope" on "audit_log";`);
    this.addSql(`drop function if exists "audit_entry_in_scope"(text, jsonb, jsonb);`);
    this.addSql(`drop function if exists "audit_unit_in_scope"(int, int);`);
    this.addSql(`create policy "audit_log_scope" on "audit_log" for select to kiemtra_reader using (
      table_name = 'cadre_categories' or (
        (old_row is null or exists (select 1 from units u where u.id = audit_row_unit(table_name, old_row)))
        and (new_row is null or exists (select 1 from units u where u.id = audit_row_unit(table_name, new_row)))))`);
    this.addSql(`create function kiemtra_scope_paths() returns ltree[] language sql stable as
      $$ select coalesce(string_to_array(nullif(current_setting('kiemtra.scope_paths', true), ''), ' ')::ltree[], '{}'::ltree[]) $$;`);

    for (const table of ['campaigns', 'disciplinary_actions', 'documents']) {
      this.addSql(`alter table "${table}" add column "path" ltree null;`);
      this.addSql(`update "${table}" f set "path" = s."path" from "unit_segments" s
        where s."unit_id" = f."unit_id" and f."ref_date" >= s."valid_from" and f."ref_date" < s."valid_to";`);
      this.addSql(`create index "${table}_path_gist" on "${table}" using gist ("path");`);
    }
    const segmentVisible = (unit: string, day?: string) =>
      `exists (select 1 from unit_segments s where s.unit_id = ${unit}${day ? ` and ${day} >= s.valid_from and ${day} < s.valid_to` : ''})`;
    const policies: [string, string][] = [
      ['unit_segments', 'path <@ kiemtra_scope_paths()'],
      ['units', segmentVisible('units.id')],
      ['unit_versions', segmentVisible('unit_versions.unit_id')],
      ['reported_figures', segmentVisible('reported_figures.unit_id')],
      // Facts carry their unit's path on their reference date (kept by the import), so their policy is one
      // comparison per row, not a lookup: a correlated lookup here made a province rollup take 13 s.
      ['campaigns', 'path <@ kiemtra_scope_paths()'],
      ['disciplinary_actions', 'path <@ kiemtra_scope_paths()'],
      ['documents', 'path <@ kiemtra_scope_paths()'],
      ['disciplinary_action_categories', 'exists (select 1 from disciplinary_actions a where a.id = action_id)'],
    ];
    for (const [table, using] of policies) {
      this.addSql(`alter table "${table}" enable row level security;`);
      this.addSql(`create policy "${table}_scope" on "${table}" for select to kiemtra_reader using (${using});`);
    }
  }

  override async down(): Promise<void> {
    this.addSql(`drop policy if exists "audit_log_scope" on "audit_log";`);
    for (const table of ['units', 'unit_versions', 'unit_segments', 'reported_figures', 'campaigns', 'disciplinary_actions', 'documents', 'disciplinary_action_categories']) {
      this.addSql(`drop policy if exists "${table}_scope" on "${table}";`);
      this.addSql(`alter table "${table}" disable row level security;`);
    }
    this.addSql(`drop function if exists kiemtra_scope_paths();`);
    for (const table of ['campaigns', 'disciplinary_actions', 'documents']) this.addSql(`alter table "${table}" drop column "path";`);
    this.addSql(`revoke all on all tables in schema public from kiemtra_reader;`);
    this.addSql(`revoke usage on schema public from kiemtra_reader;`);
  }
}
