import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../server/src/platform/audit/audit.ts';
import { hasBrowser } from './browser.ts';
import { DOCS_SCREENSHOTS, screenshots, startBrowserTest, visible, type BrowserTest } from './harness.ts';

// SLA, CSAT and reports in a real browser: the reports page with the demo's three weeks of history and the
// tickets at risk with their countdown, the SLA settings (policies, business hours, survey), and the page a
// customer sees after clicking a rating in the survey email. PATRON_SCREENSHOTS=1 saves the pages into
// docs/screenshots; SLA_SHOTS=<dir> saves them there.
let env: BrowserTest;
const EMAIL = 'lee@shop.test';
const PASSWORD = 'lee password 1';
const shot = screenshots(process.env.SLA_SHOTS ?? DOCS_SCREENSHOTS);

describe.skipIf(!hasBrowser)('SLA, CSAT and support reports in a real browser', () => {
  beforeAll(async () => {
    env = await startBrowserTest({ owner: { email: EMAIL, password: PASSWORD } });
    await env.api('PUT', '/api/settings/store', { name: 'Hearth & Home', currency: 'GBP', timeZone: 'Europe/London' });
    const { patron } = env.app;
    const names = ['Ann Lee', 'Tom Byrne', 'Mia Chen', 'Sara Kim', 'Omar Haddad', 'Lena Vogel', 'Jon Park', 'Ivy Shaw', 'Raj Patel', 'Eva Novak'];
    for (const [i, n] of names.entries()) {
      const [firstName, lastName] = n.split(' ');
      await patron.dbh.db.transaction().execute((tx) => patron.modules.customers.service.resolve(tx, { identities: [{ kind: 'email', value: `c${i}@example.com` }], profile: { firstName, lastName }, source: 'api', actor: SYSTEM_ACTOR }));
    }
    await patron.modules.support.sla.demo(SYSTEM_ACTOR, undefined, { tickets: 24 });
    // Chats count around the clock (so the test does not depend on the hour it runs at); two live chats:
    // one past its first-response target, one close to it.
    const always = (await patron.modules.support.sla.config.calendars()).find((c) => c.name === 'Around the clock')!;
    const chat = await env.api<{ id: string }>('POST', '/api/support/sla/policies', { name: 'Live chat', calendarId: always.id, channels: ['chat'], targets: { urgent: { firstResponse: 60, resolution: 240 }, normal: { firstResponse: 60, resolution: 480 } } });
    const order = (await patron.modules.support.sla.config.policies()).map((p) => p.id).filter((id) => id !== chat.id);
    await env.api('PUT', '/api/support/sla/policies/order', { ids: [chat.id, ...order] });
    const tickets = patron.modules.support.tickets.service;
    for (const [subject, ago] of [['Parcel never arrived', 3 * 3_600_000], ['Discount code rejected', 50 * 60_000]] as const) {
      await tickets.createTicket(SYSTEM_ACTOR, { channel: 'chat', subject, priority: 'urgent', requester: { email: 'c1@example.com' }, message: { direction: 'inbound', authorType: 'customer', bodyText: subject, createdAt: new Date(Date.now() - ago) } });
    }
    await patron.modules.support.sla.service.checkBreaches();
  });

  afterAll(() => env?.close());

  it('shows the reports page with charts, breakdowns and the tickets at risk', async () => {
    const page = await env.loggedIn(EMAIL, PASSWORD, { width: 1440, height: 1000 });
    page.setDefaultTimeout(10_000);
    await page.getByRole('link', { name: 'Reports', exact: true }).click();
    const body = page.getByTestId('support-reports');
    await visible(body);
    await visible(body.getByText('SLA attainment', { exact: true }));
    await visible(page.locator('.recharts-surface').first());
    const risk = page.getByTestId('sla-at-risk');
    await visible(risk.getByText('Parcel never arrived'));
    expect(await risk.getByText(/SLA .* over/).count()).toBeGreaterThanOrEqual(1);
    await page.waitForTimeout(500);
    await shot(page, 'support-reports');

    await page.locator('label', { hasText: '7 days' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('range')).toContain('7');
  });

  it('edits SLA policies, business hours and the survey in settings', async () => {
    const page = await env.loggedIn(EMAIL, PASSWORD, { width: 1440, height: 900 });
    page.setDefaultTimeout(10_000);
    await page.goto(`${env.app.url}/settings/support-sla`);
    await visible(page.getByTestId('sla-policy-row').filter({ hasText: 'Standard' }));
    await shot(page, 'support-sla-policies');
    await page.getByRole('button', { name: 'Actions for Standard' }).click();
    await page.getByRole('menuitem', { name: 'Edit' }).click();
    await visible(page.getByRole('dialog'));
    await page.getByLabel('Urgent first response minutes').fill('45');
    await shot(page, 'support-sla-policy-edit', false);
    await page.getByRole('button', { name: 'Save' }).click();
    await visible(page.getByText(/Urgent 45m/));
    // Deleting asks first.
    await page.getByRole('button', { name: 'Actions for Live chat' }).click();
    await page.getByRole('menuitem', { name: 'Delete' }).click();
    const ask = page.getByRole('dialog').filter({ hasText: 'Delete the policy Live chat?' });
    await visible(ask);
    // Let the dialog finish fading in before the picture.
    await page.waitForTimeout(300);
    await shot(page, 'support-sla-policy-delete', false);
    await ask.getByRole('button', { name: 'Delete' }).click();
    await visible(page.getByText('SLA policy deleted'));
    await expect.poll(() => page.getByTestId('sla-policy-row').filter({ hasText: 'Live chat' }).count()).toBe(0);

    await page.getByRole('tab', { name: 'Business hours' }).click();
    await visible(page.getByRole('cell', { name: /Support hours/ }).first());
    await page.getByRole('button', { name: 'Actions for Support hours' }).click();
    await page.getByRole('menuitem', { name: 'Edit' }).click();
    await page.getByLabel('Monday to').fill('25:00');
    await page.getByRole('button', { name: 'Save' }).click();
    await visible(page.getByRole('dialog').getByText(/Check the highlighted fields/));
    await shot(page, 'support-sla-hours-edit', false);
    await page.getByLabel('Monday to').fill('18:30');
    await page.getByRole('button', { name: 'Save' }).click();
    await visible(page.getByText('Business hours saved'));
    await shot(page, 'support-sla-hours');

    await page.getByRole('tab', { name: 'Satisfaction survey' }).click();
    await visible(page.getByLabel('Subject'));
    await shot(page, 'support-csat-settings');
  });

  it('shows the customer the rating page in the store\'s colours', async () => {
    const { patron } = env.app;
    const s = await patron.dbh.db.selectFrom('csat_surveys').select(['id']).orderBy('sent_at', 'desc').limit(1).executeTakeFirstOrThrow();
    // Sent an hour ago and not answered yet.
    await patron.dbh.db.updateTable('csat_surveys').set({ sent_at: new Date(Date.now() - 3_600_000), rating: null, comment: null, rated_at: null }).where('id', '=', s.id).execute();
    const page = await env.page({ width: 420, height: 860 });
    await page.goto(`${env.app.url}${new URL(patron.modules.support.sla.csat.link(s.id, 5)).pathname}?r=5`);
    await visible(page.getByText('We saved your rating: 5 of 5'));
    await page.getByLabel('A comment (optional)').fill('Lovely, quick help.');
    await shot(page, 'support-csat-page');
    await page.getByRole('button', { name: 'Send' }).click();
    await visible(page.getByText('Your feedback is saved'));
  });
});
