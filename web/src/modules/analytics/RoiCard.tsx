import { BarChart } from '@mantine/charts';
import { Anchor, Box, Button, Grid, Group, Paper, Skeleton, Stack, Table, Text } from '@mantine/core';
import { IconMail, IconRoute, IconSend } from '@tabler/icons-react';
import type { UseQueryResult } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import type { YAxisTickContentProps } from 'recharts';
import { ErrorState } from '../../components/ErrorState.tsx';
import { formatInt, formatMoney } from '../../lib/money.ts';
import type { Roi, RoiItem } from './api.ts';
import { ChartCard } from './TrendCharts.tsx';

/** Bars (and table rows) shown: the campaigns and flows with the most attributed revenue. */
const TOP = 10;
const KIND = { campaign: { label: 'Campaign', color: 'indigo.6', css: 'var(--mantine-color-indigo-6)' }, flow: { label: 'Flow', color: 'teal.6', css: 'var(--mantine-color-teal-6)' } } as const;

const pctSmall = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 1 });
const pctLarge = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 0 });

/** ROI as a percentage: (revenue − cost) ÷ cost; a dash without a cost. */
export function formatRoi(v: number | null): string {
  if (v === null) return '—';
  return (Math.abs(v) < 1 ? pctSmall : pctLarge).format(v);
}

const short = (s: string) => (s.length > 24 ? `${s.slice(0, 23)}…` : s);

/** A bar's name on one line (recharts would wrap it), the whole name on hover. */
function NameTick({ x, y, name }: { x: number; y: number; name: string }) {
  return (
    <text x={x - 8} y={y} dy={4} textAnchor="end" fontSize={12} fill="currentColor">
      <title>{name}</title>
      {short(name)}
    </text>
  );
}
const plural = (n: number, one: string) => `${formatInt(n)} ${n === 1 ? one : `${one}s`}`;

function ItemLink({ item }: { item: RoiItem }) {
  if (item.deleted) return <Text fz="sm" c="dimmed" truncate title={item.name}>{item.name}</Text>;
  const link = item.kind === 'campaign'
    ? (p: Record<string, unknown>) => <Link to="/campaigns/$id" params={{ id: item.id }} {...p} />
    : (p: Record<string, unknown>) => <Link to="/flows/$id" params={{ id: item.id }} {...p} />;
  return (
    <Anchor renderRoot={link} fz="sm" fw={500} truncate display="block" title={item.name}>
      {item.name}
    </Anchor>
  );
}

function Figure({ label, value, tone }: { label: string; value: string; tone?: string }) {
  return (
    <Stack gap={0}>
      <Text fz="xs" c="dimmed">
        {label}
      </Text>
      <Text fz="lg" fw={600} c={tone} className="patron-tabular">
        {value}
      </Text>
    </Stack>
  );
}

const roiTone = (v: number | null) => (v === null ? undefined : v < 0 ? 'red.7' : 'teal.7');

function RoiChart({ items, currency }: { items: RoiItem[]; currency: string }) {
  const navigate = useNavigate();
  const data = items.map((i) => ({ ...i, color: KIND[i.kind].color }));
  const open = (i: RoiItem | undefined) => {
    if (!i || i.deleted) return;
    void navigate(i.kind === 'campaign' ? { to: '/campaigns/$id', params: { id: i.id } } : { to: '/flows/$id', params: { id: i.id } });
  };
  return (
    <BarChart
      h={Math.max(120, items.length * 34 + 36)}
      data={data}
      dataKey="id"
      orientation="vertical"
      series={[{ name: 'revenue', label: 'Attributed revenue', color: 'indigo.6' }]}
      valueFormatter={(v) => formatMoney(v, currency)}
      xAxisProps={{ tickFormatter: (v: number) => formatMoney(v, currency, { compact: true }) }}
      yAxisProps={{ width: 184, tick: (t: YAxisTickContentProps) => <NameTick x={Number(t.x)} y={Number(t.y)} name={items.find((i) => i.id === t.payload.value)?.name ?? ''} /> }}
      gridAxis="y"
      tickLine="none"
      maxBarWidth={22}
      tooltipProps={{
        content: ({ payload }) => {
          const p = payload?.[0]?.payload as RoiItem | undefined;
          if (!p) return null;
          return (
            <Paper px="sm" py={6} withBorder shadow="md" radius="md" maw={280}>
              <Text fz="sm" fw={600}>
                {p.name}
              </Text>
              <Text fz="xs" c="dimmed" mb={4}>
                {KIND[p.kind].label}
                {p.deleted ? ' (deleted)' : ''}
              </Text>
              <Text fz="xs">
                {formatMoney(p.revenue, currency)} from {plural(p.orders, 'order')}
              </Text>
              <Text fz="xs">Cost {p.cost ? formatMoney(p.cost, currency) : 'none recorded'}</Text>
              <Text fz="xs" fw={600} c={roiTone(p.roi)}>
                ROI {formatRoi(p.roi)}
              </Text>
            </Paper>
          );
        },
      }}
      barProps={{ cursor: 'pointer', onClick: (_: unknown, index: number) => open(items[index]) }}
    />
  );
}

function RoiTable({ items, currency }: { items: RoiItem[]; currency: string }) {
  return (
    <Table verticalSpacing={6} highlightOnHover fz="sm" layout="fixed">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Campaign or flow</Table.Th>
          <Table.Th ta="right" w={104}>Revenue</Table.Th>
          <Table.Th ta="right" w={84}>Cost</Table.Th>
          <Table.Th ta="right" w={88}>ROI</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {items.map((i) => (
          <Table.Tr key={`${i.kind}:${i.id}`}>
            <Table.Td>
              <Group gap={8} wrap="nowrap">
                <Box w={8} h={8} style={{ borderRadius: 2, flexShrink: 0 }} bg={KIND[i.kind].css} aria-hidden />
                <Box style={{ minWidth: 0 }}>
                  <ItemLink item={i} />
                  <Text fz="xs" c="dimmed">
                    {KIND[i.kind].label} · {plural(i.orders, 'order')}
                  </Text>
                </Box>
              </Group>
            </Table.Td>
            <Table.Td className="patron-num">{formatMoney(i.revenue, currency)}</Table.Td>
            <Table.Td className="patron-num">{i.cost ? formatMoney(i.cost, currency) : '—'}</Table.Td>
            <Table.Td className="patron-num">
              <Text span fz="sm" fw={600} c={roiTone(i.roi)}>
                {formatRoi(i.roi)}
              </Text>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function Note({ icon, children }: { icon: ReactNode; children: ReactNode }) {
  return (
    <Stack align="center" gap="xs" py="lg" c="dimmed">
      {icon}
      <Text fz="sm" ta="center" maw={520}>
        {children}
      </Text>
    </Stack>
  );
}

const windowText = (r: Roi) => {
  const a = r.attribution;
  if (!a) return 'orders placed soon after a click';
  const click = `within ${plural(a.clickDays, 'day')} of a click`;
  return a.openDays ? `${click}, or ${plural(a.openDays, 'day')} of an open,` : click;
};

/**
 * Revenue attributed to each campaign and flow in the range (top 10, a bar each), with cost and ROI
 * in the tooltip and the table beside it. Without messaging it says so, and shows no figures.
 */
export function RoiCard({ available, q, canSeeMessaging }: { available: boolean; q: UseQueryResult<Roi>; canSeeMessaging: boolean }) {
  const r = q.data;
  const title = 'Campaign and flow ROI';
  if (!available) {
    return (
      <ChartCard title={title} description="Revenue attributed to each email campaign and automated flow, against its cost.">
        <Note icon={<IconMail size={28} stroke={1.5} />}>Appears once messaging is set up in Patron: there are no campaigns or flows to measure yet.</Note>
      </ChartCard>
    );
  }
  const description = r
    ? `Orders placed in the range, each credited to the campaign or flow the customer last ${r.attribution ? `clicked (within ${plural(r.attribution.clickDays, 'day')})${r.attribution.openDays ? ` or opened (within ${plural(r.attribution.openDays, 'day')})` : ''}` : 'engaged with'}, against what the messages it sent in the range cost.`
    : 'Revenue attributed to each email campaign and automated flow, against its cost.';
  const top = (r?.items ?? []).slice(0, TOP);
  const earned = top.filter((i) => i.revenue > 0);
  const links = canSeeMessaging && (
    <Group gap="xs" justify="center">
      <Button size="xs" variant="default" leftSection={<IconSend size={14} />} renderRoot={(p) => <Link to="/campaigns" {...p} />}>
        Campaigns
      </Button>
      <Button size="xs" variant="default" leftSection={<IconRoute size={14} />} renderRoot={(p) => <Link to="/flows" {...p} />}>
        Flows
      </Button>
    </Group>
  );
  return (
    <ChartCard title={title} description={description}>
      {q.isPending ? (
        <Skeleton h={260} />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : (
        r && (
          <Stack gap="md" style={{ opacity: q.isPlaceholderData ? 0.6 : 1, transition: 'opacity 120ms' }}>
            {r.items.length > 0 && (
              <Group gap="xl" wrap="wrap">
                <Figure label="Attributed revenue" value={formatMoney(r.totals.revenue, r.currency)} />
                <Figure label="Orders" value={formatInt(r.totals.orders)} />
                <Figure label="Cost" value={r.totals.cost ? formatMoney(r.totals.cost, r.currency) : '—'} />
                <Figure label="ROI" value={formatRoi(r.totals.roi)} tone={roiTone(r.totals.roi)} />
                {r.items.length > TOP && (
                  <Text fz="xs" c="dimmed" ml="auto" style={{ alignSelf: 'flex-end' }}>
                    Top {TOP} of {formatInt(r.items.length)} by revenue
                  </Text>
                )}
              </Group>
            )}
            {earned.length === 0 ? (
              <Stack gap={0}>
                <Note icon={<IconMail size={28} stroke={1.5} />}>
                  {r.items.length ? 'Messages went out in this range, but no orders were attributed to them. ' : 'No orders attributed to a campaign or flow in this range. '}
                  Send a campaign or switch on a flow; orders {windowText(r)} are attributed.
                </Note>
                {links}
              </Stack>
            ) : (
              <Grid gap="lg" align="flex-start">
                <Grid.Col span={{ base: 12, md: 6 }}>
                  <RoiChart items={earned} currency={r.currency} />
                  <Group gap="md" justify="center" mt={4}>
                    {(['campaign', 'flow'] as const).map((k) => (
                      <Group key={k} gap={6}>
                        <Box w={10} h={10} style={{ borderRadius: 3 }} bg={KIND[k].css} aria-hidden />
                        <Text fz="xs" c="dimmed">
                          {KIND[k].label}s
                        </Text>
                      </Group>
                    ))}
                  </Group>
                </Grid.Col>
                <Grid.Col span={{ base: 12, md: 6 }}>
                  <RoiTable items={top} currency={r.currency} />
                </Grid.Col>
              </Grid>
            )}
            {r.items.length > 0 && r.totals.cost === 0 && (
              <Text fz="xs" c="dimmed">
                No cost per message is set, so there is no ROI to show. Set the cost per email and per SMS in{' '}
                <Anchor renderRoot={(p) => <Link to="/settings/messaging" {...p} />} fz="xs">
                  Email &amp; SMS settings
                </Anchor>
                .
              </Text>
            )}
          </Stack>
        )
      )}
    </ChartCard>
  );
}
