import type { Actor } from '../../platform/audit/audit.ts';
import type { Db } from '../../platform/db/db.ts';
import { emailSettings, emailSettingsSchema } from './email.settings.ts';
import { dsnBounce, exeAttachment, gmailNew, malformed, outlookReply, outOfOffice } from './email.fixtures.ts';
import type { EmailInbound } from './email.service.ts';

/**
 * `patron demo`: a support address, and a handful of emails from demo customers received as if by SMTP —
 * two questions (one from Outlook), one with a refused executable, and the ones that never become tickets
 * (an out-of-office, a bounce, junk) so the received-email log shows each outcome.
 */
export async function loadEmailDemo(d: { db: Db; inbound: EmailInbound }, _actor: Actor, log: (m: string) => void): Promise<{ emails: number; tickets: number }> {
  const s = await emailSettings.get(d.db);
  if (!s.inboundAddresses.length) {
    await emailSettings.put(d.db, emailSettingsSchema.parse({ ...s, inboundAddresses: ['support@demo-store.example'], replyFromName: null, signature: 'The support team' }));
    d.inbound.invalidate();
  }
  const customers = await d.db.selectFrom('customers').select(['email', 'first_name', 'last_name']).where('email', 'is not', null).where('merged_into', 'is', null).orderBy('total_spent', 'desc').limit(4).execute();
  const who = (i: number, fallback: string) => {
    const c = customers[i];
    if (!c?.email) return fallback;
    const name = [c.first_name, c.last_name].filter(Boolean).join(' ');
    return name ? `"${name.replace(/"/g, '')}" <${c.email}>` : c.email;
  };
  const to = 'support@demo-store.example';
  const ctx = { source: 'smtp', rcptTo: [to] };
  const stamp = Date.now().toString(36);
  const mails = [
    gmailNew({ from: who(0, 'ann@customer.test'), to, messageId: `<demo-${stamp}-1@mail.gmail.com>` }),
    outlookReply({ from: who(1, 'bob@corp.test'), to, subject: 'Invoice for my last order', messageId: `<demo-${stamp}-2@outlook.com>` }),
    exeAttachment({ from: who(2, 'dan@customer.test'), to, messageId: `<demo-${stamp}-3@customer.test>` }),
    outOfOffice({ from: who(3, 'carol@customer.test'), to, messageId: `<demo-${stamp}-4@customer.test>` }),
    dsnBounce({ messageId: `<demo-${stamp}-5@mx.customer.test>` }),
    malformed(),
  ];
  let tickets = 0;
  for (const m of mails) {
    const r = await d.inbound.receiveRaw(m, ctx);
    if (r.status === 'ticket') tickets++;
  }
  log(`Support email: ${mails.length} emails received at ${to} (${tickets} tickets, the rest in Settings › Support email).`);
  return { emails: mails.length, tickets };
}
