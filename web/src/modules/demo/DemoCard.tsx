import { Alert, Button, Group, Loader, Paper, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { IconDatabaseImport, IconSparkles } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import type { DemoStatus } from '../../../../server/src/demo/demo.ts';
import { api } from '../../lib/api.ts';
import { notifyError } from '../../components/notify.tsx';
import { useCan } from '../session/context.tsx';

/**
 * The first-run choice on the home page: an empty store can load the demo store (a real shop's
 * order history plus browsing behaviour) in the background, or go import its own data.
 */
export function DemoCard(): ReactNode {
  const can = useCan();
  const qc = useQueryClient();
  const customers = useQuery({
    queryKey: ['customers', 'any'],
    queryFn: () => api.get<{ items: unknown[] }>('/api/customers', { query: { limit: 1, includeAnonymous: 'true' } }),
    enabled: can('customers:read'),
  });
  const status = useQuery({
    queryKey: ['demo'],
    queryFn: () => api.get<DemoStatus>('/api/demo'),
    refetchInterval: (q) => (q.state.data?.status === 'running' ? 2000 : false),
  });
  const load = useMutation({
    mutationFn: () => api.post<DemoStatus>('/api/demo', {}),
    onSuccess: (s) => qc.setQueryData(['demo'], s),
    onError: (e) => notifyError(e, 'Could not load the demo store'),
  });
  const s = status.data;
  if (s?.status === 'done' && customers.data && customers.data.items.length > 0 && !customers.isFetching) return null;
  if (s?.status === 'done') void qc.invalidateQueries();
  const empty = customers.data !== undefined && customers.data.items.length === 0;
  if (!empty && s?.status !== 'running') return null;
  return (
    <Paper withBorder radius="md" p="lg">
      <Group align="flex-start" wrap="nowrap" gap="md">
        <ThemeIcon size={40} radius="md" variant="light">
          <IconSparkles size={22} />
        </ThemeIcon>
        <Stack gap="xs" style={{ flex: 1 }}>
          <Title order={2} fz="lg">Your store has no customers yet</Title>
          <Text c="dimmed" fz="sm" maw={680}>
            Bring in your own data — import a CSV export, connect Shopify, WooCommerce or BigCommerce, or add the tracking snippet — or load the
            demo store to look around first: a real UK gift shop’s year of orders (541,909 order lines, 4,372 customers) with browsing and
            abandoned checkouts to match. Loading it takes about a minute.
          </Text>
          {s?.status === 'running' ? (
            <Group gap="xs">
              <Loader size="sm" />
              <Text fz="sm">Loading the demo store… you can keep using Patron meanwhile.</Text>
            </Group>
          ) : (
            <Group gap="sm" mt={4}>
              {can('settings:write') && (
                <Button leftSection={<IconSparkles size={16} />} loading={load.isPending} onClick={() => load.mutate()}>
                  Load the demo store
                </Button>
              )}
              {can('integrations:write') && (
                <Button component={Link} to="/settings/import" variant="default" leftSection={<IconDatabaseImport size={16} />}>
                  Import your data
                </Button>
              )}
            </Group>
          )}
          {s?.status === 'failed' && (
            <Alert color="red" title="The demo store could not be loaded">
              {s.error}
            </Alert>
          )}
        </Stack>
      </Group>
    </Paper>
  );
}
