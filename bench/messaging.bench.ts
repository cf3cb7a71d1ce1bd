import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { buildPatron } from '../server/src/app.ts';
import { loadConfig } from '../server/src/config.ts';
import { newId } from '../server/src/platform/ids.ts';
import { createLogger } from '../server/src/platform/log.ts';
import { messagingSettings } from '../server/src/modules/messaging/messaging.settings.ts';
import { SmtpTransport } from '../server/src/modules/messaging/transport.ts';
import { fmt, startServer, type Bench } from './lib.ts';

// A realistic marketing email: MJML layout, the customer's name, their last order's lines in a loop, money filters.
const TEMPLATE = `<mjml>
  <mj-head><mj-attributes><mj-all font-family="Helvetica, Arial, sans-serif" /></mj-attributes></mj-head>
  <mj-body background-color="#f4f4f5">
    <mj-section background-color="#ffffff"><mj-column>
      <mj-text font-size="20px" font-weight="bold">{{ store.name }}</mj-text>
      <mj-text>Hi {{ customer.first_name | default: 'there' }}, thank you for your {{ customer.order_count }} orders.</mj-text>
      <mj-raw>{% if last_order %}<table width="100%">{% for item in last_order.items %}<tr><td>{{ item.name }}</td><td>{{ item.quantity }}</td><td align="right">{{ item.price | money: last_order.currency }}</td></tr>{% endfor %}</table>{% endif %}</mj-raw>
      <mj-button href="https://shop.example.com/collections/new?c={{ customer.id }}">See what's new</mj-button>
      <mj-text font-size="12px" color="#71717a"><a href="{{ unsubscribe_url }}">Unsubscribe</a> · <a href="{{ preferences_url }}">Preferences</a></mj-text>
    </mj-column></mj-section>
  </mj-body>
</mjml>`;

/** Personalised rendering + SMTP hand-off, against the same transport sending one pre-rendered message. */
export const bench: Bench = {
  name: 'messaging',
  description: 'Dispatcher throughput: personalised MJML+Liquid rendering, consent and guardrail checks, tracking links, SMTP hand-off to a local sink, vs the same transport sending a fixed pre-rendered message (--messages N, default 5,000)',
  async run(opts) {
    const n = Number(opts.flags.messages ?? 5000);
    const dir = path.resolve('.bench-data/messaging');
    fs.mkdirSync(dir, { recursive: true });
    const config = { ...loadConfig({ ...process.env, PATRON_DATA_DIR: dir, PATRON_LOG_LEVEL: 'warn' }), port: 0, poolSize: 8 };
    const patron = await buildPatron(config, createLogger('warn', false), { http: false, worker: false, role: 'owner' });
    const sink = await startServer<{ port: number }>('smtp-sink');
    const notes: string[] = [];
    try {
      const db = patron.dbh.db;
      const have = (await sql<{ n: number }>`select count(*)::int as n from customers where source = 'bench-messaging'`.execute(db)).rows[0]!.n;
      if (have < n) {
        await sql`
          insert into customers (id, source, email, first_name, last_name, time_zone, order_count, total_spent)
          select md5('msg' || i)::uuid, 'bench-messaging', 'c' || i || '@example.com', 'Name' || i, 'Family', 'Europe/London', 1, 4500
          from generate_series(${have + 1}::int, ${n}::int) i`.execute(db);
        await sql`
          insert into customer_consents (customer_id, channel, status, source, updated_at, event_id)
          select md5('msg' || i)::uuid, 'email', 'subscribed', 'bench', now(), md5('ev' || i)::uuid from generate_series(${have + 1}::int, ${n}::int) i`.execute(db);
        await sql`
          insert into orders (id, customer_id, source, external_id, status, currency, total, item_count, placed_at)
          select md5('ord' || i)::uuid, md5('msg' || i)::uuid, 'bench', 'B' || i, 'completed', 'GBP', 4500, 3, now() - interval '3 days'
          from generate_series(${have + 1}::int, ${n}::int) i`.execute(db);
        await sql`
          insert into order_lines (id, order_id, position, title, quantity, unit_price, total)
          select md5('line' || i || '-' || p)::uuid, md5('ord' || i)::uuid, p, 'Product ' || p || ' of order ' || i, p, 1500, 1500 * p
          from generate_series(${have + 1}::int, ${n}::int) i, generate_series(1, 3) p`.execute(db);
        await sql`analyze`.execute(db);
      }
      const templateId = newId();
      await db.insertInto('message_templates').values({ id: templateId, name: 'bench', channel: 'email', kind: 'marketing', format: 'mjml', subject: 'News for {{ customer.first_name }}', preheader: 'This week', body: TEMPLATE, created_by: 'bench' }).execute();
      const smtp = { host: '127.0.0.1', port: sink.info.port, security: 'none' as const, poolSize: 10, ratePerSecond: 10_000 };
      await messagingSettings.putSmtp(db, smtp);
      await messagingSettings.putGuardrails(db, { ...(await messagingSettings.guardrails(db)), smartSendingHours: 0, frequencyCap: null, quietHours: null });
      const m = patron.modules.messaging;
      await m.init();
      const customers = (await sql<{ id: string }>`select id from customers where source = 'bench-messaging' order by id limit ${n}`.execute(db)).rows.map((r) => r.id);

      // Baseline: the same SMTP transport (pool, connections) sending one fixed, pre-rendered message.
      const fixed = await patron.modules.messaging.dispatcher.renderPreview(templateId, customers[0]!);
      const t = new SmtpTransport(smtp);
      let t0 = performance.now();
      let next = 0;
      await Promise.all(Array.from({ length: 24 }, async () => {
        while (next < n) {
          const i = next++;
          await t.send({ from: 'Bench <bench@example.com>', to: `c${i}@example.com`, subject: fixed.subject, html: fixed.html ?? '', text: fixed.text, messageId: `<${newId()}@example.com>`, headers: {} });
        }
      }));
      const rawSecs = (performance.now() - t0) / 1000;
      t.close();

      const rows = [];
      for (let run = 1; run <= 2; run++) {
        await db.deleteFrom('messages').execute();
        const campaignId = newId();
        await db.transaction().execute((tx) => m.sender.enqueueMany(tx, customers.map((c) => ({
          customerId: c, channel: 'email' as const, kind: 'marketing' as const, purpose: 'campaign' as const, dedupeKey: `campaign:${campaignId}:${c}`, templateId, campaignId,
        }))));
        t0 = performance.now();
        await m.dispatcher.drain();
        const secs = (performance.now() - t0) / 1000;
        const sent = (await sql<{ n: number }>`select count(*)::int as n from messages where status = 'sent' and transport = 'smtp'`.execute(db)).rows[0]!.n;
        rows.push({ run, messages: fmt(sent), seconds: secs.toFixed(2), 'messages/s': fmt(sent / secs), 'fixed message/s (same transport)': fmt(n / rawSecs), ratio: (rawSecs / secs).toFixed(2) });
        if (sent !== n) notes.push(`run ${run}: only ${sent} of ${n} sent`);
      }
      const best = Math.max(...rows.map((r) => Number(String(r['messages/s']).replace(/,/g, ''))));
      notes.push(`personalised send rate ${fmt(best)} messages/s (target ≥ 500): ${best >= 500 ? 'met' : 'MISSED'}; fixed pre-rendered message through the same SMTP pool: ${fmt(n / rawSecs)} messages/s`);
      await db.deleteFrom('messages').execute();
      await db.deleteFrom('message_templates').where('id', '=', templateId).execute();
      await messagingSettings.putSmtp(db, null);
      return { rows, notes };
    } finally {
      await sink.stop();
      await patron.close();
    }
  },
};
