import { Alert, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { IconInfoCircle } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { ErrorState } from '../../../components/ErrorState.tsx';
import { TableSkeleton } from '../../../components/TableSkeleton.tsx';
import { TimeAgo } from '../../../components/TimeAgo.tsx';
import { useCustomerRecs } from './api.ts';
import { RecGrid } from './RecGrid.tsx';

/**
 * The customer 360° tab: products they are likely to buy again, and products they have not bought
 * that they might like (two lists, so that a heavy repeat buyer's reorders do not hide discoveries).
 */
export function CustomerRecsPanel({ customerId }: { customerId: string }): ReactNode {
  const again = useCustomerRecs(customerId, 'again', 6);
  const fresh = useCustomerRecs(customerId, 'new', 9);
  if (again.isPending || fresh.isPending) {
    return (
      <Paper withBorder radius="md">
        <TableSkeleton rows={3} />
      </Paper>
    );
  }
  if (again.isError) return <ErrorState error={again.error} onRetry={() => void again.refetch()} />;
  if (fresh.isError) return <ErrorState error={fresh.error} onRetry={() => void fresh.refetch()} />;
  const builtAt = fresh.data.modelBuiltAt;
  return (
    <Stack gap="md">
      <Group justify="space-between" wrap="wrap" gap="xs">
        <Text fz="sm" c="dimmed" maw={560}>
          What this customer is most likely to buy next. Emails show the six best of both lists together with {'{% for p in recommendations %}'}.
        </Text>
        {builtAt && (
          <Text fz="xs" c="dimmed">
            Model built <TimeAgo date={builtAt} fz="xs" c="dimmed" />
          </Text>
        )}
      </Group>
      <Section title="Likely to buy again" hint="They bought these, and customers often buy them again" empty={again.data.reason ?? 'Nothing to buy again.'}>
        {again.data.items.length > 0 && <RecGrid items={again.data.items} cols={{ base: 1, sm: 2, xl: 3 }} showReason={false} />}
      </Section>
      <Section title="They might also like" hint="Products they have not bought" empty={fresh.data.reason ?? 'Nothing yet.'}>
        {fresh.data.items.length > 0 && (
          <>
            {fresh.data.reason && (
              <Alert variant="light" color="gray" icon={<IconInfoCircle size={16} />} p="xs" mb="xs">
                <Text fz="sm">{fresh.data.reason}</Text>
              </Alert>
            )}
            <RecGrid items={fresh.data.items} cols={{ base: 1, sm: 2, xl: 3 }} />
          </>
        )}
      </Section>
    </Stack>
  );
}

function Section({ title, hint, empty, children }: { title: string; hint: string; empty: string; children: ReactNode }) {
  return (
    <Stack gap="xs">
      <Group justify="space-between" gap="xs">
        <Title order={3} fz="sm" fw={600}>
          {title}
        </Title>
        <Text fz="xs" c="dimmed">
          {hint}
        </Text>
      </Group>
      {children || (
        <Paper withBorder radius="md" p="md">
          <Text fz="sm" c="dimmed">
            {empty}
          </Text>
        </Paper>
      )}
    </Stack>
  );
}
