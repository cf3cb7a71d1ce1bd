import { z } from 'zod';
import { actorOf } from '../../platform/http/context.ts';
import type { ZodApp } from '../../platform/http/server.ts';
import { attributeDefinitionSchema, createAttributeBodySchema } from './customers.schemas.ts';
import type { CustomerEditService } from './customers.edit.service.ts';

/** Custom attribute definitions (Settings → Custom attributes). */
export function attributeRoutes(app: ZodApp, edits: CustomerEditService): void {
  const tags = ['Settings'];
  app.get('/api/settings/attributes', { config: { access: 'settings:read' }, schema: { tags, summary: 'Custom customer attributes', response: { 200: z.object({ items: z.array(attributeDefinitionSchema) }) } } },
    async () => ({ items: await edits.listAttributes() }));

  app.post('/api/settings/attributes', { config: { access: 'settings:write' }, schema: { tags, summary: 'Define a custom customer attribute', body: createAttributeBodySchema, response: { 201: attributeDefinitionSchema } } },
    async (req, reply) => reply.status(201).send(await edits.createAttribute(actorOf(req), req.body)));

  app.delete('/api/settings/attributes/:key', { config: { access: 'settings:write' }, schema: { tags, summary: 'Delete a custom attribute definition (values stay on profiles)', params: z.strictObject({ key: z.string().max(63) }), response: { 204: z.null() } } },
    async (req, reply) => {
      await edits.deleteAttribute(actorOf(req), req.params.key);
      return reply.status(204).send(null);
    });
}
