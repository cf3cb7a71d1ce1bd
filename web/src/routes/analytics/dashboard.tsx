import '@mantine/charts/styles.css';
import '../../modules/analytics/analytics.css';
import { Alert, Anchor, Button, Grid, Group, Paper, SimpleGrid, Skeleton, Stack, Text } from '@mantine/core';
import { IconChartBar, IconClockHour4, IconCoin, IconFileImport } from '@tabler/icons-react';
import { getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import type { ReactNode } from 'react';
import { Empty } from '../../components/Empty.tsx';
import { ErrorState } from '../../components/ErrorState.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { RequirePermission } from '../../components/RequirePermission.tsx';
import { formatInt, formatMoney } from '../../lib/money.ts';
import {
  useAnalyticsStatus, useBreakdowns, useCohorts, useDashboard, useRoi, useSegmentShares, useSeries, type Dashboard, type DrillMetric, type DrillRequest, type KpiSet, type Status,
} from '../../modules/analytics/api.ts';
import { CacCard, CountriesCard, SegmentsCard, TopCategoriesCard, TopProductsCard } from '../../modules/analytics/BreakdownCards.tsx';
import { CohortCard } from '../../modules/analytics/CohortCard.tsx';
import { DrillDrawer } from '../../modules/analytics/DrillDrawer.tsx';
import { KpiCard, type KpiFormat } from '../../modules/analytics/KpiCard.tsx';
import { dayLabel, presetRange, rangeLabel, staleData, type AnalyticsSearch, type Preset } from '../../modules/analytics/range.ts';
import { RangePicker } from '../../modules/analytics/RangePicker.tsx';
import { RoiCard } from '../../modules/analytics/RoiCard.tsx';
import { NewReturningChart, RevenueChart } from '../../modules/analytics/TrendCharts.tsx';
import { useCan } from '../../modules/session/context.tsx';

const route = getRouteApi('/app/analytics');

export function AnalyticsPage(): ReactNode {
  return (
    <RequirePermission permission="analytics:read">
      <Analytics />
    </RequirePermission>
  );
}

interface CardDef {
  key: keyof KpiSet;
  label: string;
  format: KpiFormat;
  lowerIsBetter?: boolean;
  drill: DrillMetric;
  drillTitle: string;
  /** A line under the figure. */
  detail?: (k: KpiSet, currency: string, d: Dashboard) => ReactNode;
}

const money = (v: number, c: string) => formatMoney(v, c);

const CARDS: CardDef[] = [
  { key: 'netRevenue', label: 'Net revenue', format: 'money', drill: 'orders', drillTitle: 'Orders', detail: (k, c) => `${money(k.grossRevenue, c)} orders − ${money(k.refunds, c)} refunds` },
  { key: 'orders', label: 'Orders', format: 'count', drill: 'orders', drillTitle: 'Orders', detail: (k) => `${formatInt(k.guestOrders)} by guests` },
  { key: 'aov', label: 'Average order value', format: 'money', drill: 'orders', drillTitle: 'Orders' },
  { key: 'customers', label: 'Customers', format: 'count', drill: 'customers', drillTitle: 'Customers who ordered', detail: (k) => `${formatInt(k.newCustomers)} new · ${formatInt(k.returningCustomers)} returning` },
  { key: 'newCustomers', label: 'New customers', format: 'count', drill: 'new_customers', drillTitle: 'New customers', detail: (k, c) => `${money(k.newCustomerRevenue, c)} revenue` },
  { key: 'returningCustomers', label: 'Returning customers', format: 'count', drill: 'returning_customers', drillTitle: 'Returning customers', detail: (k, c) => `${money(k.returningCustomerRevenue, c)} revenue` },
  { key: 'repeatPurchaseRate', label: 'Repeat purchase rate', format: 'percent', drill: 'repeat_customers', drillTitle: 'Customers with two or more orders', detail: (k) => `${formatInt(k.repeatCustomers)} of ${formatInt(k.customers)} customers` },
  { key: 'purchaseFrequency', label: 'Purchase frequency', format: 'decimal', drill: 'customers', drillTitle: 'Customers who ordered', detail: () => 'orders per customer' },
  { key: 'conversionRate', label: 'Conversion rate', format: 'percent', drill: 'converted_sessions', drillTitle: 'Customers with sessions that ended in an order', detail: (k) => `${formatInt(k.convertedSessions)} of ${formatInt(k.sessions)} sessions` },
  { key: 'cartAbandonmentRate', label: 'Cart abandonment', format: 'percent', lowerIsBetter: true, drill: 'abandoned_checkouts', drillTitle: 'Abandoned checkouts', detail: (k) => `${formatInt(k.abandonedCheckouts)} of ${formatInt(k.checkouts)} checkouts` },
  { key: 'refundRate', label: 'Refund rate', format: 'percent', lowerIsBetter: true, drill: 'refunds', drillTitle: 'Refunds and cancellations', detail: (k, c) => `${money(k.refunds, c)} refunded` },
  { key: 'churnRate', label: 'Churn rate', format: 'percent', lowerIsBetter: true, drill: 'churned_customers', drillTitle: 'Customers who did not come back', detail: (k) => `${formatInt(k.churnedCustomers)} of ${formatInt(k.churnBase)} customers of the previous period did not order in this one` },
  { key: 'clv', label: 'Historical CLV', format: 'money', drill: 'clv_customers', drillTitle: 'Customers and what they have spent', detail: (k) => `net spend per customer, ${formatInt(k.clvCustomers)} customers to date` },
  { key: 'cac', label: 'Acquisition cost (CAC)', format: 'money', lowerIsBetter: true, drill: 'new_customers', drillTitle: 'New customers', detail: (k, c) => (k.spend ? `${money(k.spend, c)} spend ÷ ${formatInt(k.newCustomers)} new` : 'no marketing spend entered') },
];

function Analytics() {
  const search = route.useSearch();
  const navigate = useNavigate({ from: '/analytics' });
  const status = useAnalyticsStatus();
  if (status.isPending) return <PageSkeleton />;
  if (status.isError) return <ErrorState error={status.error} onRetry={() => void status.refetch()} />;
  return <Loaded status={status.data} search={search} onSearch={(s) => void navigate({ search: s, replace: true })} />;
}

function Loaded({ status, search, onSearch }: { status: Status; search: AnalyticsSearch; onSearch: (s: AnalyticsSearch) => void }) {
  const can = useCan();
  const stale = staleData(status.today, status.lastOrderDay);
  const anchorMode = search.anchor ?? (stale ? 'data' : 'today');
  const anchor = anchorMode === 'data' && status.lastOrderDay ? status.lastOrderDay : status.today;
  const preset: Preset | 'custom' = search.preset ?? (search.from && search.to ? 'custom' : stale ? '12m' : '30d');
  const range = preset === 'custom' && search.from && search.to ? { from: search.from, to: search.to } : presetRange(preset === 'custom' ? '30d' : preset, anchor);

  const dashboard = useDashboard(range);
  const series = useSeries(range);
  const breakdowns = useBreakdowns(range);
  const cohorts = useCohorts(range);
  const segments = useSegmentShares();
  const roi = useRoi(range, status.messagingAvailable);
  const [drill, setDrill] = useState<DrillRequest | null>(null);
  const currency = status.currency;

  const header = (
    <PageHeader
      title="Analytics"
      description="How the store is doing: revenue, customers and retention over the range you pick, against the period just before. Click any figure to see what is behind it."
      actions={
        <Button variant="default" leftSection={<IconCoin size={16} />} renderRoot={(p) => <Link to="/analytics/spend" {...p} />}>
          Marketing spend
        </Button>
      }
    />
  );

  if (!status.lastOrderDay) {
    return (
      <>
        {header}
        <Paper withBorder radius="md">
          <Empty
            icon={<IconChartBar size={24} />}
            title="No orders yet"
            description="Analytics fill in as orders arrive from your store, an import or the API. To look around first, load the demo store from the home page."
            action={
              <Group gap="sm" justify="center">
                {can('integrations:read') && (
                  <Button variant="default" leftSection={<IconFileImport size={16} />} renderRoot={(p) => <Link to="/settings/import" {...p} />}>
                    Import orders
                  </Button>
                )}
                <Button variant="default" renderRoot={(p) => <Link to="/" {...p} />}>
                  Home
                </Button>
              </Group>
            }
          />
        </Paper>
      </>
    );
  }

  const d = dashboard.data;
  return (
    <>
      {header}
      <Stack gap="lg">
        <Group justify="space-between" align="center" gap="sm" wrap="wrap">
          <RangePicker
            preset={preset}
            from={range.from}
            to={range.to}
            min={status.firstOrderDay}
            onPreset={(p) => onSearch({ preset: p, anchor: search.anchor })}
            onCustom={(from, to) => onSearch({ preset: 'custom', from, to, anchor: search.anchor })}
          />
          <Text fz="sm" c="dimmed">
            {d ? <>Compared with {rangeLabel(d.previousRange.from, d.previousRange.to)} · days in {status.timeZone}</> : <>&nbsp;</>}
          </Text>
        </Group>

        {stale && (
          <Alert variant="light" color={anchorMode === 'data' ? 'indigo' : 'yellow'} icon={<IconClockHour4 size={18} />} p="sm">
            <Group justify="space-between" gap="xs" wrap="wrap">
              <Text fz="sm">
                {anchorMode === 'data'
                  ? <>No orders since {dayLabel(status.lastOrderDay)}: the ranges end on that day, the latest with orders.</>
                  : <>No orders since {dayLabel(status.lastOrderDay)}: ranges ending today are empty.</>}
              </Text>
              <Anchor component="button" fz="sm" onClick={() => onSearch({ preset: search.preset, anchor: anchorMode === 'data' ? 'today' : 'data' })}>
                {anchorMode === 'data' ? 'End ranges today instead' : `End ranges on ${dayLabel(status.lastOrderDay)}`}
              </Anchor>
            </Group>
          </Alert>
        )}

        {dashboard.isError ? (
          <ErrorState error={dashboard.error} onRetry={() => void dashboard.refetch()} />
        ) : (
          <SimpleGrid cols={{ base: 1, xs: 2, md: 3, lg: 4 }} spacing="md" style={{ opacity: dashboard.isPlaceholderData ? 0.6 : 1, transition: 'opacity 120ms' }}>
            {CARDS.map((c) => (
              <KpiCard
                key={c.key}
                label={c.label}
                value={d ? (d.current[c.key] as number | null) : null}
                previous={d ? (d.previous[c.key] as number | null) : null}
                format={c.format}
                currency={currency}
                lowerIsBetter={c.lowerIsBetter}
                definition={d?.definitions[c.key]}
                loading={!d}
                detail={d && c.detail?.(d.current, currency, d)}
                drillLabel={`Show the ${c.drillTitle.toLowerCase()}`}
                onDrill={() => setDrill({ ...range, metric: c.drill, title: c.drillTitle })}
              />
            ))}
            <NoteCard title="How these are counted">
              Money: orders in {currency}, tax and shipping included; cancelled orders never count; refunds count on the day they were given. Churn: customers who ordered in the
              previous period but not in this one. CLV: what customers have actually spent, net of refunds (historical, not predicted). Days in {status.timeZone}.
              {d?.refreshedAt && ` Updated ${new Date(d.refreshedAt).toLocaleTimeString()}.`}
            </NoteCard>
          </SimpleGrid>
        )}

        <Grid gap="md">
          <Grid.Col span={{ base: 12, lg: 7 }}>
            <RevenueChart series={series} currency={currency} onDrill={setDrill} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, lg: 5 }}>
            <NewReturningChart series={series} currency={currency} onDrill={setDrill} />
          </Grid.Col>
          <Grid.Col span={12}>
            <CohortCard q={cohorts} currency={currency} onDrill={setDrill} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 6, lg: 4 }}>
            <TopProductsCard q={breakdowns} range={range} currency={currency} onDrill={setDrill} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 6, lg: 4 }}>
            <TopCategoriesCard q={breakdowns} range={range} currency={currency} onDrill={setDrill} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 6, lg: 4 }}>
            <CountriesCard q={breakdowns} range={range} currency={currency} onDrill={setDrill} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, lg: 7 }}>
            <CacCard q={breakdowns} range={range} currency={currency} canWrite={can('analytics:write')} onDrill={setDrill} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, lg: 5 }}>
            <SegmentsCard q={segments} range={range} onDrill={setDrill} />
          </Grid.Col>
          <Grid.Col span={12}>
            <RoiCard available={status.messagingAvailable} q={roi} canSeeMessaging={can('messaging:read')} />
          </Grid.Col>
        </Grid>
      </Stack>
      <DrillDrawer request={drill} onClose={() => setDrill(null)} currency={currency} />
    </>
  );
}

function NoteCard({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Paper radius="md" p="md" h="100%" bg="var(--patron-surface)" className="patron-note-wide">
      <Stack gap={6}>
        <Text fz="xs" fw={600} c="dimmed" tt="uppercase" style={{ letterSpacing: '0.04em' }}>
          {title}
        </Text>
        <Text fz="sm" c="dimmed">
          {children}
        </Text>
      </Stack>
    </Paper>
  );
}

function PageSkeleton() {
  return (
    <Stack gap="lg">
      <Skeleton h={40} w={240} />
      <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }}>
        {Array.from({ length: 8 }, (_, i) => (
          <Skeleton key={i} h={118} radius="md" />
        ))}
      </SimpleGrid>
      <Skeleton h={320} radius="md" />
    </Stack>
  );
}
