import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Activities, NewActivity } from '../../platform/activities/activities.ts';
import type { Db } from '../../platform/db/db.ts';
import { newId } from '../../platform/ids.ts';
import { getStoreSettings } from '../../platform/settings.ts';
import { zoneOr } from '../../platform/zoned.ts';
import { decide, type Decision, type RecipientFacts } from './guardrails.ts';
import { messagingSettings, type Guardrails, type SmsSettings, type SmtpSettings } from './messaging.settings.ts';
import type { MessageRow, SenderRow } from './messaging.tables.ts';
import { renderTemplate, TemplateError, type TemplateSource } from './render.ts';
import type { MessageSender } from './send.service.ts';
import type { ContextBuilder, EmailDecorator } from './send.types.ts';
import type { TokenSigner } from './tokens.ts';
import { cachedSms, cachedSmtp, TransportError, type CachedTransport, type SendResult, type SmsWebhookTransport, type SmtpTransport } from './transport.ts';
import { PollLoop } from '../../platform/jobs/poll-loop.ts';

const MAX_ATTEMPTS = 6;
/** A message left in 'sending' this long was being handed over when its process died: marked uncertain, never resent. */
const STUCK_MS = 10 * 60_000;

interface Outcome {
  row: MessageRow;
  status: 'sent' | 'failed' | 'uncertain' | 'queued';
  error?: string;
  retryAt?: Date;
  result?: SendResult;
  rendered?: { to: string; from: string; subject: string; html: string | null; text: string; headers: Record<string, string> };
}

export interface DispatcherDeps {
  db: Db;
  sender: MessageSender;
  activities: Activities;
  contexts: ContextBuilder;
  decorator: EmailDecorator;
  signer: TokenSigner;
  log: Logger;
  /** Public base URL of this Patron (links in messages, SMS receipt callbacks). */
  baseUrl: string;
  batchSize?: number;
  /** Batches in flight at once in this process. */
  lanes?: number;
  pollMs?: number;
}

/**
 * Drains due messages: claims a batch (safe with many workers), applies consent and guardrails,
 * renders, hands over to SMTP / the SMS gateway / the outbox, and records the outcome.
 * A claimed message is committed as 'sending' before hand-off, so a crash can never send it twice.
 */
export class Dispatcher {
  private readonly d: DispatcherDeps;
  private readonly poll: PollLoop;
  private readonly smtp: CachedTransport<SmtpSettings, SmtpTransport>;
  private readonly sms: CachedTransport<SmsSettings, SmsWebhookTransport>;

  constructor(deps: DispatcherDeps) {
    this.d = deps;
    this.smtp = cachedSmtp(deps.db);
    this.sms = cachedSms(deps.db);
    this.poll = new PollLoop({ tick: () => this.drain(), sweep: () => this.sweep(), pollMs: deps.pollMs ?? 500, log: deps.log, label: 'messaging: dispatch' });
    deps.sender.wake = () => this.poll.wake();
  }

  start(): void {
    this.poll.start();
  }

  async stop(): Promise<void> {
    await this.poll.stop();
    this.smtp.invalidate();
  }

  /** Settings changed in this process: rebuild transports at the next batch (other processes notice within 10 s). */
  invalidate(): void {
    this.smtp.invalidate();
    this.sms.invalidate();
  }

  /**
   * Sends everything due now. Several batches are in flight at once (claims skip each other's
   * rows), so one batch's database round trips overlap another's SMTP hand-offs.
   */
  async drain(): Promise<number> {
    let total = 0;
    const lane = async () => {
      for (;;) {
        const n = await this.runOnce();
        total += n;
        if (n < (this.d.batchSize ?? 200) || this.poll.stopping) return;
      }
    };
    await Promise.all(Array.from({ length: this.d.lanes ?? 3 }, lane));
    return total;
  }

  /** Marks hand-offs that never finished (their process died) as uncertain. */
  async sweep(): Promise<number> {
    const r = await sql`update messages set status = 'uncertain', last_error = 'The sending process stopped during hand-off; not resent, to never send twice'
      where status = 'sending' and claimed_at < ${new Date(Date.now() - STUCK_MS)}`.execute(this.d.db);
    const n = Number(r.numAffectedRows ?? 0);
    if (n) this.d.log.warn(`messaging: ${n} messages left in hand-off marked uncertain`);
    return n;
  }

  /** Processes one batch of due messages; returns how many were claimed. */
  async runOnce(): Promise<number> {
    const { db } = this.d;
    const limit = this.d.batchSize ?? 200;
    const claimed = (await sql<MessageRow>`
      update messages m set status = 'sending', claimed_at = now(), attempts = m.attempts + 1
      where m.id in (select id from messages where status = 'queued' and send_after <= now() order by send_after limit ${limit} for update skip locked)
      returning m.*`.execute(db)).rows;
    if (!claimed.length) return 0;
    const now = new Date();
    const guardrails = await messagingSettings.guardrails(db);
    const facts = await this.facts(claimed, guardrails);
    const toSend: { row: MessageRow; address: string }[] = [];
    const skips: { row: MessageRow; d: Decision }[] = [];
    for (const row of claimed) {
      const f = facts.get(row.id)!;
      const d = decide(f, guardrails, now);
      if (d.action === 'send') {
        toSend.push({ row, address: f.address! });
        if (row.kind === 'marketing' && row.purpose !== 'test' && row.customer_id) {
          // Later messages in this batch for the same customer see this one.
          for (const other of claimed) {
            const g = facts.get(other.id)!;
            if (other.customer_id === row.customer_id && other.id !== row.id) {
              g.recentMarketing += 1;
              g.lastMarketingAt = now;
            }
          }
        }
      } else skips.push({ row, d });
    }
    const outcomes = await this.deliver(toSend);
    await this.record(skips, outcomes);
    return claimed.length;
  }

  private async facts(rows: MessageRow[], g: Guardrails): Promise<Map<string, RecipientFacts>> {
    const { db } = this.d;
    const ids = [...new Set(rows.map((r) => r.customer_id).filter((x): x is string => !!x))];
    const { timeZone: storeTz } = await getStoreSettings(db);
    const customers = ids.length ? await db.selectFrom('customers').select(['id', 'email', 'phone', 'time_zone']).where('id', 'in', ids).execute() : [];
    const consents = ids.length ? await db.selectFrom('customer_consents').select(['customer_id', 'channel', 'status']).where('customer_id', 'in', ids).execute() : [];
    const prefs = ids.length ? await db.selectFrom('email_preferences').selectAll().where('customer_id', 'in', ids).execute() : [];
    const capMs = Math.max((g.frequencyCap?.days ?? 0) * 86400_000, (g.smartSendingHours ?? 0) * 3600_000);
    const capSince = new Date(Date.now() - (g.frequencyCap?.days ?? 0) * 86400_000);
    const recent = ids.length && capMs
      ? (await sql<{ customer_id: string; n: number; last: Date | null }>`
          select customer_id, (count(*) filter (where sent_at >= ${capSince}))::int as n, max(sent_at) as last from messages
          where customer_id = any(${ids}::uuid[]) and status = 'sent' and kind = 'marketing' and purpose <> 'test' and sent_at >= ${new Date(Date.now() - capMs)}
          group by customer_id`.execute(db)).rows
      : [];
    const byId = new Map(customers.map((c) => [c.id, c]));
    const addressOf = (r: MessageRow): string | null => {
      if (r.to_override) return r.to_override;
      const c = r.customer_id ? byId.get(r.customer_id) : undefined;
      const a = r.channel === 'email' ? c?.email : c?.phone;
      return a ? a.trim() : null;
    };
    const addresses = [...new Set(rows.map((r) => addressOf(r)?.toLowerCase()).filter((x): x is string => !!x))];
    const suppressed = addresses.length
      ? new Set((await db.selectFrom('suppressions').select(['channel', 'address']).where('address', 'in', addresses).execute()).map((s) => `${s.channel}:${s.address}`))
      : new Set<string>();
    const prefOf = new Map(prefs.map((x) => [x.customer_id, x]));
    const recentOf = new Map(recent.map((x) => [x.customer_id, x]));
    const consentOf = new Map(consents.map((x) => [`${x.customer_id}:${x.channel}`, x.status]));
    const out = new Map<string, RecipientFacts>();
    for (const r of rows) {
      const c = r.customer_id ? byId.get(r.customer_id) : undefined;
      const address = addressOf(r);
      const p = r.customer_id ? prefOf.get(r.customer_id) : undefined;
      const rc = r.customer_id ? recentOf.get(r.customer_id) : undefined;
      out.set(r.id, {
        channel: r.channel,
        kind: r.kind,
        purpose: r.purpose,
        address,
        suppressed: !!address && suppressed.has(`${r.channel}:${address.toLowerCase()}`),
        consent: consentOf.get(`${r.customer_id}:${r.channel}`) ?? 'none',
        pausedUntil: p?.paused_until ?? null,
        topic: r.topic,
        topicsOff: p?.topics_off ?? [],
        recentMarketing: rc?.n ?? 0,
        lastMarketingAt: rc?.last ?? null,
        timeZone: zoneOr(c?.time_zone, storeTz),
      });
    }
    return out;
  }

  private async deliver(items: { row: MessageRow; address: string }[]): Promise<Outcome[]> {
    if (!items.length) return [];
    const { db } = this.d;
    const templates = await this.templates(items.map((i) => i.row));
    const ctxIds = [...new Set(items.map((i) => i.row.customer_id).filter((x): x is string => !!x))];
    const contexts = await this.d.contexts.build(db, ctxIds);
    const senders = await db.selectFrom('message_senders').selectAll().execute();
    const store = await getStoreSettings(db);
    const smtp = await this.smtp.get();
    const sms = await this.sms.get();
    const outcomes: Outcome[] = [];
    let next = 0;
    const worker = async () => {
      while (next < items.length) {
        const item = items[next++]!;
        outcomes.push(await this.deliverOne(item.row, item.address, templates, contexts, senders, store.name, smtp, sms));
      }
    };
    await Promise.all(Array.from({ length: Math.min(24, items.length) }, worker));
    return outcomes;
  }

  private async deliverOne(
    row: MessageRow, address: string, templates: Map<string, TemplateSource & { sender_id: string | null }>, contexts: Map<string, Record<string, unknown>>,
    senders: SenderRow[], storeName: string, smtp: SmtpTransport | null, sms: SmsWebhookTransport | null,
  ): Promise<Outcome> {
    const tpl = templates.get(`${row.template_id}:${row.template_version ?? ''}`);
    if (!tpl) return { row, status: 'failed', error: 'The template was deleted before the message was sent' };
    const overrides = (row.overrides ?? {}) as Partial<TemplateSource>;
    const source: TemplateSource = { ...tpl, ...pickStrings(overrides) };
    const vars = {
      ...(row.customer_id ? contexts.get(row.customer_id) ?? {} : {}),
      ...((row.vars ?? {}) as Record<string, unknown>),
      ...(row.channel === 'email' ? this.d.decorator.linkVars(row) : {}),
      message: { id: row.id },
    };
    let rendered;
    try {
      rendered = await renderTemplate(source, vars);
    } catch (e) {
      const msg = e instanceof TemplateError ? `Template error: ${e.message}` : `Rendering failed: ${(e as Error).message}`;
      return { row, status: 'failed', error: msg };
    }
    const sender = senders.find((s) => s.id === (row.sender_id ?? tpl.sender_id)) ?? senders.find((s) => s.is_default) ?? senders[0];
    const fromEmail = sender?.from_email ?? `no-reply@${hostOf(this.d.baseUrl)}`;
    const from = `${quoteName(sender?.from_name ?? storeName)} <${fromEmail}>`;
    const domain = fromEmail.split('@')[1] ?? 'patron.local';
    try {
      if (row.channel === 'sms') {
        const body = rendered.text;
        const out = { to: address, from: '', subject: '', html: null, text: body, headers: {} };
        if (!sms) return { row, status: 'sent', result: { transport: 'outbox', providerId: null }, rendered: out };
        const receiptUrl = `${this.d.baseUrl}/m/sms/receipt/${this.d.signer.sign('sms-receipt', 'v1')}`;
        const result = await sms.send({ from: '', to: address, body, messageId: row.id, receiptUrl });
        return { row, status: 'sent', result, rendered: out };
      }
      const html = this.d.decorator.decorateHtml(rendered.html ?? `<pre>${rendered.text}</pre>`, row);
      const headers = { 'X-Patron-Message-Id': row.id, ...(row.kind === 'marketing' && row.purpose !== 'test' ? this.d.decorator.headers(row) : {}) };
      const mail = { from, to: address, replyTo: sender?.reply_to ?? undefined, subject: rendered.subject, html, text: rendered.text, messageId: `<${row.id}@${domain}>`, headers };
      const out = { to: address, from, subject: rendered.subject, html, text: rendered.text, headers: { ...headers, 'Message-ID': mail.messageId } };
      if (!smtp) return { row, status: 'sent', result: { transport: 'outbox', providerId: mail.messageId }, rendered: out };
      const result = await smtp.send(mail);
      return { row, status: 'sent', result, rendered: out };
    } catch (e) {
      const err = e instanceof TransportError ? e : new TransportError((e as Error).message, 'uncertain');
      if (err.outcome === 'retry' && row.attempts < MAX_ATTEMPTS) {
        // 1, 2, 4, 8, 16 minutes.
        return { row, status: 'queued', error: err.message, retryAt: new Date(Date.now() + 60_000 * 2 ** (row.attempts - 1)) };
      }
      if (err.outcome === 'uncertain') return { row, status: 'uncertain', error: err.message };
      return { row, status: 'failed', error: err.message };
    }
  }

  private async record(skips: { row: MessageRow; d: Decision }[], outcomes: Outcome[]): Promise<void> {
    const sentAt = new Date();
    await this.d.db.transaction().execute(async (tx) => {
      const skipped = skips.flatMap(({ row, d }) => (d.action === 'skip' ? [{ id: row.id, reason: d.reason }] : []));
      if (skipped.length) {
        await sql`update messages m set status = 'skipped', skip_reason = u.reason from unnest(${skipped.map((x) => x.id)}::uuid[], ${skipped.map((x) => x.reason)}::text[]) as u(id, reason)
          where m.id = u.id`.execute(tx);
      }
      for (const { row, d } of skips) {
        // Quiet hours: back in the queue until they end (the attempt does not count).
        if (d.action === 'defer') {
          await tx.updateTable('messages').set({ status: 'queued', send_after: d.until, attempts: Math.max(0, row.attempts - 1), claimed_at: null }).where('id', '=', row.id).execute();
        }
      }
      const sentRows: MessageRow[] = [];
      const activities: NewActivity[] = [];
      const sent = outcomes.filter((o): o is Outcome & Required<Pick<Outcome, 'rendered' | 'result'>> => o.status === 'sent' && !!o.rendered && !!o.result);
      if (sent.length) {
        // One statement for the whole batch: sent rows carry their rendered content, so this is the heavy write.
        const col = <T>(f: (o: (typeof sent)[number]) => T) => sent.map(f);
        await sql`update messages m set status = 'sent', sent_at = ${sentAt}, last_error = null, transport = u.transport, provider_id = u.provider_id, to_address = u.to_address,
            from_address = u.from_address, subject = u.subject, html = u.html, text_body = u.text_body, headers = u.headers::jsonb
          from unnest(${col((o) => o.row.id)}::uuid[], ${col((o) => o.result.transport)}::text[], ${col((o) => o.result.providerId)}::text[], ${col((o) => o.rendered.to)}::text[],
            ${col((o) => o.rendered.from || null)}::text[], ${col((o) => o.rendered.subject || null)}::text[], ${col((o) => o.rendered.html)}::text[], ${col((o) => o.rendered.text)}::text[],
            ${col((o) => JSON.stringify(o.rendered.headers))}::text[]) as u(id, transport, provider_id, to_address, from_address, subject, html, text_body, headers)
          where m.id = u.id`.execute(tx);
      }
      for (const o of sent) {
        const r = o.rendered;
        sentRows.push({
          ...o.row, status: 'sent', sent_at: sentAt, transport: o.result.transport, provider_id: o.result.providerId, to_address: r.to, from_address: r.from || null,
          subject: r.subject || null, html: r.html, text_body: r.text, headers: r.headers, last_error: null,
        });
        if (o.row.customer_id && o.row.purpose !== 'test') {
          activities.push({
            customerId: o.row.customer_id, type: o.row.channel === 'email' ? 'Email Sent' : 'SMS Sent', source: 'messaging', occurredAt: sentAt, dedupeKey: `sent:${o.row.id}`,
            properties: { messageId: o.row.id, subject: r.subject || undefined, campaignId: o.row.campaign_id ?? undefined, flowId: o.row.flow_id ?? undefined, flowStepId: o.row.flow_step_id ?? undefined, templateId: o.row.template_id ?? undefined, transport: o.result.transport },
          });
        }
      }
      for (const o of outcomes) {
        if (o.status === 'sent') continue;
        if (o.status === 'queued') {
          await tx.updateTable('messages').set({ status: 'queued', send_after: o.retryAt ?? sentAt, last_error: o.error ?? null, claimed_at: null }).where('id', '=', o.row.id).execute();
          this.d.log.warn({ messageId: o.row.id, attempt: o.row.attempts }, `messaging: send failed, will retry: ${o.error}`);
        } else {
          await tx.updateTable('messages').set({ status: o.status, last_error: o.error ?? null }).where('id', '=', o.row.id).execute();
          this.d.log.error({ messageId: o.row.id }, `messaging: message ${o.status}: ${o.error}`);
        }
      }
      if (activities.length) await this.d.activities.append(tx, activities);
      if (sentRows.length) await this.d.sender.notifySent(tx, sentRows);
    });
  }

  /** Renders a template for a customer exactly as the dispatcher would (links included), without sending. */
  async renderPreview(templateId: string, customerId: string): Promise<{ subject: string; html: string | null; text: string }> {
    const t = await this.d.db.selectFrom('message_templates').select(['format', 'subject', 'preheader', 'body']).where('id', '=', templateId).executeTakeFirstOrThrow();
    const ctx = (await this.d.contexts.build(this.d.db, [customerId])).get(customerId) ?? {};
    const row = { id: newId(), customer_id: customerId, kind: 'marketing' as const, campaign_id: null, flow_id: null, flow_step_id: null, purpose: 'test' as const };
    const r = await renderTemplate(t, { ...ctx, ...this.d.decorator.linkVars(row), message: { id: row.id } });
    return { ...r, html: r.html === null ? null : this.d.decorator.decorateHtml(r.html, row) };
  }

  private async templates(rows: MessageRow[]): Promise<Map<string, TemplateSource & { sender_id: string | null }>> {
    const { db } = this.d;
    const ids = [...new Set(rows.map((r) => r.template_id).filter((x): x is string => !!x))];
    const out = new Map<string, TemplateSource & { sender_id: string | null }>();
    if (!ids.length) return out;
    const current = await db.selectFrom('message_templates').select(['id', 'format', 'subject', 'preheader', 'body', 'sender_id', 'version']).where('id', 'in', ids).execute();
    for (const t of current) out.set(`${t.id}:`, t);
    const pinned = rows.filter((r) => r.template_id && r.template_version != null);
    const wanted = [...new Set(pinned.map((r) => `${r.template_id}:${r.template_version}`))];
    for (const key of wanted) {
      const [id, v] = key.split(':');
      const cur = current.find((t) => t.id === id);
      if (cur && cur.version === Number(v)) {
        out.set(key, cur);
        continue;
      }
      const old = await db.selectFrom('message_template_versions').select(['format', 'subject', 'preheader', 'body']).where('template_id', '=', id!).where('version', '=', Number(v)).executeTakeFirst();
      if (old) out.set(key, { ...old, sender_id: cur?.sender_id ?? null });
    }
    return out;
  }
}

function pickStrings(o: Partial<TemplateSource>): Partial<TemplateSource> {
  const out: Partial<TemplateSource> = {};
  if (typeof o.subject === 'string') out.subject = o.subject;
  if (typeof o.preheader === 'string') out.preheader = o.preheader;
  if (typeof o.body === 'string') out.body = o.body;
  return out;
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname || 'localhost';
  } catch {
    return 'localhost';
  }
}

function quoteName(name: string): string {
  return /^[\w .-]*$/.test(name) ? name : `"${name.replace(/["\\]/g, '\\$&')}"`;
}
