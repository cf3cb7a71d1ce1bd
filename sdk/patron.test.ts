import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { installSnippet } from '../server/src/modules/tracking/index.ts';

const SIZE_BUDGET = 6 * 1024;
const source = fs.readFileSync(path.join(import.meta.dirname, 'patron.js'));

describe('browser snippet', () => {
  it(`patron.js stays under its size budget (${SIZE_BUDGET} bytes gzipped)`, () => {
    const gz = gzipSync(source, { level: 9 }).length;
    console.log(`patron.js: ${source.length} bytes, ${gz} bytes gzipped (budget ${SIZE_BUDGET})`);
    expect(gz).toBeLessThan(SIZE_BUDGET);
  });

  it('the install snippet is valid JavaScript that queues calls until patron.js loads', () => {
    const html = installSnippet({ scriptUrl: 'https://patron.test/sdk/patron.js', host: 'https://patron.test', writeKey: 'patron_pk_abc', consentRequired: true });
    const js = /^<script>\n([\s\S]*)<\/script>\n$/.exec(html)![1]!;
    const appended: { src: string; async: boolean }[] = [];
    const el = { appendChild: (s: { src: string; async: boolean }) => appended.push(s) };
    const window: Record<string, unknown> = {};
    vm.runInNewContext(js, { window, document: { head: el, createElement: () => ({}) } });
    const patron = window.patron as unknown[] & { track(...a: unknown[]): void; consent: { grant(): void } };
    patron.track('Clicked', { a: 1 });
    patron.consent.grant();
    expect(appended).toEqual([{ async: true, src: 'https://patron.test/sdk/patron.js' }]);
    expect([...patron]).toEqual([['load', 'patron_pk_abc', { host: 'https://patron.test', consentRequired: true }], ['track', 'Clicked', { a: 1 }], ['consent.grant']]);
  });
});
