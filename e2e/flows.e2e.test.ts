import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ACTOR } from '../server/src/platform/audit/audit.ts';
import { hasBrowser } from './browser.ts';
import { firstInvoices, orderBody } from './data.ts';
import { screenshots, startBrowserTest, visible, type BrowserTest } from './harness.ts';

// The abandoned-cart flow switched on from the gallery in a real browser; a real customer (the UCI
// Online Retail data) starts a checkout, and the editor shows them waiting on the first step.
// PATRON_E2E_SCREENSHOTS=<dir> saves the pages there.
let env: BrowserTest;
const EMAIL = 'flo@shop.test';
const PASSWORD = 'flo password 1';
const SHOTS = process.env.PATRON_E2E_SCREENSHOTS;
const shot = screenshots(SHOTS);

describe.skipIf(!hasBrowser)('flows in a real browser', () => {
  beforeAll(async () => {
    env = await startBrowserTest({ owner: { email: EMAIL, password: PASSWORD } });
    await env.api('PUT', '/api/settings/store', { currency: 'GBP', timeZone: 'Europe/London' });
    for (const inv of await firstInvoices(12)) await env.api('POST', '/api/orders', orderBody(inv));
  });

  afterAll(() => env?.close());

  it('switches the abandoned-cart flow on from the gallery; a started checkout shows waiting on its first step', async () => {
    const { app, api } = env;
    const page = await env.loggedIn(EMAIL, PASSWORD, { width: 1440, height: 1000 });

    await page.getByRole('link', { name: 'Flows', exact: true }).click();
    await visible(page.getByText('No flows yet'));
    await page.getByRole('tab', { name: 'Ready-made' }).click();
    const card = page.getByTestId('gallery-abandoned-cart');
    await visible(card);
    await shot(page, 'flows-gallery');
    await card.getByRole('button', { name: 'Switch on' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Abandoned cart' }));
    await visible(page.getByTestId('flow-status').getByText('Live'));
    await visible(page.getByTestId('flow-node-wait-1h'));
    expect(await page.getByTestId('waiting-wait-1h').textContent()).toBe('0 waiting');

    // A real customer of the data set starts a checkout (the tracking API's Segment-spec event).
    const customers = (await api('GET', '/api/customers?limit=1')) as { items: { id: string; email: string }[] };
    const who = customers.items[0]!;
    const { key } = await app.patron.modules.users.service.createApiKey(CLI_ACTOR, { name: 'store site', kind: 'public', scopes: [] });
    const track = async (url: string, payload: Record<string, unknown>) => {
      const r = await app.patron.http!.inject({ method: 'POST', url, headers: { authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}` }, payload });
      expect(r.statusCode, r.body).toBeLessThan(300);
    };
    await track('/v1/identify', { userId: 'shopper-1', traits: { email: who.email } });
    await track('/v1/track', { userId: 'shopper-1', event: 'Checkout Started', properties: { checkout_id: 'e2e-1', value: 24.5, currency: 'GBP' } });
    await app.patron.modules.messaging.flows.engine.drain();
    const flows = (await api('GET', '/api/messaging/flows')) as { items: { id: string; stats: { inFlow: number } }[] };
    expect(flows.items[0]!.stats.inFlow).toBe(1);
    const run = ((await api('GET', `/api/messaging/flows/${flows.items[0]!.id}/runs`)) as { items: { customerId: string; key: string }[] }).items[0]!;
    expect(run.key).toBe('e2e-1');
    await page.reload();
    await expect.poll(() => page.getByTestId('waiting-wait-1h').textContent(), { timeout: 20_000 }).toBe('1 waiting');
    await shot(page, 'flows-editor');

    // A step's settings open beside the canvas.
    await page.getByTestId('flow-node-offer').click();
    await visible(page.getByTestId('step-panel').getByText('Send email'));
    await shot(page, 'flows-step');

    // The customer's journey is on their 360° page.
    await page.goto(`${app.url}/customers/${run.customerId}?tab=journeys`);
    await visible(page.getByTestId('journeys').getByRole('link', { name: 'Abandoned cart' }));
    await visible(page.getByTestId('journeys').getByText('Wait 1 hour', { exact: true }));
    await shot(page, 'flows-journeys');

    await page.goto(`${app.url}/flows`);
    await visible(page.getByRole('link', { name: 'Abandoned cart' }));
    await shot(page, 'flows-list');
    await page.context().close();
  }, 120_000);

  it('builds a flow from scratch: a step without its template is marked, then it saves and goes live', async () => {
    const { app, api } = env;
    await api('POST', '/api/messaging/templates', { starter: 'welcome', name: 'Hello' });
    const page = await env.loggedIn(EMAIL, PASSWORD, { width: 1440, height: 1000 });
    await page.goto(`${app.url}/flows/new`);
    await visible(page.getByRole('heading', { level: 1, name: 'Untitled flow' }));
    const settings = page.getByTestId('settings-panel');
    await settings.getByLabel('Flow name').fill('Welcome nudge');
    await settings.getByLabel('When the customer does', { exact: true }).fill('Customer Created');
    await page.getByRole('button', { name: 'Add a step here (first step)' }).click();
    await page.getByRole('menuitem', { name: 'Send email' }).click();
    const panel = page.getByTestId('step-panel');
    await visible(panel);
    await page.getByRole('button', { name: 'Save flow' }).click();
    await expect.poll(() => page.getByTestId('flow-node-email-1').getAttribute('data-error')).toBe('true');
    await shot(page, 'flows-new');
    await panel.getByLabel('Template').click();
    await page.getByRole('option', { name: 'Hello' }).click();
    await page.getByRole('button', { name: 'Add a step here', exact: true }).last().click();
    await page.getByRole('menuitem', { name: 'Wait', exact: true }).click();
    await visible(page.getByTestId('flow-node-wait-1'));
    await page.getByRole('button', { name: 'Save flow' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Welcome nudge' }));
    await visible(page.getByTestId('flow-status').getByText('Draft'));
    await page.getByRole('button', { name: 'Switch on' }).click();
    await visible(page.getByTestId('flow-status').getByText('Live'));

    if (SHOTS) {
      const f = (await api('POST', '/api/messaging/flows/gallery/welcome-series')) as { id: string };
      await page.goto(`${app.url}/flows/${f.id}`);
      await visible(page.getByTestId('flow-node-has-ordered'));
      await page.getByTestId('flow-node-has-ordered').click();
      await shot(page, 'flows-branches');
    }
    await page.context().close();
  }, 120_000);
});
