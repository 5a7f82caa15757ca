/**
 * Audit trail: every insert, update and delete on stored data leaves an entry (import or SQL written by hand), with
 * the actor, the key and the row before and after; rows that the import deletes and writes again unchanged leave
 * none; rolled-back imports (invalid, dry run) leave none; committed entries cannot be changed; `auditLog` is for
 * ADMIN callers, confined to their subtree.
 */
import { DatasetInvalidError } from '../src/import';
import { Role, type Caller } from '../src/auth/caller';
import type { ContextOptions } from '../src/context';
import { AUDITED_TABLES, UNKNOWN_ACTOR } from '../src/audit/actor';
import { createGraphql, importFiles, useDatabase, writeDataset, type Graphql } from './harness';
import { importDataset } from '../src/import';

const t = useDatabase();

const ADMIN: Caller = { subject: 'admin-1', unitCode: null, roles: new Set([Role.ADMIN]) };
const VIEWER: Caller = { subject: 'viewer-1', unitCode: null, roles: new Set([Role.VIEWER]) };
const EDITOR: Caller = { subject: 'editor-1', unitCode: null, roles: new Set([Role.EDITOR]) };

const UNITS = `code,parent_code,name,kind,valid_from,valid_to,successor_code
P,,Tỉnh ủy Thử nghiệm,PROVINCIAL_COMMITTEE,,,
P.D,P,Huyện ủy Đầm Hà,DISTRICT_COMMITTEE,,,
P.D.G,P.D,Đảng ủy xã Quảng Lợi,GRASSROOTS_COMMITTEE,,,
P.E,P,Thị ủy Quảng Yên,TOWN_COMMITTEE,,2024-01-01,
P.E,P,Thành ủy Quảng Yên,CITY_COMMITTEE,2024-01-01,,
`;
const CATEGORIES = `code,name\nCM,Cấp ủy viên\nPM,Cán bộ diện Ban Thường vụ Tỉnh ủy quản lý\n`;
const CAMPAIGNS = `external_id,unit_code,year,month,body,activity,origin,status,quantity
c1,P.D.G,2024,3,INSPECTION_COMMISSION,INSPECTION,PROGRAMMED,COMPLETED,4
c2,P.E,2024,5,,,,CANCELLED,2
`;
const DISCIPLINE = `external_id,unit_code,year,month,body,subject,form,categories,quantity
k1,P.D,2024,6,INSPECTION_COMMISSION,MEMBER,WARNING,CM;PM,2
k2,P.E,2024,,COMMITTEE,ORGANIZATION,DISSOLUTION,,1
`;
/** CAMPAIGNS after the re-import that changes c1. */
const CAMPAIGNS_2 = CAMPAIGNS.replace('COMPLETED,4', 'COMPLETED,5');
const DOCUMENTS = `external_id,unit_code,year,month,body,kind,quantity\nd1,P,2024,,,DIRECTIVE,3\n`;
const FIGURES = `external_id,unit_code,year,from_month,to_month,metric,value,bound,percent,source,note\nf1,P,2024,1,12,DOCUMENTS_DIRECTIVES,3,EXACT,,Báo Quảng Ninh,\n`;
const DATASET = {
  'units.csv': UNITS,
  'cadre_categories.csv': CATEGORIES,
  'campaigns.csv': CAMPAIGNS,
  'discipline.csv': DISCIPLINE,
  'documents.csv': DOCUMENTS,
  'reported_figures.csv': FIGURES,
};

interface Entry {
  id: string;
  actor: string;
  operation: string;
  table_name: string;
  row_id: string;
  old_row: any;
  new_row: any;
  txid: string;
}

function sql(text: string, params: unknown[] = []): Promise<any[]> {
  return t.db.orm.em.fork().getConnection().execute(text, params, 'all');
}

async function lastId(): Promise<number> {
  return Number((await sql(`select coalesce(max(id), 0)::text as id from audit_log`))[0].id);
}

/** Entries written after entry `after`, oldest first. */
async function entriesAfter(after: number): Promise<Entry[]> {
  return sql(`select id::text, actor, operation, table_name, row_id, old_row, new_row, txid::text from audit_log where id > ? order by id`, [after]);
}

function importAs(actor: string, files: Record<string, string>, dryRun = false) {
  return importDataset(t.db.orm, writeDataset(files), { actor, dryRun });
}

let afterFirst = 0;

describe('the import', () => {
  test('a first import logs one INSERT per row, with the actor, in one transaction; unit_segments is not audited', async () => {
    await importAs('test:alice', DATASET);
    afterFirst = await lastId();
    const entries = await entriesAfter(0);
    expect(new Set(entries.map((e) => e.operation))).toEqual(new Set(['INSERT']));
    expect(new Set(entries.map((e) => e.actor))).toEqual(new Set(['test:alice']));
    expect(new Set(entries.map((e) => e.txid)).size).toBe(1);
    expect(entries.every((e) => e.old_row === null && e.new_row !== null)).toBe(true);

    const byTable: Record<string, number> = {};
    for (const e of entries) byTable[e.table_name] = (byTable[e.table_name] ?? 0) + 1;
    expect(byTable).toEqual({
      cadre_categories: 2,
      units: 4,
      unit_versions: 5,
      campaigns: 2,
      disciplinary_actions: 2,
      disciplinary_action_categories: 2,
      documents: 1,
      reported_figures: 1,
    });
    for (const table of Object.keys(byTable)) {
      expect((await sql(`select count(*)::int as n from ${table}`))[0].n).toBe(byTable[table]);
    }

    const c1 = entries.find((e) => e.table_name === 'campaigns' && e.new_row.external_id === 'c1')!;
    expect(c1.row_id).toBe(String(c1.new_row.id));
    expect(c1.new_row).toMatchObject({ unit_id: expect.any(Number), year: 2024, month: 3, quantity: 4, status: 'COMPLETED', row_key: 'x:c1' });
    const pe = (await sql(`select id from units where code = 'P.E'`))[0].id;
    const versions = entries.filter((e) => e.table_name === 'unit_versions' && e.new_row.unit_id === pe).map((e) => e.row_id);
    expect(versions.sort()).toEqual([`${pe}/-infinity`, `${pe}/2024-01-01`]);
    const link = entries.find((e) => e.table_name === 'disciplinary_action_categories')!;
    expect(link.row_id).toBe(`${link.new_row.action_id}/${link.new_row.category_id}`);
  });

  test('importing the same dataset again logs nothing', async () => {
    const before = await lastId();
    await importAs('test:bob', DATASET);
    expect(await entriesAfter(before)).toEqual([]);
  });

  test('a re-import with one changed row logs exactly one UPDATE, with the values before and after', async () => {
    const before = await lastId();
    const report = await importAs('test:bob', { ...DATASET, 'campaigns.csv': CAMPAIGNS_2 });
    expect(report.files['campaigns.csv']).toMatchObject({ created: 0, updated: 1 });
    const entries = await entriesAfter(before);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actor: 'test:bob', operation: 'UPDATE', table_name: 'campaigns' });
    expect(entries[0].old_row).toMatchObject({ external_id: 'c1', quantity: 4 });
    expect(entries[0].new_row).toMatchObject({ external_id: 'c1', quantity: 5 });
    expect({ ...entries[0].old_row, quantity: 5 }).toEqual(entries[0].new_row);
  });

  test('a changed disciplinary action whose links the import rewrites unchanged is one UPDATE; changed links are DELETE and INSERT', async () => {
    let before = await lastId();
    await importAs('test:bob', { 'discipline.csv': DISCIPLINE.replace('CM;PM,2', 'CM;PM,7') });
    let entries = await entriesAfter(before);
    expect(entries.map((e) => [e.table_name, e.operation])).toEqual([['disciplinary_actions', 'UPDATE']]);

    before = await lastId();
    await importAs('test:bob', { 'discipline.csv': DISCIPLINE.replace('CM;PM,2', 'CM,7') });
    entries = await entriesAfter(before);
    expect(entries.map((e) => [e.table_name, e.operation])).toEqual([
      ['disciplinary_actions', 'UPDATE'],
      ['disciplinary_action_categories', 'DELETE'],
    ]);
    const pm = (await sql(`select id from cadre_categories where code = 'PM'`))[0].id;
    expect(entries[1].old_row).toEqual({ action_id: entries[0].new_row.id, category_id: pm });
    expect(entries[1].new_row).toBeNull();
  });

  test('a re-given history: removed versions are DELETE entries with their values, changed ones UPDATE; the rest logs nothing', async () => {
    const before = await lastId();
    const units = UNITS.replace('P.E,P,Thị ủy Quảng Yên,TOWN_COMMITTEE,,2024-01-01,\nP.E,P,Thành ủy Quảng Yên,CITY_COMMITTEE,2024-01-01,,\n', 'P.E,P,Thành ủy Quảng Yên,CITY_COMMITTEE,,,\n');
    const report = await importAs('test:carol', { 'units.csv': units });
    expect(report.files['units.csv']).toMatchObject({ created: 0, updated: 1, removed: 1 });
    const pe = (await sql(`select id from units where code = 'P.E'`))[0].id;
    const entries = await entriesAfter(before);
    expect(entries.every((e) => e.actor === 'test:carol' && e.table_name === 'unit_versions')).toBe(true);
    expect(entries.map((e) => [e.operation, e.row_id]).sort()).toEqual([
      ['DELETE', `${pe}/2024-01-01`],
      ['UPDATE', `${pe}/-infinity`],
    ]);
    const removed = entries.find((e) => e.operation === 'DELETE')!;
    expect(removed.old_row).toMatchObject({ unit_id: pe, valid_from: '2024-01-01', valid_to: 'infinity', name: 'Thành ủy Quảng Yên', kind: 'CITY_COMMITTEE' });
    expect(removed.new_row).toBeNull();
    const changed = entries.find((e) => e.operation === 'UPDATE')!;
    expect(changed.old_row).toMatchObject({ valid_to: '2024-01-01', name: 'Thị ủy Quảng Yên', kind: 'TOWN_COMMITTEE' });
    expect(changed.new_row).toMatchObject({ valid_to: 'infinity', name: 'Thành ủy Quảng Yên', kind: 'CITY_COMMITTEE' });
  });

  test('an invalid import logs nothing', async () => {
    const before = await lastId();
    await expect(
      importAs('test:mallory', { ...DATASET, 'campaigns.csv': CAMPAIGNS.replace('COMPLETED,4', 'COMPLETED,9') + 'c3,P.D,2024,14,,,,COMPLETED,1\n' }),
    ).rejects.toThrow(DatasetInvalidError);
    expect(await entriesAfter(before)).toEqual([]);
  });

  test('a dry run logs nothing', async () => {
    const before = await lastId();
    const report = await importAs('test:dave', { 'campaigns.csv': CAMPAIGNS_2.replace('CANCELLED,2', 'CANCELLED,3') + 'c4,P.D,2024,1,,,,COMPLETED,1\n' }, true);
    expect(report.files['campaigns.csv']).toMatchObject({ created: 1, updated: 1 });
    expect(await entriesAfter(before)).toEqual([]);
  });

  test('without an actor, the import logs the OS user (cli:NAME) or system', async () => {
    const before = await lastId();
    await importFiles(t.db.orm, { 'campaigns.csv': CAMPAIGNS_2.replace('CANCELLED,2', 'CANCELLED,6') });
    const entries = await entriesAfter(before);
    expect(entries).toHaveLength(1);
    expect(entries[0].actor).toMatch(/^(cli:.+|system)$/);
  });
});

describe('SQL written by hand', () => {
  test('an update is logged with actor "unknown (direct SQL)"; an update that changes nothing is not logged', async () => {
    const before = await lastId();
    await sql(`update documents set quantity = quantity + 1 where external_id = 'd1'`);
    await sql(`update documents set quantity = quantity, kind = kind`);
    const entries = await entriesAfter(before);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actor: UNKNOWN_ACTOR, operation: 'UPDATE', table_name: 'documents' });
    expect(entries[0].new_row.quantity).toBe(entries[0].old_row.quantity + 1);
  });

  test('an update of derived columns only (the facts\' path, kept for row-level security) is not logged', async () => {
    const hasPath = (await sql(`select 1 from information_schema.columns where table_name = 'campaigns' and column_name = 'path'`)).length > 0;
    if (!hasPath) return; // the column comes with the row-level security migration
    const before = await lastId();
    await sql(`update campaigns set path = null where external_id = 'c1'`);
    await sql(`update campaigns f set path = s.path from unit_segments s where s.unit_id = f.unit_id and f.ref_date >= s.valid_from and f.ref_date < s.valid_to`);
    expect(await entriesAfter(before)).toEqual([]);
    expect((await entriesAfter(0)).some((e) => e.new_row && 'path' in e.new_row)).toBe(false);
  });

  test('a delete is logged with the old row, cascades included; the actor setting of an import does not outlive it', async () => {
    const before = await lastId();
    await sql(`delete from disciplinary_actions where external_id = 'k1'`);
    const entries = await entriesAfter(before);
    expect(entries.map((e) => [e.table_name, e.operation, e.actor])).toEqual([
      ['disciplinary_actions', 'DELETE', UNKNOWN_ACTOR],
      ['disciplinary_action_categories', 'DELETE', UNKNOWN_ACTOR],
    ]);
    expect(entries[0].old_row).toMatchObject({ external_id: 'k1', quantity: 7 });
  });

  test('a row deleted and inserted again in one transaction is one UPDATE, or nothing when it is the same', async () => {
    const conn = t.db.orm.em.fork().getConnection();
    const before = await lastId();
    await conn.transactional(async (trx) => {
      await conn.execute(`delete from reported_figures where external_id = 'f1'`, [], 'all', trx);
      await conn.execute(
        `insert into reported_figures (id, unit_id, year, from_month, to_month, metric, value, bound, percent, source, note, external_id, row_key)
         select (r->>'id')::bigint, (r->>'unit_id')::int, 2024, 1, 12, 'DOCUMENTS_DIRECTIVES', 4, 'EXACT', null, 'Báo Quảng Ninh', null, 'f1', 'x:f1'
         from (select old_row as r from audit_log where table_name = 'reported_figures' order by id desc limit 1) a`,
        [],
        'all',
        trx,
      );
    });
    const entries = await entriesAfter(before);
    expect(entries.map((e) => [e.table_name, e.operation])).toEqual([['reported_figures', 'UPDATE']]);
    expect([entries[0].old_row.value, entries[0].new_row.value]).toEqual([3, 4]);

    const again = await lastId();
    await conn.transactional(async (trx) => {
      await conn.execute(`create temporary table saved on commit drop as select * from documents`, [], 'all', trx);
      await conn.execute(`delete from documents`, [], 'all', trx);
      await conn.execute(`insert into documents select * from saved`, [], 'all', trx);
    });
    expect(await entriesAfter(again)).toEqual([]);
  });

  test('committed entries cannot be changed or deleted, and the log cannot be truncated', async () => {
    await expect(sql(`update audit_log set actor = 'someone else'`)).rejects.toThrow(/immutable/);
    await expect(sql(`delete from audit_log`)).rejects.toThrow(/immutable/);
    await expect(sql(`truncate audit_log`)).rejects.toThrow(/cannot be truncated/);
  });

  test('every stored table but unit_segments has the audit triggers', async () => {
    const rows = await sql(
      `select c.relname as table, array_agg(g.tgname::text order by g.tgname) as triggers from pg_trigger g join pg_class c on c.oid = g.tgrelid
       where not g.tgisinternal and g.tgname like '%\\_audit%' and c.relname <> 'audit_log' group by c.relname order by c.relname`,
    );
    // Deletes and updates by row triggers, inserts by a statement trigger (bulk loads: Migration20261126170000BulkLoad).
    expect(rows).toEqual([...AUDITED_TABLES].sort().map((table) => ({ table, triggers: [`${table}_audit`, `${table}_audit_insert`, `${table}_audit_update`] })));
  });
});

describe('auditLog', () => {
  let admin: Graphql;
  beforeAll(async () => {
    admin = await createGraphql(t.db.orm, { caller: ADMIN });
  });
  afterAll(() => admin?.stop());

  const QUERY = `query ($first: Int, $after: ID, $table: String, $since: DateTime) {
    auditLog(first: $first, after: $after, table: $table, since: $since) { id at actor operation table rowId oldValues newValues transactionId } }`;

  test('an ADMIN gets the entries newest first, page by page', async () => {
    const total = (await sql(`select count(*)::int as n from audit_log`))[0].n;
    const first = (await admin.data(QUERY, { first: 3 })).auditLog;
    expect(first).toHaveLength(3);
    expect(first.map((e: any) => Number(e.id))).toEqual([...first.map((e: any) => Number(e.id))].sort((a, b) => b - a));
    expect(first[0]).toMatchObject({ table: 'reported_figures', operation: 'UPDATE', actor: UNKNOWN_ACTOR });
    expect(first[0].oldValues.value).toBe(3);
    expect(first[0].newValues.value).toBe(4);
    expect(new Date(first[0].at).getTime()).toBeGreaterThan(Date.now() - 3_600_000);

    const seen = [...first];
    let after = first[first.length - 1].id;
    for (;;) {
      const page = (await admin.data(QUERY, { first: 500, after })).auditLog;
      if (page.length === 0) break;
      seen.push(...page);
      after = page[page.length - 1].id;
    }
    expect(seen).toHaveLength(total);
    expect(new Set(seen.map((e) => e.id)).size).toBe(total);
  });

  test('filters by table and time', async () => {
    const versions = (await admin.data(QUERY, { table: 'unit_versions', first: 500 })).auditLog;
    expect(versions.length).toBe((await sql(`select count(*)::int as n from audit_log where table_name = 'unit_versions'`))[0].n);
    expect(versions.every((e: any) => e.table === 'unit_versions')).toBe(true);
    expect(versions.some((e: any) => e.operation === 'DELETE' && e.oldValues.valid_from === '2024-01-01' && e.newValues === null)).toBe(true);

    expect((await admin.data(QUERY, { since: new Date(Date.now() + 3_600_000).toISOString() })).auditLog).toEqual([]);
    expect((await admin.data(QUERY, { since: new Date(Date.now() - 3_600_000).toISOString(), first: 1 })).auditLog).toHaveLength(1);
  });

  test('a page holds 1 to 500 entries; unknown tables and malformed cursors are refused', async () => {
    for (const variables of [{ first: 501 }, { first: 0 }, { table: 'unit_segments' }, { after: 'abc' }]) {
      const result = await admin.run(QUERY, variables);
      expect(result.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    }
  });

  test('VIEWER and EDITOR callers get FORBIDDEN', async () => {
    for (const caller of [VIEWER, EDITOR]) {
      const gql = await createGraphql(t.db.orm, { caller });
      try {
        const result = await gql.run(QUERY, {});
        expect(result.data).toBeNull();
        expect(result.errors?.map((e) => e.extensions.code)).toEqual(['FORBIDDEN']);
      } finally {
        await gql.stop();
      }
    }
  });

  test.each<[string, ContextOptions['enforce']]>([
    ['both enforcements', {}],
    ['resolvers only (row-level security off)', { rowSecurity: false }],
    ['row-level security only (resolver checks off)', { resolvers: false }],
  ])('an ADMIN scoped to a unit sees only changes to rows of its subtree (and cadre categories): %s', async (_mode, enforce) => {
    const gql = await createGraphql(t.db.orm, { caller: { subject: 'admin-d', unitCode: 'P.D', roles: new Set([Role.ADMIN]) }, enforce });
    try {
      const entries = (await gql.data(QUERY, { first: 500 })).auditLog;
      const ids = Object.fromEntries((await sql(`select code, id from units`)).map((r) => [r.code, r.id]));
      const inScope = new Set([ids['P.D'], ids['P.D.G']]);
      for (const e of entries) {
        if (e.table === 'cadre_categories') continue;
        for (const row of [e.oldValues, e.newValues].filter(Boolean)) {
          if (e.table === 'units') expect(inScope).toContain(row.id);
          else if (e.table !== 'disciplinary_action_categories') expect(inScope).toContain(row.unit_id);
        }
      }
      // Every entry of the subtree is there: units, versions, campaign c1, action k1 (created, updated, deleted).
      const expected = await sql(
        `select id::text as id from audit_log a where table_name = 'cadre_categories'
           or (table_name = 'units' and coalesce(new_row, old_row)->>'id' in (?, ?))
           or (table_name not in ('units', 'disciplinary_action_categories') and coalesce(new_row, old_row)->>'unit_id' in (?, ?))
         order by a.id desc`,
        [...inScope, ...inScope].map(String),
      );
      expect(entries.map((e: any) => e.id)).toEqual(expected.map((r) => r.id));
      expect(new Set(entries.map((e: any) => e.table))).toEqual(new Set(['cadre_categories', 'units', 'unit_versions', 'campaigns', 'disciplinary_actions']));
      // k1 (under P.D) was deleted with its links: the links' unit is no longer known, so they are not shown.
      expect(entries.some((e: any) => e.table === 'disciplinary_action_categories')).toBe(false);
    } finally {
      await gql.stop();
    }
  });
});
