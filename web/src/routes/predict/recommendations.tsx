import { Alert, Badge, Button, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { IconInfoCircle, IconRefresh, IconSparkles } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { TableCard } from '../../components/DataTable.tsx';
import { Empty } from '../../components/Empty.tsx';
import { ErrorState } from '../../components/ErrorState.tsx';
import { notifyError, notifySuccess } from '../../components/notify.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { PageSkeleton } from '../../components/PageSkeleton.tsx';
import { RequirePermission } from '../../components/RequirePermission.tsx';
import { Stat, StatGroup } from '../../components/StatCard.tsx';
import { TimeAgo } from '../../components/TimeAgo.tsx';
import { absoluteTime, shortDate } from '../../lib/format.ts';
import { formatInt } from '../../lib/money.ts';
import { useRebuildRecs, useRecsOverview, type RecsOverview } from '../../modules/predict/recs/api.ts';
import { useCan } from '../../modules/session/context.tsx';

const TRIGGERS: Record<string, string> = { nightly: 'nightly', manual: 'by hand', demo: 'demo store', api: 'API' };
type Latest = NonNullable<RecsOverview['latest']>;
type Row = NonNullable<Latest['evaluation']>['rows'][number];

export function RecommendationsPage(): ReactNode {
  return (
    <RequirePermission permission="predict:read">
      <Recommendations />
    </RequirePermission>
  );
}

function Recommendations() {
  const overview = useRecsOverview();
  const can = useCan();
  const rebuild = useRebuildRecs();
  const o = overview.data;
  const run = () =>
    rebuild.mutate(undefined, {
      onSuccess: (r) => notifySuccess(r.detail, 'Rebuilding recommendations'),
      onError: (e) => notifyError(e, 'Could not start a rebuild'),
    });
  return (
    <>
      <PageHeader
        title="Product recommendations"
        description="Products to suggest to each customer, beside each product and in carts and emails: learnt every night from who bought (and viewed) what, and checked against what customers really bought next."
        actions={
          can('predict:write') && (
            <Button leftSection={<IconRefresh size={16} />} onClick={run} loading={rebuild.isPending || o?.building} loaderProps={{ type: 'dots' }}>
              Rebuild now
            </Button>
          )
        }
      />
      {overview.isPending ? (
        <PageSkeleton />
      ) : overview.isError ? (
        <ErrorState error={overview.error} onRetry={() => void overview.refetch()} />
      ) : !o?.latest ? (
        <Paper withBorder radius="md">
          <Empty icon={<IconSparkles size={24} />} title="Not built yet" description="Recommendations are built every night at 02:45 UTC from your orders, cart adds and product views. Rebuild now to see them right away." />
        </Paper>
      ) : (
        <Loaded latest={o.latest} builds={o.builds} />
      )}
    </>
  );
}

function Loaded({ latest: m, builds }: { latest: Latest; builds: RecsOverview['builds'] }) {
  const s = m.stats;
  return (
    <Stack gap="lg">
      <StatGroup cols={{ base: 2, sm: 3, lg: 6 }}>
        <Stat label="Built" value={<TimeAgo date={m.builtAt} fz="lg" fw={600} />} hint={`${TRIGGERS[m.trigger] ?? m.trigger}, in ${(m.durationMs / 1000).toFixed(1)} s`} />
        <Stat label="Orders learnt from" value={formatInt(s.orders)} hint={`${formatInt(s.interactions)} lines, views, adds`} />
        <Stat label="Products" value={formatInt(s.products)} hint={`${formatInt(s.productsWithNeighbours)} with neighbours`} />
        <Stat label="Bought together" value={formatInt(s.boughtTogetherRules)} hint="Rules kept" />
        <Stat label="Replenishable" value={formatInt(s.replenishable)} hint="Offered again" />
        <Stat label="Repurchase rate" value={`${(s.meanRepurchaseRate * 100).toFixed(0)}%`} hint="Bought it again" />
      </StatGroup>
      {s.reason && (
        <Alert variant="light" color="yellow" icon={<IconInfoCircle size={16} />}>
          {s.reason}
        </Alert>
      )}
      <Stack gap="xs">
        <Title order={2} fz="md" fw={600}>
          How good are they?
        </Title>
        {m.evaluation ? (
          <>
            <Text fz="sm" c="dimmed" maw={820}>
              A backtest on your own orders: the model learnt from everything before {shortDate(m.evaluation.split)}, then each customer’s top 10 was compared with what they bought after.
              Hit-rate is the share of customers who bought at least one of their ten; recall the share of what they bought that was in the ten; NDCG also rewards putting it near the top.
              Best-sellers (the same ten for everyone) and a plain item-to-item model are the yardsticks.
            </Text>
            <EvalTable title={`Customers who had bought before (${formatInt(m.evaluation.testCustomers - m.evaluation.coldCustomers)})`} rows={m.evaluation.warmRows} />
            <EvalTable title={`All customers who bought in the test period (${formatInt(m.evaluation.testCustomers)}, ${formatInt(m.evaluation.coldCustomers)} of them new)`} rows={m.evaluation.rows} />
          </>
        ) : (
          <Paper withBorder radius="md" p="md">
            <Text fz="sm" c="dimmed">
              Not measured: the store needs customers who bought both before and during the last 30 days of its history.
            </Text>
          </Paper>
        )}
      </Stack>
      <Stack gap="xs">
        <Title order={2} fz="md" fw={600}>
          Recent builds
        </Title>
        <TableCard minWidth={{ base: 0, sm: 560 }}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Built</Table.Th>
              <Table.Th>Trigger</Table.Th>
              <Table.Th ta="right">Orders</Table.Th>
              <Table.Th ta="right">Products</Table.Th>
              <Table.Th ta="right">Duration</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {builds.map((b) => (
              <Table.Tr key={b.id}>
                <Table.Td fz="sm" title={absoluteTime(b.builtAt)}>
                  {shortDate(b.builtAt)} <TimeAgo date={b.builtAt} c="dimmed" fz="xs" />
                </Table.Td>
                <Table.Td>
                  <Badge size="sm" variant="light" color={b.status === 'built' ? 'teal' : 'gray'}>
                    {TRIGGERS[b.trigger] ?? b.trigger}
                  </Badge>
                </Table.Td>
                <Table.Td className="patron-num" fz="sm">
                  {formatInt(b.stats.orders)}
                </Table.Td>
                <Table.Td className="patron-num" fz="sm">
                  {formatInt(b.stats.products)}
                </Table.Td>
                <Table.Td className="patron-num" fz="sm">
                  {(b.durationMs / 1000).toFixed(1)} s
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </TableCard>
      </Stack>
    </Stack>
  );
}

const METHOD_LABEL: Record<string, string> = { 'recommender': 'Patron recommender', 'popularity': 'Best-sellers (baseline)', 'item-kNN (plain)': 'Plain item-to-item (baseline)' };
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function EvalTable({ title, rows }: { title: string; rows: Row[] }) {
  return (
    <Stack gap={4}>
      <Text fz="sm" fw={500}>
        {title}
      </Text>
      <TableCard minWidth={{ base: 0, sm: 560 }}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Method</Table.Th>
            <Table.Th ta="right">Hit-rate@10</Table.Th>
            <Table.Th ta="right">Recall@10</Table.Th>
            <Table.Th ta="right">NDCG@10</Table.Th>
            <Table.Th ta="right">Catalogue coverage</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((r) => (
            <Table.Tr key={r.method} fw={r.method === 'recommender' ? 600 : undefined}>
              <Table.Td fz="sm">{METHOD_LABEL[r.method] ?? r.method}</Table.Td>
              <Table.Td className="patron-num" fz="sm">
                {pct(r.hitRate)}
              </Table.Td>
              <Table.Td className="patron-num" fz="sm">
                {pct(r.recall)}
              </Table.Td>
              <Table.Td className="patron-num" fz="sm">
                {r.ndcg.toFixed(3)}
              </Table.Td>
              <Table.Td className="patron-num" fz="sm">
                {pct(r.coverage)}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </TableCard>
    </Stack>
  );
}
