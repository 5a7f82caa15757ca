/// <reference lib="dom" />
/**
 * The explorer page (issue 7, item 5) in a real headless Chromium (Debian's /usr/bin/chromium driven by
 * playwright-core), against the real server on the reference data: it loads with no request leaving the machine,
 * shows Quảng Ninh 2023 with the API's figures (table, summary and charts), drills into a district and back up,
 * switches to English (labels from the `labels` query), links its table to the CSV export, and works with a token
 * when the server asks for one. It writes docs/explorer.png and docs/explorer-en.png for the README.
 * .ci/run installs Chromium and sets KIEMTRA_REQUIRE_BROWSER=1, so CI never skips this; on a machine without
 * Chromium the test says so and is skipped.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { describeInBrowser, launchChromium } from './browser';
import { createLogger } from '../src/logger';
import { startServer, type RunningServer } from '../src/server';
import { createVerifier, signToken } from '../src/auth/tokens';
import { Role } from '../src/auth/caller';
import { createTestDb, seedReference, testAuthConfig, type TestDb } from './harness';

const maybe = describeInBrowser('Explorer');

const DOCS = path.join(__dirname, '..', 'docs');
const AS_OF = '2023-12-31';
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

const HEADLINE = `campaigns { total completed } discipline { organizations members membersByCategory { category { code } count } } documents { directives guidance }`;
const UNIT = `query ($code: String!) {
  unit(code: $code, asOf: "${AS_OF}") {
    code name
    ancestors { code }
    rollup(period: { year: 2023 }) {
      ${HEADLINE}
      discipline { byAuthority { authority members organizations } byForm { form members } }
      campaigns { byTier { tier total } byBody { body total } }
    }
    children { code name descendantCount rollup(period: { year: 2023 }) { ${HEADLINE} } }
  }
  cadreCategories { code name }
}`;

interface Headline {
  campaigns: { total: number; completed: number };
  discipline: { organizations: number; members: number; membersByCategory: { category: { code: string }; count: number }[] };
  documents: { directives: number; guidance: number };
}

/** The table's figures of a rollup, by the page's data-field names. */
function fields(r: Headline, categories: { code: string }[]): Record<string, number> {
  const out: Record<string, number> = {
    'campaigns.total': r.campaigns.total,
    'campaigns.completed': r.campaigns.completed,
    'discipline.organizations': r.discipline.organizations,
    'discipline.members': r.discipline.members,
    'documents.directives': r.documents.directives,
    'documents.guidance': r.documents.guidance,
  };
  for (const c of categories) out[`category.${c.code}`] = r.discipline.membersByCategory.find((m) => m.category.code === c.code)?.count ?? 0;
  return out;
}

/** What the page shows in its table: row code → data-field → cell text. */
async function tableCells(page: Page, section: 'tbody' | 'tfoot') {
  return page.$$eval(`#children ${section} tr[data-code]`, (rows) =>
    Object.fromEntries(
      rows.map((tr) => [
        (tr as HTMLElement).dataset.code!,
        Object.fromEntries(Array.from(tr.querySelectorAll('td[data-value]')).map((td) => [(td as HTMLElement).dataset.field!, td.textContent!])),
      ]),
    ),
  );
}

async function waitReady(page: Page, key: string) {
  await page.waitForFunction((k) => document.body.dataset.ready === k, key, { timeout: 30_000 });
}

maybe('explorer page in headless Chromium', () => {
  let db: TestDb;
  let server: RunningServer;
  let browser: Browser;
  let base: string;

  async function api(query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
    const response = await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
    const body = (await response.json()) as { data?: any; errors?: unknown[] };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  }

  /** Asserts the page's table shows the API's children and total of `code`, formatted for `locale`. */
  async function expectTableMatchesApi(page: Page, code: string, locale: string) {
    const { unit, cadreCategories } = await api(UNIT, { code });
    const format = (n: number) => new Intl.NumberFormat(locale).format(n);
    const shown = await tableCells(page, 'tbody');
    const expected = Object.fromEntries(
      unit.children.map((c: { code: string; rollup: Headline }) => [c.code, Object.fromEntries(Object.entries(fields(c.rollup, cadreCategories)).map(([k, v]) => [k, format(v)]))]),
    );
    expect(unit.children.length).toBeGreaterThan(0);
    expect(shown).toEqual(expected);
    const total = await tableCells(page, 'tfoot');
    expect(total).toEqual({ [code]: Object.fromEntries(Object.entries(fields(unit.rollup, cadreCategories)).map(([k, v]) => [k, format(v)])) });
    return unit;
  }

  beforeAll(async () => {
    db = await createTestDb();
    await seedReference(db.orm);
    server = await startServer(db.orm, createLogger('silent'), '127.0.0.1', 0, { rateLimitPerMinute: 0 });
    base = server.url.replace(/\/graphql$/, '');
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await db?.close();
  });

  test('Quảng Ninh 2023: table, summary and charts equal the API; drill down and up; English; CSV link; screenshots', async () => {
    const page = await browser.newPage({ viewport: { width: 1600, height: 900 }, acceptDownloads: true });
    const foreign: string[] = [];
    page.on('request', (req) => {
      if (!req.url().startsWith(base) && !req.url().startsWith('data:') && !req.url().startsWith('blob:')) foreign.push(req.url());
    });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));

    await page.goto(`${base}/explorer`);
    // It starts at the roots of the tree.
    await waitReady(page, '|vi');
    const roots = (await api(`{ roots(asOf: "${AS_OF}") { code } }`)).roots.map((r: { code: string }) => r.code);
    expect(await page.$$eval('#children tbody tr[data-code]', (rows) => rows.map((r) => (r as HTMLElement).dataset.code))).toEqual(roots);

    await page.fill('#code', 'QN');
    await page.fill('#year', '2023');
    await page.fill('#fromMonth', '1');
    await page.fill('#toMonth', '12');
    await page.fill('#asOf', AS_OF);
    await page.click('#go');
    await waitReady(page, 'QN|vi');
    const qn = await expectTableMatchesApi(page, 'QN', 'vi-VN');
    expect(await page.textContent('#unit-title')).toContain('Đảng bộ tỉnh Quảng Ninh');
    // The published report's totals, shown in the summary.
    expect(qn.rollup.discipline.members).toBe(399);
    expect(qn.rollup.discipline.organizations).toBe(21);
    expect(await page.textContent('#summary [data-metric=DISCIPLINED_MEMBERS] .value')).toBe('399');
    expect(await page.textContent('#summary [data-metric=DISCIPLINED_ORGANIZATIONS] .value')).toBe('21');

    // The charts hold the unit's breakdowns.
    const charts = await page.evaluate(() => {
      const data = (id: string) => {
        const chart = (window as any).Chart.getChart(document.getElementById(id));
        return chart ? chart.data.datasets.map((d: { data: number[] }) => d.data) : null;
      };
      return { tier: data('chart-tier'), body: data('chart-body'), authority: data('chart-authority'), form: data('chart-form'), category: data('chart-category') };
    });
    expect(charts.tier![0]).toEqual(qn.rollup.campaigns.byTier.map((x: { total: number }) => x.total));
    expect(charts.body![0]).toEqual(qn.rollup.campaigns.byBody.map((x: { total: number }) => x.total));
    expect(charts.authority).toEqual([
      qn.rollup.discipline.byAuthority.map((x: { organizations: number }) => x.organizations),
      qn.rollup.discipline.byAuthority.map((x: { members: number }) => x.members),
    ]);
    expect(charts.form![1]).toEqual(qn.rollup.discipline.byForm.map((x: { members: number }) => x.members));
    expect(charts.category![0].reduce((a: number, b: number) => a + b, 0)).toBe(
      qn.rollup.discipline.membersByCategory.reduce((a: number, m: { count: number }) => a + m.count, 0),
    );
    await page.screenshot({ path: path.join(DOCS, 'explorer.png'), fullPage: true });

    // The CSV link is the children export with the page's parameters, and serves a UTF-8 CSV with a BOM.
    const csvHref = await page.getAttribute('#csv', 'href');
    const csvUrl = new URL(csvHref!, base);
    expect(csvUrl.pathname).toBe('/export.csv');
    expect(Object.fromEntries(csvUrl.searchParams)).toEqual({ report: 'children', root: 'QN', year: '2023', fromMonth: '1', toMonth: '12', lang: 'vi' });
    expect(new URL((await page.getAttribute('#xlsx', 'href'))!, base).pathname).toBe('/export.xlsx');
    const csv = Buffer.from(await (await fetch(csvUrl)).arrayBuffer());
    expect(csv.subarray(0, 3)).toEqual(BOM);
    const csvText = csv.toString('utf8');
    for (const child of qn.children) expect(csvText).toContain(`${child.code},`);
    // Without a token the browser follows the link itself.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#csv')]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    expect((await fs.promises.readFile((await download.path())!)).subarray(0, 3)).toEqual(BOM);

    // Drill into Hạ Long by clicking its row.
    const district = qn.children.find((c: { code: string }) => c.code === 'QN.HL');
    expect(district.descendantCount).toBeGreaterThan(0);
    await page.click('#children tbody tr[data-code="QN.HL"] td[data-field=name] a');
    await waitReady(page, 'QN.HL|vi');
    const hl = await expectTableMatchesApi(page, 'QN.HL', 'vi-VN');
    expect(await page.textContent('#unit-title')).toContain(hl.name);
    expect(await page.$$eval('#breadcrumb a[data-code]', (links) => links.map((a) => (a as HTMLElement).dataset.code))).toEqual(['', ...hl.ancestors.map((a: { code: string }) => a.code)]);
    expect(new URL((await page.getAttribute('#csv', 'href'))!, base).searchParams.get('root')).toBe('QN.HL');

    // Back up through the breadcrumb, then English: headers and labels from the `labels` query, en-US numbers.
    await page.click('#breadcrumb a[data-code="QN"]');
    await waitReady(page, 'QN|vi');
    const label = async (lang: 'VI' | 'EN', name: string, value: string) =>
      (await api(`query ($lang: Lang!, $enum: String) { labels(lang: $lang, enum: $enum) { values { value label } } }`, { lang, enum: name })).labels[0].values.find(
        (v: { value: string }) => v.value === value,
      ).label as string;
    const header = () => page.textContent('#children thead th[data-field="discipline.members"]');
    expect(await header()).toBe(await label('VI', 'HeadlineMetric', 'DISCIPLINED_MEMBERS'));
    await page.selectOption('#lang', 'en');
    await waitReady(page, 'QN|en');
    expect(await header()).toBe(await label('EN', 'HeadlineMetric', 'DISCIPLINED_MEMBERS'));
    expect(await header()).not.toBe(await label('VI', 'HeadlineMetric', 'DISCIPLINED_MEMBERS'));
    expect(await page.textContent('#unit-title')).toContain(await label('EN', 'Tier', 'PROVINCIAL'));
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await expectTableMatchesApi(page, 'QN', 'en-US');
    expect(new URL((await page.getAttribute('#csv', 'href'))!, base).searchParams.get('lang')).toBe('en');
    await page.screenshot({ path: path.join(DOCS, 'explorer-en.png'), fullPage: true });

    expect(foreign).toEqual([]);
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  test('with a token: refused without it, loads and downloads once it is pasted', async () => {
    const auth = testAuthConfig();
    const secured = await startServer(db.orm, createLogger('silent'), '127.0.0.1', 0, { verifier: await createVerifier(auth), rateLimitPerMinute: 0 });
    const securedBase = secured.url.replace(/\/graphql$/, '');
    const page = await browser.newPage({ viewport: { width: 1200, height: 800 }, acceptDownloads: true });
    try {
      await page.goto(`${securedBase}/explorer?code=QN&year=2023&asOf=${AS_OF}`);
      await page.waitForFunction(() => document.getElementById('status')!.classList.contains('error'), null, { timeout: 30_000 });
      expect(await page.textContent('#status')).toMatch(/Not authenticated/);

      const token = await signToken(auth, { subject: 'explorer-test', unit: 'QN', roles: [Role.ANALYST], expiresIn: '10m' });
      await page.click('.token summary');
      await page.fill('#token', token);
      await page.dispatchEvent('#token', 'change');
      await waitReady(page, 'QN|vi');
      expect(await page.evaluate(() => sessionStorage.getItem('kiemtra.token'))).toBe(token);
      expect(await page.textContent('#summary [data-metric=DISCIPLINED_MEMBERS] .value')).toBe('399');
      // A plain link cannot carry the token: the page fetches the file with it and saves the blob.
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#csv')]);
      expect(download.suggestedFilename()).toMatch(/Quảng Ninh.*\.csv$/);
      expect((await fs.promises.readFile((await download.path())!)).subarray(0, 3)).toEqual(BOM);
    } finally {
      await page.close();
      await secured.stop();
      fs.rmSync(path.dirname(auth.publicKeyFile!), { recursive: true, force: true });
    }
  });
});
