import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, SCREENSHOT_DIR, startServe } from '../helpers/browser.ts';
import { connectStdio } from '../helpers/mcp-client.ts';
import { tempHome } from '../helpers/temp-home.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DEMO = 'Demo: Northwind Holdings';

describe('Settings shows the MCP command of each source, and that command serves it', () => {
  const home = tempHome('schemascope-mcp-e2e-');
  let serve: Awaited<ReturnType<typeof startServe>>;
  let browser: Awaited<ReturnType<typeof openBrowser>>;
  let page: Page;

  beforeAll(async () => {
    serve = await startServe(home.dir);
    browser = await openBrowser();
    page = browser.page;
    await page.goto(serve.url);
  });
  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    home.cleanup();
  });

  it('lists the command to copy for the demo source', async () => {
    await page.waitForSelector('[data-table]');
    await page.click('.top-bar button:has-text("Settings")');
    const field = page.getByLabel(`MCP command for ${DEMO}`);
    await field.waitFor();
    const command = await field.inputValue();
    expect(command).toBe(`node ${path.join(root, 'bin', 'schemascope.mjs')} mcp --home ${home.dir} --source '${DEMO}'`);
    await page.locator(`[data-source="${DEMO}"] button:has-text("Copy")`).click();
    await page.getByRole('dialog').screenshot({ path: path.join(SCREENSHOT_DIR, 'mcp-settings-command.png') });

    // The command as shown, run the way an AI client runs it, serves that source.
    const args = [path.join(root, 'bin', 'schemascope.mjs'), 'mcp', '--home', home.dir, '--source', DEMO];
    expect(command).toBe(['node', ...args].map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg}'`)).join(' '));
    const session = await connectStdio(args.slice(2));
    try {
      const listed = await session.call('list_sources');
      expect(listed.text).toMatch(new RegExp(`^1 source\\(s\\)[\\s\\S]*"${DEMO}": sqlite, \\d+ tables`));
      const found = await session.call('search_schema', { text: 'refunds by country' });
      expect(found.text).toMatch(/\n[12]\. sls_rfnd /);
    } finally {
      await session.close();
    }
  });
});
