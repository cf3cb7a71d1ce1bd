import { Alert, Group, Paper, Stack, Text } from '@mantine/core';
import { IconInfoCircle, IconSparkles } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { Empty } from '../../../components/Empty.tsx';
import { QueryStates } from '../../../components/QueryStates.tsx';
import { TimeAgo } from '../../../components/TimeAgo.tsx';
import { useCustomerRecs, type RecommendationList } from './api.ts';
import { RecGrid } from './RecGrid.tsx';

/** The customer 360° tab: the products this customer is most likely to want next, and why. */
export function CustomerRecsPanel({ customerId }: { customerId: string }): ReactNode {
  const recs = useCustomerRecs(customerId);
  return (
    <QueryStates
      query={recs}
      rows={3}
      isEmpty={(d: RecommendationList) => d.items.length === 0}
      empty={<Empty icon={<IconSparkles size={24} />} title="No recommendations" description={recs.data?.reason ?? 'There is nothing to recommend yet.'} />}
    >
      {(d) => (
        <Stack gap="sm">
          <Group justify="space-between" wrap="wrap" gap="xs">
            <Text fz="sm" c="dimmed">
              What this customer is most likely to buy next: products bought by customers like them, products they may buy again, best-sellers to fill up.
            </Text>
            {d.modelBuiltAt && (
              <Text fz="xs" c="dimmed">
                Model built <TimeAgo date={d.modelBuiltAt} fz="xs" c="dimmed" />
              </Text>
            )}
          </Group>
          {d.reason && (
            <Alert variant="light" color="gray" icon={<IconInfoCircle size={16} />} p="xs">
              <Text fz="sm">{d.reason}</Text>
            </Alert>
          )}
          <Paper p={0} bg="transparent">
            <RecGrid items={d.items} cols={{ base: 1, sm: 2, xl: 3 }} />
          </Paper>
          <Text fz="xs" c="dimmed">
            Emails show the first six with {'{% for p in recommendations %}'}.
          </Text>
        </Stack>
      )}
    </QueryStates>
  );
}
