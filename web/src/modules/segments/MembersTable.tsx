import { Anchor, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { IconUsersGroup } from '@tabler/icons-react';
import { Link, useNavigate } from '@tanstack/react-router';
import { TableCard } from '../../components/DataTable.tsx';
import { Empty } from '../../components/Empty.tsx';
import { ErrorState } from '../../components/ErrorState.tsx';
import { ListFooter } from '../../components/ListFooter.tsx';
import { TableLoadingCard } from '../../components/TableSkeleton.tsx';
import { TimeAgo } from '../../components/TimeAgo.tsx';
import { useIsMobile } from '../../components/useIsMobile.ts';
import { countryName } from '../../lib/geo.ts';
import { formatInt, formatMoney } from '../../lib/money.ts';
import { CustomerAvatar } from '../customers/CustomerAvatar.tsx';
import { useStoreSettings } from '../store/api.ts';
import { useMembers } from './api.ts';

/** The members, biggest spenders first, 50 at a time. */
export function MembersTable({ segmentId, total }: { segmentId: string; total: number }) {
  const members = useMembers(segmentId);
  const store = useStoreSettings();
  const currency = store.data?.currency ?? 'USD';
  const mobile = useIsMobile();
  const navigate = useNavigate();
  const items = members.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <Stack gap="sm">
      <Group justify="space-between" align="baseline">
        <Title order={2} fz="md" fw={600}>
          Members
        </Title>
        <Text fz="sm" c="dimmed" className="patron-tabular">
          {formatInt(total)} in all · biggest spenders first
        </Text>
      </Group>
      {members.isPending ? (
        <TableLoadingCard rows={6} />
      ) : members.isError ? (
        <ErrorState error={members.error} onRetry={() => void members.refetch()} />
      ) : items.length === 0 ? (
        <Paper withBorder radius="md">
          <Empty icon={<IconUsersGroup size={24} />} title="Nobody is in this segment right now" description="Customers join as soon as they match the conditions: when they order, browse or their profile changes." />
        </Paper>
      ) : (
        <TableCard
          minWidth={{ base: 0, sm: 820 }}
          footer={<ListFooter count={items.length} noun={['member', 'members']} hasMore={members.hasNextPage} loading={members.isFetchingNextPage} onMore={() => void members.fetchNextPage()} />}
        >
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Customer</Table.Th>
              {!mobile && <Table.Th>Country</Table.Th>}
              {!mobile && <Table.Th ta="right">Orders</Table.Th>}
              <Table.Th ta="right">Total spent</Table.Th>
              {!mobile && <Table.Th>Entered</Table.Th>}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((m) => (
              <Table.Tr key={m.id} className="patron-row-clickable" onClick={() => void navigate({ to: '/customers/$id', params: { id: m.id } })}>
                <Table.Td>
                  <Group gap="sm" wrap="nowrap">
                    {!mobile && <CustomerAvatar id={m.id} name={m.name} size={32} />}
                    <Stack gap={0} style={{ minWidth: 0 }}>
                      <Anchor
                        renderRoot={(p) => <Link to="/customers/$id" params={{ id: m.id }} {...p} />}
                        onClick={(e) => e.stopPropagation()}
                        fz="sm"
                        fw={500}
                        className="patron-cell-link"
                        truncate
                        maw={320}
                      >
                        {m.name}
                      </Anchor>
                      {m.email && m.email !== m.name && (
                        <Text fz="xs" c="dimmed" truncate maw={320}>
                          {m.email}
                        </Text>
                      )}
                    </Stack>
                  </Group>
                </Table.Td>
                {!mobile && (
                  <Table.Td>
                    <Text fz="sm" c={m.country ? undefined : 'dimmed'} truncate maw={180}>
                      {countryName(m.country)}
                    </Text>
                  </Table.Td>
                )}
                {!mobile && (
                  <Table.Td className="patron-num" fz="sm">
                    {formatInt(m.orderCount)}
                  </Table.Td>
                )}
                <Table.Td className="patron-num" fz="sm">
                  {formatMoney(m.totalSpent, currency)}
                </Table.Td>
                {!mobile && (
                  <Table.Td>
                    <TimeAgo date={m.enteredAt} />
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </TableCard>
      )}
    </Stack>
  );
}
