import { Anchor, Group, Stack, Table, Text } from '@mantine/core';
import { IconInbox } from '@tabler/icons-react';
import { Link, useNavigate } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { Empty } from '../../../components/Empty.tsx';
import { PagedTable } from '../../../components/PagedTable.tsx';
import { useIsMobile } from '../../../components/useIsMobile.ts';
import { useMessages } from './api.ts';
import { MessageRow } from './MessageRow.tsx';

/** The customer page's Messages tab: every email and SMS meant for this customer, sent or not, and why. */
export function CustomerMessagesPanel({ customerId }: { customerId: string }): ReactNode {
  const mobile = useIsMobile();
  const navigate = useNavigate();
  const list = useMessages({ customerId }, false);
  const messages = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Text fz="sm" c="dimmed">
          Campaigns, flows and transactional mail for this customer, newest first; skipped ones say why.
        </Text>
        <Anchor renderRoot={(props) => <Link to="/messages" search={{ customerId }} {...props} />} fz="sm">
          Open in the outbox
        </Anchor>
      </Group>
      <PagedTable
        query={list}
        count={messages.length}
        noun={['message', 'messages']}
        rows={4}
        minWidth={{ base: 0, sm: 620 }}
        empty={<Empty icon={<IconInbox size={24} />} title="No messages yet" description="Messages from campaigns, flows and test sends to this customer appear here." />}
      >
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{mobile ? 'Message' : 'Time'}</Table.Th>
            {!mobile && <Table.Th>Message</Table.Th>}
            <Table.Th>Status</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {messages.map((m) => (
            <MessageRow key={m.id} m={m} mobile={mobile} hideRecipient onOpen={() => void navigate({ to: '/messages/$id', params: { id: m.id } })} />
          ))}
        </Table.Tbody>
      </PagedTable>
    </Stack>
  );
}
