import { Box, Button, Center, Select, Stack, Text } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconArrowLeft, IconInbox } from '@tabler/icons-react';
import { getRouteApi } from '@tanstack/react-router';
import { useEffect, useRef, useState, type CSSProperties } from 'react';
import { notifyError } from '../../components/notify.tsx';
import { useSession } from '../../modules/session/context.tsx';
import { useTickets, useUpdateTicket, useViewCounts, type Filter } from '../../modules/support/inbox/api.ts';
import type { ComposerHandle } from '../../modules/support/inbox/Composer.tsx';
import { Conversation } from '../../modules/support/inbox/Conversation.tsx';
import { CustomerPanel } from '../../modules/support/inbox/CustomerPanel.tsx';
import { useInboxLive } from '../../modules/support/inbox/live.ts';
import { NewTicketModal, SaveViewModal, ShortcutsHelp } from '../../modules/support/inbox/Modals.tsx';
import { TicketListPane } from '../../modules/support/inbox/TicketListPane.tsx';
import type { InboxSearch } from '../../modules/support/inbox/search.ts';
import { ViewsPane } from '../../modules/support/inbox/ViewsPane.tsx';

const route = getRouteApi('/app/support/inbox');

const BUILTIN_FILTERS: Record<string, Filter> = {
  mine: { assignee: 'me', status: 'working' }, unassigned: { assignee: 'none', status: 'working' }, open: { status: 'working' },
  sla: { slaAtRisk: true }, pending: { status: ['pending'] }, solved: { status: ['solved', 'closed'] }, all: {},
};
const TITLES: Record<string, string> = { mine: 'Mine', unassigned: 'Unassigned', open: 'All open', sla: 'SLA at risk', pending: 'Pending customer', solved: 'Solved & closed', all: 'Everything' };

function filterOf(view: string): Filter {
  if (BUILTIN_FILTERS[view]) return BUILTIN_FILTERS[view];
  if (view.startsWith('team:')) return { teamId: view.slice(5), status: 'working' };
  if (view.startsWith('tag:')) return { tags: [view.slice(4)], status: 'working' };
  return {};
}

const typingInField = (e: KeyboardEvent) => {
  const el = e.target as HTMLElement | null;
  return !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable);
};

// The inbox uses the whole width beside the navigation, not the 1200 px column of other pages.
const FULL: CSSProperties = {
  position: 'relative', left: '50%', transform: 'translateX(-50%)',
  width: 'calc(100vw - var(--app-shell-navbar-offset, 0rem) - 2 * var(--app-shell-padding) - 8px)',
  height: 'calc(100dvh - var(--app-shell-header-offset, 56px) - 2 * var(--app-shell-padding))', minHeight: 520,
  display: 'grid', background: 'white', border: '1px solid var(--mantine-color-gray-3)', borderRadius: 'var(--mantine-radius-md)', overflow: 'hidden',
};
const pane: CSSProperties = { minHeight: 0, minWidth: 0, overflow: 'hidden', borderRight: '1px solid var(--mantine-color-gray-3)' };

/** The agent inbox: views | tickets | conversation + customer. Keyboard first (press ?), live. */
export function InboxPage() {
  const me = useSession();
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const view = search.view ?? 'open';
  const q = search.q ?? '';
  const list = useTickets(view, q);
  const counts = useViewCounts();
  const live = useInboxLive();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [help, setHelp] = useState(false);
  const [creating, setCreating] = useState(false);
  const [saving, setSaving] = useState(false);
  const composer = useRef<ComposerHandle>(null);
  const searchBox = useRef<HTMLInputElement>(null);
  const wide = useMediaQuery('(min-width: 1400px)');
  const narrow = useMediaQuery('(max-width: 1000px)');
  const tickets = list.data?.pages.flatMap((p) => p.items) ?? [];
  const active = search.t;
  const update = useUpdateTicket(active ?? '');

  const go = (s: InboxSearch) => void navigate({ search: (prev: InboxSearch) => ({ ...prev, ...s }), replace: true });
  const open = (id: string) => go({ t: id });
  // The first ticket opens by itself, so j/k and r work straight away.
  useEffect(() => {
    if (!active && tickets[0] && wide !== undefined && !narrow) open(tickets[0].id);
    // Only when the list first arrives (or the view changes).
  }, [tickets[0]?.id]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.metaKey || e.ctrlKey || e.altKey || typingInField(e)) return;
      const i = tickets.findIndex((t) => t.id === active);
      const handled = () => e.preventDefault();
      switch (e.key) {
        case 'j': if (tickets[i + 1]) open(tickets[i + 1]!.id); else if (list.hasNextPage) void list.fetchNextPage(); return handled();
        case 'k': if (i > 0) open(tickets[i - 1]!.id); return handled();
        case 'r': composer.current?.focus('reply'); return handled();
        case 'n': composer.current?.focus('note'); return handled();
        case 'e': if (active) update.mutate({ status: 'solved' }, { onError: (err) => notifyError(err) }); return handled();
        case 'a': if (active) update.mutate({ assigneeId: me.user.id }, { onError: (err) => notifyError(err) }); return handled();
        case 'x': if (active) { const s = new Set(selected); if (s.has(active)) s.delete(active); else s.add(active); setSelected(s); } return handled();
        case '/': searchBox.current?.focus(); return handled();
        case 'c': setCreating(true); return handled();
        case '?': setHelp(true); return handled();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const title = TITLES[view] ?? (view.startsWith('team:') ? (counts.data?.teams.find((t) => `team:${t.id}` === view)?.name ?? 'Team') : view.startsWith('tag:') ? `Tag: ${view.slice(4)}` : (counts.data?.saved.find((s) => s.id === view)?.name ?? 'View'));
  const savedFilter = counts.data?.saved.find((s) => s.id === view)?.filters;

  const modals = (
    <>
      <ShortcutsHelp opened={help} onClose={() => setHelp(false)} />
      <NewTicketModal opened={creating} onClose={() => setCreating(false)} onCreated={(t) => open(t.id)} />
      <SaveViewModal opened={saving} onClose={() => setSaving(false)} filters={savedFilter ?? filterOf(view)} onSaved={(id) => go({ view: id, t: undefined })} />
    </>
  );

  // Phones and small tablets: one pane at a time (the list with a view picker, or the conversation).
  if (narrow) {
    return (
      <Box style={{ ...FULL, gridTemplateColumns: 'minmax(0, 1fr)', width: '100%', left: 0, transform: 'none' }} data-testid="inbox">
        {active ? (
          <Stack gap={0} h="100%" style={{ minHeight: 0 }}>
            <Button variant="subtle" size="compact-sm" leftSection={<IconArrowLeft size={14} />} onClick={() => go({ t: undefined })} w="fit-content" m={6}>All tickets</Button>
            <Box style={{ flex: 1, minHeight: 0 }}><Conversation ref={composer} ticketId={active} onOpen={open} /></Box>
          </Stack>
        ) : (
          <Stack gap={0} h="100%" style={{ minHeight: 0 }}>
            <Select m="xs" aria-label="View" value={view} allowDeselect={false} onChange={(v) => v && go({ view: v, t: undefined })}
              data={[...Object.entries(TITLES).map(([value, label]) => ({ value, label })), ...(counts.data?.teams.map((t) => ({ value: `team:${t.id}`, label: t.name })) ?? []), ...(counts.data?.saved.map((x) => ({ value: x.id, label: x.name })) ?? [])]} />
            <Box style={{ flex: 1, minHeight: 0 }}>
              <TicketListPane ref={searchBox} query={list} q={q} onSearch={(x) => go({ q: x || undefined })} activeId={active} onOpen={open} selected={selected} onSelected={setSelected} title={title} />
            </Box>
          </Stack>
        )}
        {modals}
      </Box>
    );
  }

  return (
    <Box style={{ ...FULL, gridTemplateColumns: wide ? '216px 300px minmax(0, 1fr) 300px' : '216px 300px minmax(0, 1fr)' }} data-testid="inbox">
      <Box style={pane} p="xs">
        <ViewsPane view={view} onView={(v) => { setSelected(new Set()); go({ view: v, t: undefined }); }} onNew={() => setCreating(true)} onSave={() => setSaving(true)} live={live} onOpenTicket={open} />
      </Box>
      <Box style={pane}>
        <TicketListPane ref={searchBox} query={list} q={q} onSearch={(x) => go({ q: x || undefined })} activeId={active} onOpen={open} selected={selected} onSelected={setSelected} title={title} />
      </Box>
      <Box style={{ ...pane, borderRight: wide ? pane.borderRight : 'none' }}>
        {active ? <Conversation ref={composer} ticketId={active} onOpen={open} /> : (
          <Center h="100%"><Stack align="center" gap={4}><IconInbox size={32} color="var(--mantine-color-gray-5)" /><Text c="dimmed">Pick a ticket, or press <b>j</b>.</Text></Stack></Center>
        )}
      </Box>
      {wide && <Box style={{ ...pane, borderRight: 'none', background: 'var(--mantine-color-gray-0)' }}>{active && <CustomerPanel ticketId={active} onOpen={open} />}</Box>}
      {modals}
    </Box>
  );
}
