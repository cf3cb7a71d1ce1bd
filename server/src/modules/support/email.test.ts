import { describe, expect, it } from 'vitest';
import { executableMagic, safeFilename, screenAttachments } from './attachments.ts';
import { classify, trimQuotedHtml, trimQuotedText } from './email.filters.ts';
import { dsnBounce, exeAttachment, gmailNew, gmailReply, htmlWithScript, malformed, outlookReply, outOfOffice } from './email.fixtures.ts';
import { matchInbound } from './email.settings.ts';
import { emailSettingsSchema } from './email.settings.ts';
import { MalformedEmailError, messageIdList, parseAddressList, parseRaw } from './mime.ts';
import { sanitizeEmailHtml } from './sanitize.ts';

const limits = { maxFileBytes: 10 * 1024 * 1024, maxMessageBytes: 25 * 1024 * 1024, maxCount: 50 };

describe('mime', () => {
  it('parses a Gmail message: ids, addresses, text and html', async () => {
    const m = await parseRaw(gmailNew());
    expect(m.messageId).toBe('<CAGm1x=ann-1@mail.gmail.com>');
    expect(m.from).toEqual({ address: 'ann@customer.test', name: 'Ann Example' });
    expect(m.to[0]!.address).toBe('support@shop.test');
    expect(m.text).toContain('blue kettle');
    expect(m.html).toContain('blue kettle');
  });
  it('reads In-Reply-To and folded References', async () => {
    const m = await parseRaw(gmailReply({ inReplyTo: '<a@shop.test>', references: ['<x@y>', '<a@shop.test>'] }));
    expect(m.inReplyTo).toBe('<a@shop.test>');
    expect(m.references).toEqual(['<x@y>', '<a@shop.test>']);
  });
  it('refuses junk as malformed instead of throwing something else', async () => {
    await expect(parseRaw(malformed())).rejects.toBeInstanceOf(MalformedEmailError);
    await expect(parseRaw(Buffer.alloc(0))).rejects.toBeInstanceOf(MalformedEmailError);
  });
  it('parses address lists with quoted commas and drops invalid ones', () => {
    expect(parseAddressList('"Doe, Jane" <JANE@x.test>, bob@y.test, not-an-address')).toEqual([{ address: 'jane@x.test', name: 'Doe, Jane' }, { address: 'bob@y.test', name: null }]);
    expect(messageIdList('<a@b> <c@d>\r\n <a@b>')).toEqual(['<a@b>', '<c@d>']);
  });
});

describe('filters', () => {
  it('recognises out-of-office and bounces, not a normal message', async () => {
    expect(classify(await parseRaw(outOfOffice())).kind).toBe('auto_reply');
    expect(classify(await parseRaw(dsnBounce())).kind).toBe('bounce');
    expect(classify(await parseRaw(gmailNew())).kind).toBe('human');
    expect(classify(await parseRaw(gmailNew({ subject: 'Out of Office: back Monday' }))).kind).toBe('auto_reply');
    expect(classify(await parseRaw(gmailNew()), '').kind).toBe('auto_reply');
  });
  it('trims the quoted history of Gmail and Outlook replies', async () => {
    const g = await parseRaw(gmailReply());
    expect(trimQuotedText(g.text)).toEqual({ text: 'Great, thank you! It just arrived.', quoted: true });
    const gh = trimQuotedHtml(g.html!);
    expect(gh.quoted).toBe(true);
    expect(gh.html).not.toContain('carrier');
    const o = await parseRaw(outlookReply());
    expect(trimQuotedText(o.text).text).toBe('Could you send it as a PDF please?\n\nRegards\nBob');
    expect(trimQuotedHtml(o.html!).html).not.toContain('invoice is attached');
    expect(trimQuotedText('No quotes here.\nBye').quoted).toBe(false);
  });
});

describe('sanitize', () => {
  it('removes scripts, handlers, javascript: URLs, frames, forms; blocks remote images; maps cid images', async () => {
    const m = await parseRaw(htmlWithScript());
    const out = sanitizeEmailHtml(m.html!, { remoteImages: 'block', cidUrls: new Map([['shot-1@eve', '/api/support/tickets/t/attachments/a']]) });
    for (const bad of ['<script', 'onerror', 'onload', 'javascript:', '<iframe', '<form', 'tracker.test', 'evil.test', '<style']) expect(out).not.toContain(bad);
    expect(out).toContain('href="https://shop.test/p/kettle"');
    expect(out).toContain('rel="noopener noreferrer nofollow"');
    expect(out).toContain('src="/api/support/tickets/t/attachments/a"');
    expect(sanitizeEmailHtml('<img src="https://cdn.test/a.png">', { remoteImages: 'allow' })).toContain('https://cdn.test/a.png');
    const rel = sanitizeEmailHtml('<img src="/api/auth/logout"><img src="x"><a href="/api/users">in app</a><a href="#top">top</a>', { remoteImages: 'allow' });
    expect(rel).not.toContain('/api/');
    expect(rel).not.toContain('src="x"');
    expect(rel).toContain('href="#top"');
  });
});

describe('attachments', () => {
  it('blocks executables by extension and by magic bytes; keeps a real image with a safe name', async () => {
    const m = await parseRaw(exeAttachment());
    const r = screenAttachments(m.attachments, limits);
    expect(r.rejected.map((x) => x.filename)).toEqual(['invoice.pdf.exe', 'photo.jpg']);
    expect(r.rejected[1]!.reason).toContain('program');
    expect(r.accepted.map((x) => x.filename)).toEqual(['receipt.png']);
  });
  it('enforces per-file and per-message limits', () => {
    const a = (n: number) => ({ filename: `f${n}.txt`, contentType: 'text/plain', content: Buffer.alloc(600), contentId: null, inline: false });
    const r = screenAttachments([a(1), a(2), a(3)], { maxFileBytes: 1000, maxMessageBytes: 1300, maxCount: 50 });
    expect(r.accepted).toHaveLength(2);
    expect(r.rejected[0]!.reason).toContain('per message');
    expect(screenAttachments([{ ...a(4), content: Buffer.alloc(2000) }], { maxFileBytes: 1000, maxMessageBytes: 5000, maxCount: 5 }).rejected[0]!.reason).toContain('per file');
  });
  it('makes file names safe', () => {
    expect(safeFilename('..\\..\\win.ini', 'text/plain')).toBe('win.ini');
    expect(safeFilename('a\u202egpj.exe', 'x/y')).toBe('agpj.exe');
    expect(safeFilename(null, 'application/pdf')).toBe('attachment.pdf');
    expect(executableMagic(Buffer.from('\x7fELF....'))).toContain('ELF');
    expect(executableMagic(Buffer.from('%PDF-1.7'))).toBeNull();
  });
});

describe('settings', () => {
  it('matches inbound addresses, plus-addressing tokens and catch-all domains', () => {
    const s = emailSettingsSchema.parse({ inboundAddresses: ['Support@Shop.test', '@help.test'] });
    expect(matchInbound(s, 'support@shop.test')).toEqual({ ours: true, token: null });
    expect(matchInbound(s, 'support+0123456789abcdef0123@shop.test')).toEqual({ ours: true, token: '0123456789abcdef0123' });
    expect(matchInbound(s, 'anything@help.test').ours).toBe(true);
    expect(matchInbound(s, 'sales@shop.test').ours).toBe(false);
  });
});

describe('hostile input stays fast', () => {
  it('handles huge runs of unclosed tags in linear time', async () => {
    const { htmlToText } = await import('./mime.ts');
    const evil = `${'<div class="x '.repeat(20_000)}${'<script '.repeat(10_000)}<p>hi</p><div class="gmail_quote">old</div>`;
    const t0 = performance.now();
    trimQuotedHtml(evil);
    htmlToText(evil);
    sanitizeEmailHtml(evil, { remoteImages: 'block' });
    // Not a timing assertion on the code's speed: a guard against a quadratic blow-up (minutes, not ms).
    expect(performance.now() - t0).toBeLessThan(20_000);
    expect(htmlToText('<p>Hi&nbsp;<b>there</b></p><script>x()</script><p>a &lt; b</p>')).toBe('Hi there\na < b');
  });
});

/** A minimal zip (stored entries); `claims` overrides the uncompressed size its directory declares. */
function zip(entries: { name: string; data: string; claims?: number }[]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const data = Buffer.from(e.data);
    const l = Buffer.alloc(30);
    l.writeUInt32LE(0x04034b50, 0);
    l.writeUInt32LE(data.length, 18);
    l.writeUInt32LE(data.length, 22);
    l.writeUInt16LE(name.length, 26);
    locals.push(l, name, data);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt32LE(data.length, 20);
    c.writeUInt32LE(e.claims ?? data.length, 24);
    c.writeUInt16LE(name.length, 28);
    c.writeUInt32LE(offset, 42);
    central.push(c, name);
    offset += 30 + name.length + data.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

describe('archives', () => {
  const file = (content: Buffer) => ({ filename: 'photos.zip', contentType: 'application/zip', content, contentId: null, inline: false });
  it('keeps an ordinary zip, refuses one with a program inside or a bomb-sized claim, never unpacking', () => {
    expect(screenAttachments([file(zip([{ name: 'a.jpg', data: 'jpeg' }, { name: 'docs/b.pdf', data: 'pdf' }]))], limits).accepted).toHaveLength(1);
    expect(screenAttachments([file(zip([{ name: 'a.jpg', data: 'jpeg' }, { name: 'setup/Invoice.PDF.exe', data: 'MZ' }]))], limits).rejected[0]!.reason).toMatch(/contains a program \(Invoice\.PDF\.exe\)/);
    expect(screenAttachments([file(zip([{ name: 'big.txt', data: 'x'.repeat(1000), claims: 4_000_000_000 }]))], limits).rejected[0]!.reason).toMatch(/zip bomb/);
    expect(screenAttachments([file(Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(40)]))], limits).accepted).toHaveLength(1);
  });
});
