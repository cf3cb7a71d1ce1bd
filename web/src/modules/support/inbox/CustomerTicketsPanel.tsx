import { Anchor, Badge, Group, Paper, Stack, Table, Text } from '@mantine/core';
import { IconMessages } from '@tabler/icons-react';
import { Link } from '@tanstack/react-router';
import { Empty } from '../../../components/Empty.tsx';
import { QueryStates } from '../../../components/QueryStates.tsx';
import { relativeTime } from '../../../lib/format.ts';
import { CHANNEL_LABEL, STATUS_COLOR, STATUS_LABEL, useCustomerTickets } from './api.ts';

/** The customer page's Tickets tab: every conversation with this customer, newest activity first. */
export function CustomerTicketsPanel({ customerId }: { customerId: string }) {
  const tickets = useCustomerTickets(customerId);
  return (
    <Stack gap="sm">
      <Text fz="sm" c="dimmed">Support conversations on every channel; open one in the inbox to reply.</Text>
      <QueryStates query={tickets} empty={<Empty icon={<IconMessages size={24} />} title="No tickets" description="Emails, chats, form messages and calls from this customer appear here." />}>
        {(items) => (
          <Paper withBorder radius="md">
            <Table verticalSpacing="sm">
              <Table.Thead><Table.Tr><Table.Th>Ticket</Table.Th><Table.Th>Status</Table.Th><Table.Th>Channel</Table.Th><Table.Th>Last activity</Table.Th></Table.Tr></Table.Thead>
              <Table.Tbody>
                {items.map((t) => (
                  <Table.Tr key={t.id}>
                    <Table.Td>
                      <Anchor fz="sm" fw={600} renderRoot={(p) => <Link to="/support/inbox" search={{ view: 'all', t: t.id }} {...p} />}>#{t.number} {t.subject}</Anchor>
                      <Text fz="xs" c="dimmed" lineClamp={1}>{t.preview}</Text>
                    </Table.Td>
                    <Table.Td><Group gap={4}><Badge size="sm" variant="light" color={STATUS_COLOR[t.status]}>{STATUS_LABEL[t.status]}</Badge></Group></Table.Td>
                    <Table.Td>{CHANNEL_LABEL[t.channel]}</Table.Td>
                    <Table.Td>{relativeTime(t.lastMessageAt)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Paper>
        )}
      </QueryStates>
    </Stack>
  );
}
