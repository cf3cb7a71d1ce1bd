import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContextOptions, Locator, Page } from 'playwright-core';
import { loginAs, startTestApp, type Session, type TestApp } from '../server/src/testing/harness.ts';
import { launch } from './browser.ts';

// What the browser tests share: the app on a port with a headless Chromium, the owner's API session,
// logging in through the login page, and screenshots for people to look at.

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export interface Viewport {
  width: number;
  height: number;
}

/** Waits until the locator shows. */
export const visible = (l: Locator, timeout = 15_000): Promise<void> => l.waitFor({ state: 'visible', timeout });

/** docs/screenshots when PATRON_SCREENSHOTS=1 (the pages the docs show), else undefined. */
export const DOCS_SCREENSHOTS = process.env.PATRON_SCREENSHOTS === '1' ? path.resolve(import.meta.dirname, '../docs/screenshots') : undefined;

/** A `shot(page, name)` that saves `<dir>/<name>.png` (the whole page unless told otherwise) when `dir` is set, and does nothing otherwise. */
export function screenshots(dir: string | undefined): (page: Page, name: string, fullPage?: boolean) => Promise<void> {
  return async (page, name, fullPage = true) => {
    if (!dir) return;
    fs.mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage });
  };
}

export interface BrowserTest {
  app: TestApp;
  browser: Browser;
  /** The owner created at the start, when one was asked for. */
  owner: Session | undefined;
  /** Calls the API as `as` (the owner by default); an error status throws with the answer. Answers without a body give undefined. */
  api<T = unknown>(method: Method, url: string, payload?: unknown, as?: Session): Promise<T>;
  /** A page in a browser context of its own (1280×800 unless told otherwise). */
  page(viewport?: Viewport, options?: BrowserContextOptions): Promise<Page>;
  /** Logs `page` in through the login page and waits for the home page. */
  logIn(page: Page, email: string, password: string): Promise<void>;
  /** A page of its own, logged in as `email`, on the home page. */
  loggedIn(email: string, password: string, viewport?: Viewport, options?: BrowserContextOptions): Promise<Page>;
  close(): Promise<void>;
}

/**
 * Starts the app listening on a port (with the job worker when asked), launches Chromium and, when
 * `owner` is given, creates that owner and logs them in for `api`.
 */
export async function startBrowserTest(opts: { worker?: boolean; owner?: { email: string; password: string } } = {}): Promise<BrowserTest> {
  const app = await startTestApp({ listen: true, worker: opts.worker ?? false });
  let browser: Browser | undefined;
  let owner: Session | undefined;
  try {
    browser = await launch();
    if (opts.owner) owner = await loginAs(app, 'owner', opts.owner.email, opts.owner.password);
  } catch (e) {
    await browser?.close();
    await app.close();
    throw e;
  }
  const chromium = browser;
  const t: BrowserTest = {
    app,
    browser: chromium,
    owner,
    async api<T>(method: Method, url: string, payload?: unknown, as = owner): Promise<T> {
      if (!as) throw new Error(`${method} ${url}: no session to call the API with`);
      const res = await app.patron.http!.inject({ method, url, headers: as.headers, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
      if (res.statusCode >= 400) throw new Error(`${method} ${url} → ${res.statusCode} ${res.body}`);
      return (res.body ? res.json() : undefined) as T;
    },
    async page(viewport = { width: 1280, height: 800 }, options = {}) {
      return (await chromium.newContext({ ...options, viewport })).newPage();
    },
    async logIn(page, email, password) {
      await page.goto(`${app.url}/login`);
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill(password);
      await page.getByRole('button', { name: 'Log in' }).click();
      await visible(page.getByRole('heading', { level: 1, name: /^Welcome/ }), 20_000);
    },
    async loggedIn(email, password, viewport, options) {
      const page = await t.page(viewport, options);
      await t.logIn(page, email, password);
      return page;
    },
    async close() {
      await chromium.close();
      await app.close();
    },
  };
  return t;
}
