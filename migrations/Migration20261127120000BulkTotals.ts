import { Migration } from '@mikro-orm/migrations';
import { levelRebuildSql, REBUILD_YEARS_FUNCTIONS, secureFunctionsSql } from './Migration20261126160000RollupTotals';

/**
 * Bulk rebuild of the rollup totals by year (`rollup_<section>_rebuild_years(years)`, see levelRebuildSql): an import
 * that writes most of a fact table's rows disables the table's totals triggers for its statements and recomputes the
 * totals of the years it touched afterwards, in the same transaction (src/import/write.ts). SECURITY DEFINER like
 * the triggers' functions, with the same fixed search_path; nobody else may call them.
 */
export class Migration20261127120000BulkTotals extends Migration {
  override async up(): Promise<void> {
    for (const sql of levelRebuildSql()) this.addSql(sql);
    for (const sql of secureFunctionsSql(REBUILD_YEARS_FUNCTIONS)) this.addSql(sql);
  }

  override async down(): Promise<void> {
    for (const f of REBUILD_YEARS_FUNCTIONS) this.addSql(`drop function if exists ${f};`);
  }
}
