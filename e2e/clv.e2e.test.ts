import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator } from 'playwright-core';
import { CLI_ACTOR } from '../server/src/platform/audit/audit.ts';
import { CDNOW_DIR } from '../server/src/modules/integrations/imports/uci.fixture.ts';
import { hasBrowser } from './browser.ts';
import { screenshots, startBrowserTest, visible as waitVisible, type BrowserTest } from './harness.ts';

// The lifetime-value page in a real browser on the papers' CDNOW sample (CLV_SCREENSHOTS=dir saves what it shows).
let env: BrowserTest;
const EMAIL = 'cleo@shop.test';
const PASSWORD = 'cleo password 1';
const shot = screenshots(process.env.CLV_SCREENSHOTS);
const visible = (l: Locator) => waitVisible(l, 20_000);

describe.skipIf(!hasBrowser)('Lifetime value & churn page in a real browser', () => {
  beforeAll(async () => {
    env = await startBrowserTest({ owner: { email: EMAIL, password: PASSWORD } });
    await env.app.patron.modules.integrations.imports.service.runFile(CLI_ACTOR, path.join(CDNOW_DIR, 'CDNOW_sample.txt'), { kind: 'orders', preset: 'cdnow', dryRun: false });
  }, 300_000);

  afterAll(async () => env?.close());

  it('fits from the page, checks the model against a holdout and shows a customer’s predictions', async () => {
    const page = await env.loggedIn(EMAIL, PASSWORD, { width: 1440, height: 2300 });
    await page.getByRole('link', { name: 'Lifetime value & churn' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Lifetime value & churn' }));
    await visible(page.getByText('No model yet'));
    await page.getByRole('button', { name: 'Fit the models' }).click();
    await visible(page.getByText('Purchase model (BG/NBD)'));
    await visible(page.getByText('Spend model (Gamma-Gamma)'));
    await visible(page.getByRole('cell', { name: '2,357' }).or(page.getByText('2,357', { exact: true })).first());

    // The papers' split: calibration to 1997-09-30, the 39 weeks after it as the holdout.
    await page.getByLabel('Calibration ends').fill('1997-09-30');
    await page.getByRole('button', { name: 'Run the check' }).click();
    await visible(page.getByText('Repeat purchases over time'));
    await visible(page.getByText(/holdout of 273 days/));
    const ev = (await env.app.patron.modules.predict.clv.service.overview()).evaluation!;
    expect(ev.bgnbd!.params.r).toBeCloseTo(0.243, 3);
    await page.waitForTimeout(500);
    // The viewport, not the full page: fixed header and navigation would be painted mid-page otherwise.
    await shot(page, 'clv-page', false);

    // The customer with the highest predicted value: their Predictions tab explains each figure.
    const top = await env.app.patron.modules.predict.clv.service.top(1);
    await page.getByRole('link', { name: top.items[0]!.name }).first().click();
    await page.getByRole('tab', { name: /Predictions/ }).click();
    await visible(page.getByText('Probability still active'));
    await visible(page.getByText(/Predicted value, next 12 months/));
    await shot(page, 'clv-customer-tab', false);
  });

  it('fits a phone screen', async () => {
    const page = await env.loggedIn(EMAIL, PASSWORD, { width: 390, height: 844 });
    await page.goto(`${env.app.url}/predict/clv`);
    await visible(page.getByRole('heading', { level: 1, name: 'Lifetime value & churn' }));
    await visible(page.getByText('Purchase model (BG/NBD)'));
    await shot(page, 'clv-phone', false);
  });
});
