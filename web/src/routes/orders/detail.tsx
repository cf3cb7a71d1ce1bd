import { Anchor, Badge, DataList, Divider, Grid, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { IconReceiptOff } from '@tabler/icons-react';
import { getRouteApi, Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { BackLink } from '../../components/BackLink.tsx';
import { DetailStates, NotFound } from '../../components/DetailStates.tsx';
import { RequirePermission } from '../../components/RequirePermission.tsx';
import { useIsMobile } from '../../components/useIsMobile.ts';
import { absoluteTime, shortDate } from '../../lib/format.ts';
import { countryName } from '../../lib/geo.ts';
import { formatMoney } from '../../lib/money.ts';
import { useOrder } from '../../modules/commerce/api.ts';
import type { OrderDetail } from '../../modules/commerce/api.ts';
import { OrderBadges, StatusBadge } from '../../modules/commerce/badges.tsx';
import { OrderLinesTable } from '../../modules/commerce/OrderLines.tsx';
import { CustomerLink } from '../../modules/customers/CustomerLink.tsx';

const route = getRouteApi('/app/orders/$id');

export function OrderPage(): ReactNode {
  return (
    <RequirePermission permission="commerce:read">
      <Order />
    </RequirePermission>
  );
}

function Order() {
  const { id } = route.useParams();
  const order = useOrder(id);
  return (
    <>
      <BackLink to="/orders" label="Orders" />
      <DetailStates query={order} notFound={<NotFound icon={<IconReceiptOff size={24} />} title="No such order" description="There is no order at this address." to="/orders" label="All orders" />}>
        {(o) => <Loaded order={o} />}
      </DetailStates>
    </>
  );
}

function TotalRow({ label, value, strong, color }: { label: string; value: string; strong?: boolean; color?: string }) {
  return (
    <Group justify="space-between" gap="xl" wrap="nowrap">
      <Text fz="sm" fw={strong ? 600 : undefined} c={color ?? (strong ? undefined : 'dimmed')}>
        {label}
      </Text>
      <Text fz="sm" fw={strong ? 650 : undefined} c={color} className="patron-num">
        {value}
      </Text>
    </Group>
  );
}

function addressLines(a: unknown): string[] {
  if (!a || typeof a !== 'object') return [];
  const r = a as Record<string, unknown>;
  const s = (...keys: string[]) => keys.map((k) => r[k]).find((v): v is string => typeof v === 'string' && v.trim() !== '');
  const name = s('name') ?? [s('firstName', 'first_name'), s('lastName', 'last_name')].filter(Boolean).join(' ');
  const country = s('country', 'countryCode', 'country_code');
  return [
    name,
    s('company'),
    s('line1', 'address1', 'address_1'),
    s('line2', 'address2', 'address_2'),
    [s('postalCode', 'zip', 'postcode'), s('city')].filter(Boolean).join(' '),
    s('region', 'province', 'state'),
    country ? (country.length === 2 ? countryName(country) : country) : undefined,
    s('phone'),
  ].filter((x): x is string => Boolean(x));
}

function Loaded({ order: o }: { order: OrderDetail }) {
  const mobile = useIsMobile();
  const m = (v: number) => formatMoney(v, o.currency);
  const address = addressLines(o.shippingAddress);
  const linesTotal = o.lines.reduce((n, l) => n + l.total, 0);

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-end" wrap="wrap" gap="sm">
        <Stack gap={6}>
          <Group gap="sm" wrap="wrap">
            <Title order={1} fz={26} fw={650} style={{ letterSpacing: '-0.01em' }}>
              Order #{o.number ?? o.externalId}
            </Title>
            <OrderBadges status={o.status} financialStatus={o.financialStatus} fulfillmentStatus={o.fulfillmentStatus} />
          </Group>
          <Text fz="sm" c="dimmed">
            Placed {absoluteTime(o.placedAt)} · from {o.source}
          </Text>
        </Stack>
        <Text fz={26} fw={650} className="patron-tabular">
          {m(o.total)}
        </Text>
      </Group>

      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Stack gap="lg">
            <Paper withBorder radius="md" style={{ overflow: 'hidden' }}>
              <Group justify="space-between" px="md" pt="md" pb="xs">
                <Title order={2} fz="md" fw={600}>
                  Items
                </Title>
                <Text fz="sm" c="dimmed" className="patron-tabular">
                  {o.itemCount.toLocaleString()} {o.itemCount === 1 ? 'item' : 'items'}
                </Text>
              </Group>
              <div style={{ overflowX: 'auto' }}>
                <OrderLinesTable lines={o.lines} currency={o.currency} compact={mobile} />
              </div>
              <Stack gap={6} p="md" style={{ borderTop: '1px solid var(--mantine-color-default-border)' }} ml="auto" maw={360}>
                <TotalRow label="Subtotal" value={m(o.subtotal || linesTotal)} />
                {o.discountTotal !== 0 && <TotalRow label={`Discounts${o.discountCodes.length ? ` (${o.discountCodes.join(', ')})` : ''}`} value={`−${m(o.discountTotal)}`} />}
                {o.shippingTotal !== 0 && <TotalRow label="Shipping" value={m(o.shippingTotal)} />}
                {o.taxTotal !== 0 && <TotalRow label="Tax" value={m(o.taxTotal)} />}
                <Divider my={2} />
                <TotalRow label="Total" value={m(o.total)} strong />
                {o.refundedTotal > 0 && (
                  <>
                    <TotalRow label="Refunded" value={`−${m(o.refundedTotal)}`} color="orange" />
                    <TotalRow label="Net" value={m(o.total - o.refundedTotal)} strong />
                  </>
                )}
              </Stack>
            </Paper>

            {o.refunds.length > 0 && (
              <Paper withBorder radius="md" p="md">
                <Title order={2} fz="md" fw={600} mb="sm">
                  Refunds and cancellations
                </Title>
                <Table verticalSpacing="xs" fz="sm">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Date</Table.Th>
                      <Table.Th>Kind</Table.Th>
                      <Table.Th>Reason</Table.Th>
                      <Table.Th ta="right">Amount</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {o.refunds.map((r) => (
                      <Table.Tr key={r.id}>
                        <Table.Td title={absoluteTime(r.refundedAt)} style={{ whiteSpace: 'nowrap' }}>
                          {shortDate(r.refundedAt)}
                        </Table.Td>
                        <Table.Td>
                          <StatusBadge status={r.kind} />
                        </Table.Td>
                        <Table.Td c={r.reason ? undefined : 'dimmed'}>{r.reason ?? '—'}</Table.Td>
                        <Table.Td className="patron-num">{formatMoney(r.amount, r.currency)}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Paper>
            )}
          </Stack>
        </Grid.Col>

        <Grid.Col span={{ base: 12, md: 4 }}>
          <Stack gap="lg">
            <Paper withBorder radius="md" p="md">
              <Title order={2} fz="md" fw={600} mb="sm">
                Customer
              </Title>
              {o.customerId ? (
                <Stack gap={4}>
                  <CustomerLink id={o.customerId} name={o.customerName ?? o.email} />
                  {o.customerName && o.email && (
                    <Text fz="sm" c="dimmed">
                      {o.email}
                    </Text>
                  )}
                  <Anchor renderRoot={(props) => <Link to="/orders" search={{ customerId: o.customerId ?? undefined }} {...props} />} fz="sm" mt={4}>
                    All their orders
                  </Anchor>
                </Stack>
              ) : (
                <Text fz="sm" c="dimmed">
                  {o.email ? `${o.email} (no profile)` : 'A guest without contact details.'}
                </Text>
              )}
            </Paper>

            <Paper withBorder radius="md" p="md">
              <Title order={2} fz="md" fw={600} mb="sm">
                Shipping address
              </Title>
              {address.length ? (
                <Stack gap={0}>
                  {address.map((l, i) => (
                    <Text key={i} fz="sm">
                      {l}
                    </Text>
                  ))}
                </Stack>
              ) : (
                <Text fz="sm" c="dimmed">
                  None was sent with this order.
                </Text>
              )}
            </Paper>

            <Paper withBorder radius="md" p="md">
              <Title order={2} fz="md" fw={600} mb="sm">
                Details
              </Title>
              <DataList size="sm" gap={8} labelWidth={110}>
                <DataList.Item>
                  <DataList.ItemLabel>Source</DataList.ItemLabel>
                  <DataList.ItemValue>{o.source}</DataList.ItemValue>
                </DataList.Item>
                <DataList.Item>
                  <DataList.ItemLabel>External id</DataList.ItemLabel>
                  <DataList.ItemValue>
                    <Text span fz="sm" ff="monospace" style={{ overflowWrap: 'anywhere' }}>
                      {o.externalId}
                    </Text>
                  </DataList.ItemValue>
                </DataList.Item>
                <DataList.Item>
                  <DataList.ItemLabel>Currency</DataList.ItemLabel>
                  <DataList.ItemValue>{o.currency}</DataList.ItemValue>
                </DataList.Item>
                {o.discountCodes.length > 0 && (
                  <DataList.Item>
                    <DataList.ItemLabel>Discount codes</DataList.ItemLabel>
                    <DataList.ItemValue>
                      <Group gap={4}>
                        {o.discountCodes.map((d) => (
                          <Badge key={d} size="sm" variant="outline" color="gray" ff="monospace">
                            {d}
                          </Badge>
                        ))}
                      </Group>
                    </DataList.ItemValue>
                  </DataList.Item>
                )}
                {o.cancelledAt && (
                  <DataList.Item>
                    <DataList.ItemLabel>Cancelled</DataList.ItemLabel>
                    <DataList.ItemValue>{absoluteTime(o.cancelledAt)}</DataList.ItemValue>
                  </DataList.Item>
                )}
                <DataList.Item>
                  <DataList.ItemLabel>Last updated</DataList.ItemLabel>
                  <DataList.ItemValue>{absoluteTime(o.updatedAt)}</DataList.ItemValue>
                </DataList.Item>
              </DataList>
            </Paper>
          </Stack>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
