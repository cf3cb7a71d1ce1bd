import { Alert, Box, Button, Divider, Group, NumberInput, Stack, Switch, Text, TextInput } from '@mantine/core';
import { IconAlertCircle, IconDeviceFloppy } from '@tabler/icons-react';
import { useEffect } from 'react';
import type { ReactNode } from 'react';
import { notifySuccess } from '../../../components/notify.tsx';
import { useCan } from '../../session/context.tsx';
import { useSaveGuardrails } from '../messages/api.ts';
import type { Guardrails } from '../messages/api.ts';
import { useCardForm } from './CardForm.tsx';
import { num, ReadOnlyNote, Section } from './Section.tsx';

interface Form {
  capOn: boolean;
  capMax: number | string;
  capDays: number | string;
  quietOn: boolean;
  quietStart: string;
  quietEnd: string;
  smartHours: number | string;
  clickDays: number | string;
  openDays: number | string;
}

const fromGuardrails = (g: Guardrails): Form => ({
  capOn: g.frequencyCap !== null,
  capMax: g.frequencyCap?.max ?? 3,
  capDays: g.frequencyCap?.days ?? 7,
  quietOn: g.quietHours !== null,
  quietStart: g.quietHours?.start ?? '21:00',
  quietEnd: g.quietHours?.end ?? '08:00',
  smartHours: g.smartSendingHours ?? 0,
  clickDays: g.attributionClickDays,
  openDays: g.attributionOpenDays,
});

/** One guardrail: its switch or name and a line on what it does, its inputs beside it. */
function Rule({ title, explain, control, children }: { title: string; explain: ReactNode; control?: ReactNode; children: ReactNode }) {
  return (
    <Group justify="space-between" align="flex-start" wrap="wrap" gap="md">
      <Stack gap={2} style={{ flex: '1 1 300px', minWidth: 0 }}>
        {control ?? (
          <Text fz="sm" fw={500}>
            {title}
          </Text>
        )}
        <Text fz="sm" c="dimmed" pl={control ? 46 : 0}>
          {explain}
        </Text>
      </Stack>
      <Group gap="sm" align="flex-start" wrap="wrap" style={{ flex: '0 1 auto' }}>
        {children}
      </Group>
    </Group>
  );
}

/** Frequency cap, quiet hours, smart sending and attribution windows, for marketing messages. */
export function GuardrailsCard({ guardrails }: { guardrails: Guardrails }) {
  const can = useCan();
  const writable = can('messaging:write');
  const save = useSaveGuardrails();
  const { form, setForm, setErrors, problem, setProblem, set, text, number, onError } = useCardForm<Form>(() => fromGuardrails(guardrails), { readOnly: !writable });
  const saved = fromGuardrails(guardrails);
  const changed = JSON.stringify(form) !== JSON.stringify(saved);

  useEffect(() => setForm(fromGuardrails(guardrails)), [guardrails]);

  const onSave = () => {
    const errs: Record<string, string> = {};
    const capMax = num(form.capMax);
    const capDays = num(form.capDays);
    const smart = num(form.smartHours) ?? 0;
    const clickDays = num(form.clickDays);
    const openDays = num(form.openDays);
    if (form.capOn && capMax === undefined) errs['frequencyCap/max'] = 'How many messages (1–100)';
    if (form.capOn && capDays === undefined) errs['frequencyCap/days'] = 'Over how many days (1–90)';
    if (form.quietOn && !/^\d{2}:\d{2}$/.test(form.quietStart)) errs['quietHours/start'] = 'A start time';
    if (form.quietOn && !/^\d{2}:\d{2}$/.test(form.quietEnd)) errs['quietHours/end'] = 'An end time';
    if (form.quietOn && form.quietStart === form.quietEnd) errs['quietHours/end'] = 'Must differ from the start';
    if (clickDays === undefined) errs.attributionClickDays = 'Days after a click (1–90)';
    if (openDays === undefined) errs.attributionOpenDays = 'Days after an open (0–30)';
    setErrors(errs);
    if (Object.keys(errs).length || clickDays === undefined || openDays === undefined) return;
    setProblem(null);
    const body: Guardrails = {
      frequencyCap: form.capOn && capMax !== undefined && capDays !== undefined ? { max: capMax, days: capDays } : null,
      quietHours: form.quietOn ? { start: form.quietStart, end: form.quietEnd } : null,
      smartSendingHours: smart,
      attributionClickDays: clickDays,
      attributionOpenDays: openDays,
    };
    save.mutate(body, {
      onSuccess: () => notifySuccess('They apply to the next marketing messages sent.', 'Guardrails saved'),
      onError,
    });
  };

  const capMax = num(form.capMax);
  const capDays = num(form.capDays);

  return (
    <Section
      id="guardrails"
      title="Guardrails"
      description="Limits on marketing messages across all campaigns and flows, so nobody hears from you too often. Transactional mail (receipts, password resets) and test sends are never held back."
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          onSave();
        }}
      >
        <Stack gap="md">
          <Rule
            title="Frequency cap"
            control={<Switch label="Frequency cap" checked={form.capOn} onChange={(e) => set('capOn', e.currentTarget.checked)} disabled={!writable} fw={500} />}
            explain={
              form.capOn && capMax !== undefined && capDays !== undefined
                ? `A customer gets at most ${capMax} marketing ${capMax === 1 ? 'message' : 'messages'} every ${capDays} ${capDays === 1 ? 'day' : 'days'}; further ones are skipped.`
                : 'Off: no limit on how many marketing messages a customer gets.'
            }
          >
            <NumberInput
              label="Messages"
              aria-label="Frequency cap: messages"
              w={110}
              {...number('capMax', 'frequencyCap/max')}
              min={1}
              max={100}
              allowDecimal={false}
              allowNegative={false}
              disabled={!form.capOn}
            />
            <NumberInput
              label="Per days"
              aria-label="Frequency cap: days"
              w={110}
              {...number('capDays', 'frequencyCap/days')}
              min={1}
              max={90}
              allowDecimal={false}
              allowNegative={false}
              disabled={!form.capOn}
            />
          </Rule>
          <Divider />
          <Rule
            title="Quiet hours"
            control={<Switch label="Quiet hours" checked={form.quietOn} onChange={(e) => set('quietOn', e.currentTarget.checked)} disabled={!writable} fw={500} />}
            explain={
              form.quietOn
                ? `No marketing from ${form.quietStart} to ${form.quietEnd} in each customer’s own time zone; messages wait until ${form.quietEnd}.`
                : 'Off: marketing messages go out at any hour.'
            }
          >
            <TextInput
              label="From"
              type="time"
              w={140}
              {...text('quietStart', 'quietHours/start')}
              disabled={!form.quietOn}
            />
            <TextInput
              label="Until"
              type="time"
              w={140}
              {...text('quietEnd', 'quietHours/end')}
              disabled={!form.quietOn}
            />
          </Rule>
          <Divider />
          <Rule
            title="Smart sending"
            explain={
              num(form.smartHours)
                ? `Skip a customer who got a marketing message in the last ${num(form.smartHours)} hours. 0 turns it off.`
                : 'Off (0 hours): customers may get several marketing messages close together.'
            }
          >
            <NumberInput
              label="Hours"
              aria-label="Smart sending hours"
              w={110}
              {...number('smartHours', 'smartSendingHours')}
              min={0}
              max={168}
              allowDecimal={false}
              allowNegative={false}
            />
          </Rule>
          <Divider />
          <Rule
            title="Attribution windows"
            explain="An order placed within this many days of clicking a message, or of opening it, is credited to that message in campaign and flow reports. 0 days after an open: opens earn no credit."
          >
            <NumberInput
              label="Days after a click"
              w={150}
              {...number('clickDays', 'attributionClickDays')}
              min={1}
              max={90}
              allowDecimal={false}
              allowNegative={false}
            />
            <NumberInput
              label="Days after an open"
              w={150}
              {...number('openDays', 'attributionOpenDays')}
              min={0}
              max={30}
              allowDecimal={false}
              allowNegative={false}
            />
          </Rule>

          {problem && (
            <Alert color="red" icon={<IconAlertCircle size={18} />}>
              {problem}
            </Alert>
          )}
          {writable ? (
            <Group justify="flex-end">
              <Button
                variant="default"
                disabled={!changed}
                onClick={() => {
                  setForm(saved);
                  setErrors({});
                }}
              >
                Reset
              </Button>
              <Button type="submit" disabled={!changed} loading={save.isPending} leftSection={<IconDeviceFloppy size={16} />}>
                Save guardrails
              </Button>
            </Group>
          ) : (
            <Box>
              <ReadOnlyNote permission="messaging:write" />
            </Box>
          )}
        </Stack>
      </form>
    </Section>
  );
}
