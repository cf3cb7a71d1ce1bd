import { Anchor, Badge, Box, Divider, Group, Loader, ScrollArea, SimpleGrid, Stack, Text, Tooltip } from '@mantine/core';
import { IconExternalLink, IconTruckDelivery } from '@tabler/icons-react';
import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { ErrorState } from '../../../components/ErrorState.tsx';
import { relativeTime, shortDate } from '../../../lib/format.ts';
import { formatMoney } from '../../../lib/money.ts';
import { KbSuggestions } from '../kb/KbSuggestions.tsx';
import { TicketSlaPanel } from '../sla/SlaCountdown.tsx';
import { STATUS_COLOR, STATUS_LABEL, useTicketContext } from './api.ts';

function Block({ title, children, action }: { title: string; children: ReactNode; action?: ReactNode }) {
  return (
    <Stack gap={6}>
      <Group justify="space-between"><Text fz={11} fw={650} c="dimmed" tt="uppercase" style={{ letterSpacing: '0.05em' }}>{title}</Text>{action}</Group>
      {children}
    </Stack>
  );
}

function Stat({ label, value }: { label: string; value: ReactNode }) {
  return (
    <Box>
      <Text fz={11} c="dimmed">{label}</Text>
      <Text fz="sm" fw={600}>{value}</Text>
    </Box>
  );
}

/** Who the customer is beside the conversation: profile, value, orders (items, status, tracking), cart, earlier tickets. */
export function CustomerPanel({ ticketId, onOpen }: { ticketId: string; onOpen: (id: string) => void }) {
  const ctx = useTicketContext(ticketId);
  if (ctx.isPending) return <Stack align="center" p="xl"><Loader size="sm" /></Stack>;
  if (ctx.isError) return <Box p="sm"><ErrorState error={ctx.error} onRetry={() => void ctx.refetch()} /></Box>;
  const { customer: c, orders, openCart, tickets, segments, loyalty } = ctx.data;
  return (
    <ScrollArea h="100%" type="auto">
      <Stack gap="md" p="sm" data-testid="customer-context">
        <TicketSlaPanel ticketId={ticketId} />
        <Box>
          <Group justify="space-between" wrap="nowrap">
            <Text fw={650} fz="md" truncate="end">{c.name}</Text>
            <Anchor fz="xs" renderRoot={(p) => <Link to="/customers/$id" params={{ id: c.id }} {...p} />}><Group gap={2} wrap="nowrap">360° <IconExternalLink size={12} /></Group></Anchor>
          </Group>
          {c.email && <Text fz="xs" c="dimmed" truncate="end">{c.email}</Text>}
          {c.phone && <Text fz="xs" c="dimmed">{c.phone}</Text>}
          <Text fz="xs" c="dimmed">{[c.country, c.locale].filter(Boolean).join(' · ')}{c.lastSeenAt ? ` · seen ${relativeTime(c.lastSeenAt)}` : ''}</Text>
          {(!!segments.length || !!c.tags.length) && (
            <Group gap={4} mt={6}>
              {segments.slice(0, 6).map((s) => <Badge key={s.id} size="xs" variant="light" color="violet">{s.name}</Badge>)}
              {c.tags.slice(0, 6).map((t) => <Badge key={t} size="xs" variant="outline" color="gray">{t}</Badge>)}
            </Group>
          )}
        </Box>
        <SimpleGrid cols={2} spacing="xs" verticalSpacing="xs">
          <Stat label="Lifetime value" value={formatMoney(c.lifetimeValue, c.currency)} />
          <Stat label="Orders" value={c.orderCount.toLocaleString('en-US')} />
          <Stat label="Average order" value={c.averageOrderValue === null ? '—' : formatMoney(c.averageOrderValue, c.currency)} />
          <Stat label="Customer since" value={shortDate(c.firstOrderAt ?? c.createdAt)} />
          {loyalty && <Stat label="Loyalty" value={String(loyalty.tier ?? '')} />}
        </SimpleGrid>
        <Divider />
        <Block title={`Recent orders (${c.orderCount})`}>
          {!orders.length && <Text fz="sm" c="dimmed">No orders yet.</Text>}
          {orders.map((o) => (
            <Box key={o.id} p={8} style={{ border: '1px solid var(--mantine-color-gray-3)', borderRadius: 8 }}>
              <Group justify="space-between" wrap="nowrap">
                <Anchor fz="sm" fw={600} renderRoot={(p) => <Link to="/orders/$id" params={{ id: o.id }} {...p} />}>#{o.number ?? o.externalId}</Anchor>
                <Text fz="sm" fw={600}>{formatMoney(o.total, o.currency)}</Text>
              </Group>
              <Group gap={4} mt={2}>
                <Text fz="xs" c="dimmed">{shortDate(o.placedAt)}</Text>
                <Badge size="xs" variant="light" color={o.status === 'cancelled' ? 'red' : o.status === 'completed' ? 'teal' : 'blue'}>{o.fulfillmentStatus ?? o.status}</Badge>
                {o.refundedTotal > 0 && <Badge size="xs" variant="light" color="orange">refunded {formatMoney(o.refundedTotal, o.currency)}</Badge>}
              </Group>
              <Stack gap={0} mt={4}>
                {o.lines.slice(0, 4).map((l) => <Text key={l.id} fz="xs" truncate="end">{l.quantity} × {l.title}</Text>)}
                {o.lines.length > 4 && <Text fz="xs" c="dimmed">and {o.lines.length - 4} more</Text>}
              </Stack>
              {o.trackingUrl && <Anchor href={o.trackingUrl} target="_blank" rel="noreferrer" fz="xs"><Group gap={4} mt={4}><IconTruckDelivery size={12} />Track parcel</Group></Anchor>}
            </Box>
          ))}
        </Block>
        {openCart && (
          <Block title="Open cart">
            <Group justify="space-between"><Text fz="sm">{openCart.items.length} item{openCart.items.length === 1 ? '' : 's'}</Text><Text fz="sm" fw={600}>{formatMoney(openCart.value, openCart.currency ?? c.currency)}</Text></Group>
            <Text fz="xs" c="dimmed">Updated {relativeTime(openCart.updatedAt)}</Text>
          </Block>
        )}
        <Block title={`Other tickets (${tickets.length})`}>
          {!tickets.length && <Text fz="sm" c="dimmed">First conversation with this customer.</Text>}
          {tickets.slice(0, 8).map((x) => (
            <Tooltip key={x.id} label={x.preview || x.subject} multiline w={260} openDelay={400}>
              <Group gap={6} wrap="nowrap" style={{ cursor: 'pointer' }} onClick={() => onOpen(x.id)}>
                <Badge size="xs" variant="light" color={STATUS_COLOR[x.status]} w={64}>{STATUS_LABEL[x.status].split(' ')[0]}</Badge>
                <Text fz="xs" truncate="end" style={{ flex: 1 }}>{x.subject}</Text>
                <Text fz="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>{relativeTime(x.lastMessageAt)}</Text>
              </Group>
            </Tooltip>
          ))}
        </Block>
        <KbSuggestions ticketId={ticketId} limit={3} />
      </Stack>
    </ScrollArea>
  );
}
