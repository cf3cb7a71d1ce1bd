import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../audit/audit.ts';
import type { Role } from './rbac.ts';
import { forbidden, unauthorized } from './problem.ts';
import { SESSION_COOKIE, type Principal } from './server.ts';

/** The audit actor for a request. */
export function actorOf(req: FastifyRequest): Actor {
  const p = req.principal;
  if (!p) return { type: 'system', id: null, label: 'anonymous', ip: req.ip, requestId: req.id };
  if (p.kind === 'user') return { type: 'user', id: p.userId, label: p.email, ip: req.ip, requestId: req.id };
  return { type: 'api_key', id: p.keyId, label: `API key "${p.name}"`, ip: req.ip, requestId: req.id };
}

export function principalOf(req: FastifyRequest): Principal {
  if (!req.principal) throw unauthorized();
  return req.principal;
}

/** The calling person (routes that only people may use, e.g. team management). */
export function personOf(req: FastifyRequest): Extract<Principal, { kind: 'user' }> & { actor: Actor & { id: string } } {
  const p = principalOf(req);
  if (p.kind !== 'user') throw forbidden('This action is for people logged in to Patron, not API keys.');
  return { ...p, actor: { type: 'user', id: p.userId, label: p.email, ip: req.ip, requestId: req.id } };
}

export function roleOf(p: Extract<Principal, { kind: 'user' }>): Role {
  return p.role as Role;
}

/** The role whose rules apply to a caller: a person's own; an API key acts as an admin (never as an owner). */
export function effectiveRole(req: FastifyRequest): Role {
  const p = principalOf(req);
  return p.kind === 'user' ? (p.role as Role) : 'admin';
}

/** The base URL people reach Patron at, for links in invites and emails. */
export function baseUrl(req: FastifyRequest, configured: string | undefined): string {
  return configured ?? `${req.protocol}://${req.host}`;
}

export function setSessionCookie(req: FastifyRequest, reply: FastifyReply, token: string, expires: Date, secure: 'auto' | boolean): void {
  reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: secure === 'auto' ? req.protocol === 'https' : secure,
    path: '/',
    expires,
  });
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}

export function clientInfo(req: FastifyRequest): { ip: string | null; userAgent: string | null } {
  return { ip: req.ip ?? null, userAgent: req.headers['user-agent'] ?? null };
}
