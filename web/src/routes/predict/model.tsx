import { Alert, Badge, Button, Grid, Group, List, Paper, SegmentedControl, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { IconAlertTriangle, IconCrystalBall, IconInfoCircle, IconPlayerPlay, IconRefresh } from '@tabler/icons-react';
import { useState, type ReactNode } from 'react';
import { Empty } from '../../components/Empty.tsx';
import { ErrorState } from '../../components/ErrorState.tsx';
import { notifyError, notifySuccess } from '../../components/notify.tsx';
import { PagedTable } from '../../components/PagedTable.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { PageSkeleton } from '../../components/PageSkeleton.tsx';
import { RequirePermission } from '../../components/RequirePermission.tsx';
import { Stat, StatGroup } from '../../components/StatCard.tsx';
import { TimeAgo } from '../../components/TimeAgo.tsx';
import { shortDate } from '../../lib/format.ts';
import { formatInt, formatMoney } from '../../lib/money.ts';
import { CHURN_COLOR, CHURN_LABEL, orders, pct, useClvDiagnostics, useClvOverview, useFitClv, useTopClv, type ClvModel, type ClvOverview } from '../../modules/predict/clv/api.ts';
import { ChartCard, ConditionalChart, FrequencyHistogram, TrackingChart } from '../../modules/predict/clv/ClvCharts.tsx';
import { CustomerLink } from '../../modules/customers/CustomerLink.tsx';
import { useCan } from '../../modules/session/context.tsx';

type Unit = 'week' | 'day';
const day = (d: string) => shortDate(`${d}T00:00:00Z`);
const num = (v: number) => (v >= 1000 ? formatInt(Math.round(v)) : v >= 10 ? v.toFixed(2) : v.toPrecision(3));

export function ClvModelPage(): ReactNode {
  return (
    <RequirePermission permission="predict:read">
      <ClvPage />
    </RequirePermission>
  );
}

function ClvPage() {
  const overview = useClvOverview();
  const can = useCan();
  const writable = can('predict:write');
  const fit = useFitClv();
  const o = overview.data;
  const [unit, setUnit] = useState<Unit | null>(null);
  const u: Unit = unit ?? o?.scoring?.unit ?? 'week';
  const refit = () =>
    fit.mutate({ unit: u, horizonMonths: o?.scoring?.horizonMonths, discountRate: o?.scoring?.discountRate }, {
      onSuccess: (m) => (m.status === 'fitted'
        ? notifySuccess(`Scored ${formatInt(m.scored)} customers in ${(m.durationMs / 1000).toFixed(1)} s.`, 'Models fitted')
        : notifyError(new Error(m.reason ?? 'Too little data'), 'No model')),
      onError: (e) => notifyError(e, 'Could not fit the models'),
    });

  return (
    <>
      <PageHeader
        title="Lifetime value & churn"
        description="How often each customer will buy again and how much they are worth, from two published models fitted on your own orders: BG/NBD for purchases, Gamma-Gamma for order values. Refitted every night; checked against what actually happened below."
        actions={writable && (
          <>
            <SegmentedControl aria-label="Time unit" value={u} onChange={(v) => setUnit(v as Unit)} data={[{ value: 'week', label: 'Weeks' }, { value: 'day', label: 'Days' }]} />
            <Button leftSection={<IconRefresh size={16} />} onClick={refit} loading={fit.isPending} loaderProps={{ type: 'dots' }}>
              Refit now
            </Button>
          </>
        )}
      />
      {overview.isPending ? (
        <PageSkeleton />
      ) : overview.isError ? (
        <ErrorState error={overview.error} onRetry={() => void overview.refetch()} />
      ) : !o!.scoring ? (
        <Paper withBorder radius="md">
          <Empty
            icon={<IconCrystalBall size={24} />}
            title="No model yet"
            description="The models are fitted every night from your orders. Fit them now to see every customer’s churn risk and predicted value."
            action={writable ? <Button onClick={refit} loading={fit.isPending}>Fit the models</Button> : undefined}
          />
        </Paper>
      ) : (
        <Body o={o!} unit={u} writable={writable} />
      )}
    </>
  );
}

function Body({ o, unit, writable }: { o: ClvOverview; unit: Unit; writable: boolean }) {
  const m = o.scoring!;
  const diag = useClvDiagnostics(m.status === 'fitted' ? m.id : undefined);
  return (
    <Stack gap="lg">
      <StatGroup>
        <Stat label="Customers" value={formatInt(m.customers)} hint={`${formatInt(m.repeatCustomers)} bought again`} />
        <Stat label="Purchases" value={formatInt(m.transactions)} hint="same day = one" />
        <Stat label="Scored" value={formatInt(m.scored)} />
        <Stat label="Calibration to" value={day(m.calibrationEnd)} hint={`in ${m.unit}s`} />
        <Stat label="Fitted" value={<TimeAgo date={m.createdAt} />} hint={`${(m.durationMs / 1000).toFixed(1)} s`} />
      </StatGroup>
      {m.status !== 'fitted' && (
        <Alert color="yellow" variant="light" icon={<IconAlertTriangle size={18} />} title="No predictions yet">
          {m.reason}
        </Alert>
      )}
      <Warnings model={m} />
      {m.status === 'fitted' && (
        <>
          <Grid>
            <Grid.Col span={{ base: 12, md: 6 }}>
              <PurchaseModel m={m} />
            </Grid.Col>
            <Grid.Col span={{ base: 12, md: 6 }}>
              <SpendModel m={m} />
            </Grid.Col>
          </Grid>
          <ChartCard title="How often customers bought" description="Customers by the number of repeat purchases they made up to the calibration end, and how many the fitted model expects. Close bars mean the model describes your customers well.">
            {diag.data ? <FrequencyHistogram d={diag.data} /> : diag.isError ? <ErrorState error={diag.error} onRetry={() => void diag.refetch()} /> : <Text c="dimmed" fz="sm">Loading…</Text>}
          </ChartCard>
        </>
      )}
      <Validation o={o} unit={unit} writable={writable} />
      {m.status === 'fitted' && <TopCustomers />}
    </Stack>
  );
}

function Warnings({ model }: { model: ClvModel }) {
  const all = [...model.warnings, ...(model.spendReason ? [model.spendReason] : [])];
  if (!all.length) return null;
  return (
    <Alert color="gray" variant="light" icon={<IconInfoCircle size={18} />} title="Worth knowing">
      <List size="sm" spacing={2}>
        {all.map((w) => <List.Item key={w}>{w}</List.Item>)}
      </List>
    </Alert>
  );
}

function ParamTable({ rows }: { rows: { name: string; value: number; se: number | null | undefined; meaning: string }[] }) {
  return (
    <Table.ScrollContainer minWidth={440}>
      <Table fz="sm" verticalSpacing={6}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Parameter</Table.Th>
            <Table.Th ta="right">Estimate</Table.Th>
            <Table.Th ta="right">Std. error</Table.Th>
            <Table.Th>Meaning</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((r) => (
            <Table.Tr key={r.name}>
              <Table.Td ff="monospace">{r.name}</Table.Td>
              <Table.Td ta="right" ff="monospace">{num(r.value)}</Table.Td>
              <Table.Td ta="right" ff="monospace" c="dimmed">{r.se === null || r.se === undefined ? '—' : num(r.se)}</Table.Td>
              <Table.Td c="dimmed">{r.meaning}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function PurchaseModel({ m }: { m: ClvModel }) {
  const bg = m.bgnbd!;
  const p = bg.params;
  return (
    <Paper withBorder radius="md" p="md" h="100%">
      <Group justify="space-between" mb={4}>
        <Title order={3} fz="md">Purchase model (BG/NBD)</Title>
        <Text fz="sm" c="dimmed">log-likelihood {bg.logLik.toFixed(1)}</Text>
      </Group>
      <Text fz="sm" c="dimmed" mb="xs">
        An active customer buys {(p.r / p.alpha).toPrecision(2)} times a {m.unit} on average; after each purchase {Math.round((p.a / (p.a + p.b)) * 100)}% of customers stop for good.
      </Text>
      <ParamTable rows={[
        { name: 'r', value: p.r, se: bg.se?.r, meaning: 'How alike purchase rates are (small: very different)' },
        { name: 'α', value: p.alpha, se: bg.se?.alpha, meaning: `Scale of purchase rates, in ${m.unit}s` },
        { name: 'a', value: p.a, se: bg.se?.a, meaning: 'Drop-out after a purchase: with b, mean a/(a+b)' },
        { name: 'b', value: p.b, se: bg.se?.b, meaning: 'Drop-out spread (large a and b: all alike)' },
      ]} />
    </Paper>
  );
}

function SpendModel({ m }: { m: ClvModel }) {
  const gg = m.gammaGamma;
  if (!gg) {
    return (
      <Paper withBorder radius="md" p="md" h="100%">
        <Title order={3} fz="md" mb={4}>Spend model (Gamma-Gamma)</Title>
        <Text fz="sm" c="dimmed">{m.spendReason ?? 'Not fitted.'}</Text>
      </Paper>
    );
  }
  const p = gg.params;
  return (
    <Paper withBorder radius="md" p="md" h="100%">
      <Group justify="space-between" mb={4}>
        <Title order={3} fz="md">Spend model (Gamma-Gamma)</Title>
        <Text fz="sm" c="dimmed">log-likelihood {gg.logLik.toFixed(1)}</Text>
      </Group>
      <Text fz="sm" c="dimmed" mb="xs">
        Fitted on {formatInt(gg.customers)} repeat customers’ repeat orders: a typical customer’s orders average {formatMoney(Math.round(gg.populationMean * 100), m.currency)}.
      </Text>
      <ParamTable rows={[
        { name: 'p', value: p.p, se: gg.se?.p, meaning: 'How much one customer’s orders vary (large: steady)' },
        { name: 'q', value: p.q, se: gg.se?.q, meaning: 'How alike customers’ average orders are' },
        { name: 'γ', value: p.gamma, se: gg.se?.gamma, meaning: `Scale of average orders, in ${m.currency}` },
      ]} />
    </Paper>
  );
}

/** Split the history at a day of the person's choosing, fit on the part before it and compare with what followed. */
function Validation({ o, unit, writable }: { o: ClvOverview; unit: Unit; writable: boolean }) {
  const fit = useFitClv();
  const range = o.dataRange;
  const suggested = range ? suggest(range.first, range.last) : '';
  const [until, setUntil] = useState<string>('');
  const chosen = until || o.evaluation?.calibrationEnd || suggested;
  const ev = o.evaluation;
  const diag = useClvDiagnostics(ev?.status === 'fitted' ? ev.id : undefined);
  const run = () => fit.mutate({ until: chosen, unit }, { onError: (e) => notifyError(e, 'Could not run the check') });
  return (
    <Paper withBorder radius="md" p="md">
      <Stack gap="sm">
        <div>
          <Title order={3} fz="md">Check the model against what happened</Title>
          <Text fz="sm" c="dimmed">
            Fit on the orders up to a day you choose (the calibration period) and compare its predictions with the orders after it (the holdout). Your customers’ predictions are not changed.
          </Text>
        </div>
        {range ? (
          <Group align="flex-end" gap="sm">
            <TextInput type="date" label="Calibration ends" value={chosen} min={range.first} max={range.last} onChange={(e) => setUntil(e.currentTarget.value)} w={200} />
            {writable && (
              <Button variant="default" leftSection={<IconPlayerPlay size={16} />} onClick={run} loading={fit.isPending} disabled={!chosen}>
                Run the check
              </Button>
            )}
            <Text fz="xs" c="dimmed">Orders from {day(range.first)} to {day(range.last)}</Text>
          </Group>
        ) : (
          <Text fz="sm" c="dimmed">No orders yet.</Text>
        )}
        {ev && ev.status !== 'fitted' && <Alert color="yellow" variant="light" icon={<IconAlertTriangle size={18} />}>{ev.reason}</Alert>}
        {ev && ev.status === 'fitted' && diag.data && (
          <>
            <Text fz="sm">
              Calibration {range ? day(range.first) : ''} – {day(ev.calibrationEnd)} ({formatInt(ev.customers)} customers), holdout of {formatInt(diag.data.holdoutDays)} days to {ev.holdoutEnd ? day(ev.holdoutEnd) : '—'}, in {ev.unit}s.
            </Text>
            <Grid>
              <Grid.Col span={{ base: 12, lg: 7 }}>
                <ChartCard title="Repeat purchases over time" description="All repeat purchases so far, actual and as the model expects them from each customer’s first purchase on. Right of the red line is the holdout the model never saw.">
                  <TrackingChart d={diag.data} />
                </ChartCard>
              </Grid.Col>
              <Grid.Col span={{ base: 12, lg: 5 }}>
                <ChartCard title="Holdout purchases by past frequency" description="Average purchases per customer in the holdout, grouped by how often they bought before: actual against the model’s conditional expectation.">
                  {diag.data.conditional.length ? <ConditionalChart d={diag.data} /> : <Text fz="sm" c="dimmed">No holdout: pick an earlier day.</Text>}
                </ChartCard>
              </Grid.Col>
            </Grid>
          </>
        )}
      </Stack>
    </Paper>
  );
}

/** Two thirds of the way through the history: enough to fit on, enough left to check against. */
function suggest(first: string, last: string): string {
  const a = Date.parse(`${first}T00:00:00Z`);
  const b = Date.parse(`${last}T00:00:00Z`);
  return new Date(a + Math.round(((b - a) * 2) / 3 / 86_400_000) * 86_400_000).toISOString().slice(0, 10);
}

function TopCustomers() {
  const top = useTopClv();
  const items = top.data?.pages.flatMap((p) => p.items) ?? [];
  const currency = top.data?.pages[0]?.currency ?? 'USD';
  return (
    <Stack gap="xs">
      <Title order={3} fz="md">Highest predicted value</Title>
      <PagedTable query={top} count={items.length} minWidth={760} noun={['customer', 'customers']} empty={<Empty icon={<IconCrystalBall size={24} />} title="Nobody scored yet" description="Customers appear here once the spend model is fitted." />}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Customer</Table.Th>
            <Table.Th ta="right">Predicted value</Table.Th>
            <Table.Th ta="right">Expected order</Table.Th>
            <Table.Th ta="right">Orders next 12 mo.</Table.Th>
            <Table.Th ta="right">Active</Table.Th>
            <Table.Th>Churn risk</Table.Th>
            <Table.Th>Next order</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((c) => (
            <Table.Tr key={c.id}>
              <Table.Td>
                <CustomerLink id={c.id} name={c.name} />
                <Text fz="xs" c="dimmed">{formatInt(c.orders)} orders{c.lastOrderAt ? `, last ${shortDate(c.lastOrderAt)}` : ''}</Text>
              </Table.Td>
              <Table.Td ta="right" fw={600}>{formatMoney(c.clv, currency)}</Table.Td>
              <Table.Td ta="right">{formatMoney(c.expectedAov, currency)}</Table.Td>
              <Table.Td ta="right">{orders(c.expectedOrders365)}</Table.Td>
              <Table.Td ta="right">{pct(c.pAlive)}</Table.Td>
              <Table.Td><Badge variant="light" color={CHURN_COLOR[c.churnRisk]}>{CHURN_LABEL[c.churnRisk]}</Badge></Table.Td>
              <Table.Td>{c.nextOrderOn ? day(c.nextOrderOn) : '—'}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </PagedTable>
    </Stack>
  );
}
