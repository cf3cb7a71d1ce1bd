import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { actorOf } from '../../platform/http/context.ts';
import type { ZodApp } from '../../platform/http/server.ts';
import type { Assistant } from './assistant.ts';
import type { Author, KbService } from './kb.service.ts';
import {
  articleListSchema, articleSchema, assistantAnswerSchema, assistantTryBody, categorySchema, createArticleBody, createCategoryBody, listArticlesQuery, reorderCategoriesBody, searchResultSchema,
  suggestionSchema, suggestQuery, updateArticleBody, updateCategoryBody, versionSchema,
} from './kb.schemas.ts';

const tags = ['Knowledge base'];
const idOnly = z.strictObject({ id: z.guid({ error: 'must be a UUID' }) });
const read = { access: 'support:read' } as const;
const write = { access: 'support:write' } as const;
const base = '/api/support/kb';

function authorOf(req: FastifyRequest): Author {
  const p = req.principal;
  if (p?.kind === 'user') return { id: p.userId, name: p.name || p.email };
  return { id: null, name: p ? `API key "${p.name}"` : 'system' };
}

export interface KbRouteDeps {
  kb: KbService;
  assistant: Assistant;
  /** A ticket's subject and what the customer wrote (the tickets part); a 404 problem for an unknown ticket. */
  ticketText?: ((ticketId: string) => Promise<string>) | undefined;
}

/** /api/support/kb: categories, articles (versions, publishing), search, suggestions for agents, trying the assistant. */
export function kbRoutes(app: ZodApp, deps: KbRouteDeps): void {
  const { kb } = deps;

  app.get(`${base}/categories`, { config: read, schema: { tags, summary: 'Categories in help-centre order, with article counts', response: { 200: z.object({ items: z.array(categorySchema) }) } } },
    async () => ({ items: await kb.categories() }));

  app.post(`${base}/categories`, { config: write, schema: { tags, summary: 'Create a category (added last)', body: createCategoryBody, response: { 201: categorySchema } } },
    async (req, reply) => reply.status(201).send(await kb.createCategory(actorOf(req), req.body)));

  app.patch(`${base}/categories/:id`, { config: write, schema: { tags, summary: 'Rename a category or change its address or description', params: idOnly, body: updateCategoryBody, response: { 200: categorySchema } } },
    async (req) => kb.updateCategory(actorOf(req), req.params.id, req.body));

  app.delete(`${base}/categories/:id`, { config: write, schema: { tags, summary: 'Delete a category; its articles stay, without a category', params: idOnly, response: { 204: z.null() } } },
    async (req, reply) => {
      await kb.deleteCategory(actorOf(req), req.params.id);
      return reply.status(204).send(null);
    });

  app.post(`${base}/categories/reorder`, { config: write, schema: { tags, summary: 'Set the order of the categories (every id once)', body: reorderCategoriesBody, response: { 200: z.object({ items: z.array(categorySchema) }) } } },
    async (req) => ({ items: await kb.reorderCategories(actorOf(req), req.body.ids) }));

  app.get(`${base}/articles`, { config: read, schema: { tags, summary: 'Articles, last changed first; with q, ranked search results (drafts and internal articles included)', querystring: listArticlesQuery, response: { 200: articleListSchema } } },
    async (req) => kb.list(req.query));

  app.post(`${base}/articles`, { config: write, schema: { tags, summary: 'Create an article (a draft unless status is published)', body: createArticleBody, response: { 201: articleSchema } } },
    async (req, reply) => reply.status(201).send(await kb.create(actorOf(req), authorOf(req), req.body)));

  app.get(`${base}/articles/:id`, { config: read, schema: { tags, summary: 'An article with its Markdown and rendered HTML', params: idOnly, response: { 200: articleSchema } } },
    async (req) => kb.get(req.params.id));

  app.patch(`${base}/articles/:id`, { config: write, schema: { tags, summary: 'Save changes; a change of title or body is a new version', params: idOnly, body: updateArticleBody, response: { 200: articleSchema } } },
    async (req) => kb.update(actorOf(req), authorOf(req), req.params.id, req.body));

  app.post(`${base}/articles/:id/publish`, { config: write, schema: { tags, summary: 'Publish (idempotent): public articles appear in the help centre, the widget and the assistant', params: idOnly, response: { 200: articleSchema } } },
    async (req) => kb.setStatus(actorOf(req), req.params.id, 'published'));

  app.post(`${base}/articles/:id/unpublish`, { config: write, schema: { tags, summary: 'Back to draft (idempotent)', params: idOnly, response: { 200: articleSchema } } },
    async (req) => kb.setStatus(actorOf(req), req.params.id, 'draft'));

  app.delete(`${base}/articles/:id`, { config: write, schema: { tags, summary: 'Delete an article and its versions', params: idOnly, response: { 204: z.null() } } },
    async (req, reply) => {
      await kb.delete(actorOf(req), req.params.id);
      return reply.status(204).send(null);
    });

  app.get(`${base}/articles/:id/versions`, { config: read, schema: { tags, summary: 'Every saved version, newest first', params: idOnly, response: { 200: z.object({ items: z.array(versionSchema) }) } } },
    async (req) => ({ items: await kb.versions(req.params.id) }));

  app.post(`${base}/preview`, { config: read, schema: { tags, summary: 'Render Markdown as the help centre would (safe HTML)', body: z.strictObject({ body: z.string().max(200_000) }), response: { 200: z.object({ html: z.string() }) } } },
    async (req) => ({ html: kb.render(req.body.body) }));

  app.get(`${base}/search`, {
    config: read,
    schema: {
      tags, summary: 'Ranked full-text search over every article (typo-tolerant), with highlighted snippets',
      querystring: z.strictObject({ q: z.string().trim().min(1, 'is required').max(200), limit: z.coerce.number().int().min(1).max(50).default(20), offset: z.coerce.number().int().min(0).max(1000).default(0) }),
      response: { 200: searchResultSchema },
    },
  }, async (req) => kb.search(req.query.q, 'agent', req.query.limit, req.query.offset));

  app.get(`${base}/suggest`, {
    config: read,
    schema: { tags, summary: 'Articles that may answer a ticket (by ticketId) or a text, internal ones included', querystring: suggestQuery, response: { 200: z.object({ items: z.array(suggestionSchema) }) } },
  }, async (req) => {
    const { ticketId, text, limit } = req.query;
    const source = ticketId && deps.ticketText ? await deps.ticketText(ticketId) : '';
    return { items: await kb.suggest([source, text ?? ''].filter(Boolean).join('\n\n'), 'agent', limit) };
  });

  app.post(`${base}/assistant/try`, {
    config: read,
    schema: { tags, summary: 'Ask the self-service assistant as a visitor would (to check what it answers)', body: assistantTryBody, response: { 200: assistantAnswerSchema } },
  }, async (req) => {
    const p = req.principal;
    const visitor = { id: `agent:${p?.kind === 'user' ? p.userId : p?.kind === 'api_key' ? p.keyId : 'anonymous'}`, ip: req.ip };
    return deps.assistant.answer({ question: req.body.question, conversation: req.body.conversation, visitor });
  });
}
