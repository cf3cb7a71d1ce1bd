import type { PreferencePage } from './preferences.service.ts';

/**
 * The pages recipients see (unsubscribe, preference centre, double opt-in, bad links): server-rendered,
 * in the store's name and colour, self-contained (no script, no external asset), readable on a phone.
 */

export interface Brand {
  storeName: string;
  /** #rrggbb */
  color: string;
}

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

export function brandColor(c: string | null | undefined): string {
  return c && /^#[0-9a-f]{6}$/i.test(c) ? c : '#111827';
}

const CSS = `
*{box-sizing:border-box}
body{margin:0;background:#f3f4f6;color:#1f2933;font:16px/1.55 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,Helvetica,Arial,sans-serif}
.wrap{max-width:560px;margin:0 auto;padding:40px 16px 56px}
.store{text-align:center;font-weight:700;font-size:22px;color:var(--brand);margin:0 0 24px}
.card{background:#fff;border:1px solid #e5e7eb;border-radius:14px;padding:32px}
h1{font-size:24px;line-height:1.3;margin:0 0 12px;color:#111827}
p{margin:0 0 16px}
a{color:var(--brand);text-underline-offset:2px}
.muted{color:#6b7280;font-size:14px}
.notice{border-radius:10px;padding:12px 14px;margin:0 0 20px;font-size:15px;background:#ecfdf5;color:#065f46;border:1px solid #a7f3d0}
.notice.warn{background:#fffbeb;color:#92400e;border-color:#fde68a}
.btn{display:inline-block;border:0;border-radius:8px;padding:12px 22px;font:600 16px/1.2 inherit;font-family:inherit;cursor:pointer;text-decoration:none;background:var(--brand);color:#fff}
.btn.secondary{background:#fff;color:#111827;border:1px solid #d1d5db}
.btn.link{background:none;color:#b91c1c;padding:12px 0;text-decoration:underline}
.btn:focus-visible{outline:3px solid #93c5fd;outline-offset:2px}
.actions{display:flex;flex-wrap:wrap;gap:12px;align-items:center;margin-top:24px}
fieldset{border:0;padding:0;margin:0 0 20px}
legend{font-weight:600;margin-bottom:8px;color:#111827}
.topic{display:flex;gap:12px;align-items:flex-start;padding:12px 0;border-top:1px solid #eef0f3}
.topic:first-of-type{border-top:0}
.topic input{margin-top:5px;width:18px;height:18px;accent-color:var(--brand)}
.topic .d{display:block;color:#6b7280;font-size:14px}
.radio{display:flex;gap:10px;align-items:center;padding:6px 0}
.radio input{width:18px;height:18px;accent-color:var(--brand)}
hr{border:0;border-top:1px solid #eef0f3;margin:24px 0}
footer{text-align:center;color:#9ca3af;font-size:13px;margin-top:20px}
@media (max-width:480px){.card{padding:24px 20px}.actions .btn{width:100%;text-align:center}}
`;

/** A whole page around `body`. */
export function page(b: Brand, title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex">
<title>${esc(title)} · ${esc(b.storeName)}</title><style>:root{--brand:${brandColor(b.color)}}${CSS}</style></head>
<body><main class="wrap"><p class="store">${esc(b.storeName)}</p><div class="card">${body}</div><footer>Email preferences for ${esc(b.storeName)}</footer></main></body></html>`;
}

/** A page with a heading and a few sentences (done, bad link, gone). */
export function messagePage(b: Brand, title: string, lines: string[]): string {
  return page(b, title, `<h1>${esc(title)}</h1>${lines.map((l) => `<p>${esc(l)}</p>`).join('')}`);
}

export const invalidLinkPage = (b: Brand) =>
  messagePage(b, 'This link is not valid', ['The link may have been cut short or changed on its way. Open it again from the email, or copy the whole address into your browser.']);

export const goneLinkPage = (b: Brand) => messagePage(b, 'This link has expired', ['We could not find what this link was for. It may be from an old email whose data has since been deleted.']);

export const testMessagePage = (b: Brand) =>
  messagePage(b, 'This was a test email', ['Test emails show these pages but change nothing: the person whose details filled the test stays subscribed.']);

/** GET /m/u: confirm before unsubscribing (a GET never unsubscribes: mail scanners follow links). */
export function unsubscribeConfirmPage(b: Brand, o: { address: string | null; action: string; preferencesUrl: string }): string {
  return page(b, 'Unsubscribe', `<h1>Unsubscribe from ${esc(b.storeName)} emails?</h1>
<p>${o.address ? `We will stop sending marketing emails to <strong>${esc(o.address)}</strong>.` : 'We will stop sending you marketing emails.'} You will still get emails about your orders.</p>
<form method="post" action="${esc(o.action)}"><input type="hidden" name="confirm" value="yes">
<div class="actions"><button class="btn" type="submit">Unsubscribe</button><a class="btn secondary" href="${esc(o.preferencesUrl)}">Choose what you get instead</a></div></form>`);
}

export function unsubscribedPage(b: Brand, o: { already: boolean; preferencesUrl: string }): string {
  return page(b, 'Unsubscribed', `<h1>${o.already ? 'You were already unsubscribed' : 'You are unsubscribed'}</h1>
<p>You will not get marketing emails from ${esc(b.storeName)} any more. Emails about your orders still reach you.</p>
<p class="muted">Changed your mind? You can subscribe again in your <a href="${esc(o.preferencesUrl)}">email preferences</a>.</p>`);
}

const NOTICES: Record<string, [string, boolean]> = {
  saved: ['Your preferences are saved.', false],
  unsubscribed: ['You are unsubscribed from all marketing emails.', false],
  already: ['You were already unsubscribed.', false],
  resubscribed: ['Welcome back: you are subscribed again.', false],
  test: ['This was a test email, so nothing was saved.', true],
};

/** The preference centre: topics, pause, unsubscribe from all, resubscribe. */
export function preferencePage(b: Brand, p: PreferencePage, o: { action: string; notice?: string }): string {
  const n = o.notice ? NOTICES[o.notice] : undefined;
  const notice = n ? `<div class="notice${n[1] ? ' warn' : ''}" role="status">${esc(n[0])}</div>` : '';
  const testNote = p.test && o.notice !== 'test' ? '<div class="notice warn">This page was opened from a test email: you can look around, but nothing will be saved.</div>' : '';
  const intro = `<h1>Email preferences</h1><p class="muted">${p.address ? `For ${esc(p.address)}` : ''}</p>${notice}${testNote}`;
  if (p.status !== 'subscribed') {
    const what = p.status === 'pending' ? 'Your subscription is waiting for you to confirm it.' : `You are not subscribed to marketing emails from ${esc(b.storeName)}.`;
    return page(b, 'Email preferences', `${intro}<p>${what}</p>
<form method="post" action="${esc(o.action)}"><input type="hidden" name="action" value="resubscribe">
<div class="actions"><button class="btn" type="submit">Subscribe${p.status === 'unsubscribed' ? ' again' : ''}</button></div></form>
<p class="muted" style="margin-top:20px">Emails about your orders reach you either way.</p>`);
  }
  const paused = p.pausedUntil
    ? `<p>All marketing emails are paused until <strong>${esc(p.pausedUntil.toISOString().slice(0, 10))}</strong>.</p><label class="radio"><input type="radio" name="pause" value="resume"> Resume now</label>`
    : '';
  const topics = p.topics.length
    ? `<fieldset><legend>What would you like to hear about?</legend>${p.topics.map((t) => `<label class="topic"><input type="checkbox" name="topic" value="${esc(t.key)}"${t.on ? ' checked' : ''}><span>${esc(t.label)}<span class="d">${esc(t.description)}</span></span></label>`).join('')}</fieldset>`
    : '';
  return page(b, 'Email preferences', `${intro}
<form method="post" action="${esc(o.action)}">${topics}
<fieldset><legend>Need a break?</legend>${paused}
<label class="radio"><input type="radio" name="pause" value="" checked> ${p.pausedUntil ? 'Keep as it is' : 'Keep getting emails'}</label>
<label class="radio"><input type="radio" name="pause" value="30"> Pause all emails for 30 days</label>
<label class="radio"><input type="radio" name="pause" value="90"> Pause all emails for 90 days</label></fieldset>
<div class="actions"><button class="btn" type="submit" name="action" value="save">Save preferences</button></div>
<hr><p class="muted">Rather not hear from us at all?</p>
<button class="btn link" type="submit" name="action" value="unsubscribe">Unsubscribe from all marketing emails</button></form>`);
}

/** GET /m/confirm: the double opt-in button (a GET never subscribes). */
export function confirmPage(b: Brand, o: { action: string; status: string }): string {
  if (o.status === 'subscribed') return messagePage(b, 'You are subscribed', [`Your subscription to ${b.storeName} is confirmed. Thank you!`]);
  return page(b, 'Confirm your subscription', `<h1>Confirm your subscription</h1><p>One click and you will get news and offers from ${esc(b.storeName)} by email.</p>
<form method="post" action="${esc(o.action)}"><div class="actions"><button class="btn" type="submit">Yes, subscribe me</button></div></form>`);
}
