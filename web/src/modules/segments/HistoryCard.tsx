import { CompositeChart } from '@mantine/charts';
import { Group, Paper, Skeleton, Stack, Text, Title } from '@mantine/core';
import { IconChartAreaLine } from '@tabler/icons-react';
import type { UseQueryResult } from '@tanstack/react-query';
import { ErrorState } from '../../components/ErrorState.tsx';
import { formatInt } from '../../lib/money.ts';
import type { HistoryPoint } from './api.ts';

const dayLabel = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });
const label = (day: string) => dayLabel.format(new Date(`${day.slice(0, 10)}T00:00:00Z`));

/** Size per day (area, left axis) with the day's entries and exits (bars, right axis). */
export function HistoryCard({ history }: { history: UseQueryResult<HistoryPoint[]> }) {
  const points = history.data ?? [];
  return (
    <Paper withBorder radius="md" p="lg" h="100%">
      <Stack gap="md">
        <Group justify="space-between" align="flex-start">
          <div>
            <Title order={2} fz="md" fw={600}>
              Size over time
            </Title>
            <Text fz="sm" c="dimmed">
              Members at the end of each day, with who entered and exited.
            </Text>
          </div>
        </Group>
        {history.isPending ? (
          <Skeleton h={240} />
        ) : history.isError ? (
          <ErrorState error={history.error} onRetry={() => void history.refetch()} />
        ) : points.length < 2 ? (
          <Stack align="center" justify="center" gap={6} h={240} c="dimmed">
            <IconChartAreaLine size={28} stroke={1.5} />
            <Text fz="sm" ta="center" maw={420}>
              {points.length === 0
                ? 'No history yet. Patron records the size of every segment each day, and each time it is recomputed.'
                : `One day so far: ${formatInt(points[0]!.size)} members (+${formatInt(points[0]!.entered)} / −${formatInt(points[0]!.exited)}). The chart fills in day by day.`}
            </Text>
          </Stack>
        ) : (
          <CompositeChart
            h={240}
            data={points.map((p) => ({ day: label(p.day), size: p.size, entered: p.entered, exited: p.exited }))}
            dataKey="day"
            series={[
              { name: 'size', label: 'Members', color: 'indigo.6', type: 'area' },
              { name: 'entered', label: 'Entered', color: 'teal.5', type: 'bar', yAxisId: 'right' },
              { name: 'exited', label: 'Exited', color: 'red.4', type: 'bar', yAxisId: 'right' },
            ]}
            curveType="monotone"
            withRightYAxis
            withLegend
            legendProps={{ verticalAlign: 'bottom', height: 30 }}
            valueFormatter={(v) => formatInt(v)}
            maxBarWidth={8}
            withDots={false}
            gridAxis="x"
            tickLine="none"
            yAxisProps={{ width: 56 }}
            // Entries and exits stay in the lower third, under the size line they explain.
            rightYAxisProps={{ width: 40, domain: [0, (max: number) => Math.max(3, Math.ceil(max * 3))] }}
            barProps={{ fillOpacity: 0.75 }}
          />
        )}
      </Stack>
    </Paper>
  );
}
