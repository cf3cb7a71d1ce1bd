import { DonutChart, LineChart } from '@mantine/charts';
import { Anchor, Box, Button, Group, Skeleton, Stack, Table, Text, UnstyledButton } from '@mantine/core';
import { IconCoin, IconPlus } from '@tabler/icons-react';
import type { UseQueryResult } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { ErrorState } from '../../components/ErrorState.tsx';
import { countryName } from '../../lib/geo.ts';
import { formatInt, formatMoney } from '../../lib/money.ts';
import type { Breakdowns, DrillRequest, Range, SegmentShares } from './api.ts';
import { monthLabel } from './range.ts';
import { ChartCard, clickedIndex } from './TrendCharts.tsx';

interface BarItem {
  key: string;
  label: string;
  value: number;
  hint?: string;
  onClick?: () => void;
}

/** Labelled horizontal bars, largest first; each row opens what is behind it. */
function BarList({ items, format, color = 'indigo' }: { items: BarItem[]; format: (v: number) => string; color?: string }) {
  const max = Math.max(1, ...items.map((i) => i.value));
  return (
    <Stack gap={6}>
      {items.map((i) => (
        <UnstyledButton key={i.key} onClick={i.onClick} className="patron-barlist-row" title={i.hint ? `${i.label} · ${i.hint}` : i.label} aria-label={`${i.label}: ${format(i.value)}${i.hint ? `, ${i.hint}` : ''}. Show its orders`}>
          <Box pos="relative" px="xs" py={6} style={{ borderRadius: 6, overflow: 'hidden' }}>
            <Box pos="absolute" top={0} left={0} bottom={0} w={`${(i.value / max) * 100}%`} bg={`var(--mantine-color-${color}-light)`} style={{ borderRadius: 6 }} />
            <Group pos="relative" justify="space-between" wrap="nowrap" gap="sm">
              <Text fz="sm" truncate style={{ minWidth: 0 }}>
                {i.label}
              </Text>
              <Text fz="sm" fw={600} className="patron-tabular" style={{ whiteSpace: 'nowrap' }}>
                {format(i.value)}
              </Text>
            </Group>
          </Box>
        </UnstyledButton>
      ))}
    </Stack>
  );
}

function Loading({ q, h, empty, children }: { q: UseQueryResult<unknown>; h: number; empty?: ReactNode; children: ReactNode }) {
  if (q.isPending) return <Skeleton h={h} />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => void q.refetch()} />;
  if (empty) return <Stack justify="center" align="center" mih={h / 2} c="dimmed">{empty}</Stack>;
  return <div style={{ opacity: q.isPlaceholderData ? 0.6 : 1 }}>{children}</div>;
}

const emptyText = (t: string) => (
  <Text fz="sm" c="dimmed" ta="center" maw={360}>
    {t}
  </Text>
);

export function TopProductsCard({ q, range, currency, onDrill }: { q: UseQueryResult<Breakdowns>; range: Range; currency: string; onDrill: (d: DrillRequest) => void }) {
  const items = (q.data?.products ?? []).map((p) => ({
    key: p.key, label: p.title, value: p.revenue, hint: `${formatInt(p.quantity)} sold`,
    onClick: () => onDrill({ ...range, metric: 'orders', product: p.key, title: `Orders with ${p.title}` }),
  }));
  return (
    <ChartCard title="Top products" description="By revenue of their order lines in the range.">
      <Loading q={q} h={300} empty={q.data && !items.length ? emptyText('No products sold in this range.') : undefined}>
        <BarList items={items} format={(v) => formatMoney(v, currency)} />
      </Loading>
    </ChartCard>
  );
}

export function TopCategoriesCard({ q, range, currency, onDrill }: { q: UseQueryResult<Breakdowns>; range: Range; currency: string; onDrill: (d: DrillRequest) => void }) {
  const items = (q.data?.categories ?? []).map((c) => ({
    key: c.category, label: c.category, value: c.revenue, hint: `${formatInt(c.quantity)} sold`,
    onClick: () => onDrill({ ...range, metric: 'orders', category: c.category, title: `Orders with a product in ${c.category}` }),
  }));
  return (
    <ChartCard title="Top categories" description="Revenue of products in each category (a product in two categories counts in both).">
      <Loading q={q} h={300} empty={q.data && !items.length ? emptyText('Products have no categories yet. Categories come with products from your store (or the products API).') : undefined}>
        <BarList items={items} format={(v) => formatMoney(v, currency)} color="grape" />
      </Loading>
    </ChartCard>
  );
}

export function CountriesCard({ q, range, currency, onDrill }: { q: UseQueryResult<Breakdowns>; range: Range; currency: string; onDrill: (d: DrillRequest) => void }) {
  const all = q.data?.countries ?? [];
  const items = all.slice(0, 10).map((c) => ({
    key: c.country || '-', label: c.country ? countryName(c.country) : 'Unknown country', value: c.revenue, hint: `${formatInt(c.orders)} orders`,
    onClick: () => onDrill({ ...range, metric: 'orders', country: c.country, title: `Orders from ${c.country ? countryName(c.country) : 'an unknown country'}` }),
  }));
  return (
    <ChartCard title="Sales by country" description={`Shipping country, else the customer’s.${all.length > 10 ? ` Top 10 of ${all.length}.` : ''}`}>
      <Loading q={q} h={300} empty={q.data && !items.length ? emptyText('No orders in this range.') : undefined}>
        <BarList items={items} format={(v) => formatMoney(v, currency)} color="teal" />
      </Loading>
    </ChartCard>
  );
}

/** CAC per month (overall and per channel with spend), and the channels' new customers, spend and CAC. */
export function CacCard({ q, range, currency, canWrite, onDrill }: { q: UseQueryResult<Breakdowns>; range: Range; currency: string; canWrite: boolean; onDrill: (d: DrillRequest) => void }) {
  const d = q.data;
  const hasSpend = !!d && d.channels.some((c) => c.spend > 0);
  const channels = d ? [...new Set(d.cac.flatMap((m) => Object.keys(m.byChannel)))] : [];
  const colors = ['teal.5', 'grape.5', 'orange.5', 'cyan.5', 'pink.5', 'lime.6'];
  const data = (d?.cac ?? []).map((m) => ({ label: monthLabel(m.month), all: m.cac, ...Object.fromEntries(channels.map((c) => [c, m.byChannel[c] ?? null])) }));
  const addSpend = (
    <Button size="xs" variant="default" leftSection={<IconPlus size={14} />} renderRoot={(p) => <Link to="/analytics/spend" {...p} />}>
      {canWrite ? 'Enter spend' : 'Marketing spend'}
    </Button>
  );
  return (
    <ChartCard title="Customer acquisition cost" description="Marketing spend ÷ new customers, per month and channel (first-touch UTM source, else the order’s source)." actions={addSpend}>
      <Loading q={q} h={260}>
        {!hasSpend ? (
          <Stack align="center" gap="xs" py="lg" c="dimmed">
            <IconCoin size={28} stroke={1.5} />
            <Text fz="sm" ta="center" maw={420}>
              No marketing spend in this range. Enter what you spent per channel and month (or import a CSV) to see CAC; channel names match UTM sources such as google or facebook.
            </Text>
          </Stack>
        ) : (
          <LineChart
            h={220}
            data={data}
            dataKey="label"
            series={[{ name: 'all', label: 'All channels', color: 'indigo.6' }, ...channels.map((c, i) => ({ name: c, label: c, color: colors[i % colors.length]! }))]}
            curveType="monotone"
            withLegend
            legendProps={{ verticalAlign: 'bottom', height: 30 }}
            valueFormatter={(v) => formatMoney(v, currency)}
            yAxisProps={{ width: 72, tickFormatter: (v: number) => formatMoney(v, currency, { compact: true }) }}
            gridAxis="y"
            tickLine="none"
            connectNulls
            lineChartProps={{
              onClick: (st: unknown) => {
                const m = d?.cac[clickedIndex(st) ?? -1];
                if (m) onDrill({ metric: 'new_customers', from: m.month < range.from ? range.from : m.month, to: monthEndOf(m.month, range.to), title: `New customers, ${monthLabel(m.month)}` });
              },
              style: { cursor: 'pointer' },
            }}
          />
        )}
        {d && d.channels.length > 0 && (
          <Table mt="sm" verticalSpacing={6} highlightOnHover fz="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Channel</Table.Th>
                <Table.Th ta="right">New customers</Table.Th>
                <Table.Th ta="right">Spend</Table.Th>
                <Table.Th ta="right">CAC</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {d.channels.slice(0, 8).map((c) => (
                <Table.Tr key={c.channel}>
                  <Table.Td>
                    <Anchor component="button" fz="sm" onClick={() => onDrill({ ...range, metric: 'new_customers', channel: c.channel, title: `New customers from ${c.channel}` })}>
                      {c.channel}
                    </Anchor>
                  </Table.Td>
                  <Table.Td className="patron-num">{formatInt(c.newCustomers)}</Table.Td>
                  <Table.Td className="patron-num">{c.spend ? formatMoney(c.spend, currency) : '—'}</Table.Td>
                  <Table.Td className="patron-num">{c.cac === null ? '—' : formatMoney(c.cac, currency)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Loading>
    </ChartCard>
  );
}

function monthEndOf(month: string, cap: string): string {
  const d = new Date(`${month.slice(0, 7)}-01T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + 1, 0);
  const end = d.toISOString().slice(0, 10);
  return end > cap ? cap : end;
}

const SEGMENT_COLORS = ['indigo.6', 'teal.5', 'grape.5', 'orange.5', 'cyan.6', 'pink.5', 'lime.6', 'yellow.6'];

/** Members of the largest segments as shares of all their memberships (segments overlap, so this is not a split of customers). */
export function SegmentsCard({ q, range, onDrill }: { q: UseQueryResult<SegmentShares>; range: Range; onDrill: (d: DrillRequest) => void }) {
  const s = q.data;
  const top = (s?.items ?? []).filter((i) => i.members > 0).slice(0, 8);
  const total = top.reduce((a, i) => a + i.members, 0);
  return (
    <ChartCard title="Segment shares" description={s?.available ? `Members of your largest segments (a customer can be in several). ${formatInt(s.customers)} customers in all.` : 'Members per segment.'}>
      <Loading q={q} h={260} empty={s && (!s.available || !top.length) ? emptyText(s.available ? 'No segment has members yet.' : 'Segments are not available in this installation.') : undefined}>
        <Group wrap="nowrap" align="center" gap="lg">
          <DonutChart
            size={150}
            thickness={24}
            data={top.map((i, k) => ({ name: i.name, value: i.members, color: SEGMENT_COLORS[k % SEGMENT_COLORS.length]! }))}
            valueFormatter={(v) => formatInt(v)}
            withTooltip
            tooltipDataSource="segment"
            pieProps={{ cursor: 'pointer', onClick: (_: unknown, index: number) => top[index] && onDrill({ ...range, metric: 'clv_customers', segment: top[index].id, title: `Members of ${top[index].name}` }) }}
          />
          <Stack gap={4} style={{ flex: 1, minWidth: 0 }}>
            {top.map((i, k) => (
              <UnstyledButton key={i.id} onClick={() => onDrill({ ...range, metric: 'clv_customers', segment: i.id, title: `Members of ${i.name}` })} className="patron-barlist-row">
                <Group gap={8} wrap="nowrap" px={6} py={2}>
                  <Box w={10} h={10} style={{ borderRadius: 3, flexShrink: 0 }} bg={`var(--mantine-color-${SEGMENT_COLORS[k % SEGMENT_COLORS.length]!.replace('.', '-')})`} />
                  <Text fz="sm" truncate style={{ flex: 1, minWidth: 0 }} title={i.name}>
                    {i.name}
                  </Text>
                  <Text fz="xs" c="dimmed" className="patron-tabular">
                    {Math.round((i.members / total) * 100)}%
                  </Text>
                  <Text fz="sm" fw={600} className="patron-tabular">
                    {formatInt(i.members)}
                  </Text>
                </Group>
              </UnstyledButton>
            ))}
          </Stack>
        </Group>
      </Loading>
    </ChartCard>
  );
}
