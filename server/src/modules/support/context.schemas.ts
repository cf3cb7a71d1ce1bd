import { z } from 'zod';
import { cartSchema, orderLineSchema, orderSchema } from '../commerce/commerce.schemas.ts';
import { ticketSchema } from './tickets.schemas.ts';

/** What an agent sees beside a conversation. */
export const customerContextSchema = z.object({
  customer: z.object({
    id: z.string(), name: z.string(), email: z.string().nullable(), phone: z.string().nullable(), country: z.string().nullable(), locale: z.string().nullable(),
    timeZone: z.string().nullable(), tags: z.array(z.string()), createdAt: z.date(), lastSeenAt: z.date().nullable(),
    /** Money in minor units of `currency`. */
    lifetimeValue: z.number(), orderCount: z.number(), averageOrderValue: z.number().nullable(), refunded: z.number(), currency: z.string(),
    firstOrderAt: z.date().nullable(), lastOrderAt: z.date().nullable(),
    /** The 360° page. */
    url: z.string(),
  }),
  segments: z.array(z.object({ id: z.string(), name: z.string() })),
  orders: z.array(orderSchema.extend({ lines: z.array(orderLineSchema), trackingUrl: z.string().nullable() })),
  openCart: cartSchema.nullable(),
  tickets: z.array(ticketSchema),
  /** Loyalty tier and balance, once the loyalty module registers a provider. */
  loyalty: z.record(z.string(), z.unknown()).nullable(),
});
export type CustomerContext = z.infer<typeof customerContextSchema>;

