import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../server/src/platform/audit/audit.ts';
import { hasBrowser } from './browser.ts';
import { DOCS_SCREENSHOTS, screenshots, startBrowserTest, visible, type BrowserTest } from './harness.ts';

// The knowledge base in a real browser: the demo help articles, a new article written in Markdown with
// its live preview, published, then found by a visitor in the public help centre's search (a typo in the
// query), and the self-service assistant tried from the admin. PATRON_SCREENSHOTS=1 saves the pages into
// docs/screenshots (the four the docs show); KB_SHOTS=<dir> saves every page there.
let env: BrowserTest;
const EMAIL = 'kim@shop.test';
const PASSWORD = 'kim password 1';
const toDocs = screenshots(DOCS_SCREENSHOTS);
const toDir = screenshots(process.env.KB_SHOTS);
/** The pages docs/support.md shows. */
const IN_DOCS = new Set(['support-kb-editor', 'support-helpcentre-home', 'support-helpcentre-search', 'support-kb-assistant']);
const shot = async (page: Page, name: string) => {
  await toDir(page, name);
  if (IN_DOCS.has(name)) await toDocs(page, name);
};

describe.skipIf(!hasBrowser)('knowledge base in a real browser', () => {
  beforeAll(async () => {
    env = await startBrowserTest({ owner: { email: EMAIL, password: PASSWORD } });
    await env.api('PUT', '/api/settings/store', { name: 'Hearth & Home', currency: 'GBP', timeZone: 'Europe/London' });
    await env.app.patron.modules.support.kb.demo(SYSTEM_ACTOR);
  });

  afterAll(() => env?.close());

  it('writes and publishes an article, which a visitor then finds in the help centre', async () => {
    const page = await env.loggedIn(EMAIL, PASSWORD, { width: 1440, height: 1000 });
    page.setDefaultTimeout(10_000);
    await page.getByRole('link', { name: 'Knowledge base', exact: true }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Knowledge base' }));
    await visible(page.getByText('How long does delivery take?'));
    await shot(page, 'support-kb-list');

    // Search in the admin: typo-tolerant, snippets marked.
    await page.getByRole('textbox', { name: 'Search articles' }).fill('retrns');
    await visible(page.getByText(/showing results for “returns”/));
    await shot(page, 'support-kb-search');
    await page.getByRole('textbox', { name: 'Search articles' }).fill('');

    await page.getByRole('link', { name: 'New article' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'New article' }));
    await page.getByRole('textbox', { name: 'Title' }).fill('Do you offer gift wrapping?');
    await page.getByRole('textbox', { name: 'Category' }).or(page.getByRole('combobox', { name: 'Category' })).click();
    await page.getByRole('option', { name: 'Shipping and delivery' }).click();
    await page.getByRole('textbox', { name: 'Article' }).fill('Yes! Tick **Gift wrap** at checkout: we wrap each item in recycled kraft paper with a ribbon for **£2.50**.\n\n## Gift notes\n\nAdd a handwritten note of up to 200 characters; prices are never shown in gift parcels.\n\n<script>alert(1)</script>');
    const preview = page.getByLabel('Preview');
    await visible(preview.getByRole('heading', { name: 'Gift notes' }));
    expect(await preview.locator('script').count()).toBe(0);
    // Articles that may already answer the same question, beside the preview.
    await visible(page.getByLabel('Similar articles').getByRole('link').first());
    await shot(page, 'support-kb-editor');
    await page.getByRole('button', { name: 'Publish' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Do you offer gift wrapping?' }));
    await visible(page.getByText('Published', { exact: true }));
    expect(page.url()).toMatch(/\/support\/kb\/[0-9a-f-]{36}$/);

    // A visitor (no session) finds it in the help centre, even with a typo.
    const visitor = await env.page({ width: 1280, height: 900 });
    await visitor.goto(`${env.app.url}/help`);
    await visible(visitor.getByRole('heading', { name: 'How can we help?' }));
    await shot(visitor, 'support-helpcentre-home');
    await visitor.getByRole('searchbox', { name: 'Search the help centre' }).fill('gift wraping');
    await visitor.getByRole('button', { name: 'Search' }).click();
    await visible(visitor.getByRole('link', { name: /Do you offer gift wrapping\?/ }));
    expect(await visitor.locator('mark').count()).toBeGreaterThan(0);
    await shot(visitor, 'support-helpcentre-search');
    await visitor.getByRole('link', { name: /Do you offer gift wrapping\?/ }).click();
    await visible(visitor.getByRole('heading', { level: 1, name: 'Do you offer gift wrapping?' }));
    await visible(visitor.getByRole('heading', { name: 'Gift notes' }));
    await shot(visitor, 'support-helpcentre-article');

    const phone = await env.page({ width: 390, height: 844 });
    await phone.goto(`${env.app.url}/help/articles/do-you-offer-gift-wrapping`);
    await visible(phone.getByRole('heading', { level: 1, name: 'Do you offer gift wrapping?' }));
    await shot(phone, 'support-helpcentre-article-phone');

    // Internal articles never reach visitors.
    await visitor.goto(`${env.app.url}/help/search?q=goodwill`);
    await visible(visitor.getByText(/No articles match/));
  });

  it('tries the self-service assistant', async () => {
    const page = await env.loggedIn(EMAIL, PASSWORD, { width: 1440, height: 1000 });
    await page.goto(`${env.app.url}/support/kb`);
    await page.getByRole('tab', { name: 'Categories' }).click();
    await visible(page.getByRole('button', { name: 'Move Returns and refunds up' }));
    await page.getByRole('button', { name: 'Move Returns and refunds up' }).click();
    await expect.poll(async () => (await page.locator('tbody tr').first().textContent()) ?? '').toContain('Returns and refunds');
    await page.mouse.move(0, 0);
    await shot(page, 'support-kb-categories');
    await page.getByRole('tab', { name: 'Try the assistant' }).click();
    await page.getByRole('textbox', { name: 'Question for the assistant' }).fill('Do you ship to Canada?');
    await page.getByRole('button', { name: 'Ask' }).click();
    await visible(page.getByText('Answer from an article'));
    await visible(page.getByRole('link', { name: 'Do you ship internationally?' }));
    await page.getByRole('textbox', { name: 'Question for the assistant' }).fill('where is my order?');
    await page.getByRole('button', { name: 'Ask' }).click();
    await visible(page.getByText('Asks to verify'));
    await shot(page, 'support-kb-assistant');
  });
});
