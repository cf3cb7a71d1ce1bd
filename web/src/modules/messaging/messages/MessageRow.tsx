import { Anchor, Box, Group, Table, Text, ThemeIcon, Tooltip } from '@mantine/core';
import { IconClick, IconEye, IconMail, IconMailX, IconMessage } from '@tabler/icons-react';
import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { TimeAgo } from '../../../components/TimeAgo.tsx';
import { absoluteTime, relativeTime } from '../../../lib/format.ts';
import { useCan } from '../../session/context.tsx';
import type { MessageSummary } from './api.ts';
import { shortId } from './links.ts';
import { MessageStatusBadge, purposeLabel } from './status.tsx';

/** One message in a table: time, recipient (unless `hideRecipient`), subject and source, status and engagement. */
export function MessageRow({ m, mobile, onOpen, hideRecipient = false }: { m: MessageSummary; mobile: boolean; onOpen: () => void; hideRecipient?: boolean }) {
  const when = m.sentAt ?? m.createdAt;
  const due = m.status === 'queued' && Date.parse(m.sendAfter) > Date.now() + 30_000;
  return (
    <Table.Tr className="patron-row-clickable" onClick={onOpen}>
      {mobile ? (
        <Table.Td>
          <Group gap={6} wrap="nowrap">
            <ChannelIcon channel={m.channel} />
            <Text fz="sm" fw={500} truncate maw={220} c={m.subject ? undefined : 'dimmed'}>
              {subjectText(m)}
            </Text>
          </Group>
          <Text fz="xs" c="dimmed" truncate maw={240}>
            {m.customerName ?? m.to ?? 'No address'}
          </Text>
          <Text fz="xs" c="dimmed">
            {relativeTime(when)} · {purposeLabel(m.purpose)}
          </Text>
        </Table.Td>
      ) : (
        <>
          <Table.Td style={{ whiteSpace: 'nowrap' }}>
            <TimeAgo date={when} />
            {due && (
              <Text fz="xs" c="dimmed" title={absoluteTime(m.sendAfter)}>
                due {relativeTime(m.sendAfter)}
              </Text>
            )}
          </Table.Td>
          {!hideRecipient && (
            <Table.Td>
              <Group gap="xs" wrap="nowrap">
                <ChannelIcon channel={m.channel} />
                <Box maw={230} style={{ minWidth: 0 }}>
                  <Recipient m={m} />
                </Box>
              </Group>
            </Table.Td>
          )}
          <Table.Td>
            <Text fz="sm" truncate maw={380} c={m.subject ? undefined : 'dimmed'} title={m.subject ?? undefined}>
              {subjectText(m)}
            </Text>
            <Source m={m} />
          </Table.Td>
        </>
      )}
      <Table.Td>
        <Group gap={6} wrap="nowrap">
          <MessageStatusBadge message={m} />
          {!mobile && <Engagement m={m} />}
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}

/** The subject, or why there is none: it is rendered only when the message is sent. */
function subjectText(m: MessageSummary): string {
  if (m.subject) return m.subject;
  if (m.channel === 'sms') return 'Text message';
  if (m.status === 'queued' || m.status === 'sending') return 'Not rendered yet';
  return m.status === 'sent' || m.status === 'uncertain' ? '(no subject)' : 'Not rendered';
}

function ChannelIcon({ channel }: { channel: MessageSummary['channel'] }) {
  return (
    <Tooltip label={channel === 'sms' ? 'SMS' : 'Email'} withArrow>
      <ThemeIcon variant="light" color={channel === 'sms' ? 'grape' : 'gray'} size={26} radius="xl" aria-label={channel === 'sms' ? 'SMS' : 'Email'}>
        {channel === 'sms' ? <IconMessage size={15} /> : <IconMail size={15} />}
      </ThemeIcon>
    </Tooltip>
  );
}

function Recipient({ m }: { m: MessageSummary }) {
  const can = useCan();
  const name = m.customerName ?? m.to ?? 'Customer';
  return (
    <>
      {m.customerId && can('customers:read') ? (
        <Anchor
          renderRoot={(props) => <Link to="/customers/$id" params={{ id: m.customerId ?? '' }} {...props} />}
          onClick={(e) => e.stopPropagation()}
          fz="sm"
          fw={500}
          c="inherit"
          className="patron-cell-link"
          truncate
          display="block"
        >
          {name}
        </Anchor>
      ) : (
        <Text fz="sm" fw={500} truncate>
          {m.to ?? 'No address'}
        </Text>
      )}
      {m.customerName && m.to && (
        <Text fz="xs" c="dimmed" truncate>
          {m.to}
        </Text>
      )}
    </>
  );
}

/** What sent it: "Campaign · …3f2a9c1d" (linked), "Flow", "Transactional". */
function Source({ m }: { m: MessageSummary }) {
  const link = (id: string, to: '/campaigns/$id' | '/flows/$id') => (
    <>
      {' · '}
      <Anchor
        renderRoot={(props) => <Link to={to} params={{ id }} {...props} />}
        onClick={(e) => e.stopPropagation()}
        fz="xs"
        c="dimmed"
        ff="monospace"
        className="patron-cell-link"
        title={id}
      >
        {shortId(id)}
      </Anchor>
    </>
  );
  return (
    <Text fz="xs" c="dimmed">
      {purposeLabel(m.purpose)}
      {m.campaignId ? link(m.campaignId, '/campaigns/$id') : m.flowId ? link(m.flowId, '/flows/$id') : null}
    </Text>
  );
}

function Engagement({ m }: { m: MessageSummary }) {
  const marks: { key: string; icon: ReactNode; color: string; label: string }[] = [];
  if (m.openedAt) marks.push({ key: 'o', icon: <IconEye size={16} />, color: 'blue', label: `Opened ${relativeTime(m.openedAt)}` });
  if (m.clickedAt) marks.push({ key: 'c', icon: <IconClick size={16} />, color: 'violet', label: `Clicked ${relativeTime(m.clickedAt)}` });
  if (m.bouncedAt) marks.push({ key: 'b', icon: <IconMailX size={16} />, color: 'red', label: `Bounced ${relativeTime(m.bouncedAt)}` });
  if (!marks.length) return null;
  return (
    <Group gap={4} wrap="nowrap">
      {marks.map((x) => (
        <Tooltip key={x.key} label={x.label} withArrow>
          <ThemeIcon variant="light" color={x.color} size={22} radius="xl" aria-label={x.label}>
            {x.icon}
          </ThemeIcon>
        </Tooltip>
      ))}
    </Group>
  );
}
