import type { Logger } from 'pino';
import type { Activities } from '../../platform/activities/activities.ts';
import type { Db } from '../../platform/db/db.ts';
import { isConnectionError } from '../../platform/db/db.ts';
import { HttpError } from '../../platform/http/problem.ts';
import type { CommerceService } from '../commerce/commerce.service.ts';
import type { ConsentService, CustomerBulkService, CustomersService } from '../customers/index.ts';
import type { Message } from './tracking.schemas.ts';
import { BatchWriter, type Sender } from './tracking.writer.ts';

export type { Sender } from './tracking.writer.ts';

export interface IngestResult {
  /** Calls newly stored. */
  stored: number;
  /** Calls whose messageId was stored before (or repeated): nothing changed for them. */
  duplicates: number;
  /** Calls the database would not take (rare: data it refuses); the others were stored. */
  failed: { index: number; messageId?: string | undefined; detail: string }[];
}

interface Pending {
  calls: Message[];
  sender: Sender;
  resolve(r: IngestResult): void;
  reject(e: unknown): void;
}

export interface IngestOptions {
  /** Transactions writing at once; requests arriving meanwhile are grouped into the next one. */
  parallel: number;
  /** Most calls in one grouped transaction. */
  maxGroupCalls: number;
}

/** A database error that says nothing about the calls (the database is away): fail the request, let the client retry. */
const systemic = (e: unknown) => isConnectionError(e) || ['53300', '57014', '25P02'].includes((e as { code?: string }).code ?? '');

/**
 * Event ingestion with group commit: while `parallel` transactions are writing, newly arrived
 * requests wait and then share one transaction, so under load the per-transaction costs (round
 * trips, lookups, the commit's WAL flush) are paid once for many requests. Each request is still
 * answered only after the transaction holding its calls has committed. Should a grouped
 * transaction fail, its requests are written one by one, and a request's calls one by one, so one
 * call the database refuses never costs the others.
 */
export class TrackingService {
  private readonly writer: BatchWriter;
  private readonly log: Logger;
  private readonly opts: IngestOptions;
  private queue: Pending[] = [];
  private running = 0;

  constructor(deps: { db: Db; activities: Activities; customers: CustomersService; bulk: CustomerBulkService; commerce: CommerceService; consent?: ConsentService; log: Logger }, opts: IngestOptions = { parallel: 4, maxGroupCalls: 2500 }) {
    this.writer = new BatchWriter(deps);
    this.log = deps.log;
    this.opts = opts;
  }

  /** identity key → customer id hints of this process (see IdentityCache). */
  get cache() {
    return this.writer.cache;
  }

  /** Stores valid calls; resolves after the transaction holding them has committed. */
  ingest(calls: Message[], sender: Sender): Promise<IngestResult> {
    if (!calls.length) return Promise.resolve({ stored: 0, duplicates: 0, failed: [] });
    return new Promise((resolve, reject) => {
      this.queue.push({ calls, sender, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.running < this.opts.parallel && this.queue.length) {
      const group: Pending[] = [this.queue.shift()!];
      let size = group[0]!.calls.length;
      while (this.queue.length && size + this.queue[0]!.calls.length <= this.opts.maxGroupCalls) {
        const next = this.queue.shift()!;
        size += next.calls.length;
        group.push(next);
      }
      this.running++;
      void this.write(group).finally(() => {
        this.running--;
        this.pump();
      });
    }
  }

  private async write(group: Pending[]): Promise<void> {
    const owner = new Map<Message, Pending>();
    for (const p of group) for (const m of p.calls) owner.set(m, p);
    let stored: Set<Message>;
    try {
      stored = await this.writer.commit(group.flatMap((p) => p.calls), (m) => owner.get(m)!.sender);
    } catch (e) {
      if (systemic(e)) return group.forEach((p) => p.reject(e));
      if (group.length > 1) {
        for (const p of group) await this.write([p]);
        return;
      }
      return this.writeOneByOne(group[0]!, e);
    }
    for (const p of group) {
      const n = p.calls.filter((m) => stored.has(m)).length;
      p.resolve({ stored: n, duplicates: p.calls.length - n, failed: [] });
    }
  }

  /** One request failed as a whole: store its calls one at a time, report the ones that fail. */
  private async writeOneByOne(p: Pending, first: unknown): Promise<void> {
    const result: IngestResult = { stored: 0, duplicates: 0, failed: [] };
    const calls = p.calls.length === 1 ? [] : p.calls;
    if (p.calls.length === 1) result.failed.push(this.failure(p.calls[0]!, first));
    for (const m of calls) {
      try {
        const stored = await this.writer.commit([m], () => p.sender);
        if (stored.size) result.stored++;
        else result.duplicates++;
      } catch (e) {
        if (systemic(e)) return p.reject(e);
        result.failed.push(this.failure(m, e));
      }
    }
    p.resolve(result);
  }

  private failure(m: Message, e: unknown): IngestResult['failed'][number] {
    const detail = e instanceof HttpError ? e.message : `could not be stored: ${(e as Error).message}`;
    if (!(e instanceof HttpError)) this.log.error({ err: e, messageId: m.messageId, type: m.type }, 'tracking: a call could not be stored');
    return { index: m.index, messageId: m.messageId, detail };
  }
}
