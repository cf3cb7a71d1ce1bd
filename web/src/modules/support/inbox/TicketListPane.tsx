import { Badge, Box, Button, Checkbox, Group, Loader, Menu, Popover, ScrollArea, Stack, Text, TextInput, UnstyledButton } from '@mantine/core';
import { IconBrandFacebook, IconForms, IconMail, IconMessageCircle, IconPhone, IconSearch, IconApi } from '@tabler/icons-react';
import { forwardRef, useEffect, useRef, type ReactNode } from 'react';
import { ErrorState } from '../../../components/ErrorState.tsx';
import { notifyError, notifySuccess } from '../../../components/notify.tsx';
import { relativeTime } from '../../../lib/format.ts';
import { useSession } from '../../session/context.tsx';
import { CHANNEL_LABEL, PRIORITY_COLOR, STATUS_COLOR, STATUS_LABEL, useAgents, useBulk, useTeams, type Status, type Ticket, type useTickets } from './api.ts';

export const CHANNEL_ICON: Record<Ticket['channel'], ReactNode> = {
  email: <IconMail size={14} />, chat: <IconMessageCircle size={14} />, form: <IconForms size={14} />, phone: <IconPhone size={14} />, social: <IconBrandFacebook size={14} />, api: <IconApi size={14} />,
};

/** The next SLA deadline: overdue in red, within the hour in orange. */
function SlaBadge({ due }: { due: string }) {
  const min = Math.round((Date.parse(due) - Date.now()) / 60_000);
  const label = min < 0 ? `SLA ${fmtMin(-min)} over` : `SLA ${fmtMin(min)}`;
  return <Badge size="xs" variant={min < 0 ? 'filled' : 'light'} color={min < 0 ? 'red' : min <= 60 ? 'orange' : 'gray'}>{label}</Badge>;
}
const fmtMin = (m: number) => (m < 60 ? `${m}m` : m < 48 * 60 ? `${Math.floor(m / 60)}h${m % 60 ? ` ${m % 60}m` : ''}` : `${Math.floor(m / 1440)}d`);

function Row({ t, active, checked, onOpen, onCheck }: { t: Ticket; active: boolean; checked: boolean; onOpen: () => void; onCheck: (v: boolean) => void }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (active) ref.current?.scrollIntoView({ block: 'nearest' });
  }, [active]);
  const unread = t.status === 'new' || (t.lastCustomerMessageAt && (!t.lastAgentReplyAt || t.lastCustomerMessageAt > t.lastAgentReplyAt) && t.status === 'open');
  return (
    <Box ref={ref} data-ticket-row={t.id} aria-current={active ? 'true' : undefined}
      style={{ borderBottom: '1px solid var(--mantine-color-gray-2)', background: active ? 'var(--mantine-color-blue-0)' : undefined, borderLeft: `3px solid ${active ? 'var(--mantine-color-blue-6)' : 'transparent'}` }}>
      <Group gap={8} wrap="nowrap" align="flex-start" px="sm" py={10}>
        <Checkbox size="xs" mt={3} checked={checked} onChange={(e) => onCheck(e.currentTarget.checked)} aria-label={`Select ticket ${t.number}`} />
        <UnstyledButton onClick={onOpen} style={{ flex: 1, minWidth: 0 }}>
          <Group justify="space-between" gap={6} wrap="nowrap">
            <Text fz="sm" fw={unread ? 700 : 500} truncate="end">{t.customerName ?? 'Unknown customer'}</Text>
            <Text fz="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>{relativeTime(t.lastMessageAt)}</Text>
          </Group>
          <Text fz="sm" fw={unread ? 600 : 400} truncate="end" c={unread ? undefined : 'dark.6'}>{t.subject}</Text>
          <Text fz="xs" c="dimmed" lineClamp={1}>{t.preview}</Text>
          <Group gap={4} mt={6} wrap="nowrap" style={{ overflow: 'hidden' }}>
            <Text c="dimmed" fz="xs" component="span" title={CHANNEL_LABEL[t.channel]} style={{ display: 'inline-flex' }}>{CHANNEL_ICON[t.channel]}</Text>
            <Text fz="xs" c="dimmed">#{t.number}</Text>
            <Badge size="xs" variant="light" color={STATUS_COLOR[t.status]}>{STATUS_LABEL[t.status]}</Badge>
            {t.priority !== 'normal' && <Badge size="xs" variant="dot" color={PRIORITY_COLOR[t.priority]}>{t.priority}</Badge>}
            {t.slaDueAt && t.status !== 'solved' && t.status !== 'closed' && <SlaBadge due={t.slaDueAt} />}
            {t.assigneeName && <Text fz="xs" c="dimmed" truncate="end">· {t.assigneeName}</Text>}
          </Group>
        </UnstyledButton>
      </Group>
    </Box>
  );
}

/** The middle pane: search, the tickets of the view (infinite), selection and bulk actions. */
export const TicketListPane = forwardRef<HTMLInputElement, {
  query: ReturnType<typeof useTickets>;
  q: string;
  onSearch: (q: string) => void;
  activeId: string | undefined;
  onOpen: (id: string) => void;
  selected: Set<string>;
  onSelected: (s: Set<string>) => void;
  title: string;
}>(function TicketListPane({ query, q, onSearch, activeId, onOpen, selected, onSelected, title }, searchRef) {
  const me = useSession();
  const bulk = useBulk();
  const agents = useAgents();
  const teams = useTeams();
  const tickets = query.data?.pages.flatMap((p) => p.items) ?? [];
  const run = (b: Parameters<typeof bulk.mutate>[0], what: string) =>
    bulk.mutate(b, {
      onSuccess: (r) => { notifySuccess(`${what}: ${r.updated} ticket${r.updated === 1 ? '' : 's'}${r.skipped.length ? ` (${r.skipped.length} skipped)` : ''}`); onSelected(new Set()); },
      onError: (e) => notifyError(e),
    });
  const ids = [...selected];
  const setStatus = (status: Status) => run({ ids, status }, `Marked ${STATUS_LABEL[status].toLowerCase()}`);
  return (
    <Stack gap={0} h="100%" style={{ minHeight: 0 }}>
      <Stack gap={8} p="sm" style={{ borderBottom: '1px solid var(--mantine-color-gray-3)' }}>
        <Group justify="space-between" gap="xs">
          <Text fw={650} fz="md">{title}</Text>
          {query.isFetching && <Loader size={14} />}
        </Group>
        <TextInput ref={searchRef} placeholder="Search words or #number   ( / )" leftSection={<IconSearch size={16} />} defaultValue={q} key={q}
          onKeyDown={(e) => { if (e.key === 'Enter') onSearch(e.currentTarget.value.trim()); if (e.key === 'Escape') e.currentTarget.blur(); }}
          onBlur={(e) => { if (e.currentTarget.value.trim() !== q) onSearch(e.currentTarget.value.trim()); }} aria-label="Search tickets" />
        {selected.size > 0 && (
          <Group gap={6} wrap="wrap">
            <Text fz="xs" fw={600}>{selected.size} selected</Text>
            <Button size="compact-xs" variant="light" onClick={() => run({ ids, assigneeId: me.user.id }, 'Assigned to you')} loading={bulk.isPending}>Assign to me</Button>
            <Menu position="bottom-start" withinPortal>
              <Menu.Target><Button size="compact-xs" variant="light">Assign…</Button></Menu.Target>
              <Menu.Dropdown>
                <Menu.Label>Agents</Menu.Label>
                {agents.data?.map((a) => <Menu.Item key={a.id} onClick={() => run({ ids, assigneeId: a.id }, `Assigned to ${a.name}`)}>{a.name}</Menu.Item>)}
                <Menu.Item onClick={() => run({ ids, assigneeId: null }, 'Unassigned')}>Nobody</Menu.Item>
                {!!teams.data?.length && <Menu.Label>Teams</Menu.Label>}
                {teams.data?.map((t) => <Menu.Item key={t.id} onClick={() => run({ ids, teamId: t.id }, `Moved to ${t.name}`)}>{t.name}</Menu.Item>)}
              </Menu.Dropdown>
            </Menu>
            <Menu position="bottom-start" withinPortal>
              <Menu.Target><Button size="compact-xs" variant="light">Status…</Button></Menu.Target>
              <Menu.Dropdown>
                {(['open', 'pending', 'on_hold', 'solved', 'closed'] as Status[]).map((s) => <Menu.Item key={s} onClick={() => setStatus(s)}>{STATUS_LABEL[s]}</Menu.Item>)}
              </Menu.Dropdown>
            </Menu>
            <Popover position="bottom-start" withinPortal trapFocus>
              <Popover.Target><Button size="compact-xs" variant="light" color="gray">Tag…</Button></Popover.Target>
              <Popover.Dropdown>
                <TextInput size="xs" placeholder="Tag, then Enter" aria-label="Tag to add" onKeyDown={(e) => { const tag = e.currentTarget.value.trim(); if (e.key === 'Enter' && tag) run({ ids, addTags: [tag] }, `Tagged ${tag}`); }} />
              </Popover.Dropdown>
            </Popover>
            <Button size="compact-xs" variant="filled" color="teal" onClick={() => setStatus('closed')}>Close</Button>
            <Button size="compact-xs" variant="subtle" color="gray" onClick={() => onSelected(new Set())}>Clear</Button>
          </Group>
        )}
      </Stack>
      <ScrollArea style={{ flex: 1 }} type="auto">
        {query.isError && <Box p="sm"><ErrorState error={query.error} onRetry={() => void query.refetch()} /></Box>}
        {query.isPending && <Stack p="md" align="center"><Loader size="sm" /></Stack>}
        {!query.isPending && !tickets.length && !query.isError && (
          <Stack p="xl" align="center" gap={4}>
            <Text fw={600}>{q ? 'No tickets match' : 'Nothing here'}</Text>
            <Text fz="sm" c="dimmed" ta="center">{q ? 'Try other words, or search everything.' : 'This view is empty: well done.'}</Text>
          </Stack>
        )}
        {tickets.map((t) => (
          <Row key={t.id} t={t} active={t.id === activeId} checked={selected.has(t.id)} onOpen={() => onOpen(t.id)}
            onCheck={(v) => { const s = new Set(selected); if (v) s.add(t.id); else s.delete(t.id); onSelected(s); }} />
        ))}
        {query.hasNextPage && (
          <Group justify="center" p="sm"><Button variant="subtle" size="xs" onClick={() => void query.fetchNextPage()} loading={query.isFetchingNextPage}>Load more</Button></Group>
        )}
      </ScrollArea>
    </Stack>
  );
});
