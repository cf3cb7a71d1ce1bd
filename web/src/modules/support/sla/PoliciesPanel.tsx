import { ActionIcon, Badge, Button, Group, MultiSelect, NumberInput, Paper, Select, Stack, Switch, Table, Text, TextInput } from '@mantine/core';
import { IconArrowDown, IconArrowUp, IconClockHour4, IconPlus } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { EditDeleteMenu } from '../../../components/EditDeleteMenu.tsx';
import { Empty } from '../../../components/Empty.tsx';
import { FormModal } from '../../../components/FormModal.tsx';
import { notifyError, notifySuccess } from '../../../components/notify.tsx';
import { QueryStates } from '../../../components/QueryStates.tsx';
import { ApiError, errorMessage } from '../../../lib/api.ts';
import { useDraftEditor } from '../../../lib/useDraftEditor.ts';
import { useSegments } from '../../segments/api.ts';
import { useCan } from '../../session/context.tsx';
import { useCalendars, useDeletePolicy, usePolicies, useReorderPolicies, useSavePolicy, type Policy, type PolicyBody } from './api.ts';
import { businessDuration } from './SlaCountdown.tsx';

const PRIORITIES = ['urgent', 'high', 'normal', 'low'] as const;
const CHANNELS = [{ value: 'email', label: 'Email' }, { value: 'chat', label: 'Chat' }, { value: 'form', label: 'Web form' }, { value: 'phone', label: 'Phone' }, { value: 'social', label: 'Social' }, { value: 'api', label: 'API' }];
const blank = (): PolicyBody => ({
  name: '', enabled: true, calendarId: null, segmentId: null, channels: [],
  targets: { urgent: { firstResponse: 60, resolution: 480 }, high: { firstResponse: 120, resolution: 960 }, normal: { firstResponse: 240, resolution: 1440 }, low: { firstResponse: 480, resolution: 2880 } },
});
const cap = (s: string) => s[0]!.toUpperCase() + s.slice(1);

function targetsLine(p: Policy): string {
  return PRIORITIES.filter((k) => p.targets[k]?.firstResponse || p.targets[k]?.resolution)
    .map((k) => `${cap(k)} ${p.targets[k]?.firstResponse ? businessDuration(p.targets[k]!.firstResponse!) : '–'} / ${p.targets[k]?.resolution ? businessDuration(p.targets[k]!.resolution!) : '–'}`).join(' · ');
}

/** Settings → SLA → Policies: tried in order; the first whose conditions match a new ticket sets its targets. */
export function PoliciesPanel(): ReactNode {
  const can = useCan();
  const policies = usePolicies();
  const calendars = useCalendars();
  const segments = useSegments();
  const save = useSavePolicy();
  const del = useDeletePolicy();
  const reorder = useReorderPolicies();
  const { edit, draft: d, open: openDraft, close, patch, problem, setProblem } = useDraftEditor<PolicyBody, { detail: string; fields: Record<string, string> }>();
  const write = can('settings:write');
  const canSegments = can('segments:read');
  const open = (p?: Policy) => (p
    ? openDraft({ name: p.name, enabled: p.enabled, calendarId: p.calendarId, segmentId: p.segmentId, channels: p.channels as PolicyBody['channels'], targets: p.targets }, p.id)
    : openDraft(blank()));
  const submit = () => edit && save.mutate({ id: edit.id, body: edit.draft }, {
    onSuccess: () => { close(); notifySuccess('SLA policy saved'); },
    onError: (e) => setProblem({ detail: errorMessage(e), fields: e instanceof ApiError ? e.fields : {} }),
  });
  const move = (items: Policy[], i: number, by: number) => {
    const ids = items.map((p) => p.id);
    const [x] = ids.splice(i, 1);
    ids.splice(i + by, 0, x!);
    reorder.mutate(ids, { onError: (e) => notifyError(e) });
  };
  const setTarget = (k: (typeof PRIORITIES)[number], f: 'firstResponse' | 'resolution', v: number | string) =>
    d && patch({ targets: { ...d.targets, [k]: { firstResponse: d.targets[k]?.firstResponse ?? null, resolution: d.targets[k]?.resolution ?? null, [f]: typeof v === 'number' && v > 0 ? v : null } } });
  return (
    <Stack>
      <Group justify="space-between">
        <Text fz="sm" c="dimmed" maw={680}>Policies are tried from the top; the first whose conditions match a ticket sets its first-response and resolution targets (in business minutes), when it is created and when its priority changes.</Text>
        {write && <Button leftSection={<IconPlus size={16} />} onClick={() => open()}>New policy</Button>}
      </Group>
      <QueryStates query={policies} empty={<Empty icon={<IconClockHour4 size={24} />} title="No SLA policies yet" description="Add a policy to give tickets response and resolution targets, a countdown and breach alerts." />}>
        {(items) => (
          <Paper withBorder radius="md">
            <Table verticalSpacing="sm">
              <Table.Thead><Table.Tr><Table.Th w={70}>Order</Table.Th><Table.Th>Policy</Table.Th><Table.Th>Applies to</Table.Th><Table.Th>Targets (first response / resolution)</Table.Th><Table.Th w={40} /></Table.Tr></Table.Thead>
              <Table.Tbody>
                {items.map((p, i) => (
                  <Table.Tr key={p.id} data-testid="sla-policy-row">
                    <Table.Td>
                      <Group gap={0} wrap="nowrap">
                        <ActionIcon variant="subtle" color="gray" disabled={!write || i === 0} aria-label={`Move ${p.name} up`} onClick={() => move(items, i, -1)}><IconArrowUp size={14} /></ActionIcon>
                        <ActionIcon variant="subtle" color="gray" disabled={!write || i === items.length - 1} aria-label={`Move ${p.name} down`} onClick={() => move(items, i, 1)}><IconArrowDown size={14} /></ActionIcon>
                      </Group>
                    </Table.Td>
                    <Table.Td><Text fw={600} fz="sm">{p.name} {!p.enabled && <Badge size="xs" color="gray">Off</Badge>}</Text><Text fz="xs" c="dimmed">{p.calendarName ?? 'Default calendar'}</Text></Table.Td>
                    <Table.Td fz="sm">{[p.segmentName ? `Segment ${p.segmentName}` : p.segmentId ? 'A deleted segment (matches no one)' : null, p.channels.length ? p.channels.join(', ') : null].filter(Boolean).join(' · ') || 'Every ticket'}</Table.Td>
                    <Table.Td fz="sm">{targetsLine(p)}</Table.Td>
                    <Table.Td>
                      {write && (
                        <EditDeleteMenu name={p.name} onEdit={() => open(p)} deleting={del.isPending} confirmTitle={`Delete the policy ${p.name}?`}
                          confirm="Tickets it set targets for keep them; new tickets are matched against the remaining policies."
                          onDelete={(done) => del.mutate(p.id, { onSuccess: () => { done(); notifySuccess('SLA policy deleted'); }, onError: (e) => { done(); notifyError(e); } })} />
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Paper>
        )}
      </QueryStates>
      <FormModal opened={!!edit} onClose={close} title={edit?.id ? 'Edit SLA policy' : 'New SLA policy'} onSubmit={submit} problem={problem?.detail} size="lg">
        {d && (
          <>
            <Group grow align="flex-start">
              <TextInput label="Name" required value={d.name} onChange={(e) => patch({ name: e.currentTarget.value })} error={problem?.fields.name} data-autofocus />
              <Select label="Business hours" data={(calendars.data ?? []).map((c) => ({ value: c.id, label: c.isDefault ? `${c.name} (default)` : c.name }))} value={d.calendarId} clearable placeholder="The default calendar" onChange={(v) => patch({ calendarId: v })} error={problem?.fields.calendarId} />
            </Group>
            <Group grow align="flex-start">
              {canSegments
                ? <Select label="Customers in segment" searchable clearable placeholder="Anyone" data={(segments.data ?? []).map((s) => ({ value: s.id, label: s.name }))} value={d.segmentId} onChange={(v) => patch({ segmentId: v })} error={problem?.fields.segmentId} />
                : <TextInput label="Customers in segment" disabled value={d.segmentId ? 'A segment (needs segments access to change)' : 'Anyone'} readOnly />}
              <MultiSelect label="Channels" placeholder="Any channel" data={CHANNELS} value={d.channels} onChange={(v) => patch({ channels: v as PolicyBody['channels'] })} />
            </Group>
            <Table withRowBorders={false} verticalSpacing={4}>
              <Table.Thead><Table.Tr><Table.Th>Priority</Table.Th><Table.Th>First response (minutes)</Table.Th><Table.Th>Resolution (minutes)</Table.Th></Table.Tr></Table.Thead>
              <Table.Tbody>
                {PRIORITIES.map((k) => (
                  <Table.Tr key={k}>
                    <Table.Td fz="sm" fw={500}>{cap(k)}</Table.Td>
                    {(['firstResponse', 'resolution'] as const).map((f) => (
                      <Table.Td key={f}>
                        <NumberInput size="xs" min={1} max={525600} allowDecimal={false} placeholder="No target" aria-label={`${cap(k)} ${f === 'firstResponse' ? 'first response' : 'resolution'} minutes`}
                          value={d.targets[k]?.[f] ?? ''} onChange={(v) => setTarget(k, f, v)} description={d.targets[k]?.[f] ? businessDuration(d.targets[k]![f]!) : undefined} />
                      </Table.Td>
                    ))}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            {problem?.fields.targets && <Text c="red" fz="xs">{problem.fields.targets}</Text>}
            <Switch label="Enabled" checked={d.enabled} onChange={(e) => patch({ enabled: e.currentTarget.checked })} />
            <Group justify="flex-end"><Button variant="default" onClick={close}>Cancel</Button><Button type="submit" loading={save.isPending}>Save</Button></Group>
          </>
        )}
      </FormModal>
    </Stack>
  );
}
