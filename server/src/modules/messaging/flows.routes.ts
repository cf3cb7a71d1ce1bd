import { z } from 'zod';
import { actorOf } from '../../platform/http/context.ts';
import type { ZodApp } from '../../platform/http/server.ts';
import type { FlowGallery } from './flows.gallery.ts';
import {
  createFlowBody, discountCodeSchema, discountCodesQuery, enrolBody, enrolResultSchema, flowDetailSchema, flowSummarySchema, galleryItemSchema, journeySchema,
  journeysQuery, moveResultSchema, runsPageSchema, runsQuery, statusBody, taskSchema, tasksQuery, updateFlowBody,
} from './flows.schemas.ts';
import type { FlowsService } from './flows.service.ts';

const tags = ['Flows'];
const idOnly = z.strictObject({ id: z.guid({ error: 'must be a UUID' }) });
const read = { access: 'messaging:read' } as const;
const write = { access: 'messaging:write' } as const;

/** /api/messaging/flows: automations, their gallery, runs, a customer's journeys, tasks and discount codes. */
export function flowRoutes(app: ZodApp, deps: { flows: FlowsService; gallery: FlowGallery }): void {
  const { flows, gallery } = deps;
  const base = '/api/messaging/flows';

  app.get(base, { config: read, schema: { tags, summary: 'Flows with their status and figures', response: { 200: z.object({ items: z.array(flowSummarySchema) }) } } },
    async () => ({ items: await flows.list() }));

  app.post(base, { config: write, schema: { tags, summary: 'Create a flow (a draft until switched on)', body: createFlowBody, response: { 201: flowDetailSchema } } },
    async (req, reply) => reply.status(201).send(await flows.create(actorOf(req), req.body)));

  app.get(`${base}/gallery`, { config: read, schema: { tags, summary: 'Ready-made flows a store switches on in one click', response: { 200: z.object({ items: z.array(galleryItemSchema) }) } } },
    async () => ({ items: await gallery.list() }));

  app.post(`${base}/gallery/:key`, { config: write, schema: { tags, summary: 'Switch a ready-made flow on (its templates are created; switching it on again reuses it)', params: z.strictObject({ key: z.string().max(100) }), response: { 200: flowDetailSchema, 201: flowDetailSchema } } },
    async (req, reply) => {
      const r = await gallery.enable(actorOf(req), req.params.key);
      return reply.status(r.created ? 201 : 200).send(await flows.get(r.id));
    });

  app.get(`${base}/journeys`, { config: read, schema: { tags, summary: 'A customer\'s journeys through flows, newest first', querystring: journeysQuery, response: { 200: z.object({ items: z.array(journeySchema) }) } } },
    async (req) => ({ items: await flows.journeys(req.query.customerId) }));

  app.get(`${base}/tasks`, { config: read, schema: { tags, summary: 'Tasks flows created for the team', querystring: tasksQuery, response: { 200: z.object({ items: z.array(taskSchema) }) } } },
    async (req) => ({ items: await flows.tasks(req.query.status, req.query.limit) }));

  app.post(`${base}/tasks/:id/done`, { config: write, schema: { tags, summary: 'Mark a task done', params: idOnly, response: { 204: z.null() } } },
    async (req, reply) => {
      await flows.completeTask(actorOf(req), req.params.id);
      return reply.status(204).send(null);
    });

  app.get(`${base}/discount-codes`, { config: read, schema: { tags, summary: 'Single-use codes flows made, oldest first (for syncing to the store)', querystring: discountCodesQuery, response: { 200: z.object({ items: z.array(discountCodeSchema) }) } } },
    async (req) => ({ items: await flows.discountCodes(req.query.since, req.query.limit) }));

  app.get(`${base}/:id`, { config: read, schema: { tags, summary: 'A flow: definition, per-step figures, versions', params: idOnly, response: { 200: flowDetailSchema } } },
    async (req) => flows.get(req.params.id));

  app.patch(`${base}/:id`, { config: write, schema: { tags, summary: 'Rename, or save a new version (runs in flight stay on theirs unless moveInFlight)', params: idOnly, body: updateFlowBody, response: { 200: flowDetailSchema.extend({ moved: moveResultSchema.nullable() }) } } },
    async (req) => flows.update(actorOf(req), req.params.id, req.body));

  app.delete(`${base}/:id`, { config: write, schema: { tags, summary: 'Archive a flow: runs in flight exit, queued messages are cancelled', params: idOnly, response: { 204: z.null() } } },
    async (req, reply) => {
      await flows.archive(actorOf(req), req.params.id);
      return reply.status(204).send(null);
    });

  app.post(`${base}/:id/status`, { config: write, schema: { tags, summary: 'Switch a flow on (live) or pause it (runs wait where they are)', params: idOnly, body: statusBody, response: { 200: flowDetailSchema } } },
    async (req) => flows.setStatus(actorOf(req), req.params.id, req.body.status));

  app.post(`${base}/:id/enrol`, { config: write, schema: { tags, summary: 'Enrol customers by hand (re-entry rules apply)', params: idOnly, body: enrolBody, response: { 200: enrolResultSchema } } },
    async (req) => flows.enrol(actorOf(req), req.params.id, req.body.customerIds));

  app.get(`${base}/:id/runs`, { config: read, schema: { tags, summary: 'Runs of a flow, newest first (cursor-paginated)', params: idOnly, querystring: runsQuery, response: { 200: runsPageSchema } } },
    async (req) => flows.runs(req.params.id, req.query));

  app.get(`${base}/:id/versions/:version`, {
    config: read,
    schema: { tags, summary: 'One saved version of the definition', params: z.strictObject({ id: z.guid({ error: 'must be a UUID' }), version: z.coerce.number().int().min(1) }), response: { 200: z.object({ version: z.number().int(), definition: z.unknown(), createdBy: z.string(), createdAt: z.date() }) } },
  }, async (req) => flows.version(req.params.id, req.params.version));
}
