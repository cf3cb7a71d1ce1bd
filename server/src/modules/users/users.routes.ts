import { z } from 'zod';
import type { Config } from '../../config.ts';
import type { ZodApp } from '../../platform/http/server.ts';
import { actorOf, baseUrl, effectiveRole } from '../../platform/http/context.ts';
import { API_KEY_SCOPES, ROLE_LABELS, ROLE_PERMISSIONS, ROLES } from '../../platform/http/rbac.ts';
import {
  apiKeySchema, createApiKeyBodySchema, createdApiKeySchema, createUserBodySchema, createUserResponseSchema, idParamsSchema, updateUserBodySchema, userSchema,
} from './users.schemas.ts';
import type { UsersService } from './users.service.ts';

export function teamRoutes(app: ZodApp, users: UsersService, config: Config): void {
  const tags = ['Team'];
  app.get('/api/users', { config: { access: 'team:read' }, schema: { tags, summary: 'List team members', response: { 200: z.object({ items: z.array(userSchema) }) } } },
    async () => ({ items: await users.list() }));

  app.get('/api/roles', { config: { access: 'team:read' }, schema: { tags, summary: 'Roles and what each may do', response: { 200: z.object({ items: z.array(z.object({ role: z.string(), label: z.string(), permissions: z.array(z.string()) })) }) } } },
    async () => ({ items: ROLES.map((role) => ({ role, label: ROLE_LABELS[role], permissions: [...ROLE_PERMISSIONS[role]].sort() })) }));

  app.post('/api/users', { config: { access: 'team:write' }, schema: { tags, summary: 'Add a team member (with a password) or invite one (without)', body: createUserBodySchema, response: { 201: createUserResponseSchema } } },
    async (req, reply) => {
      const out = await users.create(actorOf(req), effectiveRole(req), req.body, baseUrl(req, config.publicUrl));
      return reply.status(201).send(out);
    });

  app.patch('/api/users/:id', { config: { access: 'team:write' }, schema: { tags, summary: 'Change a team member’s name, role or status', params: idParamsSchema, body: updateUserBodySchema, response: { 200: userSchema } } },
    async (req) => {
      return users.update(actorOf(req), effectiveRole(req), req.params.id, req.body);
    });
}

export function inviteRoutes(app: ZodApp, users: UsersService, config: Config): void {
  const tags = ['Team'];
  app.post('/api/users/:id/invite', { config: { access: 'team:write' }, schema: { tags, summary: 'A new invite link for someone who has not joined yet', params: idParamsSchema, response: { 200: createUserResponseSchema } } },
    async (req) => {
      return users.reissueInvite(actorOf(req), effectiveRole(req), req.params.id, baseUrl(req, config.publicUrl));
    });

  app.delete('/api/users/:id', { config: { access: 'team:write' }, schema: { tags, summary: 'Withdraw an invite that was not accepted (people who joined are deactivated instead)', params: idParamsSchema, response: { 204: z.null() } } },
    async (req, reply) => {
      await users.revokeInvite(actorOf(req), effectiveRole(req), req.params.id);
      return reply.status(204).send(null);
    });
}

export function apiKeyRoutes(app: ZodApp, users: UsersService): void {
  const tags = ['API keys'];
  app.get('/api/api-keys', { config: { access: 'apikeys:read' }, schema: { tags, summary: 'List API keys (secrets are never shown again)', response: { 200: z.object({ items: z.array(apiKeySchema), scopes: z.array(z.string()) }) } } },
    async () => ({ items: await users.listApiKeys(), scopes: API_KEY_SCOPES }));

  app.post('/api/api-keys', { config: { access: 'apikeys:write', secretResponse: true }, schema: { tags, summary: 'Create an API key; the key is in this response only', body: createApiKeyBodySchema, response: { 201: createdApiKeySchema } } },
    async (req, reply) => reply.status(201).send(await users.createApiKey(actorOf(req), req.body)));

  app.delete('/api/api-keys/:id', { config: { access: 'apikeys:write' }, schema: { tags, summary: 'Revoke an API key', params: idParamsSchema, response: { 200: apiKeySchema } } },
    async (req) => users.revokeApiKey(actorOf(req), req.params.id));
}
