import { Anchor, Badge, Group, Paper, Table } from '@mantine/core';
import { IconUsersGroup } from '@tabler/icons-react';
import { Link } from '@tanstack/react-router';
import { TableCard } from '../../components/DataTable.tsx';
import { Empty } from '../../components/Empty.tsx';
import { ErrorState } from '../../components/ErrorState.tsx';
import { TableSkeleton } from '../../components/TableSkeleton.tsx';
import { TimeAgo } from '../../components/TimeAgo.tsx';
import { useCustomerSegments } from './api.ts';

/** The segments a customer is in right now, on their 360° page. */
export function CustomerSegmentsPanel({ customerId }: { customerId: string }) {
  const segments = useCustomerSegments(customerId);
  if (segments.isPending) {
    return (
      <Paper withBorder radius="md">
        <TableSkeleton rows={3} />
      </Paper>
    );
  }
  if (segments.isError) return <ErrorState error={segments.error} onRetry={() => void segments.refetch()} />;
  if (segments.data.length === 0) {
    return (
      <Paper withBorder radius="md">
        <Empty
          icon={<IconUsersGroup size={24} />}
          title="Not in any segment"
          description="This customer matches none of your segments right now. They join one as soon as they match its conditions."
        />
      </Paper>
    );
  }
  return (
    <TableCard minWidth={0}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Segment</Table.Th>
          <Table.Th>Entered</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {segments.data.map((s) => (
          <Table.Tr key={s.id}>
            <Table.Td>
              <Group gap={8} wrap="nowrap">
                <Anchor renderRoot={(p) => <Link to="/segments/$id" params={{ id: s.id }} {...p} />} fz="sm" fw={500}>
                  {s.name}
                </Anchor>
                {s.builtIn && (
                  <Badge size="xs" variant="light" color="gray">
                    Built-in
                  </Badge>
                )}
              </Group>
            </Table.Td>
            <Table.Td>
              <TimeAgo date={s.enteredAt} />
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </TableCard>
  );
}
