import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasBrowser } from './browser.ts';
import { startBrowserTest, visible, type BrowserTest } from './harness.ts';

// A fresh server with nobody on it: the first-run setup makes the owner.
let env: BrowserTest;

describe.skipIf(!hasBrowser)('in a real browser', () => {
  beforeAll(async () => {
    env = await startBrowserTest();
  });
  afterAll(() => env?.close());

  it('first-run setup creates the owner and lands in the app', async () => {
    const token = (await env.app.patron.modules.users.service.setupToken())!;
    const page = await env.page();
    await page.goto(`${env.app.url}/`);
    // A fresh server sends people to setup.
    await page.waitForURL(/\/setup/);
    await page.getByLabel('Setup token').fill(token);
    await page.getByLabel('Your name').fill('Olive Owner');
    await page.getByLabel('Email').fill('olive@shop.test');
    await page.getByLabel('Password', { exact: true }).fill('olive password 1');
    await page.getByLabel('Confirm password').fill('olive password 1');
    await page.getByRole('button', { name: 'Create owner account' }).click();
    await visible(page.getByRole('heading', { level: 1, name: /^Welcome/ }));
    await page.context().close();
  });

  it('a wrong password is refused with a message; the right one logs in', async () => {
    const page = await env.page();
    await page.goto(`${env.app.url}/login`);
    await page.getByLabel('Email').fill('olive@shop.test');
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await visible(page.getByText('The email or password is wrong.'));
    expect(page.url()).toContain('/login');
    await page.getByLabel('Password').fill('olive password 1');
    await page.getByRole('button', { name: 'Log in' }).click();
    await visible(page.getByRole('heading', { level: 1, name: /^Welcome/ }));
    await page.context().close();
  });

  it('navigates the app and logs out', async () => {
    const page = await env.loggedIn('olive@shop.test', 'olive password 1');
    for (const name of ['Team', 'API keys', 'Audit log', 'Jobs']) {
      await page.getByRole('link', { name, exact: true }).click();
      await visible(page.getByRole('heading', { level: 1, name }));
    }
    // The team page lists the owner; the audit log shows the login.
    await page.getByRole('link', { name: 'Team', exact: true }).click();
    await visible(page.getByText('olive@shop.test').first());
    await page.getByRole('link', { name: 'Audit log', exact: true }).click();
    await visible(page.getByText(/logged in/).first());
    await page.getByRole('button', { name: 'User menu' }).click();
    await page.getByRole('menuitem', { name: 'Log out' }).click();
    await page.waitForURL(/\/login/);
    // The session is gone: the app sends us back to login.
    await page.goto(`${env.app.url}/settings/team`);
    await page.waitForURL(/\/login/);
    await page.context().close();
  });

  it('a read-only analyst sees no admin pages', async () => {
    await env.app.patron.modules.users.service.createFromCli({ email: 'ana@shop.test', name: 'Ana', role: 'analyst', password: 'ana password 1' }, { type: 'cli', id: null, label: 'test' });
    const page = await env.loggedIn('ana@shop.test', 'ana password 1');
    expect(await page.getByRole('link', { name: 'API keys', exact: true }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Audit log', exact: true }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Jobs', exact: true }).count()).toBe(0);
    await page.context().close();
  });
});
