import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, SCREENSHOT_DIR, startServe } from '../helpers/browser.ts';
import { tempHome } from '../helpers/temp-home.ts';
import { FakeOpenAiServer } from '../fixtures/fake-openai-server.ts';

describe('team knowledge in the app (Chromium, web mode)', () => {
  const home = tempHome();
  let serve: Awaited<ReturnType<typeof startServe>>;
  let browser: Awaited<ReturnType<typeof openBrowser>>;
  let page: Page;
  const pageErrors: string[] = [];
  const fake = new FakeOpenAiServer({ latencyMs: 20, chatChunkDelayMs: 5 });
  const sql = 'SELECT r.cntry_id, sum(r.rfnd_amt) AS refunds FROM sls_rfnd r GROUP BY r.cntry_id';

  beforeAll(async () => {
    fake.configure({ chat: () => `\`\`\`sql\n${sql}\n\`\`\`` });
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

  it('writes notes inline in Table detail, with the keyboard', async () => {
    await page.waitForSelector('[data-table]');
    await page.keyboard.press('/');
    await page.keyboard.type('sls_rfnd');
    await page.waitForSelector('[data-table="sls_rfnd"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="table-detail"]');
    await page.focus('[aria-label="Add a note on sls_rfnd.rfnd_amt"]');
    await page.keyboard.press('Enter');
    await page.keyboard.type('Refund in the currency of the order; convert with fin_ccy_rt');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[aria-label="Edit the note on sls_rfnd.rfnd_amt"]');
    expect(await page.textContent('[data-testid="columns-table"]')).toContain(
      'Refund in the currency of the order; convert with fin_ccy_rt',
    );
    await page.click('[aria-label="Add a note on sls_rfnd"]');
    await page.fill('[aria-label="Note on sls_rfnd"]', 'One row per refund paid; partial refunds are separate rows');
    await page.click('[data-testid="table-note"] button:has-text("Save")');
    await page.waitForSelector('[aria-label="Edit the note on sls_rfnd"]');
    // Escape leaves a note unchanged.
    await page.click('[aria-label="Edit the note on sls_rfnd"]');
    await page.keyboard.type(' (draft)');
    await page.keyboard.press('Escape');
    expect(await page.textContent('[data-testid="table-note"]')).toContain('partial refunds are separate rows');
    expect(await page.textContent('[data-testid="table-note"]')).not.toContain('(draft)');
    await shot('knowledge-01-notes-inline');
  });

  it('marks an Ask result good: it becomes an example, listed, edited and used by the next question', async () => {
    await page.click('.top-bar button:has-text("Settings")');
    await page.getByRole('dialog').getByLabel('Language model').fill('gpt-4o-mini');
    await page.getByRole('dialog').getByLabel('Base URL').fill(fake.url);
    await page.click('.dialog button:has-text("Save")');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await page.click('role=tab[name="Ask"]');
    await page.fill('[aria-label="Question"]', 'refunds per country');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.inputValue('[aria-label="SQL to run"]'), { timeout: 15_000 }).toBe(sql);
    await page.click('role=button[name="✓ Mark good"]');
    await expect
      .poll(() => page.textContent('[data-testid="kept"]').catch(() => ''), { timeout: 10_000 })
      .toMatch(/Kept as example #\d+ \(sls_rfnd\)/);
    // The next related question carries it in its context.
    await page.fill('[aria-label="Question"]', 'which country had the most refunds?');
    await page.keyboard.press('Shift+Enter');
    await expect
      .poll(() => page.textContent('[data-testid="context-knowledge"]').catch(() => ''), { timeout: 10_000 })
      .toMatch(/Team knowledge: 1 example/);

    await page.keyboard.press('Alt+7');
    await page.waitForSelector('[data-testid="knowledge-panel"]');
    await expect
      .poll(() => page.textContent('[data-testid="examples-list"]'), { timeout: 10_000 })
      .toContain('refunds per country');
    expect(await page.textContent('[data-testid="notes-list"]')).toContain('sls_rfnd.rfnd_amt');
    await page.click('role=button[name="Edit the example refunds per country"]');
    await page.fill('[aria-label="Example question"]', 'total refunds per country');
    await page.click('[data-testid="examples-list"] button:has-text("Save")');
    await expect
      .poll(() => page.textContent('[data-testid="examples-list"]'), { timeout: 10_000 })
      .toContain('total refunds per country');
    // Offline search over notes, terms and examples.
    await page.fill('[aria-label="Search team knowledge"]', 'partial');
    await expect
      .poll(() => page.locator('[data-testid="notes-list"] li').allTextContents(), { timeout: 10_000 })
      .toEqual(['sls_rfnd One row per refund paid; partial refunds are separate rows']);
    await page.fill('[aria-label="Search team knowledge"]', '');
  });

  it('adds a glossary term linked to tables, exports a pack and imports it again with its diff; a bad pack is refused', async () => {
    await page.fill('[aria-label="Term"]', 'churned');
    await page.fill('[aria-label="Definition"]', 'Customers without an order in 90 days');
    await page.fill('[aria-label="Linked tables and columns"]', 'sls_cust, sls_ord_hdr.ord_dt');
    await page.click('role=button[name="Add term"]');
    await expect
      .poll(() => page.textContent('[data-testid="glossary-list"]'), { timeout: 10_000 })
      .toContain('sls_ord_hdr.ord_dt');
    await page.fill('[aria-label="Linked tables and columns"]', 'sls_cust.nope');
    await page.fill('[aria-label="Term"]', 'x');
    await page.fill('[aria-label="Definition"]', 'y');
    await page.click('role=button[name="Add term"]');
    await expect
      .poll(() => page.textContent('[data-testid="error-notice"]').catch(() => ''), { timeout: 10_000 })
      .toMatch(/No table or column "sls_cust\.nope"/);
    await page.click('[data-testid="error-notice"] [aria-label="Dismiss"]');

    await page.click('role=button[name="Export pack"]');
    await page.waitForSelector('[data-testid="pack-exported"]');
    const exported = (await page.textContent('[data-testid="pack-exported"] .mono'))!;
    expect(exported.startsWith(path.join(home.dir, 'packs'))).toBe(true);
    expect(await page.textContent('[data-testid="pack-exported"]')).toMatch(/2 notes, 1 term, 1 example/);
    await page.setInputFiles('[aria-label="Schema pack file"]', exported);
    await page.waitForSelector('[data-testid="pack-imported"]');
    expect(await page.textContent('[data-testid="pack-diff"]')).toMatch(
      /Against the snapshot there: no change, 2\d\d unchanged/,
    );

    const bad = path.join(home.dir, 'bad.sspack');
    writeFileSync(bad, readFileSync(exported, 'utf8').replace('partial refunds', 'partial refundz'));
    await page.setInputFiles('[aria-label="Schema pack file"]', bad);
    await expect
      .poll(() => page.textContent('[data-testid="error-notice"]').catch(() => ''), { timeout: 10_000 })
      .toMatch(/The pack is refused: its checksum does not match/);
    await page.click('[aria-label="Toggle theme"]');
    await shot('knowledge-02-panel-dark');
    expect(pageErrors).toEqual([]);
  });
});
