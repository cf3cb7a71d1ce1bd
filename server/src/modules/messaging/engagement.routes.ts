import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ZodApp } from '../../platform/http/server.ts';
import { isUuid } from './bounces.parse.ts';
import type { BounceService, SmsReceiptStatus } from './bounces.ts';
import type { DoubleOptIn } from './double-opt-in.ts';
import type { TrackingService } from './engagement.service.ts';
import type { Links } from './links.ts';
import { confirmPage, goneLinkPage, invalidLinkPage, messagePage, preferencePage, testMessagePage, unsubscribeConfirmPage, unsubscribedPage, type Brand } from './pages.ts';
import type { PreferenceForm, PreferencesService } from './preferences.service.ts';
import { evidenceOf, formOf, hitOf, html, PAGE_HEADERS, PIXEL_GIF } from './public-http.ts';

const hide = { hide: true } as const;
const params2 = z.object({ id: z.string().max(64), sig: z.string().max(64) });

export interface PublicDeps {
  links: Links;
  tracking: TrackingService;
  preferences: PreferencesService;
  doubleOptIn: DoubleOptIn;
  bounces: BounceService;
  brand: () => Promise<Brand>;
}

/**
 * The recipient's side, under /m/ (no login; the signed URL is the capability): open pixel, click
 * redirect, one-click unsubscribe, preference centre, view in browser, double opt-in, SMS receipts.
 */
export function publicRoutes(app: ZodApp, d: PublicDeps): void {
  const ok = (purpose: 'unsubscribe' | 'preferences' | 'view' | 'open', id: string, sig: string) => isUuid(id) && d.links.verifyMessage(purpose, id, sig);
  const bad = async (reply: FastifyReply) => html(reply, 400, invalidLinkPage(await d.brand()));

  // GET and HEAD (Fastify answers HEAD with this handler): a HEAD is a machine's and is flagged so.
  app.get('/m/o/:id/:file', { config: { access: 'public' }, schema: { ...hide, params: z.object({ id: z.string().max(64), file: z.string().max(80) }) } }, async (req, reply) => {
    const sig = req.params.file.replace(/\.gif$/, '');
    if (!ok('open', req.params.id, sig)) return reply.status(400).header('cache-control', 'no-store').type('text/plain').send('Invalid link');
    await d.tracking.open(req.params.id, hitOf(req));
    return reply.headers({ 'cache-control': 'no-store, no-cache, must-revalidate, max-age=0', pragma: 'no-cache', expires: '0' }).type('image/gif').send(PIXEL_GIF);
  });

  app.get('/m/c/:id/:sig', { config: { access: 'public' }, schema: { ...hide, params: params2, querystring: z.object({ u: z.string().max(8000).optional() }) } }, async (req, reply) => {
    const url = req.query.u ?? '';
    // The signature covers the exact URL, so only links we put in a message redirect: never an open redirect.
    if (!isUuid(req.params.id) || !/^https?:\/\//i.test(url) || !d.links.verifyClick(req.params.id, url, req.params.sig)) return bad(reply);
    await d.tracking.click(req.params.id, url, hitOf(req));
    return reply.headers({ 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' }).redirect(url, 302);
  });

  app.get('/m/u/:id/:sig', { config: { access: 'public' }, schema: { ...hide, params: params2 } }, async (req, reply) => {
    const { id, sig } = req.params;
    if (!ok('unsubscribe', id, sig)) return bad(reply);
    const [b, p] = await Promise.all([d.brand(), d.preferences.page(id)]);
    if (!p) return html(reply, 404, goneLinkPage(b));
    return html(reply, 200, unsubscribeConfirmPage(b, { address: p.address, action: `/m/u/${id}/${sig}`, preferencesUrl: `/m/p/${id}/${d.links.sign('preferences', id)}` }));
  });

  // RFC 8058 one-click (body "List-Unsubscribe=One-Click", answered 200 with no page) and the confirm page's button.
  app.post('/m/u/:id/:sig', { config: { access: 'public' }, schema: { ...hide, params: params2 } }, async (req, reply) => {
    const { id, sig } = req.params;
    const form = formOf(req);
    const oneClick = form.get('List-Unsubscribe') === 'One-Click';
    if (!ok('unsubscribe', id, sig)) return oneClick ? reply.status(400).type('text/plain').send('Invalid link') : bad(reply);
    const outcome = await d.preferences.unsubscribe(id, oneClick ? 'one_click' : 'link', evidenceOf(req));
    if (oneClick) return reply.status(outcome === 'gone' ? 404 : 200).header('cache-control', 'no-store').type('text/plain').send('');
    const b = await d.brand();
    if (outcome === 'gone') return html(reply, 404, goneLinkPage(b));
    if (outcome === 'test') return html(reply, 200, testMessagePage(b));
    return html(reply, 200, unsubscribedPage(b, { already: outcome === 'already', preferencesUrl: `/m/p/${id}/${d.links.sign('preferences', id)}` }));
  });

  const prefsPage = async (req: FastifyRequest, reply: FastifyReply, id: string, sig: string, notice?: string) => {
    const [b, p] = await Promise.all([d.brand(), d.preferences.page(id)]);
    if (!p) return html(reply, 404, goneLinkPage(b));
    return html(reply, 200, preferencePage(b, p, { action: `/m/p/${id}/${sig}`, notice }));
  };

  app.get('/m/p/:id/:sig', { config: { access: 'public' }, schema: { ...hide, params: params2, querystring: z.object({ done: z.string().max(30).optional() }) } }, async (req, reply) => {
    if (!ok('preferences', req.params.id, req.params.sig)) return bad(reply);
    return prefsPage(req, reply, req.params.id, req.params.sig, req.query.done);
  });

  app.post('/m/p/:id/:sig', { config: { access: 'public' }, schema: { ...hide, params: params2 } }, async (req, reply) => {
    const { id, sig } = req.params;
    if (!ok('preferences', id, sig)) return bad(reply);
    const f = formOf(req);
    const action = f.get('action');
    const pause = f.get('pause') ?? '';
    const form: PreferenceForm = {
      action: action === 'unsubscribe' || action === 'resubscribe' ? action : 'save',
      topics: f.getAll('topic'),
      pause: pause === '30' || pause === '90' || pause === 'resume' ? pause : '',
    };
    const outcome = await d.preferences.save(id, form, evidenceOf(req));
    if (outcome === 'gone') return html(reply, 404, goneLinkPage(await d.brand()));
    // Post/redirect/get: a reload does not post the form again.
    return reply.status(303).headers({ 'cache-control': 'no-store' }).redirect(`/m/p/${id}/${sig}?done=${outcome}`);
  });

  app.get('/m/v/:id/:sig', { config: { access: 'public' }, schema: { ...hide, params: params2 } }, async (req, reply) => {
    if (!ok('view', req.params.id, req.params.sig)) return bad(reply);
    const v = await d.tracking.view(req.params.id);
    if (!v) return html(reply, 404, goneLinkPage(await d.brand()));
    // The stored HTML is ours, but it shows customer data: no scripts, no framing, no referrer.
    return reply.headers({ ...PAGE_HEADERS, 'content-security-policy': "default-src 'none'; img-src * data:; style-src 'unsafe-inline' *; font-src * data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'" })
      .type('text/html; charset=utf-8').send(v.html);
  });

  const confirmParams = z.object({ customerId: z.string().max(64), t: z.string().max(20), sig: z.string().max(64) });
  const checkConfirm = (p: z.infer<typeof confirmParams>) => (isUuid(p.customerId) ? d.links.verifyConfirm(p.customerId, p.t, p.sig) : 'invalid');

  app.get('/m/confirm/:customerId/:t/:sig', { config: { access: 'public' }, schema: { ...hide, params: confirmParams } }, async (req, reply) => {
    const b = await d.brand();
    const v = checkConfirm(req.params);
    if (v === 'invalid') return html(reply, 400, invalidLinkPage(b));
    if (v === 'expired') return html(reply, 410, messagePage(b, 'This link has expired', ['Confirmation links work for 30 days. Sign up again and we will send you a new one.']));
    const s = await d.doubleOptIn.state(req.params.customerId);
    if (!s) return html(reply, 404, goneLinkPage(b));
    const { customerId, t, sig } = req.params;
    return html(reply, 200, confirmPage(b, { action: `/m/confirm/${customerId}/${t}/${sig}`, status: s.status }));
  });

  app.post('/m/confirm/:customerId/:t/:sig', { config: { access: 'public' }, schema: { ...hide, params: confirmParams } }, async (req, reply) => {
    const b = await d.brand();
    const v = checkConfirm(req.params);
    if (v !== 'ok') return html(reply, v === 'expired' ? 410 : 400, invalidLinkPage(b));
    const r = await d.doubleOptIn.confirm(req.params.customerId, new Date(Number(req.params.t) * 1000), evidenceOf(req));
    if (r === 'gone') return html(reply, 404, goneLinkPage(b));
    if (r === 'unsubscribed_since') return html(reply, 409, messagePage(b, 'You unsubscribed since', ['You unsubscribed after this link was sent, so it no longer subscribes you. Sign up again if you would like our emails.']));
    return html(reply, 200, messagePage(b, r === 'already' ? 'You are already subscribed' : 'You are subscribed', [`Thank you! News and offers from ${b.storeName} will reach you by email.`]));
  });

  // One signed URL per installation; JSON {messageId|providerId, status, error} or Twilio-style form fields.
  app.post('/m/sms/receipt/:sig', { config: { access: 'public' }, schema: { ...hide, params: z.object({ sig: z.string().max(64) }) } }, async (req, reply) => {
    if (!d.links.verifySmsReceipt(req.params.sig)) return reply.status(401).type('text/plain').send('Invalid signature');
    const f = formOf(req);
    const messageId = f.get('messageId') ?? f.get('reference') ?? undefined;
    const providerId = f.get('providerId') ?? f.get('MessageSid') ?? f.get('SmsSid') ?? f.get('id') ?? undefined;
    const status = (f.get('status') ?? f.get('MessageStatus') ?? f.get('SmsStatus') ?? '').toLowerCase();
    if (!messageId && !providerId) return reply.status(400).type('text/plain').send('Send messageId or providerId (or Twilio MessageSid).');
    // Interim states (queued, sent, accepted…) change nothing.
    if (!['delivered', 'failed', 'undelivered'].includes(status)) return reply.status(200).type('application/json').send({ result: 'ignored', status });
    const error = f.get('error') ?? f.get('ErrorMessage') ?? f.get('ErrorCode') ?? undefined;
    const result = await d.bounces.smsReceipt({ messageId: isUuid(messageId) ? messageId : undefined, providerId }, status as SmsReceiptStatus, error);
    return reply.status(result === 'unmatched' ? 404 : 200).type('application/json').send({ result });
  });
}

