import type { Logger } from 'pino';

export interface PollLoopOptions {
  /** Does one round of work; returns how many items it handled (0: sleep `pollMs` before the next). */
  tick: () => Promise<number>;
  /** Housekeeping run before a tick at most every `sweepEveryMs` (e.g. marking stuck hand-offs). */
  sweep?: () => Promise<unknown>;
  sweepEveryMs?: number;
  /** Sleep between rounds when the last one found nothing (other processes' work is seen at this pace). */
  pollMs: number;
  log: Logger;
  /** Names the loop in the error log. */
  label: string;
}

/**
 * A worker loop that polls the database for due work: runs `tick` back to back while there is work,
 * sleeps `pollMs` when there is none, and can be woken early (work queued by this process) and
 * stopped (waits for the round in progress). An error in a round is logged, never fatal. Messaging's
 * dispatcher and support's email sender each run one.
 */
export class PollLoop {
  private readonly o: PollLoopOptions;
  private running: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private lastSweep = 0;
  /** True from `stop()` until the next `start()`: a long round should end early when it sees this. */
  stopping = true;

  constructor(o: PollLoopOptions) {
    this.o = o;
  }

  start(): void {
    if (!this.stopping) return;
    this.stopping = false;
    this.running = this.loop();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeUp?.();
    await this.running;
    this.running = undefined;
  }

  /** Ends the current sleep at once (new work in this process; other processes poll). */
  wake(): void {
    this.wakeUp?.();
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      let n = 0;
      try {
        if (this.o.sweep && Date.now() - this.lastSweep > (this.o.sweepEveryMs ?? 60_000)) {
          this.lastSweep = Date.now();
          await this.o.sweep();
        }
        n = await this.o.tick();
      } catch (e) {
        this.o.log.error({ err: e }, `${this.o.label}: batch failed`);
        n = 0;
      }
      if (this.stopping) break;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, n ? 0 : this.o.pollMs);
        this.wakeUp = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.wakeUp = undefined;
    }
  }
}
