import { Group, Paper, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { ErrorState } from '../../../components/ErrorState.tsx';
import { useProductRecs } from './api.ts';
import { RecGrid } from './RecGrid.tsx';

/** The product page's "Often bought together" and "Similar products" (from the latest recommendations build). */
export function ProductRecsSection({ productId }: { productId: string }): ReactNode {
  const recs = useProductRecs(productId);
  if (recs.isPending) return null;
  if (recs.isError) return <ErrorState error={recs.error} onRetry={() => void recs.refetch()} />;
  const d = recs.data;
  if (!d.similar.length && !d.boughtTogether.length) {
    return (
      <Stack gap="xs" mt="md">
        <Title order={2} fz="md" fw={600}>
          Often bought together
        </Title>
        <Paper withBorder radius="md" p="md">
          <Text fz="sm" c="dimmed">
            {d.reason ?? 'Nothing yet.'}
          </Text>
        </Paper>
      </Stack>
    );
  }
  return (
    <Stack gap="md" mt="md">
      {d.boughtTogether.length > 0 && (
        <Stack gap="xs">
          <Group justify="space-between" gap="xs">
            <Title order={2} fz="md" fw={600}>
              Often bought together
            </Title>
            <Text fz="xs" c="dimmed">
              Share of this product’s orders that hold it, and how much likelier than chance
            </Text>
          </Group>
          <RecGrid items={d.boughtTogether} cols={{ base: 1, xs: 2, lg: 3 }} showReason={false} />
        </Stack>
      )}
      {d.similar.length > 0 && (
        <Stack gap="xs">
          <Group justify="space-between" gap="xs">
            <Title order={2} fz="md" fw={600}>
              Similar products
            </Title>
            <Text fz="xs" c="dimmed">
              Bought by the same customers
            </Text>
          </Group>
          <RecGrid items={d.similar} cols={{ base: 1, xs: 2, lg: 3 }} showReason={false} />
        </Stack>
      )}
    </Stack>
  );
}
