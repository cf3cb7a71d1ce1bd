import { Anchor, Badge, Group, Paper, Skeleton, Stack, Text, Title } from '@mantine/core';
import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { formatInt, formatMoney } from '../../../lib/money.ts';
import { formatCover, RISK_LABEL, useSeries } from './api.ts';
import { ForecastChart } from './ForecastChart.tsx';

const units = (v: number) => (v >= 100 ? formatInt(Math.round(v)) : (Math.round(v * 10) / 10).toLocaleString());

/** The product page's demand forecast: expected units, the last half year with the forecast, stock cover. */
export function ProductForecastCard({ productId }: { productId: string }): ReactNode {
  const q = useSeries('product', productId);
  const link = (
    <Anchor renderRoot={(props) => <Link to="/predict/forecast" search={{ kind: 'product', key: productId }} {...props} />} fz="sm">
      Open
    </Anchor>
  );
  let body: ReactNode;
  if (q.isPending) body = <Skeleton h={160} />;
  else if (q.isError) body = <Text fz="sm" c="dimmed">The forecast could not be loaded.</Text>;
  else if (!q.data) body = <Text fz="sm" c="dimmed">No demand forecast has been computed yet.</Text>;
  else if (q.data.status !== 'ok') body = <Text fz="sm" c="dimmed">{q.data.reason}</Text>;
  else {
    const d = q.data;
    // The last 26 weeks are enough context on a narrow card.
    const recent = { ...d, history: d.history.slice(-26) };
    body = (
      <Stack gap="xs">
        <Group justify="space-between" align="flex-end">
          <Stack gap={0}>
            <Text fz={22} fw={650} className="patron-tabular">
              {units(d.forecastUnits)}
            </Text>
            <Text fz="xs" c="dimmed">
              units expected in the next {d.forecast.length} weeks{d.forecastRevenue ? ` · ${formatMoney(d.forecastRevenue.amount, d.forecastRevenue.currency, { compact: true })}` : ''}
            </Text>
          </Stack>
          {d.stock && (
            <Badge color={RISK_LABEL[d.stock.risk].color} variant="light">
              {RISK_LABEL[d.stock.risk].label}
            </Badge>
          )}
        </Group>
        <ForecastChart series={recent} showBacktest={false} height={150} />
        {d.stock && (
          <Text fz="xs" c="dimmed">
            {formatInt(d.stock.quantity)} in stock{d.stock.weeksOfCover !== null ? ` · ${formatCover(d.stock.weeksOfCover)} weeks of cover` : ''} · lead time {d.stock.leadTimeWeeks} weeks
          </Text>
        )}
        {d.smape !== null && (
          <Text fz="xs" c="dimmed">
            sMAPE on the last 8 weeks: {d.smape.toFixed(1)}% (naive {d.naiveSmape?.toFixed(1)}%)
          </Text>
        )}
      </Stack>
    );
  }
  return (
    <Paper withBorder radius="md" p="md" mt="lg" data-testid="product-forecast">
      <Group justify="space-between" mb="sm">
        <Title order={2} fz="md" fw={600}>
          Demand forecast
        </Title>
        {link}
      </Group>
      {body}
    </Paper>
  );
}
