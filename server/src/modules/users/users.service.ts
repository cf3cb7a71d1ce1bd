import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { hash as argonHash, verify as argonVerify } from '@node-rs/argon2';
import type { Config } from '../../config.ts';
import { audit, type Actor } from '../../platform/audit/audit.ts';
import type { Db, Executor } from '../../platform/db/db.ts';
import type { Authenticator, Principal } from '../../platform/http/server.ts';
import { conflict, forbidden, HttpError, notFound, tooManyRequests, unauthorized } from '../../platform/http/problem.ts';
import {
  API_KEY_SCOPES, isPermission, PUBLIC_KEY_SCOPES, ROLE_PERMISSIONS, ROLES, type Permission, type Role,
} from '../../platform/http/rbac.ts';
import { newId } from '../../platform/ids.ts';
import { deleteSetting, getSetting } from '../../platform/settings.ts';
import { usersRepo, type ApiKeyRow, type UserRow } from './users.repo.ts';
import type { ApiKey, User } from './users.schemas.ts';

const SETUP_TOKEN_KEY = 'setup_token';
const INVITE_DAYS = 7;
/** How long a valid API key's principal is reused without a lookup (other processes' revocations take this long). */
export const API_KEY_CACHE_MS = 5_000;
// Argon2id parameters: OWASP's recommended minimum (19 MiB, 2 passes).
const ARGON = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;
// A real hash to verify against when the email is unknown, so both paths take the same time.
const DUMMY_HASH = argonHash('patron-timing-equaliser', ARGON);

export interface NewSession {
  token: string;
  csrfToken: string;
  expiresAt: Date;
}

export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const randomToken = (bytes = 32) => randomBytes(bytes).toString('base64url');

export function toUser(r: UserRow): User {
  return { id: r.id, email: r.email, name: r.name, role: r.role as Role, status: r.status, lastLoginAt: r.last_login_at, createdAt: r.created_at };
}

function toApiKey(r: ApiKeyRow): ApiKey {
  return { id: r.id, name: r.name, kind: r.kind, prefix: r.prefix, scopes: r.scopes, createdAt: r.created_at, createdBy: r.created_by, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at };
}

const isRole = (s: string): s is Role => (ROLES as readonly string[]).includes(s);

/** People, sessions, invites and API keys. */
export class UsersService implements Authenticator {
  private readonly db: Db;
  private readonly config: Config;
  private readonly keyCache = new Map<string, { principal: Principal; until: number }>();

  constructor(db: Db, config: Config) {
    this.db = db;
    this.config = config;
  }

  async needsSetup(): Promise<boolean> {
    return (await usersRepo.count(this.db)) === 0;
  }

  /** The one-time token that guards first-run setup; undefined once an owner exists. */
  async setupToken(): Promise<string | undefined> {
    if (!(await this.needsSetup())) return undefined;
    const existing = await getSetting(this.db, SETUP_TOKEN_KEY);
    if (typeof existing === 'string') return existing;
    const token = randomToken(18);
    // Several processes may start at once: the first token written wins.
    await this.db.insertInto('settings').values({ key: SETUP_TOKEN_KEY, value: JSON.stringify(token), updated_at: new Date() }).onConflict((oc) => oc.column('key').doNothing()).execute();
    const stored = await getSetting(this.db, SETUP_TOKEN_KEY);
    return typeof stored === 'string' ? stored : token;
  }

  async setup(input: { token: string; email: string; name: string; password: string }, client: ClientInfo): Promise<{ user: User; session: NewSession }> {
    const expected = await getSetting(this.db, SETUP_TOKEN_KEY);
    if (!(await this.needsSetup())) throw conflict('Patron is already set up. Log in instead.', 'already-set-up');
    if (typeof expected !== 'string' || !safeEqual(expected, input.token)) {
      throw new HttpError(403, 'invalid-setup-token', 'Wrong setup token', 'The setup token does not match. Copy it from the line "First-run setup" in the server log.');
    }
    const passwordHash = await argonHash(input.password, ARGON);
    return this.db.transaction().execute(async (tx) => {
      // Serialise concurrent setups: only the first creates the owner.
      await tx.selectFrom('settings').select('key').where('key', '=', SETUP_TOKEN_KEY).forUpdate().execute();
      if ((await usersRepo.count(tx)) > 0) throw conflict('Patron is already set up. Log in instead.', 'already-set-up');
      const row = await usersRepo.insert(tx, {
        id: newId(), email: input.email, name: input.name, role: 'owner', password_hash: passwordHash, status: 'active', invite_token_hash: null, invite_expires_at: null, last_login_at: new Date(),
      });
      await deleteSetting(tx, SETUP_TOKEN_KEY);
      const actor: Actor = { type: 'user', id: row.id, label: row.email, ip: client.ip };
      await audit.record(tx, actor, { action: 'setup.completed', entityType: 'user', entityId: row.id, summary: `Created the owner account ${row.email}`, after: toUser(row) });
      const session = await this.createSession(tx, row.id, client);
      return { user: toUser(row), session };
    });
  }

  /** Creates an owner or any other user from the CLI (no setup token needed: shell access is proof enough). */
  async createFromCli(input: { email: string; name: string; role: Role; password: string }, actor: Actor): Promise<User> {
    const passwordHash = await argonHash(input.password, ARGON);
    return this.db.transaction().execute(async (tx) => {
      if (await usersRepo.byEmail(tx, input.email)) throw conflict(`A user with email ${input.email} already exists.`, 'email-taken');
      const row = await usersRepo.insert(tx, {
        id: newId(), email: input.email, name: input.name, role: input.role, password_hash: passwordHash, status: 'active', invite_token_hash: null, invite_expires_at: null,
      });
      await deleteSetting(tx, SETUP_TOKEN_KEY);
      await audit.record(tx, actor, { action: 'user.created', entityType: 'user', entityId: row.id, summary: `Created ${input.role} ${row.email}`, after: toUser(row) });
      return toUser(row);
    });
  }

  async login(email: string, password: string, client: ClientInfo): Promise<{ user: User; session: NewSession }> {
    const row = await usersRepo.byEmail(this.db, email);
    const now = new Date();
    if (!row || !row.password_hash || row.status !== 'active') {
      await argonVerify(await DUMMY_HASH, password).catch(() => false);
      await audit.record(this.db, { type: 'user', id: row?.id ?? null, label: email, ip: client.ip }, { action: 'auth.login_failed', entityType: 'user', entityId: row?.id ?? null, summary: `Failed login for ${email}${row && row.status !== 'active' ? ` (${row.status})` : ''}` });
      throw wrongCredentials();
    }
    if (row.locked_until && row.locked_until > now) {
      const seconds = Math.ceil((row.locked_until.getTime() - now.getTime()) / 1000);
      throw tooManyRequests(`Too many failed logins: this account is locked for ${Math.ceil(seconds / 60)} more minute(s).`, seconds);
    }
    const ok = await argonVerify(row.password_hash, password).catch(() => false);
    const actor: Actor = { type: 'user', id: row.id, label: row.email, ip: client.ip };
    if (!ok) {
      const failures = row.failed_logins + 1;
      const lock = failures >= this.config.login.maxFailures;
      await this.db.transaction().execute(async (tx) => {
        await usersRepo.update(tx, row.id, lock ? { failed_logins: 0, locked_until: new Date(now.getTime() + this.config.login.lockMs) } : { failed_logins: failures });
        await audit.record(tx, actor, { action: lock ? 'auth.locked' : 'auth.login_failed', entityType: 'user', entityId: row.id, summary: lock ? `Locked ${row.email} after ${failures} failed logins` : `Failed login for ${row.email}` });
      });
      throw wrongCredentials();
    }
    return this.db.transaction().execute(async (tx) => {
      const updated = await usersRepo.update(tx, row.id, { failed_logins: 0, locked_until: null, last_login_at: now });
      await audit.record(tx, actor, { action: 'auth.login', entityType: 'user', entityId: row.id, summary: `${row.email} logged in` });
      const session = await this.createSession(tx, row.id, client);
      return { user: toUser(updated), session };
    });
  }

  async logout(principal: Principal, ip: string | null): Promise<void> {
    if (principal.kind !== 'user') return;
    await this.db.transaction().execute(async (tx) => {
      await usersRepo.deleteSession(tx, principal.sessionHash);
      await audit.record(tx, { type: 'user', id: principal.userId, label: principal.email, ip }, { action: 'auth.logout', entityType: 'user', entityId: principal.userId, summary: `${principal.email} logged out` });
    });
  }

  private async createSession(db: Executor, userId: string, client: ClientInfo): Promise<NewSession> {
    const token = randomToken();
    const csrfToken = randomToken(18);
    const now = new Date();
    const expiresAt = new Date(Math.min(now.getTime() + this.config.session.idleMs, now.getTime() + this.config.session.maxMs));
    await usersRepo.insertSession(db, {
      token_hash: sha256(token), user_id: userId, csrf_token: csrfToken, created_at: now, last_seen_at: now, expires_at: expiresAt,
      ip: client.ip, user_agent: client.userAgent?.slice(0, 500) ?? null,
    });
    return { token, csrfToken, expiresAt };
  }

  async session(token: string): Promise<Principal | 'expired' | undefined> {
    const hash = sha256(token);
    const s = await usersRepo.sessionWithUser(this.db, hash);
    if (!s) return undefined;
    const now = Date.now();
    if (s.expires_at.getTime() <= now || s.status !== 'active' || !isRole(s.role)) return 'expired';
    // Sliding idle expiry, written at most once a minute per session.
    if (now - s.last_seen_at.getTime() > 60_000) {
      const expires = Math.min(now + this.config.session.idleMs, s.session_created_at.getTime() + this.config.session.maxMs);
      await usersRepo.touchSession(this.db, hash, new Date(now), new Date(expires));
    }
    return { kind: 'user', userId: s.id, email: s.email, name: s.name, role: s.role, permissions: ROLE_PERMISSIONS[s.role], sessionHash: hash, csrfToken: s.csrf_token };
  }

  /**
   * A key's principal. Valid keys are remembered for API_KEY_CACHE_MS so busy machine clients (tracking
   * beacons, integrations) do not cost a query per request; revoking clears this process's cache at once,
   * other processes notice within API_KEY_CACHE_MS. Unknown and revoked keys are never cached.
   */
  async apiKey(key: string): Promise<Principal | 'revoked' | undefined> {
    if (!/^patron_(sk|pk)_[\w-]{20,100}$/.test(key)) return undefined;
    const hash = sha256(key);
    const hit = this.keyCache.get(hash);
    if (hit && hit.until > Date.now()) return hit.principal;
    const row = await usersRepo.apiKeyByHash(this.db, hash);
    if (!row) return undefined;
    if (row.revoked_at) return 'revoked';
    const now = new Date();
    if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() > 60_000) await usersRepo.touchApiKey(this.db, row.id, now);
    const scopes = row.kind === 'public' ? PUBLIC_KEY_SCOPES : row.scopes.filter(isPermission);
    const principal: Principal = { kind: 'api_key', keyId: row.id, name: row.name, keyKind: row.kind, permissions: new Set(scopes) };
    if (this.keyCache.size >= 10_000) this.keyCache.clear();
    this.keyCache.set(hash, { principal, until: Date.now() + API_KEY_CACHE_MS });
    return principal;
  }

  async me(principal: Principal): Promise<{ user: User; permissions: string[]; csrfToken: string }> {
    if (principal.kind !== 'user') throw forbidden('Only people have a profile; API keys do not.');
    const row = await usersRepo.byId(this.db, principal.userId);
    if (!row) throw unauthorized();
    return { user: toUser(row), permissions: [...principal.permissions].sort(), csrfToken: principal.csrfToken };
  }

  async list(): Promise<User[]> {
    return (await usersRepo.list(this.db)).map(toUser);
  }

  /** Adds a team member: active at once with a password, otherwise invited with a link valid 7 days. */
  async create(actor: Actor, actorRole: Role, input: { email: string; name: string; role: Role; password?: string | undefined }, baseUrl: string) {
    if (input.role === 'owner' && actorRole !== 'owner') throw forbidden('Only an owner can add another owner.');
    const passwordHash = input.password ? await argonHash(input.password, ARGON) : null;
    const inviteToken = input.password ? null : randomToken();
    const inviteExpiresAt = inviteToken ? new Date(Date.now() + INVITE_DAYS * 86400_000) : null;
    const row = await this.db.transaction().execute(async (tx) => {
      if (await usersRepo.byEmail(tx, input.email)) throw conflict(`A user with email ${input.email} already exists.`, 'email-taken');
      const r = await usersRepo.insert(tx, {
        id: newId(), email: input.email, name: input.name, role: input.role, password_hash: passwordHash, status: inviteToken ? 'invited' : 'active',
        invite_token_hash: inviteToken ? sha256(inviteToken) : null, invite_expires_at: inviteExpiresAt,
      });
      await audit.record(tx, actor, { action: inviteToken ? 'user.invited' : 'user.created', entityType: 'user', entityId: r.id, summary: `${inviteToken ? 'Invited' : 'Added'} ${r.email} as ${r.role}`, after: toUser(r) });
      return r;
    });
    return { user: toUser(row), inviteUrl: inviteToken ? `${baseUrl}/invite/${inviteToken}` : null, inviteExpiresAt };
  }

  async update(actor: Actor, actorRole: Role, id: string, patch: { name?: string | undefined; role?: Role | undefined; status?: 'active' | 'deactivated' | undefined }): Promise<User> {
    return this.db.transaction().execute(async (tx) => {
      // Lock the owners so two admins cannot demote the last two owners at once.
      await tx.selectFrom('users').select('id').where('role', '=', 'owner').forUpdate().execute();
      const before = await usersRepo.byId(tx, id);
      if (!before) throw notFound(`No user with id ${id}.`);
      const touchesOwner = before.role === 'owner' || patch.role === 'owner';
      if (touchesOwner && (patch.role !== undefined || patch.status !== undefined) && actorRole !== 'owner') {
        throw forbidden('Only an owner can change an owner or make someone an owner.');
      }
      if (id === actor.id && patch.status === 'deactivated') throw forbidden('You cannot deactivate yourself.', 'self-deactivation');
      if (patch.status === 'active' && before.status === 'invited') throw conflict('This person has not accepted their invite yet.', 'invite-pending');
      const losesOwner = before.role === 'owner' && before.status === 'active' && ((patch.role && patch.role !== 'owner') || patch.status === 'deactivated');
      if (losesOwner && (await usersRepo.activeOwnerCount(tx)) <= 1) {
        throw conflict('Patron must keep at least one active owner. Make someone else an owner first.', 'last-owner');
      }
      const after = await usersRepo.update(tx, id, {
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.role !== undefined ? { role: patch.role } : {}),
        ...(patch.status !== undefined ? { status: patch.status } : {}),
      });
      if (patch.status === 'deactivated') await usersRepo.deleteSessionsOf(tx, id);
      const changes = [patch.role && patch.role !== before.role ? `role ${before.role} → ${patch.role}` : '', patch.status && patch.status !== before.status ? `status ${before.status} → ${patch.status}` : '', patch.name !== undefined && patch.name !== before.name ? 'name' : ''].filter(Boolean);
      await audit.record(tx, actor, { action: 'user.updated', entityType: 'user', entityId: id, summary: `Updated ${before.email}: ${changes.join(', ') || 'no change'}`, before: toUser(before), after: toUser(after) });
      return toUser(after);
    });
  }

  /** A new invite link for someone who has not accepted yet (the old link stops working). */
  async reissueInvite(actor: Actor, actorRole: Role, id: string, baseUrl: string) {
    const token = randomToken();
    const expiresAt = new Date(Date.now() + INVITE_DAYS * 86400_000);
    const row = await this.db.transaction().execute(async (tx) => {
      const before = await usersRepo.byId(tx, id);
      if (!before) throw notFound(`No user with id ${id}.`);
      if (before.status !== 'invited') throw conflict(`${before.email} has already joined; there is no invite to send.`, 'not-invited');
      if (before.role === 'owner' && actorRole !== 'owner') throw forbidden('Only an owner can invite an owner.');
      const r = await usersRepo.update(tx, id, { invite_token_hash: sha256(token), invite_expires_at: expiresAt });
      await audit.record(tx, actor, { action: 'user.invite_reissued', entityType: 'user', entityId: id, summary: `New invite link for ${r.email}` });
      return r;
    });
    return { user: toUser(row), inviteUrl: `${baseUrl}/invite/${token}`, inviteExpiresAt: expiresAt };
  }

  /** Withdraws an invite that was not accepted: the person is removed. */
  async revokeInvite(actor: Actor, actorRole: Role, id: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      const before = await usersRepo.byId(tx, id);
      if (!before) throw notFound(`No user with id ${id}.`);
      if (before.status !== 'invited') throw conflict(`${before.email} has joined; deactivate them instead of deleting.`, 'not-invited');
      if (before.role === 'owner' && actorRole !== 'owner') throw forbidden('Only an owner can withdraw an owner’s invite.');
      await tx.deleteFrom('users').where('id', '=', id).execute();
      await audit.record(tx, actor, { action: 'user.invite_revoked', entityType: 'user', entityId: id, summary: `Withdrew the invite of ${before.email}`, before: toUser(before) });
    });
  }

  async inviteInfo(token: string): Promise<{ email: string; name: string; role: Role; expiresAt: Date }> {
    const row = await usersRepo.byInviteHash(this.db, sha256(token));
    if (!row || row.status !== 'invited' || !row.invite_expires_at || row.invite_expires_at < new Date() || !isRole(row.role)) {
      throw notFound('This invite link is not valid or has expired. Ask an admin for a new one.');
    }
    return { email: row.email, name: row.name, role: row.role, expiresAt: row.invite_expires_at };
  }

  async acceptInvite(token: string, name: string, password: string, client: ClientInfo): Promise<{ user: User; session: NewSession }> {
    await this.inviteInfo(token);
    const passwordHash = await argonHash(password, ARGON);
    return this.db.transaction().execute(async (tx) => {
      const row = await usersRepo.byInviteHash(tx, sha256(token));
      if (!row || row.status !== 'invited') throw notFound('This invite link is not valid or has expired. Ask an admin for a new one.');
      const updated = await usersRepo.update(tx, row.id, { name, password_hash: passwordHash, status: 'active', invite_token_hash: null, invite_expires_at: null, last_login_at: new Date() });
      await audit.record(tx, { type: 'user', id: row.id, label: row.email, ip: client.ip }, { action: 'user.invite_accepted', entityType: 'user', entityId: row.id, summary: `${row.email} accepted their invite` });
      const session = await this.createSession(tx, row.id, client);
      return { user: toUser(updated), session };
    });
  }

  async changePassword(principal: Principal, current: string, next: string, ip: string | null): Promise<void> {
    if (principal.kind !== 'user') throw forbidden('Only people have passwords.');
    const row = await usersRepo.byId(this.db, principal.userId);
    if (!row?.password_hash || !(await argonVerify(row.password_hash, current).catch(() => false))) {
      throw new HttpError(400, 'wrong-password', 'Wrong password', 'The current password is wrong.', { errors: [{ pointer: '/body/currentPassword', detail: 'is wrong' }] });
    }
    const hash = await argonHash(next, ARGON);
    await this.db.transaction().execute(async (tx) => {
      await usersRepo.update(tx, row.id, { password_hash: hash });
      // Other sessions end; this one stays.
      await tx.deleteFrom('sessions').where('user_id', '=', row.id).where('token_hash', '!=', principal.sessionHash).execute();
      await audit.record(tx, { type: 'user', id: row.id, label: row.email, ip }, { action: 'user.password_changed', entityType: 'user', entityId: row.id, summary: `${row.email} changed their password` });
    });
  }

  /** CLI: sets a new password, unlocks the account and ends its sessions. */
  async resetPassword(email: string, password: string, actor: Actor): Promise<User> {
    const hash = await argonHash(password, ARGON);
    return this.db.transaction().execute(async (tx) => {
      const row = await usersRepo.byEmail(tx, email);
      if (!row) throw notFound(`No user with email ${email}.`);
      const updated = await usersRepo.update(tx, row.id, { password_hash: hash, failed_logins: 0, locked_until: null, ...(row.status === 'invited' ? { status: 'active', invite_token_hash: null, invite_expires_at: null } : {}) });
      await usersRepo.deleteSessionsOf(tx, row.id);
      await audit.record(tx, actor, { action: 'user.password_reset', entityType: 'user', entityId: row.id, summary: `Reset the password of ${row.email}` });
      return toUser(updated);
    });
  }

  async listApiKeys(): Promise<ApiKey[]> {
    return (await usersRepo.listApiKeys(this.db)).map(toApiKey);
  }

  /** Creates a key; the secret is returned once and only its hash is kept. */
  async createApiKey(actor: Actor, input: { name: string; kind: 'secret' | 'public'; scopes: string[] }): Promise<{ apiKey: ApiKey; key: string }> {
    let scopes: Permission[];
    if (input.kind === 'public') scopes = PUBLIC_KEY_SCOPES;
    else {
      const bad = input.scopes.map((s, i) => ({ s, i })).filter(({ s }) => !(API_KEY_SCOPES as string[]).includes(s));
      if (bad.length) {
        throw new HttpError(400, 'validation-error', 'Your request is not valid', `Unknown scope(s): ${bad.map((b) => b.s).join(', ')}. Scopes look like "customers:read" or "customers:write".`,
          { errors: bad.map((b) => ({ pointer: `/body/scopes/${b.i}`, detail: `"${b.s}" is not a scope` })) });
      }
      if (input.scopes.length === 0) {
        throw new HttpError(400, 'validation-error', 'Your request is not valid', 'A secret key needs at least one scope.', { errors: [{ pointer: '/body/scopes', detail: 'choose at least one scope' }] });
      }
      scopes = [...new Set(input.scopes)] as Permission[];
    }
    const key = `patron_${input.kind === 'public' ? 'pk' : 'sk'}_${randomToken(24)}`;
    return this.db.transaction().execute(async (tx) => {
      const row = await usersRepo.insertApiKey(tx, {
        id: newId(), name: input.name, kind: input.kind, prefix: key.slice(0, 14), key_hash: sha256(key), scopes, created_by: actor.type === 'user' ? actor.id : null,
      });
      await audit.record(tx, actor, { action: 'apikey.created', entityType: 'api_key', entityId: row.id, summary: `Created ${input.kind} API key "${input.name}" (${row.prefix}…)`, after: toApiKey(row) });
      return { apiKey: toApiKey(row), key };
    });
  }

  async revokeApiKey(actor: Actor, id: string): Promise<ApiKey> {
    const out = await this.db.transaction().execute(async (tx) => {
      const before = await usersRepo.apiKeyById(tx, id);
      if (!before) throw notFound(`No API key with id ${id}.`);
      if (before.revoked_at) return toApiKey(before);
      const row = await usersRepo.revokeApiKey(tx, id);
      if (!row) return toApiKey(before);
      this.keyCache.clear();
      await audit.record(tx, actor, { action: 'apikey.revoked', entityType: 'api_key', entityId: id, summary: `Revoked API key "${row.name}" (${row.prefix}…)`, before: toApiKey(before), after: toApiKey(row) });
      return toApiKey(row);
    });
    // Again after commit: a lookup racing the revocation may have cached the key before it committed.
    this.keyCache.clear();
    return out;
  }

  async purgeExpiredSessions(): Promise<number> {
    const r = await usersRepo.deleteExpiredSessions(this.db);
    return Number(r.numDeletedRows);
  }
}

function wrongCredentials(): HttpError {
  return new HttpError(401, 'invalid-credentials', 'Wrong email or password', 'The email or password is wrong.');
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(sha256(a));
  const y = Buffer.from(sha256(b));
  return timingSafeEqual(x, y);
}
