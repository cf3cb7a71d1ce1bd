import { ActionIcon, Anchor, Box, Button, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { IconChevronDown, IconChevronRight, IconReceiptOff } from '@tabler/icons-react';
import { Link } from '@tanstack/react-router';
import { Fragment, useState } from 'react';
import { TableCard } from '../../components/DataTable.tsx';
import { Empty } from '../../components/Empty.tsx';
import { ErrorState } from '../../components/ErrorState.tsx';
import { TableSkeleton } from '../../components/TableSkeleton.tsx';
import { TimeAgo } from '../../components/TimeAgo.tsx';
import { useIsMobile } from '../../components/useIsMobile.ts';
import { absoluteTime, plural, shortDate } from '../../lib/format.ts';
import { formatInt, formatMoney } from '../../lib/money.ts';
import { useCustomerOrders, useCustomerRefunds } from '../commerce/api.ts';
import type { OrderWithLines, Refund } from '../commerce/api.ts';
import { OrderBadges, StatusBadge } from '../commerce/badges.tsx';
import { OrderLinesTable } from '../commerce/OrderLines.tsx';

const PAGE = 25;

/** A customer's orders (newest first) with their lines on demand, then their refunds and cancellations. */
export function OrdersPanel({ customerId }: { customerId: string }) {
  const orders = useCustomerOrders(customerId);
  const refunds = useCustomerRefunds(customerId);
  const [open, setOpen] = useState<Set<string>>(new Set());
  const [shown, setShown] = useState(PAGE);
  const mobile = useIsMobile();

  const toggle = (id: string) =>
    setOpen((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  if (orders.isPending) return <Paper withBorder radius="md"><TableSkeleton rows={5} /></Paper>;
  if (orders.isError) return <ErrorState error={orders.error} onRetry={() => void orders.refetch()} />;

  const list = orders.data;
  const byOrder = new Map<string, Refund[]>();
  for (const r of refunds.data ?? []) if (r.orderId) byOrder.set(r.orderId, [...(byOrder.get(r.orderId) ?? []), r]);
  const cols = mobile ? 3 : 6;

  return (
    <Stack gap="lg">
      {list.length === 0 ? (
        <Paper withBorder radius="md">
          <Empty icon={<IconReceiptOff size={24} />} title="No orders yet" description="Orders from your store appear here, with their lines, refunds and cancellations." />
        </Paper>
      ) : (
        <TableCard
          minWidth={{ base: 0, sm: 640 }}
          footer={
            list.length > PAGE ? (
              <Group justify="center" p="sm" style={{ borderTop: '1px solid var(--mantine-color-default-border)' }}>
                {shown < list.length ? (
                  <Button variant="default" size="xs" onClick={() => setShown((n) => n + PAGE)}>
                    Show more orders ({formatInt(list.length - shown)} left)
                  </Button>
                ) : (
                  <Text fz="sm" c="dimmed">
                    That’s all {formatInt(list.length)} orders{list.length >= 500 ? ' shown here; see Orders for older ones' : ''}.
                  </Text>
                )}
              </Group>
            ) : undefined
          }
        >
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={36} />
              <Table.Th>Order</Table.Th>
              {!mobile && <Table.Th>Placed</Table.Th>}
              {!mobile && <Table.Th>Status</Table.Th>}
              {!mobile && <Table.Th ta="right">Items</Table.Th>}
              <Table.Th ta="right">Total</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.slice(0, shown).map((o) => (
              <OrderRow key={o.id} order={o} refunds={byOrder.get(o.id) ?? []} open={open.has(o.id)} onToggle={() => toggle(o.id)} cols={cols} mobile={mobile} />
            ))}
          </Table.Tbody>
        </TableCard>
      )}

      {(refunds.data?.length ?? 0) > 0 && (
        <Stack gap="xs">
          <Title order={3} fz="md" fw={600}>
            Refunds and cancellations
          </Title>
          <TableCard minWidth={{ base: 0, sm: 560 }}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Date</Table.Th>
                <Table.Th>Kind</Table.Th>
                {!mobile && <Table.Th>Reason</Table.Th>}
                <Table.Th ta="right">Amount</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {refunds.data?.map((r) => (
                <Table.Tr key={r.id}>
                  <Table.Td>
                    <Text fz="sm" title={absoluteTime(r.refundedAt)}>
                      {shortDate(r.refundedAt)}
                    </Text>
                    {r.orderId && (
                      <Anchor renderRoot={(props) => <Link to="/orders/$id" params={{ id: r.orderId ?? '' }} {...props} />} fz="xs">
                        See the order
                      </Anchor>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <StatusBadge status={r.kind} />
                  </Table.Td>
                  {!mobile && (
                    <Table.Td>
                      <Text fz="sm" c={r.reason ? undefined : 'dimmed'}>
                        {r.reason ?? '—'}
                      </Text>
                    </Table.Td>
                  )}
                  <Table.Td className="patron-num" fz="sm">
                    {formatMoney(r.amount, r.currency)}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </TableCard>
        </Stack>
      )}
    </Stack>
  );
}

function OrderRow({ order: o, refunds, open, onToggle, cols, mobile }: { order: OrderWithLines; refunds: Refund[]; open: boolean; onToggle: () => void; cols: number; mobile: boolean }) {
  const label = `#${o.number ?? o.externalId}`;
  return (
    <Fragment>
      <Table.Tr className="patron-row-clickable" onClick={onToggle} bg={open ? 'var(--mantine-color-default-hover)' : undefined}>
        <Table.Td>
          <ActionIcon
            variant="subtle"
            color="gray"
            size="sm"
            aria-label={open ? `Hide the lines of order ${label}` : `Show the lines of order ${label}`}
            aria-expanded={open}
            onClick={(e) => {
              e.stopPropagation();
              onToggle();
            }}
          >
            {open ? <IconChevronDown size={16} /> : <IconChevronRight size={16} />}
          </ActionIcon>
        </Table.Td>
        <Table.Td>
          <Anchor
            renderRoot={(props) => <Link to="/orders/$id" params={{ id: o.id }} {...props} />}
            onClick={(e) => e.stopPropagation()}
            fz="sm"
            fw={500}
            className="patron-cell-link"
          >
            {label}
          </Anchor>
          {mobile && (
            <Text fz="xs" c="dimmed">
              {shortDate(o.placedAt)} · {plural(o.itemCount, 'item')}
            </Text>
          )}
          {mobile && (
            <Box mt={4}>
              <OrderBadges status={o.status} financialStatus={o.financialStatus} fulfillmentStatus={o.fulfillmentStatus} />
            </Box>
          )}
        </Table.Td>
        {!mobile && (
          <Table.Td>
            <Text fz="sm" title={absoluteTime(o.placedAt)} style={{ whiteSpace: 'nowrap' }}>
              {shortDate(o.placedAt)}
            </Text>
            <TimeAgo date={o.placedAt} fz="xs" c="dimmed" />
          </Table.Td>
        )}
        {!mobile && (
          <Table.Td>
            <OrderBadges status={o.status} financialStatus={o.financialStatus} fulfillmentStatus={o.fulfillmentStatus} />
          </Table.Td>
        )}
        {!mobile && (
          <Table.Td className="patron-num" fz="sm">
            {formatInt(o.itemCount)}
          </Table.Td>
        )}
        <Table.Td className="patron-num" fz="sm">
          <Text fz="sm" fw={500} td={o.status === 'cancelled' ? 'line-through' : undefined} span>
            {formatMoney(o.total, o.currency)}
          </Text>
          {o.refundedTotal > 0 && (
            <Text fz="xs" c="orange">
              −{formatMoney(o.refundedTotal, o.currency)} refunded
            </Text>
          )}
        </Table.Td>
      </Table.Tr>
      {open && (
        <Table.Tr>
          <Table.Td colSpan={cols} bg="var(--patron-surface)" px={mobile ? 'xs' : 'lg'} py="sm">
            <Paper withBorder radius="sm">
              <OrderLinesTable lines={o.lines} currency={o.currency} compact={mobile} />
            </Paper>
            {refunds.length > 0 && (
              <Stack gap={4} mt="sm">
                {refunds.map((r) => (
                  <Group key={r.id} gap="xs" wrap="nowrap">
                    <StatusBadge status={r.kind} />
                    <Text fz="sm" className="patron-tabular">
                      {formatMoney(r.amount, r.currency)} on {shortDate(r.refundedAt)}
                      {r.reason ? ` · ${r.reason}` : ''}
                    </Text>
                  </Group>
                ))}
              </Stack>
            )}
            {o.cancelledAt && (
              <Text fz="sm" c="red" mt="xs">
                Cancelled on {absoluteTime(o.cancelledAt)}
              </Text>
            )}
          </Table.Td>
        </Table.Tr>
      )}
    </Fragment>
  );
}
