import { Alert, Badge, Box, Button, Group, Loader, Menu, ScrollArea, Select, Stack, TagsInput, Text, Title } from '@mantine/core';
import { IconDots, IconEye, IconPencil } from '@tabler/icons-react';
import { forwardRef, useEffect, useRef, useState } from 'react';
import { ErrorState } from '../../../components/ErrorState.tsx';
import { notifyError, notifySuccess } from '../../../components/notify.tsx';
import { useSession } from '../../session/context.tsx';
import { CHANNEL_LABEL, PRIORITY_COLOR, STATUS_LABEL, useAgents, useFollowUp, useTeams, useTicket, useUpdateTicket, type Priority, type Status } from './api.ts';
import { Composer, type ComposerHandle } from './Composer.tsx';
import { FieldsEditor } from './FieldsEditor.tsx';
import { MergeModal } from './Modals.tsx';
import { useTicketPresence } from './live.ts';
import { CHANNEL_ICON } from './TicketListPane.tsx';
import { Thread } from './Thread.tsx';

/** The right pane's conversation: header with the ticket's fields, collision warning, thread, composer. */
export const Conversation = forwardRef<ComposerHandle, { ticketId: string; onOpen: (id: string) => void }>(function Conversation({ ticketId, onOpen }, ref) {
  const me = useSession();
  const detail = useTicket(ticketId);
  const update = useUpdateTicket(ticketId);
  const followUp = useFollowUp(ticketId);
  const agents = useAgents();
  const teams = useTeams();
  const { others, setTyping } = useTicketPresence(ticketId, me.user.id);
  const bottom = useRef<HTMLDivElement>(null);
  const [merging, setMerging] = useState(false);
  const count = (detail.data?.messages.length ?? 0) + (detail.data?.events.length ?? 0);
  useEffect(() => {
    bottom.current?.scrollIntoView({ block: 'end' });
  }, [ticketId, count]);

  if (detail.isPending) return <Stack align="center" p="xl"><Loader size="sm" /></Stack>;
  if (detail.isError) return <Box p="md"><ErrorState error={detail.error} onRetry={() => void detail.refetch()} /></Box>;
  const t = detail.data.ticket;
  const change = (b: Parameters<typeof update.mutate>[0]) => update.mutate(b, { onError: (e) => notifyError(e) });
  const typing = others.filter((o) => o.state === 'typing');

  return (
    <Stack gap={0} h="100%" style={{ minHeight: 0 }}>
      <Stack gap={8} p="sm" style={{ borderBottom: '1px solid var(--mantine-color-gray-3)' }}>
        <Group justify="space-between" wrap="nowrap" align="flex-start">
          <Box style={{ minWidth: 0 }}>
            <Title order={2} fz="lg" fw={650} lineClamp={2}>{t.subject}</Title>
            <Group gap={6} mt={2}>
              <Text fz="xs" c="dimmed" style={{ display: 'inline-flex', alignItems: 'center', gap: 4 }}>{CHANNEL_ICON[t.channel]} {CHANNEL_LABEL[t.channel]}</Text>
              <Text fz="xs" c="dimmed">· #{t.number}{t.requester.email ? ` · ${t.requester.email}` : ''}</Text>
              {t.mergedInto && <Badge size="xs" color="gray" style={{ cursor: 'pointer' }} onClick={() => onOpen(t.mergedInto!)}>Merged: open the ticket it went into</Badge>}
              {t.followUpOf && <Badge size="xs" color="gray" variant="outline" style={{ cursor: 'pointer' }} onClick={() => onOpen(t.followUpOf!)}>Follow-up</Badge>}
            </Group>
          </Box>
          <Group gap={6} wrap="nowrap">
            <Button size="compact-sm" color="teal" variant={t.status === 'solved' ? 'light' : 'filled'} disabled={t.status === 'solved' || t.status === 'closed'} onClick={() => change({ status: 'solved' })} data-testid="solve">Solve (e)</Button>
            <Menu position="bottom-end" withinPortal>
              <Menu.Target><Button size="compact-sm" variant="default" aria-label="More actions"><IconDots size={16} /></Button></Menu.Target>
              <Menu.Dropdown>
                <Menu.Item onClick={() => setMerging(true)} disabled={!!t.mergedInto}>Merge into another ticket…</Menu.Item>
                <Menu.Item disabled={t.status !== 'closed' && t.status !== 'solved'} onClick={() => followUp.mutate({}, { onSuccess: (x) => { notifySuccess(`Follow-up #${x.number} started`); onOpen(x.id); }, onError: (e) => notifyError(e) })}>Start a follow-up ticket</Menu.Item>
                <Menu.Item onClick={() => change({ status: 'closed' })} disabled={t.status === 'closed'}>Close</Menu.Item>
              </Menu.Dropdown>
            </Menu>
          </Group>
        </Group>
        <Group gap="xs" wrap="wrap">
          <Select size="xs" w={150} aria-label="Status" value={t.status} allowDeselect={false} onChange={(v) => v && change({ status: v as Status })}
            data={Object.entries(STATUS_LABEL).map(([value, label]) => ({ value, label }))} disabled={t.status === 'closed'} />
          <Select size="xs" w={110} aria-label="Priority" value={t.priority} allowDeselect={false} onChange={(v) => v && change({ priority: v as Priority })}
            data={['low', 'normal', 'high', 'urgent']} styles={{ input: { color: `var(--mantine-color-${PRIORITY_COLOR[t.priority]}-7)` } }} />
          <Select size="xs" w={170} aria-label="Assignee" placeholder="Unassigned" clearable value={t.assigneeId} onChange={(v) => change({ assigneeId: v })} searchable
            data={agents.data?.map((a) => ({ value: a.id, label: a.id === me.user.id ? `${a.name} (me)` : a.name })) ?? (t.assigneeId ? [{ value: t.assigneeId, label: t.assigneeName ?? '…' }] : [])} data-testid="assignee" />
          <Select size="xs" w={150} aria-label="Team" placeholder="No team" clearable value={t.teamId} onChange={(v) => change({ teamId: v })}
            data={teams.data?.map((x) => ({ value: x.id, label: x.name })) ?? (t.teamId ? [{ value: t.teamId, label: t.teamName ?? '…' }] : [])} />
          <TagsInput size="xs" aria-label="Tags" placeholder={t.tags.length ? '' : 'Add tags'} value={t.tags} onChange={(tags) => change({ tags })} style={{ flex: 1, minWidth: 160 }} clearable={false} />
        </Group>
        <FieldsEditor ticket={t} />
        {others.length > 0 && (
          <Alert py={6} px="sm" color={typing.length ? 'orange' : 'blue'} icon={typing.length ? <IconPencil size={16} /> : <IconEye size={16} />} data-testid="presence">
            <Text fz="sm">{typing.length ? `${typing.map((o) => o.name).join(', ')} ${typing.length === 1 ? 'is' : 'are'} typing a reply: check before you answer.` : `${others.map((o) => o.name).join(', ')} ${others.length === 1 ? 'is' : 'are'} also viewing this ticket.`}</Text>
          </Alert>
        )}
      </Stack>
      <ScrollArea style={{ flex: 1 }} type="auto" p="sm">
        <Thread detail={detail.data} />
        <div ref={bottom} />
      </ScrollArea>
      <Box p="sm" style={{ borderTop: '1px solid var(--mantine-color-gray-3)' }}>
        {t.status === 'closed' ? (
          <Text fz="sm" c="dimmed" ta="center">This ticket is closed. A new message from the customer starts a follow-up ticket.</Text>
        ) : (
          <Composer ref={ref} key={t.id} ticket={t} onTyping={setTyping} />
        )}
      </Box>
      <MergeModal opened={merging} onClose={() => setMerging(false)} ticket={t} onMerged={(x) => onOpen(x.id)} />
    </Stack>
  );
});
