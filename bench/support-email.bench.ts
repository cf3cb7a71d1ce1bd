import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { buildPatron } from '../server/src/app.ts';
import { loadConfig } from '../server/src/config.ts';
import { emailSettings, emailSettingsSchema } from '../server/src/modules/support/email.settings.ts';
import { gmailNew, gmailReply } from '../server/src/modules/support/email.fixtures.ts';
import { parseRaw } from '../server/src/modules/support/mime.ts';
import { createLogger } from '../server/src/platform/log.ts';
import { fmt, type Bench } from './lib.ts';

const DOMAIN = 'bench-email.test';

/** Runs `fn` over `items` with `lanes` in flight at once. */
async function pool<T>(items: T[], lanes: number, fn: (x: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: lanes }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

/**
 * Inbound email: raw MIME (Gmail-shaped, text + HTML, a quoted reply) through the whole path an SMTP
 * delivery takes (parse, classify, flood count, thread, customer match/create, ticket or reply, HTML
 * sanitising, the stored original), half new tickets and half replies threaded by In-Reply-To.
 */
export const bench: Bench = {
  name: 'support-email',
  description: 'Inbound email parsed and threaded (half new tickets, half replies by In-Reply-To), target ≥ 100 messages/s; vs MIME parsing alone (--emails N, default 2,000)',
  async run(opts) {
    const n = Math.max(2, Number(opts.flags.emails ?? 2000));
    const half = Math.floor(n / 2);
    const lanes = 8;
    const dir = path.resolve('.bench-data/support-email');
    fs.mkdirSync(dir, { recursive: true });
    const config = { ...loadConfig({ ...process.env, PATRON_DATA_DIR: dir, PATRON_LOG_LEVEL: 'warn' }), port: 0, poolSize: 12 };
    const patron = await buildPatron(config, createLogger('warn', false), { http: false, worker: false, role: 'owner' });
    const notes: string[] = [];
    try {
      const db = patron.dbh.db;
      const inbound = patron.modules.support.email.inbound;
      const before = await emailSettings.get(db);
      await emailSettings.put(db, emailSettingsSchema.parse({ ...before, inboundAddresses: ['support@shop.test'], floodMax: 10_000 }));
      inbound.invalidate();
      const run = Date.now().toString(36);
      const news = Array.from({ length: half }, (_, i) => gmailNew({ from: `Customer ${i} <c${i}@${DOMAIN}>`, messageId: `<new-${run}-${i}@${DOMAIN}>`, subject: `Order question ${i}` }));
      const replies = Array.from({ length: n - half }, (_, i) => gmailReply({ from: `Customer ${i % half} <c${i % half}@${DOMAIN}>`, messageId: `<re-${run}-${i}@${DOMAIN}>`, inReplyTo: `<new-${run}-${i % half}@${DOMAIN}>`, references: [`<new-${run}-${i % half}@${DOMAIN}>`] }));
      const all = [...news, ...replies];

      // Baseline: MIME parsing alone, same messages, same concurrency.
      let t0 = performance.now();
      await pool(all, lanes, (b) => parseRaw(b));
      const parseSecs = (performance.now() - t0) / 1000;

      const statuses = new Map<string, number>();
      let firstProblem = '';
      const count = (r: { status: string; reason: string | null }) => {
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        if (r.status === 'failed' && !firstProblem) firstProblem = r.reason ?? '';
      };
      t0 = performance.now();
      await pool(news, lanes, async (b) => count(await inbound.receiveRaw(b, { source: 'smtp', rcptTo: ['support@shop.test'] })));
      const newSecs = (performance.now() - t0) / 1000;
      t0 = performance.now();
      await pool(replies, lanes, async (b) => count(await inbound.receiveRaw(b, { source: 'smtp', rcptTo: ['support@shop.test'] })));
      const replySecs = (performance.now() - t0) / 1000;
      const total = newSecs + replySecs;
      const rate = n / total;
      const rows = [
        { phase: 'new tickets', messages: fmt(news.length), seconds: newSecs.toFixed(2), 'messages/s': fmt(news.length / newSecs) },
        { phase: 'replies (threaded)', messages: fmt(replies.length), seconds: replySecs.toFixed(2), 'messages/s': fmt(replies.length / replySecs) },
        { phase: 'all', messages: fmt(n), seconds: total.toFixed(2), 'messages/s': fmt(rate) },
        { phase: 'MIME parsing alone', messages: fmt(n), seconds: parseSecs.toFixed(2), 'messages/s': fmt(n / parseSecs) },
      ];
      const ok = (statuses.get('ticket') ?? 0) === news.length && (statuses.get('reply') ?? 0) === replies.length;
      notes.push(`outcomes: ${[...statuses].map(([k, v]) => `${k} ${v}`).join(', ')}${ok ? '' : ' — NOT all threaded as expected'}${firstProblem ? ` (first failure: ${firstProblem})` : ''}`);
      notes.push(`inbound email ${fmt(rate)} messages/s parsed and threaded (target ≥ 100): ${rate >= 100 && ok ? 'met' : 'MISSED'}; full processing costs ${(rate ? (n / parseSecs) / rate : 0).toFixed(1)}× MIME parsing alone (${lanes} in flight)`);
      // Leave the bench store as it was (customers stay: the next run finds them by email, as real mail would).
      await sql`delete from support_inbound_emails where from_address like ${`%@${DOMAIN}`}`.execute(db);
      await sql`delete from tickets where requester_email like ${`%@${DOMAIN}`}`.execute(db);
      await emailSettings.put(db, before);
      return { rows, notes };
    } finally {
      await patron.close();
    }
  },
};
