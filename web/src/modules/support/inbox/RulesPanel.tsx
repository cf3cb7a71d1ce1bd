import { ActionIcon, Badge, Button, Group, Menu, NumberInput, Paper, SegmentedControl, Select, Stack, Switch, Table, TagsInput, Text, TextInput } from '@mantine/core';
import { IconRoute, IconTrash } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Empty } from '../../../components/Empty.tsx';
import { FormModal } from '../../../components/FormModal.tsx';
import { notifyError, notifySuccess } from '../../../components/notify.tsx';
import { QueryStates } from '../../../components/QueryStates.tsx';
import { RowMenu } from '../../../components/RowMenu.tsx';
import { api, ApiError, errorMessage } from '../../../lib/api.ts';
import { useCan } from '../../session/context.tsx';
import { CHANNEL_LABEL, STATUS_LABEL, supportKeys, useAgents, useMacros, useRules, useSettingsMutation, useTeams, type Rule, type RuleBody } from './api.ts';

type Cond = RuleBody['conditions']['conditions'][number];
type Action = RuleBody['actions'][number];
type Field = Cond['field'];

const FIELDS: { value: Field; label: string }[] = [
  { value: 'channel', label: 'Channel' }, { value: 'text', label: 'Subject or message' }, { value: 'subject', label: 'Subject' }, { value: 'body', label: 'Message' },
  { value: 'segment', label: 'Customer segment' }, { value: 'last_order_value', label: 'Last order value (minor units)' }, { value: 'lifetime_value', label: 'Lifetime value (minor units)' },
  { value: 'order_count', label: 'Number of orders' }, { value: 'language', label: 'Language' }, { value: 'priority', label: 'Priority' }, { value: 'tag', label: 'Tag' },
];
const OPS: Record<Field, { value: string; label: string }[]> = {
  channel: [{ value: 'is', label: 'is' }, { value: 'is_not', label: 'is not' }],
  text: [{ value: 'contains_any', label: 'contains any of' }, { value: 'contains_none', label: 'contains none of' }],
  subject: [{ value: 'contains_any', label: 'contains any of' }, { value: 'contains_none', label: 'contains none of' }],
  body: [{ value: 'contains_any', label: 'contains any of' }, { value: 'contains_none', label: 'contains none of' }],
  segment: [{ value: 'in', label: 'is in' }, { value: 'not_in', label: 'is not in' }],
  last_order_value: [{ value: 'gte', label: 'at least' }, { value: 'lte', label: 'at most' }],
  lifetime_value: [{ value: 'gte', label: 'at least' }, { value: 'lte', label: 'at most' }],
  order_count: [{ value: 'gte', label: 'at least' }, { value: 'lte', label: 'at most' }],
  language: [{ value: 'is', label: 'is' }, { value: 'is_not', label: 'is not' }],
  priority: [{ value: 'is', label: 'is' }, { value: 'is_not', label: 'is not' }],
  tag: [{ value: 'has', label: 'has' }, { value: 'has_not', label: 'has not' }],
};
const DEFAULT_VALUE: Record<Field, unknown> = { channel: 'email', text: [], subject: [], body: [], segment: '', last_order_value: 10000, lifetime_value: 50000, order_count: 3, language: 'en', priority: 'high', tag: '' };

const ACTIONS: { value: Action['type']; label: string }[] = [
  { value: 'assign_team', label: 'Assign to team' }, { value: 'round_robin', label: 'Round-robin in team' }, { value: 'assign_agent', label: 'Assign to agent' },
  { value: 'set_priority', label: 'Set priority' }, { value: 'set_status', label: 'Set status' }, { value: 'add_tags', label: 'Add tags' }, { value: 'auto_reply', label: 'Auto-reply with macro' },
];
const newAction = (type: Action['type']): Action => {
  switch (type) {
    case 'assign_team': case 'round_robin': return { type, teamId: '' };
    case 'assign_agent': return { type, userId: '' };
    case 'set_priority': return { type, priority: 'high' };
    case 'set_status': return { type, status: 'open' };
    case 'add_tags': return { type, tags: [] };
    case 'auto_reply': return { type, macroId: '' };
  }
};

const empty = (): RuleBody => ({ name: '', enabled: true, trigger: 'created', stopProcessing: false, conditions: { match: 'all', conditions: [] }, actions: [newAction('assign_team')] });

export function RulesPanel() {
  const can = useCan();
  const rules = useRules();
  const teams = useTeams();
  const agents = useAgents();
  const macros = useMacros();
  const segments = useQuery({ queryKey: ['segments', 'list', 'for-rules'], queryFn: ({ signal }) => api.get<{ items: { id: string; name: string }[] }>('/api/segments', { signal }), select: (d) => d.items, enabled: can('segments:read') });
  const [edit, setEdit] = useState<Rule | 'new' | null>(null);
  const [f, setF] = useState<RuleBody>(empty());
  const [problem, setProblem] = useState<{ detail: string; fields: Record<string, string> } | null>(null);
  const create = useSettingsMutation<RuleBody>(supportKeys.rules, 'post', () => '/api/support/rules');
  const save = useSettingsMutation<RuleBody & { id: string }>(supportKeys.rules, 'patch', (b) => `/api/support/rules/${b.id}`, ({ id: _id, ...b }) => b);
  const toggle = useSettingsMutation<{ id: string; enabled: boolean }>(supportKeys.rules, 'patch', (b) => `/api/support/rules/${b.id}`, (b) => ({ enabled: b.enabled }));
  const del = useSettingsMutation<string>(supportKeys.rules, 'delete', (id) => `/api/support/rules/${id}`);
  const admin = can('settings:write');
  const open = (r: Rule | 'new') => { setProblem(null); setEdit(r); setF(r === 'new' ? empty() : { name: r.name, enabled: r.enabled, trigger: r.trigger, stopProcessing: r.stopProcessing, conditions: r.conditions, actions: r.actions }); };
  const submit = () => {
    const done = { onSuccess: () => { setEdit(null); notifySuccess('Rule saved'); }, onError: (e: unknown) => setProblem({ detail: errorMessage(e), fields: e instanceof ApiError ? e.pointers : {} }) };
    if (edit === 'new') create.mutate(f, done);
    else if (edit) save.mutate({ ...f, id: edit.id }, done);
  };
  const conds = f.conditions.conditions;
  const setCond = (i: number, c: Cond) => setF({ ...f, conditions: { ...f.conditions, conditions: conds.map((x, j) => (j === i ? c : x)) } });
  const setAction = (i: number, a: Action) => setF({ ...f, actions: f.actions.map((x, j) => (j === i ? a : x)) });
  const teamData = teams.data?.map((t) => ({ value: t.id, label: t.name })) ?? [];

  const valueInput = (c: Cond, i: number) => {
    const err = problem?.fields[`conditions/conditions/${i}/value`];
    const set = (value: unknown) => setCond(i, { ...c, value } as Cond);
    switch (c.field) {
      case 'channel': return <Select size="xs" value={c.value} onChange={(v) => v && set(v)} data={Object.entries(CHANNEL_LABEL).map(([value, label]) => ({ value, label }))} allowDeselect={false} error={err} />;
      case 'text': case 'subject': case 'body': return <TagsInput size="xs" placeholder="Type a word, Enter" value={c.value} onChange={set} error={err} style={{ flex: 1 }} />;
      case 'segment': return <Select size="xs" searchable placeholder="Segment" value={c.value || null} onChange={(v) => set(v ?? '')} data={segments.data?.map((s) => ({ value: s.id, label: s.name })) ?? []} error={err} />;
      case 'last_order_value': case 'lifetime_value': case 'order_count': return <NumberInput size="xs" min={0} value={c.value} onChange={(v) => set(Number(v) || 0)} error={err} w={140} />;
      case 'priority': return <Select size="xs" value={c.value} onChange={(v) => v && set(v)} data={['low', 'normal', 'high', 'urgent']} allowDeselect={false} />;
      default: return <TextInput size="xs" value={c.value} onChange={(e) => set(e.currentTarget.value)} error={err} w={140} />;
    }
  };
  const actionInput = (a: Action, i: number) => {
    const err = (k: string) => problem?.fields[`actions/${i}/${k}`];
    switch (a.type) {
      case 'assign_team': case 'round_robin': return <Select size="xs" placeholder="Team" value={a.teamId || null} onChange={(v) => setAction(i, { ...a, teamId: v ?? '' })} data={teamData} error={err('teamId')} />;
      case 'assign_agent': return <Select size="xs" placeholder="Agent" value={a.userId || null} onChange={(v) => setAction(i, { ...a, userId: v ?? '' })} data={agents.data?.map((x) => ({ value: x.id, label: x.name })) ?? []} error={err('userId')} />;
      case 'set_priority': return <Select size="xs" value={a.priority} onChange={(v) => v && setAction(i, { ...a, priority: v as 'high' })} data={['low', 'normal', 'high', 'urgent']} allowDeselect={false} />;
      case 'set_status': return <Select size="xs" value={a.status} onChange={(v) => v && setAction(i, { ...a, status: v as 'open' })} data={Object.entries(STATUS_LABEL).map(([value, label]) => ({ value, label }))} allowDeselect={false} />;
      case 'add_tags': return <TagsInput size="xs" value={a.tags} onChange={(tags) => setAction(i, { ...a, tags })} error={err('tags')} style={{ flex: 1 }} />;
      case 'auto_reply': return <Select size="xs" placeholder="Macro" value={a.macroId || null} onChange={(v) => setAction(i, { ...a, macroId: v ?? '' })} data={macros.data?.map((m) => ({ value: m.id, label: m.name })) ?? []} error={err('macroId')} />;
    }
  };
  const summary = (r: Rule) => `${r.conditions.conditions.length ? `${r.conditions.conditions.length} condition${r.conditions.conditions.length === 1 ? '' : 's'}` : 'every ticket'} → ${r.actions.map((a) => ACTIONS.find((x) => x.value === a.type)?.label.toLowerCase()).join(', ')}`;

  return (
    <Stack>
      <Group justify="space-between">
        <Text fz="sm" c="dimmed" maw={640}>Rules run on new tickets (and, if you say so, on customers' new messages), top to bottom: conditions on channel, words, segment, order value or language → assign, round-robin, priority, tags, auto-reply.</Text>
        {admin && <Button onClick={() => open('new')}>New rule</Button>}
      </Group>
      <QueryStates query={rules} empty={<Empty icon={<IconRoute size={24} />} title="No rules yet" description="Route returns to the Returns team, VIPs to the front, wholesale round-robin." />}>
        {(items) => (
          <Paper withBorder radius="md">
            <Table verticalSpacing="sm">
              <Table.Thead><Table.Tr><Table.Th>On</Table.Th><Table.Th>Rule</Table.Th><Table.Th>Runs on</Table.Th><Table.Th w={40} /></Table.Tr></Table.Thead>
              <Table.Tbody>
                {items.map((r) => (
                  <Table.Tr key={r.id}>
                    <Table.Td><Switch size="xs" checked={r.enabled} disabled={!admin} onChange={(e) => toggle.mutate({ id: r.id, enabled: e.currentTarget.checked }, { onError: (err) => notifyError(err) })} aria-label={`Enable ${r.name}`} /></Table.Td>
                    <Table.Td><Text fw={600} fz="sm">{r.name}</Text><Text fz="xs" c="dimmed">{summary(r)}</Text></Table.Td>
                    <Table.Td><Badge variant="light" color="gray">{r.trigger === 'both' ? 'new & updated' : r.trigger}</Badge>{r.stopProcessing && <Badge ml={4} variant="outline" color="gray">stops</Badge>}</Table.Td>
                    <Table.Td>{admin && <RowMenu label={`Actions for ${r.name}`}><Menu.Item onClick={() => open(r)}>Edit</Menu.Item><Menu.Item color="red" onClick={() => del.mutate(r.id, { onError: (e) => notifyError(e) })}>Delete</Menu.Item></RowMenu>}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Paper>
        )}
      </QueryStates>
      <FormModal size="xl" opened={!!edit} onClose={() => setEdit(null)} title={edit === 'new' ? 'New rule' : 'Edit rule'} onSubmit={submit} problem={problem?.detail}>
        <Group grow align="flex-end">
          <TextInput label="Name" value={f.name} onChange={(e) => setF({ ...f, name: e.currentTarget.value })} error={problem?.fields.name} data-autofocus />
          <Select label="Runs on" value={f.trigger} allowDeselect={false} onChange={(v) => setF({ ...f, trigger: (v ?? 'created') as RuleBody['trigger'] })}
            data={[{ value: 'created', label: 'New tickets' }, { value: 'updated', label: 'Customer replies' }, { value: 'both', label: 'Both' }]} />
        </Group>
        <Stack gap={6}>
          <Group gap="xs"><Text fw={600} fz="sm">When</Text><SegmentedControl size="xs" value={f.conditions.match} onChange={(v) => setF({ ...f, conditions: { ...f.conditions, match: v as 'all' } })} data={[{ value: 'all', label: 'all match' }, { value: 'any', label: 'any matches' }]} /></Group>
          {!conds.length && <Text fz="sm" c="dimmed">No conditions: the rule applies to every ticket.</Text>}
          {conds.map((c, i) => (
            <Group key={i} gap="xs" wrap="nowrap" align="flex-start">
              <Select size="xs" w={200} value={c.field} allowDeselect={false} data={FIELDS} onChange={(v) => { const field = (v ?? 'channel') as Field; setCond(i, { field, op: OPS[field][0]!.value, value: DEFAULT_VALUE[field] } as Cond); }} />
              <Select size="xs" w={150} value={c.op} allowDeselect={false} data={OPS[c.field]} onChange={(v) => v && setCond(i, { ...c, op: v } as Cond)} />
              {valueInput(c, i)}
              <ActionIcon variant="subtle" color="gray" mt={4} aria-label="Remove condition" onClick={() => setF({ ...f, conditions: { ...f.conditions, conditions: conds.filter((_, j) => j !== i) } })}><IconTrash size={14} /></ActionIcon>
            </Group>
          ))}
          <Button size="compact-sm" variant="subtle" w="fit-content" onClick={() => setF({ ...f, conditions: { ...f.conditions, conditions: [...conds, { field: 'text', op: 'contains_any', value: [] } as Cond] } })}>+ Condition</Button>
        </Stack>
        <Stack gap={6}>
          <Text fw={600} fz="sm">Then</Text>
          {f.actions.map((a, i) => (
            <Group key={i} gap="xs" wrap="nowrap" align="flex-start">
              <Select size="xs" w={200} value={a.type} allowDeselect={false} data={ACTIONS} onChange={(v) => v && setAction(i, newAction(v as Action['type']))} />
              {actionInput(a, i)}
              <ActionIcon variant="subtle" color="gray" mt={4} aria-label="Remove action" onClick={() => setF({ ...f, actions: f.actions.filter((_, j) => j !== i) })}><IconTrash size={14} /></ActionIcon>
            </Group>
          ))}
          {problem?.fields.actions && <Text c="red" fz="xs">{problem.fields.actions}</Text>}
          <Button size="compact-sm" variant="subtle" w="fit-content" onClick={() => setF({ ...f, actions: [...f.actions, newAction('add_tags')] })}>+ Action</Button>
        </Stack>
        <Switch label="Stop here: later rules do not run on tickets this rule matched" checked={f.stopProcessing} onChange={(e) => setF({ ...f, stopProcessing: e.currentTarget.checked })} />
        <Group justify="flex-end"><Button type="submit" loading={create.isPending || save.isPending}>Save rule</Button></Group>
      </FormModal>
    </Stack>
  );
}
