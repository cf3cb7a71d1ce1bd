import { Anchor, Avatar, Badge, Box, Group, Paper, Stack, Text, Tooltip, Typography } from '@mantine/core';
import { IconLock, IconPaperclip } from '@tabler/icons-react';
import { absoluteTime, relativeTime } from '../../../lib/format.ts';
import type { TicketDetail, TicketMessage } from './api.ts';

const initials = (name: string | null) => (name ?? '?').split(/\s+/).map((w) => w[0]).join('').slice(0, 2).toUpperCase();

const EVENT_TEXT: Record<string, (d: Record<string, unknown>) => string> = {
  status: (d) => `changed status ${String(d.from ?? '')} → ${String(d.to ?? '')}`,
  assigned: (d) => (d.to ? 'assigned the ticket' : 'unassigned the ticket'),
  team: () => 'moved the ticket to another team',
  priority: (d) => `set priority ${String(d.to ?? '')}`,
  tags: () => 'changed tags',
  merged: (d) => (d.into ? `merged this ticket into #${String(d.intoNumber ?? '')}` : `merged ticket #${String(d.fromNumber ?? '')} into this one`),
  rule: (d) => `ran rule “${String(d.name ?? '')}”`,
  rule_failed: (d) => `rule “${String(d.name ?? '')}” failed: ${String(d.error ?? '')}`,
  macro: (d) => `applied macro “${String(d.name ?? '')}”`,
  follow_up: (d) => `started follow-up #${String(d.number ?? '')}`,
};

function Message({ m }: { m: TicketMessage }) {
  const note = m.direction === 'internal';
  const out = m.direction === 'outbound';
  return (
    <Group align="flex-start" gap="sm" wrap="nowrap" data-message={m.direction}>
      <Avatar size={32} radius="xl" color={note ? 'yellow' : out ? 'blue' : 'gray'}>{initials(m.authorName)}</Avatar>
      <Paper withBorder radius="md" p="sm" style={{ flex: 1, minWidth: 0, background: note ? 'var(--mantine-color-yellow-0)' : out ? 'var(--mantine-color-blue-0)' : 'white', borderColor: note ? 'var(--mantine-color-yellow-3)' : undefined }}>
        <Group justify="space-between" gap="xs" mb={4} wrap="nowrap">
          <Group gap={6} wrap="nowrap" style={{ minWidth: 0 }}>
            <Text fz="sm" fw={600} truncate="end">{m.authorName ?? (m.authorType === 'customer' ? 'Customer' : 'Agent')}</Text>
            {note && <Badge size="xs" color="yellow" variant="light" leftSection={<IconLock size={10} />}>Internal note</Badge>}
            {out && m.deliveryStatus === 'pending' && <Badge size="xs" color="gray" variant="light">Sending…</Badge>}
            {out && m.deliveryStatus === 'failed' && <Tooltip label={m.deliveryError ?? 'Not sent'}><Badge size="xs" color="red" variant="light">Not sent</Badge></Tooltip>}
            {m.metadata.autoReply === true && <Badge size="xs" color="gray" variant="outline">Auto-reply</Badge>}
          </Group>
          <Tooltip label={absoluteTime(m.createdAt)}><Text fz="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>{relativeTime(m.createdAt)}</Text></Tooltip>
        </Group>
        {m.bodyHtml ? (
          // Sanitised on the server before it was stored (no scripts, handlers, styles or frames).
          <Typography fz="sm" style={{ overflowWrap: 'anywhere' }}><div dangerouslySetInnerHTML={{ __html: m.bodyHtml }} /></Typography>
        ) : (
          <Text fz="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>{m.bodyText}</Text>
        )}
        {!!m.attachments.length && (
          <Group gap="xs" mt="xs">
            {m.attachments.map((a) => (
              <Anchor key={a.id} href={a.url} target="_blank" rel="noreferrer" fz="xs"><Group gap={4}><IconPaperclip size={12} />{a.filename} ({Math.ceil(a.size / 1024)} kB)</Group></Anchor>
            ))}
          </Group>
        )}
      </Paper>
    </Group>
  );
}

/** The conversation: messages, notes and what happened to the ticket, oldest first. */
export function Thread({ detail }: { detail: TicketDetail }) {
  const items = [
    ...detail.messages.map((m) => ({ at: m.createdAt, key: m.id, node: <Message m={m} /> })),
    ...detail.events.filter((e) => EVENT_TEXT[e.type]).map((e) => ({
      at: e.createdAt, key: e.id,
      node: <Text fz="xs" c="dimmed" ta="center">{e.actorLabel} {EVENT_TEXT[e.type]!(e.data)} · {relativeTime(e.createdAt)}</Text>,
    })),
  ].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  return (
    <Stack gap="sm">
      {items.map((i) => <Box key={i.key}>{i.node}</Box>)}
    </Stack>
  );
}
