import { Skeleton, Stack } from '@mantine/core';

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
