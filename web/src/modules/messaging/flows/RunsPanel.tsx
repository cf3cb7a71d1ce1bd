import { Anchor, Button, Group, Modal, Paper, SegmentedControl, Stack, Table, Text } from '@mantine/core';
import { IconRoute } from '@tabler/icons-react';
import { Link } from '@tanstack/react-router';
import { useState, type ReactNode } from 'react';
import type { FlowDefinition } from '../../../../../server/src/modules/messaging/flows.definition.ts';
import { describeTrigger } from '../../../../../server/src/modules/messaging/flows.graph.ts';
import { TableCard } from '../../../components/DataTable.tsx';
import { Empty } from '../../../components/Empty.tsx';
import { ErrorState } from '../../../components/ErrorState.tsx';
import { ListFooter } from '../../../components/ListFooter.tsx';
import { TableSkeleton } from '../../../components/TableSkeleton.tsx';
import { TimeAgo } from '../../../components/TimeAgo.tsx';
import { useFlowVersion, useRuns, type FlowDetail } from './api.ts';
import { FlowCanvas } from './FlowCanvas.tsx';
import type { FlowLookups } from './lookups.ts';
import { RunStatusBadge } from './status.tsx';

const FILTERS = [
  { value: 'all', label: 'All' },
  { value: 'waiting', label: 'Waiting' },
  { value: 'completed', label: 'Completed' },
  { value: 'exited', label: 'Exited' },
  { value: 'failed', label: 'Failed' },
];

/** Customers who went through the flow, newest first. */
export function RunsPanel({ flow }: { flow: FlowDetail }): ReactNode {
  const [filter, setFilter] = useState('all');
  const runs = useRuns(flow.id, filter === 'all' ? null : filter);
  const items = runs.data?.pages.flatMap((p) => p.items) ?? [];
  const def = flow.definition as FlowDefinition;
  const stepName = (id: string | null) => (id ? (def.steps.find((s) => s.id === id)?.name ?? id) : '—');
  return (
    <Stack gap="sm">
      <SegmentedControl data={FILTERS} value={filter} onChange={setFilter} w="fit-content" size="xs" />
      {runs.isPending ? (
        <Paper withBorder radius="md">
          <TableSkeleton rows={5} />
        </Paper>
      ) : runs.isError ? (
        <ErrorState error={runs.error} onRetry={() => void runs.refetch()} />
      ) : items.length === 0 ? (
        <Paper withBorder radius="md">
          <Empty icon={<IconRoute size={24} />} title={filter === 'all' ? 'Nobody has entered yet' : 'No runs like that'} description={filter === 'all' ? 'Customers appear here as the trigger brings them in.' : undefined} />
        </Paper>
      ) : (
        <TableCard minWidth={{ base: 0, sm: 820 }} footer={<ListFooter count={items.length} noun={['run', 'runs']} hasMore={Boolean(runs.hasNextPage)} loading={runs.isFetchingNextPage} onMore={() => void runs.fetchNextPage()} />}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Customer</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Step</Table.Th>
              <Table.Th>Entered</Table.Th>
              <Table.Th>Next / ended</Table.Th>
              <Table.Th>Version</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((r) => (
              <Table.Tr key={r.id}>
                <Table.Td>
                  <Anchor renderRoot={(p) => <Link to="/customers/$id" params={{ id: r.customerId }} search={{ tab: 'journeys' }} {...p} />} fz="sm" fw={500}>
                    {r.customerName}
                  </Anchor>
                  {r.key && (
                    <Text fz="xs" c="dimmed" truncate maw={240}>
                      {r.key}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <RunStatusBadge status={r.status} />
                  {r.goalAt && (
                    <Text fz="xs" c="teal.7" fw={600}>
                      Converted
                    </Text>
                  )}
                </Table.Td>
                <Table.Td fz="sm">{stepName(r.stepId)}</Table.Td>
                <Table.Td>
                  <TimeAgo date={r.enteredAt} />
                </Table.Td>
                <Table.Td>
                  {r.exitedAt ? (
                    <Stack gap={0}>
                      <TimeAgo date={r.exitedAt} />
                      {r.exitReason && (
                        <Text fz="xs" c="dimmed" lineClamp={1} title={r.exitReason}>
                          {r.exitReason}
                        </Text>
                      )}
                    </Stack>
                  ) : (
                    <TimeAgo date={r.dueAt} />
                  )}
                </Table.Td>
                <Table.Td fz="sm" className="patron-tabular">
                  v{r.version}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </TableCard>
      )}
    </Stack>
  );
}

/** Every saved version, with how many customers are still on each; any can be looked at. */
export function VersionsPanel({ flow, lookups }: { flow: FlowDetail; lookups: FlowLookups }): ReactNode {
  const [viewing, setViewing] = useState<number | null>(null);
  const v = useFlowVersion(flow.id, viewing);
  return (
    <>
      <TableCard minWidth={0}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Version</Table.Th>
            <Table.Th>Saved</Table.Th>
            <Table.Th>By</Table.Th>
            <Table.Th ta="right">Customers on it now</Table.Th>
            <Table.Th w={90} />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {flow.versions.map((x) => (
            <Table.Tr key={x.version}>
              <Table.Td fz="sm" fw={600}>
                v{x.version}
                {x.version === flow.version && (
                  <Text span fz="xs" c="dimmed" fw={400}>
                    {' '}
                    (current)
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <TimeAgo date={x.createdAt} />
              </Table.Td>
              <Table.Td fz="sm">{x.createdBy}</Table.Td>
              <Table.Td className="patron-num" fz="sm">
                {x.inFlow.toLocaleString()}
              </Table.Td>
              <Table.Td>
                <Button size="xs" variant="subtle" onClick={() => setViewing(x.version)}>
                  View
                </Button>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </TableCard>
      <Modal opened={viewing !== null} onClose={() => setViewing(null)} title={<Text fw={600}>Version {viewing} (read only)</Text>} size="90%">
        {v.data ? (
          <Stack gap="xs">
            <Group gap="xs">
              <Text fz="sm" c="dimmed">
                Saved by {v.data.createdBy}
              </Text>
            </Group>
            <FlowCanvas
              def={v.data.definition}
              triggerSummary={describeTrigger(v.data.definition.trigger, { segments: Object.fromEntries(lookups.segments.map((s) => [s.id, s.name])) })}
              selected={null}
              onSelect={() => undefined}
              errors={new Map()}
              summary={lookups.summary}
            />
          </Stack>
        ) : v.isError ? (
          <ErrorState error={v.error} onRetry={() => void v.refetch()} />
        ) : (
          <TableSkeleton rows={4} />
        )}
      </Modal>
    </>
  );
}
