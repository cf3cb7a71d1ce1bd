import { describe, expect, it } from 'vitest';
import { toPrefixQuery } from './inbox.repo.ts';
import { sameOrigin } from './live.routes.ts';
import { safeHtml } from './tickets.map.ts';

describe('inbox search words', () => {
  it('turns words into a prefix tsquery, keeps email addresses whole, drops operators', () => {
    expect(toPrefixQuery('Parc REF')).toBe('parc:* & ref:*');
    expect(toPrefixQuery('ann.lee@example.com broken')).toBe("'ann.lee@example.com':* & broken:*");
    expect(toPrefixQuery("it's & (x) | !y")).toBe('it:* & s:* & x:* & y:*');
    expect(toPrefixQuery('  !!! ')).toBeUndefined();
    expect((toPrefixQuery('a b c d e f g h i j') ?? '').split(' & ')).toHaveLength(8);
  });
});

describe('live socket origin check', () => {
  it('accepts no Origin (non-browser clients) and the same host; refuses other sites', () => {
    expect(sameOrigin({ headers: { host: 'patron.shop.test' } })).toBe(true);
    expect(sameOrigin({ headers: { host: 'patron.shop.test', origin: 'https://patron.shop.test' } })).toBe(true);
    expect(sameOrigin({ headers: { host: '10.0.0.5:3000', origin: 'https://support.shop.test' } }, 'https://support.shop.test')).toBe(true);
    expect(sameOrigin({ headers: { host: 'patron.shop.test', origin: 'https://evil.test' } })).toBe(false);
    expect(sameOrigin({ headers: { host: 'patron.shop.test', origin: 'null' } })).toBe(false);
  });
});

describe('message HTML', () => {
  it('keeps formatting and safe links, drops scripts, handlers, styles, frames and unsafe image sources', () => {
    const out = safeHtml('<p style="color:red" onclick="x()">Hi <b>there</b> <a href="javascript:alert(1)">x</a> <a href="https://shop.test">shop</a></p><script>alert(1)</script><iframe src="https://evil.test"></iframe><img src="http://tracker.test/p.gif"><img src="cid:logo">');
    expect(out).toContain('<b>there</b>');
    expect(out).toContain('<a href="https://shop.test" rel="noopener noreferrer nofollow" target="_blank">shop</a>');
    expect(out).not.toMatch(/script|onclick|style=|iframe|javascript:|http:\/\/tracker/);
    expect(out).toContain('<img src="cid:logo" />');
  });
});
