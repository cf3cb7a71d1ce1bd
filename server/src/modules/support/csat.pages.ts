import { RATING_LABELS } from './csat.schemas.ts';

/**
 * The customer's side of a satisfaction survey: the email body (rendered by messaging as Liquid) and the
 * pages behind its links, server-rendered in the store's name and colour, no script, readable on a phone.
 */

export interface Brand {
  storeName: string;
  color: string;
}

export const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
const color = (c: string) => (/^#[0-9a-f]{6}$/i.test(c) ? c : '#111827');

/** The email body: `intro` is the settings' Liquid text; links are absolute URLs per rating. */
export function emailBody(intro: string, links: string[], brandColor: string): string {
  const cells = links.map((url, i) => `<td style="padding:4px"><a href="${esc(url)}" style="display:block;width:92px;padding:10px 4px;border:1px solid #d1d5db;border-radius:10px;text-align:center;text-decoration:none;color:#111827;font:14px/1.3 Arial,sans-serif"><span style="font-size:26px;font-weight:700">${i + 1}</span><br>${RATING_LABELS[i + 1]}</a></td>`).join('');
  return `<div style="font:16px/1.55 Arial,sans-serif;color:#1f2933;max-width:560px;margin:0 auto;padding:24px">
<p>Hi {{ customer.first_name | default: "there" }},</p>
<p>${intro}</p>
<table role="presentation" cellspacing="0" cellpadding="0" style="margin:16px 0"><tr>${cells}</tr></table>
<p style="color:#6b7280;font-size:13px">You can add a comment after choosing. Thank you for helping us get better.<br><span style="color:${color(brandColor)}">{{ store.name }}</span></p>
</div>`;
}

const CSS = `*{box-sizing:border-box}body{margin:0;background:#f3f4f6;color:#1f2933;font:16px/1.55 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,Helvetica,Arial,sans-serif}
.wrap{max-width:560px;margin:0 auto;padding:40px 16px 56px}.store{text-align:center;font-weight:700;font-size:22px;color:var(--brand);margin:0 0 24px}
.card{background:#fff;border:1px solid #e5e7eb;border-radius:14px;padding:32px}h1{font-size:24px;line-height:1.3;margin:0 0 12px;color:#111827}p{margin:0 0 16px}
.muted{color:#6b7280;font-size:14px}.rates{display:flex;gap:6px;margin:8px 0 20px}.rates label{flex:1;min-width:0;cursor:pointer}
.rates input{position:absolute;opacity:0}.rates span{display:block;height:100%;border:1px solid #d1d5db;border-radius:10px;padding:10px 2px;text-align:center;font-size:12px;line-height:1.3;color:#4b5563}
.rates span b{display:block;font-size:26px;font-weight:700;color:#111827;margin-bottom:2px}.rates input:checked+span{border:2px solid var(--brand);background:#f9fafb}
.rates input:focus-visible+span{outline:3px solid #93c5fd}textarea{width:100%;min-height:110px;border:1px solid #d1d5db;border-radius:8px;padding:10px;font:inherit}
.btn{display:inline-block;border:0;border-radius:8px;padding:12px 22px;font:600 16px/1.2 inherit;font-family:inherit;cursor:pointer;background:var(--brand);color:#fff;margin-top:16px}
.notice{border-radius:10px;padding:12px 14px;margin:0 0 20px;font-size:15px;background:#ecfdf5;color:#065f46;border:1px solid #a7f3d0}`;

export function page(b: Brand, title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex">
<title>${esc(title)} · ${esc(b.storeName)}</title><style>:root{--brand:${color(b.color)}}${CSS}</style></head>
<body><main class="wrap"><p class="store">${esc(b.storeName)}</p><div class="card">${body}</div></main></body></html>`;
}

export const messagePage = (b: Brand, title: string, text: string) => page(b, title, `<h1>${esc(title)}</h1><p>${esc(text)}</p>`);
export const invalidLinkPage = (b: Brand) => messagePage(b, 'This link is not valid', 'The link may have been cut short. Open it again from the email, or copy the whole address into your browser.');
export const closedPage = (b: Brand, rating: number | null) =>
  messagePage(b, 'This survey has closed', rating ? `Thank you: your rating (${rating} of 5, ${RATING_LABELS[rating]}) is kept.` : 'It can no longer be answered. Thank you all the same.');

/** The rating form: the choice from the email preselected, a comment box, and a note when saved. */
export function ratingPage(b: Brand, o: { action: string; number: number; subject: string; rating: number | null; comment: string | null; saved: 'rating' | 'comment' | null }): string {
  const radios = [1, 2, 3, 4, 5].map((r) => `<label><input type="radio" name="rating" value="${r}"${o.rating === r ? ' checked' : ''}><span><b>${r}</b>${RATING_LABELS[r]}</span></label>`).join('');
  const notice = o.saved === 'comment' ? '<p class="notice" role="status">Thank you! Your feedback is saved.</p>'
    : o.saved === 'rating' ? `<p class="notice" role="status">Thank you! We saved your rating: ${o.rating} of 5. Anything you would like to add?</p>` : '';
  return page(b, 'How did we do?', `${notice}<h1>How did we do?</h1><p class="muted">Request #${o.number}: ${esc(o.subject)}</p>
<form method="post" action="${esc(o.action)}"><fieldset style="border:0;padding:0;margin:0"><legend class="muted">Your rating</legend><div class="rates">${radios}</div></fieldset>
<label for="comment"><strong>A comment</strong> <span class="muted">(optional)</span></label><textarea id="comment" name="comment" maxlength="2000">${esc(o.comment ?? '')}</textarea>
<button class="btn" type="submit">Send</button></form>`);
}
