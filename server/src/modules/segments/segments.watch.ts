import type { Logger } from 'pino';
import type { Activity } from '../../platform/activities/activities.ts';
import type { Db, Executor, Tx } from '../../platform/db/db.ts';
import type { SegmentEvaluator } from './segments.evaluate.ts';
import { segmentsRepo } from './segments.repo.ts';

/**
 * Keeps membership current after writes. In the writing transaction it only records which customers
 * may have changed and why (one statement per batch of activities, and none at all when no segment
 * cares about those activity types); a loop in each worker process drains those marks within a
 * second, evaluating only the segments whose triggers match (segments.evaluate.ts drainDirty).
 */
export class SegmentWatcher {
  private readonly db: Db;
  private readonly evaluator: SegmentEvaluator;
  private readonly log: Logger;
  private triggers = new Set<string>();
  private loadedAt = 0;
  private loading: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private stopped = true;
  /** How long another process's new segment may go unnoticed by this one. */
  static readonly TRIGGERS_TTL_MS = 5_000;

  constructor(db: Db, evaluator: SegmentEvaluator, log: Logger) {
    this.db = db;
    this.evaluator = evaluator;
    this.log = log;
  }

  /** Re-reads the activity types any segment listens to (after a segment is saved in this process, at once). */
  async reloadTriggers(db: Executor = this.db): Promise<void> {
    const rows = await db.selectFrom('segments').select('triggers').where('status', '=', 'active').execute();
    this.triggers = new Set(rows.flatMap((r) => r.triggers));
    this.loadedAt = Date.now();
  }

  /**
   * The cached trigger set. The first read happens in the writing transaction itself; later
   * refreshes run in the background, so a write never waits for a second pool connection (with
   * every connection held by writers, that wait would never end).
   */
  private async currentTriggers(tx: Tx): Promise<Set<string>> {
    if (this.loadedAt === 0) await this.reloadTriggers(tx);
    else if (Date.now() - this.loadedAt > SegmentWatcher.TRIGGERS_TTL_MS && !this.loading) {
      this.loading = this.reloadTriggers()
        .catch((err: unknown) => this.log.warn({ err }, 'could not re-read segment triggers; using the previous set'))
        .finally(() => (this.loading = null));
    }
    return this.triggers;
  }

  /** Activities batch listener: marks the customers whose membership these activities may change. */
  readonly onActivities = async (tx: Tx, activities: Activity[]): Promise<void> => {
    const triggers = await this.currentTriggers(tx);
    if (!triggers.size) return;
    const ids: string[] = [];
    const reasons: string[] = [];
    for (const a of activities) {
      if (!triggers.has(a.type)) continue;
      ids.push(a.customerId);
      reasons.push(a.type);
    }
    if (ids.length) await segmentsRepo.markDirty(tx, ids, reasons);
  };

  /** Merges: the merged profile leaves every segment; the survivor is re-evaluated. */
  readonly onMerge = async (tx: Tx, e: { survivorId: string; mergedId: string }): Promise<Record<string, number>> => {
    const left = await tx.deleteFrom('segment_members').where('customer_id', '=', e.mergedId).returning('segment_id').execute();
    for (const r of left) await tx.updateTable('segments').set((eb) => ({ size: eb('size', '-', 1) })).where('id', '=', r.segment_id).execute();
    await segmentsRepo.markDirty(tx, [e.survivorId], ['Profiles Merged']);
    return left.length ? { segmentMemberships: left.length } : {};
  };

  /** Starts draining marks every `intervalMs` (worker processes). */
  start(intervalMs = 250): void {
    if (!this.stopped) return;
    this.stopped = false;
    const tick = async () => {
      if (this.stopped) return;
      this.running = this.drain();
      await this.running;
      this.running = null;
      if (!this.stopped) this.timer = setTimeout(() => void tick(), intervalMs);
    };
    this.timer = setTimeout(() => void tick(), intervalMs);
  }

  /** Drains every pending mark (tests and the loop). */
  async drain(): Promise<number> {
    let total = 0;
    try {
      for (;;) {
        const n = await this.evaluator.drainDirty();
        total += n;
        if (n === 0) break;
      }
    } catch (err) {
      if (!this.stopped) this.log.error({ err }, 'segment re-evaluation failed; the marks stay and are retried');
    }
    return total;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
