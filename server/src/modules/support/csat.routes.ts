import type { FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/http/context.ts';
import type { ZodApp } from '../../platform/http/server.ts';
import { closedPage, invalidLinkPage, messagePage, ratingPage } from './csat.pages.ts';
import { csatSettingsBody, csatSettingsSchema, csatSurveySchema } from './csat.schemas.ts';
import type { CsatService } from './csat.service.ts';
import { idParams } from './sla.schemas.ts';

const tags = ['Support CSAT'];
const PAGE_HEADERS = {
  'cache-control': 'no-store', 'x-robots-tag': 'noindex', 'referrer-policy': 'no-referrer', 'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
};
const html = (reply: FastifyReply, status: number, body: string) => reply.status(status).headers(PAGE_HEADERS).type('text/html; charset=utf-8').send(body);
const params = z.object({ id: z.string().max(64), sig: z.string().max(64) });
const limit = { max: 60, timeWindow: '1 minute' };

/** CSAT settings and results for agents; the survey pages for customers (the signed URL is the capability). */
export function csatRoutes(app: ZodApp, csat: CsatService): void {
  app.get('/api/support/csat/settings', { config: { access: 'support:read' }, schema: { tags, summary: 'Satisfaction survey settings', response: { 200: csatSettingsSchema } } },
    async () => csat.settings());
  app.put('/api/support/csat/settings', { config: { access: 'settings:write' }, schema: { tags, summary: 'Turn surveys on or off, set the email text and how long a rating may change', body: csatSettingsBody, response: { 200: csatSettingsSchema } } },
    async (req) => csat.saveSettings(actorOf(req), req.body));
  app.get('/api/support/tickets/:id/csat', { config: { access: 'support:read' }, schema: { tags, summary: 'The ticket\'s satisfaction survey and rating (null: none sent)', params: idParams, response: { 200: csatSurveySchema.nullable() } } },
    async (req) => csat.forTicket(req.params.id));

  const answer = async (reply: FastifyReply, id: string, sig: string, input: { rating?: number; comment?: string }, record: boolean) => {
    const brand = await csat.brand();
    if (!csat.verify(id, sig)) return html(reply, 400, invalidLinkPage(brand));
    const r = record ? await csat.rate(id, input) : await csat.rate(id, {});
    if (r.status === 'gone') return html(reply, 404, messagePage(brand, 'This survey is gone', 'We could not find it; its ticket may have been deleted.'));
    if (r.status === 'closed') return html(reply, 200, closedPage(brand, r.survey.rating));
    return html(reply, 200, ratingPage(brand, { action: `/support/csat/${id}/${sig}`, number: r.number, subject: r.subject, rating: r.survey.rating, comment: r.survey.comment, saved: r.saved }));
  };

  // The email's links: ?r=1..5 records that rating at once (one click), then offers the comment box. HEAD records nothing.
  app.get('/support/csat/:id/:sig', { config: { access: 'public', rateLimit: limit }, schema: { hide: true, params, querystring: z.object({ r: z.string().max(4).optional() }) } }, async (req, reply) => {
    const r = Number(req.query.r);
    const rating = Number.isInteger(r) && r >= 1 && r <= 5 ? r : undefined;
    return answer(reply, req.params.id, req.params.sig, { rating }, req.method === 'GET' && rating !== undefined);
  });

  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 16 * 1024 }, (_req, body, done) => done(null, body));
    const r = scope.withTypeProvider<ZodTypeProvider>();
    r.post('/support/csat/:id/:sig', { config: { access: 'public', rateLimit: limit }, schema: { hide: true, params } }, async (req, reply) => {
      const form = new URLSearchParams(typeof req.body === 'string' ? req.body : '');
      const n = Number(form.get('rating'));
      return answer(reply, req.params.id, req.params.sig, { rating: Number.isInteger(n) && n >= 1 && n <= 5 ? n : undefined, comment: form.get('comment') ?? '' }, true);
    });
  });
}
