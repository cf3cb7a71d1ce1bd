import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import type { Db, Executor } from '../../platform/db/db.ts';

/** One realtime event: `type` says what happened; the rest is small JSON (ids, names, short text). */
export interface LiveEvent {
  type: string;
  [key: string]: unknown;
}

/** Receives events of the topics it subscribed to, in whichever process they were published. */
export type LiveListener = (topic: string, event: LiveEvent) => void;

const CHANNEL = 'patron_support_live';
// NOTIFY payloads are limited to 8000 bytes; bigger events go out as a stub that says to refetch.
const MAX_PAYLOAD = 7800;

/**
 * The realtime hub of the support module. `publish` sends an event to a topic (`inbox`, `ticket:<id>`,
 * `user:<id>`, `chat:<id>`, …) through Postgres NOTIFY, so every API process gets it (Patron runs many
 * processes on one database) and, when published inside a transaction, only once that transaction commits.
 * Each process LISTENs on one dedicated connection and hands events to its local subscribers (WebSockets).
 */
export class LiveHub {
  private readonly db: Db;
  private readonly databaseUrl: string;
  private readonly log: Logger;
  private readonly listeners = new Map<string, Set<LiveListener>>();
  private readonly prefixListeners = new Map<string, Set<LiveListener>>();
  private client: pg.Client | undefined;
  private stopping = false;
  private retry: NodeJS.Timeout | undefined;
  /** This process, so a subscriber can tell its own events apart if it needs to. */
  readonly origin = randomUUID();

  constructor(db: Db, databaseUrl: string, log: Logger) {
    this.db = db;
    this.databaseUrl = databaseUrl;
    this.log = log;
  }

  /** Publishes an event; inside `tx` it is delivered when (and only if) the transaction commits. */
  async publish(topic: string, event: LiveEvent, tx: Executor = this.db): Promise<void> {
    let payload = JSON.stringify({ o: this.origin, t: topic, e: event });
    if (Buffer.byteLength(payload) > MAX_PAYLOAD) {
      const stub: LiveEvent = { type: event.type, truncated: true };
      for (const k of ['ticketId', 'messageId', 'chatId', 'userId']) if (typeof event[k] === 'string') stub[k] = event[k];
      payload = JSON.stringify({ o: this.origin, t: topic, e: stub });
    }
    await sql`select pg_notify(${CHANNEL}, ${payload})`.execute(tx);
  }

  /**
   * Subscribes to a topic (`ticket:0190…`) or to every topic with a prefix (`ticket:*`); returns the unsubscribe.
   * Only processes that started the hub (HTTP role) receive events.
   */
  subscribe(topic: string, listener: LiveListener): () => void {
    const prefix = topic.endsWith('*');
    const map = prefix ? this.prefixListeners : this.listeners;
    const key = prefix ? topic.slice(0, -1) : topic;
    const set = map.get(key) ?? new Set<LiveListener>();
    set.add(listener);
    map.set(key, set);
    return () => {
      set.delete(listener);
      if (!set.size) map.delete(key);
    };
  }

  /** Delivers to local subscribers (what a NOTIFY arriving does). Exposed for tests. */
  deliver(topic: string, event: LiveEvent): void {
    const targets = [...(this.listeners.get(topic) ?? [])];
    for (const [prefix, set] of this.prefixListeners) if (topic.startsWith(prefix)) targets.push(...set);
    for (const l of targets) {
      try {
        l(topic, event);
      } catch (err) {
        this.log.warn({ err, topic }, 'support live listener failed');
      }
    }
  }

  /** Opens the LISTEN connection (reconnects by itself when it drops). */
  async start(): Promise<void> {
    this.stopping = false;
    await this.connect();
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.databaseUrl, application_name: 'patron-live' });
    client.on('notification', (msg) => {
      if (msg.channel !== CHANNEL || !msg.payload) return;
      try {
        const m = JSON.parse(msg.payload) as { t: string; e: LiveEvent };
        this.deliver(m.t, m.e);
      } catch (err) {
        this.log.warn({ err }, 'support live: unreadable notification');
      }
    });
    const lost = (err?: Error) => {
      if (this.client !== client) return;
      this.client = undefined;
      client.removeAllListeners('notification');
      if (this.stopping) return;
      this.log.warn({ err }, 'support live: LISTEN connection lost; reconnecting');
      this.retry = setTimeout(() => void this.connect().catch((e: unknown) => lost(e as Error)), 1000);
    };
    client.on('error', lost);
    client.on('end', () => lost());
    this.client = client;
    try {
      await client.connect();
      await client.query(`listen ${CHANNEL}`);
    } catch (err) {
      lost(err as Error);
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.retry) clearTimeout(this.retry);
    const c = this.client;
    this.client = undefined;
    if (c) await c.end().catch(() => undefined);
  }
}
