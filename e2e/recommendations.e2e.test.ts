import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator } from 'playwright-core';
import { sql } from 'kysely';
import { CLI_ACTOR } from '../server/src/platform/audit/audit.ts';
import { removeTmpFiles, tmpFile, uciLines } from '../server/src/modules/integrations/imports/uci.fixture.ts';
import { hasBrowser } from './browser.ts';
import { screenshots, startBrowserTest, visible as waitVisible, type BrowserTest } from './harness.ts';

// Product recommendations in a real browser on real orders: every eighth customer of the UCI Online
// Retail data (RECS_SCREENSHOTS=dir saves what the browser shows).
let env: BrowserTest;
const EMAIL = 'rex@shop.test';
const PASSWORD = 'rex password 1';
const shot = screenshots(process.env.RECS_SCREENSHOTS);
const visible = (l: Locator) => waitVisible(l, 20_000);

describe.skipIf(!hasBrowser)('recommendations in a real browser', () => {
  beforeAll(async () => {
    env = await startBrowserTest({ owner: { email: EMAIL, password: PASSWORD } });
    await env.api('PUT', '/api/settings/store', { currency: 'GBP', timeZone: 'Europe/London' });
    const lines: string[] = [];
    for await (const line of uciLines()) {
      const customer = /,(\d+)(?:\.0)?,[^,]*$/.exec(line)?.[1];
      if (!lines.length || (customer && Number(customer) % 8 === 0)) lines.push(line);
    }
    await env.app.patron.modules.integrations.imports.service.runFile(CLI_ACTOR, tmpFile('uci-eighth.csv', lines.join('\n')), { kind: 'orders', preset: 'uci', dryRun: false });
  }, 600_000);

  afterAll(async () => {
    removeTmpFiles();
    await env?.close();
  });

  it('shows the model page, a customer’s recommendations and a product’s companions', async () => {
    const m = await env.app.patron.modules.predict.recs.service.build('manual');
    expect(m.status).toBe('built');
    expect(m.evaluation).not.toBeNull();
    const page = await env.loggedIn(EMAIL, PASSWORD, { width: 1440, height: 900 });

    await page.getByRole('link', { name: 'Recommendations', exact: true }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Product recommendations' }));
    await visible(page.getByText('How good are they?'));
    await visible(page.getByText('Patron recommender').first());
    await shot(page, 'recs-model');

    // A customer with a few orders: their 360° page, Recommended tab (a mix of buy-again and similar).
    const db = env.app.patron.dbh.db;
    const candidates = (await sql<{ id: string }>`select id from customers where order_count between 3 and 6 order by order_count desc, id limit 20`.execute(db)).rows.map((r) => r.id);
    let customer = candidates[0]!;
    for (const id of candidates) {
      const list = await env.app.patron.modules.predict.recs.service.forCustomer(id, 12);
      if (list.items.some((i) => i.reason === 'similar') && list.items.some((i) => i.reason === 'buy-again')) {
        customer = id;
        break;
      }
    }
    await page.goto(`${env.app.url}/customers/${customer}`);
    await page.getByRole('tab', { name: /Recommended/ }).click();
    await visible(page.getByText('What this customer is most likely to buy next', { exact: false }));
    const cards = page.getByRole('tabpanel').getByRole('link');
    await expect.poll(() => cards.count(), { timeout: 15_000 }).toBeGreaterThan(5);
    await shot(page, 'recs-customer');

    // The product bought with the most others: its page shows what goes with it.
    const product = (await sql<{ id: string }>`select product_id as id from recs_items order by cardinality(fbt_ids) desc, product_id limit 1`.execute(db)).rows[0]!.id;
    await page.goto(`${env.app.url}/products/${product}`);
    await visible(page.getByRole('heading', { name: 'Often bought together' }));
    await visible(page.getByRole('heading', { name: 'Similar products' }));
    await shot(page, 'recs-product');
    // The build with its backtest and three pages: generous on a busy CI machine.
  }, 120_000);
});
