import { Anchor, Box, Button, Grid, Group, Paper, Select, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconFilterOff, IconReceiptOff, IconSearch } from '@tabler/icons-react';
import { getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import { useEffect, useState } from 'react';
import type { ReactNode } from 'react';
import { Empty, NoMatches } from '../../components/Empty.tsx';
import { PagedTable } from '../../components/PagedTable.tsx';
import { FilterChip } from '../../components/FilterChip.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { RequirePermission } from '../../components/RequirePermission.tsx';
import { useIsMobile } from '../../components/useIsMobile.ts';
import { absoluteTime, plural, shortDate } from '../../lib/format.ts';
import { formatInt, formatMoney } from '../../lib/money.ts';
import { useOrders, useProduct } from '../../modules/commerce/api.ts';
import type { OrderStatus } from '../../modules/commerce/api.ts';
import { OrderBadges } from '../../modules/commerce/badges.tsx';
import { dayStart } from '../../modules/customers/filters.ts';
import { CustomerChip } from '../../modules/customers/CustomerChip.tsx';

const route = getRouteApi('/app/orders');

export function OrdersPage(): ReactNode {
  return (
    <RequirePermission permission="commerce:read">
      <Orders />
    </RequirePermission>
  );
}

function Orders() {
  const search = route.useSearch();
  const navigate = useNavigate({ from: '/orders' });
  const [text, setText] = useState(search.q ?? '');
  const [q] = useDebouncedValue(text.trim(), 300);
  const mobile = useIsMobile();

  useEffect(() => {
    if ((search.q ?? '') !== q) void navigate({ search: (s) => ({ ...s, q: q || undefined }), replace: true });
    // Only the debounced text drives the address bar.
  }, [q]);
  useEffect(() => {
    if ((search.q ?? '') !== text.trim()) setText(search.q ?? '');
  }, [search.q]);

  const set = (patch: Partial<typeof search>) => void navigate({ search: (s) => ({ ...s, ...patch }), replace: true });
  const rangeError = search.from && search.to && search.from > search.to ? '“From” must be on or before “To”' : undefined;
  const list = useOrders({
    q: search.q,
    status: search.status,
    customerId: search.customerId,
    productId: search.productId,
    from: rangeError || !search.from ? undefined : dayStart(search.from),
    to: rangeError || !search.to ? undefined : dayStart(search.to, true),
  });
  const orders = list.data?.pages.flatMap((p) => p.items) ?? [];
  const filtered = Boolean(search.q || search.status || search.from || search.to || search.customerId || search.productId);
  const clear = () => {
    setText('');
    void navigate({ search: {}, replace: true });
  };

  return (
    <>
      <PageHeader title="Orders" description="Every order from your store, newest first, with its customer, status and total." />

      <Paper withBorder radius="md" p="md" mb="md">
        <Grid gap="sm">
          <Grid.Col span={{ base: 12, md: 4 }}>
            <TextInput
              label="Search"
              placeholder="Order number or customer email"
              leftSection={<IconSearch size={16} />}
              value={text}
              onChange={(e) => setText(e.currentTarget.value)}
              type="search"
            />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 4, md: 2 }}>
            <Select
              label="Status"
              placeholder="Any status"
              data={[
                { value: 'open', label: 'Open' },
                { value: 'completed', label: 'Completed' },
                { value: 'cancelled', label: 'Cancelled' },
              ]}
              value={search.status ?? null}
              onChange={(v) => set({ status: (v as OrderStatus | null) ?? undefined })}
              clearable
              comboboxProps={{ withinPortal: true }}
            />
          </Grid.Col>
          <Grid.Col span={{ base: 6, sm: 4, md: 3 }}>
            <TextInput label="Placed from" type="date" value={search.from ?? ''} max={search.to} onChange={(e) => set({ from: e.currentTarget.value || undefined })} error={rangeError} />
          </Grid.Col>
          <Grid.Col span={{ base: 6, sm: 4, md: 3 }}>
            <TextInput label="Placed to" type="date" value={search.to ?? ''} min={search.from} onChange={(e) => set({ to: e.currentTarget.value || undefined })} />
          </Grid.Col>
        </Grid>
        {(search.customerId || search.productId || filtered) && (
          <Group justify="space-between" mt="sm" gap="xs">
            <Group gap="xs">
              {search.customerId && <CustomerChip id={search.customerId} onClear={() => set({ customerId: undefined })} />}
              {search.productId && <ProductChip id={search.productId} onClear={() => set({ productId: undefined })} />}
            </Group>
            {filtered && (
              <Button size="compact-sm" variant="subtle" color="gray" leftSection={<IconFilterOff size={14} />} onClick={clear}>
                Clear filters
              </Button>
            )}
          </Group>
        )}
      </Paper>

      <PagedTable
        query={list}
        count={orders.length}
        noun={['order', 'orders']}
        minWidth={{ base: 0, sm: 820 }}
        empty={
          filtered ? (
            <NoMatches title="No orders match" description="Search finds an order by its exact number (or the start of it) or by the customer’s full email address." onClear={clear} />
          ) : (
            <Empty icon={<IconReceiptOff size={24} />} title="No orders yet" description="Orders arrive from your store connection, an import, or the REST API (POST /api/orders)." />
          )
        }
      >
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Order</Table.Th>
            {!mobile && <Table.Th>Customer</Table.Th>}
            {!mobile && <Table.Th>Placed</Table.Th>}
            {!mobile && <Table.Th>Status</Table.Th>}
            {!mobile && <Table.Th ta="right">Items</Table.Th>}
            <Table.Th ta="right">Total</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody style={{ opacity: list.isPlaceholderData ? 0.6 : 1 }}>
          {orders.map((o) => {
            const who = o.customerName ?? o.email;
            return (
              <Table.Tr key={o.id} className="patron-row-clickable" onClick={() => void navigate({ to: '/orders/$id', params: { id: o.id } })}>
                <Table.Td>
                  <Anchor
                    renderRoot={(props) => <Link to="/orders/$id" params={{ id: o.id }} {...props} />}
                    onClick={(e) => e.stopPropagation()}
                    fz="sm"
                    fw={500}
                    className="patron-cell-link"
                  >
                    #{o.number ?? o.externalId}
                  </Anchor>
                  {mobile && (
                    <>
                      {who && (
                        <Text fz="xs" c="dimmed" truncate maw={220}>
                          {who}
                        </Text>
                      )}
                      <Text fz="xs" c="dimmed">
                        {shortDate(o.placedAt)} · {plural(o.itemCount, 'item')}
                      </Text>
                      <Box mt={4}>
                        <OrderBadges status={o.status} financialStatus={o.financialStatus} fulfillmentStatus={o.fulfillmentStatus} />
                      </Box>
                    </>
                  )}
                </Table.Td>
                {!mobile && (
                  <Table.Td maw={240}>
                    {o.customerId ? (
                      <Anchor
                        renderRoot={(props) => <Link to="/customers/$id" params={{ id: o.customerId ?? '' }} {...props} />}
                        onClick={(e) => e.stopPropagation()}
                        fz="sm"
                        c="inherit"
                        className="patron-cell-link"
                        truncate
                        display="block"
                      >
                        {who ?? 'Customer'}
                      </Anchor>
                    ) : (
                      <Text fz="sm" c="dimmed">
                        {who ?? 'Guest'}
                      </Text>
                    )}
                    {o.customerName && o.email && (
                      <Text fz="xs" c="dimmed" truncate>
                        {o.email}
                      </Text>
                    )}
                  </Table.Td>
                )}
                {!mobile && (
                  <Table.Td>
                    <Text fz="sm" title={absoluteTime(o.placedAt)} style={{ whiteSpace: 'nowrap' }}>
                      {shortDate(o.placedAt)}
                    </Text>
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
                <Table.Td className="patron-num">
                  <Text fz="sm" fw={500} span td={o.status === 'cancelled' ? 'line-through' : undefined}>
                    {formatMoney(o.total, o.currency)}
                  </Text>
                  {o.refundedTotal > 0 && (
                    <Text fz="xs" c="orange">
                      −{formatMoney(o.refundedTotal, o.currency)}
                    </Text>
                  )}
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </PagedTable>
    </>
  );
}


function ProductChip({ id, onClear }: { id: string; onClear: () => void }) {
  const p = useProduct(id);
  return <FilterChip label={<>Contains: <strong>{p.data?.title ?? 'this product'}</strong></>} onClear={onClear} />;
}
