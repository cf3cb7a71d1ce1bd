import { createHash } from 'node:crypto';
import { simpleParser, type AddressObject } from 'mailparser';
import sanitizeHtml from 'sanitize-html';

/** One received attachment, as sent (nothing trusted yet: see attachments.ts). */
export interface RawAttachment {
  filename: string | null;
  contentType: string;
  content: Buffer;
  contentId: string | null;
  inline: boolean;
}

export interface Address {
  address: string;
  name: string | null;
}

/** An inbound email, whatever it came through (SMTP, raw MIME webhook, a provider's parsed fields). */
export interface InboundEmail {
  /** `<id@host>` as sent, or null. */
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  from: Address | null;
  to: Address[];
  cc: Address[];
  subject: string;
  text: string;
  html: string | null;
  date: Date | null;
  /** Top-level Content-Type (with parameters), e.g. `multipart/report; report-type=delivery-status`. */
  contentType: string;
  /** Header name (lower case) → raw value (unfolded); repeated headers joined by ', '. */
  headers: Map<string, string>;
  attachments: RawAttachment[];
}

/** The message cannot be read as email; the text says why (shown to admins). */
export class MalformedEmailError extends Error {}

const MAX_REFERENCES = 50;

/** `<x@y>` form of a Message-ID-ish value; null for junk. */
export function normMessageId(v: string | null | undefined): string | null {
  if (!v) return null;
  const s = v.trim().replace(/^<|>$/g, '').trim();
  if (!s || s.length > 900 || /[\s<>]/.test(s)) return null;
  return `<${s}>`;
}

/** Message-IDs in a References / In-Reply-To header value. */
export function messageIdList(v: string | string[] | null | undefined): string[] {
  const raw = Array.isArray(v) ? v.join(' ') : (v ?? '');
  const found = raw.match(/<[^<>\s]+>/g) ?? raw.split(/[\s,]+/);
  const out: string[] = [];
  for (const x of found) {
    const n = normMessageId(x);
    if (n && !out.includes(n)) out.push(n);
  }
  return out.slice(-MAX_REFERENCES);
}

const EMAIL_RE = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/;
export const isEmail = (s: string): boolean => s.length <= 254 && EMAIL_RE.test(s);

/** Parses `"Ann" <ann@x.com>, bob@y.com` into addresses (invalid ones dropped). */
export function parseAddressList(v: string | null | undefined): Address[] {
  if (!v) return [];
  const out: Address[] = [];
  // Split on commas outside quotes and angle brackets.
  const parts: string[] = [];
  let cur = '';
  let q = false;
  let a = false;
  for (const ch of v) {
    if (ch === '"') q = !q;
    else if (ch === '<' && !q) a = true;
    else if (ch === '>' && !q) a = false;
    if ((ch === ',' || ch === ';') && !q && !a) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  for (const p of parts) {
    const m = /^\s*(?:"?([^"<]*?)"?\s*)?<([^<>]+)>\s*$/.exec(p);
    const address = (m ? m[2]! : p).trim().toLowerCase();
    const name = m?.[1]?.trim() || null;
    if (isEmail(address)) out.push({ address, name });
  }
  return out;
}

function fromAddressObject(o: AddressObject | AddressObject[] | undefined): Address[] {
  const list = Array.isArray(o) ? o : o ? [o] : [];
  const out: Address[] = [];
  for (const x of list) {
    for (const v of x.value) {
      const address = (v.address ?? '').trim().toLowerCase();
      if (isEmail(address)) out.push({ address, name: v.name?.trim() || null });
      for (const g of v.group ?? []) {
        const ga = (g.address ?? '').trim().toLowerCase();
        if (isEmail(ga)) out.push({ address: ga, name: g.name?.trim() || null });
      }
    }
  }
  return out;
}

/** Header map from raw header lines ("Key: value", possibly folded). */
export function headerMap(lines: ReadonlyArray<{ key: string; line: string }>): Map<string, string> {
  const m = new Map<string, string>();
  for (const { key, line } of lines) {
    const i = line.indexOf(':');
    const v = (i >= 0 ? line.slice(i + 1) : '').replace(/\r?\n[ \t]+/g, ' ').trim();
    const k = key.toLowerCase();
    m.set(k, m.has(k) ? `${m.get(k)}, ${v}` : v);
  }
  return m;
}

/** Parses a raw RFC 5322 message. Throws MalformedEmailError when it is not email at all. */
export async function parseRaw(raw: Buffer): Promise<InboundEmail> {
  if (!raw.length) throw new MalformedEmailError('The message is empty.');
  // A message starts with header fields: "Name: value". Binary junk or a body without headers is not email.
  const head = raw.subarray(0, 4096).toString('latin1');
  if (!/^[\x21-\x39\x3b-\x7e]+:/.test(head.replace(/^(\r?\n)+/, '').replace(/^From [^\r\n]*\r?\n/, ''))) {
    throw new MalformedEmailError('The message does not start with header fields (not RFC 5322 email).');
  }
  let mail;
  try {
    mail = await simpleParser(raw, { skipImageLinks: true, skipTextLinks: true, maxHtmlLengthToParse: 2_000_000 });
  } catch (e) {
    throw new MalformedEmailError(`The MIME structure could not be parsed: ${(e as Error).message}`);
  }
  const headers = headerMap(mail.headerLines);
  const ct = headers.get('content-type') ?? 'text/plain';
  return {
    messageId: normMessageId(mail.messageId),
    inReplyTo: messageIdList(mail.inReplyTo)[0] ?? null,
    references: messageIdList(mail.references),
    from: fromAddressObject(mail.from)[0] ?? parseAddressList(headers.get('from'))[0] ?? null,
    to: fromAddressObject(mail.to),
    cc: fromAddressObject(mail.cc),
    subject: (mail.subject ?? '').trim(),
    text: mail.text ?? '',
    html: typeof mail.html === 'string' ? mail.html : null,
    date: mail.date && !Number.isNaN(mail.date.getTime()) ? mail.date : null,
    contentType: ct,
    headers,
    attachments: mail.attachments.map((a) => ({
      filename: a.filename ?? null, contentType: (a.contentType || 'application/octet-stream').toLowerCase(), content: a.content,
      contentId: a.contentId ? a.contentId.replace(/^<|>$/g, '') : null, inline: a.contentDisposition === 'inline' || (!!a.contentId && a.related === true),
    })),
  };
}

/** A provider's parsed fields into the same shape as a parsed raw message. */
export function fromFields(f: {
  from: string | null; to?: string | null; cc?: string | null; subject?: string | null; text?: string | null; html?: string | null;
  messageId?: string | null; inReplyTo?: string | null; references?: string | null; date?: string | null; headers?: Map<string, string>;
  attachments?: RawAttachment[];
}): InboundEmail {
  const headers = f.headers ?? new Map<string, string>();
  const html = f.html?.trim() ? f.html : null;
  let text = f.text ?? '';
  if (!text.trim() && html) text = htmlToText(html);
  const date = f.date ? new Date(f.date) : null;
  return {
    messageId: normMessageId(f.messageId ?? headers.get('message-id')),
    inReplyTo: messageIdList(f.inReplyTo ?? headers.get('in-reply-to'))[0] ?? null,
    references: messageIdList(f.references ?? headers.get('references')),
    from: parseAddressList(f.from ?? headers.get('from'))[0] ?? null,
    to: parseAddressList(f.to ?? headers.get('to')),
    cc: parseAddressList(f.cc ?? headers.get('cc')),
    subject: (f.subject ?? headers.get('subject') ?? '').trim(),
    text,
    html,
    date: date && !Number.isNaN(date.getTime()) ? date : null,
    contentType: headers.get('content-type') ?? (html ? 'text/html' : 'text/plain'),
    headers,
    attachments: f.attachments ?? [],
  };
}

/** Plain text of an HTML body (for messages that came without a text part). A real parser, not regexes: linear on any input. */
export function htmlToText(html: string): string {
  const marked = html.replace(/<br\s*\/?>/gi, '\n').replace(/<\/(p|div|tr|li|h\d|blockquote)\s*>/gi, '$&\n');
  return sanitizeHtml(marked, { allowedTags: [], allowedAttributes: {}, nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'title', 'head'] })
    .replace(/&nbsp;|\u00a0/g, ' ').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&')
    .replace(/[ \t]+\n/g, '\n').replace(/\n{3,}/g, '\n\n').trim();
}

/** A stable id for a message without a Message-ID (retries of the same bytes dedupe). */
export function contentId(e: InboundEmail, raw?: Buffer): string {
  const h = createHash('sha256');
  if (raw) h.update(raw);
  else h.update(JSON.stringify([e.from?.address, e.subject, e.text, e.date?.toISOString() ?? null, e.to.map((x) => x.address)]));
  return `sha256:${h.digest('hex').slice(0, 40)}`;
}

interface StoredEmail {
  v: 1;
  messageId: string | null; inReplyTo: string | null; references: string[]; from: Address | null; to: Address[]; cc: Address[];
  subject: string; text: string; html: string | null; date: string | null; contentType: string; headers: [string, string][];
  attachments: { filename: string | null; contentType: string; content: string; contentId: string | null; inline: boolean }[];
}

/** A provider-parsed email as bytes to keep (JSON, attachments base64): it can be shown and processed again. */
export function storeParsed(e: InboundEmail): Buffer {
  const s: StoredEmail = {
    v: 1, messageId: e.messageId, inReplyTo: e.inReplyTo, references: e.references, from: e.from, to: e.to, cc: e.cc, subject: e.subject, text: e.text,
    html: e.html, date: e.date?.toISOString() ?? null, contentType: e.contentType, headers: [...e.headers],
    attachments: e.attachments.map((a) => ({ ...a, content: a.content.toString('base64') })),
  };
  return Buffer.from(JSON.stringify(s));
}

/** The inverse of storeParsed. */
export function loadParsed(b: Buffer): InboundEmail {
  const s = JSON.parse(b.toString('utf8')) as StoredEmail;
  if (s.v !== 1) throw new MalformedEmailError('Unknown stored email format.');
  return {
    ...s, date: s.date ? new Date(s.date) : null, headers: new Map(s.headers),
    attachments: s.attachments.map((a) => ({ ...a, content: Buffer.from(a.content, 'base64') })),
  };
}
