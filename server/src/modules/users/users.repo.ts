import { sql, type Generated, type Insertable, type Selectable } from 'kysely';
import type { Executor } from '../../platform/db/db.ts';

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  role: string;
  password_hash: string | null;
  status: 'invited' | 'active' | 'deactivated';
  invite_token_hash: string | null;
  invite_expires_at: Date | null;
  failed_logins: Generated<number>;
  locked_until: Date | null;
  last_login_at: Date | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface SessionsTable {
  token_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: Date;
  last_seen_at: Date;
  expires_at: Date;
  ip: string | null;
  user_agent: string | null;
}

export interface ApiKeysTable {
  id: string;
  name: string;
  kind: 'secret' | 'public';
  prefix: string;
  key_hash: string;
  scopes: string[];
  created_by: string | null;
  created_at: Generated<Date>;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

declare module '../../platform/db/types.ts' {
  interface Database {
    users: UsersTable;
    sessions: SessionsTable;
    api_keys: ApiKeysTable;
  }
}

export type UserRow = Selectable<UsersTable>;
export type ApiKeyRow = Selectable<ApiKeysTable>;

export const usersRepo = {
  count: async (db: Executor) =>
    (await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n,

  byEmail: (db: Executor, email: string) =>
    db.selectFrom('users').selectAll().where(sql<string>`lower(email)`, '=', email.toLowerCase()).executeTakeFirst(),

  byId: (db: Executor, id: string) => db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst(),

  byInviteHash: (db: Executor, hash: string) =>
    db.selectFrom('users').selectAll().where('invite_token_hash', '=', hash).executeTakeFirst(),

  list: (db: Executor) => db.selectFrom('users').selectAll().orderBy('created_at').execute(),

  insert: (db: Executor, row: Insertable<UsersTable>) =>
    db.insertInto('users').values(row).returningAll().executeTakeFirstOrThrow(),

  update: (db: Executor, id: string, patch: Partial<Omit<Selectable<UsersTable>, 'id' | 'created_at'>>) =>
    db.updateTable('users').set({ ...patch, updated_at: new Date() }).where('id', '=', id).returningAll().executeTakeFirstOrThrow(),

  activeOwnerCount: async (db: Executor) =>
    (await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).where('role', '=', 'owner').where('status', '=', 'active').executeTakeFirstOrThrow()).n,

  insertSession: (db: Executor, row: SessionsTable) => db.insertInto('sessions').values(row).execute(),

  sessionWithUser: (db: Executor, tokenHash: string) =>
    db
      .selectFrom('sessions as s')
      .innerJoin('users as u', 'u.id', 's.user_id')
      .select(['s.token_hash', 's.csrf_token', 's.expires_at', 's.last_seen_at', 's.created_at as session_created_at', 'u.id', 'u.email', 'u.name', 'u.role', 'u.status'])
      .where('s.token_hash', '=', tokenHash)
      .executeTakeFirst(),

  touchSession: (db: Executor, tokenHash: string, lastSeen: Date, expiresAt: Date) =>
    db.updateTable('sessions').set({ last_seen_at: lastSeen, expires_at: expiresAt }).where('token_hash', '=', tokenHash).execute(),

  deleteSession: (db: Executor, tokenHash: string) => db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute(),

  deleteSessionsOf: (db: Executor, userId: string) => db.deleteFrom('sessions').where('user_id', '=', userId).execute(),

  deleteExpiredSessions: (db: Executor) => db.deleteFrom('sessions').where('expires_at', '<', new Date()).executeTakeFirst(),


  listApiKeys: (db: Executor) => db.selectFrom('api_keys').selectAll().orderBy('created_at', 'desc').execute(),

  apiKeyById: (db: Executor, id: string) => db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst(),

  apiKeyByHash: (db: Executor, hash: string) => db.selectFrom('api_keys').selectAll().where('key_hash', '=', hash).executeTakeFirst(),

  insertApiKey: (db: Executor, row: Insertable<ApiKeysTable>) =>
    db.insertInto('api_keys').values(row).returningAll().executeTakeFirstOrThrow(),

  revokeApiKey: (db: Executor, id: string) =>
    db.updateTable('api_keys').set({ revoked_at: new Date() }).where('id', '=', id).where('revoked_at', 'is', null).returningAll().executeTakeFirst(),

  touchApiKey: (db: Executor, id: string, at: Date) => db.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', id).execute(),
};
