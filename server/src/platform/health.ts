import type { Logger } from 'pino';
import { ping, type Db } from './db/db.ts';
import { pendingMigrations } from './db/migrate.ts';

/** Tracks whether the database answers, so requests fail fast with 503 while it does not. */
export class Health {
  dbUp = true;
  private timer: NodeJS.Timeout | undefined;
  private checking = false;

  private readonly db: Db;
  private readonly log: Logger;

  constructor(db: Db, log: Logger) {
    this.db = db;
    this.log = log;
  }

  /** Called when a request saw the database fail: start watching for its return. */
  markDown(): void {
    if (this.dbUp) this.log.error('database unreachable: answering 503 until it is back');
    this.dbUp = false;
    this.schedule(1000);
  }

  start(): void {
    this.schedule(10_000);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.check(), ms);
    this.timer.unref();
  }

  async check(): Promise<boolean> {
    if (this.checking) return this.dbUp;
    this.checking = true;
    try {
      await ping(this.db);
      if (!this.dbUp) this.log.info('database reachable again');
      this.dbUp = true;
    } catch {
      if (this.dbUp) this.log.error('database unreachable');
      this.dbUp = false;
    } finally {
      this.checking = false;
      this.schedule(this.dbUp ? 10_000 : 1000);
    }
    return this.dbUp;
  }

  /** Readiness: the database answers and every migration the code knows is applied. */
  async ready(): Promise<{ ok: boolean; checks: Record<string, string> }> {
    const checks: Record<string, string> = {};
    const up = await this.check();
    checks.database = up ? 'ok' : 'unreachable';
    if (up) {
      try {
        const pending = await pendingMigrations(this.db);
        checks.migrations = pending.length ? `pending: ${pending.join(', ')}` : 'ok';
      } catch (e) {
        checks.migrations = `unknown: ${(e as Error).message}`;
      }
    }
    return { ok: Object.values(checks).every((v) => v === 'ok'), checks };
  }
}
