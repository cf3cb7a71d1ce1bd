import { sql } from 'kysely';
import type { Activities } from '../../platform/activities/activities.ts';
import type { Actor } from '../../platform/audit/audit.ts';
import type { Db } from '../../platform/db/db.ts';
import { newId } from '../../platform/ids.ts';
import { getStoreSettings, putSetting } from '../../platform/settings.ts';
import { zoneOr } from '../../platform/zoned.ts';
import { ALWAYS_OPEN } from './hours.ts';
import { csatSettingsSchema } from './csat.schemas.ts';
import type { SlaConfig } from './sla.config.ts';
import type { SlaService } from './sla.service.ts';
import type { TicketService } from './tickets.service.ts';
import type { TicketChannel, TicketPriority } from './tickets.tables.ts';

const SUBJECTS = [
  'Where is my order?', 'Wrong size delivered', 'Refund not received yet', 'Can I change my delivery address?', 'Discount code does not work',
  'Item arrived damaged', 'Question about sizing', 'Cancel my order please', 'Invoice for my company', 'Missing item in parcel',
  'When will this be back in stock?', 'Payment failed twice', 'Exchange for another colour', 'Tracking link not working', 'Gift wrapping options?',
];
const COMMENTS = ['Quick and friendly, thank you!', 'Solved my problem in minutes.', 'Took a while but got there.', 'Great help with the exchange.', 'Still waiting for the refund to show.', null, null, null];

/** Deterministic pseudo-random numbers, so the demo looks the same every time. */
function rng(seed: number) {
  let s = seed;
  return () => ((s = (s * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
}

interface DemoDeps { db: Db; config: SlaConfig; sla: SlaService; activities: Activities; tickets: TicketService }

/**
 * `patron demo`: a support calendar (weekdays and Saturday morning, Christmas and New Year), a 24/7 one,
 * two SLA policies, CSAT on; then three weeks of tickets if there are none yet (otherwise the existing demo
 * tickets), their SLA clocks, and ratings on most solved ones, so the reports page has real numbers.
 */
export async function loadSlaDemo(d: DemoDeps, actor: Actor, log: (m: string) => void, opts: { tickets?: number } = {}): Promise<Record<string, number>> {
  const { db } = d;
  const tz = zoneOr((await getStoreSettings(db)).timeZone, 'UTC');
  const calendars = await d.config.calendars();
  let hoursId = calendars.find((c) => c.isDefault)?.id;
  let alwaysId = calendars.find((c) => c.weeklyMinutes === 7 * 24 * 60)?.id;
  if (!hoursId) {
    const day = [{ start: '09:00', end: '18:00' }];
    hoursId = (await d.config.createCalendar(actor, {
      name: 'Support hours', timeZone: tz, isDefault: true,
      hours: { mon: day, tue: day, wed: day, thu: day, fri: day, sat: [{ start: '10:00', end: '14:00' }], sun: [] },
      holidays: [{ date: '2026-12-25', name: 'Christmas Day', yearly: true }, { date: '2026-12-26', name: 'Boxing Day', yearly: true }, { date: '2027-01-01', name: "New Year's Day", yearly: true }],
    })).id;
  }
  if (!alwaysId) alwaysId = (await d.config.createCalendar(actor, { name: 'Around the clock', timeZone: tz, isDefault: false, hours: ALWAYS_OPEN, holidays: [] })).id;
  if (!(await d.config.policies()).length) {
    const vip = (await sql<{ id: string }>`select id from segments where builtin_key ilike '%vip%' or name ilike '%vip%' order by created_at limit 1`.execute(db)).rows[0];
    if (vip) {
      await d.config.createPolicy(actor, {
        name: 'VIP customers', enabled: true, calendarId: alwaysId, segmentId: vip.id, channels: [],
        targets: { urgent: { firstResponse: 30, resolution: 240 }, high: { firstResponse: 60, resolution: 480 }, normal: { firstResponse: 120, resolution: 960 }, low: { firstResponse: 240, resolution: 1440 } },
      });
    }
    await d.config.createPolicy(actor, {
      name: 'Standard', enabled: true, calendarId: hoursId, segmentId: null, channels: [],
      targets: { urgent: { firstResponse: 60, resolution: 480 }, high: { firstResponse: 120, resolution: 960 }, normal: { firstResponse: 240, resolution: 1620 }, low: { firstResponse: 480, resolution: 2700 } },
    });
  }
  // Three weeks of history before the ticket demo's recent conversations (once: the first message's id is fixed).
  const done = (await sql`select 1 from ticket_messages where channel in ('email','chat','form','phone') and external_id = 'demo-sla-0'`.execute(db)).rows.length > 0;
  const created = done ? 0 : await demoTickets(d, actor, opts.tickets ?? 70);
  log(`  ${created} older tickets with replies and solves; SLA clocks for every ticket…`);

  const ids = (await sql<{ id: string }>`select id from tickets order by created_at`.execute(db)).rows.map((r) => r.id);
  for (const id of ids) await db.transaction().execute((tx) => d.sla.sync(tx, id));
  const rated = await demoRatings(db, d.activities);
  // Surveys on from now on (after the history, so its solves send no email).
  await putSetting(db, 'support.csat', csatSettingsSchema.parse({ enabled: true }));
  return { calendars: (await d.config.calendars()).length, policies: (await d.config.policies()).length, tickets: created, slaClocks: ids.length, csatRatings: rated };
}

async function demoTickets(d: DemoDeps, actor: Actor, count: number): Promise<number> {
  const { db } = d;
  const rand = rng(42);
  const customers = (await sql<{ id: string; email: string | null; name: string }>`
    select id, email, trim(coalesce(first_name,'') || ' ' || coalesce(last_name,'')) as name from customers
    where merged_into is null order by id limit 300`.execute(db)).rows;
  if (!customers.length) return 0;
  const agents = (await sql<{ id: string }>`select id from users where status = 'active' order by created_at limit 5`.execute(db)).rows.map((r) => r.id);
  let teamId = (await sql<{ id: string }>`select id from support_teams order by created_at limit 1`.execute(db)).rows[0]?.id;
  if (!teamId && agents.length) {
    teamId = newId();
    await sql`insert into support_teams (id, name) values (${teamId}, 'Customer care')`.execute(db);
    for (const u of agents) await sql`insert into support_team_members (team_id, user_id) values (${teamId}, ${u}) on conflict do nothing`.execute(db);
  }
  const channels: TicketChannel[] = ['email', 'email', 'email', 'chat', 'chat', 'form', 'phone'];
  const priorities: TicketPriority[] = ['normal', 'normal', 'normal', 'high', 'low', 'urgent'];
  const now = Date.now();
  let n = 0;
  for (let i = 0; i < count; i++) {
    const c = customers[Math.floor(rand() * customers.length)]!;
    const t0 = new Date(now - 2 * 86_400_000 - (22 * 86_400_000) * (1 - i / count) - rand() * 3_600_000);
    const { ticket } = await d.tickets.createTicket(actor, {
      channel: channels[Math.floor(rand() * channels.length)]!, subject: SUBJECTS[i % SUBJECTS.length]!, priority: priorities[Math.floor(rand() * priorities.length)],
      requester: { customerId: c.id, email: c.email, name: c.name || null }, teamId: teamId ?? null,
      message: { direction: 'inbound', authorType: 'customer', bodyText: `Hello, ${SUBJECTS[i % SUBJECTS.length]!.toLowerCase()} Thanks!`, createdAt: t0, externalId: `demo-sla-${i}` },
    });
    n++;
    const age = now - t0.getTime();
    const assignee = agents.length ? agents[i % agents.length]! : null;
    if (assignee) await d.tickets.assign(actor, ticket.id, { assigneeId: assignee });
    // Most get an answer between 10 minutes and a day and a half later; a few are still waiting.
    if (rand() < 0.05) continue;
    const replyAt = new Date(t0.getTime() + Math.min(age - 60_000, 600_000 + rand() ** 2 * 36 * 3_600_000));
    await d.tickets.addMessage({ type: 'user', id: assignee, label: 'Demo agent' }, ticket.id, { direction: 'outbound', authorType: 'agent', authorUserId: assignee, bodyText: 'Thanks for reaching out! I have looked into it and sorted it for you.', createdAt: replyAt, deliveryStatus: 'sent' });
    if (rand() < 0.12) continue;
    const solveAt = new Date(Math.min(now - 60_000, replyAt.getTime() + 1_800_000 + rand() ** 2 * 3 * 86_400_000));
    await d.tickets.setStatus(actor, ticket.id, 'solved');
    // The ticket core stamps "now"; a demo history needs its own times.
    await sql`update tickets set solved_at = ${solveAt}, updated_at = ${solveAt} where id = ${ticket.id}::uuid`.execute(db);
    await sql`update ticket_events set created_at = case when data->>'to' = 'solved' then ${solveAt}::timestamptz when type = 'status' then ${replyAt}::timestamptz else ${t0}::timestamptz end where ticket_id = ${ticket.id}::uuid`.execute(db);
    await sql`update activities set occurred_at = ${solveAt} where type = 'Ticket Solved' and customer_id = ${c.id}::uuid and properties->>'ticketId' = ${ticket.id}`.execute(db);
  }
  return n;
}

/** Ratings on about 70 % of solved tickets, mostly good, as the survey would have collected them. */
async function demoRatings(db: Db, activities: Activities): Promise<number> {
  const rand = rng(7);
  const solved = (await sql<{ id: string; customer_id: string; number: number; solved_at: Date }>`
    select t.id, t.customer_id, t.number, t.solved_at from tickets t where t.status in ('solved','closed') and t.solved_at is not null
      and not exists (select 1 from csat_surveys c where c.ticket_id = t.id) order by t.created_at`.execute(db)).rows;
  let rated = 0;
  for (const t of solved) {
    const sent = new Date(t.solved_at.getTime() + 60_000);
    const answer = rand() < 0.7;
    const rating = answer ? [5, 5, 5, 4, 4, 4, 3, 2, 5, 1][Math.floor(rand() * 10)]! : null;
    const ratedAt = answer ? new Date(Math.min(Date.now(), sent.getTime() + 3_600_000 * (1 + rand() * 20))) : null;
    const comment = answer ? COMMENTS[Math.floor(rand() * COMMENTS.length)]! : null;
    const id = newId();
    await db.transaction().execute(async (tx) => {
      await tx.insertInto('csat_surveys').values({ id, ticket_id: t.id, customer_id: t.customer_id, message_id: null, sent_at: sent, rating, comment, rated_at: ratedAt }).execute();
      if (rating && ratedAt) {
        await activities.append(tx, [{ customerId: t.customer_id, type: 'Ticket Rated', source: 'email', occurredAt: ratedAt, dedupeKey: `csat:${id}:demo`, properties: { ticketId: t.id, number: t.number, rating, comment, surveyId: id, changed: false } }]);
      }
    });
    if (rating) rated++;
  }
  return rated;
}
