import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { ZodApp } from '../../platform/http/server.ts';
import type { HelpCentre } from './helpcentre.service.ts';
import type { KbService } from './kb.service.ts';
import { publicSuggestQuery, searchResultSchema, suggestionSchema } from './kb.schemas.ts';

/** Help-centre pages: public, cacheable for a minute, no script, images only over https. */
const PAGE_HEADERS = {
  'cache-control': 'public, max-age=60', 'x-content-type-options': 'nosniff', 'referrer-policy': 'strict-origin-when-cross-origin',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; form-action 'self'; frame-ancestors 'self'; base-uri 'none'",
};
/** The widget asks from the store's own site: any origin may read public answers (no cookies involved). */
const CORS = { 'access-control-allow-origin': '*', 'cache-control': 'public, max-age=60' };

const html = (reply: FastifyReply, status: number, body: string) => reply.status(status).headers(PAGE_HEADERS).type('text/html; charset=utf-8').send(body);
const tags = ['Help centre'];
const publicRead = { access: 'public', rateLimit: { max: 120, timeWindow: '1 minute' } } as const;
// Any text: an address that cannot be a slug is this site's 404 page, not a JSON problem.
const slugParam = z.object({ slug: z.string() });
const slugOk = (s: string) => s.length <= 80 && /^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(s);

/** The public help centre (/help…) and the public JSON the chat widget uses (/api/public/support/kb/…). */
export function helpCentreRoutes(app: ZodApp, deps: { help: HelpCentre; kb: KbService }): void {
  const { help, kb } = deps;

  app.get('/help', { config: publicRead, schema: { hide: true } }, async (_req, reply) => html(reply, 200, await help.home()));

  app.get('/help/categories/:slug', { config: publicRead, schema: { hide: true, params: slugParam } }, async (req, reply) => {
    const page = slugOk(req.params.slug) ? await help.category(req.params.slug) : undefined;
    return page ? html(reply, 200, page) : html(reply, 404, await help.notFound());
  });

  app.get('/help/articles/:slug', { config: publicRead, schema: { hide: true, params: slugParam } }, async (req, reply) => {
    const page = slugOk(req.params.slug) ? await help.article(req.params.slug) : undefined;
    return page ? html(reply, 200, page) : html(reply, 404, await help.notFound());
  });

  // A bad query string is still a page a person reads: no JSON problem here, an empty or clipped search.
  app.get('/help/search', { config: publicRead, schema: { hide: true } }, async (req, reply) => {
    const raw = (req.query as Record<string, unknown> | undefined)?.q;
    const q = (typeof raw === 'string' ? raw : Array.isArray(raw) ? String(raw[0] ?? '') : '').slice(0, 200);
    return html(reply, 200, await help.search(q));
  });

  app.get('/api/public/support/kb/search', {
    config: publicRead,
    schema: {
      tags, summary: 'Search the published public articles (typo-tolerant), with highlighted snippets',
      querystring: z.strictObject({ q: z.string().trim().min(1, 'is required').max(200, 'must be at most 200 characters'), limit: z.coerce.number().int().min(1).max(20).default(5) }),
      response: { 200: searchResultSchema },
    },
  }, async (req, reply) => reply.headers(CORS).send(await kb.search(req.query.q, 'public', req.query.limit)));

  app.get('/api/public/support/kb/suggest', {
    config: publicRead,
    schema: { tags, summary: 'Published public articles for a page (its address and title) or a visitor’s question: the chat widget’s suggestions', querystring: publicSuggestQuery, response: { 200: z.object({ items: z.array(suggestionSchema) }) } },
  }, async (req, reply) => {
    const { q, url, title, limit } = req.query;
    return reply.headers(CORS).send({ items: await kb.suggest(pageText(q, url, title), 'public', limit) });
  });
}

/** The words of a visitor's question, the page title, and the page address's path ("/products/wool-socks" → "products wool socks"). */
export function pageText(q?: string, url?: string, title?: string): string {
  let path = '';
  if (url) {
    try {
      path = decodeURIComponent(new URL(url, 'https://x.invalid').pathname).replace(/[-_/.]+/g, ' ');
    } catch {
      path = '';
    }
  }
  // The question counts most: repeated so its words outrank the page's.
  return [q, q, title, path].filter(Boolean).join('\n');
}
