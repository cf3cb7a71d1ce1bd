/**
 * The canonical activity names of the customer activity stream. Segment's spec and its
 * E-commerce spec v2 where they have a name; Patron's own otherwise. Modules add their
 * names here so that every producer and consumer spells them the same way.
 */
export const ACTIVITY_TYPES = [
  // Segment spec / E-commerce spec v2
  'Identified',
  'Page Viewed',
  'Screen Viewed',
  'Products Searched',
  'Product List Viewed',
  'Product Viewed',
  'Product Added',
  'Product Removed',
  'Cart Viewed',
  'Checkout Started',
  'Checkout Step Completed',
  'Payment Info Entered',
  'Order Completed',
  'Order Updated',
  'Order Refunded',
  'Order Cancelled',
  'Coupon Applied',
  // Segment group and alias calls (tracking)
  'Group',
  'Aliased',
  // Patron's own
  'Customer Created',
  'Profile Updated',
  'Note Added',
  'Profiles Merged',
  'Consent Changed',
  'Segment Entered',
  'Segment Exited',
  // Messaging (names from Segment's Email spec where it has one)
  'Email Sent',
  'Email Delivered',
  'Email Opened',
  'Email Link Clicked',
  'Email Bounced',
  'Email Marked as Spam',
  'Unsubscribed',
  'SMS Sent',
  'SMS Delivered',
  'SMS Failed',
  // Support (tickets from every channel; one activity per customer-visible message)
  'Ticket Created',
  'Ticket Message Received',
  'Ticket Replied',
  'Ticket Solved',
  // SLA and CSAT (support: sla.*, csat.*)
  'Ticket SLA Breached',
  'Ticket Rated',
] as const;

export type KnownActivityType = (typeof ACTIVITY_TYPES)[number];

/** Custom `track` events keep the name the sender gave them, so any string is allowed. */
export type ActivityType = KnownActivityType | (string & {});
