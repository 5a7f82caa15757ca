import { Migration } from '@mikro-orm/migrations';

/**
 * The core schema: the organization tree (ltree paths, GiST-indexed), cadre categories and the three fact tables.
 * Written from MikroORM's generated DDL, plus what the generator does not emit: the ltree extension and
 * CHECK constraints that keep impossible values out even when rows do not come through the import.
 */
export class Migration20261126000000Initial extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create extension if not exists ltree;`);

    this.addSql(`create table "cadre_categories" (
      "id" serial primary key,
      "code" varchar(64) not null constraint "cadre_categories_code_unique" unique,
      "name" varchar(300) not null);`);

    this.addSql(`create table "units" (
      "id" serial primary key,
      "code" varchar(64) not null constraint "units_code_unique" unique,
      "name" varchar(300) not null,
      "kind" text not null check ("kind" in ('CENTRAL_COMMITTEE', 'PROVINCIAL_COMMITTEE', 'DISTRICT_COMMITTEE', 'TOWN_COMMITTEE', 'CITY_COMMITTEE', 'DIRECT_COMMITTEE', 'GRASSROOTS_COMMITTEE', 'GRASSROOTS_CELL', 'SUB_COMMITTEE', 'CELL')),
      "tier" text not null check ("tier" in ('CENTRAL', 'PROVINCIAL', 'DISTRICT', 'GRASSROOTS', 'CELL')),
      "parent_id" int null constraint "units_parent_id_foreign" references "units" ("id") on update cascade on delete restrict,
      "path" ltree not null default '',
      "depth" int not null default 0);`);
    this.addSql(`create index "units_parent_id_index" on "units" ("parent_id");`);
    this.addSql(`create index "units_path_gist" on "units" using gist ("path");`);

    const body = `('COMMITTEE', 'STANDING_COMMITTEE', 'INSPECTION_COMMISSION', 'PARTY_BUILDING_BOARD', 'PARTY_CELL')`;
    const common = (table: string) => `
      "id" bigserial primary key,
      "unit_id" int not null constraint "${table}_unit_id_foreign" references "units" ("id") on update cascade on delete restrict,
      "year" smallint not null check ("year" between 1930 and 2100),
      "month" smallint null check ("month" between 1 and 12),
      "quantity" int not null default 1 check ("quantity" >= 1),
      "external_id" text null,
      "row_key" text not null constraint "${table}_row_key_unique" unique`;

    this.addSql(`create table "campaigns" (${common('campaigns')},
      "body" text null check ("body" in ${body}),
      "activity" text null check ("activity" in ('INSPECTION', 'SUPERVISION')),
      "origin" text null check ("origin" in ('PROGRAMMED', 'ARISING')),
      "status" text not null check ("status" in ('PLANNED', 'IN_PROGRESS', 'COMPLETED', 'CANCELLED')));`);

    this.addSql(`create table "disciplinary_actions" (${common('disciplinary_actions')},
      "body" text not null check ("body" in ('COMMITTEE', 'STANDING_COMMITTEE', 'INSPECTION_COMMISSION', 'PARTY_CELL')),
      "subject" text not null check ("subject" in ('MEMBER', 'ORGANIZATION')),
      "form" text null check ("form" in ('REPRIMAND', 'WARNING', 'REMOVAL', 'EXPULSION', 'DISSOLUTION')),
      "categories_key" text not null default '',
      check ("subject" = 'MEMBER' or "form" is null or "form" in ('REPRIMAND', 'WARNING', 'DISSOLUTION')),
      check ("subject" = 'ORGANIZATION' or "form" is null or "form" in ('REPRIMAND', 'WARNING', 'REMOVAL', 'EXPULSION')),
      check ("subject" = 'MEMBER' or "categories_key" = ''));`);

    this.addSql(`create table "disciplinary_action_categories" (
      "action_id" bigint not null constraint "disciplinary_action_categories_action_id_foreign" references "disciplinary_actions" ("id") on update cascade on delete cascade,
      "category_id" int not null constraint "disciplinary_action_categories_category_id_foreign" references "cadre_categories" ("id") on update cascade on delete restrict,
      constraint "disciplinary_action_categories_pkey" primary key ("action_id", "category_id"));`);
    this.addSql(`create index "disciplinary_action_categories_category_id_index" on "disciplinary_action_categories" ("category_id");`);

    this.addSql(`create table "documents" (${common('documents')},
      "body" text null check ("body" in ${body}),
      "kind" text not null check ("kind" in ('DIRECTIVE', 'GUIDANCE')));`);

    for (const table of ['campaigns', 'disciplinary_actions', 'documents']) {
      this.addSql(`create index "${table}_unit_id_index" on "${table}" ("unit_id");`);
      this.addSql(`create index "${table}_year_unit_idx" on "${table}" ("year", "unit_id");`);
    }
  }

  override async down(): Promise<void> {
    for (const table of ['disciplinary_action_categories', 'documents', 'disciplinary_actions', 'campaigns', 'units', 'cadre_categories']) {
      this.addSql(`drop table if exists "${table}" cascade;`);
    }
  }
}
