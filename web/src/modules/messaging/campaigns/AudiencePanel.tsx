import { Alert, Box, Divider, Group, Loader, Paper, Skeleton, Stack, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconAlertTriangle } from '@tabler/icons-react';
import { errorMessage } from '../../../lib/api.ts';
import { formatInt } from '../../../lib/money.ts';
import { useEstimate, type Estimate } from './api.ts';

/** The live audience of the campaign being edited: who is in it, who can be sent to, and why the rest cannot. */
export function AudiencePanel({ include, exclude, channel, kind }: { include: string[]; exclude: string[]; channel: 'email' | 'sms'; kind: 'marketing' | 'transactional' }) {
  const body = include.length ? { include, exclude: exclude.filter((x) => !include.includes(x)), channel, kind } : null;
  const [debounced] = useDebouncedValue(body, 300);
  const q = useEstimate(debounced);
  const e: Estimate | undefined = body ? q.data : undefined;
  const address = channel === 'email' ? 'email address' : 'phone number';
  const ch = channel === 'email' ? 'email' : 'SMS';
  return (
    <Paper withBorder radius="md" p="md" role="region" aria-label="Audience">
      <Stack gap="sm">
        <Group justify="space-between">
          <Text fz="xs" fw={600} c="dimmed" tt="uppercase" style={{ letterSpacing: '0.05em' }}>
            Audience
          </Text>
          {q.isFetching && <Loader size={12} />}
        </Group>
        {!body ? (
          <Text fz="sm" c="dimmed">
            Choose the segments to send to: the count of who would receive it appears here.
          </Text>
        ) : q.isError ? (
          <Text fz="sm" c="red.7">
            {errorMessage(q.error)}
          </Text>
        ) : !e ? (
          <Skeleton h={80} />
        ) : (
          <>
            <Box style={{ opacity: q.isPlaceholderData ? 0.5 : 1 }}>
              <Group gap={8} align="baseline">
                <Text fz={34} fw={700} lh={1.1} className="patron-tabular" data-testid="audience-recipients">
                  {formatInt(e.recipients)}
                </Text>
                <Text fz="sm" c="dimmed">
                  {e.recipients === 1 ? 'recipient' : 'recipients'}
                </Text>
              </Group>
              <Text fz="xs" c="dimmed" mt={2}>
                {kind === 'marketing' ? `Subscribed to ${ch} marketing, not suppressed, one per address.` : `With an ${address}, not suppressed, one per address.`}
              </Text>
            </Box>
            <Divider />
            <Stack gap={6}>
              <Row label="In the segments" value={e.total} />
              <Row label={`With an ${address}`} value={e.withAddress} />
              {kind === 'marketing' && <Row label={`Subscribed to ${ch} marketing`} value={e.consented} />}
              <Row label="Suppressed (bounces, complaints)" value={e.suppressed} muted />
            </Stack>
            {e.recipients === 0 && (
              <Alert color="orange" icon={<IconAlertTriangle size={16} />} p="xs">
                <Text fz="xs">
                  {e.total === 0
                    ? 'These segments have no members right now.'
                    : kind === 'marketing' && e.consented === 0
                      ? `No one in this audience has ${ch} marketing consent, so it cannot be sent.`
                      : 'No one in this audience can receive it.'}
                </Text>
              </Alert>
            )}
            <Text fz="xs" c="dimmed">
              Counted now; the audience is fixed when sending starts, and consent is checked again for every message.
            </Text>
          </>
        )}
      </Stack>
    </Paper>
  );
}

function Row({ label, value, muted }: { label: string; value: number; muted?: boolean }) {
  return (
    <Group justify="space-between" gap="xs" wrap="nowrap">
      <Text fz="sm" c={muted ? 'dimmed' : undefined}>
        {label}
      </Text>
      <Text fz="sm" fw={500} className="patron-tabular" c={muted ? 'dimmed' : undefined}>
        {formatInt(value)}
      </Text>
    </Group>
  );
}
