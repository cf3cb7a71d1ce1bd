import { createHmac, timingSafeEqual } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { addUtm, decodeHref, insertBeforeBodyEnd, Links, rewriteAnchors, type Signer } from './links.ts';

// The same HMAC scheme as TokenSigner, with a fixed key (TokenSigner keeps its key in the database).
function testSigner(key = 'k'.repeat(32)): Signer {
  const sign = (purpose: string, data: string) => createHmac('sha256', key).update(`${purpose}\0${data}`).digest('base64url').slice(0, 32);
  return {
    init: async () => undefined,
    sign,
    verify: (purpose, data, sig) => sig.length === 32 && timingSafeEqual(Buffer.from(sign(purpose, data)), Buffer.from(sig)),
  };
}

const ID = '01936f2e-0000-7000-8000-000000000001';
const links = new Links({ signer: testSigner(), publicUrl: 'https://crm.shop.test/', storeHosts: ['www.shop.test'] });
const marketing = { id: ID, kind: 'marketing' as const, campaign_id: 'c-1', flow_id: null, flow_step_id: null, purpose: 'campaign' as const, variant: 'B' };

function clickTarget(href: string): { url: string; sig: string; id: string } {
  const u = new URL(href);
  const [, m, c, id, sig] = u.pathname.split('/');
  expect([m, c]).toEqual(['m', 'c']);
  return { url: u.searchParams.get('u')!, sig: sig!, id: id! };
}

describe('signed message links', () => {
  it('gives unsubscribe, preference and view-in-browser URLs that verify only for their own purpose and message', () => {
    const vars = links.linkVars({ id: ID, customer_id: null, kind: 'marketing' });
    expect(Object.keys(vars).sort()).toEqual(['preferences_url', 'unsubscribe_url', 'view_in_browser_url']);
    const [u, p, v] = [vars.unsubscribe_url!, vars.preferences_url!, vars.view_in_browser_url!].map((x) => new URL(x).pathname.split('/'));
    expect(u!.slice(0, 4)).toEqual(['', 'm', 'u', ID]);
    expect(links.verifyMessage('unsubscribe', ID, u![4]!)).toBe(true);
    expect(links.verifyMessage('preferences', ID, u![4]!)).toBe(false);
    expect(links.verifyMessage('unsubscribe', ID.replace(/1$/, '2'), u![4]!)).toBe(false);
    expect(links.verifyMessage('preferences', ID, p![4]!)).toBe(true);
    expect(links.verifyMessage('view', ID, v![4]!)).toBe(true);
    expect(links.verifyMessage('view', ID, v![4]!.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')))).toBe(false);
    expect(links.verifyMessage('view', ID, '')).toBe(false);
  });

  it('confirm links expire after 30 days and cannot be moved to another customer', () => {
    const issued = new Date('2026-01-01T00:00:00Z');
    const [, , , customer, t, sig] = new URL(links.confirmUrl('cust-1', issued)).pathname.split('/');
    expect(links.verifyConfirm(customer!, t!, sig!, new Date('2026-01-20T00:00:00Z'))).toBe('ok');
    expect(links.verifyConfirm(customer!, t!, sig!, new Date('2026-02-01T00:00:01Z'))).toBe('expired');
    expect(links.verifyConfirm('cust-2', t!, sig!, issued)).toBe('invalid');
    expect(links.verifyConfirm(customer!, String(Number(t) + 86400 * 40), sig!, issued)).toBe('invalid');
  });
});

describe('decorateHtml', () => {
  const html = `<html><body>
    <a href="https://www.shop.test/p/mug?color=red&amp;size=L">Mug</a>
    <a class="btn" href='https://elsewhere.test/x'>Partner</a>
    <a href="https://shop.test/sale?utm_source=newsletter">Sale</a>
    <a href="mailto:help@shop.test">Mail us</a> <a href="tel:+441234">Call</a> <a href="#top">Top</a>
    <a href="https://crm.shop.test/m/u/${ID}/abc">Unsubscribe</a>
    <a data-patron-no-track href="https://shop.test/private">Private</a>
    <a name="anchor">No href</a>
  </body></html>`;
  const out = links.decorateHtml(html, marketing);
  const hrefs = [...out.matchAll(/href="([^"]*)"/g)].map((m) => decodeHref(m[1]!));

  it('rewrites http(s) links to a signed redirect that carries the original URL', () => {
    const t = clickTarget(hrefs[0]!);
    expect(t.id).toBe(ID);
    expect(links.verifyClick(ID, t.url, t.sig)).toBe(true);
    // The URL the signature covers is the one with UTM added, so a changed `u` fails.
    expect(links.verifyClick(ID, 'https://evil.test/', t.sig)).toBe(false);
    expect(clickTarget(hrefs[1]!).url).toBe('https://elsewhere.test/x');
  });

  it('adds UTM parameters to store links only, and never over existing ones', () => {
    const mug = new URL(clickTarget(hrefs[0]!).url);
    expect(mug.searchParams.get('color')).toBe('red');
    expect(mug.searchParams.get('size')).toBe('L');
    expect(Object.fromEntries([...mug.searchParams].filter(([k]) => k.startsWith('utm_')))).toEqual({ utm_source: 'patron', utm_medium: 'email', utm_campaign: 'c-1', utm_content: 'B' });
    expect(clickTarget(hrefs[1]!).url).not.toContain('utm_');
    expect(clickTarget(hrefs[2]!).url).toBe('https://shop.test/sale?utm_source=newsletter');
  });

  it('leaves mailto:, tel:, anchors, our own unsubscribe links and opted-out links alone', () => {
    expect(hrefs.slice(3)).toEqual(['mailto:help@shop.test', 'tel:+441234', '#top', `https://crm.shop.test/m/u/${ID}/abc`, 'https://shop.test/private']);
    expect(out).toContain('<a name="anchor">No href</a>');
  });

  it('appends the open pixel before </body>', () => {
    const m = /<img src="([^"]+)" width="1" height="1" alt=""[^>]*\/><\/body>/.exec(out);
    expect(m).not.toBeNull();
    const [, , o, id, file] = new URL(decodeHref(m![1]!)).pathname.split('/');
    expect([o, id]).toEqual(['o', ID]);
    expect(file!.endsWith('.gif')).toBe(true);
    expect(links.verifyMessage('open', ID, file!.slice(0, -4))).toBe(true);
    expect(insertBeforeBodyEnd('<p>x</p>', '<img>')).toBe('<p>x</p><img>');
  });

  it('tracks transactional mail too but does not tag its links', () => {
    const t = links.decorateHtml('<a href="https://shop.test/orders/1">Your order</a>', { ...marketing, kind: 'transactional', purpose: 'transactional', campaign_id: null });
    expect(clickTarget(decodeHref(/href="([^"]*)"/.exec(t)![1]!)).url).toBe('https://shop.test/orders/1');
  });

  it('names flow messages by flow and step in UTM', () => {
    const t = links.decorateHtml('<a href="https://shop.test/">Shop</a>', { ...marketing, campaign_id: null, flow_id: 'f-9', flow_step_id: 'email-2', purpose: 'flow', variant: null });
    const u = new URL(clickTarget(decodeHref(/href="([^"]*)"/.exec(t)![1]!)).url);
    expect([u.searchParams.get('utm_campaign'), u.searchParams.get('utm_content')]).toEqual(['f-9', 'email-2']);
  });
});

describe('helpers', () => {
  it('rewriteAnchors handles quoting styles and entity-encoded hrefs', () => {
    const seen: string[] = [];
    const out = rewriteAnchors(`<A HREF=https://a.test/x>1</A><a title="x" href = "https://b.test/?a=1&amp;b=2">2</a>`, (h) => (seen.push(h), `${h}#t`));
    expect(seen).toEqual(['https://a.test/x', 'https://b.test/?a=1&b=2']);
    expect(out).toBe('<A HREF="https://a.test/x#t">1</A><a title="x" href = "https://b.test/?a=1&amp;b=2#t">2</a>');
  });

  it('addUtm ignores malformed URLs and other hosts', () => {
    const hosts = new Set(['shop.test']);
    expect(addUtm('not a url', hosts, { campaign: 'c' })).toBe('not a url');
    expect(addUtm('https://shop.test.evil.com/', hosts, { campaign: 'c' })).toBe('https://shop.test.evil.com/');
    expect(addUtm('https://SHOP.test/a', hosts, { campaign: 'c' })).toBe('https://shop.test/a?utm_source=patron&utm_medium=email&utm_campaign=c');
  });
});

describe('headers', () => {
  it('gives marketing mail RFC 8058 one-click unsubscribe headers, and every mail its Patron id', () => {
    const h = links.headers({ id: ID, kind: 'marketing' });
    expect(h['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    const url = /^<(https:\/\/[^>]+)>$/.exec(h['List-Unsubscribe']!)![1]!;
    expect(url).toBe(links.unsubscribeUrl(ID));
    expect(h['X-Patron-Message-Id']).toBe(ID);
    expect(links.headers({ id: ID, kind: 'transactional' })).toEqual({ 'X-Patron-Message-Id': ID });
  });
});
