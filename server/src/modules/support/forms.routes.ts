import type { FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ZodApp } from '../../platform/http/server.ts';
import { embedScript, formPage, thanksPage } from './forms.page.ts';
import type { FormsService } from './forms.service.ts';

const BASE_HEADERS = { 'cache-control': 'no-store', 'referrer-policy': 'strict-origin-when-cross-origin', 'x-content-type-options': 'nosniff' };
// The hosted page may not be framed; the embed variant exists to be framed by the store's own site.
const csp = (embed: boolean) => `default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors ${embed ? '*' : "'none'"}`;
const send = (reply: FastifyReply, status: number, embed: boolean, body: string) =>
  reply.status(status).headers({ ...BASE_HEADERS, 'content-security-policy': csp(embed) }).type('text/html; charset=utf-8').send(body);

const embedQuery = z.object({ embed: z.string().optional() });
// Bots fill forms in bursts: a few a minute per address is plenty for a person.
const formLimit = { max: 5, timeWindow: '1 minute' };

/** The public contact form: GET the page, POST a message (becomes a ticket), and the embed script. */
export function formRoutes(app: ZodApp, forms: FormsService): void {
  app.get('/support/form', { config: { access: 'public' }, schema: { hide: true, querystring: embedQuery } }, async (req, reply) => {
    const embed = req.query.embed === '1';
    return send(reply, 200, embed, formPage(await forms.brand(), { embed }));
  });

  app.get('/support/form.js', { config: { access: 'public' }, schema: { hide: true } }, async (_req, reply) =>
    reply.headers({ 'cache-control': 'public, max-age=3600', 'x-content-type-options': 'nosniff' }).type('text/javascript; charset=utf-8').send(embedScript()));

  // Forms post urlencoded (or multipart from some embeds): read the raw body in a scope of its own.
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_req, body, done) => done(null, body));
    const r = scope.withTypeProvider<ZodTypeProvider>();
    r.post('/support/form', { config: { access: 'public', rateLimit: formLimit }, schema: { hide: true, querystring: embedQuery } }, async (req, reply) => {
      const embed = req.query.embed === '1';
      const raw = typeof req.body === 'string' ? req.body : '';
      const type = String(req.headers['content-type'] ?? '');
      let fields: URLSearchParams;
      if (type.includes('json')) {
        try {
          const v = JSON.parse(raw) as Record<string, unknown>;
          fields = new URLSearchParams(Object.entries(v).filter(([, x]) => typeof x === 'string') as [string, string][]);
        } catch {
          fields = new URLSearchParams();
        }
      } else fields = new URLSearchParams(raw);
      const brand = await forms.brand();
      const res = await forms.submit(fields, { ip: req.ip ?? null, userAgent: req.headers['user-agent'] ?? null, referrer: req.headers.referer ?? null });
      if (res.ok === 'spam') return send(reply, 200, embed, thanksPage(brand, { embed, number: null, email: 'the address you gave' }));
      if (!res.ok) return send(reply, 400, embed, formPage(brand, { embed, values: res.values, errors: res.errors, notice: 'Please check the fields marked below.' }));
      return send(reply, 200, embed, thanksPage(brand, { embed, number: res.number, email: res.email }));
    });
  });
}
