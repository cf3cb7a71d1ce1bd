import { ActionIcon, Anchor, CopyButton, Group, Paper, Stack, Text, Tooltip } from '@mantine/core';
import { IconCheck, IconCopy, IconExternalLink, IconShoppingCartOff } from '@tabler/icons-react';
import { Link } from '@tanstack/react-router';
import { Empty } from '../../components/Empty.tsx';
import { ErrorState } from '../../components/ErrorState.tsx';
import { TableSkeleton } from '../../components/TableSkeleton.tsx';
import { TimeAgo } from '../../components/TimeAgo.tsx';
import { plural } from '../../lib/format.ts';
import { formatMoney } from '../../lib/money.ts';
import { useCustomerCarts } from '../commerce/api.ts';
import type { Cart } from '../commerce/api.ts';
import { StatusBadge } from '../commerce/badges.tsx';

interface CartItem {
  title: string;
  quantity: number;
  unitPrice?: number;
  sku?: string;
  url?: string;
}

function cartItems(c: Cart): CartItem[] {
  return c.items.map((i) => ({
    title: typeof i.title === 'string' ? i.title : typeof i.sku === 'string' ? i.sku : 'Item',
    quantity: typeof i.quantity === 'number' ? i.quantity : 1,
    unitPrice: typeof i.unitPrice === 'number' ? i.unitPrice : undefined,
    sku: typeof i.sku === 'string' ? i.sku : undefined,
    url: typeof i.url === 'string' && /^https?:\/\//.test(i.url) ? i.url : undefined,
  }));
}

/** A customer's carts and checkouts: status, value, items and the link back to the checkout. */
export function CartsPanel({ customerId, storeCurrency }: { customerId: string; storeCurrency: string }) {
  const carts = useCustomerCarts(customerId);
  if (carts.isPending) return <Paper withBorder radius="md"><TableSkeleton rows={3} /></Paper>;
  if (carts.isError) return <ErrorState error={carts.error} onRetry={() => void carts.refetch()} />;
  if (!carts.data.length) {
    return (
      <Paper withBorder radius="md">
        <Empty
          icon={<IconShoppingCartOff size={24} />}
          title="No carts"
          description="Carts and checkouts from your store appear here: open ones, those that became orders and those left behind."
        />
      </Paper>
    );
  }
  return (
    <Stack gap="sm">
      {carts.data.map((c) => {
        const items = cartItems(c);
        const currency = c.currency ?? storeCurrency;
        const count = items.reduce((n, i) => n + i.quantity, 0);
        return (
          <Paper key={c.id} withBorder radius="md" p="md">
            <Group justify="space-between" align="flex-start" wrap="wrap" gap="xs">
              <Stack gap={4}>
                <Group gap="xs">
                  <StatusBadge status={c.status} />
                  {c.checkoutStartedAt && <StatusBadge status="checkout started" variant="dot" />}
                  <Text fz="xs" c="dimmed">
                    Updated <TimeAgo date={c.updatedAt} fz="xs" c="dimmed" /> · via {c.source}
                  </Text>
                </Group>
                <Text fz="sm" c="dimmed">
                  {plural(count, 'item')}
                  {c.orderId && (
                    <>
                      {' · '}
                      <Anchor renderRoot={(props) => <Link to="/orders/$id" params={{ id: c.orderId ?? '' }} {...props} />} fz="sm">
                        See the order it became
                      </Anchor>
                    </>
                  )}
                </Text>
              </Stack>
              <Text fz="lg" fw={650} className="patron-tabular">
                {formatMoney(c.value, currency)}
              </Text>
            </Group>
            {items.length > 0 && (
              <Stack gap={2} mt="sm">
                {items.slice(0, 8).map((i, k) => (
                  <Group key={k} justify="space-between" wrap="nowrap" gap="sm">
                    <Text fz="sm" style={{ minWidth: 0, overflowWrap: 'anywhere' }}>
                      <Text span fz="sm" c="dimmed" className="patron-tabular">
                        {i.quantity} ×{' '}
                      </Text>
                      {i.url ? (
                        <Anchor href={i.url} target="_blank" rel="noreferrer" fz="sm" c="inherit" underline="hover">
                          {i.title}
                        </Anchor>
                      ) : (
                        i.title
                      )}
                    </Text>
                    {i.unitPrice !== undefined && (
                      <Text fz="sm" c="dimmed" className="patron-num">
                        {formatMoney(i.unitPrice * i.quantity, currency)}
                      </Text>
                    )}
                  </Group>
                ))}
                {items.length > 8 && (
                  <Text fz="xs" c="dimmed">
                    and {plural(items.length - 8, 'more line')}
                  </Text>
                )}
              </Stack>
            )}
            {c.checkoutUrl && <CheckoutLink url={c.checkoutUrl} />}
          </Paper>
        );
      })}
    </Stack>
  );
}

function CheckoutLink({ url }: { url: string }) {
  const safe = /^https?:\/\//i.test(url);
  return (
    <Group gap={4} mt="sm" wrap="nowrap" style={{ minWidth: 0 }}>
      <Text fz="xs" c="dimmed" style={{ flexShrink: 0 }}>
        Checkout:
      </Text>
      {safe ? (
        <Anchor href={url} target="_blank" rel="noreferrer" fz="xs" truncate style={{ minWidth: 0 }}>
          {url}
        </Anchor>
      ) : (
        <Text fz="xs" truncate ff="monospace" style={{ minWidth: 0 }}>
          {url}
        </Text>
      )}
      {safe && <IconExternalLink size={12} color="var(--mantine-color-dimmed)" aria-hidden style={{ flexShrink: 0 }} />}
      <CopyButton value={url} timeout={2000}>
        {({ copied, copy }) => (
          <Tooltip label={copied ? 'Copied' : 'Copy the checkout link'} withArrow>
            <ActionIcon size="sm" variant="subtle" color={copied ? 'teal' : 'gray'} onClick={copy} aria-label={copied ? 'Copied' : 'Copy the checkout link'}>
              {copied ? <IconCheck size={14} /> : <IconCopy size={14} />}
            </ActionIcon>
          </Tooltip>
        )}
      </CopyButton>
    </Group>
  );
}
