import { Anchor, Group, Paper, SimpleGrid, Skeleton, Stack, Text, Title } from '@mantine/core';
import { IconArrowRight } from '@tabler/icons-react';
import { Link } from '@tanstack/react-router';
import { useAnalyticsStatus, useDashboard } from './api.ts';
import { change, formatKpi, type KpiFormat } from './KpiCard.tsx';
import { presetRange, rangeLabel, staleData } from './range.ts';

const FIGURES: { key: 'netRevenue' | 'orders' | 'aov' | 'newCustomers'; label: string; format: KpiFormat }[] = [
  { key: 'netRevenue', label: 'Net revenue', format: 'money' },
  { key: 'orders', label: 'Orders', format: 'count' },
  { key: 'aov', label: 'Average order', format: 'money' },
  { key: 'newCustomers', label: 'New customers', format: 'count' },
];

/** The home page's glance at the last 30 days (of data, when the store has no recent orders), linking to Analytics. */
export function HomeSummary() {
  const status = useAnalyticsStatus();
  const s = status.data;
  const anchor = s ? (staleData(s.today, s.lastOrderDay) && s.lastOrderDay ? s.lastOrderDay : s.today) : undefined;
  const range = anchor && s?.lastOrderDay ? presetRange('30d', anchor) : undefined;
  const d = useDashboard(range);
  if (s && !s.lastOrderDay) return null;
  return (
    <Paper withBorder radius="md" p="lg">
      <Group justify="space-between" mb="md" gap="xs">
        <Stack gap={2}>
          <Title order={2} fz="lg" fw={600}>
            Last 30 days
          </Title>
          <Text fz="sm" c="dimmed">
            {range ? `${rangeLabel(range.from, range.to)}, against the 30 days before` : ' '}
          </Text>
        </Stack>
        <Anchor renderRoot={(p) => <Link to="/analytics" {...p} />} fz="sm">
          <Group gap={4}>
            Open analytics <IconArrowRight size={14} />
          </Group>
        </Anchor>
      </Group>
      <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="lg">
        {FIGURES.map((f) => {
          const cur = d.data?.current[f.key] ?? null;
          const prev = d.data?.previous[f.key] ?? null;
          const c = change(cur, prev, f.format);
          return (
            <Stack key={f.key} gap={2}>
              <Text fz="xs" fw={600} c="dimmed" tt="uppercase" style={{ letterSpacing: '0.04em' }}>
                {f.label}
              </Text>
              {d.data && s ? (
                <>
                  <Text fz={20} fw={650} className="patron-tabular">
                    {formatKpi(cur, f.format, s.currency)}
                  </Text>
                  <Text fz="xs" c={!c || c.direction === 'flat' ? 'dimmed' : c.direction === 'up' ? 'teal' : 'red'} className="patron-tabular">
                    {c ? c.text : 'no earlier data'}
                  </Text>
                </>
              ) : (
                <Skeleton h={38} w="70%" />
              )}
            </Stack>
          );
        })}
      </SimpleGrid>
    </Paper>
  );
}
