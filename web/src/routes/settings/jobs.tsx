import { ActionIcon, Alert, Badge, Button, Code, Group, Input, Loader, Paper, Select, SimpleGrid, Stack, Table, Text, Tooltip, VisuallyHidden } from '@mantine/core';
import {
  IconAlertTriangle, IconBriefcase, IconChevronDown, IconChevronRight, IconFilterOff, IconPlayerPlay, IconRefresh, IconTrash,
} from '@tabler/icons-react';
import { Fragment, useState } from 'react';
import type { ReactNode } from 'react';
import { ConfirmModal } from '../../components/ConfirmModal.tsx';
import { TableCard } from '../../components/DataTable.tsx';
import { Empty } from '../../components/Empty.tsx';
import { ErrorState } from '../../components/ErrorState.tsx';
import { Detail } from '../../components/Detail.tsx';
import { JsonBlock } from '../../components/JsonBlock.tsx';
import { notifyError, notifySuccess } from '../../components/notify.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { RequirePermission } from '../../components/RequirePermission.tsx';
import { TableLoadingCard } from '../../components/TableSkeleton.tsx';
import { TimeAgo } from '../../components/TimeAgo.tsx';
import { useIsMobile } from '../../components/useIsMobile.ts';
import { absoluteTime } from '../../lib/format.ts';
import { JOB_STATES, useJobAction, useJobs } from '../../modules/jobs/api.ts';
import type { Job, JobState } from '../../modules/jobs/api.ts';
import { useCan } from '../../modules/session/context.tsx';

export function JobsPage(): ReactNode {
  return (
    <RequirePermission permission="jobs:read">
      <Jobs />
    </RequirePermission>
  );
}

const STATE: Record<JobState, { label: string; color: string }> = {
  waiting: { label: 'Waiting', color: 'blue' },
  scheduled: { label: 'Scheduled', color: 'gray' },
  running: { label: 'Running', color: 'indigo' },
  retrying: { label: 'Retrying', color: 'orange' },
  failed: { label: 'Failed', color: 'red' },
};

function Jobs() {
  const can = useCan();
  const writable = can('jobs:write');
  const [state, setState] = useState<JobState | 'all'>('all');
  const [task, setTask] = useState<string | null>(null);
  const [open, setOpen] = useState<Set<string>>(new Set());
  const [toDelete, setToDelete] = useState<Job | null>(null);
  const mobile = useIsMobile();
  const jobs = useJobs({ state: state === 'all' ? undefined : state, task: task ?? undefined });
  const act = useJobAction();

  const first = jobs.data?.pages[0];
  const items = jobs.data?.pages.flatMap((p) => p.items) ?? [];
  const counts: Partial<Record<JobState, number>> = first?.counts ?? {};
  const total = JOB_STATES.reduce((n, s) => n + (counts[s] ?? 0), 0);
  const filtered = state !== 'all' || task !== null;
  // Registered tasks, plus any in the queue that this process does not define (e.g. from a newer version).
  const taskOptions = [...new Set([...(first?.tasks ?? []), ...items.map((j) => j.task), ...(task ? [task] : [])])].sort();

  const toggle = (id: string) =>
    setOpen((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  const run = (job: Job, action: 'retry' | 'delete') =>
    act.mutate(
      { id: job.id, action },
      {
        onSuccess: () => {
          setToDelete(null);
          notifySuccess(action === 'retry' ? `Job ${job.id} (${job.task}) will run again now.` : `Job ${job.id} (${job.task}) was deleted.`);
        },
        onError: (err) => {
          setToDelete(null);
          notifyError(err, action === 'retry' ? 'Could not retry the job' : 'Could not delete the job');
        },
      },
    );

  return (
    <>
      <PageHeader
        title="Jobs"
        description="Background work — imports, syncs, emails — waiting to run, running, or failed. Failed jobs can be retried once the cause is fixed."
        actions={
          <Group gap={6} c="dimmed" fz="xs" aria-live="polite">
            {jobs.isFetching ? <Loader size={12} /> : <IconRefresh size={14} />}
            <Text fz="xs" c="dimmed">
              Refreshes every 5 s
            </Text>
          </Group>
        }
      />

      {first && !first.workerRunning && (
        <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} />} title="No worker in this process" mb="md">
          This server was started without a job worker, so jobs wait here until a worker picks them up. Run <Code>patron worker</Code> next to it, or
          start the server without <Code>--no-worker</Code>.
        </Alert>
      )}

      <Paper withBorder radius="md" p="md" mb="md">
        <Group justify="space-between" align="flex-end" gap="md">
          <Stack gap={6}>
            <Input.Label component="div" id="job-state-label" mb={0}>
              State
            </Input.Label>
            <Group gap={8} role="group" aria-labelledby="job-state-label">
              {(['all', ...JOB_STATES] as const).map((s) => {
                const active = state === s;
                const n = s === 'all' ? total : (counts[s] ?? 0);
                const color = s === 'all' ? 'indigo' : STATE[s].color;
                return (
                  <Button
                    key={s}
                    size="compact-sm"
                    radius="xl"
                    px="sm"
                    variant={active ? 'light' : 'default'}
                    color={color}
                    aria-pressed={active}
                    onClick={() => setState(s)}
                    rightSection={
                      <Badge size="sm" circle={n < 10} variant={active ? 'filled' : 'light'} color={n === 0 && !active ? 'gray' : color}>
                        {n}
                      </Badge>
                    }
                  >
                    {s === 'all' ? 'All' : STATE[s].label}
                  </Button>
                );
              })}
            </Group>
          </Stack>
          <Select
            label="Task"
            placeholder="All tasks"
            data={taskOptions}
            value={task}
            onChange={setTask}
            searchable
            clearable
            nothingFoundMessage="No such task"
            comboboxProps={{ withinPortal: true }}
            w={{ base: '100%', sm: 240 }}
          />
        </Group>
      </Paper>

      {jobs.isPending ? (
        <TableLoadingCard rows={6} />
      ) : jobs.isError ? (
        <ErrorState error={jobs.error} onRetry={() => void jobs.refetch()} />
      ) : items.length === 0 ? (
        <Paper withBorder radius="md">
          {filtered ? (
            <Empty
              icon={<IconFilterOff size={24} />}
              title={state === 'all' ? 'No jobs for this task' : `No ${STATE[state].label.toLowerCase()} jobs`}
              description="Nothing matches these filters right now. This page refreshes by itself."
              action={
                <Button
                  variant="default"
                  onClick={() => {
                    setState('all');
                    setTask(null);
                  }}
                >
                  Show all jobs
                </Button>
              }
            />
          ) : (
            <Empty
              icon={<IconBriefcase size={24} />}
              title="The queue is empty"
              description="Nothing is waiting, running or failed. Jobs appear here while they wait for a worker, while they run, and if they fail."
            />
          )}
        </Paper>
      ) : (
        <TableCard
          minWidth={{ base: 0, md: 900 }}
          footer={
            jobs.hasNextPage && (
              <Group justify="center" p="md" style={{ borderTop: '1px solid var(--mantine-color-default-border)' }}>
                <Button variant="default" onClick={() => void jobs.fetchNextPage()} loading={jobs.isFetchingNextPage}>
                  Load more
                </Button>
              </Group>
            )
          }
        >
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={36} />
              {!mobile && <Table.Th>ID</Table.Th>}
              <Table.Th>Task</Table.Th>
              {!mobile && <Table.Th>State</Table.Th>}
              {!mobile && <Table.Th>Attempts</Table.Th>}
              {!mobile && <Table.Th>Run at</Table.Th>}
              <Table.Th visibleFrom="md">Last error</Table.Th>
              {writable && (
                <Table.Th>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              )}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((j) => (
              <JobRow
                key={j.id}
                job={j}
                open={open.has(j.id)}
                onToggle={() => toggle(j.id)}
                writable={writable}
                busy={act.isPending && act.variables.id === j.id}
                onRetry={() => run(j, 'retry')}
                onDelete={() => setToDelete(j)}
              />
            ))}
          </Table.Tbody>
        </TableCard>
      )}

      <ConfirmModal
        opened={toDelete !== null}
        onClose={() => setToDelete(null)}
        title={`Delete job ${toDelete?.id ?? ''}?`}
        confirmLabel="Delete job"
        loading={act.isPending}
        onConfirm={() => toDelete && run(toDelete, 'delete')}
      >
        The “{toDelete?.task}” job will not run again. Whatever it was meant to do (send, sync, import) will not happen.
      </ConfirmModal>
    </>
  );
}

function JobRow({ job: j, open, onToggle, writable, busy, onRetry, onDelete }: {
  job: Job;
  open: boolean;
  onToggle: () => void;
  writable: boolean;
  busy: boolean;
  onRetry: () => void;
  onDelete: () => void;
}) {
  const retryLabel = j.state === 'failed' || j.state === 'retrying' ? 'Retry' : 'Run now';
  const mobile = useIsMobile();
  return (
    <Fragment>
      <Table.Tr className="patron-row-clickable" onClick={onToggle} bg={open ? 'var(--mantine-color-default-hover)' : undefined}>
        <Table.Td>
          <ActionIcon
            variant="subtle"
            color="gray"
            size="sm"
            aria-label={open ? `Hide details of job ${j.id}` : `Show details of job ${j.id}`}
            aria-expanded={open}
            onClick={(ev) => {
              ev.stopPropagation();
              onToggle();
            }}
          >
            {open ? <IconChevronDown size={16} /> : <IconChevronRight size={16} />}
          </ActionIcon>
        </Table.Td>
        {!mobile && (
          <Table.Td>
            <Code fz="xs">{j.id}</Code>
          </Table.Td>
        )}
        <Table.Td>
          <Text fz="sm" fw={500}>
            {j.task}
          </Text>
          {mobile && (
            <>
              <Text fz="xs" c="dimmed">
                #{j.id} · {j.attempts}/{j.maxAttempts} attempts · <TimeAgo date={j.runAt} fz="xs" />
              </Text>
              <Badge variant="light" size="sm" mt={4} color={STATE[j.state].color}>
                {STATE[j.state].label}
              </Badge>
            </>
          )}
        </Table.Td>
        {!mobile && (
          <Table.Td>
            <Badge variant="light" color={STATE[j.state].color}>
              {STATE[j.state].label}
            </Badge>
          </Table.Td>
        )}
        {!mobile && (
          <Table.Td>
            <Text fz="sm" c={j.attempts >= j.maxAttempts ? 'red' : undefined}>
              {j.attempts} / {j.maxAttempts}
            </Text>
          </Table.Td>
        )}
        {!mobile && (
          <Table.Td>
            <TimeAgo date={j.runAt} />
          </Table.Td>
        )}
        <Table.Td visibleFrom="md">
          {j.lastError ? (
            <Text fz="sm" c="red.7" truncate maw={220} title={j.lastError}>
              {j.lastError.split('\n')[0]}
            </Text>
          ) : (
            <Text fz="sm" c="dimmed">
              —
            </Text>
          )}
        </Table.Td>
        {writable && (
          <Table.Td onClick={(ev) => ev.stopPropagation()}>
            {j.state !== 'running' && (
              <Group gap={4} wrap="nowrap" justify="flex-end">
                <Tooltip label={retryLabel} withArrow>
                  <ActionIcon variant="subtle" color="indigo" aria-label={`${retryLabel} job ${j.id}`} onClick={onRetry} loading={busy}>
                    <IconPlayerPlay size={16} />
                  </ActionIcon>
                </Tooltip>
                <Tooltip label="Delete" withArrow>
                  <ActionIcon variant="subtle" color="red" aria-label={`Delete job ${j.id}`} onClick={onDelete} disabled={busy}>
                    <IconTrash size={16} />
                  </ActionIcon>
                </Tooltip>
              </Group>
            )}
          </Table.Td>
        )}
      </Table.Tr>
      {open && (
        <Table.Tr>
          <Table.Td colSpan={writable ? 8 : 7} bg="var(--patron-surface)" px="lg" py="md">
            <Stack gap="md">
              <SimpleGrid cols={{ base: 2, md: 5 }} spacing="sm">
                <Detail label="Attempts" value={`${j.attempts} of ${j.maxAttempts}`} />
                <Detail label="Run at" value={absoluteTime(j.runAt)} />
                <Detail label="Created" value={absoluteTime(j.createdAt)} />
                <Detail label="Queue" value={j.queue} />
                <Detail label="Key" value={j.key} />
              </SimpleGrid>
              {j.lastError && (
                <Stack gap={4}>
                  <Text fz="xs" fw={600} c="dimmed" tt="uppercase">
                    Last error
                  </Text>
                  <Code block fz="xs" c="red.8" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word', maxHeight: 320, overflow: 'auto' }}>
                    {j.lastError}
                  </Code>
                </Stack>
              )}
              <JsonBlock label="Payload" value={j.payload} />
            </Stack>
          </Table.Td>
        </Table.Tr>
      )}
    </Fragment>
  );
}
