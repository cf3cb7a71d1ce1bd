import { createHash, createHmac, createPublicKey, timingSafeEqual, verify as verifySignature } from 'node:crypto';
import { simpleParser } from 'mailparser';

/**
 * Bounce reports and provider webhooks, read into one shape (docs/messaging.md, "Bounces and
 * suppressions"). Pure: no database. bounces.ts applies them.
 */

export type InboundType = 'delivered' | 'bounced' | 'complained' | 'unsubscribed' | 'deferred';

export interface InboundEvent {
  provider: string;
  /** Unique per provider event: a replay with the same id changes nothing. */
  eventId: string;
  type: InboundType;
  bounceType?: 'hard' | 'soft';
  /** RFC 3463 enhanced status (5.1.1) or the SMTP reply code. */
  status?: string;
  reason?: string;
  /** Patron's message id, when the provider echoes it (X-Patron-Message-Id, custom args, metadata). */
  messageId?: string;
  /** The provider's or the SMTP Message-ID of the message. */
  providerMessageId?: string;
  recipient?: string;
  at: Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: unknown): s is string => typeof s === 'string' && UUID.test(s);

/**
 * Hard or soft from an enhanced status code (RFC 3463) or an SMTP reply code. 5.x.x is permanent,
 * except a full mailbox (5.2.2) and policy / reputation blocks (5.7.x), which say nothing about the
 * address and usually pass: those count as soft, so three in a row still suppress.
 */
export function classifyStatus(status: string | undefined, diagnostic = ''): 'hard' | 'soft' | undefined {
  const s = status?.trim() ?? '';
  const enhanced = /^([245])\.(\d{1,3})\.(\d{1,3})$/.exec(s) ?? /\b([245])\.(\d{1,3})\.(\d{1,3})\b/.exec(diagnostic);
  if (enhanced) {
    const [, cls, subject] = enhanced;
    if (cls === '4') return 'soft';
    if (cls === '5') return subject === '7' || `${cls}.${subject}.${enhanced[3]}` === '5.2.2' ? 'soft' : 'hard';
    return undefined;
  }
  const reply = /^([45])\d\d$/.exec(s) ?? /\b([45])\d\d\b/.exec(diagnostic);
  if (reply) return reply[1] === '5' ? 'hard' : 'soft';
  return undefined;
}

const stripAngles = (s: string | undefined) => s?.trim().replace(/^<|>$/g, '') || undefined;
const PATRON_HEADER = /^X-Patron-Message-Id:\s*([0-9a-f-]{36})\s*$/im;

/** Header fields of a block ("Name: value" lines, continuation lines unfolded), names lower-cased. */
function fields(block: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of block.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const m = /^([A-Za-z][\w-]*):\s*(.*)$/.exec(line);
    if (m && !out.has(m[1]!.toLowerCase())) out.set(m[1]!.toLowerCase(), m[2]!.trim());
  }
  return out;
}

/** Reads an RFC 3464 delivery status notification (one event per failed or delayed recipient). */
export async function parseDsn(raw: Buffer): Promise<InboundEvent[]> {
  const mail = await simpleParser(raw, { skipHtmlToText: true, skipTextLinks: true, skipImageLinks: true });
  const texts: string[] = [];
  let original = '';
  for (const a of mail.attachments) {
    const type = a.contentType.toLowerCase();
    if (type.includes('delivery-status')) texts.push(a.content.toString('utf8'));
    if (type === 'message/rfc822' || type === 'text/rfc822-headers' || type === 'message/global' || type === 'message/global-headers') original += `${a.content.toString('utf8')}\n`;
  }
  // mailparser reads message/delivery-status as text: the fields are in the text part then.
  texts.push(mail.text ?? '');
  const rawText = raw.toString('utf8');
  const patronId = PATRON_HEADER.exec(original)?.[1] ?? PATRON_HEADER.exec(rawText)?.[1];
  const origHeaders = fields(original.split(/\r?\n\r?\n/)[0] ?? '');
  const providerMessageId = stripAngles(origHeaders.get('message-id'));
  const at = mail.date ?? new Date();
  const baseId = stripAngles(mail.messageId) ?? createHash('sha256').update(raw).digest('hex');

  const events: InboundEvent[] = [];
  const seen = new Set<string>();
  for (const block of texts.join('\n\n').split(/\r?\n\s*\r?\n/)) {
    const f = fields(block);
    const recipientField = f.get('final-recipient') ?? f.get('original-recipient');
    const action = f.get('action')?.toLowerCase();
    if (!recipientField || !action) continue;
    const recipient = recipientField.replace(/^[\w-]+\s*;\s*/, '').replace(/^<|>$/g, '').trim().toLowerCase();
    if (seen.has(recipient)) continue;
    seen.add(recipient);
    const status = f.get('status')?.split(/\s/)[0];
    const diagnostic = f.get('diagnostic-code') ?? '';
    const common = { provider: 'dsn', eventId: `${baseId}:${recipient}`, status, reason: diagnostic.replace(/^[\w-]+;\s*/, '') || undefined, messageId: patronId, providerMessageId, recipient, at };
    if (action === 'failed') events.push({ ...common, type: 'bounced', bounceType: classifyStatus(status, diagnostic) ?? 'hard' });
    else if (action === 'delayed') events.push({ ...common, type: 'deferred' });
    else if (action === 'delivered' || action === 'relayed' || action === 'expanded') events.push({ ...common, type: 'delivered' });
  }
  return events;
}

// --- provider webhooks -------------------------------------------------------------------------

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : typeof v === 'number' ? String(v) : undefined);
const unixTime = (v: unknown): Date => {
  const n = Number(v);
  return Number.isFinite(n) && n > 0 ? new Date(n * 1000) : new Date();
};
const isoTime = (v: unknown): Date => {
  const d = typeof v === 'string' ? new Date(v) : new Date(NaN);
  return Number.isNaN(d.getTime()) ? new Date() : d;
};

/** Thrown for a body that is not the provider's shape; the route answers 400 with the message. */
export class InboundShapeError extends Error {}

/** SendGrid Event Webhook: a JSON array of events. Custom arg `patron_message_id` names our message. */
export function parseSendgrid(body: unknown): InboundEvent[] {
  if (!Array.isArray(body)) throw new InboundShapeError('A SendGrid event webhook body is a JSON array of events.');
  const out: InboundEvent[] = [];
  for (const raw of body) {
    const e = obj(raw);
    const event = str(e.event);
    const eventId = str(e.sg_event_id);
    if (!event || !eventId) continue;
    const base = {
      provider: 'sendgrid', eventId, messageId: isUuid(e.patron_message_id) ? e.patron_message_id : undefined,
      providerMessageId: stripAngles(str(e['smtp-id'])) ?? str(e.sg_message_id)?.split('.filter')[0], recipient: str(e.email)?.toLowerCase(), at: unixTime(e.timestamp),
    };
    const reason = str(e.reason) ?? str(e.response);
    if (event === 'delivered') out.push({ ...base, type: 'delivered' });
    else if (event === 'deferred') out.push({ ...base, type: 'deferred', reason });
    else if (event === 'bounce') {
      const status = str(e.status);
      out.push({ ...base, type: 'bounced', status, reason, bounceType: str(e.type) === 'blocked' ? 'soft' : classifyStatus(status, reason ?? '') ?? 'hard' });
    } else if (event === 'dropped') {
      // Dropped: SendGrid did not even try, because of its own lists.
      if (/bounced|invalid/i.test(reason ?? '')) out.push({ ...base, type: 'bounced', bounceType: 'hard', reason });
      else if (/spam/i.test(reason ?? '')) out.push({ ...base, type: 'complained', reason });
      else if (/unsubscribed/i.test(reason ?? '')) out.push({ ...base, type: 'unsubscribed', reason });
    } else if (event === 'spamreport') out.push({ ...base, type: 'complained' });
    else if (event === 'unsubscribe' || event === 'group_unsubscribe') out.push({ ...base, type: 'unsubscribed' });
  }
  return out;
}

/** Mailgun webhooks: `{ signature, "event-data" }`; user variable `patron_message_id` names our message. */
export function parseMailgun(body: unknown): InboundEvent[] {
  const d = obj(obj(body)['event-data']);
  const event = str(d.event);
  const eventId = str(d.id);
  if (!event || !eventId) throw new InboundShapeError('A Mailgun webhook body has "event-data" with "event" and "id".');
  const vars = obj(d['user-variables']);
  const status = obj(d['delivery-status']);
  const base = {
    provider: 'mailgun', eventId, messageId: isUuid(vars.patron_message_id) ? vars.patron_message_id : undefined,
    providerMessageId: stripAngles(str(obj(obj(d.message).headers)['message-id'])), recipient: str(d.recipient)?.toLowerCase(), at: unixTime(d.timestamp),
  };
  const reason = str(status.description) || str(status.message) || str(d.reason);
  if (event === 'delivered') return [{ ...base, type: 'delivered' }];
  if (event === 'failed') {
    const code = str(status['enhanced-code']) ?? str(status.code);
    return [{ ...base, type: 'bounced', status: code, reason, bounceType: str(d.severity) === 'permanent' ? 'hard' : 'soft' }];
  }
  if (event === 'complained') return [{ ...base, type: 'complained' }];
  if (event === 'unsubscribed') return [{ ...base, type: 'unsubscribed' }];
  return [];
}

const POSTMARK_HARD = new Set(['HardBounce', 'BadEmailAddress', 'ManuallyDeactivated', 'Blocked', 'SpamNotification']);
const POSTMARK_SOFT = new Set(['SoftBounce', 'Transient', 'DnsError', 'Unknown']);

/** Postmark's record IDs are 64-bit integers, beyond a JS number: read them as text before JSON.parse rounds them. */
export function postmarkJson(raw: string): string {
  return raw.replace(/"ID"\s*:\s*(-?\d+)/g, '"ID":"$1"');
}

/** Postmark webhooks: one record per request (Delivery, Bounce, SpamComplaint); metadata `patron_message_id`. */
export function parsePostmark(body: unknown): InboundEvent[] {
  const b = obj(body);
  const kind = str(b.RecordType);
  if (!kind) throw new InboundShapeError('A Postmark webhook body has a "RecordType".');
  const meta = obj(b.Metadata);
  const pmId = str(b.MessageID);
  const base = { provider: 'postmark', messageId: isUuid(meta.patron_message_id) ? meta.patron_message_id : undefined, providerMessageId: pmId };
  if (kind === 'Delivery') return [{ ...base, eventId: `delivery:${pmId ?? str(b.Recipient)}`, type: 'delivered', recipient: str(b.Recipient)?.toLowerCase(), at: isoTime(b.DeliveredAt) }];
  if (kind === 'Bounce') {
    const type = str(b.Type) ?? '';
    const bounceType = POSTMARK_HARD.has(type) ? 'hard' : POSTMARK_SOFT.has(type) ? 'soft' : undefined;
    if (!bounceType) return [];
    return [{ ...base, eventId: `bounce:${str(b.ID) ?? pmId}`, type: 'bounced', bounceType, status: type, reason: str(b.Description) ?? str(b.Details), recipient: str(b.Email)?.toLowerCase(), at: isoTime(b.BouncedAt) }];
  }
  if (kind === 'SpamComplaint') return [{ ...base, eventId: `complaint:${str(b.ID) ?? pmId}`, type: 'complained', recipient: str(b.Email)?.toLowerCase(), at: isoTime(b.BouncedAt) }];
  return [];
}

const GENERIC_TYPES = new Set<InboundType>(['delivered', 'bounced', 'complained', 'unsubscribed', 'deferred']);

/**
 * Patron's own shape, for any provider or relay: `{ "events": [ { "id", "type", "messageId"?,
 * "providerMessageId"?, "email"?, "bounceType"?, "status"?, "reason"?, "occurredAt"? } ] }`.
 */
export function parseGeneric(body: unknown): InboundEvent[] {
  const b = obj(body);
  const list = Array.isArray(body) ? body : Array.isArray(b.events) ? b.events : b.type ? [b] : null;
  if (!list) throw new InboundShapeError('Send {"events": [{"id", "type", "messageId" or "email", …}]}.');
  return list.map((raw, i) => {
    const e = obj(raw);
    const type = str(e.type) as InboundType | undefined;
    const id = str(e.id);
    if (!id) throw new InboundShapeError(`events[${i}].id is required (a unique id of the event, so a replay changes nothing).`);
    if (!type || !GENERIC_TYPES.has(type)) throw new InboundShapeError(`events[${i}].type must be one of ${[...GENERIC_TYPES].join(', ')}.`);
    if (!isUuid(e.messageId) && !str(e.providerMessageId) && !str(e.email)) throw new InboundShapeError(`events[${i}] needs messageId, providerMessageId or email.`);
    const bt = str(e.bounceType);
    const status = str(e.status);
    return {
      provider: 'generic', eventId: id, type, status, reason: str(e.reason), messageId: isUuid(e.messageId) ? e.messageId : undefined,
      providerMessageId: stripAngles(str(e.providerMessageId)), recipient: str(e.email)?.toLowerCase(), at: isoTime(e.occurredAt),
      ...(type === 'bounced' ? { bounceType: bt === 'hard' || bt === 'soft' ? bt : classifyStatus(status) ?? 'hard' } : {}),
    };
  });
}

// --- signatures ----------------------------------------------------------------------------------

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Mailgun: hex HMAC-SHA256 of timestamp + token with the webhook signing key. */
export function verifyMailgun(signingKey: string, body: unknown): boolean {
  const s = obj(obj(body).signature);
  const ts = str(s.timestamp);
  const token = str(s.token);
  const sig = str(s.signature);
  if (!ts || !token || !sig) return false;
  return sameText(createHmac('sha256', signingKey).update(ts + token).digest('hex'), sig.toLowerCase());
}

/** SendGrid Signed Event Webhook: ECDSA (P-256, SHA-256) over timestamp + raw body; the key is base64 DER (SPKI) or PEM. */
export function verifySendgrid(publicKey: string, raw: Buffer, signature: string | undefined, timestamp: string | undefined): boolean {
  if (!signature || !timestamp) return false;
  try {
    const key = publicKey.includes('BEGIN') ? createPublicKey(publicKey) : createPublicKey({ key: Buffer.from(publicKey, 'base64'), format: 'der', type: 'spki' });
    return verifySignature('sha256', Buffer.concat([Buffer.from(timestamp), raw]), key, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

/** Patron's generic webhooks: `X-Patron-Signature: sha256=<hex HMAC-SHA256 of the raw body with the inbound token>`. */
export function verifyGenericSignature(token: string, raw: Buffer, header: string | undefined): boolean {
  const m = /^sha256=([0-9a-f]{64})$/i.exec(header?.trim() ?? '');
  return !!m && sameText(createHmac('sha256', token).update(raw).digest('hex'), m[1]!.toLowerCase());
}
