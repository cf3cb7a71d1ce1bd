import { wallTime } from '../../platform/zoned.ts';
import type { ChatSettings } from './chat.schemas.ts';
import type { ChatMessageRow } from './chat.tables.ts';

/** Limits how many of something run at once (FIFO). */
export class Semaphore {
  private free: number;
  private readonly waiting: (() => void)[] = [];
  constructor(n: number) {
    this.free = n;
  }
  acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

/** Inside the business hours (ISO weekdays, HH:MM–HH:MM in the store's zone; an end before the start spans midnight). */
export function withinHours(h: ChatSettings['businessHours'], tz: string, at: Date): boolean {
  const w = wallTime(at, tz);
  const day = ((new Date(Date.UTC(w.year, w.month - 1, w.day)).getUTCDay() + 6) % 7) + 1;
  const minutes = w.hour * 60 + w.minute;
  const [sh, sm] = h.start.split(':').map(Number) as [number, number];
  const [eh, em] = h.end.split(':').map(Number) as [number, number];
  const start = sh * 60 + sm;
  const end = eh * 60 + em;
  if (start <= end) return h.days.includes(day) && minutes >= start && minutes < end;
  const prev = day === 1 ? 7 : day - 1;
  return (h.days.includes(day) && minutes >= start) || (h.days.includes(prev) && minutes < end);
}

/** The chat as plain text for the transcript email (system notes left out). */
export function transcriptLines(all: ChatMessageRow[], store: string): string[] {
  return all.filter((m) => m.author_type !== 'system').map((m) => {
    const who = m.author_type === 'visitor' ? 'You' : m.author_type === 'assistant' ? 'Assistant' : (m.author_name ?? store);
    return `${who} (${m.created_at.toISOString().slice(0, 16).replace('T', ' ')} UTC):\n${m.body}`;
  });
}
