import { sql } from 'kysely';
import type { Actor } from '../../platform/audit/audit.ts';
import type { Db } from '../../platform/db/db.ts';
import { customerOrders } from '../commerce/index.ts';
import type { MacrosService } from './macros.service.ts';
import type { RulesService } from './rules.service.ts';
import type { SupportSettingsService } from './tickets.settings.service.ts';
import type { TicketService } from './tickets.service.ts';
import type { TicketChannel, TicketPriority, TicketStatus } from './tickets.tables.ts';

interface Scenario {
  channel: TicketChannel;
  subject: string;
  ask: string;
  reply?: string;
  note?: string;
  more?: string;
  status: TicketStatus;
  priority?: TicketPriority;
  tags?: string[];
}

// {order} and {item} are the customer's real last order number and first line.
const SCENARIOS: Scenario[] = [
  { channel: 'email', subject: 'Where is my order {order}?', ask: 'Hello, I ordered over a week ago (order {order}) and have not received anything yet. Could you tell me where it is?', reply: 'Hi {first}, thanks for your patience. Order {order} left our warehouse on Tuesday; the courier expects to deliver it within two working days.', status: 'pending', tags: ['shipping'] },
  { channel: 'email', subject: 'Damaged item in my parcel', ask: 'The {item} arrived broken, the box was crushed. I have photos if you need them. Can you send a replacement?', note: 'Second damaged parcel from this courier this week, flagging to ops.', status: 'open', priority: 'high', tags: ['damaged'] },
  { channel: 'chat', subject: 'Change delivery address', ask: 'Hi! Can I still change the delivery address on order {order}? I moved last weekend.', reply: 'Done: the new address is on the order and the courier has it too.', status: 'solved', tags: ['address-change'] },
  { channel: 'form', subject: 'Invoice with VAT number for order {order}', ask: 'We need an invoice with our company VAT number for order {order} for our accounts. VAT: GB123456789.', reply: 'Of course. I have attached the corrected invoice with your VAT number.', status: 'solved', tags: ['invoice'] },
  { channel: 'email', subject: 'Wholesale prices for 500 units', ask: 'We run three gift shops and would like to order about 500 units of {item}. Do you offer wholesale pricing?', status: 'new', tags: ['wholesale'] },
  { channel: 'email', subject: 'Return request for {item}', ask: 'I would like to return the {item} from order {order}; it is not what I expected. How do I send it back?', reply: 'No problem. Please use the prepaid label in this email and drop the parcel at any post office; we refund within 5 days of receiving it.', more: 'Thanks, it is on its way back.', status: 'open', tags: ['returns'] },
  { channel: 'email', subject: 'Discount code not working', ask: 'The code WELCOME10 from your newsletter says it is invalid at checkout.', status: 'new', tags: ['discount'] },
  { channel: 'phone', subject: 'Missing item from order {order}', ask: 'Customer called: order {order} arrived without the {item}. Checked the packing list with them on the phone.', note: 'Warehouse confirmed a picking error, reshipping today.', status: 'on_hold', priority: 'high', tags: ['missing-item'] },
  { channel: 'social', subject: 'Instagram message: back in stock?', ask: 'Hey! Is the {item} coming back in stock before Christmas? 🎄', status: 'new', tags: ['stock'] },
  { channel: 'email', subject: 'Double charged for order {order}', ask: 'My card was charged twice for order {order}. Please refund one of the payments.', note: 'Payment provider shows one capture and one authorisation that will drop off. Explain to customer.', reply: 'Hi {first}, we checked: one of the two is only a pending authorisation and disappears within 3 days. You were charged once.', status: 'pending', priority: 'urgent', tags: ['billing'] },
  { channel: 'chat', subject: 'Gift wrapping', ask: 'Do you offer gift wrapping? It is for my mum’s birthday.', reply: 'We do! Tick “gift wrap” at checkout, it is £2.50 and you can add a handwritten note.', status: 'solved' },
  { channel: 'form', subject: 'Bulk order for a wedding', ask: 'We are getting married in June and would like 120 of the {item} as favours. Could you do a bulk price and deliver by May?', status: 'open', tags: ['wholesale'] },
  { channel: 'email', subject: 'Order {order} – wrong item sent', ask: 'I received something else instead of the {item}. What should I do?', reply: 'Sorry about that! The right item is on its way; keep the other one, it is on us.', status: 'solved', tags: ['wrong-item'] },
  { channel: 'email', subject: 'Delivery to Ireland', ask: 'Do you deliver to Ireland, and how long does it take?', status: 'new', tags: ['shipping'] },
  { channel: 'phone', subject: 'Complaint about courier', ask: 'Customer called, upset: courier left the parcel in the rain, {item} soaked.', status: 'open', priority: 'high', tags: ['damaged', 'courier'] },
  { channel: 'email', subject: 'Cancel my order {order}', ask: 'Please cancel order {order}, I ordered the wrong size by mistake.', reply: 'It had already shipped, but I have set up a free return for you.', status: 'pending', tags: ['returns'] },
  { channel: 'social', subject: 'Facebook comment about late delivery', ask: 'Still waiting for my order {order}… 2 weeks now. Not impressed.', status: 'open', priority: 'high', tags: ['shipping', 'public'] },
  { channel: 'email', subject: 'Thank you!', ask: 'Just wanted to say the {item} is lovely and arrived beautifully packed. Thank you!', reply: 'That made our day, thank you {first}!', status: 'closed' },
];

export interface TicketsDemoDeps {
  db: Db;
  tickets: TicketService;
  settings: SupportSettingsService;
  macros: MacrosService;
  rules: RulesService;
}

const fill = (s: string, v: Record<string, string>) => s.replace(/\{(\w+)\}/g, (_m, k: string) => v[k] ?? '');

/** Teams, macros, rules and a few dozen realistic conversations over the demo store's customers. */
export async function loadTicketsDemo(d: TicketsDemoDeps, actor: Actor, log: (m: string) => void): Promise<Record<string, number>> {
  // Whoever loads the demo (or, from the command line, the people who can work tickets) staffs the teams.
  const agents = (await d.settings.agents()).map((a) => a.id);
  const userIds = actor.type === 'user' && actor.id ? [actor.id, ...agents.filter((a) => a !== actor.id)] : agents;
  const care = await d.settings.createTeam(actor, { name: 'Customer care', memberIds: userIds });
  const returns = await d.settings.createTeam(actor, { name: 'Returns', memberIds: userIds });
  const wholesale = await d.settings.createTeam(actor, { name: 'Wholesale', memberIds: userIds });
  await d.settings.createField(actor, { key: 'order_number', label: 'Order number', type: 'text', options: [], required: false, position: 0 });
  await d.settings.createField(actor, { key: 'reason', label: 'Contact reason', type: 'select', options: ['Shipping', 'Return', 'Damaged', 'Billing', 'Product question', 'Other'], required: false, position: 1 });

  const where = await d.macros.create(actor, { name: 'Where is my order', actions: { status: 'pending', addTags: ['shipping'] }, body:
    'Hi {{ customer.first_name | default: "there" }},\n\nThanks for getting in touch. Your order {{ last_order.number }} is {{ last_order.status }}.{% if last_order.tracking_url %} You can follow the parcel here: {{ last_order.tracking_url }}{% endif %}\n\nBest wishes,\n{{ agent.first_name }}' });
  const ret = await d.macros.create(actor, { name: 'Return instructions', actions: { status: 'pending', addTags: ['returns'], teamId: returns.id }, body:
    'Hi {{ customer.first_name | default: "there" }},\n\nNo problem at all. Pack the item in its original packaging and send it back within 30 days; we refund {{ last_order.total | money: last_order.currency }} (or part of it) within 5 days of receiving it.\n\n{{ agent.first_name }}' });
  await d.macros.create(actor, { name: 'Damaged item – replacement', actions: { priority: 'high', addTags: ['damaged'] }, body:
    'Hi {{ customer.first_name | default: "there" }},\n\nI am so sorry it arrived damaged. A replacement is on its way today, no need to send anything back.\n\n{{ agent.first_name }}' });
  await d.macros.create(actor, { name: 'Solved – thanks', actions: { status: 'solved' }, body: 'Glad we could help, {{ customer.first_name | default: "and thanks" }}! Just reply if anything else comes up.\n\n{{ agent.first_name }}' });
  await d.macros.create(actor, { name: 'Auto-reply: we got your message', actions: {}, body: 'Hi {{ customer.first_name | default: "there" }},\n\nThanks for contacting {{ store.name }}. We have your message (ticket #{{ ticket.number }}) and reply within one working day.' });

  const vip = (await sql<{ id: string }>`select id from segments where builtin_key in ('champions', 'vip', 'high_value') order by builtin_key limit 1`.execute(d.db)).rows[0];
  await d.rules.create(actor, { name: 'Customer care by default (later rules override)', enabled: true, trigger: 'created', stopProcessing: false, conditions: { match: 'all', conditions: [{ field: 'channel', op: 'is_not', value: 'social' }] }, actions: [{ type: 'assign_team', teamId: care.id }] });
  await d.rules.create(actor, { name: 'Returns go to the Returns team', enabled: true, trigger: 'created', stopProcessing: false, conditions: { match: 'any', conditions: [{ field: 'text', op: 'contains_any', value: ['return', 'refund', 'send it back', 'exchange'] }] }, actions: [{ type: 'assign_team', teamId: returns.id }] });
  await d.rules.create(actor, { name: 'Wholesale enquiries, round-robin', enabled: true, trigger: 'created', stopProcessing: false, conditions: { match: 'any', conditions: [{ field: 'text', op: 'contains_any', value: ['wholesale', 'bulk', 'units'] }] }, actions: [{ type: 'round_robin', teamId: wholesale.id }, { type: 'add_tags', tags: ['b2b'] }] });
  if (vip) await d.rules.create(actor, { name: 'Best customers first', enabled: true, trigger: 'both', stopProcessing: false, conditions: { match: 'all', conditions: [{ field: 'segment', op: 'in', value: vip.id }] }, actions: [{ type: 'set_priority', priority: 'high' }, { type: 'add_tags', tags: ['vip'] }] });

  const customers = (await sql<{ id: string; email: string | null; first_name: string | null }>`
    select id, email, first_name from customers where merged_into is null and order_count > 0 and email is not null
    order by md5(id::text) limit 36`.execute(d.db)).rows;
  const now = Date.now();
  let made = 0;
  for (const [i, c] of customers.entries()) {
    const s = SCENARIOS[i % SCENARIOS.length]!;
    const [order] = await customerOrders(d.db, c.id, 1);
    const v = { order: order?.number ? `#${order.number}` : 'my last order', item: order?.lines[0]?.title.toLowerCase() ?? 'mug', first: c.first_name ?? 'there' };
    const at = new Date(now - (i * 37 + 20) * 60_000 * (i % 5 === 0 ? 9 : 3));
    const { ticket } = await d.tickets.createTicket(actor, {
      channel: s.channel, subject: fill(s.subject, v), priority: s.priority, tags: s.tags, source: 'demo',
      requester: { customerId: c.id, email: c.email, handle: s.channel === 'social' ? { network: 'instagram', id: `demo_${c.id.slice(0, 8)}` } : null },
      customFields: order?.number ? { order_number: order.number } : {},
      message: { direction: 'inbound', authorType: s.channel === 'phone' ? 'agent' : 'customer', bodyText: fill(s.ask, v), fromAddress: c.email, createdAt: at, externalId: `demo:${i}` },
    });
    let t = at.getTime();
    if (s.note) await d.tickets.addMessage(actor, ticket.id, { direction: 'internal', authorType: 'agent', bodyText: s.note, createdAt: new Date((t += 11 * 60_000)) });
    if (s.reply) await d.tickets.addMessage(actor, ticket.id, { direction: 'outbound', authorType: 'agent', bodyText: fill(s.reply, v), toAddresses: c.email ? [c.email] : [], deliveryStatus: 'sent', createdAt: new Date((t += 23 * 60_000)) });
    if (s.more) await d.tickets.addMessage(actor, ticket.id, { direction: 'inbound', authorType: 'customer', bodyText: s.more, createdAt: new Date((t += 95 * 60_000)) });
    if (userIds[0] && i % 3 === 0) await d.tickets.assign(actor, ticket.id, { assigneeId: userIds[0] });
    if (s.status !== 'new' && s.status !== 'open') await d.tickets.setStatus(actor, ticket.id, s.status);
    else if (s.status === 'open' && !s.reply) await d.tickets.setStatus(actor, ticket.id, 'open');
    made++;
  }
  log(`  ${made} support tickets, 3 teams, 5 macros, ${vip ? 4 : 3} rules (macro "${where.name}", "${ret.name}", …)`);
  return { tickets: made, teams: 3, macros: 5, rules: vip ? 4 : 3 };
}
