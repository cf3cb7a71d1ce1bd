import { Badge, Group, Paper, Progress, Skeleton, Stack, Text, Tooltip } from '@mantine/core';
import { IconClockHour4, IconMoodHappy } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { absoluteTime, relativeTime } from '../../../lib/format.ts';
import { useTicketCsat, useTicketSla, type TicketSla } from './api.ts';

type Target = NonNullable<TicketSla['firstResponse']>;

/** "2h 05m", "3d 4h", "12m" for business minutes. */
export function businessDuration(minutes: number): string {
  const m = Math.abs(Math.round(minutes));
  if (m < 60) return `${m}m`;
  if (m < 24 * 60) return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(m / 1440)}d ${Math.floor((m % 1440) / 60)}h`;
}

const STATE: Record<Target['state'], { color: string; label: string }> = {
  running: { color: 'blue', label: 'On track' },
  at_risk: { color: 'orange', label: 'At risk' },
  breached: { color: 'red', label: 'Breached' },
  paused: { color: 'gray', label: 'Paused' },
  met: { color: 'green', label: 'Met' },
  missed: { color: 'red', label: 'Missed' },
};

function line(t: Target): string {
  switch (t.state) {
    case 'met':
    case 'missed':
      return `${t.state === 'met' ? 'Achieved' : 'Achieved late'} in ${businessDuration(t.achievedMinutes ?? 0)} (target ${businessDuration(t.targetMinutes)})`;
    case 'paused':
      return `${businessDuration(t.remainingMinutes ?? 0)} left when the clock resumes`;
    case 'breached':
      return `Overdue by ${businessDuration(t.remainingMinutes ?? 0)} of business time`;
    default:
      return `${businessDuration(t.remainingMinutes ?? 0)} left of ${businessDuration(t.targetMinutes)}`;
  }
}

function TargetRow({ label, t }: { label: string; t: Target }) {
  const s = STATE[t.state];
  const used = t.remainingMinutes === null ? 100 : Math.min(100, Math.max(0, 100 - (t.remainingMinutes / t.targetMinutes) * 100));
  return (
    <Stack gap={4} data-testid={`sla-${label.toLowerCase().replace(' ', '-')}`}>
      <Group justify="space-between" gap="xs" wrap="nowrap">
        <Text fz="sm" fw={600}>{label}</Text>
        <Tooltip label={t.dueAt ? `Due ${absoluteTime(t.dueAt)}` : 'The clock is paused while the ticket waits for the customer or is on hold'} withArrow>
          <Badge color={s.color} variant={t.state === 'running' ? 'light' : 'filled'} size="sm">{s.label}</Badge>
        </Tooltip>
      </Group>
      {(t.state === 'running' || t.state === 'at_risk' || t.state === 'breached' || t.state === 'paused') && (
        <Progress value={used} color={s.color} size="sm" aria-label={`${label}: ${Math.round(used)} % of the target used`} />
      )}
      <Text fz="xs" c="dimmed">
        {line(t)}
        {t.dueAt && (t.state === 'running' || t.state === 'at_risk') ? ` · due ${relativeTime(t.dueAt)}` : ''}
      </Text>
    </Stack>
  );
}

/**
 * The SLA countdown and satisfaction rating of one ticket, for the ticket view's side panel:
 * `<TicketSlaPanel ticketId={id} />`. Times are business time of the policy's calendar.
 */
export function TicketSlaPanel({ ticketId }: { ticketId: string }): ReactNode {
  const q = useTicketSla(ticketId);
  const csat = useTicketCsat(ticketId);
  if (q.isPending) return <Skeleton h={90} />;
  if (q.isError) return null;
  const s = q.data;
  return (
    <Paper withBorder radius="md" p="md" data-testid="ticket-sla">
      <Stack gap="sm">
        <Group gap={6}>
          <IconClockHour4 size={16} />
          <Text fz="sm" fw={600}>SLA</Text>
          <Text fz="xs" c="dimmed" truncate>
            {s.policyName ? `${s.policyName}${s.calendarName ? ` · ${s.calendarName}` : ''}` : 'No policy applies'}
          </Text>
        </Group>
        {s.firstResponse && <TargetRow label="First response" t={s.firstResponse} />}
        {s.resolution && <TargetRow label="Resolution" t={s.resolution} />}
        {!s.firstResponse && !s.resolution && <Text fz="xs" c="dimmed">No targets for this priority.</Text>}
        {csat.data && (
          <Group gap={6} wrap="nowrap" data-testid="ticket-csat">
            <IconMoodHappy size={16} />
            <Text fz="sm">
              {csat.data.rating ? <>Rated <b>{csat.data.rating} / 5</b>{csat.data.comment ? `: “${csat.data.comment}”` : ''}</> : <>Survey sent {relativeTime(csat.data.sentAt)}, no answer yet</>}
            </Text>
          </Group>
        )}
      </Stack>
    </Paper>
  );
}

/** A compact badge for lists: the state of the ticket's next deadline from its slaDueAt / slaWarnAt. */
export function SlaDueBadge({ dueAt, now = Date.now() }: { dueAt: string | null; now?: number }): ReactNode {
  if (!dueAt) return null;
  const left = (Date.parse(dueAt) - now) / 60_000;
  const color = left <= 0 ? 'red' : left < 60 ? 'orange' : 'gray';
  return (
    <Badge size="xs" variant={left <= 0 ? 'filled' : 'light'} color={color} title={`SLA due ${absoluteTime(dueAt)}`}>
      {left <= 0 ? `SLA ${businessDuration(left)} over` : `SLA ${businessDuration(left)}`}
    </Badge>
  );
}
