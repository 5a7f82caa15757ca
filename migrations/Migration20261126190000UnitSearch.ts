import { Migration } from '@mikro-orm/migrations';

/**
 * Unit search without diacritics (issue 7): "ha long" finds "Hạ Long", "dang bo" finds "Đảng bộ".
 * - `f_unaccent(text)`: lower case, accents removed, đ/Đ → d. An immutable wrapper, because `unaccent()` itself is
 *   only stable (its dictionary could change) and an index expression must be immutable. The dictionary is named
 *   with its schema so that the function does not depend on the caller's search_path. `unaccent.rules` maps đ → d
 *   on PostgreSQL 15, but not every rules file does: the `translate` makes sure.
 * - Trigram GIN indexes on the unaccented version names and unit codes: substring search (`like '%ha long%'`) reads
 *   the index instead of every version.
 */
export class Migration20261126190000UnitSearch extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create extension if not exists unaccent;`);
    this.addSql(`create extension if not exists pg_trgm;`);
    this.addSql(`do $do$
declare ext_schema text;
begin
  select n.nspname into ext_schema from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'unaccent';
  execute format($f$create or replace function f_unaccent(text) returns text language sql immutable strict parallel safe as
    $fn$ select lower(translate(%I.unaccent(%L::regdictionary, $1), 'đĐ', 'dD')) $fn$ $f$, ext_schema, quote_ident(ext_schema) || '.unaccent');
end $do$;`);
    this.addSql(`create index "unit_versions_name_search" on "unit_versions" using gin (f_unaccent("name") gin_trgm_ops);`);
    this.addSql(`create index "units_code_search" on "units" using gin (f_unaccent("code") gin_trgm_ops);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "units_code_search";`);
    this.addSql(`drop index if exists "unit_versions_name_search";`);
    this.addSql(`drop function if exists f_unaccent(text);`);
    // The extensions stay: dropping them could break objects created on them since.
  }
}
