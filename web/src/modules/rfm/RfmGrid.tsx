import { Box, Group, Stack, Text, Tooltip, UnstyledButton } from '@mantine/core';
import { useIsMobile } from '../../components/useIsMobile.ts';
import { formatInt, formatMoney } from '../../lib/money.ts';
import type { CutPoints, RfmCell, RfmSelection } from './api.ts';
import { CLASS_COLOR, CLASS_LABEL } from './classes.ts';

const SCORES = [1, 2, 3, 4, 5];

/** "3 orders", "4–5 orders", "6+ orders" (the best or worst score is open-ended). */
function range(c: { min: number; max: number } | undefined, unit: [string, string], openEnded: boolean): string {
  if (!c) return '—';
  const word = (n: number) => (n === 1 ? unit[0] : unit[1]);
  if (c.min === c.max) return `${formatInt(c.min)} ${word(c.min)}`;
  if (openEnded) return `${formatInt(c.min)}+ ${unit[1]}`;
  return `${formatInt(c.min)}–${formatInt(c.max)} ${unit[1]}`;
}

/**
 * The 5×5 grid: recency score across (more recent to the right), frequency score up. Each cell is
 * coloured by its class, deeper the more customers it holds, and opens its customers when clicked.
 */
export function RfmGrid({ cells, cutPoints, currency, selected, onSelect }: {
  cells: RfmCell[];
  cutPoints: CutPoints | null;
  currency: string;
  selected: RfmSelection;
  onSelect: (s: RfmSelection) => void;
}) {
  const max = Math.max(1, ...cells.map((c) => c.customers));
  const total = cells.reduce((a, c) => a + c.customers, 0);
  const cell = (r: number, f: number) => cells.find((c) => c.r === r && c.f === f);
  const rCut = (s: number) => cutPoints?.recency.find((c) => c.score === s);
  const fCut = (s: number) => cutPoints?.frequency.find((c) => c.score === s);
  const anySelected = selected.class !== undefined || selected.r !== undefined;
  // Phones get the counts only (the colour says the class; the table below names them).
  const compact = useIsMobile();
  const minWidth = compact ? 0 : 560;

  return (
    <Box style={{ overflowX: 'auto' }}>
      <Box
        role="grid"
        aria-label="Customers by recency and frequency score"
        style={{ display: 'grid', gridTemplateColumns: `auto repeat(5, minmax(${compact ? 44 : 92}px, 1fr))`, gap: compact ? 4 : 6, minWidth }}
      >
        {[5, 4, 3, 2, 1].map((f) => (
          <Box key={f} role="row" style={{ display: 'contents' }}>
            <Stack role="rowheader" gap={0} justify="center" align="flex-end" pr={6}>
              <Text fz="sm" fw={650}>
                F{f}
              </Text>
              {!compact && (
                <Text fz={11} c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                  {range(fCut(f), ['order', 'orders'], f === 5)}
                </Text>
              )}
            </Stack>
            {SCORES.map((r) => {
              const c = cell(r, f);
              if (!c) return <Box key={r} />;
              const color = CLASS_COLOR[c.class];
              const depth = c.customers ? 10 + Math.round(34 * Math.sqrt(c.customers / max)) : 3;
              const isSelected = (selected.r === r && selected.f === f) || (selected.class === c.class && selected.r === undefined);
              const share = total ? (c.customers / total) * 100 : 0;
              return (
                <Tooltip
                  key={r}
                  withArrow
                  openDelay={300}
                  label={`R${r} F${f} · ${c.customers ? `${share.toFixed(1)}% of scored customers` : 'nobody here'}`}
                >
                  <UnstyledButton
                    role="gridcell"
                    aria-label={`R${r} F${f}, ${CLASS_LABEL[c.class]}: ${formatInt(c.customers)} customers, ${formatMoney(c.revenue, currency)}`}
                    aria-selected={isSelected}
                    onClick={() => onSelect({ r, f })}
                    disabled={c.customers === 0}
                    style={{
                      minHeight: compact ? 56 : 84,
                      padding: compact ? '6px 6px' : '8px 10px',
                      borderRadius: 'var(--mantine-radius-md)',
                      background: `color-mix(in srgb, var(--mantine-color-${color}-5) ${depth}%, var(--mantine-color-body))`,
                      border: `1px solid color-mix(in srgb, var(--mantine-color-${color}-6) ${isSelected ? 100 : 22}%, transparent)`,
                      boxShadow: isSelected ? `0 0 0 2px var(--mantine-color-${color}-6)` : undefined,
                      opacity: anySelected && !isSelected ? 0.55 : 1,
                      cursor: c.customers ? 'pointer' : 'default',
                      display: 'flex',
                      flexDirection: 'column',
                      justifyContent: 'space-between',
                      transition: 'opacity 120ms ease, box-shadow 120ms ease',
                    }}
                  >
                    {!compact && (
                      <Text fz={11} fw={650} c={`${color}.9`} lh={1.2} lineClamp={2}>
                        {CLASS_LABEL[c.class]}
                      </Text>
                    )}
                    <Text fz={compact ? 15 : 20} fw={700} className="patron-tabular" lh={1.2} c={c.customers ? undefined : 'dimmed'}>
                      {formatInt(c.customers)}
                    </Text>
                    {!compact && (
                      <Text fz={12} c="dimmed" className="patron-tabular" truncate>
                        {c.customers ? formatMoney(c.revenue, currency, { compact: true }) : '—'}
                      </Text>
                    )}
                  </UnstyledButton>
                </Tooltip>
              );
            })}
          </Box>
        ))}
        <Box />
        {SCORES.map((r) => (
          <Stack key={r} gap={0} align="center" pt={4}>
            <Text fz="sm" fw={650}>
              R{r}
            </Text>
            {!compact && (
              <Text fz={11} c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                {range(rCut(r), ['day', 'days'], r === 1)}
              </Text>
            )}
          </Stack>
        ))}
      </Box>
      <Group justify="space-between" mt="xs" gap="xs" wrap={compact ? 'wrap' : 'nowrap'} style={{ minWidth }}>
        <Text fz="xs" c="dimmed">
          ↑ Frequency: orders placed
        </Text>
        <Text fz="xs" c="dimmed">
          Recency: days since the last order, more recent →
        </Text>
      </Group>
    </Box>
  );
}
