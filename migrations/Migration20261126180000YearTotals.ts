import { Migration } from '@mikro-orm/migrations';
import { secureFunctionsSql, totalsFunctionsSql } from './Migration20261126160000RollupTotals';

const TABLES = ['rollup_campaigns', 'rollup_discipline', 'rollup_discipline_categories', 'rollup_documents'];

/**
 * Whole-year rows in the rollup totals: besides its months, each unit and year gets month 0, the year's sums (stated
 * and unstated months). A whole-year rollup then reads one row per breakdown instead of one per month and breakdown:
 * on the national benchmark, 46,197 rows for the 63 provinces' campaigns of a year, sorted and summed in ≈ 40 ms.
 * The same triggers keep them (their functions are replaced), in the same transaction as every write.
 */
export class Migration20261126180000YearTotals extends Migration {
  override async up(): Promise<void> {
    for (const sql of totalsFunctionsSql({ yearRows: true, replace: true })) this.addSql(sql);
    this.resecure();
    this.addSql(`select rollup_totals_rebuild();`);
    this.addSql(`analyze ${TABLES.join(', ')};`);
  }

  override async down(): Promise<void> {
    for (const sql of totalsFunctionsSql({ yearRows: false, replace: true })) this.addSql(sql);
    this.resecure();
    for (const table of TABLES) this.addSql(`delete from ${table} where month = 0;`);
  }

  /** Replaced functions: names resolved in pg_catalog and this schema only, and nobody else may call them. */
  private resecure(): void {
    for (const sql of secureFunctionsSql()) this.addSql(sql);
  }
}
