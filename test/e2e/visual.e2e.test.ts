import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Download, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../electron/engine/app/engine.ts';
import { openBrowser, SCREENSHOT_DIR, startServe } from '../helpers/browser.ts';
import { POSTGRES, postgresUrl } from '../helpers/services.ts';
import { TcpProxy } from '../helpers/tcp-proxy.ts';
import { tempHome } from '../helpers/temp-home.ts';
import { ensureShop, SHOP_DATABASE } from '../helpers/visual-shop.ts';
import { FakeOpenAiServer } from '../fixtures/fake-openai-server.ts';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Issue #15 in Chromium through web mode, on the real PostgreSQL: the plan before running (SQL panel and Ask),
 * relationship diagrams (a table's neighbours, an Ask context) with SVG and PNG export, charts of a 100,000-row
 * result, and what each does offline. Every step writes screenshots in both themes.
 */
describe('see the database: EXPLAIN, relationship diagrams and charts in Chromium', () => {
  const home = tempHome();
  const proxy = new TcpProxy(POSTGRES.host, POSTGRES.port);
  const fake = new FakeOpenAiServer({ latencyMs: 20, chatChunkDelayMs: 5 });
  let serve: Awaited<ReturnType<typeof startServe>>;
  let browser: Awaited<ReturnType<typeof openBrowser>>;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await ensureShop();
    await fake.start();
    const proxyPort = await proxy.start(0);
    // The sources exist before the app starts: the shop, and the same database behind a proxy that goes away later.
    const engine = createEngine({ home: home.dir, mode: 'cli' });
    const signal = new AbortController().signal;
    await engine.handlers['sources/add']({ name: 'Shop', url: postgresUrl(SHOP_DATABASE) }, { signal });
    const away = await engine.handlers['sources/add'](
      { name: 'Shop (gone away)', url: `postgres://postgres@127.0.0.1:${proxyPort}/${SHOP_DATABASE}` },
      { signal },
    );
    await engine.handlers['schema/refresh']({ sourceId: away.id }, { signal }); // cached while reachable
    await engine.close();
    await proxy.stop();
    serve = await startServe(home.dir);
    browser = await openBrowser();
    page = browser.page;
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(serve.url);
    await page.waitForSelector('.source-list');
  });
  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    await proxy.stop().catch(() => undefined);
    await fake.stop();
    home.cleanup();
  });

  /** One screenshot per theme: light first, then dark, and back to light. */
  const shots = async (name: string) => {
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}-light.png`) });
    await page.click('[aria-label="Toggle theme"]');
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}-dark.png`) });
    await page.click('[aria-label="Toggle theme"]');
  };
  const download = async (action: () => Promise<void>): Promise<{ name: string; bytes: Buffer }> => {
    const [file] = (await Promise.all([page.waitForEvent('download'), action()])) as [Download, void];
    return { name: file.suggestedFilename(), bytes: readFileSync((await file.path())!) };
  };
  const selectSource = async (name: string) => {
    await page
      .locator('.source-list [role="option"]', { has: page.locator(`.source-name:text-is("${name}")`) })
      .click();
    await expect
      .poll(() => page.locator('[data-testid="status-bar"] > span', { hasText: / tables$/ }).textContent(), {
        timeout: 20_000,
      })
      .toBe('3 tables');
    await expect.poll(() => page.textContent('[data-testid="status-bar"] > span >> nth=0')).toBe(name);
  };
  const openTable = async (name: string) => {
    await page.click('role=tab[name="Table"]');
    await page.fill('[aria-label="Filter tables"]', name);
    await page.waitForSelector(`[data-table="${name}"]`);
    await page.click(`[data-table="${name}"]`);
    await expect.poll(() => page.textContent('[data-testid="table-detail"] h1').catch(() => '')).toContain(name);
  };

  it('explains with Ctrl+Shift+Enter: a plan tree with estimates and the warnings, without running; a write refused', async () => {
    await selectSource('Shop');
    await page.click('role=tab[name="SQL"]');
    await page.fill(
      '[aria-label="SQL"]',
      'SELECT c.name, r.amount FROM customers c JOIN orders o ON o.customer_id = c.id JOIN refunds r ON r.order_id = o.id WHERE c.id = 42',
    );
    await page.keyboard.press('Control+Shift+Enter');
    const plan = page.locator('[data-testid="plan-view"]');
    await plan.waitFor();
    expect(await page.textContent('[data-testid="plan-warnings"]')).toMatch(/Join without an index on refunds/);
    const table = await plan.locator('table').textContent();
    expect(table).toMatch(/Hash Join/);
    expect(table).toMatch(/Seq Scan.*refunds/);
    expect(table).toContain('customers_pkey');
    expect(await plan.locator('.plan-header').textContent()).toMatch(
      /PostgreSQL estimates · planned in \d+ ms · not executed/,
    );
    expect(await page.locator('[data-testid="result-count"]').count()).toBe(0); // nothing ran

    await page.fill('[aria-label="SQL"]', 'SELECT id, amount FROM orders WHERE amount > 100');
    await page.click('.editor-toolbar button:has-text("Explain")');
    await expect
      .poll(() => page.textContent('[data-testid="plan-warnings"]'))
      .toMatch(/Full scan of orders \(~60,000 rows\)/);
    const scanRow = plan.locator('tr', { hasText: 'Seq Scan' });
    expect(Number((await scanRow.locator('td').nth(3).textContent())!.replace(/,/g, ''))).toBeGreaterThan(1000); // estimated rows
    expect(Number((await scanRow.locator('td').nth(4).textContent())!.replace(/,/g, ''))).toBeGreaterThan(0); // cost
    await shots('15-explain');

    await page.fill('[aria-label="SQL"]', 'DELETE FROM refunds');
    await page.keyboard.press('Control+Shift+Enter');
    await expect
      .poll(() => page.textContent('[data-testid="error-notice"]').catch(() => ''))
      .toMatch(/Blocked: read-only.*DELETE/);
    await page.fill('[aria-label="SQL"]', 'SELECT nothing_here FROM orders');
    await page.keyboard.press('Control+Shift+Enter');
    await expect.poll(() => page.textContent('[data-testid="error-notice"]').catch(() => '')).toMatch(/nothing_here/);
    await shots('15-explain-refused');
  });

  it('charts 100,000 rows: a line by time (bucketed, and says so), then bars by category, scatter sampled, PNG export', async () => {
    await page.getByLabel('Rows per page').selectOption('100000');
    await page.fill(
      '[aria-label="SQL"]',
      'SELECT o.placed_at, o.amount, o.status FROM orders o CROSS JOIN (VALUES (1), (2)) AS twice(k)',
    );
    await page.keyboard.press('Control+Enter');
    await expect
      .poll(() => page.textContent('[data-testid="result-count"]'), { timeout: 30_000 })
      .toMatch(/^100,000 rows \(more available\)/);
    await page.click('role=tab[name="Chart"]');
    const chart = page.locator('[data-testid="result-chart"]');
    await chart.locator('canvas').first().waitFor();
    expect(await page.getAttribute('.result-chart-canvas', 'data-chart-type')).toBe('line'); // time and a number
    const note = () => page.textContent('[data-testid="chart-note"]');
    expect(await note()).toMatch(
      /^Averaged 100,000 rows into [\d,]+ buckets of equal width\. Only the 100,000 loaded rows are charted; more exist\. Prepared in \d+ ms\.$/,
    );
    expect(Number(/Prepared in (\d+) ms/.exec((await note())!)![1])).toBeLessThan(1500);
    expect(Number(await page.getAttribute('.result-chart-canvas', 'data-points'))).toBeLessThanOrEqual(1000);
    await shots('15-chart-line');

    await page.selectOption('[aria-label="Chart type"]', 'bar');
    await page.selectOption('[aria-label="X column"]', { label: 'status (category)' });
    await expect.poll(note).toMatch(/^Aggregated 100,000 rows into 3 bars \(sum of amount\)\./);
    expect(await page.getAttribute('.result-chart-canvas', 'data-points')).toBe('3');
    await shots('15-chart-bar');

    await page.selectOption('[aria-label="Chart type"]', 'scatter');
    await page.selectOption('[aria-label="X column"]', { label: 'amount (number)' });
    await page.selectOption('[aria-label="Y column"]', { label: 'amount' });
    await expect.poll(note).toMatch(/^Sampled 5,000 of 100,000 rows, evenly spread\./);
    const png = await download(() => page.click('[data-testid="result-chart"] button:has-text("Export PNG")'));
    expect(png.name).toBe('schemascope-chart.png');
    expect(png.bytes.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(png.bytes.length).toBeGreaterThan(5_000);
  });

  it('draws a table with its neighbours: declared solid, inferred dashed and labelled; depth 2; click opens; SVG and PNG export', async () => {
    await openTable('refunds');
    await page.click('[data-testid="table-detail"] button:has-text("Diagram")');
    const diagram = page.locator('[data-testid="relation-diagram"]');
    await diagram.locator('svg.diagram-canvas[data-ready="true"]').waitFor();
    expect(await page.textContent('[data-testid="diagram-summary"]')).toMatch(
      /^2 tables · 0 declared, 1 inferred · schema of /,
    );
    const inferred = diagram.locator('[data-relation="inferred"] path');
    expect(await inferred.evaluate((element) => getComputedStyle(element).strokeDasharray)).toMatch(/5(px)?,? 4/);
    expect(await diagram.locator('[data-relation="inferred"] text').textContent()).toBe('inferred: order_id → id');

    await page.selectOption('[aria-label="Depth"]', '2');
    await expect
      .poll(() => page.textContent('[data-testid="diagram-summary"]'))
      .toMatch(/^3 tables · 1 declared, 1 inferred · schema of /);
    const declared = diagram.locator('[data-relation="declared"] path');
    expect(await declared.evaluate((element) => getComputedStyle(element).strokeDasharray)).toBe('none');
    expect(await diagram.locator('[data-relation="declared"] text').textContent()).toBe('customer_id → id');
    // pan and zoom change the view, not the picture
    const viewport = diagram.locator('[data-viewport]');
    const before = await viewport.getAttribute('transform');
    await diagram.locator('button[aria-label="Zoom in"]').click();
    const box = (await diagram.locator('svg.diagram-canvas').boundingBox())!;
    await page.mouse.move(box.x + 20, box.y + 20);
    await page.mouse.down();
    await page.mouse.move(box.x + 90, box.y + 60, { steps: 4 });
    await page.mouse.up();
    expect(await viewport.getAttribute('transform')).not.toBe(before);
    await diagram.locator('button:has-text("Fit")').click();
    await shots('15-diagram-table');

    const svg = await download(() => diagram.locator('button:has-text("Export SVG")').click());
    expect(svg.name).toBe('schemascope-relations.svg');
    const text = svg.bytes.toString('utf8');
    expect(text).toMatch(/^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    for (const name of ['customers', 'orders', 'refunds', 'inferred: order_id → id']) expect(text).toContain(name);
    expect(text).toMatch(/stroke-dasharray="5px?,? 4px?"/); // colours and dashes written in: the file stands alone
    expect(text).not.toContain('var(--');
    const png = await download(() => diagram.locator('button:has-text("Export PNG")').click());
    expect(png.name).toBe('schemascope-relations.png');
    expect(png.bytes.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);

    // the whole schema is never drawn, and a depth beyond two hops is refused with the reason, over the same API
    const refusals = await page.evaluate(async () => {
      const call = async (body: unknown) =>
        (await (
          await fetch('./api/schema/graph', {
            method: 'POST',
            headers: {
              'Content-Type': 'application/json',
              Authorization: `Bearer ${sessionStorage.getItem('schemascope-token') ?? ''}`,
            },
            body: JSON.stringify(body),
          })
        ).json()) as { ok: boolean; error?: { kind: string; message: string } };
      const sources = (await (
        await fetch('./api/sources/list', {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            Authorization: `Bearer ${sessionStorage.getItem('schemascope-token') ?? ''}`,
          },
          body: '{}',
        })
      ).json()) as { value: { sources: { id: string; name: string }[] } };
      const sourceId = sources.value.sources.find((source) => source.name === 'Shop')!.id;
      return [
        await call({ sourceId }),
        await call({ sourceId, focus: { schema: 'public', table: 'orders' }, depth: 3 }),
      ];
    });
    expect(refusals[0]).toMatchObject({
      ok: false,
      error: { kind: 'invalid_input', message: expect.stringMatching(/whole schema is never drawn/) },
    });
    expect(refusals[1]).toMatchObject({
      ok: false,
      error: { kind: 'invalid_input', message: expect.stringMatching(/1 or 2 hops/) },
    });

    await diagram.locator('[data-diagram-table="customers"]').click();
    await expect.poll(() => page.textContent('[data-testid="table-detail"] h1')).toContain('customers');
  });

  it('asks: the generated SQL shows its plan before it runs, and the context draws as a diagram', async () => {
    await page.click('.top-bar button:has-text("Settings")');
    await page.getByRole('dialog').getByLabel('Language model').fill('gpt-4o-mini');
    await page.getByRole('dialog').getByLabel('Base URL').fill(fake.url);
    await page.getByRole('dialog').getByLabel('API key').fill('sk-e2e-visual-000');
    await page.click('.dialog button:has-text("Save")');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    fake.configure({
      chat: () =>
        '```sql\nSELECT c.country, SUM(o.amount) AS total FROM orders o JOIN customers c ON c.id = o.customer_id GROUP BY c.country ORDER BY total DESC\n```',
    });

    await page.click('role=tab[name="Ask"]');
    await page.fill('[aria-label="Question"]', 'order amount by customer country');
    await page.getByRole('button', { name: 'Ask', exact: true }).click();
    const plan = page.locator('[data-testid="plan-view"]');
    await plan.waitFor({ timeout: 20_000 });
    expect(await plan.locator('.plan-header').textContent()).toMatch(/^Plan before running/);
    expect(await plan.locator('table').textContent()).toMatch(/Seq Scan.*orders/);
    expect(await page.locator('[data-testid="result-count"]').count()).toBe(0); // not run yet
    await page.click('button:has-text("Diagram of these")');
    const diagram = page.locator('[data-testid="relation-diagram"]');
    await diagram.locator('svg.diagram-canvas[data-ready="true"]').waitFor();
    expect(await diagram.locator('[data-diagram-table]').count()).toBeGreaterThanOrEqual(2);
    expect(await diagram.locator('[data-diagram-table="orders"]').count()).toBe(1);
    await shots('15-ask-plan-and-diagram');

    await page.click('.ask-sql button:has-text("Run")');
    await expect.poll(() => page.textContent('[data-testid="result-count"]')).toMatch(/^8 rows ·/);
    expect(await plan.count()).toBe(0);
    await page.click('role=tab[name="Chart"]');
    await page.locator('[data-testid="result-chart"] canvas').first().waitFor();
    expect(await page.getAttribute('.result-chart-canvas', 'data-chart-type')).toBe('bar'); // a category and a number
    expect(await page.textContent('[data-testid="chart-note"]')).toMatch(
      /^Aggregated 8 rows into 8 bars \(sum of total\)/,
    );
    await shots('15-ask-chart');
  });

  it('draws a hub of the 208-table demo scoped to 40 tables, readable (no overlaps, not shrunk to dots), the rest counted', async () => {
    await page
      .locator('.source-list [role="option"]', {
        has: page.locator('.source-name:text-is("Demo: Northwind Holdings")'),
      })
      .click();
    await expect
      .poll(() => page.locator('[data-testid="status-bar"] > span', { hasText: / tables$/ }).textContent(), {
        timeout: 20_000,
      })
      .toMatch(/^2\d\d tables$/);
    await openTable('inv_itm');
    await page.click('[data-testid="table-detail"] button:has-text("Diagram")');
    const diagram = page.locator('[data-testid="relation-diagram"]');
    await diagram.locator('svg.diagram-canvas[data-ready="true"]').waitFor({ timeout: 20_000 });
    expect(await page.textContent('[data-testid="diagram-summary"]')).toMatch(
      /^40 tables · \d+ declared, \d+ inferred · \d+ more neighbours not drawn \(limit 40\)/,
    );
    expect(await diagram.locator('[data-diagram-table]').count()).toBe(40);
    expect(Number(await diagram.locator('svg.diagram-canvas').getAttribute('data-layout-ms'))).toBeLessThan(10_000);
    expect(await diagram.locator('svg.diagram-canvas').getAttribute('data-layout-in')).toBe('worker'); // the window stays responsive meanwhile
    const boxes = await diagram
      .locator('[data-diagram-table] rect.table-box')
      .evaluateAll((rects) =>
        rects.map((rect) => rect.getBoundingClientRect()).map(({ x, y, width, height }) => ({ x, y, width, height })),
      );
    const overlapping = boxes.filter((a, i) =>
      boxes.some(
        (b, j) => j > i && a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height,
      ),
    );
    expect(overlapping).toEqual([]);
    const scale = Number(
      /scale\(([\d.]+)\)/.exec((await diagram.locator('[data-viewport]').getAttribute('transform'))!)![1],
    );
    expect(scale).toBeGreaterThanOrEqual(0.6);
    await shots('15-diagram-hub');
    await diagram.locator('button:has-text("Draw up to 150")').click(); // more only when asked, and still scoped
    await expect
      .poll(() => page.textContent('[data-testid="diagram-summary"]'), { timeout: 20_000 })
      .toMatch(/^53 tables · \d+ declared, \d+ inferred · schema of /); // all of its 52 neighbours, none left out
    expect(await diagram.locator('[data-diagram-table]').count()).toBe(53);
  });

  it('offline: EXPLAIN says it needs the database; the diagram draws from the cached snapshot and says so', async () => {
    await selectSource('Shop (gone away)');
    await page.click('button:has-text("Refresh schema")'); // the database is gone: the app says so and keeps the cache
    await expect
      .poll(() => page.textContent('[data-testid="status-bar"]'), { timeout: 20_000 })
      .toContain('offline (cached)');
    await page.click('role=tab[name="SQL"]');
    await page.fill('[aria-label="SQL"]', 'SELECT * FROM orders');
    await page.keyboard.press('Control+Shift+Enter');
    await expect
      .poll(() => page.locator('[data-testid="error-notice"]').allTextContents(), { timeout: 20_000 })
      .toContainEqual(expect.stringMatching(/EXPLAIN needs the live database/));
    await shots('15-offline-explain');
    await openTable('orders');
    await page.click('[data-testid="table-detail"] button:has-text("Diagram")');
    const diagram = page.locator('[data-testid="relation-diagram"]');
    await diagram.locator('svg.diagram-canvas[data-ready="true"]').waitFor({ timeout: 20_000 });
    expect(await page.textContent('[data-testid="diagram-summary"]')).toMatch(
      /^3 tables · 1 declared, 1 inferred · offline: cached snapshot of /,
    );
    await shots('15-offline-diagram');
    expect(pageErrors).toEqual([]);
  });
});
