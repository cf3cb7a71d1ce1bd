import { z } from 'zod';
import { actorOf } from '../../platform/http/context.ts';
import type { ZodApp } from '../../platform/http/server.ts';
import type { TemplatePreviews } from './templates.preview.ts';
import {
  createTemplateBody, listQuery, previewBody, previewSchema, starterSchema, templateSchema, templateSummarySchema, testSendBody, testSendSchema, updateTemplateBody, versionSchema, versionSummarySchema,
} from './templates.schemas.ts';
import type { TemplatesService } from './templates.service.ts';

const tags = ['Templates'];
const idOnly = z.strictObject({ id: z.guid({ error: 'must be a UUID' }) });
const problem = z.object({ type: z.string(), title: z.string(), status: z.number(), detail: z.string() }).passthrough();

/** /api/messaging/templates: CRUD with versions, the starter gallery, live preview and test sends. */
export function templateRoutes(app: ZodApp, deps: { templates: TemplatesService; previews: TemplatePreviews }): void {
  const { templates, previews } = deps;
  const base = '/api/messaging/templates';
  const read = { access: 'messaging:read' } as const;
  const write = { access: 'messaging:write' } as const;

  app.get(base, { config: read, schema: { tags, summary: 'Templates, last changed first', querystring: listQuery, response: { 200: z.object({ items: z.array(templateSummarySchema) }) } } },
    async (req) => ({ items: await templates.list(req.query) }));

  app.get(`${base}/starters`, { config: read, schema: { tags, summary: 'The gallery of starter templates, each rendered on sample data', response: { 200: z.object({ items: z.array(starterSchema) }) } } },
    async () => ({ items: await previews.starters() }));

  app.post(`${base}/preview`, {
    config: read,
    schema: {
      tags, summary: 'Render unsaved template content for a customer (default: a real customer with an order, else sample data); missing variables come back as warnings',
      body: previewBody, response: { 200: previewSchema, 422: problem.describe('The template cannot be rendered: `issues` lists each problem with part, line and column') },
    },
  }, async (req) => {
    const { customerId, vars, ...src } = req.body;
    return previews.preview(src, { ...(customerId ? { customerId } : {}), ...(vars ? { vars } : {}) });
  });

  app.post(base, { config: write, schema: { tags, summary: 'Create a template, from scratch or from a starter (checked: Liquid and MJML errors are a 400 listing each issue)', body: createTemplateBody, response: { 201: templateSchema } } },
    async (req, reply) => reply.status(201).send(await templates.create(actorOf(req), req.body)));

  app.get(`${base}/:id`, { config: read, schema: { tags, summary: 'A template with its body', params: idOnly, response: { 200: templateSchema } } },
    async (req) => templates.get(req.params.id));

  app.patch(`${base}/:id`, { config: write, schema: { tags, summary: 'Save changes; a change of content is a new version (checked like create)', params: idOnly, body: updateTemplateBody, response: { 200: templateSchema } } },
    async (req) => templates.update(actorOf(req), req.params.id, req.body));

  app.post(`${base}/:id/archive`, { config: write, schema: { tags, summary: 'Archive: hidden from lists and pickers; messages already sent keep it', params: idOnly, response: { 200: templateSchema } } },
    async (req) => templates.setArchived(actorOf(req), req.params.id, true));

  app.post(`${base}/:id/unarchive`, { config: write, schema: { tags, summary: 'Bring an archived template back', params: idOnly, response: { 200: templateSchema } } },
    async (req) => templates.setArchived(actorOf(req), req.params.id, false));

  app.post(`${base}/:id/duplicate`, { config: write, schema: { tags, summary: 'Copy a template (version 1 of a new one)', params: idOnly, response: { 201: templateSchema } } },
    async (req, reply) => reply.status(201).send(await templates.duplicate(actorOf(req), req.params.id)));

  app.get(`${base}/:id/versions`, { config: read, schema: { tags, summary: 'Every saved version, newest first', params: idOnly, response: { 200: z.object({ items: z.array(versionSummarySchema) }) } } },
    async (req) => ({ items: await templates.versions(req.params.id) }));

  app.get(`${base}/:id/versions/:version`, {
    config: read,
    schema: { tags, summary: 'One saved version with its content', params: z.strictObject({ id: z.guid({ error: 'must be a UUID' }), version: z.coerce.number().int().min(1) }), response: { 200: versionSchema } },
  }, async (req) => templates.version(req.params.id, req.params.version));

  app.post(`${base}/:id/test`, {
    config: write,
    schema: { tags, summary: 'Send a test to an address (default: your own), rendered on a customer’s data; it appears in the outbox / is sent like any message', params: idOnly, body: testSendBody, response: { 202: testSendSchema } },
  }, async (req, reply) => {
    const p = req.principal;
    return reply.status(202).send(await templates.testSend(actorOf(req), req.params.id, req.body, p?.kind === 'user' ? p.email : null));
  });
}
