import { ActionIcon, Button, Group, Indicator, Popover, ScrollArea, Stack, Text, UnstyledButton } from '@mantine/core';
import { IconBell } from '@tabler/icons-react';
import { relativeTime } from '../../../lib/format.ts';
import { useMarkRead, useNotifications } from './api.ts';

/** Mentions and assignments for the logged-in agent; a click opens the ticket and marks it read. */
export function NotificationsBell({ onOpen }: { onOpen: (ticketId: string) => void }) {
  const list = useNotifications();
  const read = useMarkRead();
  const unread = list.data?.unread ?? 0;
  return (
    <Popover position="bottom-start" width={340} withinPortal shadow="md">
      <Popover.Target>
        <Indicator label={unread} size={16} disabled={!unread} color="red" offset={4}>
          <ActionIcon variant="default" size="lg" aria-label={unread ? `Notifications, ${unread} unread` : 'Notifications'}><IconBell size={18} /></ActionIcon>
        </Indicator>
      </Popover.Target>
      <Popover.Dropdown p={0}>
        <Group justify="space-between" px="sm" py={8} style={{ borderBottom: '1px solid var(--mantine-color-gray-3)' }}>
          <Text fw={600} fz="sm">Notifications</Text>
          {unread > 0 && <Button size="compact-xs" variant="subtle" onClick={() => read.mutate({ all: true })}>Mark all read</Button>}
        </Group>
        <ScrollArea.Autosize mah={360}>
          <Stack gap={0}>
            {!list.data?.items.length && <Text fz="sm" c="dimmed" p="sm">Mentions and tickets assigned to you show here.</Text>}
            {list.data?.items.map((n) => (
              <UnstyledButton key={n.id} px="sm" py={8} style={{ borderBottom: '1px solid var(--mantine-color-gray-2)', background: n.readAt ? undefined : 'var(--mantine-color-blue-0)' }}
                onClick={() => { if (n.ticketId) onOpen(n.ticketId); if (!n.readAt) read.mutate({ ids: [n.id] }); }}>
                <Text fz="sm" lineClamp={2}>{n.text}</Text>
                <Text fz="xs" c="dimmed">{relativeTime(n.createdAt)}</Text>
              </UnstyledButton>
            ))}
          </Stack>
        </ScrollArea.Autosize>
      </Popover.Dropdown>
    </Popover>
  );
}
