import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator } from 'playwright-core';
import { CLI_ACTOR } from '../server/src/platform/audit/audit.ts';
import { removeTmpFiles, tmpFile, uciLines, UCI_FILE } from '../server/src/modules/integrations/imports/uci.fixture.ts';
import { hasBrowser } from './browser.ts';
import { screenshots, startBrowserTest, visible as waitVisible, type BrowserTest } from './harness.ts';

// The RFM page in a real browser on real orders: the whole history of every fourth customer of the UCI
// Online Retail data (RFM_E2E_FULL=1 imports the whole file; RFM_SCREENSHOTS=dir saves what the browser shows).
let env: BrowserTest;
const EMAIL = 'rita@shop.test';
const PASSWORD = 'rita password 1';
const shot = screenshots(process.env.RFM_SCREENSHOTS);
const visible = (l: Locator) => waitVisible(l, 20_000);
const loggedIn = (width = 1440, height = 900) => env.loggedIn(EMAIL, PASSWORD, { width, height });

describe.skipIf(!hasBrowser)('RFM page in a real browser', () => {
  beforeAll(async () => {
    env = await startBrowserTest({ owner: { email: EMAIL, password: PASSWORD } });
    await env.api('PUT', '/api/settings/store', { currency: 'GBP', timeZone: 'Europe/London' });
    let file = UCI_FILE;
    if (!process.env.RFM_E2E_FULL) {
      const lines: string[] = [];
      for await (const line of uciLines()) {
        const customer = /,(\d+)(?:\.0)?,[^,]*$/.exec(line)?.[1];
        if (!lines.length || (customer && Number(customer) % 4 === 0)) lines.push(line);
      }
      file = tmpFile('uci-quarter.csv', lines.join('\n'));
    }
    await env.app.patron.modules.integrations.imports.service.runFile(CLI_ACTOR, file, { kind: 'orders', preset: 'uci', dryRun: false });
  }, 600_000);

  afterAll(async () => {
    removeTmpFiles();
    await env?.close();
  });

  it('computes the scores from the page, opens a cell’s customers and follows one to their profile', async () => {
    const page = await loggedIn();
    await page.getByRole('link', { name: 'RFM', exact: true }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'RFM analysis' }));
    // Nothing computed yet in this fresh store (the import only queued the job): compute from the page.
    await visible(page.getByText('No RFM scores yet'));
    await page.getByRole('button', { name: 'Recompute now' }).first().click();
    await visible(page.getByRole('grid', { name: 'Customers by recency and frequency score' }));
    await visible(page.getByText('RFM scores recomputed'));
    const scored = await env.app.patron.modules.rfm.service.overview();
    expect(scored.run!.customers).toBeGreaterThan(900);
    await visible(page.getByText(scored.run!.customers.toLocaleString('en-US'), { exact: true }).first());
    await shot(page, 'rfm-page');

    // The champions' cell: its customers open in a drawer, biggest spenders first.
    const champions = scored.cells.find((c) => c.r === 5 && c.f === 5)!;
    expect(champions.class).toBe('champions');
    await page.getByRole('gridcell', { name: /^R5 F5, Champions:/ }).click();
    const drawer = page.getByRole('dialog');
    await visible(drawer.getByText('R5 · F5 — Champions'));
    await visible(drawer.getByText(`${champions.customers.toLocaleString('en-US')} customers, biggest net spenders first`));
    const links = drawer.getByRole('link');
    await expect.poll(() => links.count(), { timeout: 15_000 }).toBeGreaterThan(Math.min(champions.customers, 50) - 1);
    await shot(page, 'rfm-cell-drawer');
    const top = await env.app.patron.modules.rfm.service.customers({ r: 5, f: 5 }, 1);
    const first = top.items[0]!;
    await drawer.getByRole('link', { name: first.name }).click();

    // The customer's 360° page shows their class and scores in the header.
    await visible(page.getByRole('heading', { level: 1, name: first.name }));
    await visible(page.getByText(`Champions · R5 F5 M${first.monetary}`));
    await shot(page, 'rfm-customer-badge');

    // Back to the page: a class opens its customers too, and the list exports as CSV.
    await page.goBack();
    await visible(drawer.getByText('R5 · F5 — Champions'));
    await page.keyboard.press('Escape');
    await page.getByRole('row', { name: /^At risk:/ }).click();
    await visible(page.getByRole('dialog', { name: /^At risk/ }));
    const exportLink = drawer.getByRole('link', { name: 'Export CSV' });
    expect(await exportLink.getAttribute('href')).toBe('/api/rfm/customers/export?class=at_risk');
    await shot(page, 'rfm-class-drawer');
  });

  it('fits a phone screen', async () => {
    const page = await loggedIn(390, 844);
    await page.goto(`${env.app.url}/segments/rfm`);
    await visible(page.getByRole('heading', { level: 1, name: 'RFM analysis' }));
    await visible(page.getByRole('grid', { name: 'Customers by recency and frequency score' }));
    await shot(page, 'rfm-phone');
  });
});
