import { htmlToText, type InboundEmail } from './mime.ts';

export type Verdict = { kind: 'bounce' | 'auto_reply'; reason: string } | { kind: 'human' };

// Subjects of out-of-office and auto-reply messages in the languages stores meet most.
const AUTO_SUBJECT = /^\s*(?:\[?auto(?:matic)?[\s-]*(?:reply|response|answer)\]?|out of (?:the )?office|ooo\b|autoreply|abwesenheit|automatische antwort|r[ée]ponse automatique|absence du bureau|respuesta autom[áa]tica|fuera de la oficina|risposta automatica|fuori ufficio|afwezig|automatisch antwoord|autosvar|poza biurem|automatyczna odpowied[źz])/i;
const DAEMON = /^(?:mailer-daemon|postmaster|mail-daemon|mailerdaemon)@/i;

/**
 * Bounces (RFC 3464 DSNs, MAILER-DAEMON) and automatic replies (RFC 3834 Auto-Submitted, the common
 * X-Autoreply / X-Autorespond / Precedence headers, out-of-office subjects): none of them may become a
 * ticket, or two auto-responders would mail each other forever.
 * `envelopeFrom` is the SMTP MAIL FROM ('' = the null sender <> that bounces use), when known.
 */
export function classify(e: InboundEmail, envelopeFrom?: string | null): Verdict {
  const h = e.headers;
  const ct = e.contentType.toLowerCase();
  if (ct.startsWith('multipart/report') && /report-type\s*=\s*"?delivery-status/.test(ct)) return { kind: 'bounce', reason: 'delivery status notification (multipart/report; report-type=delivery-status)' };
  if (e.from && DAEMON.test(e.from.address)) return { kind: 'bounce', reason: `sent by ${e.from.address}` };
  if (h.has('x-failed-recipients')) return { kind: 'bounce', reason: 'X-Failed-Recipients header' };
  const auto = h.get('auto-submitted')?.toLowerCase().split(';')[0]?.trim();
  if (auto && auto !== 'no') return { kind: 'auto_reply', reason: `Auto-Submitted: ${auto}` };
  for (const k of ['x-autoreply', 'x-autorespond', 'x-autoresponder']) if (h.has(k)) return { kind: 'auto_reply', reason: `${k} header` };
  const prec = h.get('precedence')?.toLowerCase().trim();
  if (prec && ['bulk', 'auto_reply', 'list', 'junk'].includes(prec)) return { kind: 'auto_reply', reason: `Precedence: ${prec}` };
  if (h.get('x-auto-response-suppress')?.toLowerCase().includes('oof') && /^(automatic reply|out of office)/i.test(e.subject)) return { kind: 'auto_reply', reason: 'Exchange out-of-office' };
  if (AUTO_SUBJECT.test(e.subject)) return { kind: 'auto_reply', reason: `out-of-office subject "${e.subject.slice(0, 80)}"` };
  if (envelopeFrom === '') return { kind: 'auto_reply', reason: 'null envelope sender (MAIL FROM:<>)' };
  return { kind: 'human' };
}

// Lines that start the quoted previous message in replies from Gmail, Apple Mail, Outlook, Thunderbird
// and their translations.
const QUOTE_HEADERS: RegExp[] = [
  /^On\b.{0,300}\bwrote:\s*$/i,
  /^Le\b.{0,300}\ba écrit\s*:\s*$/i,
  /^Am\b.{0,300}\bschrieb.{0,100}:\s*$/i,
  /^El\b.{0,300}\bescribió:\s*$/i,
  /^Il giorno\b.{0,300}\bha scritto:\s*$/i,
  /^Op\b.{0,300}\bschreef.{0,100}:\s*$/i,
  /^-{2,}\s*(?:Original Message|Ursprüngliche Nachricht|Message d'origine|Mensaje original)\s*-{2,}\s*$/i,
  /^_{20,}\s*$/,
];

/**
 * The new part of a reply, without the quoted history below it (for display; the full original is kept).
 * `quoted` says whether anything was cut.
 */
export function trimQuotedText(text: string): { text: string; quoted: boolean } {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  let cut = -1;
  for (let i = 0; i < lines.length && cut < 0; i++) {
    const line = lines[i]!.trim();
    const two = `${line} ${lines[i + 1]?.trim() ?? ''}`;
    if (QUOTE_HEADERS.some((r) => r.test(line))) cut = i;
    else if (/^On\b/i.test(line) && /\bwrote:\s*$/i.test(two) && two.length < 300) cut = i;
    else if (/^From:\s/i.test(line) && lines.slice(i + 1, i + 5).some((l) => /^(Sent|Date|Gesendet|Envoyé|Enviado):\s/i.test(l.trim()))) cut = i;
  }
  if (cut < 0) {
    // Only a trailing block of "> " lines.
    let j = lines.length;
    while (j > 0 && (lines[j - 1]!.startsWith('>') || !lines[j - 1]!.trim())) j--;
    if (j < lines.length && lines.slice(j).some((l) => l.startsWith('>'))) cut = j;
  }
  if (cut <= 0) return { text: text.trim(), quoted: false };
  const kept = lines.slice(0, cut).join('\n').trim();
  return kept ? { text: kept, quoted: true } : { text: text.trim(), quoted: false };
}

// Where the quoted history starts in HTML replies: Gmail, Outlook (web and desktop), Apple Mail, Yahoo, Thunderbird.
// Checked per opening tag (at most 400 characters of it), after a cheap substring test, so a hostile message
// of unclosed tags stays linear.
const HTML_QUOTE_MARKERS: [string, RegExp][] = [
  ['gmail_quote', /\bclass="?[^">]*\bgmail_quote\b/i],
  ['appendonsend', /\bid="?appendonsend\b/i],
  ['divrplyfwdmsg', /\bid="?divRplyFwdMsg\b/i],
  ['stopspelling', /\bid="?stopSpelling\b/i],
  ['yahoo_quoted', /\bclass="?[^">]*\byahoo_quoted\b/i],
  ['mail-editor-reference-message-container', /\bid="?mail-editor-reference-message-container\b/i],
  ['cite', /^<blockquote\b[^>]*\btype="?cite\b/i],
  ['moz-cite-prefix', /\bclass="?[^">]*\bmoz-cite-prefix\b/i],
];
const QUOTE_TAG = /<(?:div|hr|blockquote)\b/gi;

/** HTML without the quoted history (cut at the first marker; the sanitiser closes what is left open). */
export function trimQuotedHtml(html: string): { html: string; quoted: boolean } {
  let at = -1;
  for (const m of html.matchAll(QUOTE_TAG)) {
    const window = html.slice(m.index, m.index + 400);
    const close = window.indexOf('>');
    const tag = close >= 0 ? window.slice(0, close + 1) : window;
    const lower = tag.toLowerCase();
    if (HTML_QUOTE_MARKERS.some(([needle, r]) => lower.includes(needle) && r.test(tag))) {
      at = m.index;
      break;
    }
  }
  if (at <= 0) return { html, quoted: false };
  const kept = html.slice(0, at);
  // Nothing visible before the quote (a forward, or top-quoting): keep it all.
  if (!htmlToText(kept).replace(/\s/g, '')) return { html, quoted: false };
  return { html: kept, quoted: true };
}
