import { Migration } from '@mikro-orm/migrations';

/**
 * History (issue 3): a unit keeps its id and code for life, and what may change over time lives in versions.
 *
 * - `unit_versions`: one row per interval [valid_from, valid_to) in which the unit's parent, name and kind are
 *   constant; '-infinity' / 'infinity' stand for an open start or end. No two versions of a unit overlap
 *   (an exclusion constraint, so even SQL written by hand cannot break it).
 * - `unit_segments`: derived from the versions, the unit's ancestor path (ltree of unit ids) over each interval
 *   in which its whole chain of ancestors is constant. "Units under X on day d" is one GiST-indexed predicate.
 * - `units.successor_id`: the unit that takes over when the unit's history ends (a merger).
 * - `reported_figures`: published figures (reported_figures.csv), for reconciliation with the rollups.
 * - Facts get `ref_date` (the day they are placed in the tree: the last day of their month or year on which their
 *   unit existed) and `tier` (their unit's tier on that day), both maintained by the import.
 *
 * Existing data is kept: every unit becomes one open-ended version with its parent, name and kind; every fact is
 * placed on the last day of its month (year), where its unit, open-ended, exists.
 */
export class Migration20261126120000History extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create extension if not exists btree_gist;`);
    this.addSql(`create table "unit_versions" (
      "id" serial primary key,
      "unit_id" int not null constraint "unit_versions_unit_id_foreign" references "units" ("id") on update cascade on delete cascade,
      "valid_from" date not null default '-infinity',
      "valid_to" date not null default 'infinity',
      "parent_id" int null constraint "unit_versions_parent_id_foreign" references "units" ("id") on update cascade on delete restrict,
      "name" varchar(300) not null,
      "kind" text not null check ("kind" in ('CENTRAL_COMMITTEE', 'PROVINCIAL_COMMITTEE', 'DISTRICT_COMMITTEE', 'TOWN_COMMITTEE', 'CITY_COMMITTEE', 'DIRECT_COMMITTEE', 'GRASSROOTS_COMMITTEE', 'GRASSROOTS_CELL', 'SUB_COMMITTEE', 'CELL')),
      "tier" text not null check ("tier" in ('CENTRAL', 'PROVINCIAL', 'DISTRICT', 'GRASSROOTS', 'CELL')),
      constraint "unit_versions_interval_check" check ("valid_from" < "valid_to"),
      constraint "unit_versions_not_own_parent" check ("parent_id" is distinct from "unit_id"),
      constraint "unit_versions_no_overlap" exclude using gist ("unit_id" with =, daterange("valid_from", "valid_to") with &&));`);
    this.addSql(`create unique index "unit_versions_unit_from_index" on "unit_versions" ("unit_id", "valid_from");`);
    this.addSql(`create index "unit_versions_parent_index" on "unit_versions" ("parent_id", "valid_from");`);

    this.addSql(`create table "unit_segments" (
      "unit_id" int not null constraint "unit_segments_unit_id_foreign" references "units" ("id") on update cascade on delete cascade,
      "valid_from" date not null,
      "valid_to" date not null,
      "path" ltree not null,
      "depth" int not null,
      constraint "unit_segments_pkey" primary key ("unit_id", "valid_from"),
      constraint "unit_segments_interval_check" check ("valid_from" < "valid_to"));`);
    this.addSql(`create index "unit_segments_path_gist" on "unit_segments" using gist ("path");`);

    this.addSql(`insert into "unit_versions" ("unit_id", "parent_id", "name", "kind", "tier")
      select "id", "parent_id", "name", "kind", "tier" from "units";`);
    this.addSql(`insert into "unit_segments" ("unit_id", "valid_from", "valid_to", "path", "depth")
      select "id", '-infinity', 'infinity', "path", "depth" from "units";`);

    for (const table of ['campaigns', 'disciplinary_actions', 'documents']) {
      this.addSql(`alter table "${table}" add column "ref_date" date null, add column "tier" text null
        check ("tier" in ('CENTRAL', 'PROVINCIAL', 'DISTRICT', 'GRASSROOTS', 'CELL'));`);
      this.addSql(`update "${table}" f set
        "ref_date" = (make_date(f."year", coalesce(f."month", 12), 1) + interval '1 month' - interval '1 day')::date,
        "tier" = u."tier"
        from "units" u where u."id" = f."unit_id";`);
      this.addSql(`alter table "${table}" alter column "ref_date" set not null, alter column "tier" set not null;`);
      this.addSql(`create index "${table}_unit_ref_date_index" on "${table}" ("unit_id", "ref_date");`);
    }
    for (const table of ['campaigns', 'documents']) {
      // The party-building-board rule now depends on the tier on the reference date, which the import keeps.
      this.addSql(`alter table "${table}" add constraint "${table}_party_building_board_tier_check"
        check ("body" is distinct from 'PARTY_BUILDING_BOARD' or "tier" in ('CENTRAL', 'PROVINCIAL', 'DISTRICT'));`);
    }

    // Published figures, kept beside the facts so that a reconciliation can put each one next to the rollup.
    this.addSql(`create table "reported_figures" (
      "id" bigserial primary key,
      "unit_id" int not null constraint "reported_figures_unit_id_foreign" references "units" ("id") on update cascade on delete restrict,
      "year" smallint not null check ("year" between 1930 and 2100),
      "from_month" smallint not null check ("from_month" between 1 and 12),
      "to_month" smallint not null check ("to_month" between "from_month" and 12),
      "metric" text not null,
      "value" bigint not null check ("value" >= 0),
      "bound" text not null default 'EXACT' check ("bound" in ('EXACT', 'AT_LEAST')),
      "percent" numeric(4, 1) null check ("percent" between 0 and 100),
      "source" text not null,
      "note" text null,
      "external_id" text null,
      "row_key" text not null constraint "reported_figures_row_key_unique" unique);`);
    this.addSql(`create index "reported_figures_unit_year_index" on "reported_figures" ("unit_id", "year");`);

    this.addSql(`alter table "units" add column "successor_id" int null
      constraint "units_successor_id_foreign" references "units" ("id") on update cascade on delete restrict,
      add constraint "units_not_own_successor" check ("successor_id" is distinct from "id");`);
    this.addSql(`drop index "units_path_gist";`);
    this.addSql(`alter table "units" drop column "parent_id", drop column "name", drop column "kind", drop column "tier",
      drop column "path", drop column "depth";`);
  }

  override async down(): Promise<void> {
    // Only a history without changes can go back to one row per unit: the latest version is kept.
    this.addSql(`alter table "units" add column "name" varchar(300) null, add column "kind" text null, add column "tier" text null,
      add column "parent_id" int null references "units" ("id") on update cascade on delete restrict,
      add column "path" ltree not null default '', add column "depth" int not null default 0;`);
    this.addSql(`update "units" u set "name" = v."name", "kind" = v."kind", "tier" = v."tier", "parent_id" = v."parent_id"
      from (select distinct on ("unit_id") * from "unit_versions" order by "unit_id", "valid_from" desc) v where v."unit_id" = u."id";`);
    this.addSql(`update "units" u set "path" = s."path", "depth" = s."depth"
      from (select distinct on ("unit_id") * from "unit_segments" order by "unit_id", "valid_from" desc) s where s."unit_id" = u."id";`);
    this.addSql(`alter table "units" alter column "name" set not null, alter column "kind" set not null, alter column "tier" set not null,
      drop column "successor_id";`);
    this.addSql(`create index "units_path_gist" on "units" using gist ("path");`);
    for (const table of ['campaigns', 'disciplinary_actions', 'documents']) {
      this.addSql(`drop index "${table}_unit_ref_date_index";`);
      this.addSql(`alter table "${table}" drop column "ref_date", drop column "tier";`);
    }
    this.addSql(`drop table "reported_figures";`);
    this.addSql(`drop table "unit_segments";`);
    this.addSql(`drop table "unit_versions";`);
  }
}
