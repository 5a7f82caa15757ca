import { Migration } from '@mikro-orm/migrations';
import { secureFunctionsSql, totalsFunctionsSql } from './Migration20261126160000RollupTotals';

/**
 * Each totals table's unique index (the triggers' conflict target and the engine's lookup) also carries the sums
 * (INCLUDE): a rollup reads the index alone (an index-only scan, once VACUUM has marked the pages all-visible, which
 * the import does), instead of one heap page per row — on the national benchmark the 63 provinces' campaign rows sat
 * on 5,297 heap pages. The price: an update of a sum can no longer be a HOT update (the index holds it).
 */
const COVERING: [table: string, key: string, sums: string][] = [
  ['rollup_campaigns', '"unit_id", "year", "month", "path", "tier", "body"', '"quantity", "completed", "cancelled", "programmed", "arising"'],
  ['rollup_discipline', '"unit_id", "year", "month", "path", "body", "subject", "form"', '"quantity"'],
  ['rollup_discipline_categories', '"unit_id", "year", "month", "path", "body", "category_id"', '"quantity"'],
  ['rollup_documents', '"unit_id", "year", "month", "path", "kind"', '"quantity"'],
];

/**
 * Compact campaign totals: rollup_campaigns is grouped by (unit, path, year, month, tier, body) and keeps the
 * completed, cancelled, programmed and arising quantities as columns beside `quantity`, instead of grouping by status
 * and origin too. The engine's campaign figures are exactly these sums, and a root reads 2–8× fewer rows: on the
 * national benchmark, the 63 provinces' whole year 2024 is 1,128 rows instead of 8,580, HCM's 1,884 units 4,517
 * instead of 8,874, the table 6.2 instead of 8.3 million rows. The same triggers keep it (their functions are
 * replaced), in the same transaction as every write. And every totals table's index covers its sums (COVERING).
 */
export class Migration20261127100000CompactCampaignTotals extends Migration {
  override async up(): Promise<void> {
    this.withoutTimeout();
    // Emptied first: the new columns are NOT NULL, and the rebuild below fills the table again.
    this.addSql(`delete from "rollup_campaigns";`);
    // Dropping status and origin drops the unique index on them too.
    this.addSql(`alter table "rollup_campaigns" drop column "status", drop column "origin",
      add column "completed" bigint not null, add column "cancelled" bigint not null,
      add column "programmed" bigint not null, add column "arising" bigint not null;`);
    for (const [table, key, sums] of COVERING) {
      this.addSql(`drop index if exists "${table}_key";`);
      this.addSql(`create unique index "${table}_key" on "${table}" (${key}) include (${sums}) nulls not distinct;`);
    }
    for (const sql of totalsFunctionsSql({ yearRows: true, replace: true, compactCampaigns: true })) this.addSql(sql);
    this.resecure();
    this.addSql(`select rollup_totals_rebuild();`);
    this.addSql(`analyze "rollup_campaigns";`);
  }

  override async down(): Promise<void> {
    this.withoutTimeout();
    this.addSql(`delete from "rollup_campaigns";`);
    this.addSql(`alter table "rollup_campaigns" drop column "completed", drop column "cancelled", drop column "programmed", drop column "arising",
      add column "status" text not null, add column "origin" text null;`);
    for (const [table, key] of COVERING) {
      this.addSql(`drop index if exists "${table}_key";`);
      const columns = table === 'rollup_campaigns' ? `${key}, "status", "origin"` : key;
      this.addSql(`create unique index "${table}_key" on "${table}" (${columns}) nulls not distinct;`);
    }
    for (const sql of totalsFunctionsSql({ yearRows: true, replace: true })) this.addSql(sql);
    this.resecure();
    this.addSql(`select rollup_totals_rebuild();`);
    this.addSql(`analyze "rollup_campaigns";`);
  }

  /**
   * The rebuild reads every fact: at national scale (4.2 million facts) it takes minutes, far beyond the API's statement
   * timeout, which the migrating connection has too. For this migration's transaction only. (`migrate()` in src/db.ts
   * now lifts the timeout for every migration; this stays for a migrator run any other way.)
   */
  private withoutTimeout(): void {
    this.addSql(`set local statement_timeout = 0;`);
    this.addSql(`set local work_mem = '256MB';`);
  }

  /** Replaced functions: names resolved in pg_catalog and this schema only, and nobody else may call them. */
  private resecure(): void {
    for (const sql of secureFunctionsSql()) this.addSql(sql);
  }
}
