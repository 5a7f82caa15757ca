/**
 * GraphiQL in a real headless Chromium (Debian's /usr/bin/chromium driven by playwright-core): the page loads from
 * the server's own files with no request leaving the machine, shows the example rollup query, runs it, and shows
 * Vietnamese names intact; the persisted queries of queries/ open as the next tabs and run with their defaults. .ci/run installs Chromium and sets KIEMTRA_REQUIRE_BROWSER=1, so CI never skips this;
 * on a machine without Chromium the test says so and is skipped.
 */
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { describeInBrowser, launchChromium } from './browser';
import { parse, type OperationDefinitionNode } from 'graphql';
import { persistedQueries } from '../src/graphiql';
import { createLogger } from '../src/logger';
import { startServer, type RunningServer } from '../src/server';
import { createTestDb, seedReference, type TestDb } from './harness';

const maybe = describeInBrowser('GraphiQL');

maybe('GraphiQL in headless Chromium', () => {
  let db: TestDb;
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    db = await createTestDb();
    await seedReference(db.orm);
    server = await startServer(db.orm, createLogger('silent'), '127.0.0.1', 0);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await db?.close();
  });

  test('loads offline, runs the example query and shows the province', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const foreign: string[] = [];
    page.on('request', (req) => {
      if (!req.url().startsWith(server.url.replace(/\/graphql$/, '')) && !req.url().startsWith('data:')) foreign.push(req.url());
    });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(server.url);
    await page.waitForSelector('.graphiql-container', { timeout: 30_000 });
    await page.waitForFunction(() => document.querySelector('.graphiql-query-editor')?.textContent?.includes('ProvinceRollup'), null, { timeout: 30_000 });
    await page.click('.graphiql-execute-button');
    await page.waitForFunction(() => document.querySelector('.graphiql-response')?.textContent?.includes('Đảng bộ tỉnh Quảng Ninh'), null, { timeout: 30_000 });
    const response = await page.textContent('.graphiql-response');
    // CodeMirror renders only the visible lines of the response: check the first figures.
    expect(response).toContain('"directives": 22');
    expect(response).toContain('"guidance": 21');
    expect(response).toContain('"descendantCount": 5687');
    await page.screenshot({ path: path.join(os.tmpdir(), 'kiemtra-graphiql.png') });

    // The persisted queries follow the example, one tab each, titled by their operation names.
    const persisted = persistedQueries();
    const names = persisted.map((q) => (parse(q.query).definitions[0] as OperationDefinitionNode).name!.value);
    expect(names.length).toBeGreaterThanOrEqual(3);
    const titles = await page.$$eval('.graphiql-tab .graphiql-tab-button', (buttons) => buttons.map((b) => b.textContent?.trim()));
    expect(titles).toEqual(['ProvinceRollup', ...names]);
    // One of them runs as is, with the default variables GraphiQL put in its Variables pane.
    await page.click(`.graphiql-tab:nth-child(${names.indexOf('DisciplineByCategoryPerDistrict') + 2}) .graphiql-tab-button`);
    // GraphiQL takes the operation's name from the editor 100 ms after its text changes (a run before that would ask
    // for the previous tab's operation), and stores it when it does.
    await page.waitForFunction(() => localStorage.getItem('graphiql:operationName') === 'DisciplineByCategoryPerDistrict', null, { timeout: 30_000 });
    await page.click('.graphiql-execute-button');
    await page.waitForFunction(() => document.querySelector('.graphiql-response')?.textContent?.includes('"byCategory"'), null, { timeout: 30_000 });
    expect(await page.textContent('.graphiql-response')).toContain('"total": 399');
    expect(foreign).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
