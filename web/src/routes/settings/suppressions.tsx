import { ActionIcon, Anchor, Badge, Button, Group, Paper, SegmentedControl, Select, Table, Text, TextInput, Tooltip, VisuallyHidden } from '@mantine/core';
import { useDebouncedValue, useDisclosure } from '@mantine/hooks';
import { IconMailOff, IconPlus, IconSearch, IconTrash } from '@tabler/icons-react';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import type { ReactNode } from 'react';
import { ConfirmModal } from '../../components/ConfirmModal.tsx';
import { Empty, NoMatches } from '../../components/Empty.tsx';
import { notifyError, notifySuccess } from '../../components/notify.tsx';
import { PagedTable } from '../../components/PagedTable.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { RequirePermission } from '../../components/RequirePermission.tsx';
import { Stat, StatGroup } from '../../components/StatCard.tsx';
import { TimeAgo } from '../../components/TimeAgo.tsx';
import { useIsMobile } from '../../components/useIsMobile.ts';
import { AddSuppressionModal } from '../../modules/messaging/engagement/AddSuppressionModal.tsx';
import { REASON_COLORS, REASON_LABELS, useRemoveSuppression, useSuppressions } from '../../modules/messaging/engagement/api.ts';
import type { Suppression, SuppressionReason } from '../../modules/messaging/engagement/api.ts';
import { BounceSourcesCard } from '../../modules/messaging/engagement/BounceSourcesCard.tsx';
import { useCan } from '../../modules/session/context.tsx';

const SOURCE_LABELS: Record<string, string> = { dsn: 'Bounce email', ui: 'Patron', api: 'API', sendgrid: 'SendGrid', mailgun: 'Mailgun', postmark: 'Postmark', generic: 'Webhook' };

export function SuppressionsPage(): ReactNode {
  return (
    <RequirePermission permission="messaging:read">
      <Suppressions />
    </RequirePermission>
  );
}

function Suppressions() {
  const can = useCan();
  const writable = can('messaging:write');
  const mobile = useIsMobile();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 300);
  const [reason, setReason] = useState<SuppressionReason | null>(null);
  const [channel, setChannel] = useState<'all' | 'email' | 'sms'>('all');
  const [adding, add] = useDisclosure(false);
  const [toRemove, setToRemove] = useState<Suppression | null>(null);
  const list = useSuppressions({ q: q || undefined, reason: reason ?? undefined, channel: channel === 'all' ? undefined : channel });
  const remove = useRemoveSuppression();
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const counts = list.data?.pages[0]?.counts ?? {};
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const filtered = Boolean(q || reason || channel !== 'all');
  const clear = () => {
    setSearch('');
    setReason(null);
    setChannel('all');
  };

  const doRemove = () => {
    if (!toRemove) return;
    remove.mutate(toRemove, {
      onSuccess: () => {
        notifySuccess(`Patron may send to ${toRemove.address} again.`, 'Removed from the list');
        setToRemove(null);
      },
      onError: (err) => notifyError(err, 'Could not remove the address'),
    });
  };

  return (
    <>
      <PageHeader
        title="Suppressions"
        description="Addresses Patron never sends to, whatever a campaign or flow says: hard bounces, spam complaints and addresses added by hand. Bounce reports and your email provider keep it current."
        actions={writable && <Button leftSection={<IconPlus size={16} />} onClick={add.open}>Add address</Button>}
      />

      <StatGroup cols={{ base: 2, sm: 4 }}>
        <Stat label="Suppressed" value={total.toLocaleString()} loading={list.isPending} />
        <Stat label="Bounced" value={(counts.hard_bounce ?? 0).toLocaleString()} hint="Address does not exist" loading={list.isPending} />
        <Stat label="Complaints" value={(counts.complaint ?? 0).toLocaleString()} hint="Marked as spam" loading={list.isPending} />
        <Stat label="By hand" value={((counts.manual ?? 0) + (counts.invalid ?? 0)).toLocaleString()} loading={list.isPending} />
      </StatGroup>

      <Paper withBorder radius="md" p="md" my="md">
        <Group gap="sm" align="flex-end" wrap="wrap">
          <TextInput label="Search" placeholder="Part of an address" leftSection={<IconSearch size={16} />} value={search} onChange={(e) => setSearch(e.currentTarget.value)} style={{ flex: '1 1 240px' }} />
          <Select label="Reason" placeholder="Any reason" data={Object.entries(REASON_LABELS).map(([value, label]) => ({ value, label }))} value={reason} onChange={(v) => setReason(v as SuppressionReason | null)} clearable w={{ base: '100%', xs: 200 }} />
          <SegmentedControl aria-label="Channel" value={channel} onChange={(v) => setChannel(v as typeof channel)} data={[{ value: 'all', label: 'All' }, { value: 'email', label: 'Email' }, { value: 'sms', label: 'SMS' }]} />
        </Group>
      </Paper>

      <PagedTable
        query={list}
        count={items.length}
        noun={['address', 'addresses']}
        rows={6}
        minWidth={{ base: 0, md: 860 }}
        empty={
          filtered ? (
            <NoMatches title="No address matches" description="Search looks in the addresses; the reason and channel narrow it further." onClear={clear} />
          ) : (
            <Empty
              icon={<IconMailOff size={24} />}
              title="Nobody is suppressed"
              description="Addresses land here when a message bounces for good, when someone marks it as spam, or when you add one. Set up bounce reports below so Patron hears about them."
              action={writable && <Button variant="default" leftSection={<IconPlus size={16} />} onClick={add.open}>Add address</Button>}
            />
          )
        }
      >
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Address</Table.Th>
            {!mobile && <Table.Th>Reason</Table.Th>}
            {!mobile && <Table.Th>Detail</Table.Th>}
            {!mobile && <Table.Th>Source</Table.Th>}
            {!mobile && <Table.Th>Added</Table.Th>}
            {writable && (
              <Table.Th w={48}>
                <VisuallyHidden>Actions</VisuallyHidden>
              </Table.Th>
            )}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((s) => (
            <Table.Tr key={`${s.channel}:${s.address}`}>
              <Table.Td maw={320}>
                <Group gap={6} wrap="nowrap">
                  <Text fz="sm" fw={500} truncate title={s.address} ff={s.channel === 'sms' ? 'monospace' : undefined}>
                    {s.address}
                  </Text>
                  {s.channel === 'sms' && <Badge size="xs" variant="outline" color="gray">SMS</Badge>}
                </Group>
                {s.customerId ? (
                  <Anchor renderRoot={(p) => <Link to="/customers/$id" params={{ id: s.customerId! }} {...p} />} fz="xs" className="patron-cell-link">
                    {s.customerName ?? 'Customer profile'}
                  </Anchor>
                ) : null}
                {mobile && (
                  <Group gap={6} mt={4} wrap="nowrap">
                    <Badge size="sm" variant="light" color={REASON_COLORS[s.reason]}>{REASON_LABELS[s.reason]}</Badge>
                    <TimeAgo date={s.createdAt} fz="xs" c="dimmed" />
                  </Group>
                )}
              </Table.Td>
              {!mobile && (
                <Table.Td>
                  <Badge variant="light" color={REASON_COLORS[s.reason]}>{REASON_LABELS[s.reason]}</Badge>
                </Table.Td>
              )}
              {!mobile && (
                <Table.Td maw={320}>
                  <Text fz="sm" c="dimmed" truncate title={s.detail ?? undefined}>{s.detail ?? '—'}</Text>
                </Table.Td>
              )}
              {!mobile && (
                <Table.Td>
                  <Text fz="sm">{SOURCE_LABELS[s.source] ?? s.source}</Text>
                  {(s.source === 'ui' || s.source === 'api') && <Text fz="xs" c="dimmed" truncate maw={200} title={s.createdBy}>{s.createdBy}</Text>}
                </Table.Td>
              )}
              {!mobile && (
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  <TimeAgo date={s.createdAt} fz="sm" />
                </Table.Td>
              )}
              {writable && (
                <Table.Td>
                  <Tooltip label="Remove from the list" withArrow>
                    <ActionIcon variant="subtle" color="gray" onClick={() => setToRemove(s)} aria-label={`Remove ${s.address}`}>
                      <IconTrash size={16} />
                    </ActionIcon>
                  </Tooltip>
                </Table.Td>
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </PagedTable>

      {writable && <BounceSourcesCard />}

      <AddSuppressionModal opened={adding} onClose={add.close} />
      <ConfirmModal opened={toRemove !== null} title="Remove from the suppression list?" confirmLabel="Remove" loading={remove.isPending} onConfirm={doRemove} onClose={() => setToRemove(null)}>
        Patron may send to <strong>{toRemove?.address}</strong> again.
        {toRemove?.reason === 'hard_bounce' && ' It bounced for good before: messages to it will most likely bounce again and hurt your sender reputation.'}
        {toRemove?.reason === 'complaint' && ' This person marked your email as spam; they stay unsubscribed from marketing until they subscribe again.'}
      </ConfirmModal>
    </>
  );
}
