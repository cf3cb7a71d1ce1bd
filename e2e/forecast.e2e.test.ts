import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ACTOR } from '../server/src/platform/audit/audit.ts';
import { removeTmpFiles, tmpFile } from '../server/src/modules/integrations/imports/uci.fixture.ts';
import { uciLinesOf, uciRankedProducts } from '../server/src/modules/predict/forecast.fixture.ts';
import { hasBrowser } from './browser.ts';
import { DOCS_SCREENSHOTS, screenshots, startBrowserTest, visible, type BrowserTest } from './harness.ts';

// The demand forecast page on a year of real sales (every line of 10 UCI Online Retail products, cut at test
// time by forecast.fixture.ts): the store chart with its interval band and backtest, the accuracy table, stock levels pasted as CSV
// with one unknown SKU (refused, then saved without it), the products flagged as running short, a product's
// series picked from the table, and the forecast card on the product page. PATRON_SCREENSHOTS=1 saves the pages.
const shot = screenshots(DOCS_SCREENSHOTS);
let env: BrowserTest;
let top: string[] = [];

describe.skipIf(!hasBrowser)('demand forecast in a real browser', () => {
  beforeAll(async () => {
    env = await startBrowserTest({ owner: { email: 'owner@shop.test', password: 'owner password 1' } });
    // Ranks 101–110 by order lines: products selling nearly every week, 6,900 lines to import (the top 10 have 17,200).
    top = uciRankedProducts().slice(100, 110);
    const lines = uciLinesOf(top);
    await env.api('PUT', '/api/settings/store', { currency: 'GBP', timeZone: 'Europe/London' });
    const { app } = env;
    await app.patron.modules.integrations.imports.service.runFile(CLI_ACTOR, tmpFile('uci-forecast.csv', lines.join('\n')), { kind: 'orders', preset: 'uci', dryRun: false });
    await sql`update products set categories = case when title ilike '%bag%' then array['Bags'] else array['Home decor'] end`.execute(app.patron.dbh.db);
    await app.patron.modules.predict.forecast.service.compute('test', 12);
  }, 120_000);

  afterAll(async () => {
    removeTmpFiles();
    await env?.close();
  });

  it('shows the forecast and its accuracy, takes stock levels as CSV and flags what will run short', async () => {
    const page = await env.loggedIn('owner@shop.test', 'owner password 1', { width: 1400, height: 1000 });
    await page.getByRole('link', { name: 'Demand forecast' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Demand forecast' }));
    await visible(page.getByTestId('forecast-chart'));
    await visible(page.getByText('Accuracy on the last 8 weeks'));
    await visible(page.getByText('No stock levels yet'));
    await page.getByRole('switch', { name: 'Show backtest' }).check({ force: true });
    await visible(page.getByText('Naive baseline').first());

    // Stock levels: the first product nearly out, the second plenty, one SKU that is not a product.
    await page.getByRole('button', { name: 'Upload stock levels' }).click();
    await page.getByLabel('…or paste it').fill(`sku,quantity,lead_time_weeks\n${top[0]},5,3\n${top[1]},100000\nNOT-A-SKU,7\n${top[2]},-3`);
    await visible(page.getByText('with problems (not sent)'));
    await page.getByRole('button', { name: /^Save 3 stock levels/ }).click();
    await visible(page.getByText('Some SKUs match no product'));
    await visible(page.getByText('no product has SKU “NOT-A-SKU”', { exact: false }));
    await shot(page, 'forecast-stock-upload', false);
    await page.getByRole('button', { name: 'Save the others, skip these' }).click();
    await visible(page.getByText('Products likely to run short'));
    const flagged = page.locator('table').filter({ hasText: 'Demand in lead time' });
    await visible(flagged.getByText('Will run short').or(flagged.getByText('At risk')).first());
    expect(await flagged.locator('tbody tr').count()).toBe(1);
    await page.getByText(/^Saved stock levels of 2 products/).waitFor({ state: 'hidden', timeout: 15_000 });
    await shot(page, 'forecast');

    // Category switch, then a product picked from the table.
    await page.getByText('Category', { exact: true }).click();
    await visible(page.getByRole('heading', { level: 2, name: 'Bags' }).or(page.getByRole('heading', { level: 2, name: 'Home decor' })));
    await flagged.locator('tbody tr').first().click();
    const productLink = page.locator('h2 a').first();
    await visible(productLink);
    await shot(page, 'forecast-product', false);

    // The product page's card.
    await productLink.click();
    await visible(page.getByTestId('product-forecast'));
    await visible(page.getByTestId('product-forecast').getByText(/units expected in the next 12 weeks/));
    await visible(page.getByTestId('product-forecast').getByText('Will run short').or(page.getByTestId('product-forecast').getByText('At risk')).or(page.getByTestId('product-forecast').getByText('Out of stock')));
    await shot(page, 'forecast-product-card');

    // A phone: the page stacks, nothing overflows the viewport.
    const phone = await env.loggedIn('owner@shop.test', 'owner password 1', { width: 390, height: 844 });
    await phone.goto(`${env.app.url}/predict/forecast`);
    await visible(phone.getByTestId('forecast-chart'));
    await shot(phone, 'forecast-mobile');
    // The server's tsconfig has no DOM lib: read the page's width through the element itself.
    expect(await phone.locator('html').evaluate((el) => (el as unknown as { scrollWidth: number }).scrollWidth)).toBeLessThanOrEqual(390);
  }, 120_000);
});
