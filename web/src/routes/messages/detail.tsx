import { Alert, Anchor, Badge, Box, DataList, Grid, Group, Paper, SegmentedControl, Stack, Table, Tabs, Text, Title, Tooltip } from '@mantine/core';
import { IconAlertCircle, IconCode, IconDeviceDesktop, IconDeviceMobile, IconFileText, IconHistory, IconInbox, IconList, IconRobot } from '@tabler/icons-react';
import { getRouteApi, Link } from '@tanstack/react-router';
import { useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { BackLink } from '../../components/BackLink.tsx';
import { DetailStates, NotFound } from '../../components/DetailStates.tsx';
import { Empty } from '../../components/Empty.tsx';
import { RequirePermission } from '../../components/RequirePermission.tsx';
import { TimeAgo } from '../../components/TimeAgo.tsx';
import { absoluteTime } from '../../lib/format.ts';
import { CustomerLink } from '../../modules/customers/CustomerLink.tsx';
import { useMessage } from '../../modules/messaging/messages/api.ts';
import type { MessageDetail } from '../../modules/messaging/messages/api.ts';
import { previewHtml } from '../../modules/messaging/messages/preview.ts';
import { EVENT_INFO, MessageStatusBadge, purposeLabel, statusDetail } from '../../modules/messaging/messages/status.tsx';

const route = getRouteApi('/app/messages/$id');

export function MessagePage(): ReactNode {
  return (
    <RequirePermission permission="messaging:read">
      <Message />
    </RequirePermission>
  );
}

function Message() {
  const { id } = route.useParams();
  const message = useMessage(id);
  return (
    <>
      <BackLink to="/messages" label="Outbox" />
      <DetailStates query={message} notFound={<NotFound icon={<IconInbox size={24} />} title="No such message" description="There is no message at this address." to="/messages" label="Outbox" />}>
        {(m) => <Loaded m={m} />}
      </DetailStates>
    </>
  );
}

function title(m: MessageDetail): string {
  if (m.subject) return m.subject;
  if (m.channel === 'sms') return m.to ? `Text message to ${m.to}` : 'Text message';
  return m.status === 'queued' || m.status === 'sending' ? 'Not rendered yet' : '(no subject)';
}

function Loaded({ m }: { m: MessageDetail }) {
  const detail = statusDetail(m);
  const rendered = m.html !== null || m.text !== null;
  const [tab, setTab] = useState<string>(m.html ? 'html' : 'text');
  const realEvents = m.events.filter((e) => !e.isBot).length;

  return (
    <Stack gap="lg">
      <Stack gap={6}>
        <Group gap="sm" wrap="wrap">
          <Title order={1} fz={26} fw={650} style={{ letterSpacing: '-0.01em', overflowWrap: 'anywhere' }}>
            {title(m)}
          </Title>
          <MessageStatusBadge message={m} size="md" />
        </Group>
        <Text fz="sm" c="dimmed">
          {m.channel === 'sms' ? 'SMS' : 'Email'} to <Text span fz="sm" c="var(--mantine-color-text)" fw={500}>{m.to ?? 'no address'}</Text>
          {m.from && (
            <>
              {' '}from <Text span fz="sm" c="var(--mantine-color-text)" fw={500}>{m.from}</Text>
            </>
          )}
          {' · '}
          {m.sentAt ? (
            <>sent {absoluteTime(m.sentAt)}</>
          ) : m.status === 'queued' ? (
            <>due <TimeAgo date={m.sendAfter} fz="sm" c="dimmed" /></>
          ) : (
            <>queued {absoluteTime(m.createdAt)}</>
          )}
        </Text>
      </Stack>

      {detail && (m.status === 'failed' || m.status === 'uncertain' || m.status === 'skipped' || m.status === 'queued') && (
        <Alert
          color={m.status === 'skipped' ? 'gray' : m.status === 'queued' ? 'yellow' : m.status === 'uncertain' ? 'orange' : 'red'}
          icon={<IconAlertCircle size={18} />}
          title={m.status === 'skipped' ? 'Not sent' : m.status === 'queued' ? 'Will be retried' : m.status === 'uncertain' ? 'Outcome unknown' : 'Sending failed'}
        >
          {detail}
          {m.status === 'uncertain' && ' Patron never sends it again, so that nobody gets it twice.'}
        </Alert>
      )}

      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 8 }}>
          {rendered ? (
            <Tabs value={tab} onChange={(v) => v && setTab(v)} keepMounted={false}>
              <Tabs.List mb="md">
                {m.html !== null && (
                  <Tabs.Tab value="html" leftSection={<IconCode size={16} />}>
                    HTML
                  </Tabs.Tab>
                )}
                <Tabs.Tab value="text" leftSection={<IconFileText size={16} />}>
                  Text
                </Tabs.Tab>
                <Tabs.Tab value="headers" leftSection={<IconList size={16} />}>
                  Headers
                </Tabs.Tab>
                <Tabs.Tab
                  value="events"
                  leftSection={<IconHistory size={16} />}
                  rightSection={
                    realEvents > 0 ? (
                      <Badge size="xs" variant="light" color="gray" className="patron-tabular">
                        {realEvents}
                      </Badge>
                    ) : undefined
                  }
                >
                  Events
                </Tabs.Tab>
              </Tabs.List>
              {m.html !== null && (
                <Tabs.Panel value="html">
                  <HtmlPreview html={m.html} subject={m.subject ?? 'Email'} />
                </Tabs.Panel>
              )}
              <Tabs.Panel value="text">
                <Paper withBorder radius="md" p="md">
                  <Text component="pre" fz="sm" ff="monospace" m={0} style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }} aria-label="Text part">
                    {m.text ?? ''}
                  </Text>
                </Paper>
              </Tabs.Panel>
              <Tabs.Panel value="headers">
                <Headers m={m} />
              </Tabs.Panel>
              <Tabs.Panel value="events">
                <Events m={m} />
              </Tabs.Panel>
            </Tabs>
          ) : (
            <Paper withBorder radius="md">
              <Empty
                icon={<IconFileText size={24} />}
                title="Nothing was rendered"
                description={
                  m.status === 'queued' || m.status === 'sending'
                    ? 'The message is rendered for its recipient at the moment it is sent; this page refreshes by itself.'
                    : 'The message never reached the point of being built, so there is no content to show.'
                }
              />
            </Paper>
          )}
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Facts m={m} />
        </Grid.Col>
      </Grid>
    </Stack>
  );
}

const WIDTHS = { desktop: 720, mobile: 375 } as const;

function HtmlPreview({ html, subject }: { html: string; subject: string }) {
  const [device, setDevice] = useState<keyof typeof WIDTHS>('desktop');
  const doc = useMemo(() => previewHtml(html), [html]);
  return (
    <Paper withBorder radius="md" style={{ overflow: 'hidden' }}>
      <Group justify="space-between" px="md" py="xs" style={{ borderBottom: '1px solid var(--mantine-color-default-border)' }} wrap="wrap" gap="xs">
        <Text fz="xs" c="dimmed">
          Shown without the open pixel; links are not followed here.
        </Text>
        <SegmentedControl
          size="xs"
          value={device}
          onChange={(v) => setDevice(v === 'mobile' ? 'mobile' : 'desktop')}
          aria-label="Preview width"
          data={[
            { value: 'desktop', label: <Group gap={4} wrap="nowrap"><IconDeviceDesktop size={14} />Desktop</Group> },
            { value: 'mobile', label: <Group gap={4} wrap="nowrap"><IconDeviceMobile size={14} />Mobile</Group> },
          ]}
        />
      </Group>
      <Box bg="var(--mantine-color-gray-1)" p={device === 'mobile' ? 'md' : 0} style={{ display: 'flex', justifyContent: 'center' }}>
        <iframe
          title={`HTML of “${subject}”`}
          sandbox=""
          srcDoc={doc}
          style={{
            width: '100%',
            maxWidth: device === 'mobile' ? WIDTHS.mobile : '100%',
            height: 640,
            border: device === 'mobile' ? '1px solid var(--mantine-color-default-border)' : 0,
            borderRadius: device === 'mobile' ? 12 : 0,
            background: 'white',
            display: 'block',
          }}
        />
      </Box>
    </Paper>
  );
}

function Headers({ m }: { m: MessageDetail }) {
  const rows = Object.entries(m.headers);
  if (!rows.length) {
    return (
      <Paper withBorder radius="md" p="md">
        <Text fz="sm" c="dimmed">
          No extra headers were set on this message.
        </Text>
      </Paper>
    );
  }
  return (
    <Paper withBorder radius="md" style={{ overflow: 'hidden' }}>
      <Table verticalSpacing="xs" fz="sm" layout="fixed">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w="32%">Header</Table.Th>
            <Table.Th>Value</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map(([k, v]) => (
            <Table.Tr key={k}>
              <Table.Td ff="monospace" fz="xs" fw={600} style={{ overflowWrap: 'anywhere', verticalAlign: 'top' }}>
                {k}
              </Table.Td>
              <Table.Td ff="monospace" fz="xs" style={{ overflowWrap: 'anywhere' }}>
                {v}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Paper>
  );
}

function Events({ m }: { m: MessageDetail }) {
  if (!m.events.length) {
    return (
      <Paper withBorder radius="md" p="md">
        <Text fz="sm" c="dimmed">
          {m.status === 'sent'
            ? 'Nothing yet. Opens, clicks, bounces, spam reports and unsubscribes appear here as they happen.'
            : 'Nothing happened to this message after it was queued.'}
        </Text>
      </Paper>
    );
  }
  return (
    <Paper withBorder radius="md" style={{ overflow: 'hidden' }}>
      <Table verticalSpacing="xs" fz="sm">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Event</Table.Th>
            <Table.Th>When</Table.Th>
            <Table.Th>Link</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {m.events.map((e, i) => {
            const info = EVENT_INFO[e.type] ?? { label: e.type, color: 'gray' };
            return (
              <Table.Tr key={i} className={e.isBot ? 'patron-row-dimmed' : undefined}>
                <Table.Td>
                  <Group gap={6} wrap="nowrap">
                    <Badge size="sm" variant="light" color={info.color}>
                      {info.label}
                    </Badge>
                    {e.isBot && (
                      <Tooltip label="Made by a link scanner or a mail privacy proxy, not a person: not counted as engagement" withArrow multiline maw={280}>
                        <Badge size="sm" variant="outline" color="gray" leftSection={<IconRobot size={12} />} style={{ cursor: 'help' }}>
                          Bot
                        </Badge>
                      </Tooltip>
                    )}
                  </Group>
                </Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  <TimeAgo date={e.occurredAt} />
                </Table.Td>
                <Table.Td maw={320}>
                  {e.url ? (
                    <Anchor href={e.url} target="_blank" rel="noreferrer noopener" fz="xs" ff="monospace" style={{ overflowWrap: 'anywhere' }}>
                      {e.url}
                    </Anchor>
                  ) : (
                    <Text fz="sm" c="dimmed">
                      —
                    </Text>
                  )}
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Paper>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <DataList.Item>
      <DataList.ItemLabel>{label}</DataList.ItemLabel>
      <DataList.ItemValue>{children}</DataList.ItemValue>
    </DataList.Item>
  );
}

const Mono = ({ children }: { children: ReactNode }) => (
  <Text span fz="xs" ff="monospace" style={{ overflowWrap: 'anywhere' }}>
    {children}
  </Text>
);

function Facts({ m }: { m: MessageDetail }) {
  return (
    <Stack gap="lg">
      <Paper withBorder radius="md" p="md">
        <Title order={2} fz="md" fw={600} mb="sm">
          Recipient
        </Title>
        {m.customerId ? (
          <Stack gap={2}>
            <CustomerLink id={m.customerId} name={m.customerName ?? m.to} />
            {m.customerName && m.to && (
              <Text fz="sm" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                {m.to}
              </Text>
            )}
          </Stack>
        ) : (
          <Text fz="sm" style={{ overflowWrap: 'anywhere' }}>
            {m.to ?? 'No address'}
            <Text span fz="sm" c="dimmed">
              {' '}(not a customer)
            </Text>
          </Text>
        )}
      </Paper>

      <Paper withBorder radius="md" p="md">
        <Title order={2} fz="md" fw={600} mb="sm">
          Details
        </Title>
        <DataList size="sm" gap={8} labelWidth={110}>
          <Fact label="Sent by">
            {purposeLabel(m.purpose)} · {m.kind === 'marketing' ? 'marketing' : 'transactional'}
          </Fact>
          {m.campaignId && (
            <Fact label="Campaign">
              <Anchor renderRoot={(props) => <Link to="/campaigns/$id" params={{ id: m.campaignId ?? '' }} {...props} />} fz="xs" ff="monospace" style={{ overflowWrap: 'anywhere' }}>
                {m.campaignId}
              </Anchor>
              {m.variant && <Badge size="xs" variant="outline" color="gray" ml={6}>variant {m.variant}</Badge>}
            </Fact>
          )}
          {m.flowId && (
            <Fact label="Flow">
              <Anchor renderRoot={(props) => <Link to="/flows/$id" params={{ id: m.flowId ?? '' }} {...props} />} fz="xs" ff="monospace" style={{ overflowWrap: 'anywhere' }}>
                {m.flowId}
              </Anchor>
            </Fact>
          )}
          {m.flowStepId && (
            <Fact label="Flow step">
              <Mono>{m.flowStepId}</Mono>
            </Fact>
          )}
          {m.templateId && (
            <Fact label="Template">
              <Anchor renderRoot={(props) => <Link to="/templates/$id" params={{ id: m.templateId ?? '' }} {...props} />} fz="xs" ff="monospace" style={{ overflowWrap: 'anywhere' }}>
                {m.templateId}
              </Anchor>
            </Fact>
          )}
          <Fact label="Delivered by">{m.transport === 'outbox' ? 'Kept in the outbox' : m.transport === 'smtp' ? 'SMTP server' : m.transport === 'sms-webhook' ? 'SMS gateway' : (m.transport ?? '—')}</Fact>
          <Fact label="Attempts">{m.attempts}</Fact>
          <Fact label="Queued">
            <TimeAgo date={m.createdAt} />
          </Fact>
          {m.sentAt && (
            <Fact label="Sent">
              <TimeAgo date={m.sentAt} />
            </Fact>
          )}
          <Fact label="Id">
            <Mono>{m.id}</Mono>
          </Fact>
          {m.headers['Message-ID'] && (
            <Fact label="Message-ID">
              <Mono>{m.headers['Message-ID']}</Mono>
            </Fact>
          )}
        </DataList>
      </Paper>
    </Stack>
  );
}
