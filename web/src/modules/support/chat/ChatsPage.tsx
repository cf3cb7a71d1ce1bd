import { ActionIcon, Anchor, Avatar, Badge, Box, Button, Group, Loader, Paper, ScrollArea, SegmentedControl, Stack, Switch, Text, Textarea, Tooltip, UnstyledButton } from '@mantine/core';
import { IconExternalLink, IconMessageChatbot, IconMessages, IconRefresh, IconSend } from '@tabler/icons-react';
import { Link } from '@tanstack/react-router';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { Empty } from '../../../components/Empty.tsx';
import { ErrorState } from '../../../components/ErrorState.tsx';
import { notifyError } from '../../../components/notify.tsx';
import { PageHeader } from '../../../components/PageHeader.tsx';
import { RequirePermission } from '../../../components/RequirePermission.tsx';
import { TimeAgo } from '../../../components/TimeAgo.tsx';
import { sendAgentRead, sendAgentTyping, setAgentStatus, useAgentStatus, useChat, useChatReply, useChats, type ChatMessage, type ChatMode, type ChatSummary } from './api.ts';
import { useChatLive } from './live.ts';

const STATUS_KEY = 'patron.chat.status';
const BEAT_MS = 30_000;

/** Support → Live chat: chats with a person (and those the assistant handles), answered in real time. */
export function ChatsPage(): ReactNode {
  return (
    <RequirePermission permission="support:read">
      <Chats />
    </RequirePermission>
  );
}

function Chats() {
  const [mode, setMode] = useState<ChatMode | 'all'>('human');
  const [openId, setOpenId] = useState<string | undefined>();
  const list = useChats(mode);
  const live = useChatLive(openId);
  const items = list.data?.items ?? [];
  useEffect(() => {
    if (!openId && items[0]) setOpenId(items[0].id);
  }, [openId, items]);

  return (
    <>
      <PageHeader title="Live chat" description="Visitors who asked for a person, in real time. Replies reach the widget at once and are kept on the ticket." actions={<Availability />} />
      <Group align="stretch" gap="md" wrap="nowrap" style={{ minHeight: 560 }}>
        <Paper withBorder radius="md" w={340} style={{ flex: 'none', display: 'flex', flexDirection: 'column' }}>
          <Box p="sm" style={{ borderBottom: '1px solid var(--mantine-color-default-border)' }}>
            <SegmentedControl fullWidth size="xs" value={mode} onChange={(v) => { setMode(v as ChatMode); setOpenId(undefined); }}
              data={[{ value: 'human', label: 'With a person' }, { value: 'offline', label: 'Offline' }, { value: 'bot', label: 'Assistant' }, { value: 'all', label: 'All' }]} />
          </Box>
          <ScrollArea style={{ flex: 1 }}>
            {list.isPending ? <Group justify="center" p="lg"><Loader size="sm" /></Group>
              : list.isError ? <ErrorState error={list.error} onRetry={() => void list.refetch()} />
              : items.length === 0 ? <Box p="md"><Empty icon={<IconMessages />} title="No chats here" description="Chats appear as soon as a visitor writes in the widget on your store." /></Box>
              : items.map((c) => <ChatRow key={c.id} c={c} active={c.id === openId} onOpen={() => setOpenId(c.id)} />)}
          </ScrollArea>
          <Group p="xs" gap={6} style={{ borderTop: '1px solid var(--mantine-color-default-border)' }}>
            <Badge size="xs" variant="dot" color={live.connected ? 'teal' : 'gray'}>{live.connected ? 'Live' : 'Connecting…'}</Badge>
          </Group>
        </Paper>
        <Paper withBorder radius="md" style={{ flex: 1, minWidth: 0, display: 'flex', flexDirection: 'column' }}>
          {openId ? <Conversation id={openId} visitorTyping={live.visitorTyping} readSeq={live.readSeq} /> : <Box p="xl"><Empty icon={<IconMessageChatbot />} title="Pick a chat" description="The conversation, the visitor and their page show here." /></Box>}
        </Paper>
      </Group>
    </>
  );
}

function ChatRow({ c, active, onOpen }: { c: ChatSummary; active: boolean; onOpen: () => void }) {
  const who = c.visitor.name ?? c.visitor.email ?? `Visitor ${c.visitor.id.slice(-6)}`;
  return (
    <UnstyledButton onClick={onOpen} w="100%" p="sm" aria-current={active ? 'true' : undefined}
      style={{ display: 'block', borderBottom: '1px solid var(--mantine-color-default-border)', background: active ? 'var(--mantine-color-blue-light)' : undefined }}>
      <Group justify="space-between" wrap="nowrap" gap="xs">
        <Text fw={600} fz="sm" truncate>{who}</Text>
        <TimeAgo date={c.lastMessageAt} fz="xs" c="dimmed" />
      </Group>
      <Text fz="sm" c="dimmed" lineClamp={1}>{c.preview ?? '—'}</Text>
      <Group gap={6} mt={4}>
        {c.ticketNumber !== null && <Badge size="xs" variant="light">#{c.ticketNumber}</Badge>}
        <Badge size="xs" variant="outline" color={c.mode === 'human' ? 'blue' : c.mode === 'offline' ? 'orange' : 'gray'}>{MODE_LABEL[c.mode]}</Badge>
      </Group>
    </UnstyledButton>
  );
}

const MODE_LABEL: Record<ChatMode, string> = { human: 'With a person', offline: 'Offline', bot: 'Assistant', ended: 'Ended' };

function Conversation({ id, visitorTyping, readSeq }: { id: string; visitorTyping: boolean; readSeq: number }) {
  const q = useChat(id);
  const reply = useChatReply(id);
  const [text, setText] = useState('');
  const viewport = useRef<HTMLDivElement>(null);
  const typing = useRef(0);
  const messages = q.data?.messages ?? [];
  useEffect(() => {
    viewport.current?.scrollTo({ top: viewport.current.scrollHeight });
  }, [messages.length, visitorTyping]);
  // Read receipt for the visitor: the latest of their messages this agent has on screen.
  const lastVisitorSeq = messages.filter((m) => m.author === 'visitor').at(-1)?.seq;
  useEffect(() => {
    if (lastVisitorSeq !== undefined && document.visibilityState === 'visible') sendAgentRead(id, lastVisitorSeq);
  }, [id, lastVisitorSeq]);
  if (q.isPending) return <Group justify="center" p="xl"><Loader size="sm" /></Group>;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => void q.refetch()} />;
  const { chat } = q.data;
  const canReply = !!chat.ticketId;
  const lastVisitorSeen = messages.filter((m) => m.author === 'agent' && m.seq <= readSeq).at(-1)?.id;

  const send = () => {
    const body = text.trim();
    if (!body) return;
    reply.mutate({ text: body, clientId: crypto.randomUUID() }, { onSuccess: () => setText(''), onError: (e) => notifyError(e, 'Reply not sent') });
    typing.current = 0;
    sendAgentTyping(id, false);
  };
  const onType = (v: string) => {
    setText(v);
    const now = Date.now();
    if (now - typing.current > 2500) { typing.current = now; sendAgentTyping(id, true); }
  };

  return (
    <>
      <Group justify="space-between" p="sm" wrap="nowrap" style={{ borderBottom: '1px solid var(--mantine-color-default-border)' }}>
        <Stack gap={2} style={{ minWidth: 0 }}>
          <Group gap={8}>
            <Text fw={650}>{chat.visitor.name ?? chat.visitor.email ?? 'Anonymous visitor'}</Text>
            {chat.visitor.email && (
              <Tooltip label={chat.visitor.emailVerified ? 'Signed by your store (identity hash)' : 'Typed by the visitor: not proof of who they are'}>
                <Badge size="xs" color={chat.visitor.emailVerified ? 'teal' : 'yellow'} variant="light">{chat.visitor.emailVerified ? 'Verified' : 'Unverified'}</Badge>
              </Tooltip>
            )}
          </Group>
          <Text fz="xs" c="dimmed" truncate>
            {chat.visitor.email ?? 'No email'}{chat.pageUrl ? ' · on ' : ''}{chat.pageUrl && <Anchor href={chat.pageUrl} target="_blank" rel="noopener noreferrer" fz="xs">{chat.pageTitle || chat.pageUrl}</Anchor>}
          </Text>
        </Stack>
        <Group gap="xs" wrap="nowrap">
          {chat.visitor.customerId && <Button size="xs" variant="default" renderRoot={(p) => <Link to="/customers/$id" params={{ id: chat.visitor.customerId! }} {...p} />}>Customer</Button>}
          {chat.ticketId && <Button size="xs" variant="default" rightSection={<IconExternalLink size={14} />} renderRoot={(p) => <Link to="/support/inbox" search={{ t: chat.ticketId! }} {...p} />}>Ticket #{chat.ticketNumber}</Button>}
          <ActionIcon variant="subtle" aria-label="Refresh" onClick={() => void q.refetch()}><IconRefresh size={16} /></ActionIcon>
        </Group>
      </Group>
      <ScrollArea viewportRef={viewport} style={{ flex: 1 }} h={420} bg="var(--mantine-color-gray-0)">
        <Stack gap="xs" p="md" role="log" aria-label="Chat messages">
          {messages.map((m) => <Bubble key={m.id} m={m} seen={m.id === lastVisitorSeen} />)}
          {visitorTyping && <Text fz="xs" c="dimmed" fs="italic">Visitor is typing…</Text>}
        </Stack>
      </ScrollArea>
      <Box p="sm" style={{ borderTop: '1px solid var(--mantine-color-default-border)' }}>
        {canReply ? (
          <Group align="flex-end" gap="xs" wrap="nowrap">
            <Textarea aria-label="Reply" placeholder="Write a reply… (Enter to send, Shift+Enter for a new line)" autosize minRows={1} maxRows={6} maxLength={4000} style={{ flex: 1 }}
              value={text} onChange={(e) => onType(e.currentTarget.value)}
              onKeyDown={(e) => { if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); send(); } }} />
            <Button leftSection={<IconSend size={16} />} onClick={send} loading={reply.isPending} disabled={!text.trim()}>Send</Button>
          </Group>
        ) : (
          <Text fz="sm" c="dimmed">The assistant is handling this chat. You can answer once the visitor asks for a person.</Text>
        )}
      </Box>
    </>
  );
}

function Bubble({ m, seen }: { m: ChatMessage; seen: boolean }) {
  if (m.author === 'system') return <Text fz="xs" c="dimmed" ta="center">{m.text}</Text>;
  const mine = m.author === 'agent' || m.author === 'assistant';
  const name = m.author === 'assistant' ? 'Assistant' : m.author === 'visitor' ? (m.authorName ?? 'Visitor') : (m.authorName ?? 'Agent');
  return (
    <Group justify={mine ? 'flex-end' : 'flex-start'} align="flex-end" gap={6} wrap="nowrap">
      {!mine && <Avatar size="sm" radius="xl" color="gray">{initials(name)}</Avatar>}
      <Stack gap={2} maw="75%" align={mine ? 'flex-end' : 'flex-start'}>
        <Text fz={11} c="dimmed">{name} · <TimeAgo date={m.createdAt} span fz={11} /></Text>
        <Paper px="sm" py={6} radius="lg" withBorder={!mine} bg={m.author === 'agent' ? 'blue.6' : m.author === 'assistant' ? 'violet.0' : 'white'} c={m.author === 'agent' ? 'white' : undefined}>
          <Text fz="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>{m.text}</Text>
          {m.sources.length > 0 && <Text fz="xs" mt={4}>Source: {m.sources.map((s) => s.title).join(', ')}</Text>}
        </Paper>
        {seen && <Text fz={10} c="dimmed">Seen</Text>}
      </Stack>
      {mine && <Avatar size="sm" radius="xl" color={m.author === 'assistant' ? 'violet' : 'blue'}>{m.author === 'assistant' ? <IconMessageChatbot size={14} /> : initials(name)}</Avatar>}
    </Group>
  );
}

function initials(name: string): string {
  return name.split(/\s+/).map((p) => p[0] ?? '').join('').slice(0, 2).toUpperCase();
}

/** Online for chat: beats every 30 s while this page is open; away stops visitors from waiting on you. */
function Availability() {
  const status = useAgentStatus();
  const [mine, setMine] = useState<'online' | 'away'>(() => (localStorage.getItem(STATUS_KEY) === 'away' ? 'away' : 'online'));
  useEffect(() => {
    localStorage.setItem(STATUS_KEY, mine);
    const beat = () => setAgentStatus(mine).then(() => void status.refetch(), () => undefined);
    beat();
    const t = setInterval(beat, BEAT_MS);
    return () => clearInterval(t);
  }, [mine]);
  const online = status.data?.online ?? false;
  return (
    <Group gap="sm">
      <Badge variant="light" color={online ? 'teal' : 'orange'}>{online ? `Visitors can chat · ${status.data?.agentsOnline ?? 0} online` : 'Visitors see the offline form'}</Badge>
      <Switch label="I am available for chat" checked={mine === 'online'} onChange={(e) => setMine(e.currentTarget.checked ? 'online' : 'away')} />
    </Group>
  );
}
