import { Badge, Button, Group, MultiSelect, Paper, Select, Stack, Switch, Table, TagsInput, Text, Textarea, TextInput } from '@mantine/core';
import { IconBolt, IconForms, IconUsersGroup } from '@tabler/icons-react';
import { useState } from 'react';
import { CopyField } from '../../../components/CopyField.tsx';
import { Empty } from '../../../components/Empty.tsx';
import { FormModal } from '../../../components/FormModal.tsx';
import { notifyError, notifySuccess } from '../../../components/notify.tsx';
import { QueryStates } from '../../../components/QueryStates.tsx';
import { RowMenu } from '../../../components/RowMenu.tsx';
import { ApiError, errorMessage } from '../../../lib/api.ts';
import { useCan, useSession } from '../../session/context.tsx';
import { STATUS_LABEL, supportKeys, useAgents, useFields, useMacros, useSetAvailability, useSettingsMutation, useTeams, type Macro, type MacroActions, type Team } from './api.ts';
import { Menu } from '@mantine/core';

function useProblem() {
  const [problem, setProblem] = useState<{ detail: string; fields: Record<string, string> } | null>(null);
  return { problem, fail: (e: unknown) => setProblem({ detail: errorMessage(e), fields: e instanceof ApiError ? e.fields : {} }), clear: () => setProblem(null) };
}

export function TeamsPanel() {
  const can = useCan();
  const me = useSession();
  const teams = useTeams();
  const agents = useAgents();
  const avail = useSetAvailability();
  const [edit, setEdit] = useState<Team | 'new' | null>(null);
  const [name, setName] = useState('');
  const [members, setMembers] = useState<string[]>([]);
  const p = useProblem();
  const create = useSettingsMutation<{ name: string; memberIds: string[] }>(supportKeys.teams, 'post', () => '/api/support/teams');
  const save = useSettingsMutation<{ id: string; name: string; memberIds: string[] }>(supportKeys.teams, 'patch', (b) => `/api/support/teams/${b.id}`, (b) => ({ name: b.name, memberIds: b.memberIds }));
  const del = useSettingsMutation<string>(supportKeys.teams, 'delete', (id) => `/api/support/teams/${id}`);
  const admin = can('settings:write');
  const mine = agents.data?.find((a) => a.id === me.user.id);
  const openEdit = (t: Team | 'new') => { p.clear(); setEdit(t); setName(t === 'new' ? '' : t.name); setMembers(t === 'new' ? [] : t.members.map((m) => m.userId)); };
  const submit = () => {
    const done = { onSuccess: () => { setEdit(null); notifySuccess('Team saved'); }, onError: p.fail };
    if (edit === 'new') create.mutate({ name, memberIds: members }, done);
    else if (edit) save.mutate({ id: edit.id, name, memberIds: members }, done);
  };
  return (
    <Stack>
      <Group justify="space-between">
        <Text fz="sm" c="dimmed" maw={640}>Teams own tickets; rules route tickets to them and round-robin assigns their available members in turn.</Text>
        <Group>
          {mine && <Switch label="I take new tickets" checked={mine.available} onChange={(e) => avail.mutate(e.currentTarget.checked, { onError: (err) => notifyError(err) })} />}
          {admin && <Button onClick={() => openEdit('new')}>New team</Button>}
        </Group>
      </Group>
      <QueryStates query={teams} empty={<Empty icon={<IconUsersGroup size={24} />} title="No teams yet" description="Create teams such as Customer care, Returns or Wholesale." />}>
        {(items) => (
          <Paper withBorder radius="md">
            <Table verticalSpacing="sm">
              <Table.Thead><Table.Tr><Table.Th>Team</Table.Th><Table.Th>Members</Table.Th><Table.Th>Open tickets</Table.Th><Table.Th w={40} /></Table.Tr></Table.Thead>
              <Table.Tbody>
                {items.map((t) => (
                  <Table.Tr key={t.id}>
                    <Table.Td fw={600}>{t.name}</Table.Td>
                    <Table.Td><Group gap={4}>{t.members.map((m) => <Badge key={m.userId} variant="light" color={m.available ? 'blue' : 'gray'}>{m.name}{m.available ? '' : ' (away)'}</Badge>)}{!t.members.length && <Text fz="sm" c="dimmed">Nobody yet</Text>}</Group></Table.Td>
                    <Table.Td>{t.openTickets}</Table.Td>
                    <Table.Td>{admin && <RowMenu label={`Actions for ${t.name}`}><Menu.Item onClick={() => openEdit(t)}>Edit</Menu.Item><Menu.Item color="red" onClick={() => del.mutate(t.id, { onError: (e) => notifyError(e) })}>Delete</Menu.Item></RowMenu>}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Paper>
        )}
      </QueryStates>
      <FormModal opened={!!edit} onClose={() => setEdit(null)} title={edit === 'new' ? 'New team' : 'Edit team'} onSubmit={submit} problem={p.problem && !Object.keys(p.problem.fields).length ? p.problem.detail : undefined}>
        <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} error={p.problem?.fields.name} data-autofocus />
        <MultiSelect label="Members" searchable data={agents.data?.map((a) => ({ value: a.id, label: a.name })) ?? []} value={members} onChange={setMembers} error={p.problem?.fields.memberIds} />
        <Group justify="flex-end"><Button type="submit" loading={create.isPending || save.isPending}>Save</Button></Group>
      </FormModal>
    </Stack>
  );
}

const VARIABLES = ['customer.first_name', 'customer.name', 'last_order.number', 'last_order.status', 'last_order.tracking_url', 'last_order.total | money: last_order.currency', 'ticket.number', 'agent.first_name', 'store.name'];

export function MacrosPanel() {
  const macros = useMacros();
  const agents = useAgents();
  const teams = useTeams();
  const [edit, setEdit] = useState<Macro | 'new' | null>(null);
  const [f, setF] = useState<{ name: string; body: string; actions: MacroActions }>({ name: '', body: '', actions: {} });
  const p = useProblem();
  const create = useSettingsMutation<typeof f>(supportKeys.macros, 'post', () => '/api/support/macros');
  const save = useSettingsMutation<typeof f & { id: string }>(supportKeys.macros, 'patch', (b) => `/api/support/macros/${b.id}`, ({ id: _id, ...b }) => b);
  const del = useSettingsMutation<string>(supportKeys.macros, 'delete', (id) => `/api/support/macros/${id}`);
  const openEdit = (m: Macro | 'new') => { p.clear(); setEdit(m); setF(m === 'new' ? { name: '', body: 'Hi {{ customer.first_name | default: "there" }},\n\n\n\n{{ agent.first_name }}', actions: {} } : { name: m.name, body: m.body, actions: m.actions }); };
  const submit = () => {
    const done = { onSuccess: () => { setEdit(null); notifySuccess('Macro saved'); }, onError: p.fail };
    if (edit === 'new') create.mutate(f, done);
    else if (edit) save.mutate({ ...f, id: edit.id }, done);
  };
  const act = (k: keyof MacroActions, v: unknown) => setF((x) => ({ ...x, actions: { ...x.actions, [k]: v === null || v === '' || (Array.isArray(v) && !v.length) ? undefined : v } }));
  const describe = (a: MacroActions) => [a.status && `status → ${STATUS_LABEL[a.status]}`, a.priority && `priority ${a.priority}`, a.addTags?.length && `tag ${a.addTags.join(', ')}`, a.assigneeId && 'assign', a.teamId && 'team'].filter(Boolean).join(' · ');
  return (
    <Stack>
      <Group justify="space-between">
        <Text fz="sm" c="dimmed" maw={640}>Canned replies with Liquid variables, plus actions applied when the reply is sent. Agents pick them from the Macros menu in the reply box.</Text>
        <Button onClick={() => openEdit('new')}>New macro</Button>
      </Group>
      <QueryStates query={macros} empty={<Empty icon={<IconBolt size={24} />} title="No macros yet" description="Write the replies you send most often once." />}>
        {(items) => (
          <Paper withBorder radius="md">
            <Table verticalSpacing="sm">
              <Table.Thead><Table.Tr><Table.Th>Macro</Table.Th><Table.Th>Actions</Table.Th><Table.Th>Used</Table.Th><Table.Th w={40} /></Table.Tr></Table.Thead>
              <Table.Tbody>
                {items.map((m) => (
                  <Table.Tr key={m.id}>
                    <Table.Td><Text fw={600} fz="sm">{m.name}</Text><Text fz="xs" c="dimmed" lineClamp={1} maw={520}>{m.body}</Text></Table.Td>
                    <Table.Td><Text fz="xs">{describe(m.actions) || '—'}</Text></Table.Td>
                    <Table.Td>{m.usageCount}</Table.Td>
                    <Table.Td><RowMenu label={`Actions for ${m.name}`}><Menu.Item onClick={() => openEdit(m)}>Edit</Menu.Item><Menu.Item color="red" onClick={() => del.mutate(m.id, { onError: (e) => notifyError(e) })}>Delete</Menu.Item></RowMenu></Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Paper>
        )}
      </QueryStates>
      <FormModal size="lg" opened={!!edit} onClose={() => setEdit(null)} title={edit === 'new' ? 'New macro' : 'Edit macro'} onSubmit={submit} problem={p.problem && !Object.keys(p.problem.fields).length ? p.problem.detail : undefined}>
        <TextInput label="Name" value={f.name} onChange={(e) => setF({ ...f, name: e.currentTarget.value })} error={p.problem?.fields.name} data-autofocus />
        <Textarea label="Reply" autosize minRows={6} value={f.body} onChange={(e) => setF({ ...f, body: e.currentTarget.value })} error={p.problem?.fields.body}
          description={<>Variables: {VARIABLES.map((v) => <code key={v} style={{ marginRight: 6 }}>{`{{ ${v} }}`}</code>)}</>} styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 13 } }} />
        <Group grow>
          <Select label="Set status" clearable value={f.actions.status ?? null} onChange={(v) => act('status', v)} data={Object.entries(STATUS_LABEL).map(([value, label]) => ({ value, label }))} />
          <Select label="Set priority" clearable value={f.actions.priority ?? null} onChange={(v) => act('priority', v)} data={['low', 'normal', 'high', 'urgent']} />
        </Group>
        <Group grow>
          <Select label="Assign to" clearable value={f.actions.assigneeId ?? null} onChange={(v) => act('assigneeId', v)} data={[{ value: 'me', label: 'Whoever uses the macro' }, ...(agents.data?.map((a) => ({ value: a.id, label: a.name })) ?? [])]} />
          <Select label="Team" clearable value={f.actions.teamId ?? null} onChange={(v) => act('teamId', v)} data={teams.data?.map((t) => ({ value: t.id, label: t.name })) ?? []} />
        </Group>
        <TagsInput label="Add tags" value={f.actions.addTags ?? []} onChange={(v) => act('addTags', v)} />
        <Group justify="flex-end"><Button type="submit" loading={create.isPending || save.isPending}>Save</Button></Group>
      </FormModal>
    </Stack>
  );
}

export function FieldsPanel() {
  const can = useCan();
  const fields = useFields();
  const [open, setOpen] = useState(false);
  const [f, setF] = useState({ key: '', label: '', type: 'text', options: [] as string[], required: false });
  const p = useProblem();
  const create = useSettingsMutation<typeof f>(supportKeys.fields, 'post', () => '/api/support/fields');
  const del = useSettingsMutation<string>(supportKeys.fields, 'delete', (id) => `/api/support/fields/${id}`);
  const admin = can('settings:write');
  return (
    <Stack>
      <Group justify="space-between">
        <Text fz="sm" c="dimmed" maw={640}>Extra, typed fields on every ticket (order number, contact reason, …). Values are checked against their type.</Text>
        {admin && <Button onClick={() => { p.clear(); setOpen(true); }}>New field</Button>}
      </Group>
      <QueryStates query={fields} empty={<Empty icon={<IconForms size={24} />} title="No custom fields" description="Add fields your team fills in on tickets." />}>
        {(items) => (
          <Paper withBorder radius="md">
            <Table verticalSpacing="sm">
              <Table.Thead><Table.Tr><Table.Th>Label</Table.Th><Table.Th>Key</Table.Th><Table.Th>Type</Table.Th><Table.Th w={40} /></Table.Tr></Table.Thead>
              <Table.Tbody>
                {items.map((x) => (
                  <Table.Tr key={x.id}>
                    <Table.Td fw={600}>{x.label}</Table.Td><Table.Td><code>{x.key}</code></Table.Td>
                    <Table.Td>{x.type}{x.type === 'select' ? `: ${x.options.join(', ')}` : ''}</Table.Td>
                    <Table.Td>{admin && <RowMenu label={`Actions for ${x.label}`}><Menu.Item color="red" onClick={() => del.mutate(x.id, { onError: (e) => notifyError(e) })}>Delete</Menu.Item></RowMenu>}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Paper>
        )}
      </QueryStates>
      <FormModal opened={open} onClose={() => setOpen(false)} title="New field" onSubmit={() => create.mutate(f, { onSuccess: () => { setOpen(false); setF({ key: '', label: '', type: 'text', options: [], required: false }); }, onError: p.fail })}
        problem={p.problem && !Object.keys(p.problem.fields).length ? p.problem.detail : undefined}>
        <TextInput label="Label" value={f.label} onChange={(e) => { const label = e.currentTarget.value; setF((x) => ({ ...x, label, key: x.key || '' })); }} error={p.problem?.fields.label} data-autofocus />
        <TextInput label="Key" description="Lower case, used in the API: order_number" value={f.key} onChange={(e) => setF({ ...f, key: e.currentTarget.value })} error={p.problem?.fields.key} />
        <Select label="Type" value={f.type} allowDeselect={false} onChange={(v) => setF({ ...f, type: v ?? 'text' })} data={['text', 'number', 'boolean', 'date', 'select']} />
        {f.type === 'select' && <TagsInput label="Options" value={f.options} onChange={(options) => setF({ ...f, options })} error={p.problem?.fields.options} />}
        <Group justify="flex-end"><Button type="submit" loading={create.isPending}>Create</Button></Group>
      </FormModal>
    </Stack>
  );
}

/** Where the contact form lives and how to put it on the shop's own pages. */
export function WebFormPanel() {
  const origin = window.location.origin;
  return (
    <Stack maw={720}>
      <Text fz="sm" c="dimmed">Customers write to you through a contact form in your store's name and colour; each message becomes a ticket (channel “Web form”) and the sender's profile is found or created by email.</Text>
      <CopyField label="Hosted page" value={`${origin}/support/form`} description="Link to it from the shop's contact page or footer." />
      <CopyField label="Embed on your site" value={`<script src="${origin}/support/form.js" async></script>`} description="Paste where the form should appear: it adds the form in a frame." />
      <Group><Button component="a" href="/support/form" target="_blank" rel="noreferrer" variant="light">Open the form</Button></Group>
    </Stack>
  );
}
