import { Button, Grid, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { IconChartGridDots, IconDownload, IconRefresh } from '@tabler/icons-react';
import { getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { Empty } from '../../components/Empty.tsx';
import { ErrorState } from '../../components/ErrorState.tsx';
import { notifyError, notifySuccess } from '../../components/notify.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { PageSkeleton } from '../../components/PageSkeleton.tsx';
import { RequirePermission } from '../../components/RequirePermission.tsx';
import { Stat, StatGroup } from '../../components/StatCard.tsx';
import { TimeAgo } from '../../components/TimeAgo.tsx';
import { absoluteTime, shortDate } from '../../lib/format.ts';
import { formatInt, formatMoney } from '../../lib/money.ts';
import { rfmExportUrl, useRecomputeRfm, useRfmOverview, type CutPoints, type RfmOverview, type RfmSelection } from '../../modules/rfm/api.ts';
import { ClassTable } from '../../modules/rfm/ClassTable.tsx';
import { CLASS_LABEL } from '../../modules/rfm/classes.ts';
import { CustomersDrawer, selectionTitle } from '../../modules/rfm/CustomersDrawer.tsx';
import { RfmGrid } from '../../modules/rfm/RfmGrid.tsx';
import { useCan } from '../../modules/session/context.tsx';

const route = getRouteApi('/app/segments/rfm');

const TRIGGERS: Record<string, string> = { nightly: 'nightly run', import: 'after an import', manual: 'recomputed by hand' };

export function RfmPage(): ReactNode {
  return (
    <RequirePermission permission="segments:read">
      <Rfm />
    </RequirePermission>
  );
}

function Rfm() {
  const overview = useRfmOverview();
  const can = useCan();
  const writable = can('segments:write');
  const recompute = useRecomputeRfm();
  const selection = route.useSearch();
  const navigate = useNavigate({ from: '/segments/rfm' });
  const select = (s: RfmSelection) => void navigate({ search: s });
  const o = overview.data;

  const run = () =>
    recompute.mutate(undefined, {
      onSuccess: (r) => notifySuccess(`Scored ${formatInt(r.customers)} customers in ${(r.durationMs / 1000).toFixed(1)} s.`, 'RFM scores recomputed'),
      onError: (e) => notifyError(e, 'Could not recompute'),
    });
  const recomputeButton = writable && (
    <Button leftSection={<IconRefresh size={16} />} onClick={run} loading={recompute.isPending} loaderProps={{ type: 'dots' }}>
      Recompute now
    </Button>
  );

  return (
    <>
      <PageHeader
        title="RFM analysis"
        description="Every customer with orders, scored 1 to 5 on how recently they bought (R), how often (F) and how much (M), against the rest of your customers, and grouped into classes you can act on."
        actions={
          <>
            {o?.run && o.run.customers > 0 && (
              <Button component="a" href={rfmExportUrl({})} download variant="default" leftSection={<IconDownload size={16} />}>
                Export all
              </Button>
            )}
            {recomputeButton}
          </>
        }
      />
      {overview.isPending ? (
        <PageSkeleton />
      ) : overview.isError ? (
        <ErrorState error={overview.error} onRetry={() => void overview.refetch()} />
      ) : !o?.run || o.run.customers === 0 ? (
        <Paper withBorder radius="md">
          <Empty
            icon={<IconChartGridDots size={24} />}
            title={o?.run ? 'No customers with orders yet' : 'No RFM scores yet'}
            description={
              o?.run
                ? 'RFM scores customers by their orders. Import your order history or connect your store, and the scores follow after each import and every night.'
                : 'Scores are computed every night and after each import. Compute them now to see your customers on the grid.'
            }
            action={
              o?.run ? (
                <Button variant="default" renderRoot={(p) => <Link to="/settings/import" {...p} />}>
                  Import orders
                </Button>
              ) : (
                recomputeButton || undefined
              )
            }
          />
        </Paper>
      ) : (
        <Loaded o={o} selection={selection} onSelect={select} />
      )}
    </>
  );
}

function Loaded({ o, selection, onSelect }: { o: RfmOverview; selection: RfmSelection; onSelect: (s: RfmSelection) => void }) {
  const run = o.run!;
  const cell = selection.r !== undefined && selection.f !== undefined ? o.cells.find((c) => c.r === selection.r && c.f === selection.f) : undefined;
  const cls = selection.class ? o.classes.find((c) => c.class === selection.class) : undefined;
  const opened = Boolean(cell ?? cls);
  const champions = o.classes.find((c) => c.class === 'champions');

  return (
    <Stack gap="lg">
      <StatGroup cols={{ base: 2, sm: 4 }}>
        <Stat label="Customers" value={formatInt(run.customers)} hint="scored: all with an order" />
        <Stat label="Net revenue" value={formatMoney(run.revenue, run.currency)} hint="spent minus refunds" />
        <Stat
          label="Champions"
          value={champions ? formatInt(champions.customers) : '—'}
          hint={champions ? `${(champions.revenueShare * 100).toFixed(1)}% of revenue` : undefined}
        />
        <Stat
          label="Computed"
          value={<TimeAgo date={run.computedAt} fz={18} fw={650} />}
          hint={`${TRIGGERS[run.trigger] ?? run.trigger} · ${(run.durationMs / 1000).toFixed(1)} s`}
        />
      </StatGroup>

      <Grid gap="lg">
        <Grid.Col span={{ base: 12, lg: 8 }}>
          <Paper withBorder radius="md" p="lg">
            <Group justify="space-between" align="flex-start" mb="md" gap="xs">
              <Stack gap={2}>
                <Title order={2} fz="lg" fw={650}>
                  Recency × frequency
                </Title>
                <Text fz="sm" c="dimmed">
                  Customers and net revenue in each cell. Click a cell to see who is in it.
                </Text>
              </Stack>
            </Group>
            <RfmGrid cells={o.cells} cutPoints={o.cutPoints} currency={o.currency} selected={selection} onSelect={onSelect} />
          </Paper>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 4 }}>
          <Paper withBorder radius="md" p="lg" h="100%">
            <Title order={2} fz="lg" fw={650} mb={2}>
              Cut points
            </Title>
            <Text fz="sm" c="dimmed" mb="md">
              The values each score stands for in this computation, over {formatInt(run.customers)} customers
              {run.asOf ? (
                <>
                  ; days are counted back from the latest order, <span title={absoluteTime(run.asOf)}>{shortDate(run.asOf)}</span>
                </>
              ) : null}
              . Equal values always get the same score.
            </Text>
            {o.cutPoints && <CutPointsTable cuts={o.cutPoints} currency={o.currency} />}
            <Title order={3} fz="sm" fw={650} mt="lg" mb={4}>
              How scores are given
            </Title>
            <Text fz="xs" c="dimmed">
              Customers are ranked on each measure: recency by days since their last order, frequency by orders, monetary by what they spent minus
              refunds. A score of 5 means at least four fifths of your customers do worse; 1 means under a fifth do. The class comes from R and F.
              Scores are recomputed every night and after each import (last: {absoluteTime(run.computedAt)}).
            </Text>
          </Paper>
        </Grid.Col>
      </Grid>

      <Stack gap="xs">
        <Title order={2} fz="lg" fw={650}>
          Classes
        </Title>
        <Text fz="sm" c="dimmed">
          Each cell of the grid belongs to one class. Click a class to see its customers.
        </Text>
      </Stack>
      <ClassTable classes={o.classes} currency={o.currency} selected={cell ? undefined : selection.class} onSelect={(c) => onSelect({ class: c })} />

      <CustomersDrawer
        opened={opened}
        onClose={() => onSelect({})}
        selection={selection}
        title={selectionTitle(selection, cell ? CLASS_LABEL[cell.class] : undefined)}
        count={cell?.customers ?? cls?.customers ?? 0}
        currency={o.currency}
      />
    </Stack>
  );
}

function CutPointsTable({ cuts, currency }: { cuts: CutPoints; currency: string }) {
  const rows: { label: string; unit: string; values: CutPoints['recency']; fmt: (n: number) => string }[] = [
    { label: 'Recency', unit: 'days ago', values: cuts.recency, fmt: formatInt },
    { label: 'Frequency', unit: 'orders', values: cuts.frequency, fmt: formatInt },
    { label: 'Monetary', unit: 'net spent', values: cuts.monetary, fmt: (n) => formatMoney(n, currency, { compact: true }) },
  ];
  return (
    <Table.ScrollContainer minWidth={250} type="native">
      <Table withRowBorders={false} verticalSpacing={4} horizontalSpacing={4} fz="xs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th className="patron-th">Score</Table.Th>
            {rows.map((r) => (
              <Table.Th key={r.label} className="patron-th" ta="right">
                {r.label}
                <Text span fz={10} c="dimmed" display="block" fw={400} tt="none" style={{ letterSpacing: 0 }}>
                  {r.unit}
                </Text>
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {[5, 4, 3, 2, 1].map((score) => (
            <Table.Tr key={score}>
              <Table.Td fw={650}>{score}</Table.Td>
              {rows.map((r) => {
                const c = r.values.find((v) => v.score === score);
                return (
                  <Table.Td key={r.label} className="patron-num">
                    {c ? (c.min === c.max ? r.fmt(c.min) : `${r.fmt(c.min)}–${r.fmt(c.max)}`) : <Text span c="dimmed" fz="xs">none</Text>}
                  </Table.Td>
                );
              })}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
