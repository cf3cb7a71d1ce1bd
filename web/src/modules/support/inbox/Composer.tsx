import { Button, Group, Menu, MultiSelect, Paper, SegmentedControl, Select, Stack, Text, Textarea } from '@mantine/core';
import { IconBolt, IconSend } from '@tabler/icons-react';
import { forwardRef, useImperativeHandle, useRef, useState } from 'react';
import { notifyError } from '../../../components/notify.tsx';
import { STATUS_LABEL, useAgents, useMacros, useNote, useRenderMacro, useReply, type Status, type Ticket } from './api.ts';

export interface ComposerHandle {
  focus(mode: 'reply' | 'note'): void;
}

/** Reply to the customer or write an internal note (with mentions); macros fill the reply in. */
export const Composer = forwardRef<ComposerHandle, { ticket: Ticket; onTyping: (typing: boolean) => void }>(function Composer({ ticket, onTyping }, ref) {
  const [mode, setMode] = useState<'reply' | 'note'>('reply');
  const [body, setBody] = useState('');
  const [macroId, setMacroId] = useState<string | undefined>();
  const [mentions, setMentions] = useState<string[]>([]);
  const [after, setAfter] = useState<Status | null>(null);
  const area = useRef<HTMLTextAreaElement>(null);
  const idle = useRef<ReturnType<typeof setTimeout> | null>(null);
  const macros = useMacros();
  const agents = useAgents();
  const render = useRenderMacro();
  const reply = useReply(ticket.id);
  const note = useNote(ticket.id);
  useImperativeHandle(ref, () => ({ focus: (m) => { setMode(m); setTimeout(() => area.current?.focus(), 0); } }));

  const applyMacro = (id: string) =>
    render.mutate({ macroId: id, ticketId: ticket.id }, {
      onSuccess: (r) => { setMode('reply'); setBody(r.body); setMacroId(id); if (r.actions.status) setAfter(r.actions.status); area.current?.focus(); },
      onError: (e) => notifyError(e, 'The macro could not be used'),
    });
  const reset = () => { setBody(''); setMacroId(undefined); setMentions([]); setAfter(null); onTyping(false); };
  const send = () => {
    if (!body.trim()) return;
    if (mode === 'note') note.mutate({ body, mentions }, { onSuccess: reset, onError: (e) => notifyError(e, 'The note was not saved') });
    // The macro's own status action is applied with macroId; "after" wins when the agent changed it.
    else reply.mutate({ body, macroId, status: after ?? undefined }, { onSuccess: reset, onError: (e) => notifyError(e, 'The reply was not sent') });
  };
  const busy = reply.isPending || note.isPending;
  const channel = ticket.channel === 'chat' || ticket.channel === 'social' ? ticket.channel : ticket.requester.email ? 'email' : ticket.channel;

  return (
    <Paper withBorder radius="md" p="sm" style={{ background: mode === 'note' ? 'var(--mantine-color-yellow-0)' : undefined }}>
      <Stack gap="xs">
        <Group justify="space-between" gap="xs">
          <SegmentedControl size="xs" value={mode} onChange={(v) => setMode(v as 'reply' | 'note')}
            data={[{ value: 'reply', label: 'Reply (r)' }, { value: 'note', label: 'Internal note (n)' }]} />
          {mode === 'reply' && (
            <Menu position="bottom-end" withinPortal width={280}>
              <Menu.Target><Button size="compact-sm" variant="light" leftSection={<IconBolt size={14} />} loading={render.isPending} data-testid="macro-picker">Macros</Button></Menu.Target>
              <Menu.Dropdown>
                {!macros.data?.length && <Menu.Label>No macros yet: add them under Settings → Support.</Menu.Label>}
                {macros.data?.map((m) => <Menu.Item key={m.id} onClick={() => applyMacro(m.id)}>{m.name}</Menu.Item>)}
              </Menu.Dropdown>
            </Menu>
          )}
        </Group>
        <Textarea ref={area} autosize minRows={3} maxRows={12} value={body} aria-label={mode === 'note' ? 'Internal note' : 'Reply'}
          placeholder={mode === 'note' ? 'A note only agents see. Mention someone below to notify them.' : `Reply to ${ticket.customerName ?? 'the customer'} by ${channel}…`}
          onChange={(e) => {
            setBody(e.currentTarget.value);
            onTyping(e.currentTarget.value.length > 0);
            // "Typing" ends by itself after a pause, so a draft left alone does not warn colleagues forever.
            if (idle.current) clearTimeout(idle.current);
            idle.current = setTimeout(() => onTyping(false), 8000);
          }}
          onKeyDown={(e) => { if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) { e.preventDefault(); send(); } if (e.key === 'Escape') e.currentTarget.blur(); }}
          onBlur={() => onTyping(false)} />
        <Group justify="space-between" gap="xs">
          {mode === 'note' ? (
            <MultiSelect size="xs" placeholder="Mention…" data={agents.data?.map((a) => ({ value: a.id, label: a.name })) ?? []} value={mentions} onChange={setMentions} searchable style={{ flex: 1, maxWidth: 360 }} aria-label="Mention agents" />
          ) : (
            <Select size="xs" placeholder="Status after sending: unchanged" clearable value={after} onChange={(v) => setAfter(v as Status | null)} aria-label="Status after sending"
              data={(['open', 'pending', 'on_hold', 'solved'] as Status[]).map((s) => ({ value: s, label: `Then: ${STATUS_LABEL[s]}` }))} style={{ width: 240 }} />
          )}
          <Group gap="xs">
            {macroId && mode === 'reply' && <Text fz="xs" c="dimmed">Macro actions apply on send</Text>}
            <Button size="sm" onClick={send} loading={busy} disabled={!body.trim()} leftSection={<IconSend size={14} />} color={mode === 'note' ? 'yellow' : undefined} data-testid="send">
              {mode === 'note' ? 'Add note' : 'Send'} <Text span fz={10} ml={6} opacity={0.7}>⌘↵</Text>
            </Button>
          </Group>
        </Group>
      </Stack>
    </Paper>
  );
});
