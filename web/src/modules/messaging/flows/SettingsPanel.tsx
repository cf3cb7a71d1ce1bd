import { Alert, Autocomplete, Divider, Group, NumberInput, Paper, SegmentedControl, Select, Stack, Switch, TagsInput, Text, Textarea, TextInput, ThemeIcon } from '@mantine/core';
import { IconAlertCircle, IconBolt } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import type { FlowDefinition, Trigger } from '../../../../../server/src/modules/messaging/flows.definition.ts';
import { PropertyFilters } from '../../segments/PropertyFilters.tsx';
import type { FlowLookups } from './lookups.ts';

const DATE_FIELDS = [
  { value: 'birthday', label: 'Birthday' },
  { value: 'firstOrderAt', label: 'First order' },
  { value: 'lastOrderAt', label: 'Last order' },
  { value: 'createdAt', label: 'Sign-up (profile created)' },
  { value: 'attribute', label: 'A custom date attribute' },
];

export interface SettingsProps {
  name: string;
  description: string;
  def: FlowDefinition;
  onName: (v: string) => void;
  onDescription: (v: string) => void;
  onChange: (d: FlowDefinition) => void;
  errors: { field: string; message: string }[];
  nameError?: string;
  lookups: FlowLookups;
  readOnly: boolean;
}

function defaultTrigger(type: Trigger['type'], L: FlowLookups): Trigger {
  switch (type) {
    case 'activity': return { type, activity: 'Checkout Started' };
    case 'segment': return { type, segmentId: L.segments[0]?.id ?? '', on: 'entered' };
    case 'date': return { type, field: 'birthday', offsetDays: 0, time: '09:00', yearly: true };
    case 'manual': return { type };
  }
}

/** The flow's own settings: name, trigger, keys, re-entry, exit conditions, goal. */
export function SettingsPanel(p: SettingsProps): ReactNode {
  const { def, lookups: L } = p;
  const t = def.trigger;
  const err = (f: string) => p.errors.find((e) => e.field === f || e.field.startsWith(`${f}/`))?.message;
  const setTrigger = (trigger: Trigger) => p.onChange({ ...def, trigger, ...(trigger.type !== 'activity' ? { keyBy: undefined } : {}) });
  const other = p.errors.filter((e) => !['trigger', 'keyBy', 'reentry', 'exitOn', 'goal', 'start'].some((f) => e.field === f || e.field.startsWith(`${f}/`)));
  return (
    <Paper withBorder radius="md" p="md" data-testid="settings-panel">
      <Group gap={10} wrap="nowrap" mb="md">
        <ThemeIcon size={34} radius="md" variant="filled" color="violet">
          <IconBolt size={19} />
        </ThemeIcon>
        <div>
          <Text fw={650}>Trigger and settings</Text>
          <Text fz="xs" c="dimmed">
            Who enters, when they leave, and what counts as success.
          </Text>
        </div>
      </Group>
      <fieldset disabled={p.readOnly} style={{ border: 0, padding: 0, margin: 0, minWidth: 0 }}>
        <Stack gap="sm">
          <TextInput label="Flow name" value={p.name} onChange={(e) => p.onName(e.currentTarget.value)} error={p.nameError} required maxLength={200} />
          <Textarea label="Description" value={p.description} onChange={(e) => p.onDescription(e.currentTarget.value)} autosize minRows={1} maxRows={4} maxLength={2000} />
          <Divider label="Trigger" labelPosition="left" />
          <SegmentedControl
            fullWidth
            size="xs"
            data={[{ value: 'activity', label: 'Activity' }, { value: 'segment', label: 'Segment' }, { value: 'date', label: 'Date' }, { value: 'manual', label: 'By hand' }]}
            value={t.type}
            onChange={(v) => setTrigger(defaultTrigger(v as Trigger['type'], L))}
          />
          {t.type === 'activity' && (
            <>
              <Autocomplete label="When the customer does" data={L.activities} value={t.activity} onChange={(activity) => setTrigger({ ...t, activity })} error={err('trigger/activity')} required />
              <PropertyFilters value={t.where} onChange={(where) => setTrigger({ ...t, where })} errorOf={() => false} prefix="trigger" activity={t.activity} />
              <TagsInput
                label="One run per"
                description="Trigger properties that identify it, e.g. checkout_id: the same checkout never starts a second run, and a new one restarts the flow"
                value={def.keyBy ?? []}
                onChange={(v) => p.onChange({ ...def, keyBy: v.length ? v : undefined })}
                error={err('keyBy')}
                clearable
              />
            </>
          )}
          {t.type === 'segment' && (
            <>
              <Select label="Segment" data={L.segments.map((s) => ({ value: s.id, label: s.name }))} value={t.segmentId || null} onChange={(v) => setTrigger({ ...t, segmentId: v ?? '' })} searchable error={err('trigger/segmentId')} required />
              <SegmentedControl size="xs" data={[{ value: 'entered', label: 'When they enter it' }, { value: 'exited', label: 'When they leave it' }]} value={t.on} onChange={(v) => setTrigger({ ...t, on: v as 'entered' })} />
            </>
          )}
          {t.type === 'date' && (
            <>
              <Select label="Date" data={DATE_FIELDS} value={t.field} onChange={(v) => v && setTrigger({ ...t, field: v as 'birthday', attribute: v === 'attribute' ? (t.attribute ?? L.attributes.find((a) => a.type === 'date')?.key) : undefined })} allowDeselect={false} />
              {t.field === 'attribute' && (
                <Select label="Attribute" data={L.attributes.filter((a) => a.type === 'date').map((a) => ({ value: a.key, label: a.label }))} value={t.attribute ?? null} onChange={(v) => setTrigger({ ...t, attribute: v ?? undefined })} error={err('trigger/attribute')} nothingFoundMessage="No custom date attributes" />
              )}
              <Group gap="xs" align="flex-end" wrap="nowrap">
                <NumberInput label="Days" value={Math.abs(t.offsetDays)} onChange={(v) => setTrigger({ ...t, offsetDays: (t.offsetDays < 0 ? -1 : 1) * (Number(v) || 0) })} min={0} max={366} allowDecimal={false} w={90} />
                <Select aria-label="Before or after" data={[{ value: 'after', label: 'days after' }, { value: 'before', label: 'days before' }]} value={t.offsetDays < 0 ? 'before' : 'after'} onChange={(v) => setTrigger({ ...t, offsetDays: (v === 'before' ? -1 : 1) * Math.abs(t.offsetDays) })} allowDeselect={false} style={{ flex: 1 }} />
              </Group>
              <TextInput type="time" label="At" description="On the customer's clock" value={t.time} onChange={(e) => setTrigger({ ...t, time: e.currentTarget.value })} error={err('trigger/time')} />
              <Switch label="Every year (an anniversary)" checked={t.yearly} onChange={(e) => setTrigger({ ...t, yearly: e.currentTarget.checked })} />
            </>
          )}
          {t.type === 'manual' && (
            <Text fz="sm" c="dimmed">
              Customers enter only when enrolled by hand (the “Enrol customers” action) or through the API.
            </Text>
          )}
          <Divider label="Rules" labelPosition="left" />
          <Group gap="xs" align="flex-end" wrap="nowrap">
            <Select
              label="Can a customer enter again?"
              data={[{ value: 'always', label: 'Yes, once they are out' }, { value: 'afterDays', label: 'Yes, after some days' }, { value: 'never', label: 'No, only once' }]}
              value={def.reentry.mode}
              onChange={(v) => p.onChange({ ...def, reentry: v === 'afterDays' ? { mode: 'afterDays', days: 30 } : { mode: (v ?? 'always') as 'always' } })}
              allowDeselect={false}
              style={{ flex: 1 }}
            />
            {def.reentry.mode === 'afterDays' && (
              <NumberInput aria-label="Days before entering again" value={def.reentry.days} onChange={(v) => p.onChange({ ...def, reentry: { mode: 'afterDays', days: Number(v) || 1 } })} min={1} max={3650} suffix=" days" w={110} allowDecimal={false} error={err('reentry/days')} />
            )}
          </Group>
          <TagsInput label="Exit when the customer does" description="Any of these ends the run at once and cancels its queued messages" data={L.activities} value={def.exitOn} onChange={(exitOn) => p.onChange({ ...def, exitOn })} error={err('exitOn')} clearable />
          <Group gap="xs" align="flex-end" wrap="nowrap">
            <Autocomplete label="Goal" description="Counted as a conversion when it happens in time" placeholder="None" data={L.activities} value={def.goal?.activity ?? ''} onChange={(a) => p.onChange({ ...def, goal: a ? { activity: a, withinDays: def.goal?.withinDays ?? 7 } : undefined })} style={{ flex: 1 }} />
            {def.goal && (
              <NumberInput aria-label="Goal window in days" value={def.goal.withinDays} onChange={(v) => p.onChange({ ...def, goal: { activity: def.goal!.activity, withinDays: Number(v) || 1 } })} min={1} max={365} suffix=" days" w={110} allowDecimal={false} />
            )}
          </Group>
          {other.length > 0 && (
            <Alert color="red" variant="light" icon={<IconAlertCircle size={16} />} p="xs">
              {other.map((e) => (
                <Text key={e.field + e.message} fz="xs">
                  {e.message}
                </Text>
              ))}
            </Alert>
          )}
        </Stack>
      </fieldset>
    </Paper>
  );
}
