import { Paper, SimpleGrid, Skeleton, Stack, Text } from '@mantine/core';
import type { SimpleGridProps } from '@mantine/core';
import type { ReactNode } from 'react';

/** One figure with its label and an optional line under it (customer and product summaries). */
export function Stat({ label, value, hint, loading }: { label: string; value: ReactNode; hint?: ReactNode; loading?: boolean }) {
  return (
    <Stack gap={2} style={{ minWidth: 0 }}>
      <Text fz="xs" fw={600} c="dimmed" tt="uppercase" style={{ letterSpacing: '0.04em' }} truncate title={label}>
        {label}
      </Text>
      {loading ? (
        <Skeleton h={24} mt={4} w="60%" />
      ) : (
        <Text
          fz={18}
          fw={650}
          className="patron-tabular"
          style={{ whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' }}
          title={typeof value === 'string' ? value : undefined}
        >
          {value}
        </Text>
      )}
      {hint && !loading && (
        <Text fz="xs" c="dimmed" truncate>
          {hint}
        </Text>
      )}
    </Stack>
  );
}

/** A row of figures in one bordered card; it wraps into two or three columns on narrower screens. */
export function StatGroup({ children, cols = { base: 2, sm: 3, lg: 6 } }: { children: ReactNode; cols?: SimpleGridProps['cols'] }) {
  return (
    <Paper withBorder radius="md" px="lg" py="md">
      <SimpleGrid cols={cols} spacing="lg" verticalSpacing="md">
        {children}
      </SimpleGrid>
    </Paper>
  );
}
