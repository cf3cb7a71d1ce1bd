import { Group, Paper, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { Area, CartesianGrid, ComposedChart, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatInt } from '../../../lib/money.ts';
import type { SeriesDetail } from './api.ts';

const day = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const dayYear = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
const fmtWeek = (w: string, year = false) => (year ? dayYear : day).format(new Date(`${w}T00:00:00Z`));
const fmtUnits = (v: number) => (v >= 100 ? formatInt(Math.round(v)) : (Math.round(v * 10) / 10).toLocaleString());

interface Point {
  week: string;
  actual?: number;
  forecast?: number;
  band?: [number, number];
  backtest?: number;
  naive?: number;
}

/** Weekly history, the forecast with its 95% interval band, and (optionally) the backtest beside the naive baseline. */
export function ForecastChart({ series, showBacktest, height = 300 }: { series: SeriesDetail; showBacktest: boolean; height?: number }): ReactNode {
  const points: Point[] = series.history.map((h) => ({ week: h.week, actual: h.units }));
  // The forecast line starts at the last actual week so the two lines join.
  const last = points[points.length - 1];
  if (last && series.forecast.length) {
    last.forecast = last.actual;
    last.band = [last.actual!, last.actual!];
  }
  if (showBacktest && series.backtest) {
    const at = new Map(points.map((p, i) => [p.week, i]));
    for (const b of series.backtest) {
      const i = at.get(b.week);
      if (i !== undefined) Object.assign(points[i]!, { backtest: b.forecast, naive: b.naive });
    }
  }
  for (const f of series.forecast) points.push({ week: f.week, forecast: f.mean, band: [f.lower, f.upper] });

  return (
    <div style={{ width: '100%', height }} data-testid="forecast-chart">
      <ResponsiveContainer>
        <ComposedChart data={points} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="var(--mantine-color-gray-3)" />
          <XAxis dataKey="week" tickFormatter={(w: string) => fmtWeek(w)} minTickGap={28} tickLine={false} fontSize={12} stroke="var(--mantine-color-gray-6)" />
          <YAxis width={56} tickFormatter={(v: number) => fmtUnits(v)} tickLine={false} axisLine={false} fontSize={12} stroke="var(--mantine-color-gray-6)" />
          <Tooltip content={({ payload }) => <Tip p={payload?.[0]?.payload as Point | undefined} />} />
          <Area dataKey="band" name="95% interval" stroke="none" fill="var(--mantine-color-indigo-2)" fillOpacity={0.6} isAnimationActive={false} connectNulls />
          <Line dataKey="actual" name="Units sold" stroke="var(--mantine-color-dark-4)" strokeWidth={1.6} dot={false} isAnimationActive={false} />
          <Line dataKey="forecast" name="Forecast" stroke="var(--mantine-color-indigo-6)" strokeWidth={2.2} strokeDasharray="6 3" dot={false} isAnimationActive={false} />
          {showBacktest && <Line dataKey="backtest" name="Backtest forecast" stroke="var(--mantine-color-teal-6)" strokeWidth={2} dot={{ r: 2 }} isAnimationActive={false} />}
          {showBacktest && <Line dataKey="naive" name="Naive baseline" stroke="var(--mantine-color-orange-6)" strokeWidth={1.5} strokeDasharray="2 3" dot={false} isAnimationActive={false} />}
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}

function Tip({ p }: { p: Point | undefined }) {
  if (!p) return null;
  return (
    <Paper px="sm" py={6} withBorder shadow="md" radius="md">
      <Text fz="sm" fw={600}>
        Week of {fmtWeek(p.week, true)}
      </Text>
      {p.actual !== undefined && <Row label="Sold" value={fmtUnits(p.actual)} />}
      {p.forecast !== undefined && p.actual === undefined && <Row label="Forecast" value={fmtUnits(p.forecast)} />}
      {p.band && p.actual === undefined && <Row label="95% interval" value={`${fmtUnits(p.band[0])} – ${fmtUnits(p.band[1])}`} />}
      {p.backtest !== undefined && <Row label="Backtest forecast" value={fmtUnits(p.backtest)} />}
      {p.naive !== undefined && <Row label="Naive baseline" value={fmtUnits(p.naive)} />}
    </Paper>
  );
}

function Row({ label, value }: { label: string; value: string }) {
  return (
    <Group justify="space-between" gap="lg">
      <Text fz="xs" c="dimmed">
        {label}
      </Text>
      <Text fz="xs" className="patron-tabular">
        {value}
      </Text>
    </Group>
  );
}

/** The legend under the chart (recharts' own would list the band as a line). */
export function ForecastLegend({ showBacktest }: { showBacktest: boolean }): ReactNode {
  const items: [string, string, string][] = [
    ['Units sold', 'var(--mantine-color-dark-4)', 'solid'],
    ['Forecast', 'var(--mantine-color-indigo-6)', 'dashed'],
    ['95% interval', 'var(--mantine-color-indigo-2)', 'band'],
    ...(showBacktest ? ([['Backtest forecast', 'var(--mantine-color-teal-6)', 'solid'], ['Naive baseline', 'var(--mantine-color-orange-6)', 'dotted']] as [string, string, string][]) : []),
  ];
  return (
    <Group gap="md" mt={4}>
      {items.map(([label, color, style]) => (
        <Group key={label} gap={6}>
          <span style={{ display: 'inline-block', width: 18, height: style === 'band' ? 10 : 0, background: style === 'band' ? color : undefined, borderTop: style === 'band' ? undefined : `2px ${style} ${color}` }} />
          <Text fz="xs" c="dimmed">
            {label}
          </Text>
        </Group>
      ))}
    </Group>
  );
}
