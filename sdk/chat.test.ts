import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { chatSnippet } from '../server/src/modules/support/chat.routes.ts';

const SIZE_BUDGET = 12 * 1024;
const source = fs.readFileSync(path.join(import.meta.dirname, 'chat.js'));

describe('chat widget', () => {
  it(`chat.js stays under its size budget (${SIZE_BUDGET} bytes gzipped)`, () => {
    const gz = gzipSync(source, { level: 9 }).length;
    console.log(`chat.js: ${source.length} bytes, ${gz} bytes gzipped (budget ${SIZE_BUDGET})`);
    expect(gz).toBeLessThan(SIZE_BUDGET);
  });

  it('is a classic script with no imports (zero dependencies)', () => {
    const js = source.toString();
    expect(() => new vm.Script(js)).not.toThrow();
    expect(js).not.toMatch(/^\s*import\s|\bimport\(|\brequire\(/m);
  });

  it('does nothing visible when chat is off (config says disabled) and never throws on a page', async () => {
    const fetched: string[] = [];
    const window: Record<string, unknown> = {};
    const document = {
      readyState: 'complete', cookie: '', title: 'Shop',
      currentScript: { src: 'https://patron.test/sdk/chat.js' },
      body: { appendChild: () => { throw new Error('must not build UI'); } },
    };
    const fetch = (url: string) => {
      fetched.push(url);
      return Promise.resolve({ ok: true, json: () => Promise.resolve({ enabled: false }) });
    };
    vm.runInNewContext(source.toString(), { window, document, fetch, location: { origin: 'https://shop.test', href: 'https://shop.test/' }, localStorage: undefined, URL, setTimeout, clearTimeout, Promise, JSON, String, Math, Date });
    await new Promise((r) => setTimeout(r, 10));
    expect(fetched).toEqual(['https://patron.test/api/public/support/chat/config']);
    expect(window.PatronChat).toMatchObject({ loaded: true });
  });

  it('the install snippet loads the widget asynchronously', () => {
    const html = chatSnippet('https://patron.test/sdk/chat.js');
    const js = /^<script>\n([\s\S]*)<\/script>\n/.exec(html)![1]!;
    const appended: { src: string; async: boolean }[] = [];
    vm.runInNewContext(js, { window: {}, document: { head: { appendChild: (s: { src: string; async: boolean }) => appended.push(s) }, createElement: () => ({}) } });
    expect(appended).toEqual([{ async: true, src: 'https://patron.test/sdk/chat.js' }]);
  });
});
