import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Executor } from '../../platform/db/db.ts';
import { getSetting } from '../../platform/settings.ts';
import { sql } from 'kysely';

const KEY = 'messaging.secret';

/**
 * Signs the links Patron puts in messages (unsubscribe, preferences, click, open, receipts):
 * HMAC-SHA256 with a per-installation secret kept in the database, so every API and worker
 * process of one store signs and verifies alike.
 */
export class TokenSigner {
  private secret: Buffer | undefined;
  private readonly db: Executor;
  constructor(db: Executor) {
    this.db = db;
  }

  /** Loads (or, the first time, creates) the secret. Safe when several processes race. */
  async init(): Promise<void> {
    if (this.secret) return;
    const fresh = randomBytes(32).toString('base64url');
    await sql`insert into settings (key, value, updated_at) values (${KEY}, ${JSON.stringify(fresh)}::jsonb, now()) on conflict (key) do nothing`.execute(this.db);
    const stored = await getSetting(this.db, KEY);
    if (typeof stored !== 'string' || stored.length < 32) throw new Error('messaging.secret setting is missing or too short');
    this.secret = Buffer.from(stored, 'base64url');
  }

  private key(): Buffer {
    if (!this.secret) throw new Error('TokenSigner.init() was not awaited');
    return this.secret;
  }

  /** A URL-safe signature of `data` for one purpose ('unsubscribe', 'click', …); purposes never verify each other. */
  sign(purpose: string, data: string): string {
    return createHmac('sha256', this.key()).update(`${purpose}\0${data}`).digest('base64url').slice(0, 32);
  }

  /** Constant-time check of a signature made by `sign`. */
  verify(purpose: string, data: string, signature: string): boolean {
    if (typeof signature !== 'string' || signature.length !== 32) return false;
    const want = Buffer.from(this.sign(purpose, data));
    const got = Buffer.from(signature);
    return got.length === want.length && timingSafeEqual(got, want);
  }
}
