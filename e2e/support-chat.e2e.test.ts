import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../server/src/platform/audit/audit.ts';
import { hasBrowser } from './browser.ts';
import { DOCS_SCREENSHOTS, screenshots, startBrowserTest, visible, type BrowserTest } from './harness.ts';

// Live chat in real browsers: a store on its own origin embeds the widget with the install snippet from
// Settings → Live chat; a visitor asks the assistant, then a person; the agent sees the chat arrive on the
// Live chat page, answers, and the visitor sees the answer. CHAT_SHOTS=<dir> (or PATRON_SCREENSHOTS=1) saves pictures.
let env: BrowserTest;
let shop: http.Server;
let shopUrl = '';
const EMAIL = 'sam@shop.test';
const PASSWORD = 'sam password 1';
const shot = screenshots(process.env.CHAT_SHOTS ?? DOCS_SCREENSHOTS);

describe.skipIf(!hasBrowser)('live chat in a real browser', () => {
  beforeAll(async () => {
    env = await startBrowserTest({ owner: { email: EMAIL, password: PASSWORD } });
    await env.api('PUT', '/api/settings/store', { name: 'Hearth & Home', currency: 'GBP', timeZone: 'Europe/London' });
    await env.app.patron.modules.support.kb.demo(SYSTEM_ACTOR);
    const settings = await env.api<{ snippet: string; scriptUrl: string }>('PUT', '/api/support/chat/settings', {
      enabled: true, color: '#0b7285', title: 'Hearth & Home help', greeting: 'Hi! Ask us anything about your order.',
    });
    shop = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html><html><head><title>Returns and refunds – Hearth &amp; Home</title>
        <meta name="viewport" content="width=device-width, initial-scale=1"></head>
        <body style="font-family:Georgia,serif;margin:40px;max-width:720px"><h1>Hearth &amp; Home</h1><p>Wool blankets, linen, candles.</p>${settings.snippet.replace(settings.scriptUrl, `${env.app.url}/sdk/chat.js`)}</body></html>`);
    });
    await new Promise<void>((r) => shop.listen(0, '127.0.0.1', r));
    shopUrl = `http://127.0.0.1:${(shop.address() as AddressInfo).port}/pages/returns`;
  });

  afterAll(async () => {
    await new Promise((r) => shop?.close(r));
    await env?.close();
  });

  it('visitor asks, the assistant answers, a person takes over and replies', { timeout: 90_000 }, async () => {
    const agent = await env.loggedIn(EMAIL, PASSWORD, { width: 1440, height: 900 });
    agent.setDefaultTimeout(15_000);
    await agent.goto(`${env.app.url}/settings/live-chat`);
    await visible(agent.getByRole('heading', { level: 1, name: 'Live chat' }));
    await visible(agent.getByText('Identity verification'));
    await shot(agent, 'support-chat-settings');

    await agent.goto(`${env.app.url}/support/chat`);
    await visible(agent.getByText(/Visitors can chat/));

    const visitor = await env.page({ width: 1280, height: 800 });
    visitor.setDefaultTimeout(15_000);
    const problems: string[] = [];
    visitor.on('pageerror', (e) => problems.push(e.message));
    await visitor.goto(shopUrl);
    const launcher = visitor.getByRole('button', { name: /Open chat/ });
    await launcher.click();
    const panel = visitor.getByRole('dialog', { name: 'Hearth & Home help' });
    await visible(panel);
    await visible(panel.getByRole('navigation', { name: 'Suggested articles' }).getByRole('link').first());
    const box = panel.getByRole('textbox', { name: 'Your message' });
    expect(await box.evaluate((el) => el === (el.getRootNode() as unknown as { activeElement: unknown }).activeElement)).toBe(true);
    await box.fill('How do I return an item?');
    await box.press('Enter');
    await visible(panel.getByText('Assistant', { exact: true }).first());
    await shot(visitor, 'support-chat-widget-assistant', false);

    await panel.getByRole('button', { name: 'Talk to a person' }).click();
    await visible(panel.getByText(/You are now chatting with our team/));
    await box.fill('The blanket arrived torn, can I get a new one?');
    await box.press('Enter');

    // The agent sees the chat arrive (live) and answers.
    const row = agent.getByRole('button', { name: /can I get a new one/ });
    await visible(row);
    await row.click();
    await visible(agent.getByRole('log', { name: 'Chat messages' }).getByText('The blanket arrived torn, can I get a new one?'));
    await agent.getByRole('textbox', { name: 'Reply' }).fill('So sorry! A new blanket ships today — no need to send the torn one back.');
    await agent.getByRole('button', { name: 'Send' }).click();
    await visible(agent.getByRole('log', { name: 'Chat messages' }).getByText(/A new blanket ships today/));

    await visible(panel.getByText(/A new blanket ships today/));
    await visible(panel.getByText('Seen', { exact: true }));
    expect(problems).toEqual([]);
    await visible(panel.getByText('owner', { exact: true }));
    await shot(visitor, 'support-chat-widget-agent', false);
    await shot(agent, 'support-chat-agent');

    // The transcript by email: the visitor gave no address yet, so the widget asks for one.
    await panel.getByRole('button', { name: 'Email me this chat' }).click();
    await panel.getByRole('textbox', { name: 'Email for the transcript' }).fill('visitor@example.com');
    await panel.getByRole('button', { name: 'Email me this chat' }).click();
    await visible(panel.getByText('Transcript sent to visitor@example.com.'));

    // Keyboard: Escape closes the panel and gives focus back to the launcher.
    await box.press('Escape');
    expect(await panel.isHidden()).toBe(true);

    // Mobile: the panel fills the screen.
    const phone = await env.page({ width: 390, height: 780 });
    await phone.goto(shopUrl);
    await phone.getByRole('button', { name: /Open chat/ }).click();
    const mobilePanel = phone.getByRole('dialog', { name: 'Hearth & Home help' });
    await visible(mobilePanel);
    const bb = await mobilePanel.boundingBox();
    expect(bb?.width).toBe(390);
    await shot(phone, 'support-chat-widget-mobile', false);
  });
});
