import { Anchor, Badge, Button, Drawer, Group, Pagination, Paper, ScrollArea, Skeleton, Stack, Table, Text } from '@mantine/core';
import { IconDownload, IconListSearch } from '@tabler/icons-react';
import { Link } from '@tanstack/react-router';
import { useEffect, useState } from 'react';
import type { ReactNode } from 'react';
import { Empty } from '../../components/Empty.tsx';
import { ErrorState } from '../../components/ErrorState.tsx';
import { useIsMobile } from '../../components/useIsMobile.ts';
import { absoluteTime, shortDate } from '../../lib/format.ts';
import { countryName } from '../../lib/geo.ts';
import { formatInt, formatMoney } from '../../lib/money.ts';
import { drillCsvUrl, DRILL_PAGE_SIZE, useDrill, type DrillPage, type DrillRequest } from './api.ts';
import { dayLabel, rangeLabel } from './range.ts';

const CustomerLink = ({ id, name }: { id: string | null; name: string | null }) =>
  id ? (
    <Anchor renderRoot={(p) => <Link to="/customers/$id" params={{ id }} {...p} />} fz="sm" className="patron-cell-link" truncate maw={240}>
      {name ?? 'Customer'}
    </Anchor>
  ) : (
    <Text fz="sm" c="dimmed">
      Guest
    </Text>
  );

function Rows({ page, currency }: { page: DrillPage; currency: string }): ReactNode {
  const num = (v: ReactNode) => (
    <Table.Td className="patron-num" fz="sm">
      {v}
    </Table.Td>
  );
  switch (page.kind) {
    case 'orders':
      return (
        <>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Order</Table.Th>
              <Table.Th>Placed</Table.Th>
              <Table.Th>Customer</Table.Th>
              <Table.Th>Country</Table.Th>
              <Table.Th ta="right">Total</Table.Th>
              <Table.Th ta="right">Refunded</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {page.items.map((o) => (
              <Table.Tr key={o.id}>
                <Table.Td>
                  <Anchor renderRoot={(p) => <Link to="/orders/$id" params={{ id: o.id }} {...p} />} fz="sm" fw={500} className="patron-cell-link">
                    {o.number ? `#${o.number.replace(/^#/, '')}` : 'Order'}
                  </Anchor>
                </Table.Td>
                <Table.Td fz="sm" title={absoluteTime(o.placedAt)} style={{ whiteSpace: 'nowrap' }}>
                  {shortDate(o.placedAt)}
                </Table.Td>
                <Table.Td>
                  <CustomerLink id={o.customerId} name={o.customerName} />
                </Table.Td>
                <Table.Td fz="sm">{countryName(o.country)}</Table.Td>
                {num(formatMoney(o.total, currency))}
                {num(o.refunded ? formatMoney(o.refunded, currency) : '—')}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </>
      );
    case 'customers':
      return (
        <>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Customer</Table.Th>
              <Table.Th>Country</Table.Th>
              <Table.Th>First order</Table.Th>
              <Table.Th ta="right">Orders</Table.Th>
              <Table.Th ta="right">{page.extraLabel === 'Refunded' ? 'Net spent' : 'Revenue'}</Table.Th>
              {page.extraLabel && <Table.Th ta="right">{page.extraLabel}</Table.Th>}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {page.items.map((c) => (
              <Table.Tr key={c.id}>
                <Table.Td>
                  <Stack gap={0}>
                    <CustomerLink id={c.id} name={c.name} />
                    {c.email && c.email !== c.name && (
                      <Text fz="xs" c="dimmed" truncate maw={240}>
                        {c.email}
                      </Text>
                    )}
                  </Stack>
                </Table.Td>
                <Table.Td fz="sm">{countryName(c.country)}</Table.Td>
                <Table.Td fz="sm" style={{ whiteSpace: 'nowrap' }}>
                  {c.firstOrderDay ? dayLabel(c.firstOrderDay) : '—'}
                </Table.Td>
                {num(formatInt(c.orders))}
                {num(formatMoney(c.revenue, currency))}
                {page.extraLabel && num(page.extraLabel === 'Refunded' ? formatMoney(Number(c.extra ?? 0), currency) : page.extraLabel === 'Last order' && c.extra ? dayLabel(c.extra) : (c.extra ?? '—'))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </>
      );
    case 'refunds':
      return (
        <>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Date</Table.Th>
              <Table.Th>Kind</Table.Th>
              <Table.Th>Order</Table.Th>
              <Table.Th>Customer</Table.Th>
              <Table.Th ta="right">Amount</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {page.items.map((r) => (
              <Table.Tr key={r.id}>
                <Table.Td fz="sm" title={absoluteTime(r.refundedAt)} style={{ whiteSpace: 'nowrap' }}>
                  {shortDate(r.refundedAt)}
                </Table.Td>
                <Table.Td>
                  <Badge variant="light" color={r.kind === 'cancellation' ? 'orange' : 'grape'}>
                    {r.kind === 'cancellation' ? 'Cancellation' : 'Refund'}
                  </Badge>
                </Table.Td>
                <Table.Td fz="sm">
                  {r.orderId ? (
                    <Anchor renderRoot={(p) => <Link to="/orders/$id" params={{ id: r.orderId! }} {...p} />} fz="sm" className="patron-cell-link">
                      {r.orderNumber ? `#${r.orderNumber.replace(/^#/, '')}` : 'Order'}
                    </Anchor>
                  ) : (
                    <Text fz="sm" c="dimmed" title={r.reason ?? undefined}>
                      No order
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <CustomerLink id={r.customerId} name={r.customerName} />
                </Table.Td>
                {num(formatMoney(r.amount, currency))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </>
      );
    case 'checkouts':
      return (
        <>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Started</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Customer</Table.Th>
              <Table.Th ta="right">Value</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {page.items.map((k) => (
              <Table.Tr key={k.id}>
                <Table.Td fz="sm" title={absoluteTime(k.startedAt)} style={{ whiteSpace: 'nowrap' }}>
                  {shortDate(k.startedAt)}
                </Table.Td>
                <Table.Td>
                  <Badge variant="light" color={k.converted ? 'teal' : 'orange'}>
                    {k.converted ? 'Ordered' : 'Abandoned'}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <CustomerLink id={k.customerId} name={k.customerName} />
                </Table.Td>
                {num(formatMoney(k.value, k.currency ?? currency))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </>
      );
  }
}

const NOUN: Record<DrillPage['kind'], [string, string]> = {
  orders: ['order', 'orders'],
  customers: ['customer', 'customers'],
  refunds: ['refund', 'refunds'],
  checkouts: ['checkout', 'checkouts'],
};

/** The rows behind a figure, a page at a time, with the whole list as CSV. */
export function DrillDrawer({ request, onClose, currency }: { request: DrillRequest | null; onClose: () => void; currency: string }) {
  const [page, setPage] = useState(1);
  const key = request ? JSON.stringify(request) : '';
  useEffect(() => setPage(1), [key]);
  const drill = useDrill(request, page);
  const mobile = useIsMobile();
  const data = drill.data;
  const pages = data ? Math.max(1, Math.ceil(data.total / DRILL_PAGE_SIZE)) : 1;
  return (
    <Drawer
      opened={!!request}
      onClose={onClose}
      position="right"
      size={mobile ? '100%' : 880}
      title={
        request && (
          <Stack gap={2}>
            <Text fw={650} fz="lg">
              {request.title}
            </Text>
            <Text fz="sm" c="dimmed">
              {rangeLabel(request.from, request.to)}
              {data && ` · ${formatInt(data.total)} ${NOUN[data.kind][data.total === 1 ? 0 : 1]}`}
            </Text>
          </Stack>
        )
      }
    >
      {request && (
        <Stack gap="md">
          <Group justify="flex-end">
            <Button component="a" href={drillCsvUrl(request)} download variant="default" size="xs" leftSection={<IconDownload size={14} />} disabled={!data || data.total === 0}>
              Export CSV
            </Button>
          </Group>
          {drill.isPending ? (
            <Stack gap="xs">
              {Array.from({ length: 8 }, (_, i) => (
                <Skeleton key={i} h={28} />
              ))}
            </Stack>
          ) : drill.isError ? (
            <ErrorState error={drill.error} onRetry={() => void drill.refetch()} />
          ) : data && data.total === 0 ? (
            <Paper withBorder radius="md">
              <Empty icon={<IconListSearch size={24} />} title="Nothing to list" description="No rows stand behind this figure in this range." />
            </Paper>
          ) : data ? (
            <Paper withBorder radius="md" style={{ overflow: 'hidden', opacity: drill.isPlaceholderData ? 0.6 : 1 }}>
              <ScrollArea type="auto">
                <Table miw={640} verticalSpacing="xs" highlightOnHover aria-label={request.title}>
                  <Rows page={data} currency={currency} />
                </Table>
              </ScrollArea>
            </Paper>
          ) : null}
          {data && pages > 1 && (
            <Group justify="space-between">
              <Text fz="xs" c="dimmed">
                {formatInt((page - 1) * DRILL_PAGE_SIZE + 1)}–{formatInt(Math.min(page * DRILL_PAGE_SIZE, data.total))} of {formatInt(data.total)}
              </Text>
              <Pagination size="sm" total={pages} value={page} onChange={setPage} siblings={1} />
            </Group>
          )}
        </Stack>
      )}
    </Drawer>
  );
}
