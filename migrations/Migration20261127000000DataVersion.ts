import { Migration } from '@mikro-orm/migrations';

/**
 * The data version: one counter that every write to what queries answer from moves forward, in the same transaction
 * as the write. The response cache (src/cache/response-cache.ts) keys answers by it, so a cached answer is never
 * older than the last committed write the request could see.
 *
 * - `data_version` holds one row. A statement-level trigger on every table that answers are read from (the tree, the
 *   facts and their category links, the categories, the published figures, the rollup totals) adds 1 after each
 *   insert, update, delete or truncate. Being a row update, it commits or rolls back with the write, and a reader sees
 *   the new version exactly when it sees the new rows (a sequence would not: nextval is visible before commit and is
 *   not undone by a rollback). Writers of one transaction update the row once per statement; concurrent writers
 *   queue on the row until the first commits (imports are one transaction each and rare).
 * - The audit log is not covered: queries that read it are never cached.
 * - `kiemtra_reader` (scoped requests) may read the counter; it reveals only how many write statements ran.
 */
const TABLES = [
  'units',
  'unit_versions',
  'unit_segments',
  'cadre_categories',
  'campaigns',
  'disciplinary_actions',
  'disciplinary_action_categories',
  'documents',
  'reported_figures',
  'rollup_campaigns',
  'rollup_discipline',
  'rollup_discipline_categories',
  'rollup_documents',
];

export class Migration20261127000000DataVersion extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "data_version" (
      "id" boolean primary key default true check ("id"),
      "version" bigint not null);`);
    this.addSql(`insert into "data_version" ("id", "version") values (true, 1);`);
    this.addSql(`create function "data_version_bump"() returns trigger language plpgsql security definer as $$
begin
  update data_version set version = version + 1;
  return null;
end $$;`);
    this.addSql(`do $do$ begin
  execute format('alter function data_version_bump() set search_path = pg_catalog, %I, pg_temp', current_schema());
end $do$;`);
    this.addSql(`revoke all on function "data_version_bump"() from public;`);
    for (const table of TABLES) {
      this.addSql(`create trigger "${table}_data_version" after insert or update or delete or truncate on "${table}"
        for each statement execute function "data_version_bump"();`);
    }
    this.addSql(`grant select on "data_version" to kiemtra_reader;`);
  }

  override async down(): Promise<void> {
    for (const table of TABLES) this.addSql(`drop trigger if exists "${table}_data_version" on "${table}";`);
    this.addSql(`drop function if exists "data_version_bump"();`);
    this.addSql(`drop table if exists "data_version";`);
  }
}
