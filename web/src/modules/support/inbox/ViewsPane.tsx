import { ActionIcon, Badge, Box, Button, Divider, Group, NavLink, ScrollArea, Stack, Text, Tooltip } from '@mantine/core';
import { IconAlarm, IconInbox, IconPlus, IconStack2, IconTag, IconTrash, IconUser, IconUserQuestion, IconUsersGroup, IconCircleCheck, IconClockPause, IconBookmark } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { notifyError } from '../../../components/notify.tsx';
import { useDeleteView, useViewCounts } from './api.ts';
import { NotificationsBell } from './NotificationsBell.tsx';

const BUILTIN: { key: string; label: string; icon: ReactNode }[] = [
  { key: 'mine', label: 'Mine', icon: <IconUser size={16} /> },
  { key: 'unassigned', label: 'Unassigned', icon: <IconUserQuestion size={16} /> },
  { key: 'open', label: 'All open', icon: <IconInbox size={16} /> },
  { key: 'sla', label: 'SLA at risk', icon: <IconAlarm size={16} /> },
  { key: 'pending', label: 'Pending', icon: <IconClockPause size={16} /> },
  { key: 'solved', label: 'Solved, closed', icon: <IconCircleCheck size={16} /> },
  { key: 'all', label: 'Everything', icon: <IconStack2 size={16} /> },
];

function Section({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Stack gap={2}>
      <Text fz={11} fw={650} c="dimmed" tt="uppercase" px="xs" pt="xs" style={{ letterSpacing: '0.05em' }}>{label}</Text>
      {children}
    </Stack>
  );
}

const count = (n: number | undefined, strong = false) =>
  n === undefined ? null : <Badge size="sm" variant={strong && n > 0 ? 'filled' : 'light'} color={strong && n > 0 ? 'red' : 'gray'} radius="sm">{n.toLocaleString('en-US')}</Badge>;

/** The left pane: built-in views, teams, tags and saved views, each with its count. */
export function ViewsPane({ view, onView, onNew, onSave, live, onOpenTicket }: { view: string; onView: (v: string) => void; onNew: () => void; onSave: () => void; live: boolean; onOpenTicket: (id: string) => void }) {
  const counts = useViewCounts();
  const del = useDeleteView();
  const c = counts.data;
  const item = (key: string, label: string, icon: ReactNode, n: number | undefined, strong = false, extra?: ReactNode) => (
    <NavLink key={key} active={view === key} label={label} leftSection={icon} rightSection={<Group gap={4} wrap="nowrap">{count(n, strong)}{extra}</Group>}
      onClick={() => onView(key)} variant="light" style={{ borderRadius: 'var(--mantine-radius-md)' }} py={6} />
  );
  return (
    <Stack gap="xs" h="100%" style={{ minHeight: 0 }}>
      <Group gap={6} wrap="nowrap">
        <Button leftSection={<IconPlus size={16} />} onClick={onNew} variant="light" style={{ flex: 1 }}>New ticket</Button>
        <NotificationsBell onOpen={onOpenTicket} />
      </Group>
      <ScrollArea style={{ flex: 1 }} type="auto" offsetScrollbars>
        <Stack gap="sm">
          <Section label="Views">
            {BUILTIN.map((b) => item(b.key, b.label, b.icon, b.key === 'solved' || b.key === 'all' ? undefined : c?.builtin[b.key], b.key === 'sla'))}
          </Section>
          {!!c?.teams.length && (
            <Section label="Teams">{c.teams.map((t) => item(`team:${t.id}`, t.name, <IconUsersGroup size={16} />, t.count))}</Section>
          )}
          {!!c?.tags.length && (
            <Section label="Tags">{c.tags.slice(0, 10).map((t) => item(`tag:${t.tag}`, t.tag, <IconTag size={16} />, t.count))}</Section>
          )}
          <Section label="Saved views">
            {c?.saved.map((s) => item(s.id, s.name, <IconBookmark size={16} />, s.count, false,
              <Tooltip label="Delete view">
                <ActionIcon size="xs" variant="subtle" color="gray" aria-label={`Delete view ${s.name}`}
                  onClick={(e) => { e.stopPropagation(); del.mutate(s.id, { onError: (err) => notifyError(err) }); }}>
                  <IconTrash size={12} />
                </ActionIcon>
              </Tooltip>))}
            <Button variant="subtle" size="compact-sm" leftSection={<IconPlus size={14} />} onClick={onSave} justify="flex-start" color="gray">Save this view</Button>
          </Section>
        </Stack>
      </ScrollArea>
      <Divider />
      <Group gap={6} px="xs">
        <Box w={8} h={8} style={{ borderRadius: 8, background: live ? 'var(--mantine-color-teal-6)' : 'var(--mantine-color-gray-5)' }} />
        <Text fz="xs" c="dimmed">{live ? 'Live updates on' : 'Connecting…'}</Text>
        <Text fz="xs" c="dimmed" ml="auto">Press <b>?</b> for shortcuts</Text>
      </Group>
    </Stack>
  );
}
