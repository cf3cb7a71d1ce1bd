import { Button, Group, Kbd, Modal, Select, SimpleGrid, Stack, Switch, Text, Textarea, TextInput, UnstyledButton } from '@mantine/core';
import { useState } from 'react';
import { ApiError } from '../../../lib/api.ts';
import { notifyError, notifySuccess } from '../../../components/notify.tsx';
import { useCreateTicket, useMerge, useSaveView, useTickets, type Filter, type Ticket } from './api.ts';

export const SHORTCUTS: [string, string][] = [
  ['j / k', 'Next / previous ticket'],
  ['r', 'Reply'],
  ['n', 'Internal note'],
  ['e', 'Solve'],
  ['a', 'Assign to me'],
  ['x', 'Select the ticket (for bulk actions)'],
  ['/', 'Search'],
  ['c', 'New ticket'],
  ['⌘ / Ctrl + Enter', 'Send the reply or note'],
  ['Esc', 'Leave the text box'],
  ['?', 'This help'],
];

export function ShortcutsHelp({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  return (
    <Modal opened={opened} onClose={onClose} title="Keyboard shortcuts" size="sm">
      <Stack gap={6}>
        {SHORTCUTS.map(([k, d]) => (
          <Group key={k} justify="space-between"><Text fz="sm">{d}</Text><Kbd>{k}</Kbd></Group>
        ))}
      </Stack>
    </Modal>
  );
}

/** A ticket logged by hand: a phone call, a walk-in, a forwarded email. */
export function NewTicketModal({ opened, onClose, onCreated }: { opened: boolean; onClose: () => void; onCreated: (t: Ticket) => void }) {
  const create = useCreateTicket();
  const [f, setF] = useState({ channel: 'phone', email: '', phone: '', name: '', subject: '', body: '', direction: 'inbound' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const set = (k: keyof typeof f) => (v: string | null) => setF((x) => ({ ...x, [k]: v ?? '' }));
  const submit = () => {
    setErrors({});
    create.mutate({
      channel: f.channel as 'phone', subject: f.subject, message: { direction: f.direction as 'inbound', body: f.body },
      requester: { ...(f.email ? { email: f.email } : {}), ...(f.phone ? { phone: f.phone } : {}), ...(f.name ? { name: f.name } : {}) },
    }, {
      onSuccess: (t) => { notifySuccess(`Ticket #${t.number} created`); onCreated(t); onClose(); setF({ ...f, subject: '', body: '', email: '', phone: '', name: '' }); },
      onError: (e) => { if (e instanceof ApiError && e.problem.errors) setErrors(e.pointers); else notifyError(e); },
    });
  };
  return (
    <Modal opened={opened} onClose={onClose} title="New ticket" size="lg">
      <Stack gap="sm">
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <Select label="How did they get in touch?" value={f.channel} onChange={set('channel')} allowDeselect={false}
            data={[{ value: 'phone', label: 'Phone call' }, { value: 'email', label: 'Email (forwarded)' }, { value: 'form', label: 'In person / other' }]} />
          <Select label="The message is" value={f.direction} onChange={set('direction')} allowDeselect={false}
            data={[{ value: 'inbound', label: 'What the customer said' }, { value: 'outbound', label: 'A message to send them' }, { value: 'internal', label: 'A note for agents' }]} />
          <TextInput label="Customer email" value={f.email} onChange={(e) => set('email')(e.currentTarget.value)} error={errors['requester/email'] ?? errors.requester} />
          <TextInput label="or phone" value={f.phone} onChange={(e) => set('phone')(e.currentTarget.value)} error={errors['requester/phone']} />
        </SimpleGrid>
        <TextInput label="Name" value={f.name} onChange={(e) => set('name')(e.currentTarget.value)} />
        <TextInput label="Subject" required value={f.subject} onChange={(e) => set('subject')(e.currentTarget.value)} error={errors.subject} data-autofocus />
        <Textarea label="Message" required autosize minRows={4} value={f.body} onChange={(e) => set('body')(e.currentTarget.value)} error={errors['message/body']} />
        <Group justify="flex-end"><Button variant="default" onClick={onClose}>Cancel</Button><Button onClick={submit} loading={create.isPending}>Create ticket</Button></Group>
      </Stack>
    </Modal>
  );
}

export function SaveViewModal({ opened, onClose, filters, onSaved }: { opened: boolean; onClose: () => void; filters: Filter; onSaved: (id: string) => void }) {
  const save = useSaveView();
  const [name, setName] = useState('');
  const [shared, setShared] = useState(false);
  return (
    <Modal opened={opened} onClose={onClose} title="Save this view" size="sm">
      <Stack gap="sm">
        <Text fz="sm" c="dimmed">Saves the current view with its filters ({Object.keys(filters).join(', ') || 'everything'}).</Text>
        <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} data-autofocus />
        <Switch label="Share with the whole team" checked={shared} onChange={(e) => setShared(e.currentTarget.checked)} />
        <Group justify="flex-end"><Button variant="default" onClick={onClose}>Cancel</Button>
          <Button loading={save.isPending} disabled={!name.trim()} onClick={() => save.mutate({ name: name.trim(), shared, filters }, { onSuccess: (v) => { onSaved(v.id); onClose(); setName(''); }, onError: (e) => notifyError(e) })}>Save</Button></Group>
      </Stack>
    </Modal>
  );
}

/** Merge this ticket into another: search by words or #number, pick, confirm. */
export function MergeModal({ opened, onClose, ticket, onMerged }: { opened: boolean; onClose: () => void; ticket: Ticket; onMerged: (into: Ticket) => void }) {
  const [q, setQ] = useState('');
  const [pick, setPick] = useState<Ticket | null>(null);
  const found = useTickets('all', q.trim(), { customerId: q.trim() ? undefined : ticket.customerId });
  const merge = useMerge(ticket.id);
  const items = (found.data?.pages.flatMap((p) => p.items) ?? []).filter((t) => t.id !== ticket.id && !t.mergedInto).slice(0, 8);
  return (
    <Modal opened={opened} onClose={onClose} title={`Merge #${ticket.number} into another ticket`} size="lg">
      <Stack gap="sm">
        <Text fz="sm" c="dimmed">Its messages move to the ticket you pick; this one closes and points there. Later replies to it land there too.</Text>
        <TextInput placeholder="Search words or #number (empty: this customer's tickets)" value={q} onChange={(e) => { setQ(e.currentTarget.value); setPick(null); }} data-autofocus aria-label="Find the ticket to merge into" />
        <Stack gap={4}>
          {items.map((t) => (
            <UnstyledButton key={t.id} onClick={() => setPick(t)} p={8} style={{ borderRadius: 8, border: `1px solid var(--mantine-color-${pick?.id === t.id ? 'blue-5' : 'gray-3'})`, background: pick?.id === t.id ? 'var(--mantine-color-blue-0)' : undefined }}>
              <Group justify="space-between" wrap="nowrap"><Text fz="sm" fw={600} truncate="end">#{t.number} {t.subject}</Text><Text fz="xs" c="dimmed">{t.customerName}</Text></Group>
            </UnstyledButton>
          ))}
          {!items.length && !found.isPending && <Text fz="sm" c="dimmed">No other tickets found.</Text>}
        </Stack>
        <Group justify="flex-end"><Button variant="default" onClick={onClose}>Cancel</Button>
          <Button disabled={!pick} loading={merge.isPending} onClick={() => pick && merge.mutate(pick.id, { onSuccess: (t) => { notifySuccess(`Merged into #${t.number}`); onMerged(t); onClose(); }, onError: (e) => notifyError(e) })}>
            {pick ? `Merge into #${pick.number}` : 'Merge'}
          </Button></Group>
      </Stack>
    </Modal>
  );
}
