/**
 * Pre-aggregated rollup totals (migrations/Migration20261126160000RollupTotals.ts): the engine's answers from the
 * totals equal the fact scan's (`source: 'scan'`), on the reference data and after every kind of write — random
 * imports and re-imports (new facts, changed quantities and months, units moved or of another kind from some day),
 * SQL written by hand, inside and after its transaction — and the totals tables always equal a computation from
 * scratch. A scoped caller keeps only what was recorded under its scope, also for a unit that moved in mid-year and
 * for a root that was above the scope unit part of the year (scanned).
 */
import type { EntityManager } from '@mikro-orm/core';
import { Role, type Caller } from '../src/auth/caller';
import { createContext } from '../src/context';
import { migrate, statementCounter } from '../src/db';
import { campaignStats, disciplineStats, documentStats, type RollupScope } from '../src/rollup/engine';
import { loadCategories } from '../src/rollup/rollup.loaders';
import { queryRows } from '../src/sql';
import { importDataset } from '../src/import';
import { campaignsDataset } from '../bench/common';
import { createGraphql, createTestDb, importFiles, seedReference, writeDataset, type TestDb } from './harness';

/** A small deterministic generator (mulberry32), so that a failure can be replayed. */
function random(seed: number) {
  let s = seed;
  const next = () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)];
  const sample = <T>(xs: readonly T[], n: number): T[] => [...xs].sort(() => next() - 0.5).slice(0, n);
  return { next, int, pick, sample };
}

type Scope = Omit<RollupScope, 'source'>;

/** Every section's answers, by key, as plain objects. */
async function rollups(em: EntityManager, scope: RollupScope) {
  const categories = await loadCategories(em);
  return {
    campaigns: Object.fromEntries(await campaignStats(em, scope)),
    discipline: Object.fromEntries(await disciplineStats(em, scope, categories)),
    documents: Object.fromEntries(await documentStats(em, scope)),
  };
}

/** The totals' answers equal the scan's for every root and year of the scope; returns them. */
async function expectSameAsScan(em: EntityManager, scope: Scope) {
  const totals = await rollups(em, { ...scope, source: 'auto' });
  const scan = await rollups(em, { ...scope, source: 'scan' });
  // Name the first difference instead of printing every root's breakdowns.
  const differences: unknown[] = [];
  for (const section of ['campaigns', 'discipline', 'documents'] as const) {
    for (const key of Object.keys(scan[section])) {
      if (JSON.stringify(totals[section][key]) !== JSON.stringify(scan[section][key])) {
        differences.push({ section, key, scope: { ...scope, rootIds: `${scope.rootIds.length} roots` }, totals: totals[section][key], scan: scan[section][key] });
      }
    }
  }
  expect(differences.slice(0, 1)).toEqual([]);
  return totals;
}

/**
 * The four totals tables, the columns they group by beyond unit, path, year and month, and the sums they keep beside
 * `quantity` (each the quantities of the facts where a condition holds).
 */
const TOTALS: Record<string, { columns: string[]; facts: string; measures?: Record<string, string> }> = {
  rollup_campaigns: {
    columns: ['tier', 'body'],
    facts: 'select path, year, month, tier, body, status, origin, quantity from campaigns',
    measures: { completed: `status = 'COMPLETED'`, cancelled: `status = 'CANCELLED'`, programmed: `origin = 'PROGRAMMED'`, arising: `origin = 'ARISING'` },
  },
  rollup_discipline: { columns: ['body', 'subject', 'form'], facts: 'select path, year, month, body, subject, form, quantity from disciplinary_actions' },
  rollup_discipline_categories: {
    columns: ['body', 'category_id'],
    facts: `select a.path, a.year, a.month, a.body, c.category_id, a.quantity from disciplinary_actions a
      join disciplinary_action_categories c on c.action_id = a.id where a.subject = 'MEMBER'`,
  },
  rollup_documents: { columns: ['kind'], facts: 'select path, year, month, kind, quantity from documents' },
};

/**
 * Each totals table equals a computation from scratch (written here independently of the migration's), without zeros:
 * every month, and month 0 for each whole year.
 */
async function expectTotalsFresh(em: EntityManager) {
  for (const [table, { columns, facts, measures = {} }] of Object.entries(TOTALS)) {
    const cols = columns.join(', ');
    const kept = Object.keys(measures).map((m) => `, ${m}::text`).join('');
    const actual = await queryRows(em, `select unit_id, path::text, year, month, ${cols}, quantity::text${kept} from ${table} order by 1, 2, 3, 4, ${columns.map((_, i) => i + 5).join(', ')}`);
    const sums = Object.entries(measures).map(([m, when]) => `, sum(case when ${when} then quantity else 0 end)::text as ${m}`).join('');
    const expected = await queryRows(
      em,
      `select (string_to_array(ltree2text(f.path), '.')::int[])[i] as unit_id, subpath(f.path, 0, i)::text as path, year,
         case when y.whole then 0 else month end as month, ${cols}, sum(quantity)::text as quantity${sums}
       from (${facts}) f cross join generate_series(1, nlevel(f.path)) as i cross join (values (false), (true)) as y(whole)
       where f.path is not null
       group by 1, 2, year, 4, ${cols} order by 1, 2, 3, 4, ${columns.map((_, i) => i + 5).join(', ')}`,
    );
    expect({ table, rows: actual }).toEqual({ table, rows: expected });
  }
}

const PERIODS: [number, number][] = [
  [1, 12],
  [1, 6],
  [7, 12],
  [3, 3],
  [2, 11],
];

describe('on the reference data (and 3,000 synthetic campaigns over 2015–2024, with months)', () => {
  let db: TestDb;
  let em: EntityManager;
  beforeAll(async () => {
    db = await createTestDb();
    await seedReference(db.orm);
    await importDataset(db.orm, campaignsDataset(3000));
    em = db.orm.em.fork();
  });
  afterAll(() => db?.close());

  test('the totals tables equal a computation from scratch', async () => {
    await expectTotalsFresh(em);
  });

  test('every unit at depth ≤ 2 and a sample of the others: the same answers as the scan, several years, whole and part years', async () => {
    const top = (await queryRows<{ id: number }>(em, 'select distinct unit_id as id from unit_segments where depth <= 2 order by 1')).map((r) => r.id);
    const others = (await queryRows<{ id: number }>(em, 'select distinct unit_id as id from unit_segments where depth > 2 order by 1')).map((r) => r.id);
    const rootIds = [...top, ...random(2023).sample(others.filter((id) => !top.includes(id)), 200)];
    expect(top.length).toBeGreaterThan(50);
    for (const [fromMonth, toMonth] of PERIODS) {
      const answers = await expectSameAsScan(em, { rootIds, years: [2015, 2019, 2020, 2023, 2024, 2025], fromMonth, toMonth, asOf: null });
      if (fromMonth === 1 && toMonth === 12) {
        // Not vacuous: the province's published 2023 figures are there.
        const qn = (await queryRows<{ id: number }>(em, `select id from units where code = 'QN'`))[0].id;
        expect(answers.campaigns[`${qn}:2023`].total).toBeGreaterThan(1000);
        expect(answers.discipline[`${qn}:2023`].membersByCategory.some((c) => c.count > 0)).toBe(true);
        expect(answers.documents[`${qn}:2023`].total).toBeGreaterThan(0);
      }
    }
  });

  test('a scoped caller: the same answers as the scan, for units in the scope, outside it and above it (scanned)', async () => {
    const districts = await queryRows<{ id: number; path: string }>(
      em,
      `select distinct on (unit_id) unit_id as id, path::text from unit_segments where depth = 1 order by unit_id, valid_from`,
    );
    const rnd = random(7);
    for (const scope of rnd.sample(districts, 4)) {
      const below = (await queryRows<{ id: number }>(em, `select distinct unit_id as id from unit_segments where path <@ ?::ltree`, [scope.path])).map((r) => r.id);
      const above = scope.path.split('.').map(Number);
      const elsewhere = rnd.sample(districts.map((d) => d.id), 5);
      const rootIds = [...new Set([...above, ...rnd.sample(below, 60), ...elsewhere])];
      for (const [fromMonth, toMonth] of [PERIODS[0], PERIODS[1]]) {
        await expectSameAsScan(em, { rootIds, years: [2020, 2023, 2025], fromMonth, toMonth, asOf: null, scopeUnitId: scope.id });
      }
    }
  });

  test('a database with facts migrates without loss: the migration fills the totals (down, changes, up again)', async () => {
    await db.orm.getMigrator().down({ to: 'Migration20261126150000RowSecurity' });
    expect(await queryRows(em, `select to_regclass('rollup_campaigns') as t`)).toEqual([{ t: null }]);
    // Written while no trigger keeps totals.
    await queryRows(em, `update campaigns set quantity = quantity + 1 where id % 2 = 0`);
    await queryRows(em, `delete from documents where id = (select min(id) from documents)`);
    await migrate(db.orm);
    await expectTotalsFresh(em);
    const qn = (await queryRows<{ id: number }>(em, `select id from units where code = 'QN'`))[0].id;
    await expectSameAsScan(em, { rootIds: [qn], years: [2020, 2023], fromMonth: 1, toMonth: 12, asOf: null });
  });

  test('an unscoped rollup of a whole level costs one statement per section, as the scan did', async () => {
    const top = (await queryRows<{ id: number }>(em, 'select distinct unit_id as id from unit_segments where depth <= 1')).map((r) => r.id);
    const before = statementCounter.count;
    await campaignStats(em, { rootIds: top, years: [2023, 2024], fromMonth: 1, toMonth: 12, asOf: null });
    await documentStats(em, { rootIds: top, years: [2023, 2024], fromMonth: 1, toMonth: 12, asOf: null, scopeUnitId: top[0] });
    expect(statementCounter.count - before).toBe(2);
  });
});

/** A small tree whose history, facts and categories change at random; every change is an import of CSV files. */
class RandomWorld {
  readonly rnd = random(20261126);
  readonly versions = new Map<string, { from: string | null; to: string | null; parent: string | null; kind: string }[]>();
  readonly campaigns = new Map<string, Record<string, string>>();
  readonly discipline = new Map<string, Record<string, string>>();
  readonly documents = new Map<string, Record<string, string>>();
  private serial = 0;

  constructor() {
    this.versions.set('P', [{ from: null, to: null, parent: null, kind: 'PROVINCIAL_COMMITTEE' }]);
    for (let d = 0; d < 4; d++) {
      this.versions.set(`P.D${d}`, [{ from: null, to: null, parent: 'P', kind: 'DISTRICT_COMMITTEE' }]);
      for (let g = 0; g < 3; g++) {
        this.versions.set(`P.D${d}.G${g}`, [{ from: null, to: null, parent: `P.D${d}`, kind: 'GRASSROOTS_COMMITTEE' }]);
        for (let c = 0; c < 2; c++) this.versions.set(`P.D${d}.G${g}.C${c}`, [{ from: null, to: null, parent: `P.D${d}.G${g}`, kind: 'CELL' }]);
      }
    }
  }

  codes = (level: number) => [...this.versions.keys()].filter((c) => c.split('.').length === level + 1);

  unitsCsv(codes: string[]): string {
    const lines = ['code,parent_code,name,kind,valid_from,valid_to,successor_code'];
    for (const code of codes) for (const v of this.versions.get(code)!) lines.push(`${code},${v.parent ?? ''},Đảng bộ ${code},${v.kind},${v.from ?? ''},${v.to ?? ''},`);
    return lines.join('\n') + '\n';
  }

  /** From a day after its latest version starts (mid-month too), the unit has another parent or another kind. */
  change(code: string, what: 'parent' | 'kind'): boolean {
    const history = this.versions.get(code)!;
    const last = history[history.length - 1];
    const day = `${this.rnd.pick(['2023', '2024'])}-${String(this.rnd.int(1, 12)).padStart(2, '0')}-${this.rnd.pick(['01', '15', '28'])}`;
    if (last.from !== null && day <= last.from) return false;
    const level = code.split('.').length - 1;
    let { parent, kind } = last;
    if (what === 'parent') parent = this.rnd.pick(this.codes(level - 1).filter((p) => p !== last.parent));
    // A cell becomes a grassroots cell (another tier) and back; a grassroots committee a grassroots cell (same tier).
    else if (level === 3) kind = kind === 'CELL' ? 'GRASSROOTS_CELL' : 'CELL';
    else kind = kind === 'GRASSROOTS_COMMITTEE' ? 'GRASSROOTS_CELL' : 'GRASSROOTS_COMMITTEE';
    history.splice(history.length - 1, 1, { ...last, to: day }, { from: day, to: null, parent, kind });
    return true;
  }

  private fact(file: 'campaigns' | 'discipline' | 'documents'): Record<string, string> {
    const r = this.rnd;
    const common = {
      unit_code: r.pick([...this.versions.keys()]),
      year: String(r.pick([2023, 2024])),
      month: r.next() < 0.2 ? '' : String(r.int(1, 12)),
      quantity: String(r.int(1, 5)),
    };
    if (file === 'campaigns') {
      return { ...common, body: r.pick(['', 'COMMITTEE', 'STANDING_COMMITTEE', 'INSPECTION_COMMISSION', 'PARTY_CELL']), activity: r.pick(['', 'INSPECTION', 'SUPERVISION']), origin: r.pick(['', 'PROGRAMMED', 'ARISING']), status: r.pick(['PLANNED', 'IN_PROGRESS', 'COMPLETED', 'CANCELLED']) };
    }
    if (file === 'documents') return { ...common, body: r.pick(['', 'COMMITTEE', 'INSPECTION_COMMISSION']), kind: r.pick(['DIRECTIVE', 'GUIDANCE']) };
    const subject = r.pick(['MEMBER', 'MEMBER', 'ORGANIZATION']);
    const forms = subject === 'MEMBER' ? ['', 'REPRIMAND', 'WARNING', 'REMOVAL', 'EXPULSION'] : ['', 'REPRIMAND', 'WARNING', 'DISSOLUTION'];
    const categories = subject === 'MEMBER' ? r.sample(['CM', 'CENTRAL', 'LOCAL'], r.int(0, 3)).join(';') : '';
    return { ...common, body: r.pick(['COMMITTEE', 'STANDING_COMMITTEE', 'INSPECTION_COMMISSION', 'PARTY_CELL']), subject, form: r.pick(forms), categories };
  }

  /** The whole tree, three cadre categories, and that many new campaigns, disciplinary actions and documents. */
  firstFiles(campaigns: number, discipline: number, documents: number): Record<string, string> {
    return {
      'units.csv': this.unitsCsv([...this.versions.keys()]),
      'cadre_categories.csv': 'code,name\nCM,Cấp ủy viên\nCENTRAL,Diện Trung ương quản lý\nLOCAL,Diện địa phương quản lý\n',
      'campaigns.csv': this.facts('campaigns', campaigns, 0),
      'discipline.csv': this.facts('discipline', discipline, 0),
      'documents.csv': this.facts('documents', documents, 0),
    };
  }

  /** `n` new rows, and `m` stored rows given again with other values (quantity, month, status, unit, categories…). */
  facts(file: 'campaigns' | 'discipline' | 'documents', n: number, m: number): string {
    const stored = this[file];
    const changed = this.rnd.sample([...stored.keys()], m);
    for (const id of changed) {
      const fresh = this.fact(file);
      const old = stored.get(id)!;
      // Change a few columns only, so that some rows keep their unit or month.
      const keys = this.rnd.sample(Object.keys(fresh).filter((k) => !(file === 'discipline' && ['subject', 'form', 'categories'].includes(k))), this.rnd.int(1, 3));
      const row = { ...old };
      for (const k of keys) row[k] = fresh[k];
      if (file === 'discipline' && this.rnd.next() < 0.5) Object.assign(row, { subject: fresh.subject, form: fresh.form, categories: fresh.categories });
      stored.set(id, row);
    }
    const added = Array.from({ length: n }, () => `${file}-${++this.serial}`);
    for (const id of added) stored.set(id, this.fact(file));
    const rows = [...changed, ...added].map((id) => ({ external_id: id, ...stored.get(id)! }));
    const columns = Object.keys(rows[0] ?? { external_id: '' });
    return [columns.join(','), ...rows.map((row) => columns.map((c) => row[c as keyof typeof row]).join(','))].join('\n') + '\n';
  }
}

describe('after every write', () => {
  let db: TestDb;
  let em: EntityManager;
  const world = new RandomWorld();
  const unitIds = async () => (await queryRows<{ id: number }>(em, 'select id from units order by id')).map((r) => r.id);
  const idOf = async (code: string) => (await queryRows<{ id: number }>(em, 'select id from units where code = ?', [code]))[0].id;

  beforeAll(async () => {
    db = await createTestDb();
    em = db.orm.em.fork();
    await importFiles(db.orm, world.firstFiles(80, 60, 20));
  });
  afterAll(() => db?.close());

  /** Totals equal a computation from scratch, and answer as the scan does, unscoped and scoped, for random periods. */
  async function check() {
    await expectTotalsFresh(em);
    const rnd = world.rnd;
    const ids = await unitIds();
    const from = rnd.int(1, 12);
    for (const [fromMonth, toMonth] of [[1, 12], [from, rnd.int(from, 12)]]) {
      await expectSameAsScan(em, { rootIds: ids, years: [2022, 2023, 2024], fromMonth, toMonth, asOf: null });
      const scopeCode = rnd.pick([...world.codes(1), ...world.codes(2)]);
      await expectSameAsScan(em, { rootIds: ids, years: [2023, 2024], fromMonth, toMonth, asOf: null, scopeUnitId: await idOf(scopeCode) });
    }
  }

  test('random imports and re-imports: new facts, changed facts, units moved or of another kind from some day', async () => {
    await check();
    for (let step = 0; step < 12; step++) {
      const rnd = world.rnd;
      const files: Record<string, string> = {};
      const changed = new Set<string>();
      const kinds = rnd.sample(['facts', 'refacts', 'move', 'kind'], rnd.int(1, 3));
      if (kinds.includes('move')) {
        for (const code of rnd.sample([...world.codes(2), ...world.codes(3)], rnd.int(1, 3))) if (world.change(code, 'parent')) changed.add(code);
      }
      if (kinds.includes('kind')) {
        for (const code of rnd.sample([...world.codes(2), ...world.codes(3)], rnd.int(1, 2))) if (world.change(code, 'kind')) changed.add(code);
      }
      if (changed.size > 0) files['units.csv'] = world.unitsCsv([...changed]);
      if (kinds.includes('facts') || kinds.includes('refacts')) {
        const [n, m] = [kinds.includes('facts') ? rnd.int(1, 15) : 0, kinds.includes('refacts') ? rnd.int(1, 15) : 0];
        files['campaigns.csv'] = world.facts('campaigns', n, m);
        files['discipline.csv'] = world.facts('discipline', n, m);
        if (rnd.next() < 0.5) files['documents.csv'] = world.facts('documents', n, m);
      }
      if (Object.keys(files).length === 0) continue;
      await importFiles(db.orm, files);
      await check();
    }
    // The moves and changes of kind did happen (the history has more than one version somewhere).
    expect((await queryRows<{ n: number }>(em, 'select count(*)::int as n from unit_versions where valid_from > \'-infinity\''))[0].n).toBeGreaterThan(3);
    // And some unit's totals hold a group of a year under two paths (it moved that year): the engine reads totals rows
    // ungrouped and adds them up in JavaScript (groupsOf, src/rollup/engine.ts), which the checks above covered.
    const repeated = `select count(*)::int as n from (select 1 from rollup_campaigns where month = 0 group by unit_id, year, tier, body having count(*) > 1) g`;
    expect((await queryRows<{ n: number }>(em, repeated))[0].n).toBeGreaterThan(0);
  });

  test('SQL written by hand: seen by the totals in its own transaction, and after it commits or rolls back', async () => {
    const p = await idOf('P');
    const whole: Scope = { rootIds: [p], years: [2023], fromMonth: 1, toMonth: 12, asOf: null };
    const before = (await expectSameAsScan(em, whole)).campaigns[`${p}:2023`].total;
    const [fact] = await queryRows<{ id: string }>(em, `select id from campaigns where year = 2023 order by id limit 1`);

    // Inside a transaction that then rolls back: the totals follow the statement at once, and the rollback.
    await expect(
      db.orm.em.fork().transactional(async (trx) => {
        await queryRows(trx, `update campaigns set quantity = quantity + 7 where id = ?`, [fact.id]);
        expect((await expectSameAsScan(trx, whole)).campaigns[`${p}:2023`].total).toBe(before + 7);
        await expectTotalsFresh(trx);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect((await expectSameAsScan(em, whole)).campaigns[`${p}:2023`].total).toBe(before);

    await queryRows(em, `update campaigns set quantity = quantity + 7 where id = ?`, [fact.id]);
    expect((await expectSameAsScan(em, whole)).campaigns[`${p}:2023`].total).toBe(before + 7);
    await expectTotalsFresh(em);

    // Every other kind of statement on the facts and the category links.
    const statements = [
      `update campaigns set month = case when month is null then 5 else null end, status = 'CANCELLED' where id % 3 = 0`,
      // Only a status or an origin changes: every quantity stays, the completed, cancelled, programmed and arising sums move.
      `update campaigns set status = case when status = 'COMPLETED' then 'IN_PROGRESS' else 'COMPLETED' end where id % 4 = 1`,
      `update campaigns set origin = case when origin = 'PROGRAMMED' then 'ARISING' when origin = 'ARISING' then null else 'PROGRAMMED' end where id % 4 = 3`,
      `delete from campaigns where id % 7 = 0`,
      `insert into campaigns (unit_id, year, month, quantity, row_key, ref_date, tier, status, path)
         select unit_id, year, month, quantity * 2, row_key || ':copy', ref_date, tier, status, path from campaigns where id % 5 = 0`,
      `update disciplinary_actions set quantity = quantity + 1, body = 'COMMITTEE' where id % 2 = 0`,
      `update disciplinary_action_categories set category_id = (select max(id) from cadre_categories) where category_id = (select min(id) from cadre_categories)
         and not exists (select 1 from disciplinary_action_categories c where c.action_id = disciplinary_action_categories.action_id and c.category_id = (select max(id) from cadre_categories))`,
      `insert into disciplinary_action_categories (action_id, category_id)
         select a.id, (select min(id) from cadre_categories) from disciplinary_actions a where a.subject = 'MEMBER' on conflict do nothing`,
      `delete from disciplinary_action_categories where action_id % 3 = 0`,
      `delete from disciplinary_actions where id % 4 = 1`,
      // An action's id changes (its links follow by cascade): recomputed.
      `update disciplinary_actions set id = id + 100000 where id % 5 = 2`,
      // Links moved to another action.
      `update disciplinary_action_categories set action_id = action_id + 1
         where action_id % 6 = 0 and exists (select 1 from disciplinary_actions a where a.id = action_id + 1)
         and not exists (select 1 from disciplinary_action_categories c where c.action_id = disciplinary_action_categories.action_id + 1)`,
      `update disciplinary_actions set subject = 'ORGANIZATION', form = null, categories_key = '' where id % 4 = 2`,
      // A fact whose path is cleared counts nowhere (the scan cannot see it either), and again once it is back.
      `update documents set path = null where id % 2 = 0`,
      `update documents f set path = s.path from unit_segments s where s.unit_id = f.unit_id and f.ref_date >= s.valid_from and f.ref_date < s.valid_to`,
      `truncate documents`,
    ];
    const ids = await unitIds();
    for (const sql of statements) {
      await queryRows(em, sql);
      await expectTotalsFresh(em);
      await expectSameAsScan(em, { rootIds: ids, years: [2023, 2024], fromMonth: 1, toMonth: 12, asOf: null });
    }
    expect((await queryRows<{ n: number }>(em, 'select count(*)::int as n from rollup_documents'))[0].n).toBe(0);
  });
});

describe('a bulk load (mostly new rows): the totals of the years it touches are recomputed, triggers off meanwhile', () => {
  let db: TestDb;
  let em: EntityManager;
  const world = new RandomWorld();
  const sql = <T = Record<string, unknown>>(text: string) => queryRows<T>(em, text);
  const bulk = (files: Record<string, string>) => importDataset(db.orm, writeDataset(files), { bulkLoadRows: 1 });
  const indexOid = async () => (await sql<{ oid: string }>(`select 'rollup_campaigns_key'::regclass::oid::text as oid`))[0].oid;
  /** Row versions (xmin) of the campaign totals of a year: the same after a write that leaves the year alone. */
  const versions = async (year: number) =>
    (await sql<{ v: string }>(`select xmin::text || ':' || unit_id || ':' || coalesce(month, -1) as v from rollup_campaigns where year = ${year} order by 1`)).map((r) => r.v);
  const disabledTriggers = () => sql(`select tgrelid::regclass::text, tgname from pg_trigger where tgname like '%rollup%' and tgenabled <> 'O'`);
  const check = async () => {
    await expectTotalsFresh(em);
    const ids = (await sql<{ id: number }>('select id from units order by id')).map((r) => r.id);
    await expectSameAsScan(em, { rootIds: ids, years: [2022, 2023, 2024], fromMonth: 1, toMonth: 12, asOf: null });
    await expectSameAsScan(em, { rootIds: ids, years: [2022, 2023], fromMonth: 3, toMonth: 8, asOf: null });
  };

  beforeAll(async () => {
    db = await createTestDb();
    em = db.orm.em.fork();
    await importFiles(db.orm, world.firstFiles(40, 40, 20));
  });
  afterAll(() => db?.close());

  test('every year rebuilt (the table emptied, its index built again), then only the years a load touches', async () => {
    // Ten times as many new rows as stored, some stored rows changed: the totals are recomputed, every year of them.
    const oid = await indexOid();
    const report = await bulk({
      'campaigns.csv': world.facts('campaigns', 400, 10),
      'discipline.csv': world.facts('discipline', 400, 10),
      'documents.csv': world.facts('documents', 200, 5),
    });
    expect(report.files['campaigns.csv']).toMatchObject({ created: 400 });
    expect(report.files['campaigns.csv']!.updated).toBeGreaterThan(0); // a changed row may, by chance, get its own values
    expect(await indexOid()).not.toBe(oid);
    expect(await disabledTriggers()).toEqual([]);
    await check();

    // New rows of 2022 only, and one stored row of 2023 moved to 2022: 2022 and 2023 are recomputed, 2024 kept as it was.
    const before2024 = await versions(2024);
    expect(before2024.length).toBeGreaterThan(0);
    const units = [...world.versions.keys()];
    const [movedId, moved] = [...world.campaigns].find(([, row]) => row.year === '2023')!;
    const lines = ['external_id,unit_code,year,month,quantity,body,activity,origin,status'];
    for (let i = 0; i < 1500; i++) {
      lines.push(`bulk-2022-${i},${units[i % units.length]},2022,${i % 13 === 0 ? '' : (i % 12) + 1},${1 + (i % 4)},,INSPECTION,${i % 3 === 0 ? 'ARISING' : 'PROGRAMMED'},${i % 5 === 0 ? 'CANCELLED' : 'COMPLETED'}`);
    }
    lines.push(`${movedId},${moved.unit_code},2022,${moved.month},${moved.quantity},${moved.body},${moved.activity},${moved.origin},${moved.status}`);
    const before2023 = await versions(2023);
    const oid2 = await indexOid();
    const again = await bulk({ 'campaigns.csv': lines.join('\n') + '\n' });
    expect(again.files['campaigns.csv']).toMatchObject({ created: 1500, updated: 1 });
    expect(await indexOid()).toBe(oid2); // rows of other years are kept: deleted and inserted by year, the index kept
    expect(await versions(2024)).toEqual(before2024);
    expect(await versions(2023)).not.toEqual(before2023);
    expect(await disabledTriggers()).toEqual([]);
    await check();

    // A load of few new rows goes through the triggers (2022's totals rows are not rewritten).
    const before2022 = await versions(2022);
    await bulk({ 'campaigns.csv': world.facts('campaigns', 3, 2) });
    const after2022 = await versions(2022);
    expect(after2022.filter((v) => before2022.includes(v)).length).toBeGreaterThan(after2022.length / 2);
    await check();
  });
});

describe('a scoped caller', () => {
  // M moved from T.10 into T.1 on 2023-07-01. B was under A until 2023-07-01; from then on A is under B.
  const UNITS = `code,parent_code,name,kind,valid_from,valid_to,successor_code
T,,Tỉnh ủy Thử nghiệm,PROVINCIAL_COMMITTEE,,,
T.1,T,Huyện ủy Một,DISTRICT_COMMITTEE,,,
T.10,T,Huyện ủy Mười,DISTRICT_COMMITTEE,,,
T.1.A,T.1,Đảng ủy xã An,GRASSROOTS_COMMITTEE,,,
M,T.10,Đảng ủy cơ sở Mỏ,GRASSROOTS_COMMITTEE,,2023-07-01,
M,T.1,Đảng ủy cơ sở Mỏ,GRASSROOTS_COMMITTEE,2023-07-01,,
A,T,Huyện ủy A,DISTRICT_COMMITTEE,,2023-07-01,
A,B,Đảng ủy A,GRASSROOTS_COMMITTEE,2023-07-01,,
B,A,Đảng ủy B,GRASSROOTS_COMMITTEE,,2023-07-01,
B,T,Huyện ủy B,DISTRICT_COMMITTEE,2023-07-01,,
`;
  const CAMPAIGNS = `unit_code,year,month,status,quantity
T.1,2023,5,COMPLETED,2
T.10,2023,5,COMPLETED,4
T.1.A,2023,5,COMPLETED,8
M,2023,3,COMPLETED,32
M,2023,9,COMPLETED,64
B,2023,3,COMPLETED,1
A,2023,9,COMPLETED,10
B,2023,9,COMPLETED,100
A,2023,3,COMPLETED,1000
`;
  const DISCIPLINE = `unit_code,year,month,body,subject,categories,quantity
M,2023,3,COMMITTEE,MEMBER,CM,5
M,2023,9,COMMITTEE,MEMBER,CM,3
A,2023,9,COMMITTEE,MEMBER,CM,7
B,2023,9,COMMITTEE,MEMBER,CM,11
`;
  let db: TestDb;
  let em: EntityManager;
  let id: Record<string, number>;
  beforeAll(async () => {
    db = await createTestDb();
    await importFiles(db.orm, { 'units.csv': UNITS, 'cadre_categories.csv': 'code,name\nCM,Cấp ủy viên\n', 'campaigns.csv': CAMPAIGNS, 'discipline.csv': DISCIPLINE });
    em = db.orm.em.fork();
    id = Object.fromEntries((await queryRows<{ code: string; id: number }>(em, 'select code, id from units')).map((r) => [r.code, r.id]));
  });
  afterAll(() => db?.close());

  const campaignTotal = async (root: string, scope: string, fromMonth = 1, toMonth = 12) => {
    const s: Scope = { rootIds: Object.values(id), years: [2023], fromMonth, toMonth, asOf: null, scopeUnitId: id[scope] };
    const answers = await expectSameAsScan(em, s);
    return { campaigns: answers.campaigns[`${id[root]}:2023`].total, members: answers.discipline[`${id[root]}:2023`].members, cm: answers.discipline[`${id[root]}:2023`].membersByCategory[0].count };
  };

  test('a unit that moved into the scope mid-year counts only what it did after', async () => {
    expect(await campaignTotal('M', 'T.1')).toEqual({ campaigns: 64, members: 3, cm: 3 });
    expect(await campaignTotal('T.1', 'T.1')).toEqual({ campaigns: 2 + 8 + 64, members: 3, cm: 3 });
    expect(await campaignTotal('M', 'T.1', 1, 6)).toEqual({ campaigns: 0, members: 0, cm: 0 });
    // Unscoped, M counts all year.
    const all = await expectSameAsScan(em, { rootIds: [id.M], years: [2023], fromMonth: 1, toMonth: 12, asOf: null });
    expect(all.campaigns[`${id.M}:2023`].total).toBe(96);
  });

  test('a root that was above the scope unit part of the year is scanned, and counts what was under the scope', async () => {
    // Scoped to A: B's March (under A then), A's September (under B, but A's own); not B's own September.
    expect(await campaignTotal('B', 'A')).toEqual({ campaigns: 1 + 10, members: 7, cm: 7 });
    expect(await campaignTotal('B', 'A', 1, 6)).toEqual({ campaigns: 1, members: 0, cm: 0 });
    expect(await campaignTotal('B', 'A', 7, 12)).toEqual({ campaigns: 10, members: 7, cm: 7 });
    expect(await campaignTotal('A', 'A')).toEqual({ campaigns: 1000 + 1 + 10, members: 7, cm: 7 });
    // Scoped to B: A's own March was not under B, B's March (then under A) was.
    expect(await campaignTotal('A', 'B')).toEqual({ campaigns: 1 + 10, members: 7, cm: 7 });
  });

  test('through GraphQL with each enforcement of scope: row-level security on the totals hides what the scope may not see', async () => {
    const caller: Caller = { subject: 'district-user', unitCode: 'T.1', roles: new Set([Role.VIEWER]) };
    const query = `{ m: unit(code: "M") { rollup(period: { year: 2023 }) { campaigns { total } discipline { members membersByCategory { count } } } }
      t1: unit(code: "T.1") { rollup(period: { year: 2023 }) { campaigns { total } } } }`;
    for (const enforce of [{}, { rowSecurity: false }, { resolvers: false }]) {
      const gql = await createGraphql(db.orm, { today: '2026-11-26', caller, enforce });
      try {
        expect(await gql.data(query)).toEqual({
          m: { rollup: { campaigns: { total: 64 }, discipline: { members: 3, membersByCategory: [{ count: 3 }] } } },
          t1: { rollup: { campaigns: { total: 74 } } },
        });
      } finally {
        await gql.stop();
      }
    }
  });

  test('under row-level security a reader sees only totals rows recorded under its scope', async () => {
    const ctx = await createContext(db.orm, { caller: { subject: 'a', unitCode: 'T.1', roles: new Set([Role.VIEWER]) }, enforce: { resolvers: false } });
    await ctx.prepare();
    try {
      // Month 0 repeats each year's sums (the whole-year rows): the months alone.
      const rows = await queryRows<{ unit_id: number; q: string }>(ctx.em, `select unit_id, sum(quantity)::text as q from rollup_campaigns where month <> 0 group by unit_id order by unit_id`);
      expect(rows).toEqual([
        { unit_id: id['T.1'], q: String(2 + 8 + 64) },
        { unit_id: id['T.1.A'], q: '8' },
        { unit_id: id.M, q: '64' },
      ]);
    } finally {
      await ctx.finish();
    }
  });
});
