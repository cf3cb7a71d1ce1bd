import '@mantine/charts/styles.css';
import { BarChart } from '@mantine/charts';
import { Group, Paper, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useNavigate } from '@tanstack/react-router';
import { formatInt, formatMoney } from '../../../lib/money.ts';
import { usePerformance } from './api.ts';
import { pct } from './status.tsx';

const short = (s: string) => (s.length > 18 ? `${s.slice(0, 17)}…` : s);

/** Conversion rate (attributed orders per delivered message) of the latest sent campaigns; a bar opens its report. */
export function ConversionChart() {
  const q = usePerformance();
  const navigate = useNavigate();
  if (q.isPending) return <Skeleton h={300} radius="md" />;
  // The list below shows the error; a chart that failed is just left out.
  if (q.isError || q.data.items.length === 0) return null;
  const { items, currency } = q.data;
  const data = items.map((i) => ({ id: i.id, label: short(i.name), name: i.name, rate: (i.conversionRate ?? 0) * 100, orders: i.orders, sent: i.sent, revenue: i.revenueMinor }));
  const best = items.reduce((b, i) => ((i.conversionRate ?? 0) > (b.conversionRate ?? 0) ? i : b), items[0]!);
  return (
    <Paper withBorder radius="md" p="md">
      <Group justify="space-between" align="flex-start" mb="sm" wrap="wrap" gap="xs">
        <Stack gap={2}>
          <Title order={2} fz="md" fw={600}>
            Conversion rate per campaign
          </Title>
          <Text fz="sm" c="dimmed">
            Orders attributed to each campaign per message delivered, {items.length === 1 ? 'for the campaign sent so far.' : `for the last ${items.length} campaigns sent.`}
          </Text>
        </Stack>
        {(best.conversionRate ?? 0) > 0 && (
          <Text fz="sm" c="dimmed">
            Best: <b>{best.name}</b> at {pct(best.conversionRate)}
          </Text>
        )}
      </Group>
      {items.every((i) => !i.orders) ? (
        <Text fz="sm" c="dimmed" py="xl" ta="center" maw={560} mx="auto">
          No orders have been attributed to {items.length === 1 ? 'this campaign' : 'these campaigns'} yet. An order counts for a campaign when the customer clicked it within the
          attribution window before ordering (set in Email &amp; SMS settings).
        </Text>
      ) : (
        <BarChart
          h={240}
          data={data}
          dataKey="label"
          series={[{ name: 'rate', label: 'Conversion rate', color: 'indigo.6' }]}
          valueFormatter={(v) => `${v.toFixed(v > 0 && v < 0.1 ? 2 : 1)}%`}
          yAxisProps={{ width: 48, tickFormatter: (v: number) => `${Math.round(v * 10) / 10}%` }}
          gridAxis="y"
          tickLine="none"
          maxBarWidth={42}
          tooltipProps={{
            content: ({ payload }) => {
              const p = payload?.[0]?.payload as (typeof data)[number] | undefined;
              if (!p) return null;
              return (
                <Paper px="sm" py={6} withBorder shadow="md" radius="md">
                  <Text fz="sm" fw={600}>
                    {p.name}
                  </Text>
                  <Text fz="xs">
                    {p.rate.toFixed(2)}% · {formatInt(p.orders)} {p.orders === 1 ? 'order' : 'orders'} · {formatMoney(p.revenue, currency)}
                  </Text>
                  <Text fz="xs" c="dimmed">
                    {formatInt(p.sent)} sent
                  </Text>
                </Paper>
              );
            },
          }}
          barProps={{
            cursor: 'pointer',
            onClick: (_: unknown, index: number) => {
              const p = data[index];
              if (p) void navigate({ to: '/campaigns/$id', params: { id: p.id } });
            },
          }}
        />
      )}
    </Paper>
  );
}
