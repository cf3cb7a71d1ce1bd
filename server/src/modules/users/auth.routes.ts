import { z } from 'zod';
import type { Config } from '../../config.ts';
import type { ZodApp } from '../../platform/http/server.ts';
import { clearSessionCookie, clientInfo, principalOf, setSessionCookie } from '../../platform/http/context.ts';
import { ROLE_PERMISSIONS } from '../../platform/http/rbac.ts';
import {
  acceptInviteBodySchema, changePasswordBodySchema, inviteInfoSchema, loginBodySchema, meSchema, setupBodySchema, setupStatusSchema,
} from './users.schemas.ts';
import type { UsersService } from './users.service.ts';

const tags = ['Authentication'];
export function authRoutes(app: ZodApp, users: UsersService, config: Config): void {
  // Per-IP limits on the endpoints that take passwords or tokens; account lockout is separate (in the service).
  const loginLimit = { max: config.login.ratePerMinute, timeWindow: '1 minute' };
  app.get('/api/setup/status', { config: { access: 'public' }, schema: { tags, summary: 'Whether first-run setup is needed', response: { 200: setupStatusSchema } } },
    async () => ({ needsSetup: await users.needsSetup() }));

  app.post('/api/setup', { config: { access: 'public', rateLimit: loginLimit }, schema: { tags, summary: 'Create the owner account (first run; needs the setup token from the server log)', body: setupBodySchema, response: { 201: meSchema } } },
    async (req, reply) => {
      const { user, session } = await users.setup(req.body, clientInfo(req));
      setSessionCookie(req, reply, session.token, session.expiresAt, config.cookieSecure);
      return reply.status(201).send({ user, permissions: [...ROLE_PERMISSIONS.owner].sort(), csrfToken: session.csrfToken });
    });

  app.post('/api/auth/login', { config: { access: 'public', rateLimit: loginLimit }, schema: { tags, summary: 'Log in with email and password; sets the session cookie', body: loginBodySchema, response: { 200: meSchema } } },
    async (req, reply) => {
      const { user, session } = await users.login(req.body.email, req.body.password, clientInfo(req));
      setSessionCookie(req, reply, session.token, session.expiresAt, config.cookieSecure);
      return { user, permissions: [...ROLE_PERMISSIONS[user.role]].sort(), csrfToken: session.csrfToken };
    });

  app.post('/api/auth/logout', { config: { access: 'authenticated' }, schema: { tags, summary: 'End the current session', response: { 204: z.null() } } },
    async (req, reply) => {
      await users.logout(principalOf(req), req.ip);
      clearSessionCookie(reply);
      return reply.status(204).send(null);
    });

  app.get('/api/auth/me', { config: { access: 'authenticated' }, schema: { tags, summary: 'The logged-in person, their permissions and CSRF token', response: { 200: meSchema } } },
    async (req) => users.me(principalOf(req)));

  app.post('/api/auth/password', { config: { access: 'authenticated', rateLimit: loginLimit }, schema: { tags, summary: 'Change your password (ends your other sessions)', body: changePasswordBodySchema, response: { 204: z.null() } } },
    async (req, reply) => {
      await users.changePassword(principalOf(req), req.body.currentPassword, req.body.newPassword, req.ip);
      return reply.status(204).send(null);
    });

  app.get('/api/invites/:token', { config: { access: 'public', rateLimit: loginLimit }, schema: { tags, summary: 'Look up an invite', params: z.strictObject({ token: z.string().min(1).max(200) }), response: { 200: inviteInfoSchema } } },
    async (req) => users.inviteInfo(req.params.token));

  app.post('/api/invites/accept', { config: { access: 'public', rateLimit: loginLimit }, schema: { tags, summary: 'Accept an invite: set name and password, and log in', body: acceptInviteBodySchema, response: { 200: meSchema } } },
    async (req, reply) => {
      const { user, session } = await users.acceptInvite(req.body.token, req.body.name, req.body.password, clientInfo(req));
      setSessionCookie(req, reply, session.token, session.expiresAt, config.cookieSecure);
      return { user, permissions: [...ROLE_PERMISSIONS[user.role]].sort(), csrfToken: session.csrfToken };
    });
}
