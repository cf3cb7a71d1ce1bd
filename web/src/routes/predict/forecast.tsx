import { Alert, Badge, Button, Grid, Group, Paper, Select, SegmentedControl, Stack, Switch, Table, Text, TextInput, Title, Tooltip } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconAlertTriangle, IconChartLine, IconRefresh, IconSearch, IconUpload } from '@tabler/icons-react';
import { getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import { useState, type ReactNode } from 'react';
import { Empty } from '../../components/Empty.tsx';
import { ErrorState } from '../../components/ErrorState.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { PagedTable } from '../../components/PagedTable.tsx';
import { PageSkeleton } from '../../components/PageSkeleton.tsx';
import { RequirePermission } from '../../components/RequirePermission.tsx';
import { Stat, StatGroup } from '../../components/StatCard.tsx';
import { notifyError, notifySuccess } from '../../components/notify.tsx';
import { formatInt } from '../../lib/money.ts';
import { useCan } from '../../modules/session/context.tsx';
import { formatCover, formatParams, METHOD_LABEL, RISK_LABEL, useForecastList, useForecastOverview, useRecompute, useSeries, type Overview, type SeriesKind, type SeriesSummary } from '../../modules/predict/forecast/api.ts';
import { ForecastChart, ForecastLegend } from '../../modules/predict/forecast/ForecastChart.tsx';
import { StockUploadModal } from '../../modules/predict/forecast/StockUploadModal.tsx';

const route = getRouteApi('/app/predict/forecast');

const pct = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${v.toFixed(1)}%`);
const units = (v: number) => (v >= 100 ? formatInt(Math.round(v)) : (Math.round(v * 10) / 10).toLocaleString());
const weekDay = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
const fmtWeek = (w: string | null) => (w ? weekDay.format(new Date(`${w}T00:00:00Z`)) : '—');
const month = new Intl.DateTimeFormat(undefined, { month: 'short', year: 'numeric' });
const fmtMonth = (w: string | null) => (w ? month.format(new Date(`${w}T00:00:00Z`)) : '—');

export function ForecastPage(): ReactNode {
  return (
    <RequirePermission permission="predict:read">
      <Forecast />
    </RequirePermission>
  );
}

function Forecast() {
  const overview = useForecastOverview();
  const can = useCan();
  const [uploading, setUploading] = useState(false);
  const [horizon, setHorizon] = useState<string | null>(null);
  const recompute = useRecompute();
  const o = overview.data;
  const h = Number(horizon ?? o?.run?.horizon ?? 12);
  const start = () =>
    recompute.mutate(h, {
      onSuccess: () => notifySuccess(`Recomputing the forecast for the next ${h} weeks. This page updates when it is done.`),
      onError: (e) => notifyError(e, 'Could not start the forecast'),
    });

  const actions = can('predict:write') && (
    <>
      <Select aria-label="Horizon" w={130} data={['4', '8', '12', '16', '26', '52'].map((v) => ({ value: v, label: `${v} weeks` }))} value={String(h)} onChange={setHorizon} allowDeselect={false} />
      <Button variant="default" leftSection={<IconRefresh size={16} />} onClick={start} loading={recompute.isPending || o?.running}>
        {o?.running ? 'Computing…' : 'Recompute'}
      </Button>
      <Button leftSection={<IconUpload size={16} />} onClick={() => setUploading(true)}>
        Upload stock levels
      </Button>
    </>
  );

  return (
    <>
      <PageHeader
        title="Demand forecast"
        description="Weekly units per product, category and for the whole store, forecast by exponential smoothing, intermittent-demand methods or last week repeated — whichever did best on earlier weeks — and checked against the last 8 weeks of sales. Give stock levels to see what will run short."
        actions={actions}
      />
      <StockUploadModal opened={uploading} onClose={() => setUploading(false)} />
      {overview.isPending ? (
        <PageSkeleton />
      ) : overview.isError ? (
        <ErrorState error={overview.error} onRetry={() => void overview.refetch()} />
      ) : !o!.run ? (
        <Paper withBorder radius="md">
          <Empty
            icon={<IconChartLine size={24} />}
            title={o!.running ? 'Computing the first forecast…' : 'No forecast yet'}
            description={o!.lastFailure ? `The last attempt failed: ${o!.lastFailure}` : 'The forecast is computed every Monday from the orders of the past weeks, or now if you ask for it.'}
            action={can('predict:write') && !o!.running ? <Button onClick={start}>Compute the forecast</Button> : undefined}
          />
        </Paper>
      ) : (
        <Loaded o={o!} />
      )}
    </>
  );
}

function Loaded({ o }: { o: Overview }) {
  const run = o.run!;
  const s = run.summary;
  const search = route.useSearch();
  const navigate = useNavigate();
  const kind: SeriesKind = search.kind ?? 'store';
  const key = kind === 'store' ? 'all' : (search.key ?? (kind === 'category' ? (o.categories[0] ?? null) : null));
  const select = (k: SeriesKind, id?: string) => void navigate({ to: '/predict/forecast', search: { kind: k, key: id }, replace: true });

  if (run.weeks === 0) {
    return (
      <Paper withBorder radius="md">
        <Empty icon={<IconChartLine size={24} />} title="No complete week of orders yet" description="The forecast needs at least one complete week of orders (and 4 weeks since a product’s first sale to forecast it). Import orders or connect the store, then recompute." />
      </Paper>
    );
  }
  return (
    <Stack gap="lg">
      {o.lastFailure && (
        <Alert color="red" icon={<IconAlertTriangle size={18} />} title="The latest recompute failed">
          {o.lastFailure} The figures below are from the run before.
        </Alert>
      )}
      <StatGroup cols={{ base: 2, sm: 3, lg: 6 }}>
        <Stat label="History" value={`${run.weeks} weeks`} hint={`${fmtMonth(run.firstWeek)} – ${fmtMonth(run.lastWeek)}`} />
        <Stat label="Horizon" value={`${run.horizon} weeks`} hint={`Computed ${fmtWeek(run.finishedAt?.slice(0, 10) ?? null)}`} />
        <Stat label="Whole store" value={pct(s?.accuracy.store.smape)} hint={`sMAPE · naive ${pct(s?.accuracy.store.naiveSmape)}`} />
        <Stat label="Regular sellers" value={pct(s?.accuracy.regular.smape)} hint={`sMAPE · naive ${pct(s?.accuracy.regular.naiveSmape)}`} />
        <Stat label="Products forecast" value={formatInt(s?.counts.ok ?? 0)} hint={s?.counts.tooLittleHistory ? `${formatInt(s.counts.tooLittleHistory)} with too little history` : 'All with enough history'} />
        <Stat label="Flagged for stock" value={formatInt(o.flagged)} hint={o.stockLevels ? `of ${formatInt(o.stockLevels)} with stock levels` : 'No stock levels given'} />
      </StatGroup>

      <Paper withBorder radius="md" p="md">
        <Group justify="space-between" mb="sm" wrap="wrap" gap="sm">
          <SegmentedControl
            value={kind}
            onChange={(v) => select(v as SeriesKind)}
            data={[
              { value: 'store', label: 'Whole store' },
              { value: 'category', label: 'Category', disabled: o.categories.length === 0 },
              { value: 'product', label: 'Product', disabled: kind !== 'product' },
            ]}
          />
          {kind === 'category' && <Select aria-label="Category" w={240} searchable data={o.categories} value={key} onChange={(v) => v && select('category', v)} allowDeselect={false} />}
        </Group>
        {kind === 'product' && !key ? (
          <Text fz="sm" c="dimmed" py="xl" ta="center">
            Pick a product in the table below.
          </Text>
        ) : (
          <SeriesPanel kind={kind} id={key} />
        )}
      </Paper>

      <Grid gap="lg">
        <Grid.Col span={{ base: 12, xl: 7 }}>
          <AtRisk onPick={(id) => select('product', id)} hasStock={o.stockLevels > 0} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, xl: 5 }}>
          <AccuracyCard o={o} />
        </Grid.Col>
      </Grid>
      <AllSeries onPick={(id) => select('product', id)} />
    </Stack>
  );
}

function SeriesPanel({ kind, id }: { kind: SeriesKind; id: string | null }) {
  const q = useSeries(kind, id);
  const [backtest, setBacktest] = useState(false);
  if (q.isPending) return <Paper h={340} />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => void q.refetch()} />;
  const d = q.data;
  if (!d) return null;
  return (
    <Stack gap="sm">
      <Group justify="space-between" align="flex-start" wrap="wrap" gap="sm">
        <Stack gap={2} style={{ minWidth: 0 }}>
          <Title order={2} fz="lg" fw={600}>
            {d.kind === 'product' && d.productId ? (
              <Link to="/products/$id" params={{ id: d.productId }}>
                {d.label}
              </Link>
            ) : (
              d.label
            )}
          </Title>
          <Text fz="sm" c="dimmed">
            {d.status === 'ok' ? (
              <>
                {METHOD_LABEL[d.method ?? ''] ?? d.method}
                {d.params ? ` (${formatParams(d.params)})` : ''} · expected {units(d.forecastUnits)} units over {d.forecast.length} weeks
              </>
            ) : (
              d.reason
            )}
          </Text>
        </Stack>
        {d.status === 'ok' && (
          <Group gap="lg">
            <Tooltip label={d.naiveKind === 'seasonal-naive' ? 'Seasonal naive: each week = the same week a year earlier' : 'Naive: every week = the last week before (a year of history is needed for the seasonal one)'} multiline w={260}>
              <Stack gap={0} align="flex-end">
                <Text fz="xs" c="dimmed" tt="uppercase" fw={600}>
                  sMAPE, last 8 weeks
                </Text>
                <Text fz="sm" className="patron-tabular">
                  {d.smape === null ? 'not enough history' : `${pct(d.smape)} model · ${pct(d.naiveSmape)} naive`}
                </Text>
              </Stack>
            </Tooltip>
            {d.backtest && <Switch label="Show backtest" checked={backtest} onChange={(e) => setBacktest(e.currentTarget.checked)} />}
          </Group>
        )}
      </Group>
      {d.history.length > 0 ? (
        <>
          <ForecastChart series={d} showBacktest={backtest} />
          <ForecastLegend showBacktest={backtest} />
        </>
      ) : (
        <Text fz="sm" c="dimmed" py="xl" ta="center">
          No weekly sales to show.
        </Text>
      )}
      {d.stock && <StockLine s={d} />}
    </Stack>
  );
}

function StockLine({ s }: { s: SeriesSummary }) {
  const st = s.stock!;
  const r = RISK_LABEL[st.risk];
  return (
    <Group gap="sm">
      <Badge color={r.color} variant="light">
        {r.label}
      </Badge>
      <Text fz="sm">
        {formatInt(st.quantity)} in stock · {units(st.demandOverLeadTime)} expected over the {st.leadTimeWeeks}-week lead time (up to {units(st.demandOverLeadTimeUpper)})
        {st.weeksOfCover !== null && ` · ${formatCover(st.weeksOfCover)} weeks of cover`}
      </Text>
    </Group>
  );
}

function AccuracyCard({ o }: { o: Overview }) {
  const a = o.run!.summary?.accuracy;
  if (!a) return null;
  const rows: [string, typeof a.store, string][] = [
    ['Whole store', a.store, 'One series: all units'],
    ['Categories', a.category, 'Mean over categories'],
    ['Regular sellers', a.regular, 'Sold in half the weeks or more'],
    ['Intermittent', a.intermittent, 'Mostly zero weeks'],
    ['All products', a.product, 'Mean over products'],
  ];
  return (
    <Paper withBorder radius="md" p="md" h="100%">
      <Title order={2} fz="md" fw={600}>
        Accuracy on the last {o.run!.holdout} weeks
      </Title>
      <Text fz="sm" c="dimmed" mb="sm">
        Each series uses the method — the baseline itself included — that did best on its earlier weeks; here chosen and fitted on the weeks before, forecast, compared with what sold (sMAPE: lower is better, 0–200%). “Same”: the baseline was chosen. Baseline: {o.run!.summary?.naiveKind === 'seasonal-naive' ? 'the same week a year earlier' : 'the last week repeated (less than a year of history for a seasonal one)'}.
      </Text>
      <Table.ScrollContainer minWidth={380} type="native">
      <Table fz="sm" verticalSpacing={6}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Series</Table.Th>
            <Table.Th ta="right">Model</Table.Th>
            <Table.Th ta="right">Naive</Table.Th>
            <Table.Th ta="right">Model better</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map(([label, r, hint]) => (
            <Table.Tr key={label}>
              <Table.Td>
                <Text fz="sm">{label}</Text>
                <Text fz="xs" c="dimmed">
                  {hint}
                </Text>
              </Table.Td>
              <Table.Td className="patron-num" fw={r.smape !== null && r.naiveSmape !== null && r.smape < r.naiveSmape ? 600 : undefined}>
                {pct(r.smape)}
              </Table.Td>
              <Table.Td className="patron-num">{pct(r.naiveSmape)}</Table.Td>
              <Table.Td className="patron-num">{r.backtested ? `${formatInt(r.beatsNaive)} of ${formatInt(r.backtested)}${r.tiesNaive ? ` (${formatInt(r.tiesNaive)} same)` : ''}` : '—'}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      </Table.ScrollContainer>
    </Paper>
  );
}

function AtRisk({ onPick, hasStock }: { onPick: (id: string) => void; hasStock: boolean }) {
  const q = useForecastList({ kind: 'product', risk: 'flagged' }, hasStock);
  const items = q.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack gap="xs">
      <Title order={2} fz="md" fw={600}>
        Products likely to run short
      </Title>
      {!hasStock ? (
        <Paper withBorder radius="md">
          <Empty icon={<IconUpload size={24} />} title="No stock levels yet" description="Upload stock levels (CSV with sku and quantity) or send them to PUT /api/predict/stock to see which products will run out before they can be restocked." />
        </Paper>
      ) : (
        <PagedTable query={q} count={items.length} noun={['product', 'products']} rows={5} minWidth={{ base: 0, sm: 0 }} empty={<Empty icon={<IconChartLine size={24} />} title="Nothing flagged" description="Every product with a stock level has enough for its lead time." />}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Product</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th ta="right">In stock</Table.Th>
              <Table.Th ta="right">Demand in lead time</Table.Th>
              <Table.Th ta="right">Cover (wk)</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((i) => (
              <Table.Tr key={i.key} onClick={() => onPick(i.key)} style={{ cursor: 'pointer' }}>
                <Table.Td maw={220}>
                  <Text fz="sm" truncate title={i.label}>
                    {i.label}
                  </Text>
                  <Text fz="xs" c="dimmed" ff="monospace">
                    {i.sku}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Badge color={RISK_LABEL[i.stock!.risk].color} variant="light">
                    {RISK_LABEL[i.stock!.risk].label}
                  </Badge>
                </Table.Td>
                <Table.Td className="patron-num">{formatInt(i.stock!.quantity)}</Table.Td>
                <Table.Td className="patron-num">
                  {units(i.stock!.demandOverLeadTime)}
                  <Text fz="xs" c="dimmed">
                    in {i.stock!.leadTimeWeeks} weeks
                  </Text>
                </Table.Td>
                <Table.Td className="patron-num">{formatCover(i.stock!.weeksOfCover)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </PagedTable>
      )}
    </Stack>
  );
}

function AllSeries({ onPick }: { onPick: (id: string) => void }) {
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 250);
  const list = useForecastList({ kind: 'product', risk: 'any', q });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack gap="xs">
      <Group justify="space-between" wrap="wrap">
        <Title order={2} fz="md" fw={600}>
          Products by expected demand
        </Title>
        <TextInput aria-label="Search products" placeholder="Title or SKU" leftSection={<IconSearch size={14} />} value={search} onChange={(e) => setSearch(e.currentTarget.value)} w={260} />
      </Group>
      <PagedTable query={list} count={items.length} noun={['product', 'products']} minWidth={{ base: 0, sm: 720 }} empty={<Empty icon={<IconSearch size={24} />} title={q ? 'No product matches' : 'No products forecast'} description={q ? 'Search covers the title and SKU.' : 'Products appear here once they have sold.'} />}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Product</Table.Th>
            <Table.Th ta="right">Last 8 weeks</Table.Th>
            <Table.Th ta="right">Forecast</Table.Th>
            <Table.Th ta="right">sMAPE model</Table.Th>
            <Table.Th ta="right">sMAPE naive</Table.Th>
            <Table.Th>Stock</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((i) => (
            <Table.Tr key={i.key} onClick={() => onPick(i.key)} style={{ cursor: 'pointer' }}>
              <Table.Td maw={320}>
                <Text fz="sm" truncate>
                  {i.label}
                </Text>
                <Text fz="xs" c="dimmed">
                  {i.sku} · {i.status === 'ok' ? (METHOD_LABEL[i.method ?? ''] ?? i.method) : i.reason}
                </Text>
              </Table.Td>
              <Table.Td className="patron-num">{units(i.recentUnits)}</Table.Td>
              <Table.Td className="patron-num">{i.status === 'ok' ? units(i.forecastUnits) : '—'}</Table.Td>
              <Table.Td className="patron-num" fw={i.smape !== null && i.naiveSmape !== null && i.smape < i.naiveSmape ? 600 : undefined}>
                {pct(i.smape)}
              </Table.Td>
              <Table.Td className="patron-num">{pct(i.naiveSmape)}</Table.Td>
              <Table.Td>
                {i.stock ? (
                  <Badge color={RISK_LABEL[i.stock.risk].color} variant="light">
                    {RISK_LABEL[i.stock.risk].label}
                  </Badge>
                ) : (
                  <Text fz="xs" c="dimmed">
                    —
                  </Text>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </PagedTable>
    </Stack>
  );
}
