import type { Db } from '../../platform/db/db.ts';
import { customerCarts, customerOrders } from '../commerce/index.ts';
import type { CustomerContext } from './context.schemas.ts';
import type { CustomersModule } from '../customers/index.ts';
import type { SegmentsModule } from '../segments/index.ts';
import { inboxRepo } from './inbox.repo.ts';
import { trackingUrl } from './macros.service.ts';
import { toTicket } from './tickets.map.ts';
import type { TicketService } from './tickets.service.ts';

/** A later module's panel beside conversations (loyalty tier and balance). */
export type ContextProvider = (customerId: string) => Promise<Record<string, unknown> | null>;

const ORDERS_SHOWN = 5;

/** The customer context beside each conversation, read through the customers, commerce and segments modules. */
export class ContextService {
  private readonly db: Db;
  private readonly tickets: TicketService;
  private readonly customers: Pick<CustomersModule, 'service'>;
  private readonly segments: Pick<SegmentsModule, 'service'>;
  private loyalty: ContextProvider | undefined;

  constructor(db: Db, tickets: TicketService, customers: Pick<CustomersModule, 'service'>, segments: Pick<SegmentsModule, 'service'>) {
    this.db = db;
    this.tickets = tickets;
    this.customers = customers;
    this.segments = segments;
  }

  /** The loyalty module plugs its tier and balance in here. */
  setLoyaltyProvider(p: ContextProvider): void {
    this.loyalty = p;
  }

  async forTicket(ticketId: string): Promise<CustomerContext> {
    const t = await this.tickets.get(ticketId);
    return this.forCustomer(t.customerId, t.id);
  }

  async forCustomer(customerId: string, excludeTicketId?: string): Promise<CustomerContext> {
    const id = await this.customers.service.liveId(this.db, customerId);
    const [c, orders, carts, segments, previous, loyalty] = await Promise.all([
      this.customers.service.get(id), customerOrders(this.db, id, ORDERS_SHOWN), customerCarts(this.db, id), this.segments.service.forCustomer(id),
      inboxRepo.list(this.db, { filter: { customerId: id }, me: null, sort: 'newest', limit: 20 }), this.loyalty ? this.loyalty(id) : Promise.resolve(null),
    ]);
    const withTracking = await Promise.all(orders.map(async (o) => ({ ...o, trackingUrl: await trackingUrl(this.db, id, { id: o.id, number: o.number ?? '', external_id: o.externalId }) })));
    return {
      customer: {
        id: c.id, name: c.name, email: c.email, phone: c.phone, country: c.country, locale: c.locale, timeZone: c.timeZone, tags: c.tags, createdAt: c.createdAt,
        lastSeenAt: c.lastSeenAt, lifetimeValue: c.totalSpent - c.refunded, orderCount: c.orderCount, averageOrderValue: c.averageOrderValue, refunded: c.refunded,
        currency: c.currency, firstOrderAt: c.firstOrderAt, lastOrderAt: c.lastOrderAt, url: `/customers/${c.id}`,
      },
      segments: segments.map((s) => ({ id: s.id, name: s.name })),
      orders: withTracking,
      openCart: carts.find((k) => k.status === 'open' || k.status === 'abandoned') ?? null,
      tickets: previous.slice(0, 20).map(toTicket).filter((x) => x.id !== excludeTicketId),
      loyalty,
    };
  }
}
