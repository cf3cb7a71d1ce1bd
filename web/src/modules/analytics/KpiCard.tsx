import { Badge, Group, Paper, Skeleton, Stack, Text, Tooltip, UnstyledButton } from '@mantine/core';
import { IconArrowDownRight, IconArrowUpRight, IconInfoCircle, IconMinus } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { formatInt, formatMoney } from '../../lib/money.ts';

export type KpiFormat = 'money' | 'count' | 'percent' | 'decimal';

const pct = new Intl.NumberFormat(undefined, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });
const dec = new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const signed = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1, minimumFractionDigits: 1, signDisplay: 'always' });

export function formatKpi(v: number | null | undefined, format: KpiFormat, currency: string): string {
  if (v === null || v === undefined) return '—';
  switch (format) {
    case 'money':
      return formatMoney(v, currency);
    case 'count':
      return formatInt(v);
    case 'percent':
      return pct.format(v);
    case 'decimal':
      return dec.format(v);
  }
}

/** The change from the previous period: relative for amounts and counts, in percentage points for rates. */
export function change(cur: number | null, prev: number | null, format: KpiFormat): { text: string; direction: 'up' | 'down' | 'flat' } | null {
  if (cur === null || prev === null) return null;
  if (format === 'percent') {
    const pts = (cur - prev) * 100;
    return { text: `${signed.format(pts)} pts`, direction: Math.abs(pts) < 0.05 ? 'flat' : pts > 0 ? 'up' : 'down' };
  }
  if (prev === 0) return cur === 0 ? { text: '0.0%', direction: 'flat' } : null;
  const rel = ((cur - prev) / Math.abs(prev)) * 100;
  return { text: `${signed.format(rel)}%`, direction: Math.abs(rel) < 0.05 ? 'flat' : rel > 0 ? 'up' : 'down' };
}

export interface KpiCardProps {
  label: string;
  value: number | null;
  previous: number | null;
  format: KpiFormat;
  currency: string;
  /** Lower is better (refund rate, churn, CAC, cart abandonment): a rise shows red. */
  lowerIsBetter?: boolean;
  definition?: string;
  /** Shown under the figure (a breakdown, or the definition where it must be read). */
  detail?: ReactNode;
  loading?: boolean;
  onDrill?: () => void;
  drillLabel?: string;
}

/** One KPI: value, change against the previous period and the previous value; a click lists the rows behind it. */
export function KpiCard(p: KpiCardProps) {
  const c = change(p.value, p.previous, p.format);
  const good = c && c.direction !== 'flat' ? (c.direction === 'up') !== !!p.lowerIsBetter : null;
  const color = good === null ? 'gray' : good ? 'teal' : 'red';
  const Icon = !c || c.direction === 'flat' ? IconMinus : c.direction === 'up' ? IconArrowUpRight : IconArrowDownRight;
  const value = formatKpi(p.value, p.format, p.currency);
  const body = (
    <Stack gap={6} style={{ minWidth: 0 }}>
      <Group gap={4} wrap="nowrap" justify="space-between">
        <Text fz="xs" fw={600} c="dimmed" tt="uppercase" style={{ letterSpacing: '0.04em' }} truncate>
          {p.label}
        </Text>
        {p.definition && (
          <Tooltip label={p.definition} multiline w={280} withArrow position="top-end" events={{ hover: true, focus: true, touch: true }}>
            <IconInfoCircle size={15} stroke={1.6} color="var(--mantine-color-dimmed)" aria-label={`How ${p.label.toLowerCase()} is computed`} style={{ flexShrink: 0 }} />
          </Tooltip>
        )}
      </Group>
      {p.loading ? (
        <Skeleton h={30} w="70%" />
      ) : (
        <Text fz={26} fw={650} lh={1.15} className="patron-tabular" style={{ letterSpacing: '-0.01em' }} truncate title={value} data-kpi={p.label}>
          {value}
        </Text>
      )}
      {p.loading ? (
        <Skeleton h={14} w="50%" />
      ) : (
        <Group gap={6} wrap="nowrap">
          {c ? (
            <Badge variant="light" color={color} size="sm" leftSection={<Icon size={12} />} className="patron-tabular">
              {c.text}
            </Badge>
          ) : p.previous === 0 && p.value ? (
            <Badge variant="light" color="gray" size="sm">
              new
            </Badge>
          ) : null}
          <Text fz="xs" c="dimmed" truncate className="patron-tabular">
            {p.previous === null ? 'no figure for the previous period' : `vs ${formatKpi(p.previous, p.format, p.currency)}`}
          </Text>
        </Group>
      )}
      {p.detail && !p.loading && (
        <Text fz="xs" c="dimmed" lineClamp={2}>
          {p.detail}
        </Text>
      )}
    </Stack>
  );
  return (
    <Paper withBorder radius="md" p="md" h="100%" className={p.onDrill ? 'patron-kpi patron-kpi-clickable' : 'patron-kpi'}>
      {p.onDrill ? (
        <UnstyledButton onClick={p.onDrill} w="100%" h="100%" aria-label={`${p.label}: ${value}. ${p.drillLabel ?? 'Show the rows behind it'}`} style={{ display: 'block' }}>
          {body}
        </UnstyledButton>
      ) : (
        body
      )}
    </Paper>
  );
}
