import { Alert, Anchor, Button, Grid, Group, Paper, Select, Stack, Table, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconFilterOff, IconInbox, IconInfoCircle, IconSearch } from '@tabler/icons-react';
import { getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import { useEffect, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { Empty, NoMatches } from '../../components/Empty.tsx';
import { PagedTable } from '../../components/PagedTable.tsx';
import { FilterChip } from '../../components/FilterChip.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { RequirePermission } from '../../components/RequirePermission.tsx';
import { Stat, StatGroup } from '../../components/StatCard.tsx';
import { useIsMobile } from '../../components/useIsMobile.ts';
import { formatInt } from '../../lib/money.ts';
import { CustomerChip } from '../../modules/customers/CustomerChip.tsx';
import { MESSAGE_PURPOSES, MESSAGE_STATUSES, useMessages, useMessagingSettings, useOutboxStats } from '../../modules/messaging/messages/api.ts';
import type { MessagesFilters } from '../../modules/messaging/messages/api.ts';
import { shortId } from '../../modules/messaging/messages/links.ts';
import { MessageRow } from '../../modules/messaging/messages/MessageRow.tsx';
import { PURPOSE_LABELS, STATUS_INFO } from '../../modules/messaging/messages/status.tsx';

const route = getRouteApi('/app/messages');

export function OutboxPage(): ReactNode {
  return (
    <RequirePermission permission="messaging:read">
      <Outbox />
    </RequirePermission>
  );
}

function Outbox() {
  const search = route.useSearch();
  const navigate = useNavigate({ from: '/messages' });
  const [text, setText] = useState(search.q ?? '');
  const [q] = useDebouncedValue(text.trim(), 300);
  const mobile = useIsMobile();
  const settings = useMessagingSettings();
  const stats = useOutboxStats();
  const live = (stats.data?.queued ?? 0) > 0;
  const list = useMessages(search, live);
  const messages = list.data?.pages.flatMap((p) => p.items) ?? [];

  useEffect(() => {
    if ((search.q ?? '') !== q) void navigate({ search: (s) => ({ ...s, q: q || undefined }), replace: true });
    // Only the debounced text drives the address bar.
  }, [q]);
  useEffect(() => {
    if ((search.q ?? '') !== text.trim()) setText(search.q ?? '');
  }, [search.q]);
  // The queue just drained: show the last of it as sent.
  const wasLive = useRef(live);
  useEffect(() => {
    if (wasLive.current && !live) void list.refetch();
    wasLive.current = live;
  }, [live]);

  const set = (patch: Partial<MessagesFilters>) => void navigate({ search: (s) => ({ ...s, ...patch }), replace: true });
  const filtered = Boolean(search.q || search.status || search.channel || search.purpose || search.customerId || search.campaignId || search.flowId);
  const clear = () => {
    setText('');
    void navigate({ search: {}, replace: true });
  };

  return (
    <>
      <PageHeader title="Outbox" description="Every message Patron sends or holds (campaigns, flows, tests and transactional mail), newest first, with what happened to each." />

      <Stack gap="md">
        {settings.data?.emailMode === 'outbox' && (
          <Alert color="blue" variant="light" icon={<IconInfoCircle size={18} />} title="Messages stay in the outbox">
            No SMTP server is configured: messages are kept here, nothing leaves Patron. Configure SMTP in{' '}
            <Anchor renderRoot={(props) => <Link to="/settings/messaging" {...props} />} fz="sm" fw={500}>
              Settings → Email &amp; SMS
            </Anchor>
            .
          </Alert>
        )}

        <StatGroup cols={{ base: 2, sm: 3, lg: 5 }}>
          <Stat label="Queued" value={formatInt(stats.data?.queued)} hint={live ? 'Refreshing every 5 s' : 'Nothing waiting'} loading={stats.isPending} />
          <Stat label="Sent · 24 h" value={formatInt(stats.data?.sentToday)} hint="Sent or kept here" loading={stats.isPending} />
          <Stat label="Skipped · 24 h" value={formatInt(stats.data?.skippedToday)} hint="Held back on purpose" loading={stats.isPending} />
          <Stat label="Failed · 7 days" value={formatInt(stats.data?.failed)} hint="Could not be sent" loading={stats.isPending} />
          <Stat label="Uncertain · 7 days" value={formatInt(stats.data?.uncertain)} hint="Never sent twice" loading={stats.isPending} />
        </StatGroup>

        <Paper withBorder radius="md" p="md">
          <Grid gap="sm">
            <Grid.Col span={{ base: 12, md: 5 }}>
              <TextInput
                label="Search"
                placeholder="Recipient address or subject"
                leftSection={<IconSearch size={16} />}
                value={text}
                onChange={(e) => setText(e.currentTarget.value)}
                type="search"
                maxLength={200}
              />
            </Grid.Col>
            <Grid.Col span={{ base: 12, sm: 4, md: 3 }}>
              <Select
                label="Status"
                placeholder="Any status"
                data={MESSAGE_STATUSES.map((s) => ({ value: s, label: STATUS_INFO[s].label }))}
                value={search.status ?? null}
                onChange={(v) => set({ status: MESSAGE_STATUSES.find((s) => s === v) })}
                clearable
                comboboxProps={{ withinPortal: true }}
              />
            </Grid.Col>
            <Grid.Col span={{ base: 6, sm: 4, md: 2 }}>
              <Select
                label="Channel"
                placeholder="Any channel"
                data={[
                  { value: 'email', label: 'Email' },
                  { value: 'sms', label: 'SMS' },
                ]}
                value={search.channel ?? null}
                onChange={(v) => set({ channel: v === 'email' || v === 'sms' ? v : undefined })}
                clearable
                comboboxProps={{ withinPortal: true }}
              />
            </Grid.Col>
            <Grid.Col span={{ base: 6, sm: 4, md: 2 }}>
              <Select
                label="Sent by"
                placeholder="Any source"
                data={MESSAGE_PURPOSES.map((p) => ({ value: p, label: PURPOSE_LABELS[p] }))}
                value={search.purpose ?? null}
                onChange={(v) => set({ purpose: MESSAGE_PURPOSES.find((p) => p === v) })}
                clearable
                comboboxProps={{ withinPortal: true }}
              />
            </Grid.Col>
          </Grid>
          {filtered && (
            <Group justify="space-between" mt="sm" gap="xs">
              <Group gap="xs">
                {search.customerId && <CustomerChip id={search.customerId} onClear={() => set({ customerId: undefined })} />}
                {search.campaignId && <FilterChip label={<>Campaign <strong>{shortId(search.campaignId)}</strong></>} onClear={() => set({ campaignId: undefined })} />}
                {search.flowId && <FilterChip label={<>Flow <strong>{shortId(search.flowId)}</strong></>} onClear={() => set({ flowId: undefined })} />}
              </Group>
              <Button size="compact-sm" variant="subtle" color="gray" leftSection={<IconFilterOff size={14} />} onClick={clear}>
                Clear filters
              </Button>
            </Group>
          )}
        </Paper>

        <PagedTable
          query={list}
          count={messages.length}
          noun={['message', 'messages']}
          minWidth={{ base: 0, sm: 820 }}
          empty={
            filtered ? (
              <NoMatches title="No messages match" description="Search looks for part of the recipient’s address or of the subject." onClear={clear} />
            ) : (
              <Empty
                icon={<IconInbox size={24} />}
                title="No messages yet"
                description="Campaigns, flows, test sends and transactional mail appear here as they are queued, with what happened to each."
              />
            )
          }
        >
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{mobile ? 'Message' : 'Time'}</Table.Th>
              {!mobile && <Table.Th>Recipient</Table.Th>}
              {!mobile && <Table.Th>Message</Table.Th>}
              <Table.Th>Status</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {messages.map((m) => (
              <MessageRow key={m.id} m={m} mobile={mobile} onOpen={() => void navigate({ to: '/messages/$id', params: { id: m.id } })} />
            ))}
          </Table.Tbody>
        </PagedTable>
      </Stack>
    </>
  );
}
