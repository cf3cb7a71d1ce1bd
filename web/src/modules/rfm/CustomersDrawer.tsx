import { Anchor, Badge, Button, Drawer, Group, Paper, Stack, Table, Text } from '@mantine/core';
import { IconDownload, IconUsers } from '@tabler/icons-react';
import { Link } from '@tanstack/react-router';
import { TableCard } from '../../components/DataTable.tsx';
import { Empty } from '../../components/Empty.tsx';
import { ErrorState } from '../../components/ErrorState.tsx';
import { ListFooter } from '../../components/ListFooter.tsx';
import { TableLoadingCard } from '../../components/TableSkeleton.tsx';
import { useIsMobile } from '../../components/useIsMobile.ts';
import { shortDate } from '../../lib/format.ts';
import { formatInt, formatMoney } from '../../lib/money.ts';
import { CustomerAvatar } from '../customers/CustomerAvatar.tsx';
import { rfmExportUrl, useRfmCustomers, type RfmSelection } from './api.ts';
import { CLASS_COLOR, CLASS_LABEL } from './classes.ts';
import { ScoreChips } from './RfmBadge.tsx';

/** What a selection is called: "R5 · F4 (Champions)", "At risk", "Everyone scored". */
export function selectionTitle(s: RfmSelection, cellClass?: string): string {
  if (s.r !== undefined && s.f !== undefined) return `R${s.r} · F${s.f}${cellClass ? ` — ${cellClass}` : ''}`;
  if (s.class) return CLASS_LABEL[s.class];
  return 'Everyone scored';
}

/** The customers of a cell or a class, biggest net spenders first, each linking to their profile. */
export function CustomersDrawer({ selection, opened, onClose, title, count, currency }: {
  selection: RfmSelection;
  opened: boolean;
  onClose: () => void;
  title: string;
  count: number;
  currency: string;
}) {
  const mobile = useIsMobile();
  const list = useRfmCustomers(selection, opened);
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const cur = list.data?.pages[0]?.currency ?? currency;

  return (
    <Drawer
      opened={opened}
      onClose={onClose}
      position="right"
      size={mobile ? '100%' : 860}
      title={
        <Stack gap={2}>
          <Text fw={650} fz="lg">
            {title}
          </Text>
          <Text fz="sm" c="dimmed">
            {formatInt(count)} {count === 1 ? 'customer' : 'customers'}, biggest net spenders first
          </Text>
        </Stack>
      }
    >
      <Stack gap="md">
        <Group justify="flex-end">
          <Button component="a" href={rfmExportUrl(selection)} download variant="default" size="xs" leftSection={<IconDownload size={14} />}>
            Export CSV
          </Button>
        </Group>
        {list.isPending ? (
          <TableLoadingCard rows={8} />
        ) : list.isError ? (
          <ErrorState error={list.error} onRetry={() => void list.refetch()} />
        ) : items.length === 0 ? (
          <Paper withBorder radius="md">
            <Empty icon={<IconUsers size={24} />} title="Nobody here" description="No customer has these scores in the latest computation." />
          </Paper>
        ) : (
          <TableCard
            minWidth={{ base: 0, sm: 760 }}
            footer={<ListFooter count={items.length} noun={['customer', 'customers']} hasMore={list.hasNextPage} loading={list.isFetchingNextPage} onMore={() => void list.fetchNextPage()} />}
          >
            <Table.Thead>
              <Table.Tr>
                <Table.Th className="patron-th">Customer</Table.Th>
                <Table.Th className="patron-th">Scores</Table.Th>
                {!mobile && <Table.Th className="patron-th">Class</Table.Th>}
                {!mobile && <Table.Th className="patron-th" ta="right">Orders</Table.Th>}
                <Table.Th className="patron-th" ta="right">Net spent</Table.Th>
                {!mobile && <Table.Th className="patron-th">Last order</Table.Th>}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody style={{ opacity: list.isPlaceholderData ? 0.6 : 1 }}>
              {items.map((c) => (
                <Table.Tr key={c.id}>
                  <Table.Td>
                    <Group gap="sm" wrap="nowrap">
                      {!mobile && <CustomerAvatar id={c.id} name={c.name} size={30} />}
                      <Stack gap={0} style={{ minWidth: 0 }}>
                        <Anchor renderRoot={(p) => <Link to="/customers/$id" params={{ id: c.id }} {...p} />} fz="sm" fw={600} className="patron-cell-link" truncate>
                          {c.name}
                        </Anchor>
                        {c.email && c.email !== c.name && (
                          <Text fz="xs" c="dimmed" truncate>
                            {c.email}
                          </Text>
                        )}
                      </Stack>
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <ScoreChips r={c.recency} f={c.frequency} m={c.monetary} />
                  </Table.Td>
                  {!mobile && (
                    <Table.Td>
                      <Badge variant="light" color={CLASS_COLOR[c.class]} size="sm">
                        {c.label}
                      </Badge>
                    </Table.Td>
                  )}
                  {!mobile && (
                    <Table.Td className="patron-num">
                      <Text fz="sm" className="patron-tabular">
                        {formatInt(c.orderCount)}
                      </Text>
                    </Table.Td>
                  )}
                  <Table.Td className="patron-num">
                    <Text fz="sm" className="patron-tabular">
                      {formatMoney(c.netSpent, cur)}
                    </Text>
                  </Table.Td>
                  {!mobile && (
                    <Table.Td>
                      <Text fz="sm">{c.lastOrderAt ? shortDate(c.lastOrderAt) : '—'}</Text>
                      <Text fz="xs" c="dimmed">
                        {c.recencyDays === 0 ? 'the latest day' : `${formatInt(c.recencyDays)} ${c.recencyDays === 1 ? 'day' : 'days'} before the latest`}
                      </Text>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </TableCard>
        )}
      </Stack>
    </Drawer>
  );
}
