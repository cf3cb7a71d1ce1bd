import { badRequest } from '../../platform/http/problem.ts';
import { fromFields, headerMap, type InboundEmail, type RawAttachment } from './mime.ts';

export const INBOUND_EMAIL_PROVIDERS = ['raw', 'sendgrid', 'mailgun', 'postmark'] as const;
export type InboundEmailProvider = (typeof INBOUND_EMAIL_PROVIDERS)[number];

/** What a webhook body holds: a whole MIME message, or fields a provider parsed. */
export type WebhookMail = { kind: 'raw'; raw: Buffer; mailFrom?: string | null; rcptTo?: string[] } | { kind: 'parsed'; mail: InboundEmail; mailFrom?: string | null; rcptTo?: string[] };

type Form = Map<string, string> & { files?: RawAttachment[]; fileFields?: Map<string, RawAttachment> };

async function readForm(body: Buffer, contentType: string): Promise<Form> {
  let fd: FormData;
  try {
    fd = await new Response(new Uint8Array(body), { headers: { 'content-type': contentType } }).formData();
  } catch (e) {
    throw badRequest(`The form body could not be read (${(e as Error).message}). Send multipart/form-data or application/x-www-form-urlencoded.`);
  }
  const out: Form = new Map();
  out.files = [];
  out.fileFields = new Map();
  for (const [k, v] of fd.entries()) {
    if (typeof v === 'string') out.set(k, v);
    else {
      const a: RawAttachment = { filename: v.name || null, contentType: (v.type || 'application/octet-stream').toLowerCase(), content: Buffer.from(await v.arrayBuffer()), contentId: null, inline: false };
      out.files.push(a);
      out.fileFields.set(k, a);
    }
  }
  return out;
}

function json(body: Buffer): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(body.toString('utf8'));
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch (e) {
    throw badRequest(`The body is not valid JSON: ${(e as Error).message}`);
  }
  throw badRequest('The body must be a JSON object.');
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const isForm = (ct: string) => /^(multipart\/form-data|application\/x-www-form-urlencoded)/i.test(ct);

/**
 * Reads an inbound-parse webhook body:
 * - raw: the message itself (`message/rfc822`, or any non-form body), or a form / JSON with an `email`,
 *   `raw` or `body-mime` field holding it;
 * - sendgrid: Inbound Parse (the `email` field when "POST the raw, full MIME message" is on, else the
 *   parsed fields from, to, cc, subject, text, html, headers, envelope, attachment1…N);
 * - mailgun: routes' parsed fields (sender, from, recipient, subject, body-plain, body-html, Message-Id,
 *   In-Reply-To, References, message-headers, attachment-1…N), or `body-mime` for the MIME variant;
 * - postmark: inbound JSON (From, To, Cc, Subject, TextBody, HtmlBody, Headers, Attachments base64, or RawEmail).
 */
export async function readWebhook(provider: InboundEmailProvider, body: Buffer, contentType: string): Promise<WebhookMail> {
  if (!body.length) throw badRequest('The body is empty: send the email (see docs/support.md#email for each provider).');
  const ct = contentType.toLowerCase();
  if (provider === 'postmark' || (provider === 'raw' && ct.startsWith('application/json'))) {
    const j = json(body);
    const rawEmail = str(j.RawEmail) ?? str(j.raw) ?? str(j.email);
    if (rawEmail) return { kind: 'raw', raw: Buffer.from(rawEmail, 'utf8') };
    if (provider === 'raw') throw badRequest('A JSON body needs the message in a "raw" (or "email") field.');
    return { kind: 'parsed', mail: postmark(j), rcptTo: str(j.OriginalRecipient) ? [str(j.OriginalRecipient)!.toLowerCase()] : undefined };
  }
  if (!isForm(ct)) {
    if (provider !== 'raw') throw badRequest(`A ${provider} webhook sends a form (multipart/form-data); got ${contentType || 'no Content-Type'}.`);
    return { kind: 'raw', raw: body };
  }
  const f = await readForm(body, contentType);
  const raw = f.get('email') ?? f.get('body-mime') ?? f.get('raw');
  const envelope = sendgridEnvelope(f.get('envelope'));
  const rcptTo = envelope?.to ?? (f.get('recipient') ? f.get('recipient')!.split(',').map((x) => x.trim().toLowerCase()) : undefined);
  const mailFrom = envelope?.from ?? f.get('sender') ?? null;
  if (raw) return { kind: 'raw', raw: Buffer.from(raw, 'utf8'), rcptTo, mailFrom };
  if (provider === 'raw') throw badRequest('The form has no "email" field with the raw message.');
  return { kind: 'parsed', mail: provider === 'mailgun' ? mailgun(f) : sendgrid(f), rcptTo, mailFrom };
}

function sendgridEnvelope(v: string | undefined): { to: string[]; from: string | null } | undefined {
  if (!v) return undefined;
  try {
    const e = JSON.parse(v) as { to?: unknown; from?: unknown };
    return { to: Array.isArray(e.to) ? e.to.filter((x): x is string => typeof x === 'string').map((x) => x.toLowerCase()) : [], from: typeof e.from === 'string' ? e.from : null };
  } catch {
    return undefined;
  }
}

function sendgrid(f: Form): InboundEmail {
  const headers = f.get('headers') ? headerMap(splitHeaderBlock(f.get('headers')!)) : new Map<string, string>();
  let info: Record<string, { filename?: string; type?: string; 'content-id'?: string }> = {};
  try {
    info = f.get('attachment-info') ? (JSON.parse(f.get('attachment-info')!) as typeof info) : {};
  } catch { /* the files still come through without their names */ }
  const attachments: RawAttachment[] = [];
  for (const [k, a] of f.fileFields ?? []) {
    const i = info[k];
    attachments.push({ ...a, filename: i?.filename ?? a.filename, contentType: (i?.type ?? a.contentType).toLowerCase(), contentId: i?.['content-id'] ?? null, inline: !!i?.['content-id'] });
  }
  return fromFields({ from: f.get('from') ?? null, to: f.get('to'), cc: f.get('cc'), subject: f.get('subject'), text: f.get('text'), html: f.get('html'), headers, attachments });
}

function mailgun(f: Form): InboundEmail {
  let pairs: [string, string][] = [];
  try {
    const v: unknown = JSON.parse(f.get('message-headers') ?? '[]');
    if (Array.isArray(v)) pairs = v.filter((p): p is [string, string] => Array.isArray(p) && typeof p[0] === 'string' && typeof p[1] === 'string');
  } catch { /* fields below still carry the essentials */ }
  const headers = headerMap(pairs.map(([k, v]) => ({ key: k, line: `${k}: ${v}` })));
  let cids: Record<string, string> = {};
  try {
    cids = f.get('content-id-map') ? (JSON.parse(f.get('content-id-map')!) as Record<string, string>) : {};
  } catch { /* inline images then show as attachments */ }
  const cidOf = new Map(Object.entries(cids).map(([cid, field]) => [field, cid.replace(/^<|>$/g, '')]));
  const attachments = [...(f.fileFields ?? [])].map(([k, a]) => ({ ...a, contentId: cidOf.get(k) ?? null, inline: cidOf.has(k) }));
  return fromFields({
    from: f.get('from') ?? f.get('sender') ?? null, to: f.get('To') ?? f.get('to') ?? f.get('recipient'), cc: f.get('Cc') ?? f.get('cc'), subject: f.get('subject') ?? f.get('Subject'),
    text: f.get('body-plain'), html: f.get('body-html'), messageId: f.get('Message-Id') ?? f.get('message-id'), inReplyTo: f.get('In-Reply-To'), references: f.get('References'),
    date: f.get('Date'), headers, attachments,
  });
}

function postmark(j: Record<string, unknown>): InboundEmail {
  const pairs = Array.isArray(j.Headers) ? (j.Headers as unknown[]).filter((h): h is { Name: string; Value: string } => !!h && typeof (h as { Name?: unknown }).Name === 'string' && typeof (h as { Value?: unknown }).Value === 'string') : [];
  const headers = headerMap(pairs.map((h) => ({ key: h.Name, line: `${h.Name}: ${h.Value}` })));
  const attachments: RawAttachment[] = [];
  for (const a of Array.isArray(j.Attachments) ? (j.Attachments as unknown[]) : []) {
    const x = a as { Name?: unknown; Content?: unknown; ContentType?: unknown; ContentID?: unknown };
    if (typeof x.Content !== 'string') continue;
    const cid = typeof x.ContentID === 'string' && x.ContentID ? x.ContentID.replace(/^<|>$/g, '') : null;
    attachments.push({ filename: str(x.Name), contentType: (str(x.ContentType) ?? 'application/octet-stream').toLowerCase(), content: Buffer.from(x.Content, 'base64'), contentId: cid, inline: !!cid });
  }
  const fromFull = j.FromFull as { Email?: unknown; Name?: unknown } | undefined;
  const from = typeof fromFull?.Email === 'string' ? (typeof fromFull.Name === 'string' && fromFull.Name ? `"${fromFull.Name.replace(/"/g, '')}" <${fromFull.Email}>` : fromFull.Email) : str(j.From);
  // Postmark's own MessageID is not the email's Message-ID header: that one is among Headers.
  return fromFields({ from, to: str(j.To), cc: str(j.Cc), subject: str(j.Subject), text: str(j.TextBody) ?? str(j.StrippedTextReply), html: str(j.HtmlBody), date: str(j.Date), headers, attachments });
}

function splitHeaderBlock(block: string): { key: string; line: string }[] {
  const out: { key: string; line: string }[] = [];
  for (const line of block.replace(/\r\n/g, '\n').split('\n')) {
    if (/^[ \t]/.test(line) && out.length) out[out.length - 1]!.line += `\n${line}`;
    else if (line.includes(':')) out.push({ key: line.slice(0, line.indexOf(':')).trim(), line });
  }
  return out;
}
