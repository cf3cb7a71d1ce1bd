import { Skeleton, Stack, Table } from '@mantine/core';
import { TableCard } from './DataTable.tsx';

/** Placeholder rows while a table loads. */
export function TableSkeleton({ rows = 5 }: { rows?: number }) {
  return (
    <Stack gap="sm" p="md" aria-busy="true" aria-label="Loading">
      <Skeleton height={14} width="40%" radius="sm" />
      {Array.from({ length: rows }, (_, i) => (
        <Skeleton key={i} height={28} radius="sm" />
      ))}
    </Stack>
  );
}

/** A table card holding placeholder rows: what a list page shows while its first page loads. */
export function TableLoadingCard({ rows = 8 }: { rows?: number }) {
  return (
    <TableCard minWidth={0}>
      <Table.Tbody>
        <Table.Tr>
          <Table.Td>
            <TableSkeleton rows={rows} />
          </Table.Td>
        </Table.Tr>
      </Table.Tbody>
    </TableCard>
  );
}
