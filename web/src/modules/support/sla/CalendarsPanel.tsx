import { ActionIcon, Badge, Button, Checkbox, Group, Paper, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { IconCalendarTime, IconPlus, IconTrash } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { EditDeleteMenu } from '../../../components/EditDeleteMenu.tsx';
import { Empty } from '../../../components/Empty.tsx';
import { FormModal } from '../../../components/FormModal.tsx';
import { notifyError, notifySuccess } from '../../../components/notify.tsx';
import { QueryStates } from '../../../components/QueryStates.tsx';
import { ApiError, errorMessage } from '../../../lib/api.ts';
import { useDraftEditor } from '../../../lib/useDraftEditor.ts';
import { useCan } from '../../session/context.tsx';
import { useCalendars, useDeleteCalendar, useSaveCalendar, type Calendar, type CalendarBody } from './api.ts';
import { businessDuration } from './SlaCountdown.tsx';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const DAY_LABEL: Record<(typeof DAYS)[number], string> = { mon: 'Monday', tue: 'Tuesday', wed: 'Wednesday', thu: 'Thursday', fri: 'Friday', sat: 'Saturday', sun: 'Sunday' };
const ZONES: string[] = (() => {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return ['UTC'];
  }
})();

type Draft = CalendarBody;
const nine = () => [{ start: '09:00', end: '17:00' }];
const blank = (): Draft => ({
  name: '', timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC', isDefault: false, holidays: [],
  hours: { mon: nine(), tue: nine(), wed: nine(), thu: nine(), fri: nine(), sat: [], sun: [] },
});

function summary(c: Calendar): string {
  const open = DAYS.filter((d) => c.hours[d].length);
  if (c.weeklyMinutes >= 7 * 24 * 60) return 'Around the clock';
  const spans = (d: (typeof DAYS)[number]) => c.hours[d].map((s) => `${s.start}–${s.end}`).join(', ');
  const same = open.every((d) => spans(d) === spans(open[0]!));
  return same && open.length ? `${open.map((d) => DAY_LABEL[d].slice(0, 3)).join(', ')} ${spans(open[0]!)}` : `${open.length} days a week`;
}

/** Settings → SLA → Business hours: calendars with weekly hours per day in a time zone, and holidays. */
export function CalendarsPanel(): ReactNode {
  const can = useCan();
  const cals = useCalendars();
  const save = useSaveCalendar();
  const del = useDeleteCalendar();
  const { edit, draft: d, open: openDraft, close, patch, problem, setProblem } = useDraftEditor<Draft, { detail: string; errors: { pointer: string; detail: string }[] }>();
  const write = can('settings:write');
  const open = (c?: Calendar) => (c ? openDraft({ name: c.name, timeZone: c.timeZone, hours: c.hours, holidays: c.holidays, isDefault: c.isDefault }, c.id) : openDraft(blank()));
  const submit = () => edit && save.mutate({ id: edit.id, body: edit.draft }, {
    onSuccess: () => { close(); notifySuccess('Business hours saved'); },
    onError: (e) => {
      const errors = e instanceof ApiError ? (e.problem.errors ?? []) : [];
      // Field errors show on their inputs; the banner says what to do rather than repeating pointers.
      const onFields = errors.some((x) => /^\/body\/(name|timeZone|hours\/|holidays\/)/.test(x.pointer));
      setProblem({ detail: onFields ? 'Check the highlighted fields: times are HH:MM between 00:00 and 24:00, dates YYYY-MM-DD.' : errorMessage(e), errors });
    },
  });
  const fieldError = (prefix: string) => problem?.errors.find((e) => e.pointer.startsWith(prefix))?.detail;
  return (
    <Stack>
      <Group justify="space-between">
        <Text fz="sm" c="dimmed" maw={680}>SLA clocks only run during business hours. Each policy picks a calendar; tickets without a policy are measured in the default one.</Text>
        {write && <Button leftSection={<IconPlus size={16} />} onClick={() => open()}>New calendar</Button>}
      </Group>
      <QueryStates query={cals} empty={<Empty icon={<IconCalendarTime size={24} />} title="No business hours yet" description="Until you add a calendar, SLA time counts around the clock in UTC." />}>
        {(items) => (
          <Paper withBorder radius="md">
            <Table verticalSpacing="sm">
              <Table.Thead><Table.Tr><Table.Th>Calendar</Table.Th><Table.Th>Hours</Table.Th><Table.Th>Time zone</Table.Th><Table.Th>Per week</Table.Th><Table.Th>Holidays</Table.Th><Table.Th w={40} /></Table.Tr></Table.Thead>
              <Table.Tbody>
                {items.map((c) => (
                  <Table.Tr key={c.id}>
                    <Table.Td fw={600}>{c.name} {c.isDefault && <Badge size="xs" variant="light" ml={4}>Default</Badge>}</Table.Td>
                    <Table.Td>{summary(c)}</Table.Td>
                    <Table.Td>{c.timeZone}</Table.Td>
                    <Table.Td className="patron-tabular">{businessDuration(c.weeklyMinutes)}</Table.Td>
                    <Table.Td>{c.holidays.length ? c.holidays.map((h) => h.name || h.date).join(', ') : <Text span c="dimmed" fz="sm">None</Text>}</Table.Td>
                    <Table.Td>
                      {write && (
                        <EditDeleteMenu name={c.name} onEdit={() => open(c)} deleting={del.isPending} deleteDisabled={c.isDefault} deleteHint="Make another calendar the default first"
                          confirmTitle={`Delete the business hours ${c.name}?`} confirm="This cannot be undone. A calendar that a policy still uses cannot be deleted: change those policies first."
                          onDelete={(done) => del.mutate(c.id, { onSuccess: () => { done(); notifySuccess('Business hours deleted'); }, onError: (e) => { done(); notifyError(e); } })} />
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Paper>
        )}
      </QueryStates>
      <FormModal opened={!!edit} onClose={close} title={edit?.id ? 'Edit business hours' : 'New business hours'} onSubmit={submit} problem={problem?.detail} size="lg">
        {d && (
          <>
            <Group grow align="flex-start">
              <TextInput label="Name" required value={d.name} onChange={(e) => patch({ name: e.currentTarget.value })} error={fieldError('/body/name')} data-autofocus />
              <Select label="Time zone" searchable data={ZONES} value={d.timeZone} onChange={(v) => v && patch({ timeZone: v })} error={fieldError('/body/timeZone')} />
            </Group>
            <Stack gap={6}>
              <Text fz="sm" fw={500}>Opening hours</Text>
              <Text fz="xs" c="dimmed">An end before the start runs overnight (22:00–06:00). 00:00–24:00 is the whole day.</Text>
              {DAYS.map((day) => (
                <Group key={day} gap="xs" wrap="nowrap" align="center">
                  <Checkbox w={130} label={DAY_LABEL[day]} checked={d.hours[day].length > 0} onChange={(e) => patch({ hours: { ...d.hours, [day]: e.currentTarget.checked ? nine() : [] } })} />
                  {d.hours[day].map((s, i) => (
                    <Group key={i} gap={4} wrap="nowrap">
                      <TextInput size="xs" w={96} aria-label={`${DAY_LABEL[day]} from`} value={s.start} placeholder="09:00" error={!!fieldError(`/body/hours/${day}/${i}`)}
                        onChange={(e) => patch({ hours: { ...d.hours, [day]: d.hours[day].map((x, j) => (j === i ? { ...x, start: e.currentTarget.value } : x)) } })} />
                      <Text fz="xs">–</Text>
                      <TextInput size="xs" w={96} aria-label={`${DAY_LABEL[day]} to`} value={s.end} placeholder="17:00" error={!!fieldError(`/body/hours/${day}/${i}`)}
                        onChange={(e) => patch({ hours: { ...d.hours, [day]: d.hours[day].map((x, j) => (j === i ? { ...x, end: e.currentTarget.value } : x)) } })} />
                      {d.hours[day].length > 1 && (
                        <ActionIcon variant="subtle" color="gray" aria-label="Remove these hours" onClick={() => patch({ hours: { ...d.hours, [day]: d.hours[day].filter((_, j) => j !== i) } })}><IconTrash size={14} /></ActionIcon>
                      )}
                    </Group>
                  ))}
                  {d.hours[day].length > 0 && d.hours[day].length < 4 && (
                    <Button size="compact-xs" variant="subtle" onClick={() => patch({ hours: { ...d.hours, [day]: [...d.hours[day], { start: '13:00', end: '17:00' }] } })}>+ hours</Button>
                  )}
                </Group>
              ))}
              {problem?.errors.find((e) => e.pointer === '/body/hours') && <Text c="red" fz="xs">{problem.errors.find((e) => e.pointer === '/body/hours')!.detail}</Text>}
            </Stack>
            <Stack gap={6}>
              <Group justify="space-between"><Text fz="sm" fw={500}>Holidays</Text>
                <Button size="compact-xs" variant="subtle" onClick={() => patch({ holidays: [...d.holidays, { date: new Date().toISOString().slice(0, 10), name: '', yearly: false }] })}>+ holiday</Button>
              </Group>
              {d.holidays.map((h, i) => (
                <Group key={i} gap="xs" wrap="nowrap">
                  <TextInput size="xs" type="date" aria-label="Date" value={h.date} error={!!fieldError(`/body/holidays/${i}`)} onChange={(e) => patch({ holidays: d.holidays.map((x, j) => (j === i ? { ...x, date: e.currentTarget.value } : x)) })} />
                  <TextInput size="xs" style={{ flex: 1 }} aria-label="Name" placeholder="Name" value={h.name} onChange={(e) => patch({ holidays: d.holidays.map((x, j) => (j === i ? { ...x, name: e.currentTarget.value } : x)) })} />
                  <Checkbox size="xs" label="Every year" checked={h.yearly} onChange={(e) => patch({ holidays: d.holidays.map((x, j) => (j === i ? { ...x, yearly: e.currentTarget.checked } : x)) })} />
                  <ActionIcon variant="subtle" color="gray" aria-label="Remove holiday" onClick={() => patch({ holidays: d.holidays.filter((_, j) => j !== i) })}><IconTrash size={14} /></ActionIcon>
                </Group>
              ))}
            </Stack>
            <Checkbox label="Default calendar (tickets without a policy are measured in it)" checked={d.isDefault} onChange={(e) => patch({ isDefault: e.currentTarget.checked })} error={fieldError('/body/isDefault')} />
            <Group justify="flex-end"><Button variant="default" onClick={close}>Cancel</Button><Button type="submit" loading={save.isPending}>Save</Button></Group>
          </>
        )}
      </FormModal>
    </Stack>
  );
}
