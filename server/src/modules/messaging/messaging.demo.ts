import { sql } from 'kysely';
import type { Actor } from '../../platform/audit/audit.ts';
import type { Db } from '../../platform/db/db.ts';
import type { ConsentService } from '../customers/index.ts';
import { createCampaignBody } from './campaigns.schemas.ts';
import type { CampaignsService } from './campaigns.service.ts';
import { engagementSettings } from './engagement.settings.ts';
import type { FlowGallery } from './flows.gallery.ts';
import type { MessagesAdmin } from './messages.service.ts';
import type { TemplatesService } from './templates.service.ts';

export interface MessagingDemoDeps {
  db: Db;
  consent: ConsentService;
  admin: MessagesAdmin;
  templates: TemplatesService;
  campaigns: CampaignsService;
  gallery: FlowGallery;
}

/** Share of demo customers who gave email marketing consent (a typical opt-in rate at checkout). */
const OPT_IN = 0.55;

/**
 * The messaging part of `patron demo`: contact addresses for customers the order file names only by
 * number (all at the reserved example.com domain, so nothing can ever reach a real person), consent for
 * about half of them, a sender, the starter templates, the ready-made flows switched on, and one
 * newsletter campaign sent (to the outbox unless an SMTP server is configured).
 */
export async function loadMessagingDemo(d: MessagingDemoDeps, actor: Actor, log: (m: string) => void): Promise<Record<string, unknown>> {
  const { db } = d;
  // Customers known only by an order-file id get a demo address built from that id.
  const addressed = await sql`
    with c as (
      select c.id, 'customer' || coalesce(i.value, substr(c.id::text, 1, 8)) || '@example.com' as email, c.created_at
      from customers c left join lateral (select value from customer_identities where customer_id = c.id and kind = 'external' limit 1) i on true
      where c.email is null and c.merged_into is null and not c.anonymous
    ), u as (update customers set email = c.email from c where customers.id = c.id returning customers.id, c.email, c.created_at)
    insert into customer_identities (id, customer_id, kind, source, value, verified, created_at)
    select md5('demo-email' || u.id)::uuid, u.id, 'email', '', u.email, false, u.created_at from u
    on conflict do nothing`.execute(db);
  const ids = (await sql<{ id: string; at: Date }>`
    select id, coalesce(first_order_at, created_at) as at from customers
    where email is not null and merged_into is null and not anonymous
      and ('x' || substr(md5('optin' || id::text), 1, 8))::bit(32)::bigint < ${Math.round(OPT_IN * 2 ** 32)}`.execute(db)).rows;
  for (let i = 0; i < ids.length; i += 2000) {
    const chunk = ids.slice(i, i + 2000);
    await db.transaction().execute((tx) => d.consent.setMany(tx, chunk.map((c) => ({
      customerId: c.id, channel: 'email' as const, status: 'subscribed' as const, method: 'single_opt_in' as const, source: 'demo', actor,
      occurredAt: c.at, evidence: { form: 'checkout', note: 'demo data' },
    }))));
  }
  log(`  ${Number(addressed.numAffectedRows ?? 0).toLocaleString('en-US')} demo addresses, ${ids.length.toLocaleString('en-US')} email subscribers`);

  if (!(await d.admin.senders()).length) await d.admin.createSender(actor, { name: 'Store', fromName: 'Demo Gift Shop', fromEmail: 'hello@example.com', replyTo: 'support@example.com', isDefault: true });
  const eng = await engagementSettings.get(db);
  await engagementSettings.put(db, { ...eng, storeUrl: eng.storeUrl ?? 'https://shop.example.com', physicalAddress: eng.physicalAddress ?? 'Demo Gift Shop Ltd, 1 Example Street, London, United Kingdom', brandColor: eng.brandColor ?? '#7048e8' });

  const templates: Record<string, string> = {};
  for (const starter of ['welcome', 'abandoned-cart', 'order-thank-you', 'win-back', 'newsletter']) {
    const existing = (await d.templates.list({ archived: false })).find((t) => t.starter === starter);
    templates[starter] = existing?.id ?? (await d.templates.create(actor, { starter })).id;
  }
  const flows: string[] = [];
  for (const key of ['welcome-series', 'abandoned-cart', 'browse-abandonment', 'post-purchase', 'win-back', 'birthday', 'vip-welcome']) {
    try {
      await d.gallery.enable(actor, key);
      flows.push(key);
    } catch (e) {
      log(`  flow ${key} not switched on: ${(e as Error).message}`);
    }
  }
  log(`  ${flows.length} ready-made flows switched on`);

  const repeat = await db.selectFrom('segments').select('id').where('builtin_key', '=', 'repeat-customers').executeTakeFirst();
  let campaign: string | null = null;
  if (repeat && templates.newsletter) {
    const c = await d.campaigns.create(actor, createCampaignBody.parse({ name: 'Spring newsletter (demo)', templateId: templates.newsletter, include: [repeat.id], topic: 'newsletter', schedule: { mode: 'now' } }));
    await d.campaigns.send(actor, c.id);
    campaign = c.id;
  }
  return { subscribers: ids.length, templates: Object.keys(templates).length, flows, campaign };
}
