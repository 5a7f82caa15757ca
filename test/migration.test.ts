/**
 * The history migration keeps data stored before it: a database at the core schema, filled with a tree and facts
 * the way the core import wrote them, then migrated, answers the same rollups, with every unit one open-ended
 * version and every fact placed on the last day of its month (year).
 *
 * And migrations run without the API's statement timeout, on any connection.
 */
import { Client } from 'pg';
import { migrate, openDatabase } from '../src/db';
import { MIGRATIONS } from '../migrations';
import { createGraphql, createTestDb, type TestDb } from './harness';

let db: TestDb;
beforeAll(async () => {
  db = await createTestDb({ migrateTo: 'Migration20261126000000Initial' });
});
afterAll(() => db?.close());

test('units become open-ended versions, paths become segments, facts get their reference date and tier', async () => {
  const conn = db.orm.em.fork().getConnection();
  await conn.execute(`insert into units (id, code, name, kind, tier, parent_id, path, depth) values
    (1, 'P', 'Tỉnh ủy Thử nghiệm', 'PROVINCIAL_COMMITTEE', 'PROVINCIAL', null, '1', 0),
    (2, 'P.D', 'Huyện ủy Đầm Hà', 'DISTRICT_COMMITTEE', 'DISTRICT', 1, '1.2', 1),
    (3, 'P.D.G', 'Đảng ủy xã Quảng Lợi', 'GRASSROOTS_COMMITTEE', 'GRASSROOTS', 2, '1.2.3', 2)`);
  await conn.execute(`select setval('units_id_seq', 3)`);
  await conn.execute(`insert into campaigns (unit_id, year, month, status, quantity, row_key) values
    (3, 2024, 2, 'COMPLETED', 5, 'k:a'), (2, 2024, null, 'PLANNED', 7, 'k:b'), (1, 2023, 12, 'COMPLETED', 11, 'k:c')`);
  await conn.execute(`insert into disciplinary_actions (unit_id, year, body, subject, quantity, row_key) values (3, 2024, 'COMMITTEE', 'MEMBER', 2, 'k:d')`);

  expect((await migrate(db.orm))[0]).toBe('Migration20261126120000History');

  const versions = await conn.execute(`select unit_id, valid_from::text, valid_to::text, parent_id, name, kind, tier from unit_versions order by unit_id`);
  expect(versions).toEqual([
    { unit_id: 1, valid_from: '-infinity', valid_to: 'infinity', parent_id: null, name: 'Tỉnh ủy Thử nghiệm', kind: 'PROVINCIAL_COMMITTEE', tier: 'PROVINCIAL' },
    { unit_id: 2, valid_from: '-infinity', valid_to: 'infinity', parent_id: 1, name: 'Huyện ủy Đầm Hà', kind: 'DISTRICT_COMMITTEE', tier: 'DISTRICT' },
    { unit_id: 3, valid_from: '-infinity', valid_to: 'infinity', parent_id: 2, name: 'Đảng ủy xã Quảng Lợi', kind: 'GRASSROOTS_COMMITTEE', tier: 'GRASSROOTS' },
  ]);
  expect(await conn.execute(`select unit_id, path::text, depth from unit_segments order by unit_id`)).toEqual([
    { unit_id: 1, path: '1', depth: 0 },
    { unit_id: 2, path: '1.2', depth: 1 },
    { unit_id: 3, path: '1.2.3', depth: 2 },
  ]);
  expect(await conn.execute(`select row_key, ref_date::text, tier from campaigns order by row_key`)).toEqual([
    { row_key: 'k:a', ref_date: '2024-02-29', tier: 'GRASSROOTS' },
    { row_key: 'k:b', ref_date: '2024-12-31', tier: 'DISTRICT' },
    { row_key: 'k:c', ref_date: '2023-12-31', tier: 'PROVINCIAL' },
  ]);

  const gql = await createGraphql(db.orm);
  try {
    const data = await gql.data(`{ unit(code: "P") { descendantCount validFrom validTo
      y2024: rollup(period: { year: 2024 }) { campaigns { total byTier { tier total } } discipline { members } }
      y2023: rollup(period: { year: 2023 }) { campaigns { total } } children { code children { code } } } }`);
    expect(data.unit).toMatchObject({ descendantCount: 2, validFrom: null, validTo: null, children: [{ code: 'P.D', children: [{ code: 'P.D.G' }] }] });
    expect(data.unit.y2024.campaigns.total).toBe(12);
    expect(data.unit.y2024.campaigns.byTier.filter((t: any) => t.total > 0)).toEqual([{ tier: 'DISTRICT', total: 7 }, { tier: 'GRASSROOTS', total: 5 }]);
    expect(data.unit.y2024.discipline.members).toBe(2);
    expect(data.unit.y2023.campaigns.total).toBe(11);
  } finally {
    await gql.stop();
  }
});

// PGlite never cancels a statement (src/db.ts), so the timeout exists on PostgreSQL only.
(process.env.DATABASE_URL ? describe : describe.skip)('migrations on a connection with a statement timeout', () => {
  const from = 'Migration20261126190000UnitSearch';
  let older: TestDb;
  beforeAll(async () => {
    older = await createTestDb({ migrateTo: from });
  });
  afterAll(() => older?.close());

  test('run without it: a migration that waits longer than the timeout still completes', async () => {
    // The next migration adds a trigger to campaigns; a lock held elsewhere for 1 s makes it wait 1 s (as a rebuild of
    // the totals on a national database runs for minutes), 4× the API's timeout set on this ORM's connections.
    const orm = await openDatabase({ databaseUrl: older.url!, dataDir: '', statementTimeoutMs: 250 });
    const locker = new Client({ connectionString: older.url });
    await locker.connect();
    let released: Promise<unknown> | undefined;
    try {
      await locker.query('begin');
      await locker.query('lock table campaigns in access exclusive mode');
      released = new Promise((resolve) => setTimeout(resolve, 1000)).then(() => locker.query('commit'));
      const start = Date.now();
      const applied = await migrate(orm);
      expect(Date.now() - start).toBeGreaterThanOrEqual(900);
      const names = MIGRATIONS.map((m) => m.name);
      expect(applied).toEqual(names.slice(names.indexOf(from) + 1));
      expect(applied[0]).toBe('Migration20261127000000DataVersion'); // the one that waits on campaigns
      // The API's own statements on the same pool keep the timeout.
      expect(await orm.em.getConnection().execute(`select current_setting('statement_timeout') as t`)).toEqual([{ t: '250ms' }]);
    } finally {
      await released?.catch(() => undefined);
      await locker.end();
      await orm.close(true);
    }
  });
});
