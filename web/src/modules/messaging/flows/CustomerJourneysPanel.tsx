import { Anchor, Badge, Group, Paper, Stack, Text, ThemeIcon, Timeline } from '@mantine/core';
import { IconCircleCheck, IconCircleX, IconMail, IconRoute, IconTargetArrow } from '@tabler/icons-react';
import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import type { StepType } from '../../../../../server/src/modules/messaging/flows.definition.ts';
import { Empty } from '../../../components/Empty.tsx';
import { ErrorState } from '../../../components/ErrorState.tsx';
import { TableSkeleton } from '../../../components/TableSkeleton.tsx';
import { TimeAgo } from '../../../components/TimeAgo.tsx';
import { absoluteTime } from '../../../lib/format.ts';
import { useJourneys, type Journey } from './api.ts';
import { RunStatusBadge } from './status.tsx';
import { STEP_INFO } from './steps.ts';
import './flows.css';

const MESSAGE_STATUS: Record<string, string> = {
  queued: 'queued', sending: 'sending', sent: 'sent', failed: 'failed', skipped: 'skipped', cancelled: 'cancelled', uncertain: 'uncertain',
};

/** A customer's journeys through flows, on their 360° page: where they are, what happened at each step, what was sent. */
export function CustomerJourneysPanel({ customerId }: { customerId: string }): ReactNode {
  const q = useJourneys(customerId);
  if (q.isPending) {
    return (
      <Paper withBorder radius="md">
        <TableSkeleton rows={3} />
      </Paper>
    );
  }
  if (q.isError) return <ErrorState error={q.error} onRetry={() => void q.refetch()} />;
  if (q.data.length === 0) {
    return (
      <Paper withBorder radius="md">
        <Empty icon={<IconRoute size={24} />} title="No journeys yet" description="When this customer enters a flow (an abandoned cart, a welcome series…), each step they pass shows here." />
      </Paper>
    );
  }
  return (
    <Stack gap="md" data-testid="journeys">
      {q.data.map((j) => (
        <JourneyCard key={j.runId} j={j} />
      ))}
    </Stack>
  );
}

function JourneyCard({ j }: { j: Journey }) {
  const live = j.status === 'active' || j.status === 'waiting';
  const messages = new Map(j.messages.map((m) => [m.stepId, m]));
  return (
    <Paper withBorder radius="md" p="md">
      <Group justify="space-between" align="flex-start" wrap="wrap" gap="xs" mb="sm">
        <Stack gap={2} style={{ minWidth: 0 }}>
          <Group gap={8}>
            <Anchor renderRoot={(p) => <Link to="/flows/$id" params={{ id: j.flowId }} {...p} />} fw={600}>
              {j.flowName}
            </Anchor>
            <RunStatusBadge status={j.status} />
            {j.goalAt && (
              <Badge size="sm" variant="light" color="teal" leftSection={<IconTargetArrow size={12} />}>
                Converted
              </Badge>
            )}
          </Group>
          <Text fz="xs" c="dimmed">
            Entered <TimeAgo date={j.enteredAt} fz="xs" /> · version {j.version}
            {j.exitReason && ` · ${j.exitReason}`}
          </Text>
        </Stack>
        {live && j.stepName && (
          <Text fz="xs" c="blue.7" fw={500}>
            At “{j.stepName}”{j.dueAt && <> · next <TimeAgo date={j.dueAt} fz="xs" c="blue.7" /></>}
          </Text>
        )}
      </Group>
      <Timeline bulletSize={22} lineWidth={2} active={j.steps.length - 1}>
        {j.steps.map((s) => {
          const info = STEP_INFO[s.type as StepType];
          const m = messages.get(s.stepId);
          const waiting = s.status === 'waiting' || s.status === 'started';
          const Icon = s.status === 'failed' ? IconCircleX : info ? info.icon : IconCircleCheck;
          return (
            <Timeline.Item
              key={s.stepId}
              bullet={
                <ThemeIcon size={22} radius="xl" color={s.status === 'failed' ? 'red' : waiting ? 'blue' : (info?.color ?? 'gray')} variant={waiting ? 'light' : 'filled'}>
                  <Icon size={12} />
                </ThemeIcon>
              }
              title={
                <Group gap={6}>
                  <Text fz="sm" fw={500}>
                    {s.name}
                  </Text>
                  {s.branch && s.branch !== 'next' && (
                    <Badge size="xs" variant="light" color="gray">
                      {s.branch}
                    </Badge>
                  )}
                </Group>
              }
            >
              <Text fz="xs" c="dimmed" title={absoluteTime(s.startedAt)}>
                {waiting ? (s.dueAt ? <>Waiting until {absoluteTime(s.dueAt)}</> : 'In progress') : s.status === 'failed' ? `Failed${failure(s.detail)}` : <>Done <TimeAgo date={s.doneAt ?? s.startedAt} fz="xs" c="dimmed" /></>}
              </Text>
              {m && (
                <Group gap={6} mt={4}>
                  <IconMail size={13} color="var(--mantine-color-dimmed)" />
                  <Anchor renderRoot={(p) => <Link to="/messages/$id" params={{ id: m.id }} {...p} />} fz="xs">
                    {m.subject ?? (m.channel === 'sms' ? 'SMS' : 'Email')}
                  </Anchor>
                  <Text fz="xs" c={m.status === 'sent' ? 'teal.7' : m.status === 'skipped' || m.status === 'failed' ? 'orange.8' : 'dimmed'}>
                    {MESSAGE_STATUS[m.status] ?? m.status}
                    {m.skipReason ? ` (${m.skipReason.replace(/_/g, ' ')})` : ''}
                    {m.openedAt ? ' · opened' : ''}
                    {m.clickedAt ? ' · clicked' : ''}
                  </Text>
                </Group>
              )}
            </Timeline.Item>
          );
        })}
      </Timeline>
    </Paper>
  );
}

function failure(detail: unknown): string {
  const d = detail as { error?: string; statusCode?: number } | null;
  return d?.error ? `: ${d.error}` : d?.statusCode ? `: HTTP ${d.statusCode}` : '';
}
