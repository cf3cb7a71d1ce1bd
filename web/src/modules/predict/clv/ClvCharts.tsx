import '@mantine/charts/styles.css';
import { BarChart, LineChart } from '@mantine/charts';
import { Paper, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { formatInt } from '../../../lib/money.ts';
import type { ClvDiagnostics } from './api.ts';

const dayFmt = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: '2-digit', timeZone: 'UTC' });
const fmtDay = (d: string) => dayFmt.format(new Date(`${d}T00:00:00Z`));
const fmtNum = (v: number) => (Math.abs(v) >= 100 ? formatInt(Math.round(v)) : (Math.round(v * 100) / 100).toLocaleString());

export function ChartCard({ title, description, children }: { title: string; description: ReactNode; children: ReactNode }) {
  return (
    <Paper withBorder radius="md" p="md">
      <Stack gap={4} mb="sm">
        <Title order={3} fz="md">
          {title}
        </Title>
        <Text fz="sm" c="dimmed">
          {description}
        </Text>
      </Stack>
      {children}
    </Paper>
  );
}

/** Customers by calibration-period repeat purchases: what happened beside what the model says should. */
export function FrequencyHistogram({ d }: { d: ClvDiagnostics }): ReactNode {
  return (
    <BarChart
      h={260}
      data={d.histogram.map((b) => ({ x: b.x, Actual: b.actual, Model: Math.round(b.expected * 10) / 10 }))}
      dataKey="x"
      series={[{ name: 'Actual', color: 'gray.6' }, { name: 'Model', color: 'indigo.6' }]}
      valueFormatter={fmtNum}
      xAxisLabel="Repeat purchases in the calibration period"
      yAxisLabel="Customers"
      withLegend
      aria-label="Frequency histogram, actual and model"
    />
  );
}

/** Cumulative repeat transactions, actual vs model, with the calibration end marked. */
export function TrackingChart({ d }: { d: ClvDiagnostics }): ReactNode {
  const end = d.model.calibrationEnd;
  return (
    <LineChart
      h={280}
      data={d.tracking.map((p) => ({ date: p.date, Actual: p.actual, Model: Math.round(p.expected * 10) / 10 }))}
      dataKey="date"
      series={[{ name: 'Actual', color: 'gray.7' }, { name: 'Model', color: 'indigo.6', strokeDasharray: '6 3' }]}
      curveType="linear"
      withDots={false}
      xAxisProps={{ tickFormatter: fmtDay, minTickGap: 40 }}
      valueFormatter={fmtNum}
      yAxisLabel="Repeat purchases (cumulative)"
      referenceLines={[{ x: end, label: 'Calibration end', color: 'red.6' }]}
      withLegend
      aria-label="Cumulative repeat purchases, actual and model"
    />
  );
}

/** Mean holdout purchases per customer by how often they bought in the calibration period. */
export function ConditionalChart({ d }: { d: ClvDiagnostics }): ReactNode {
  return (
    <BarChart
      h={260}
      data={d.conditional.map((b) => ({ x: b.x, Actual: Math.round(b.actual * 100) / 100, Model: Math.round(b.expected * 100) / 100, customers: b.customers }))}
      dataKey="x"
      series={[{ name: 'Actual', color: 'gray.6' }, { name: 'Model', color: 'indigo.6' }]}
      valueFormatter={fmtNum}
      xAxisLabel="Repeat purchases in the calibration period"
      yAxisLabel="Purchases per customer in the holdout"
      withLegend
      aria-label="Holdout purchases by calibration frequency, actual and model"
    />
  );
}
