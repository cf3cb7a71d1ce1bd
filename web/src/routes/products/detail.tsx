import { Anchor, Badge, Button, Grid, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { IconExternalLink, IconPackageOff, IconReceipt } from '@tabler/icons-react';
import { getRouteApi, Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { BackLink } from '../../components/BackLink.tsx';
import { TableCard } from '../../components/DataTable.tsx';
import { DetailStates, NotFound } from '../../components/DetailStates.tsx';
import { ErrorState } from '../../components/ErrorState.tsx';
import { RequirePermission } from '../../components/RequirePermission.tsx';
import { Stat, StatGroup } from '../../components/StatCard.tsx';
import { absoluteTime, shortDate } from '../../lib/format.ts';
import { formatInt, formatMoney } from '../../lib/money.ts';
import { useOrders, useProduct } from '../../modules/commerce/api.ts';
import type { ProductDetail } from '../../modules/commerce/api.ts';
import { OrderBadges, StatusBadge } from '../../modules/commerce/badges.tsx';
import { useStoreSettings } from '../../modules/store/api.ts';
import { ProductThumb } from '../../modules/commerce/ProductThumb.tsx';
import { ProductRecsSection } from '../../modules/predict/recs/ProductRecsSection.tsx';
import { ProductForecastCard } from '../../modules/predict/forecast/ProductForecastCard.tsx';
import { useCan } from '../../modules/session/context.tsx';

const route = getRouteApi('/app/products/$id');

export function ProductPage(): ReactNode {
  return (
    <RequirePermission permission="commerce:read">
      <Product />
    </RequirePermission>
  );
}

function Product() {
  const { id } = route.useParams();
  const product = useProduct(id);
  return (
    <>
      <BackLink to="/products" label="Products" />
      <DetailStates query={product} notFound={<NotFound icon={<IconPackageOff size={24} />} title="No such product" description="There is no product at this address." to="/products" label="All products" />}>
        {(p) => <Loaded product={p} />}
      </DetailStates>
    </>
  );
}

function Loaded({ product: p }: { product: ProductDetail }) {
  const store = useStoreSettings();
  const currency = p.currency ?? store.data?.currency ?? null;
  // Revenue is summed over order lines, which are in the store currency.
  const storeCurrency = store.data?.currency ?? currency;
  const safeUrl = p.url && /^https?:\/\//i.test(p.url) ? p.url : null;
  const canPredict = useCan()('predict:read');

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-start" wrap="wrap" gap="md">
        <Group gap="md" wrap="nowrap" align="flex-start" style={{ flex: '1 1 360px', minWidth: 0 }}>
          <ProductThumb url={p.imageUrl} title={p.title} size={72} />
          <Stack gap={6} style={{ minWidth: 0 }}>
            <Title order={1} fz={26} fw={650} style={{ letterSpacing: '-0.01em', overflowWrap: 'anywhere' }}>
              {p.title}
            </Title>
            <Group gap="xs" wrap="wrap">
              <StatusBadge status={p.status} variant="dot" />
              {p.sku && (
                <Text fz="sm" c="dimmed" ff="monospace">
                  SKU {p.sku}
                </Text>
              )}
              {p.vendor && (
                <Text fz="sm" c="dimmed">
                  · {p.vendor}
                </Text>
              )}
            </Group>
            {p.categories.length > 0 && (
              <Group gap={4}>
                {p.categories.map((c) => (
                  <Badge key={c} size="sm" variant="light" color="gray" renderRoot={(props) => <Link to="/products" search={{ category: c }} {...props} />} style={{ cursor: 'pointer' }}>
                    {c}
                  </Badge>
                ))}
              </Group>
            )}
          </Stack>
        </Group>
        <Group gap="sm">
          {safeUrl && (
            <Button component="a" href={safeUrl} target="_blank" rel="noreferrer" variant="default" rightSection={<IconExternalLink size={14} />}>
              View in store
            </Button>
          )}
          <Button leftSection={<IconReceipt size={16} />} renderRoot={(props) => <Link to="/orders" search={{ productId: p.id }} {...props} />}>
            Orders with this product
          </Button>
        </Group>
      </Group>

      <StatGroup cols={{ base: 2, sm: 3, lg: 5 }}>
        <Stat label="Price" value={p.price === null ? '—' : formatMoney(p.price, currency)} />
        <Stat label="Orders" value={formatInt(p.sales.orders)} hint="Excluding cancelled" />
        <Stat label="Units sold" value={formatInt(Number(p.sales.units))} />
        <Stat label="Revenue" value={formatMoney(Number(p.sales.revenue), storeCurrency)} />
        <Stat label="Customers" value={formatInt(p.sales.customers)} />
      </StatGroup>

      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Stack gap="xs">
            <Title order={2} fz="md" fw={600}>
              Variants
            </Title>
            {p.variants.length === 0 ? (
              <Paper withBorder radius="md" p="md">
                <Text fz="sm" c="dimmed">
                  This product has no variants.
                </Text>
              </Paper>
            ) : (
              <TableCard minWidth={{ base: 0, sm: 480 }}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Variant</Table.Th>
                    <Table.Th>SKU</Table.Th>
                    <Table.Th ta="right">Price</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {p.variants.map((v) => (
                    <Table.Tr key={v.id}>
                      <Table.Td fz="sm">{v.title}</Table.Td>
                      <Table.Td>
                        <Text fz="xs" ff="monospace" c={v.sku ? undefined : 'dimmed'}>
                          {v.sku ?? '—'}
                        </Text>
                      </Table.Td>
                      <Table.Td className="patron-num" fz="sm">
                        {v.price === null ? '—' : formatMoney(v.price, currency)}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </TableCard>
            )}
            <RecentOrders productId={p.id} />
            {canPredict && <ProductRecsSection productId={p.id} />}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Paper withBorder radius="md" p="md">
            <Title order={2} fz="md" fw={600} mb="sm">
              Details
            </Title>
            <Stack gap={8}>
              <Detail label="Source" value={p.source} />
              <Detail label="External id" value={p.externalId} mono />
              <Detail label="Currency" value={p.currency ?? '—'} />
              <Detail label="Added" value={shortDate(p.createdAt)} title={absoluteTime(p.createdAt)} />
              <Detail label="Updated" value={shortDate(p.updatedAt)} title={absoluteTime(p.updatedAt)} />
              {safeUrl && (
                <Group justify="space-between" gap="sm" wrap="nowrap">
                  <Text fz="sm" c="dimmed">
                    Page
                  </Text>
                  <Anchor href={safeUrl} target="_blank" rel="noreferrer" fz="sm" truncate maw={200}>
                    {safeUrl.replace(/^https?:\/\//, '')}
                  </Anchor>
                </Group>
              )}
            </Stack>
          </Paper>
          {canPredict && <ProductForecastCard productId={p.id} />}
        </Grid.Col>
      </Grid>
    </Stack>
  );
}

function Detail({ label, value, mono, title }: { label: string; value: string; mono?: boolean; title?: string }) {
  return (
    <Group justify="space-between" gap="sm" wrap="nowrap">
      <Text fz="sm" c="dimmed">
        {label}
      </Text>
      <Text fz="sm" ff={mono ? 'monospace' : undefined} title={title} ta="right" style={{ overflowWrap: 'anywhere' }}>
        {value}
      </Text>
    </Group>
  );
}

/** The latest orders that contain the product, with a link to all of them. */
function RecentOrders({ productId }: { productId: string }) {
  const orders = useOrders({ productId });
  const list = orders.data?.pages[0]?.items.slice(0, 8) ?? [];
  return (
    <Stack gap="xs" mt="md">
      <Group justify="space-between">
        <Title order={2} fz="md" fw={600}>
          Recent orders
        </Title>
        {list.length > 0 && (
          <Anchor renderRoot={(props) => <Link to="/orders" search={{ productId }} {...props} />} fz="sm">
            See all
          </Anchor>
        )}
      </Group>
      {orders.isPending ? (
        <Paper withBorder radius="md" p="md">
          <Text fz="sm" c="dimmed">
            Loading…
          </Text>
        </Paper>
      ) : orders.isError ? (
        <ErrorState error={orders.error} onRetry={() => void orders.refetch()} />
      ) : list.length === 0 ? (
        <Paper withBorder radius="md" p="md">
          <Text fz="sm" c="dimmed">
            No order contains this product yet.
          </Text>
        </Paper>
      ) : (
        <TableCard minWidth={{ base: 0, sm: 480 }}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Order</Table.Th>
              <Table.Th>Placed</Table.Th>
              <Table.Th visibleFrom="sm">Status</Table.Th>
              <Table.Th ta="right">Total</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.map((o) => (
              <Table.Tr key={o.id}>
                <Table.Td>
                  <Anchor renderRoot={(props) => <Link to="/orders/$id" params={{ id: o.id }} {...props} />} fz="sm" fw={500}>
                    #{o.number ?? o.externalId}
                  </Anchor>
                  <Text fz="xs" c="dimmed" truncate maw={220}>
                    {o.customerName ?? o.email ?? 'Guest'}
                  </Text>
                </Table.Td>
                <Table.Td fz="sm" style={{ whiteSpace: 'nowrap' }} title={absoluteTime(o.placedAt)}>
                  {shortDate(o.placedAt)}
                </Table.Td>
                <Table.Td visibleFrom="sm">
                  <OrderBadges status={o.status} financialStatus={null} fulfillmentStatus={null} />
                </Table.Td>
                <Table.Td className="patron-num" fz="sm">
                  {formatMoney(o.total, o.currency)}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </TableCard>
      )}
    </Stack>
  );
}
