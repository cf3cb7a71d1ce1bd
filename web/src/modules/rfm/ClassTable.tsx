import { Box, Group, Progress, Stack, Table, Text } from '@mantine/core';
import { TableCard } from '../../components/DataTable.tsx';
import { useIsMobile } from '../../components/useIsMobile.ts';
import { formatInt, formatMoney } from '../../lib/money.ts';
import type { RfmClass, RfmClassSummary } from './api.ts';
import { CLASS_COLOR } from './classes.ts';

const pct = (x: number) => `${(x * 100).toFixed(x > 0 && x < 0.001 ? 2 : 1)}%`;

/** The 11 classes: how many, their share, their revenue, and what to do about them. A row opens its customers. */
export function ClassTable({ classes, currency, selected, onSelect }: { classes: RfmClassSummary[]; currency: string; selected?: RfmClass; onSelect: (c: RfmClass) => void }) {
  const mobile = useIsMobile();
  return (
    <TableCard minWidth={{ base: 0, sm: 900 }}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th className="patron-th">Class</Table.Th>
          <Table.Th className="patron-th" ta="right">Customers</Table.Th>
          {!mobile && <Table.Th className="patron-th" w={150}>Share</Table.Th>}
          <Table.Th className="patron-th" ta="right">Net revenue</Table.Th>
          {!mobile && <Table.Th className="patron-th" ta="right">Avg order</Table.Th>}
          {!mobile && <Table.Th className="patron-th">What to do</Table.Th>}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {classes.map((c) => {
          const color = CLASS_COLOR[c.class];
          return (
            <Table.Tr
              key={c.class}
              className={`patron-row-clickable${selected === c.class ? ' patron-row-selected' : ''}${c.customers === 0 ? ' patron-row-dimmed' : ''}`}
              onClick={() => c.customers > 0 && onSelect(c.class)}
              aria-label={`${c.label}: ${formatInt(c.customers)} customers`}
            >
              <Table.Td>
                <Group gap="sm" wrap="nowrap" align="flex-start">
                  <Box mt={5} w={10} h={10} style={{ borderRadius: 3, flexShrink: 0, background: `var(--mantine-color-${color}-6)` }} />
                  <Stack gap={0} style={{ minWidth: 0 }}>
                    <Text fz="sm" fw={600}>
                      {c.label}
                    </Text>
                    <Text fz="xs" c="dimmed">
                      {c.description}
                    </Text>
                  </Stack>
                </Group>
              </Table.Td>
              <Table.Td className="patron-num">
                <Text fz="sm" className="patron-tabular">
                  {formatInt(c.customers)}
                </Text>
                {mobile && (
                  <Text fz="xs" c="dimmed" className="patron-tabular">
                    {pct(c.share)}
                  </Text>
                )}
              </Table.Td>
              {!mobile && (
                <Table.Td>
                  <Group gap="xs" wrap="nowrap">
                    <Progress value={c.share * 100} color={color} size="sm" style={{ flex: 1 }} aria-hidden />
                    <Text fz="xs" c="dimmed" className="patron-tabular" w={44} ta="right">
                      {pct(c.share)}
                    </Text>
                  </Group>
                </Table.Td>
              )}
              <Table.Td className="patron-num">
                <Text fz="sm" className="patron-tabular">
                  {formatMoney(c.revenue, currency, { compact: mobile })}
                </Text>
                <Text fz="xs" c="dimmed" className="patron-tabular">
                  {pct(c.revenueShare)}
                  {mobile ? '' : ' of revenue'}
                </Text>
              </Table.Td>
              {!mobile && (
                <Table.Td className="patron-num">
                  <Text fz="sm" className="patron-tabular">
                    {formatMoney(c.averageOrderValue, currency)}
                  </Text>
                </Table.Td>
              )}
              {!mobile && (
                <Table.Td maw={340}>
                  <Text fz="xs">{c.action}</Text>
                </Table.Td>
              )}
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </TableCard>
  );
}
