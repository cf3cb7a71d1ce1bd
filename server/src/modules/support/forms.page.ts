/**
 * The hosted contact form (and its embeddable variant): server-rendered in the store's name and colour,
 * no script, no external asset, readable on a phone. The embed snippet is a few lines that add an iframe.
 */

export interface FormBrand {
  storeName: string;
  color: string;
}

export interface FormValues {
  name?: string;
  email?: string;
  order?: string;
  subject?: string;
  message?: string;
}

export const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

const CSS = `*{box-sizing:border-box}body{margin:0;background:#f3f4f6;color:#1f2933;font:16px/1.55 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,Helvetica,Arial,sans-serif}
body.embed{background:transparent}.wrap{max-width:560px;margin:0 auto;padding:40px 16px 56px}.embed .wrap{padding:8px}
.store{text-align:center;font-weight:700;font-size:22px;color:var(--brand);margin:0 0 24px}.embed .store{display:none}
.card{background:#fff;border:1px solid #e5e7eb;border-radius:14px;padding:28px}h1{font-size:22px;margin:0 0 8px;color:#111827}
p{margin:0 0 16px}.muted{color:#6b7280;font-size:14px}label{display:block;font-weight:600;font-size:14px;margin:14px 0 6px;color:#111827}
input,textarea{width:100%;border:1px solid #d1d5db;border-radius:8px;padding:10px 12px;font:inherit;color:inherit;background:#fff}
textarea{min-height:140px;resize:vertical}input:focus,textarea:focus{outline:3px solid #93c5fd;outline-offset:1px;border-color:var(--brand)}
.row{display:flex;gap:12px}[aria-invalid=true]{border-color:#b91c1c}.row>div{flex:1}.err{color:#b91c1c;font-size:14px;margin-top:4px}.hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}
.btn{margin-top:20px;border:0;border-radius:8px;padding:12px 22px;font:600 16px/1.2 inherit;font-family:inherit;cursor:pointer;background:var(--brand);color:#fff}
.notice{border-radius:10px;padding:12px 14px;margin:0 0 16px;background:#ecfdf5;color:#065f46;border:1px solid #a7f3d0}.notice.warn{background:#fffbeb;color:#92400e;border-color:#fde68a}
@media (max-width:480px){.row{flex-direction:column;gap:0}.card{padding:20px}.btn{width:100%}}`;

function shell(b: FormBrand, title: string, body: string, embed: boolean): string {
  const color = /^#[0-9a-f]{6}$/i.test(b.color) ? b.color : '#111827';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)} · ${esc(b.storeName)}</title><style>:root{--brand:${color}}${CSS}</style></head>
<body${embed ? ' class="embed"' : ''}><main class="wrap"><p class="store">${esc(b.storeName)}</p><div class="card">${body}</div></main></body></html>`;
}

/** The form, with what was typed and per-field errors when a submission was refused. */
export function formPage(b: FormBrand, o: { embed: boolean; values?: FormValues; errors?: Record<string, string>; notice?: string }): string {
  const v = o.values ?? {};
  const e = o.errors ?? {};
  const field = (name: keyof FormValues, label: string, input: string) =>
    `<div><label for="${name}">${label}</label>${input}${e[name] ? `<div class="err" id="${name}-err">${esc(e[name])}</div>` : ''}</div>`;
  const attrs = (name: keyof FormValues) => `id="${name}" name="${name}"${e[name] ? ` aria-invalid="true" aria-describedby="${name}-err"` : ''}`;
  const body = `<h1>Contact us</h1><p class="muted">Questions about an order, a return or anything else: we reply by email.</p>
${o.notice ? `<div class="notice warn" role="alert">${esc(o.notice)}</div>` : ''}
<form method="post" action="/support/form${o.embed ? '?embed=1' : ''}" novalidate>
<div class="row">${field('name', 'Your name', `<input ${attrs('name')} autocomplete="name" maxlength="200" value="${esc(v.name ?? '')}">`)}
${field('email', 'Email', `<input ${attrs('email')} type="email" autocomplete="email" required maxlength="320" value="${esc(v.email ?? '')}">`)}</div>
${field('order', 'Order number (if it is about an order)', `<input ${attrs('order')} maxlength="100" value="${esc(v.order ?? '')}">`)}
${field('subject', 'Subject', `<input ${attrs('subject')} required maxlength="300" value="${esc(v.subject ?? '')}">`)}
${field('message', 'Message', `<textarea ${attrs('message')} required maxlength="20000">${esc(v.message ?? '')}</textarea>`)}
<div class="hp" aria-hidden="true"><label for="website">Leave this empty</label><input id="website" name="website" tabindex="-1" autocomplete="off"></div>
<button class="btn" type="submit">Send message</button></form>`;
  return shell(b, 'Contact us', body, o.embed);
}

export function thanksPage(b: FormBrand, o: { embed: boolean; number: number | null; email: string }): string {
  const body = `<h1>Thank you</h1><div class="notice" role="status">We have your message${o.number ? ` (ticket #${o.number})` : ''}.</div>
<p>We will reply to <strong>${esc(o.email)}</strong> as soon as we can. To add something, just reply to our email.</p>`;
  return shell(b, 'Message sent', body, o.embed);
}

/** The embed snippet: `<script src="https://patron.example/support/form.js" async></script>` puts the form where it stands. */
export function embedScript(): string {
  return `(function(){var s=document.currentScript;if(!s)return;var o=new URL(s.src).origin;var f=document.createElement('iframe');
f.src=o+'/support/form?embed=1';f.title='Contact form';f.loading='lazy';f.style.cssText='width:100%;min-height:760px;border:0;background:transparent';
s.parentNode.insertBefore(f,s.nextSibling);})();
`;
}
