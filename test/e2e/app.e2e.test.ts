import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, SCREENSHOT_DIR, startServe } from '../helpers/browser.ts';
import { mysqlUrl } from '../helpers/services.ts';
import { tempHome } from '../helpers/temp-home.ts';
import { FakeOpenAiServer } from '../fixtures/fake-openai-server.ts';

describe('the app in Chromium through web mode', () => {
  const home = tempHome();
  let serve: Awaited<ReturnType<typeof startServe>>;
  let browser: Awaited<ReturnType<typeof openBrowser>>;
  let page: Page;
  const pageErrors: string[] = [];
  const fake = new FakeOpenAiServer({ latencyMs: 50, chatChunkDelayMs: 15 });
  let reply = '';

  beforeAll(async () => {
    fake.configure({ chat: () => reply });
    await fake.start();
    serve = await startServe(home.dir);
    browser = await openBrowser();
    page = browser.page;
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(serve.url);
  });
  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    await fake.stop();
    home.cleanup();
  });

  const shot = (name: string) => page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`) });

  it('loads, removes the token from the address bar, and lists the demo tables', async () => {
    await page.waitForSelector('[data-table]');
    expect(page.url()).not.toContain('token=');
    await expect.poll(() => page.textContent('[data-testid="status-bar"]')).toMatch(/2\d\d tables/);
    expect(await page.textContent('.source-list')).toContain('Demo: Northwind Holdings');
    // the tree is virtualized: a few dozen rows in the DOM for 200+ tables
    const rendered = await page.locator('[data-testid="schema-tree"] [role="treeitem"]').count();
    expect(rendered).toBeGreaterThan(10);
    expect(rendered).toBeLessThan(80);
    await shot('01-demo-loaded');
  });

  it('filters the schema and opens a table with its columns, keys and relations', async () => {
    await page.keyboard.press('/');
    await page.keyboard.type('sls_rfnd');
    await page.waitForSelector('[data-table="sls_rfnd"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="table-detail"]');
    const columns = await page.textContent('[data-testid="columns-table"]');
    expect(columns).toContain('rfnd_amt');
    expect(columns).toContain('Refund amount in order currency');
    expect(await page.textContent('[data-testid="table-detail"]')).toContain('ref_cntry');
    await page.focus('[aria-label="Filter tables"]');
    await page.keyboard.press('ArrowRight');
    await page.waitForSelector('[data-testid="schema-tree"] [data-column="rfnd_amt"]');
    expect(await page.getAttribute('[data-testid="schema-tree"] [data-column="rfnd_amt"]', 'title')).toBe(
      'Refund amount in order currency',
    );
    await page.click('text=Sample 50 rows');
    await expect.poll(() => page.textContent('[data-testid="result-count"]')).toMatch(/50 rows/);
    await shot('02-table-detail');
  });

  it('refreshes the schema from the live database and reports the diff', async () => {
    await page.click('button:has-text("Refresh schema")');
    await expect
      .poll(() => page.textContent('[data-testid="toast"]').catch(() => ''))
      .toMatch(/Schema refreshed in \d+ ms \(6 catalog queries\): no change/);
  });

  it('runs SQL read-only, shows results in the grid, and shows a refused write plainly', async () => {
    await page.click('role=tab[name="SQL"]');
    await page.fill('[aria-label="SQL"]', 'SELECT * FROM sys_audit_log');
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => page.textContent('[data-testid="result-count"]')).toMatch(/1,000 rows \(more available\)/);
    const domRows = await page.locator('[data-testid="results-grid"] [role="row"]').count();
    expect(domRows).toBeLessThan(100);
    expect(await page.textContent('[data-testid="results-grid"]')).toContain('9007199254740993');
    await page.fill('[aria-label="SQL"]', 'DELETE FROM sys_audit_log');
    await page.keyboard.press('Control+Enter');
    const notice = page.locator('[data-testid="error-notice"]');
    await notice.waitFor();
    expect(await notice.textContent()).toMatch(/Blocked: read-only/);
    await shot('03-sql-refused');
  });

  it('highlights SQL and completes table and column names from the catalog', async () => {
    await page.waitForSelector('.sql-editor-host[data-completion="ready"]'); // the catalog's names have arrived
    await page.fill('[aria-label="SQL"]', '');
    await page.click('[aria-label="SQL"]');
    await page.keyboard.type('SELECT * FROM sls_rf');
    await page.keyboard.press('Control+Space');
    const completions = page.locator('.cm-tooltip-autocomplete');
    await completions.waitFor();
    expect(await completions.textContent()).toContain('sls_rfnd');
    await page.keyboard.press('Escape');
    await page.keyboard.type('nd WHERE sls_rfnd.rfnd_a');
    await page.keyboard.press('Control+Space');
    await expect.poll(() => completions.textContent().catch(() => '')).toContain('rfnd_amt');
    expect(
      await page
        .locator('[data-testid="sql-editor"] .tok-keyword, [data-testid="sql-editor"] span[class*="ͼ"]')
        .count(),
    ).toBeGreaterThan(0);
    await shot('03a-sql-completion');
    await page.keyboard.press('Escape');
  });

  it('pages with "load more" and keeps the history of what ran', async () => {
    await page.fill('[aria-label="SQL"]', 'SELECT * FROM sys_audit_log ORDER BY 1');
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => page.textContent('[data-testid="result-count"]')).toMatch(/^1,000 rows \(more available\)/);
    await page.click('button:has-text("Load more")');
    await expect.poll(() => page.textContent('[data-testid="result-count"]')).toMatch(/^1,500 rows ·/); // all of it, in two pages
    expect(await page.locator('[data-testid="results-grid"] [role="row"]').count()).toBeLessThan(100);
    await page.click('button:has-text("Export all rows")');
    await expect
      .poll(() => page.textContent('[data-testid="export-notice"]').catch(() => ''))
      .toMatch(/^Exported 1,500 rows \(\d+ KB\) to .*exports\/schemascope-.*\.csv\.$/);
    await page.click('button:has-text("History")');
    const history = await page.textContent('[data-testid="history-list"]');
    expect(history).toContain('SELECT * FROM sys_audit_log ORDER BY 1');
    expect(history).toContain('DELETE FROM sys_audit_log');
    expect(history).toContain('failed');
  });

  it('asks in plain words: context under the token bar, the streamed answer, a refused DROP, then a good query run', async () => {
    await page.click('role=tab[name="Ask"]');
    await page.fill('[aria-label="Question"]', 'total refund amount by country');
    await page.click('button:has-text("Context only")');
    await expect
      .poll(() => page.textContent('[data-testid="token-count"]'), { timeout: 10_000 })
      .toMatch(/^[\d,]+ \/ 6,000 tokens$/);
    expect(await page.textContent('[data-testid="context-tables"]')).toContain('sls_rfnd');
    // No model yet: asking still shows the context and says what is missing.
    await page.getByRole('button', { name: 'Ask', exact: true }).click();
    await expect
      .poll(() => page.textContent('[data-testid="ask-panel"]'), { timeout: 10_000 })
      .toMatch(/No language model is configured/);

    await page.click('.top-bar button:has-text("Settings")');
    await page.getByRole('dialog').getByLabel('Language model').fill('gpt-4o-mini');
    await page.getByRole('dialog').getByLabel('Base URL').fill(fake.url);
    await page.getByRole('dialog').getByLabel('API key').fill('sk-e2e-secret-key-000');
    await page.getByRole('dialog').getByLabel('Context budget (tokens)').fill('3000');
    await page.click('.dialog button:has-text("Save")');
    await page.getByRole('dialog').waitFor({ state: 'detached' });

    reply = 'Dropping it now.\n```sql\nDROP TABLE sls_rfnd\n```';
    await page.getByRole('button', { name: 'Ask', exact: true }).click();
    await page.waitForSelector('[data-testid="refusal"]', { timeout: 15_000 });
    expect(await page.textContent('[data-testid="refusal"]')).toMatch(/Not run:.*(DROP|read-only|write)/i);
    expect(await page.inputValue('textarea[aria-label="SQL to run"]')).toBe('DROP TABLE sls_rfnd');
    await expect.poll(() => page.textContent('[data-testid="token-count"]')).toMatch(/ \/ 3,000 tokens$/);

    reply =
      'Here is the query.\n```sql\nSELECT c.cntry_nm, SUM(r.rfnd_amt) AS total\nFROM sls_rfnd r JOIN ref_cntry c ON c.cntry_id = r.cntry_id\nGROUP BY c.cntry_nm ORDER BY total DESC\n```\nIt sums refunds per country.';
    fake.configure({ chatChunkDelayMs: 80 }); // slow enough to watch the answer stream in
    await page.getByRole('button', { name: 'Ask', exact: true }).click();
    await page.waitForSelector('[data-testid="stream"]'); // the answer streams in while the model writes
    await expect
      .poll(() => page.textContent('[data-testid="stream"]').catch(() => 'gone'), { timeout: 10_000 })
      .toMatch(/Here is the query|gone/);
    await expect
      .poll(() => page.inputValue('textarea[aria-label="SQL to run"]'), { timeout: 10_000 })
      .toContain('SUM(r.rfnd_amt)');
    expect(await page.locator('[data-testid="refusal"]').count()).toBe(0);
    await page.click('.ask-sql button:has-text("Run")');
    await expect.poll(() => page.textContent('[data-testid="result-count"]')).toMatch(/\d+ rows? ·/);
    expect(await page.textContent('[data-testid="results-grid"]')).toContain('cntry_nm');
    await shot('03b-ask');
    expect(await page.content()).not.toContain('sk-e2e-secret-key-000');
    // The run is in the history with its question.
    await page.click('role=tab[name="SQL"]');
    await page.click('button:has-text("History")');
    await expect
      .poll(() => page.textContent('[data-testid="history-list"]'), { timeout: 10_000 })
      .toContain('“total refund amount by country”');
  });

  it('indexes the demo database with the built-in provider, watching the progress bar reach 100 %, then searches by meaning', async () => {
    await page.click('role=tab[name="Search & index"]');
    await page.click('[data-testid="index-panel"] button:has-text("Index")');
    await expect
      .poll(() => page.textContent('[data-testid="index-percent"]').catch(() => ''), { timeout: 60_000 })
      .toBe('100%');
    // After the last item the run prepares the first search (the compact vector copy), then says done.
    await expect.poll(() => page.textContent('[data-testid="index-progress"]'), { timeout: 30_000 }).toMatch(/done/);
    expect(await page.textContent('[data-testid="index-progress"]')).toMatch(/0 failed/);
    await page.fill('[aria-label="Search by meaning"]', 'refunds by country');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="search-results"]');
    const results = await page.textContent('[data-testid="search-results"]');
    expect(results).toMatch(/rfnd/);
    await shot('04-index-and-search');
    await page.click('[data-testid="search-results"] tbody tr >> nth=0');
    await page.waitForSelector('[data-testid="table-detail"]');
    expect(await page.textContent('[data-testid="table-detail"] h1')).toMatch(/rfnd/);
  });

  it('shows memory and metrics with plausible numbers: the vector cache hit count rises on a second search', async () => {
    const cacheRow = () => page.locator('[data-testid="cache-table"] tr', { hasText: 'full vectors (demo)' });
    await page.click('role=tab[name="Memory"]');
    await page.waitForSelector('[data-testid="memory-panel"]');
    const numbers = await page.textContent('[data-testid="memory-numbers"]');
    expect(numbers).toMatch(/\d+(\.\d)? MB\s*heap used/);
    await cacheRow().waitFor();
    const hitsOf = async () => Number((await cacheRow().locator('td').nth(3).textContent()) ?? 'NaN');
    const before = await hitsOf();
    expect(before).toBeGreaterThanOrEqual(0);
    expect(await page.textContent('[data-testid="vector-table"]')).toMatch(
      /demo[\d,]+ items × 512 dims[\d.]+ [KM]B \/ 64\.0 MB/,
    );
    // The index's item ids, packed, beside the vectors' budget (not vectors, so outside it).
    expect(await page.textContent('[data-testid="vector-table"]')).toMatch(/ids [\d.]+ (B|KB|MB)/);
    await expect.poll(() => page.locator('[data-testid="memory-chart"] canvas').count()).toBeGreaterThan(0);

    await page.click('role=tab[name="Search & index"]');
    await page.fill('[aria-label="Search by meaning"]', 'refunds by country');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="search-results"]');
    await page.click('role=tab[name="Memory"]');
    await cacheRow().waitFor();
    await expect.poll(hitsOf).toBeGreaterThan(before);
    await shot('07-memory');

    await page.click('role=tab[name="Metrics"]');
    await page.waitForSelector('[data-testid="metrics-panel"]');
    const latency = page.locator('[data-testid="latency-table"] tr', { hasText: 'semantic search' });
    expect(Number(await latency.locator('td').nth(1).textContent())).toBeGreaterThanOrEqual(2);
    expect(await latency.locator('td').nth(3).textContent()).toMatch(/^\d+(\.\d)? ms$/);
    const queries = page.locator('[data-testid="latency-table"] tr', { hasText: 'SQL query' });
    expect(Number(await queries.locator('td').nth(1).textContent())).toBeGreaterThanOrEqual(3);
    expect(await page.textContent('[data-testid="pool-table"]')).toMatch(/demo\s*sqlite/);
    expect(await page.textContent('[data-testid="metrics-numbers"]')).toMatch(/\d+(\.\d)? ms\s*event-loop lag p99/);
    await expect.poll(() => page.textContent('[data-testid="status-memory"]')).toMatch(/heap \d+(\.\d)? MB · RSS \d+/);
    expect(await page.locator('[data-testid="rate-chart"] canvas').count()).toBeGreaterThan(0);
    expect(await page.textContent('[data-testid="rate-chart"]')).toContain('queries / min');
    await shot('08-metrics');
  });

  it('adds a MariaDB connection from the dialog and browses it; dark theme', async () => {
    await page.click('[aria-label="Add a connection"]');
    await page.getByRole('dialog').getByLabel('Name').fill('Warehouse W200');
    await page.getByRole('dialog').getByLabel('URL').fill(mysqlUrl('ss_w200'));
    await page.click('button:has-text("Test")');
    await expect.poll(() => page.textContent('.dialog')).toMatch(/Connected: MariaDB/);
    await page.click('button:has-text("Save")');
    await expect.poll(() => page.textContent('[data-testid="status-bar"]'), { timeout: 20_000 }).toMatch(/200 tables/);
    await page.click('[aria-label="Toggle theme"]');
    await shot('05-mariadb-dark');
  });

  it('shows a bad connection URL as a clear error in the dialog', async () => {
    await page.click('[aria-label="Add a connection"]');
    await page.getByRole('dialog').getByLabel('Name').fill('Broken');
    await page.getByRole('dialog').getByLabel('URL').fill('oracle://nowhere/db');
    await page.click('button:has-text("Save")');
    const notice = page.locator('.dialog [data-testid="error-notice"]');
    await notice.waitFor();
    expect(await notice.textContent()).toContain('Unknown database engine "oracle"');
    await shot('06-bad-url');
    await page.keyboard.press('Escape');
    expect(pageErrors).toEqual([]);
  });
});
