import { ScrollArea, SegmentedControl, Skeleton, Table, Text, Tooltip, UnstyledButton } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import { useState } from 'react';
import { ErrorState } from '../../components/ErrorState.tsx';
import { formatInt, formatMoney } from '../../lib/money.ts';
import type { Cohorts, DrillRequest } from './api.ts';
import { monthLabel } from './range.ts';
import { ChartCard } from './TrendCharts.tsx';

const pct = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 1 });

function plusMonths(month: string, k: number): { from: string; to: string } {
  const d = new Date(`${month.slice(0, 7)}-01T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + k, 1);
  const from = d.toISOString().slice(0, 10);
  d.setUTCMonth(d.getUTCMonth() + 1, 0);
  return { from, to: d.toISOString().slice(0, 10) };
}

/** Monthly cohorts: the share of each first-purchase month that bought again in month +1, +2, … (or their revenue), as a heatmap. */
export function CohortCard({ q, currency, onDrill }: { q: UseQueryResult<Cohorts>; currency: string; onDrill: (d: DrillRequest) => void }) {
  const [mode, setMode] = useState<'retention' | 'revenue'>('retention');
  const c = q.data;
  const offsets = Array.from({ length: (c?.maxOffset ?? 0) + 1 }, (_, k) => k);
  const maxShare = Math.max(0.0001, ...(c?.months ?? []).flatMap((m) => m.retained.slice(1).map((r) => (m.customers ? r / m.customers : 0))));
  const maxRevenue = Math.max(1, ...(c?.months ?? []).flatMap((m) => m.revenue));
  return (
    <ChartCard
      title="Monthly cohorts"
      description={mode === 'retention'
        ? 'Customers grouped by the month of their first order: the share who ordered again in each later month. Click a cell to see who.'
        : 'What each cohort spent in each month after its first (month 0 is the first month’s revenue).'}
      actions={<SegmentedControl size="xs" value={mode} onChange={(v) => setMode(v as 'retention' | 'revenue')} data={[{ value: 'retention', label: 'Retention' }, { value: 'revenue', label: 'Revenue' }]} aria-label="Show retention or revenue" />}
    >
      {q.isPending ? (
        <Skeleton h={320} />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : !c || c.months.every((m) => m.customers === 0) ? (
        <Text fz="sm" c="dimmed" ta="center" py="xl">
          No first orders in this range.
        </Text>
      ) : (
        <ScrollArea type="auto" style={{ opacity: q.isPlaceholderData ? 0.6 : 1 }}>
          <Table withRowBorders={false} verticalSpacing={3} horizontalSpacing={3} miw={120 + offsets.length * 58} aria-label="Cohort retention">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Cohort</Table.Th>
                <Table.Th ta="right">Customers</Table.Th>
                {offsets.map((k) => (
                  <Table.Th key={k} ta="center">
                    {k === 0 ? 'M0' : `+${k}`}
                  </Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {c.months.map((m) => (
                <Table.Tr key={m.month}>
                  <Table.Td fz="sm" style={{ whiteSpace: 'nowrap' }}>
                    {monthLabel(m.month)}
                  </Table.Td>
                  <Table.Td fz="sm" className="patron-num">
                    {formatInt(m.customers)}
                  </Table.Td>
                  {offsets.map((k) => {
                    if (k >= m.retained.length) return <Table.Td key={k} />;
                    const share = m.customers ? m.retained[k]! / m.customers : 0;
                    const alpha = mode === 'retention' ? (k === 0 ? 0.12 : Math.min(1, share / maxShare)) : m.revenue[k]! / maxRevenue;
                    const text = mode === 'retention' ? pct.format(share) : formatMoney(m.revenue[k]!, currency, { compact: true });
                    const when = plusMonths(m.month, k);
                    const label = `${monthLabel(m.month)} cohort, ${k === 0 ? 'first month' : `month +${k} (${monthLabel(when.from)})`}: ${formatInt(m.retained[k]!)} of ${formatInt(m.customers)} customers ordered, ${formatMoney(m.revenue[k]!, currency)}`;
                    return (
                      <Table.Td key={k} p={2}>
                        <Tooltip label={label} withArrow openDelay={200}>
                          <UnstyledButton
                            w="100%"
                            aria-label={label}
                            onClick={() => onDrill({ metric: 'customers', cohort: m.month.slice(0, 7), ...when, title: `${monthLabel(m.month)} cohort: ordered in ${monthLabel(when.from)}` })}
                            style={{
                              display: 'block', textAlign: 'center', borderRadius: 4, padding: '5px 2px', fontSize: 12, fontVariantNumeric: 'tabular-nums',
                              background: `rgba(76, 110, 245, ${(0.08 + alpha * 0.85).toFixed(3)})`, color: alpha > 0.5 ? 'white' : 'var(--mantine-color-text)',
                            }}
                          >
                            {text}
                          </UnstyledButton>
                        </Tooltip>
                      </Table.Td>
                    );
                  })}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollArea>
      )}
    </ChartCard>
  );
}
