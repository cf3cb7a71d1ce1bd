import { Badge, Group } from '@mantine/core';

const STATUS_COLORS: Record<string, string> = {
  completed: 'teal', open: 'blue', cancelled: 'red',
  paid: 'teal', pending: 'yellow', authorized: 'blue', partially_paid: 'yellow', refunded: 'orange', partially_refunded: 'orange', voided: 'gray', unpaid: 'yellow',
  fulfilled: 'teal', unfulfilled: 'gray', partial: 'yellow', partially_fulfilled: 'yellow', shipped: 'blue', delivered: 'teal', restocked: 'gray',
  converted: 'teal', abandoned: 'orange', active: 'teal', draft: 'gray', archived: 'gray',
  refund: 'orange', cancellation: 'red',
};

export function humanStatus(s: string): string {
  const t = s.replace(/[_-]+/g, ' ').trim();
  return t.charAt(0).toUpperCase() + t.slice(1);
}

/** A status word as a coloured badge ("Partially refunded"). */
export function StatusBadge({ status, variant = 'light', title }: { status: string; variant?: 'light' | 'dot' | 'outline'; title?: string }) {
  return (
    <Badge size="sm" variant={variant} color={STATUS_COLORS[status.toLowerCase()] ?? 'gray'} title={title}>
      {humanStatus(status)}
    </Badge>
  );
}

/** Order status, payment and fulfilment side by side (the latter two only when the store sends them). */
export function OrderBadges({ status, financialStatus, fulfillmentStatus }: { status: string; financialStatus: string | null; fulfillmentStatus: string | null }) {
  return (
    <Group gap={4} wrap="wrap">
      <StatusBadge status={status} title="Order status" />
      {financialStatus && <StatusBadge status={financialStatus} variant="dot" title="Payment" />}
      {fulfillmentStatus && <StatusBadge status={fulfillmentStatus} variant="dot" title="Fulfilment" />}
    </Group>
  );
}
