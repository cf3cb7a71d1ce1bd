import { sql, type Generated, type Selectable } from 'kysely';
import { z } from 'zod';
import { audit, type Actor } from '../../platform/audit/audit.ts';
import type { Db } from '../../platform/db/db.ts';
import { notFound } from '../../platform/http/problem.ts';
import { newId } from '../../platform/ids.ts';
import type { Jobs } from '../../platform/jobs/jobs.ts';
import { tagSummary, type CustomerEditService } from './customers.edit.service.ts';
import { countCustomers, customerIdsAfter } from './customers.query.ts';
import { customerFilterSchema, type BulkJob, type CustomerFilter } from './customers.schemas.ts';

export interface CustomerBulkJobsTable {
  id: string;
  kind: 'tag';
  params: unknown;
  status: 'queued' | 'running' | 'done' | 'failed';
  total: number;
  processed: Generated<number>;
  changed: Generated<number>;
  last_id: string | null;
  error: string | null;
  actor_id: string | null;
  actor_label: string;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  finished_at: Date | null;
}

declare module '../../platform/db/types.ts' {
  interface Database {
    customer_bulk_jobs: CustomerBulkJobsTable;
  }
}

type BulkJobRow = Selectable<CustomerBulkJobsTable>;
interface TagParams { filter: Record<string, unknown>; add: string[]; remove: string[]; actor: Actor }

export const BULK_TAG_JOB = 'customers.bulk-tag';
const ATTEMPTS = 5;
/** Customers per transaction: small enough to keep locks short, large enough to be quick. */
export const BULK_CHUNK = 1000;

/** The filter as the API takes it (so it can be parsed again from the stored job). */
function filterInput(f: CustomerFilter): Record<string, unknown> {
  const out: Record<string, unknown> = { ...f };
  if (f.includeAnonymous !== undefined) out.includeAnonymous = String(f.includeAnonymous);
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out;
}

function jobOut(r: BulkJobRow): BulkJob {
  const p = r.params as TagParams;
  return {
    id: r.id, kind: r.kind, status: r.status, add: p.add, remove: p.remove, filter: p.filter, total: r.total, processed: r.processed, changed: r.changed,
    error: r.error, actorLabel: r.actor_label, createdAt: r.created_at, updatedAt: r.updated_at, finishedAt: r.finished_at,
  };
}

/**
 * Tags everyone matching a filter: a job row records the request and its progress; the customers are
 * walked in id order, a chunk per transaction, through the same method that tags selected customers
 * (so every changed profile gets its activity). Small sets finish within the request; larger ones run
 * as a background job that resumes from its last chunk if it is retried.
 */
export class CustomerBulkTagJobs {
  private readonly db: Db;
  private readonly jobs: Jobs;
  private readonly edits: CustomerEditService;

  constructor(db: Db, jobs: Jobs, edits: CustomerEditService) {
    this.db = db;
    this.jobs = jobs;
    this.edits = edits;
    jobs.register({
      name: BULK_TAG_JOB, payload: z.object({ bulkJobId: z.guid() }), maxAttempts: ATTEMPTS,
      handler: async (p, ctx) => {
        try {
          await this.run(p.bulkJobId);
        } catch (e) {
          // The last attempt: say so on the job row, or the list would show it running for ever.
          if (ctx.attempt >= ATTEMPTS) await this.fail(p.bulkJobId, e instanceof Error ? e.message : String(e));
          throw e;
        }
      },
    });
  }

  async tagMatching(actor: Actor, filter: CustomerFilter, add: string[], remove: string[]): Promise<BulkJob> {
    // Exact, whatever it costs (a write action, counted once): the progress is measured against it.
    const { count } = await countCustomers(this.db, filter, 60_000);
    const id = newId();
    const params: TagParams = { filter: filterInput(filter), add, remove, actor: { type: actor.type, id: actor.id, label: actor.label } };
    const inline = count <= BULK_CHUNK;
    await this.db.transaction().execute(async (tx) => {
      await tx.insertInto('customer_bulk_jobs').values({
        id, kind: 'tag', params: JSON.stringify(params), status: 'queued', total: count, last_id: null, error: null, actor_id: actor.id, actor_label: actor.label, finished_at: null,
      }).execute();
      await audit.record(tx, actor, {
        action: 'customer.bulk_tag_started', entityType: 'customer_bulk_job', entityId: id,
        summary: `Started tagging the ${count} customers matching a filter${tagSummary(add, remove)}`, after: params,
      });
      if (!inline) await this.jobs.enqueue(tx, BULK_TAG_JOB, { bulkJobId: id }, { jobKey: `bulk-tag:${id}` });
    });
    if (inline) await this.run(id);
    return this.get(id);
  }

  async get(id: string): Promise<BulkJob> {
    const r = await this.db.selectFrom('customer_bulk_jobs').selectAll().where('id', '=', id).executeTakeFirst();
    if (!r) throw notFound(`No bulk job ${id}.`);
    return jobOut(r);
  }

  /** The latest jobs (running ones first), for progress on the customers list. */
  async recent(limit: number): Promise<BulkJob[]> {
    const rows = await this.db.selectFrom('customer_bulk_jobs').selectAll()
      .orderBy(sql`status in ('queued', 'running')`, 'desc').orderBy('created_at', 'desc').limit(limit).execute();
    return rows.map(jobOut);
  }

  /** Runs (or resumes) a job to the end. Idempotent: a retry starts after the last committed chunk. */
  async run(id: string): Promise<void> {
    const row = await this.db.selectFrom('customer_bulk_jobs').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row || row.status === 'done' || row.status === 'failed') return;
    const p = row.params as TagParams;
    const parsed = customerFilterSchema.safeParse(p.filter);
    if (!parsed.success) {
      await this.finish(id, p, 'failed', `The stored filter is no longer valid: ${parsed.error.message}`);
      return;
    }
    await this.db.updateTable('customer_bulk_jobs').set({ status: 'running', updated_at: new Date() }).where('id', '=', id).execute();
    let last = row.last_id;
    for (;;) {
      const ids = await customerIdsAfter(this.db, parsed.data, last, BULK_CHUNK);
      if (!ids.length) break;
      last = ids.at(-1)!;
      const to = last;
      await this.db.transaction().execute(async (tx) => {
        const changed = await this.edits.bulkTagInTx(tx, p.actor, ids, p.add, p.remove);
        await tx.updateTable('customer_bulk_jobs').set((eb) => ({
          processed: eb('processed', '+', ids.length), changed: eb('changed', '+', changed), last_id: to, updated_at: new Date(),
        })).where('id', '=', id).execute();
      });
      if (ids.length < BULK_CHUNK) break;
    }
    await this.finish(id, p, 'done', null);
  }

  private async fail(id: string, message: string): Promise<void> {
    const row = await this.db.selectFrom('customer_bulk_jobs').selectAll().where('id', '=', id).executeTakeFirst();
    if (row && row.status !== 'done') await this.finish(id, row.params as TagParams, 'failed', message.slice(0, 2000));
  }

  private async finish(id: string, p: TagParams, status: 'done' | 'failed', error: string | null): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      const r = await tx.updateTable('customer_bulk_jobs').set({ status, error, finished_at: new Date(), updated_at: new Date() }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
      await audit.record(tx, p.actor, {
        action: status === 'done' ? 'customer.bulk_tagged' : 'customer.bulk_tag_failed', entityType: 'customer_bulk_job', entityId: id,
        summary: status === 'done' ? `Tagged ${r.changed} of the ${r.processed} customers matching a filter${tagSummary(p.add, p.remove)}` : `Bulk tagging failed: ${error}`,
        after: { processed: r.processed, changed: r.changed, filter: p.filter, add: p.add, remove: p.remove },
      });
    });
  }
}
