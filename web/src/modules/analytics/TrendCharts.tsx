import { BarChart, LineChart } from '@mantine/charts';
import { Group, Paper, SegmentedControl, Skeleton, Stack, Text, Title } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import { useState } from 'react';
import type { ReactNode } from 'react';
import { ErrorState } from '../../components/ErrorState.tsx';
import { formatInt, formatMoney } from '../../lib/money.ts';
import type { DrillRequest, Series, SeriesPoint } from './api.ts';
import { bucketLabel } from './range.ts';

/** The bucket a chart click landed on (recharts reports its index under one name or another across versions). */
export function clickedIndex(state: unknown): number | null {
  const s = (state ?? {}) as Record<string, unknown>;
  const i = s.activeTooltipIndex ?? s.activeIndex;
  const n = typeof i === 'string' ? Number(i) : i;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : null;
}

export function ChartCard({ title, description, actions, children }: { title: string; description?: ReactNode; actions?: ReactNode; children: ReactNode }) {
  return (
    <Paper withBorder radius="md" p="lg" h="100%">
      <Stack gap="md" h="100%">
        <Group justify="space-between" align="flex-start" wrap="nowrap" gap="sm">
          <div style={{ minWidth: 0 }}>
            <Title order={2} fz="md" fw={600}>
              {title}
            </Title>
            {description && (
              <Text fz="sm" c="dimmed">
                {description}
              </Text>
            )}
          </div>
          {actions && <div style={{ flexShrink: 0 }}>{actions}</div>}
        </Group>
        {children}
      </Stack>
    </Paper>
  );
}

function State({ q, h, children }: { q: UseQueryResult<unknown>; h: number; children: ReactNode }) {
  if (q.isPending) return <Skeleton h={h} />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => void q.refetch()} />;
  return <div style={{ opacity: q.isPlaceholderData ? 0.6 : 1, transition: 'opacity 120ms' }}>{children}</div>;
}

const periodWord = { day: 'day', week: 'week', month: 'month' } as const;

/** Net revenue and orders per bucket, with the previous period's revenue dashed behind. */
export function RevenueChart({ series, currency, onDrill }: { series: UseQueryResult<Series>; currency: string; onDrill: (d: Omit<DrillRequest, 'title'> & { title: string }) => void }) {
  const s = series.data;
  const multiYear = !!s && s.points.length > 0 && s.points[0]!.bucket.slice(0, 4) !== s.points.at(-1)!.bucket.slice(0, 4);
  const data = (s?.points ?? []).map((p, i) => ({
    label: bucketLabel(p.bucket, s!.granularity, multiYear), net: p.netRevenue, orders: p.orders, previous: s!.previous[i]?.netRevenue ?? null,
  }));
  const drill = (p: SeriesPoint | undefined) => p && onDrill({ metric: 'orders', from: p.from, to: p.to, title: `Orders, ${periodWord[s!.granularity]} of ${bucketLabel(p.bucket, s!.granularity, true)}` });
  return (
    <ChartCard title="Revenue and orders" description={s ? `Net revenue and orders per ${periodWord[s.granularity]}; the dashed line is the previous period. Click a point to see its orders.` : 'Net revenue and orders over time.'}>
      <State q={series} h={280}>
        <LineChart
          h={280}
          data={data}
          dataKey="label"
          series={[
            { name: 'net', label: 'Net revenue', color: 'indigo.6' },
            { name: 'previous', label: 'Previous period', color: 'gray.5', strokeDasharray: '5 5' },
            { name: 'orders', label: 'Orders', color: 'teal.5', yAxisId: 'right' },
          ]}
          curveType="monotone"
          withDots={data.length <= 31}
          withLegend
          legendProps={{ verticalAlign: 'bottom', height: 30 }}
          withRightYAxis
          rightYAxisLabel="Orders"
          valueFormatter={(v) => formatMoney(v, currency)}
          yAxisProps={{ width: 72, tickFormatter: (v: number) => formatMoney(v, currency, { compact: true }) }}
          rightYAxisProps={{ width: 48, tickFormatter: (v: number) => formatInt(v) }}
          tooltipProps={{ formatter: (value: number, name: string) => [name === 'Orders' ? formatInt(value) : formatMoney(value, currency), name] }}
          gridAxis="y"
          tickLine="none"
          connectNulls
          lineChartProps={{ onClick: (st: unknown) => drill(s?.points[clickedIndex(st) ?? -1]), style: { cursor: 'pointer' } }}
        />
      </State>
    </ChartCard>
  );
}

/** New and returning customers per bucket (stacked), or their revenue with guests'. */
export function NewReturningChart({ series, currency, onDrill }: { series: UseQueryResult<Series>; currency: string; onDrill: (d: DrillRequest) => void }) {
  const [mode, setMode] = useState<'customers' | 'revenue'>('customers');
  const s = series.data;
  const multiYear = !!s && s.points.length > 0 && s.points[0]!.bucket.slice(0, 4) !== s.points.at(-1)!.bucket.slice(0, 4);
  const data = (s?.points ?? []).map((p) => ({
    label: bucketLabel(p.bucket, s!.granularity, multiYear),
    new: mode === 'customers' ? p.newCustomers : p.newCustomerRevenue,
    returning: mode === 'customers' ? p.returningCustomers : p.returningCustomerRevenue,
    guests: p.guestRevenue,
  }));
  const fmt = (v: number) => (mode === 'customers' ? formatInt(v) : formatMoney(v, currency));
  return (
    <ChartCard
      title="New vs returning"
      description="New: first order ever in the bucket. Returning: had ordered before. Click a bar to list them."
      actions={<SegmentedControl size="xs" value={mode} onChange={(v) => setMode(v as 'customers' | 'revenue')} data={[{ value: 'customers', label: 'Customers' }, { value: 'revenue', label: 'Revenue' }]} aria-label="Show customers or revenue" />}
    >
      <State q={series} h={280}>
        <BarChart
          h={280}
          data={data}
          dataKey="label"
          type="stacked"
          series={[
            { name: 'new', label: 'New', color: 'indigo.6' },
            { name: 'returning', label: 'Returning', color: 'teal.5' },
            ...(mode === 'revenue' ? [{ name: 'guests', label: 'Guest orders', color: 'gray.4' }] : []),
          ]}
          withLegend
          legendProps={{ verticalAlign: 'bottom', height: 30 }}
          valueFormatter={fmt}
          yAxisProps={{ width: 64, tickFormatter: (v: number) => (mode === 'customers' ? formatInt(v) : formatMoney(v, currency, { compact: true })) }}
          gridAxis="y"
          tickLine="none"
          maxBarWidth={36}
          barProps={(b) => ({
            cursor: 'pointer',
            onClick: (_: unknown, index: number) => {
              const p = s?.points[index];
              if (!p) return;
              const when = `${periodWord[s!.granularity]} of ${bucketLabel(p.bucket, s!.granularity, true)}`;
              if (b.name === 'guests') onDrill({ metric: 'guest_orders', from: p.from, to: p.to, title: `Guest orders, ${when}` });
              else if (b.name === 'new') onDrill({ metric: 'new_customers', from: p.from, to: p.to, title: `New customers, ${when}` });
              else onDrill({ metric: 'returning_customers', from: p.from, to: p.to, title: `Returning customers, ${when}` });
            },
          })}
        />
      </State>
    </ChartCard>
  );
}
