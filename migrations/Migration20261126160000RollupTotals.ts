import { Migration } from '@mikro-orm/migrations';

/**
 * Rollup totals: per unit, per (year, month), the sums of `quantity` over every fact that counts for the unit by
 * default (the unit is on the fact's `path`, its unit's ancestor chain on the fact's reference date), grouped by what
 * the rollup engine breaks figures down by. A rollup then costs a lookup of a few rows per root instead of a scan of
 * the subtree's facts.
 *
 * - One table per section: rollup_campaigns, rollup_discipline, rollup_discipline_categories (member actions × their
 *   category links: the engine's category counts) and rollup_documents. Each row also keeps `path`, the unit's own
 *   path on the facts' reference date (a prefix of theirs), so that row-level security is the facts' own rule (one
 *   comparison per row) and a scoped rollup can keep exactly the rows recorded under its scope.
 * - Kept by statement-level triggers with transition tables on the fact tables and the category links: after every
 *   statement, in the same transaction, the old rows' contributions are subtracted and the new rows' added (one
 *   grouped upsert per table); rows that fall to 0 are deleted. Whatever writes (the import, its path refresh, SQL
 *   by hand), the totals equal a computation from scratch. Special cases, each noted where it is handled: a deleted
 *   disciplinary action (its links are gone before a statement trigger could see them: a row trigger subtracts them
 *   first), a changed action id (recomputed), TRUNCATE (recomputed).
 * - The trigger functions are SECURITY DEFINER (any role that may write facts keeps the totals, whatever the totals'
 *   row-level security) with a fixed search_path. Derived data: not audited.
 * - `rollup_totals_rebuild()` recomputes everything from the facts; the migration fills the tables with it.
 */

/** A totals table: the facts it sums and the columns it groups them by besides unit, path, year and month. */
interface Totals {
  table: string;
  facts: string;
  dims: { name: string; type: string }[];
  /**
   * Sums kept beside `quantity` (Migration20261127100000CompactCampaignTotals): each the sum of the quantities of the
   * facts for which `when` holds, a condition on the fact's `inputs` columns (which are then not grouped by).
   */
  measures?: { name: string; when: string }[];
  inputs?: string[];
}

const CAMPAIGNS: Totals = {
  table: 'rollup_campaigns',
  facts: 'campaigns',
  dims: [
    { name: 'tier', type: 'text not null' },
    { name: 'body', type: 'text null' },
    { name: 'status', type: 'text not null' },
    { name: 'origin', type: 'text null' },
  ],
};
const DISCIPLINE: Totals = {
  table: 'rollup_discipline',
  facts: 'disciplinary_actions',
  dims: [
    { name: 'body', type: 'text not null' },
    { name: 'subject', type: 'text not null' },
    { name: 'form', type: 'text null' },
  ],
};
const CATEGORIES: Totals = {
  table: 'rollup_discipline_categories',
  facts: 'disciplinary_action_categories',
  dims: [
    { name: 'body', type: 'text not null' },
    { name: 'category_id', type: 'int not null' },
  ],
};
const DOCUMENTS: Totals = {
  table: 'rollup_documents',
  facts: 'documents',
  dims: [{ name: 'kind', type: 'text not null' }],
};
/**
 * Campaigns, compact (settings.compactCampaigns): grouped by tier and body only, with the completed, cancelled,
 * programmed and arising quantities as columns — the engine's breakdowns, in 2–8× fewer rows.
 */
const COMPACT_CAMPAIGNS: Totals = {
  ...CAMPAIGNS,
  dims: CAMPAIGNS.dims.filter((d) => d.name === 'tier' || d.name === 'body'),
  inputs: ['status', 'origin'],
  measures: [
    { name: 'completed', when: `status = 'COMPLETED'` },
    { name: 'cancelled', when: `status = 'CANCELLED'` },
    { name: 'programmed', when: `origin = 'PROGRAMMED'` },
    { name: 'arising', when: `origin = 'ARISING'` },
  ],
};
/** The tables as this migration creates them. */
const ALL = [CAMPAIGNS, DISCIPLINE, CATEGORIES, DOCUMENTS];
/** The tables as the functions being written keep them. */
const all = () => [settings.compactCampaigns ? COMPACT_CAMPAIGNS : CAMPAIGNS, DISCIPLINE, CATEGORIES, DOCUMENTS];

const dimList = (t: Totals, prefix = '') => t.dims.map((d) => `${prefix}${d.name}`).join(', ');
/** The columns a source row gives besides path, year, month and `q`: the dimensions, and the measures' inputs. */
const sourceList = (t: Totals, prefix = '') => [...t.dims.map((d) => d.name), ...(t.inputs ?? [])].map((c) => `${prefix}${c}`).join(', ');
const measures = (t: Totals) => t.measures ?? [];

type Measure = { name: string; when: string };
/** Beside `q`, each measure: `of` writes one SQL expression for each (null: `q` itself), joined by `separator`. */
const eachSum = (t: Totals, of: (m: Measure | null) => string, separator = ', ') => [null, ...measures(t)].map(of).join(separator);
/** A group is kept while any of its sums is not 0 (a changed status moves only the measures). */
const anyNonZero = (t: Totals, of: (m: Measure | null) => string) => eachSum(t, (m) => `${of(m)} <> 0`, ' or ');
const sumName = (m: Measure | null) => (m ? m.name : 'q');
/** A sum over source rows (`q` signed quantities, the measures' inputs beside them). */
const sumOfSource = (m: Measure | null) => (m ? `sum(case when ${m.when} then q else 0 end)` : 'sum(q)');
/** A sum over rows that already carry the sums (columns named by sumName), optionally qualified by `prefix`. */
const sumOfSums = (prefix = '') => (m: Measure | null) => `sum(${prefix}${sumName(m)})`;

/**
 * Contributions of the member actions `actions` (an alias-able relation with the action columns, `q` the signed
 * quantity) through `links` (category links): rows of (path, year, month, body, category_id, q).
 */
const categoryRows = (actions: string, links: string, q: string) =>
  `select a.path, a.year, a.month, a.body, c.category_id, ${q} as q from ${actions} a join ${links} c on c.action_id = a.id where a.subject = 'MEMBER'`;

/**
 * One PL/pgSQL block that adds `source` (rows of path, year, month, the dimensions and a signed `q`) to the totals:
 * grouped first by the facts' own path (unchanged rows of an UPDATE cancel out there), then once per unit on the path
 * (the path's labels are the unit ids; the first i of them, the path of the i-th unit), upserted; unless every `q` is
 * positive (inserted facts: quantities are at least 1), rows that fell to 0 are deleted (needs a variable
 * `v_zero int[]`). Paths are grouped as label arrays, not ltree (which cannot be hashed: millions of rows were sorted
 * by it), and the rows go in in the unique index's order (in hash order, a national load's inserts took twice as long).
 */
function applyDelta(t: Totals, source: string, onlyAdds = false): string {
  const dims = dimList(t);
  const ms = measures(t);
  const cols = ms.map((m) => `, ${m.name}`).join('');
  const upsert = `insert into ${t.table} as t (unit_id, path, year, month, ${dims}, quantity${cols})
      select unit_id, path::ltree, year, month, ${dims}, q${cols} from (
        select a.unit_id::int as unit_id, array_to_string(d.labels[1:a.i], '.') as path, d.year, d.month, ${dimList(t, 'd.')}, ${eachSum(t, (m) => `${sumOfSums('d.')(m)} as ${sumName(m)}`)}
        from d cross join lateral unnest(d.labels) with ordinality as a(unit_id, i)
        group by 1, 2, d.year, d.month, ${dimList(t, 'd.')} having ${anyNonZero(t, sumOfSums('d.'))}) x
      order by unit_id, year, month
      on conflict (unit_id, year, month, path, ${dims}) do update set quantity = t.quantity + excluded.quantity${ms.map((m) => `, ${m.name} = t.${m.name} + excluded.${m.name}`).join('')}`;
  const monthly = `select string_to_array(ltree2text(path), '.') as labels, year, month, ${dims}, ${eachSum(t, (m) => `${sumOfSource(m)} as ${sumName(m)}`)} from (${source}) s
      where path is not null group by 1, year, month, ${dims} having ${anyNonZero(t, sumOfSource)}`;
  // With year rows: each delta also goes to month 0 of its year (the whole year, unstated months included).
  const deltas = settings.yearRows
    ? `with dm as (${monthly}),
    d as (select * from dm union all
      select labels, year, 0::smallint, ${dims}, ${eachSum(t, sumOfSums())} from dm group by labels, year, ${dims} having ${anyNonZero(t, sumOfSums())})`
    : `with d as (
      ${monthly})`;
  if (onlyAdds) return `${deltas}\n    ${upsert};`;
  return `${deltas},
    up as (${upsert}
      returning t.unit_id, t.quantity)
    select array_agg(distinct unit_id) into v_zero from up where quantity = 0;
    if v_zero is not null then
      delete from ${t.table} where unit_id = any(v_zero) and quantity = 0;
    end if;`;
}

/** What every fact of a section contributes (the from-scratch computation). */
function fromScratch(t: Totals): string {
  return t.table === CATEGORIES.table
    ? categoryRows(DISCIPLINE.facts, CATEGORIES.facts, 'a.quantity')
    : `select path, year, month, ${sourceList(t)}, quantity as q from ${t.facts}`;
}

/** The functions below: SECURITY DEFINER, names resolved in pg_catalog and this schema only (set after creation). */
export const FUNCTIONS = [
  'rollup_totals_rebuild',
  'rollup_discipline_categories_rebuild',
  'rollup_totals_truncated',
  'rollup_campaigns_sync',
  'rollup_documents_sync',
  'rollup_discipline_sync',
  'rollup_discipline_categories_forget',
  'rollup_discipline_categories_sync',
];

/** How the functions are written: see totalsFunctionsSql. */
let settings = { yearRows: false, replace: false, compactCampaigns: false };

function plpgsql(name: string, returns: string, body: string, declare = 'v_zero int[];'): string {
  if (!FUNCTIONS.includes(name)) throw new Error(`${name} is not listed in FUNCTIONS`);
  return `create ${settings.replace ? 'or replace ' : ''}function ${name}() returns ${returns} language plpgsql security definer as $$
declare
  ${declare}
begin
${body}
end $$;`;
}

/** The trigger function of a section whose facts are one table (campaigns, documents). */
function simpleTrigger(t: Totals): string {
  const rows = (relation: string, sign: string) => `select path, year, month, ${sourceList(t)}, ${sign}quantity as q from ${relation}`;
  return plpgsql(
    `${t.table}_sync`,
    'trigger',
    `  if TG_OP = 'INSERT' then
    ${applyDelta(t, rows('new_rows', ''), true)}
  elsif TG_OP = 'DELETE' then
    ${applyDelta(t, rows('old_rows', '-'))}
  else
    ${applyDelta(t, `${rows('old_rows', '-')} union all ${rows('new_rows', '')}`)}
  end if;
  return null;`,
  );
}

/** Triggers after insert, update and delete (each with its transition tables: one event per trigger) and truncate. */
function statementTriggers(table: string, fn: string): string[] {
  return [
    `create trigger "${table}_rollup_insert" after insert on "${table}" referencing new table as new_rows
      for each statement execute function ${fn}();`,
    `create trigger "${table}_rollup_update" after update on "${table}" referencing old table as old_rows new table as new_rows
      for each statement execute function ${fn}();`,
    `create trigger "${table}_rollup_delete" after delete on "${table}" referencing old table as old_rows
      for each statement execute function ${fn}();`,
    `create trigger "${table}_rollup_truncate" after truncate on "${table}"
      for each statement execute function rollup_totals_truncated();`,
  ];
}

/** Statement triggers on the facts and links; one row trigger (see disciplinary actions' deletes). */
const TRIGGERS: [table: string, name: string][] = [
  ['campaigns', 'rollup_insert'],
  ['campaigns', 'rollup_update'],
  ['campaigns', 'rollup_delete'],
  ['campaigns', 'rollup_truncate'],
  ['disciplinary_actions', 'rollup_insert'],
  ['disciplinary_actions', 'rollup_update'],
  ['disciplinary_actions', 'rollup_delete'],
  ['disciplinary_actions', 'rollup_truncate'],
  ['disciplinary_actions', 'rollup_forget_categories'],
  ['disciplinary_action_categories', 'rollup_insert'],
  ['disciplinary_action_categories', 'rollup_update'],
  ['disciplinary_action_categories', 'rollup_delete'],
  ['disciplinary_action_categories', 'rollup_truncate'],
  ['documents', 'rollup_insert'],
  ['documents', 'rollup_update'],
  ['documents', 'rollup_delete'],
  ['documents', 'rollup_truncate'],
];

/**
 * The totals' functions (rebuild, truncate, and the trigger functions). `options.yearRows` (migration
 * Migration20261126180000YearTotals) also keeps, for each unit and year, rows with month 0: the whole year's sums
 * (stated and unstated months), so that a whole-year rollup reads one row per breakdown instead of one per month;
 * `options.replace` emits CREATE OR REPLACE; `options.compactCampaigns` (Migration20261127100000CompactCampaignTotals)
 * writes the campaigns' functions for the compact table (COMPACT_CAMPAIGNS).
 */
export function totalsFunctionsSql(options: { yearRows: boolean; replace: boolean; compactCampaigns?: boolean }): string[] {
  const out: string[] = [];
  settings = { compactCampaigns: false, ...options };
  try {
    // From scratch: the migration's fill, TRUNCATE of a fact table, a changed action id; also for an operator.
    out.push(
      plpgsql(
        'rollup_totals_rebuild',
        'void',
        all().map((t) => `  delete from ${t.table};\n  ${applyDelta(t, fromScratch(t), true)}`).join('\n'),
        '',
      ),
    );
    out.push(
      plpgsql(
        'rollup_discipline_categories_rebuild',
        'void',
        `  delete from ${CATEGORIES.table};\n  ${applyDelta(CATEGORIES, fromScratch(CATEGORIES), true)}`,
        '',
      ),
    );
    // TRUNCATE has no transition tables: the truncated table's sections are recomputed (a statement, not a row, event).
    out.push(
      plpgsql(
        'rollup_totals_truncated',
        'trigger',
        `  if TG_TABLE_NAME = 'disciplinary_action_categories' then
    perform rollup_discipline_categories_rebuild();
  else
    perform rollup_totals_rebuild();
  end if;
  return null;`,
        '',
      ),
    );

    out.push(simpleTrigger(all()[0]));
    out.push(simpleTrigger(DOCUMENTS));

    // Disciplinary actions: their totals, and the contributions of their category links, which follow the action's
    // path, year, month, body and quantity. An action's links exist only after it (a foreign key), so an INSERT finds
    // none unless they were written first in some other way; an UPDATE moves the links' contributions with the action.
    // A changed id (never done by the application): the cascade moves the links to the new id and the links' trigger
    // sees them move, so old and new rows cannot be paired; both triggers recompute the category totals, so that
    // whichever runs last (the links', in PostgreSQL 15 and 17) leaves them exact.
    const actionRows = (relation: string, sign: string) => `select path, year, month, ${dimList(DISCIPLINE)}, ${sign}quantity as q from ${relation}`;
    const actionLinks = (relation: string, sign: string) => categoryRows(relation, 'disciplinary_action_categories', `${sign}a.quantity`);
    // An UPDATE's member actions whose contribution changed (old rows negative, new rows positive, unchanged ones cancel).
    const CHANGED_MEMBER_ACTIONS = `(select id, path, year, month, body, 'MEMBER' as subject, sum(q) as q from (
        select id, path, year, month, body, -quantity as q from old_rows where subject = 'MEMBER'
        union all select id, path, year, month, body, quantity from new_rows where subject = 'MEMBER') x
      group by id, path, year, month, body having sum(q) <> 0)`;
    out.push(
      plpgsql(
        `${DISCIPLINE.table}_sync`,
        'trigger',
        `  if TG_OP = 'INSERT' then
    ${applyDelta(DISCIPLINE, actionRows('new_rows', ''), true)}
    ${applyDelta(CATEGORIES, actionLinks('new_rows', ''), true)}
  elsif TG_OP = 'DELETE' then
    -- The category links' contributions were subtracted before each row went (rollup_discipline_categories_forget).
    ${applyDelta(DISCIPLINE, actionRows('old_rows', '-'))}
  else
    ${applyDelta(DISCIPLINE, `${actionRows('old_rows', '-')} union all ${actionRows('new_rows', '')}`)}
    if exists (select id from old_rows except select id from new_rows) then
      perform rollup_discipline_categories_rebuild();
    else
      ${applyDelta(CATEGORIES, categoryRows(CHANGED_MEMBER_ACTIONS, 'disciplinary_action_categories', 'a.q'))}
    end if;
  end if;
  return null;`,
      ),
    );
    // Deleting an action deletes its links by cascade before any statement trigger runs, and the links' trigger no
    // longer finds the action: the links' contributions are subtracted here, before the row goes.
    out.push(
      plpgsql(
        `${CATEGORIES.table}_forget`,
        'trigger',
        `  ${applyDelta(
          CATEGORIES,
          `select OLD.path as path, OLD.year as year, OLD.month as month, OLD.body as body, c.category_id, -OLD.quantity as q
          from disciplinary_action_categories c where c.action_id = OLD.id`,
        )}
  return OLD;`,
      ),
    );
    // Category links: a link contributes its member action's quantity while both exist. Links moved to other actions
    // (an UPDATE of action_id, also the cascade of a changed action id) are recomputed; other changes (a category's
    // id) are a delta against the actions as they are. One statement that writes both an action and its links (a
    // data-modifying WITH) is the one write these deltas do not follow: recompute with rollup_totals_rebuild().
    const linkRows = (relation: string, sign: string) =>
      `select a.path, a.year, a.month, a.body, c.category_id, ${sign}a.quantity as q
      from ${relation} c join disciplinary_actions a on a.id = c.action_id where a.subject = 'MEMBER'`;
    out.push(
      plpgsql(
        `${CATEGORIES.table}_sync`,
        'trigger',
        `  if TG_OP = 'INSERT' then
    ${applyDelta(CATEGORIES, linkRows('new_rows', ''), true)}
  elsif TG_OP = 'DELETE' then
    ${applyDelta(CATEGORIES, linkRows('old_rows', '-'))}
  elsif exists ((select action_id from old_rows except all select action_id from new_rows)
      union all (select action_id from new_rows except all select action_id from old_rows)) then
    perform rollup_discipline_categories_rebuild();
  else
    ${applyDelta(CATEGORIES, `${linkRows('old_rows', '-')} union all ${linkRows('new_rows', '')}`)}
  end if;
  return null;`,
      ),
    );
  } finally {
    settings = { yearRows: false, replace: false, compactCampaigns: false };
  }
  return out;
}

/**
 * The totals' functions (created or replaced; `functions` as signatures, by default the FUNCTIONS): names resolve in
 * pg_catalog and this schema only (the functions run as their owner), and nobody else may call them. Also run by the
 * migrations that replace them.
 */
export function secureFunctionsSql(functions: readonly string[] = FUNCTIONS.map((f) => `${f}()`)): string[] {
  return [
    `do $$ begin
${functions.map((f) => `  execute format('alter function ${f} set search_path = pg_catalog, %I, pg_temp', current_schema());`).join('\n')}
end $$;`,
    ...functions.map((f) => `revoke all on function ${f} from public;`),
  ];
}

/** The bulk rebuild's functions (levelRebuildSql): one per totals table, taking the years to recompute. */
export const REBUILD_YEARS_FUNCTIONS = ALL.map((t) => `${t.table}_rebuild_years(smallint[])`);

/**
 * Bulk rebuild (Migration20261127120000BulkTotals): `<table>_rebuild_years(years)` recomputes a totals table's rows of
 * those years from the facts, for an import that writes most of them (its triggers are disabled meanwhile).
 *
 * Level by level instead of once per unit on each fact's path: the facts are grouped by their own path (the deepest
 * units' rows), then each level's rows are its own facts' groups plus the level below's rows cut to their parent's
 * path, grouped. At national scale this groups each row of the result once — 6.2 million campaign rows — instead
 * of 17.8 million (every fact group unnested to each unit on its path). Paths are int[] here (hashable; ltree is not
 * in PostgreSQL 15). When the table holds no other years it is truncated and its unique index built once after the
 * rows are in (a sorted build instead of millions of inserts into it); otherwise rows go in in its order.
 */
export function levelRebuildSql(): string[] {
  settings = { yearRows: true, replace: false, compactCampaigns: true };
  try {
    return all().map((t) => {
      const dims = dimList(t);
      const sumNames = eachSum(t, sumName);
      const measured = eachSum(t, (m) => `${sumOfSource(m)} as ${sumName(m)}`);
      const summed = eachSum(t, (m) => `${sumOfSums()(m)} as ${sumName(m)}`);
      const having = anyNonZero(t, sumOfSums());
      const measuredNonZero = anyNonZero(t, sumOfSource);
      const source =
        t.table === CATEGORIES.table
          ? `${categoryRows(DISCIPLINE.facts, CATEGORIES.facts, 'a.quantity')} and a.year = any(p_years)`
          : `${fromScratch(t)} where year = any(p_years)`;
      const columns = `unit_id, path, year, month, ${dims}, quantity${measures(t).map((m) => `, ${m.name}`).join('')}`;
      const values = `labels[k], array_to_string(labels, '.')::ltree, year, month, ${dims}, ${sumNames}`;
      return `create or replace function ${t.table}_rebuild_years(p_years smallint[]) returns void language plpgsql security definer as $$
declare
  v_depth int;
  v_index text;
begin
  -- Each fact group once, by its own path: months (and the unstated month), then month 0, the whole year.
  create temporary table rollup_level_facts on commit drop as
    select string_to_array(ltree2text(path), '.')::int[] as labels, year, month, ${dims}, ${measured}
    from (${source}) s where path is not null
    group by 1, year, month, ${dims} having ${measuredNonZero};
  insert into pg_temp.rollup_level_facts
    select labels, year, 0::smallint, ${dims}, ${summed} from pg_temp.rollup_level_facts where month is distinct from 0
    group by labels, year, ${dims} having ${having};
  select max(cardinality(labels)) into v_depth from pg_temp.rollup_level_facts;

  if exists (select 1 from ${t.table} where year <> all(p_years)) then
    delete from ${t.table} where year = any(p_years);
  else
    v_index := pg_get_indexdef('${t.table}_key'::regclass);
    truncate ${t.table};
    drop index ${t.table}_key;
  end if;

  create temporary table rollup_level on commit drop as select * from pg_temp.rollup_level_facts where cardinality(labels) = v_depth;
  for k in reverse coalesce(v_depth, 0) .. 1 loop
    if k < v_depth then
      -- This level: its units' own facts, and the level below summed into its parents.
      create temporary table rollup_level_next on commit drop as
        select labels, year, month, ${dims}, ${summed} from (
          select labels[1:k] as labels, year, month, ${dims}, ${sumNames} from pg_temp.rollup_level
          union all
          select labels, year, month, ${dims}, ${sumNames} from pg_temp.rollup_level_facts where cardinality(labels) = k) x
        group by labels, year, month, ${dims} having ${having};
      drop table pg_temp.rollup_level;
      alter table pg_temp.rollup_level_next rename to rollup_level;
    end if;
    if v_index is null then
      insert into ${t.table} (${columns}) select ${values} from pg_temp.rollup_level order by labels[k], year, month;
    else
      insert into ${t.table} (${columns}) select ${values} from pg_temp.rollup_level;
    end if;
  end loop;
  if v_index is not null then
    execute v_index;
  end if;
  drop table pg_temp.rollup_level, pg_temp.rollup_level_facts;
end $$;`;
    });
  } finally {
    settings = { yearRows: false, replace: false, compactCampaigns: false };
  }
}

export class Migration20261126160000RollupTotals extends Migration {
  override async up(): Promise<void> {
    for (const t of ALL) {
      this.addSql(`create table "${t.table}" (
        "unit_id" int not null,
        "path" ltree not null,
        "year" smallint not null,
        "month" smallint null,
        ${t.dims.map((d) => `"${d.name}" ${d.type}`).join(',\n        ')},
        "quantity" bigint not null);`);
      // No CHECK (quantity >= 0): an upsert checks the row it proposes, a negative delta, before finding the conflict.
      // The upserts' conflict target, and the engine's lookup (unit_id = any(…) and year = any(…) [and month between …]).
      // NULLS NOT DISTINCT: an unstated month, body, origin or form is one group, as in GROUP BY.
      this.addSql(`create unique index "${t.table}_key" on "${t.table}" ("unit_id", "year", "month", "path", ${t.dims.map((d) => `"${d.name}"`).join(', ')}) nulls not distinct;`);
    }

    for (const sql of totalsFunctionsSql({ yearRows: false, replace: false })) this.addSql(sql);

    for (const sql of statementTriggers('campaigns', `${CAMPAIGNS.table}_sync`)) this.addSql(sql);
    for (const sql of statementTriggers('documents', `${DOCUMENTS.table}_sync`)) this.addSql(sql);
    for (const sql of statementTriggers('disciplinary_actions', `${DISCIPLINE.table}_sync`)) this.addSql(sql);
    for (const sql of statementTriggers('disciplinary_action_categories', `${CATEGORIES.table}_sync`)) this.addSql(sql);
    this.addSql(`create trigger "disciplinary_actions_rollup_forget_categories" before delete on "disciplinary_actions"
      for each row when (OLD.subject = 'MEMBER' and OLD.path is not null) execute function ${CATEGORIES.table}_forget();`);

    for (const sql of secureFunctionsSql()) this.addSql(sql);

    // Row-level security, the facts' rule: a scoped reader sees the totals of a unit over the days its path lay under
    // one of the scope unit's paths — exactly the totals of the facts it may see (see Migration…RowSecurity).
    for (const t of ALL) {
      this.addSql(`grant select on "${t.table}" to kiemtra_reader;`);
      this.addSql(`alter table "${t.table}" enable row level security;`);
      this.addSql(`create policy "${t.table}_scope" on "${t.table}" for select to kiemtra_reader using (path <@ kiemtra_scope_paths());`);
    }

    this.addSql(`select rollup_totals_rebuild();`);
    this.addSql(`analyze ${ALL.map((t) => t.table).join(', ')};`);
  }

  override async down(): Promise<void> {
    for (const [table, name] of TRIGGERS) this.addSql(`drop trigger if exists "${table}_${name}" on "${table}";`);
    for (const f of [...FUNCTIONS].reverse()) this.addSql(`drop function if exists ${f}();`);
    for (const t of ALL) this.addSql(`drop table if exists "${t.table}";`);
  }
}
