import { ActionIcon, Alert, Anchor, Badge, Button, Code, Group, NumberInput, Paper, Select, SimpleGrid, Stack, Switch, Table, TagsInput, Text, Textarea, TextInput, Title, Tooltip } from '@mantine/core';
import { IconAlertTriangle, IconDownload, IconInbox, IconInfoCircle, IconRefresh } from '@tabler/icons-react';
import { Link } from '@tanstack/react-router';
import { useEffect, useState, type ReactNode } from 'react';
import { CopyField } from '../../../components/CopyField.tsx';
import { Empty } from '../../../components/Empty.tsx';
import { ErrorState } from '../../../components/ErrorState.tsx';
import { notifyError, notifySuccess } from '../../../components/notify.tsx';
import { PagedTable } from '../../../components/PagedTable.tsx';
import { PageHeader } from '../../../components/PageHeader.tsx';
import { RequirePermission } from '../../../components/RequirePermission.tsx';
import { TableSkeleton } from '../../../components/TableSkeleton.tsx';
import { TimeAgo } from '../../../components/TimeAgo.tsx';
import { useIsMobile } from '../../../components/useIsMobile.ts';
import { ApiError } from '../../../lib/api.ts';
import { useCan } from '../../session/context.tsx';
import {
  STATUS_COLORS, STATUS_LABELS, useEmailSettings, useEmailWebhook, useInboundEmails, useRetryInbound, useRotateEmailWebhook, useSaveEmailSettings,
  type EmailSettings, type InboundProvider, type InboundStatus,
} from './api.ts';

const DESCRIPTION = 'Customers write to your support address; every email becomes a ticket or joins its conversation, and agents’ replies go out as email.';
const MB = 1024 * 1024;
const PROVIDERS: [InboundProvider, string, string][] = [
  ['sendgrid', 'SendGrid Inbound Parse', 'Tick “POST the raw, full MIME message”.'],
  ['mailgun', 'Mailgun route (forward)', 'Action: forward("<url>") on a route matching your support address.'],
  ['postmark', 'Postmark inbound', 'Set it as the inbound webhook of your inbound stream.'],
  ['raw', 'Raw MIME', 'POST the message itself (Content-Type: message/rfc822), e.g. from a mail server pipe.'],
];

/** Settings → Support email: addresses, replies, receiving (SMTP / webhooks), safety limits, and the log of received email. */
export function EmailSettingsPage(): ReactNode {
  return (
    <RequirePermission permission="settings:read">
      <EmailSettingsForm />
      <ReceivedLog />
    </RequirePermission>
  );
}

function EmailSettingsForm() {
  const can = useCan();
  const writable = can('settings:write');
  const q = useEmailSettings();
  const save = useSaveEmailSettings();
  const webhook = useEmailWebhook(writable);
  const rotate = useRotateEmailWebhook();
  const [form, setForm] = useState<EmailSettings | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  useEffect(() => {
    if (q.data && !form) {
      const { smtpReceiver: _r, outboundReady: _o, ...rest } = q.data;
      setForm(rest);
    }
  }, [q.data, form]);
  if (q.isError) return <ErrorState error={q.error} onRetry={() => void q.refetch()} />;
  if (!q.data || !form) return (<><PageHeader title="Support email" description={DESCRIPTION} /><Paper withBorder radius="md"><TableSkeleton rows={6} /></Paper></>);
  const s = q.data;
  const set = (patch: Partial<EmailSettings>) => setForm({ ...form, ...patch });
  const submit = () => {
    setErrors({});
    save.mutate(form, {
      onSuccess: () => notifySuccess('Support email settings saved'),
      onError: (e) => {
        if (e instanceof ApiError && e.problem.errors) setErrors(Object.fromEntries(e.problem.errors.map((x) => [x.pointer.split('/')[2] ?? '', x.detail])));
        notifyError(e, 'Not saved');
      },
    });
  };

  return (
    <>
      <PageHeader title="Support email" description={DESCRIPTION} actions={writable && <Button onClick={submit} loading={save.isPending}>Save</Button>} />
      <Stack gap="xl">
        {!form.inboundAddresses.length && (
          <Alert color="yellow" variant="light" icon={<IconAlertTriangle size={16} />} title="No support address yet">
            Add the address customers write to (for example support@yourstore.com). Until then the SMTP receiver refuses all mail.
          </Alert>
        )}
        {!s.outboundReady && (
          <Alert color="yellow" variant="light" icon={<IconAlertTriangle size={16} />} title="Replies cannot go out yet">
            Agents’ replies are sent through the SMTP server under <Anchor component={Link} to="/settings/messaging">Settings → Email &amp; SMS</Anchor>; none is set, so replies are marked failed.
          </Alert>
        )}
        <Paper withBorder radius="md" p="lg">
          <Stack gap="md">
            <Title order={2} fz="lg" fw={600}>Addresses and replies</Title>
            <TagsInput label="Support addresses" description="Where customers write. “@yourstore.com” accepts the whole domain. Replies come back to support+<ticket token>@… so they find their ticket."
              placeholder="support@yourstore.com" value={form.inboundAddresses} error={errors.inboundAddresses} disabled={!writable} onChange={(v) => set({ inboundAddresses: v.map((x) => x.trim()).filter(Boolean) })} />
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <TextInput label="Replies from" description="Default: the first support address." placeholder={form.inboundAddresses.find((a) => !a.startsWith('@')) ?? 'support@yourstore.com'}
                value={form.replyFrom ?? ''} error={errors.replyFrom} disabled={!writable} onChange={(e) => set({ replyFrom: e.currentTarget.value.trim() || null })} />
              <TextInput label="Sender name" description="Default: the agent’s name and your store’s." placeholder="Acme Support" maxLength={100}
                value={form.replyFromName ?? ''} error={errors.replyFromName} disabled={!writable} onChange={(e) => set({ replyFromName: e.currentTarget.value || null })} />
            </SimpleGrid>
            <Textarea label="Signature" description="Added under every reply." autosize minRows={2} maxLength={2000} value={form.signature} error={errors.signature} disabled={!writable} onChange={(e) => set({ signature: e.currentTarget.value })} />
          </Stack>
        </Paper>

        <Paper withBorder radius="md" p="lg">
          <Stack gap="sm">
            <Title order={2} fz="lg" fw={600}>Receiving</Title>
            <Group gap="xs">
              <Text fw={500}>Built-in SMTP receiver:</Text>
              {s.smtpReceiver.enabled ? <Badge color="teal" variant="light">listening on {s.smtpReceiver.host}:{s.smtpReceiver.port}</Badge> : <Badge color="gray" variant="light">off</Badge>}
            </Group>
            <Text fz="sm" c="dimmed" maw={760}>
              {s.smtpReceiver.enabled
                ? <>Point your domain’s MX record at this server (port 25 forwarded to {s.smtpReceiver.port}), or forward your support mailbox to it. Messages up to {Math.round(s.smtpReceiver.maxBytes / MB)} MB are accepted.</>
                : <>Start Patron with <Code>PATRON_SUPPORT_SMTP_PORT=25</Code> (or 2525 behind a port forward) to receive mail directly, or use your email provider’s inbound webhook below.</>}
            </Text>
            {writable && webhook.data && (
              <Stack gap="xs" mt="sm">
                <Text fw={500}>Inbound webhooks</Text>
                <SimpleGrid cols={{ base: 1, md: 2 }}>
                  {PROVIDERS.map(([p, label, hint]) => <CopyField key={p} label={label} description={hint} value={webhook.data.urls[p]} />)}
                </SimpleGrid>
                <Group>
                  <Button variant="default" size="xs" leftSection={<IconRefresh size={14} />} loading={rotate.isPending}
                    onClick={() => rotate.mutate(undefined, { onSuccess: () => notifySuccess('Update the URLs at your email provider.', 'New webhook secret'), onError: (e) => notifyError(e, 'Not changed') })}>
                    New secret
                  </Button>
                  <Text fz="xs" c="dimmed">The token in these URLs is a secret: anyone holding it can file tickets.</Text>
                </Group>
              </Stack>
            )}
          </Stack>
        </Paper>

        <Paper withBorder radius="md" p="lg">
          <Stack gap="md">
            <Title order={2} fz="lg" fw={600}>Safety</Title>
            <Switch label="Load remote images in received email" description="Off: images from other servers show as [image], so senders cannot tell when an agent reads their mail (tracking pixels)."
              checked={form.remoteImages === 'allow'} disabled={!writable} onChange={(e) => set({ remoteImages: e.currentTarget.checked ? 'allow' : 'block' })} />
            <SimpleGrid cols={{ base: 1, sm: 2, md: 4 }}>
              <NumberInput label="Flood limit" description="Messages per sender per window" min={1} max={10000} value={form.floodMax} error={errors.floodMax} disabled={!writable} onChange={(v) => set({ floodMax: Number(v) || 1 })} />
              <NumberInput label="Window (minutes)" min={1} max={1440} value={form.floodWindowMinutes} error={errors.floodWindowMinutes} disabled={!writable} onChange={(v) => set({ floodWindowMinutes: Number(v) || 1 })} />
              <NumberInput label="Largest attachment (MB)" min={1} max={100} value={Math.round(form.maxAttachmentBytes / MB)} error={errors.maxAttachmentBytes} disabled={!writable} onChange={(v) => set({ maxAttachmentBytes: (Number(v) || 1) * MB })} />
              <NumberInput label="Attachments per email (MB)" min={1} max={200} value={Math.round(form.maxMessageAttachmentBytes / MB)} error={errors.maxMessageAttachmentBytes} disabled={!writable} onChange={(v) => set({ maxMessageAttachmentBytes: (Number(v) || 1) * MB })} />
            </SimpleGrid>
            <Alert variant="light" icon={<IconInfoCircle size={16} />}>
              Programs (.exe, .js, .bat, … and files whose bytes say they are programs) are never stored; archives are never unpacked (a zip with a program inside or a zip-bomb size is refused). Bounces and out-of-office replies never become tickets. Held and failed messages stay in the log below.
            </Alert>
          </Stack>
        </Paper>
      </Stack>
    </>
  );
}

const SOURCE_LABELS: Record<string, string> = {
  smtp: 'SMTP', 'webhook:raw': 'Webhook (MIME)', 'webhook:sendgrid': 'SendGrid', 'webhook:mailgun': 'Mailgun', 'webhook:postmark': 'Postmark',
};

const FILTERS: { value: InboundStatus | 'all'; label: string }[] = [
  { value: 'all', label: 'All' }, { value: 'failed', label: 'Failed' }, { value: 'rate_limited', label: 'Held (flood)' }, { value: 'ticket', label: 'New tickets' },
  { value: 'reply', label: 'Replies' }, { value: 'auto_reply', label: 'Auto-replies' }, { value: 'bounce', label: 'Bounces' }, { value: 'duplicate', label: 'Duplicates' }, { value: 'ignored', label: 'Ignored' },
];

function ReceivedLog() {
  const can = useCan();
  const mobile = useIsMobile();
  const [status, setStatus] = useState<InboundStatus | 'all'>('all');
  const list = useInboundEmails(status);
  const retry = useRetryInbound();
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  if (!can('support:read')) return null;
  return (
    <Stack gap="sm" mt="xl">
      <Group justify="space-between" align="flex-end">
        <Stack gap={2}>
          <Title order={2} fz="lg" fw={600}>Received email</Title>
          <Text fz="sm" c="dimmed">Everything that arrived and what became of it. The original of each is kept.</Text>
        </Stack>
        <Select aria-label="Show" w={180} data={FILTERS} value={status} allowDeselect={false} onChange={(v) => setStatus((v ?? 'all') as InboundStatus | 'all')} />
      </Group>
      <PagedTable query={list} count={items.length} noun={['email', 'emails']} rows={5}
        empty={<Empty icon={<IconInbox size={24} />} title={status === 'all' ? 'No email received yet' : 'Nothing here'} description="Send a message to your support address to try it." />}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Received</Table.Th>
            <Table.Th>From</Table.Th>
            {!mobile && <Table.Th>Subject</Table.Th>}
            <Table.Th>Outcome</Table.Th>
            <Table.Th w={80} />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((e) => (
            <Table.Tr key={e.id}>
              <Table.Td>
                <TimeAgo date={e.receivedAt} fz="sm" />
                <Text fz="xs" c="dimmed">{SOURCE_LABELS[e.source] ?? e.source}</Text>
              </Table.Td>
              <Table.Td maw={240}><Text fz="sm" truncate title={e.fromAddress ?? undefined}>{e.fromAddress ?? '—'}</Text></Table.Td>
              {!mobile && <Table.Td maw={320}><Text fz="sm" truncate title={e.subject ?? undefined}>{e.subject || '(no subject)'}</Text></Table.Td>}
              <Table.Td maw={360}>
                <Group gap={6} wrap="nowrap">
                  <Badge color={STATUS_COLORS[e.status]} variant="light">{STATUS_LABELS[e.status]}</Badge>
                  {e.ticketId && <Anchor fz="sm" renderRoot={(p) => <Link to="/support/inbox" search={{ view: 'all', t: e.ticketId! }} {...p} />}>ticket</Anchor>}
                </Group>
                {e.reason && <Text fz="xs" c="dimmed" lineClamp={2} title={e.reason}>{e.reason}</Text>}
              </Table.Td>
              <Table.Td>
                <Group gap={4} wrap="nowrap" justify="flex-end">
                  {(e.status === 'failed' || e.status === 'rate_limited') && can('support:write') && (
                    <Tooltip label="Process again">
                      <ActionIcon variant="subtle" aria-label="Process again" loading={retry.isPending && retry.variables === e.id}
                        onClick={() => retry.mutate(e.id, { onSuccess: (r) => notifySuccess(`Result: ${STATUS_LABELS[r.status]}`, 'Processed'), onError: (err) => notifyError(err, 'Not processed') })}>
                        <IconRefresh size={16} />
                      </ActionIcon>
                    </Tooltip>
                  )}
                  {e.status !== 'duplicate' && e.status !== 'ignored' && (
                    <Tooltip label="Download the original">
                      <ActionIcon variant="subtle" color="gray" component="a" href={`/api/support/email/inbound/${e.id}/raw`} aria-label="Download the original"><IconDownload size={16} /></ActionIcon>
                    </Tooltip>
                  )}
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </PagedTable>
    </Stack>
  );
}
