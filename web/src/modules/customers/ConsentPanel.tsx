import { Anchor, Group, Paper, Skeleton, Stack, Text, ThemeIcon, Timeline, Title, Tooltip } from '@mantine/core';
import { IconMail, IconMessage, IconPencil, IconShieldCheck, IconWorldWww } from '@tabler/icons-react';
import { useState } from 'react';
import { ErrorState } from '../../components/ErrorState.tsx';
import { TimeAgo } from '../../components/TimeAgo.tsx';
import { absoluteTime, shortDate } from '../../lib/format.ts';
import { useConsent } from './api.ts';
import type { ConsentChannel, ConsentEvent, CustomerDetail } from './api.ts';
import { CHANNEL_LABELS, CHANNEL_NAMES, ConsentBadge, SHORT_NAMES, STATUS_COLORS, STATUS_LABELS } from './ConsentBadge.tsx';
import { ConsentModal } from './ConsentModal.tsx';

const METHOD_LABELS: Record<string, string> = {
  single_opt_in: 'single opt-in', double_opt_in: 'double opt-in', import: 'file import', admin: 'changed by hand', webhook: 'store webhook', api: 'REST API',
  unsubscribe_link: 'unsubscribe link', preference_centre: 'preference centre', spam_complaint: 'marked as spam',
};
const SHOWN = 5;

/** Consent per channel (email and SMS marketing, website tracking), who changed it and why (the ledger), and changing it with a reason. */
export function ConsentPanel({ customer: c, writable }: { customer: CustomerDetail; writable: boolean }) {
  const view = useConsent(c.id);
  const [editing, setEditing] = useState<ConsentChannel | null>(null);
  const [all, setAll] = useState(false);
  const history = view.data?.history ?? [];
  const current = view.data?.current ?? c.consent;

  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby="consent-title">
      <Group justify="space-between" mb="sm" gap="xs">
        <Title order={2} fz="md" fw={600} id="consent-title">
          Consent
        </Title>
        <ThemeIcon variant="light" color="lime" size="sm" radius="xl" aria-hidden>
          <IconShieldCheck size={14} />
        </ThemeIcon>
      </Group>
      <Stack gap="sm">
        {(['email', 'sms', 'tracking'] as const).map((ch) => (
          <Stack key={ch} gap={4}>
            <Group justify="space-between" wrap="nowrap" gap="xs">
              <Text fz="sm" c="dimmed">
                {CHANNEL_LABELS[ch]}
              </Text>
              {writable && (
                <Anchor component="button" type="button" fz="xs" onClick={() => setEditing(ch)} aria-label={`Change ${CHANNEL_NAMES[ch]} consent`}>
                  <Group gap={4} wrap="nowrap">
                    <IconPencil size={12} />
                    Change
                  </Group>
                </Anchor>
              )}
            </Group>
            <div>
              <ConsentBadge channel={ch} state={current[ch]} withChannel={false} />
            </div>
          </Stack>
        ))}
      </Stack>

      <Text fz="xs" fw={600} c="dimmed" tt="uppercase" mt="md" mb={8}>
        History
      </Text>
      {view.isPending ? (
        <Stack gap={6}>
          <Skeleton h={14} w="80%" />
          <Skeleton h={14} w="60%" />
        </Stack>
      ) : view.isError ? (
        <ErrorState error={view.error} onRetry={() => void view.refetch()} />
      ) : history.length === 0 ? (
        <Text fz="sm" c="dimmed">
          No consent recorded yet. It arrives with store webhooks and imports, through the API, or when someone on the team sets it here.
        </Text>
      ) : (
        <>
          <Timeline bulletSize={20} lineWidth={2} active={-1}>
            {(all ? history : history.slice(0, SHOWN)).map((e) => (
              <Timeline.Item key={e.id} bullet={<EventBullet e={e} />} title={<EventTitle e={e} />}>
                <EventBody e={e} />
              </Timeline.Item>
            ))}
          </Timeline>
          {history.length > SHOWN && (
            <Anchor component="button" type="button" fz="xs" mt="xs" onClick={() => setAll((v) => !v)}>
              {all ? 'Show fewer' : `Show all ${history.length} changes`}
            </Anchor>
          )}
        </>
      )}

      {writable && <ConsentModal customerId={c.id} channel={editing} state={editing ? current[editing] : null} onClose={() => setEditing(null)} />}
    </Paper>
  );
}

function EventBullet({ e }: { e: ConsentEvent }) {
  const Icon = e.channel === 'email' ? IconMail : e.channel === 'sms' ? IconMessage : IconWorldWww;
  return (
    <ThemeIcon size={20} radius="xl" variant={e.applied ? 'filled' : 'light'} color={e.applied ? STATUS_COLORS[e.status] : 'gray'}>
      <Icon size={11} />
    </ThemeIcon>
  );
}

function EventTitle({ e }: { e: ConsentEvent }) {
  return (
    <Text fz="sm" fw={500} c={e.applied ? undefined : 'dimmed'} td={e.applied ? undefined : 'line-through'}>
      {SHORT_NAMES[e.channel]}: {STATUS_LABELS[e.status].toLowerCase()}
      {e.previousStatus && (
        <Text span fz="xs" c="dimmed" fw={400} td="none">
          {' '}
          (was {STATUS_LABELS[e.previousStatus].toLowerCase()})
        </Text>
      )}
    </Text>
  );
}

function EventBody({ e }: { e: ConsentEvent }) {
  return (
    <Stack gap={2}>
      <Text fz="xs" c="dimmed">
        <Tooltip label={`Happened ${absoluteTime(e.occurredAt)}; recorded ${absoluteTime(e.recordedAt)}`} withArrow>
          <span>{shortDate(e.occurredAt)}</span>
        </Tooltip>
        {' · '}
        {e.source} · {METHOD_LABELS[e.method] ?? e.method}
      </Text>
      <Text fz="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
        by {e.actorLabel}, <TimeAgo date={e.recordedAt} fz="xs" c="dimmed" span />
      </Text>
      {e.reason && (
        <Text fz="xs" fs="italic" style={{ overflowWrap: 'anywhere' }}>
          “{e.reason}”
        </Text>
      )}
      {!e.applied && (
        <Text fz="xs" c="orange.8">
          Not applied: a newer consent was already recorded.
        </Text>
      )}
    </Stack>
  );
}
