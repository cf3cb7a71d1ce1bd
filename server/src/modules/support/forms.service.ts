import { z } from 'zod';
import { SYSTEM_ACTOR } from '../../platform/audit/audit.ts';
import type { Db } from '../../platform/db/db.ts';
import { storeVars } from '../messaging/index.ts';
import type { FormBrand, FormValues } from './forms.page.ts';
import type { TicketService } from './tickets.service.ts';

const formSchema = z.object({
  name: z.string().trim().max(200, 'Use at most 200 characters.').optional(),
  email: z.string().trim().toLowerCase().min(1, 'Enter your email address so we can reply.').max(320).pipe(z.email({ error: 'Enter a valid email address, like ann@example.com.' })),
  order: z.string().trim().max(100, 'Use at most 100 characters.').optional(),
  subject: z.string().trim().min(1, 'Say in a few words what it is about.').max(300, 'Use at most 300 characters.'),
  message: z.string().trim().min(1, 'Write your message.').max(20_000, 'Use at most 20,000 characters.'),
});

export type FormResult = { ok: true; number: number; email: string } | { ok: false; errors: Record<string, string>; values: FormValues } | { ok: 'spam' };

/** The hosted contact form: validates a submission and turns it into a ticket (channel form). */
export class FormsService {
  private readonly db: Db;
  private readonly tickets: TicketService;
  private brandCache: { at: number; brand: FormBrand } | undefined;

  constructor(db: Db, tickets: TicketService) {
    this.db = db;
    this.tickets = tickets;
  }

  async brand(): Promise<FormBrand> {
    if (this.brandCache && Date.now() - this.brandCache.at < 60_000) return this.brandCache.brand;
    const { vars } = await storeVars(this.db);
    const brand = { storeName: vars.name, color: vars.brand_color ?? '#111827' };
    this.brandCache = { at: Date.now(), brand };
    return brand;
  }

  async submit(fields: URLSearchParams, meta: { ip: string | null; userAgent: string | null; referrer: string | null }): Promise<FormResult> {
    // A filled honeypot is a bot: pretend it worked, store nothing.
    if (fields.get('website')) return { ok: 'spam' };
    const values: FormValues = { name: fields.get('name') ?? '', email: fields.get('email') ?? '', order: fields.get('order') ?? '', subject: fields.get('subject') ?? '', message: fields.get('message') ?? '' };
    const parsed = formSchema.safeParse(values);
    if (!parsed.success) {
      const errors: Record<string, string> = {};
      for (const i of parsed.error.issues) errors[String(i.path[0])] ??= i.message;
      return { ok: false, errors, values };
    }
    const f = parsed.data;
    const { ticket } = await this.tickets.createTicket(SYSTEM_ACTOR, {
      channel: 'form', subject: f.subject, source: 'form',
      requester: { email: f.email, name: f.name || null },
      message: {
        direction: 'inbound', authorType: 'customer', fromAddress: f.email, bodyText: f.order ? `Order: ${f.order}\n\n${f.message}` : f.message,
        metadata: { form: { order: f.order || null, ip: meta.ip, userAgent: meta.userAgent?.slice(0, 300) ?? null, page: meta.referrer?.slice(0, 500) ?? null } },
      },
    });
    return { ok: true, number: ticket.number, email: f.email };
  }
}
