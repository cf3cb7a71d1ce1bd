import {
  ActionIcon, Alert, Anchor, Autocomplete, Button, Checkbox, Chip, Group, NumberInput, Paper, SegmentedControl, Select, Stack, TagsInput, Text, Textarea, TextInput, ThemeIcon, Tooltip,
} from '@mantine/core';
import { IconAlertCircle, IconExternalLink, IconPlus, IconTrash } from '@tabler/icons-react';
import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import type { Step } from '../../../../../server/src/modules/messaging/flows.definition.ts';
import { CopyField } from '../../../components/CopyField.tsx';
import { majorToMinor, minorToMajorString } from '../../../lib/money.ts';
import { ConditionModal } from './ConditionModal.tsx';
import type { FlowLookups } from './lookups.ts';
import { STEP_INFO } from './steps.ts';

const UNITS = [
  { value: 'minutes', label: 'minutes' },
  { value: 'hours', label: 'hours' },
  { value: 'days', label: 'days' },
  { value: 'weeks', label: 'weeks' },
];
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

export interface StepPanelProps {
  step: Step;
  onChange: (s: Step) => void;
  onDelete: () => void;
  errors: { field: string; message: string }[];
  lookups: FlowLookups;
  readOnly: boolean;
  currency: string;
  webhookSecret?: string;
}

/** The settings of the selected step. */
export function StepPanel(p: StepPanelProps): ReactNode {
  const { step: s } = p;
  const info = STEP_INFO[s.type];
  const err = (field: string) => p.errors.find((e) => e.field === field || e.field.startsWith(`${field}/`))?.message;
  const set = (patch: Partial<Step>) => p.onChange({ ...s, ...patch } as Step);
  const other = p.errors.filter((e) => !FIELDS[s.type].some((f) => e.field === f || e.field.startsWith(`${f}/`)));
  return (
    <Paper withBorder radius="md" p="md" data-testid="step-panel">
      <Group justify="space-between" wrap="nowrap" mb="md">
        <Group gap={10} wrap="nowrap" style={{ minWidth: 0 }}>
          <ThemeIcon size={34} radius="md" variant="light" color={info.color}>
            <info.icon size={19} />
          </ThemeIcon>
          <div style={{ minWidth: 0 }}>
            <Text fw={650} truncate>
              {info.label}
            </Text>
            <Text fz="xs" c="dimmed" lineClamp={2}>
              {info.help}
            </Text>
          </div>
        </Group>
        {!p.readOnly && (
          <Tooltip label="Remove this step (what follows its first branch moves up)" withArrow>
            <ActionIcon variant="subtle" color="red" onClick={p.onDelete} aria-label="Remove step">
              <IconTrash size={17} />
            </ActionIcon>
          </Tooltip>
        )}
      </Group>
      <fieldset disabled={p.readOnly} style={{ border: 0, padding: 0, margin: 0, minWidth: 0 }}>
        <Stack gap="sm">
          <TextInput label="Name" description="Shown on the canvas and in reports" placeholder={info.label} value={s.name ?? ''} onChange={(e) => set({ name: e.currentTarget.value || undefined })} maxLength={200} />
          <Fields {...p} err={err} set={set} />
          {other.length > 0 && (
            <Alert color="red" variant="light" icon={<IconAlertCircle size={16} />} p="xs">
              {other.map((e) => (
                <Text key={e.field + e.message} fz="xs">
                  {e.message}
                </Text>
              ))}
            </Alert>
          )}
          <Text fz="xs" c="dimmed">
            Step id <code>{s.id}</code>: customers in flight are moved to a new version by this id.
          </Text>
        </Stack>
      </fieldset>
    </Paper>
  );
}

/** The fields each type edits (errors on other paths are listed under them). */
const FIELDS: Record<Step['type'], string[]> = {
  wait: ['duration'], waitUntil: ['time', 'days'], waitFor: ['activities', 'timeout'], split: ['condition'], random: ['branches'], email: ['templateId', 'kind', 'topic'],
  sms: ['templateId', 'kind'], discount: ['kind', 'value', 'expiresInDays', 'prefix'], tag: ['add', 'remove'], attribute: ['key', 'value'], webhook: ['url'], task: ['title', 'body', 'assigneeId'],
};

function Duration({ label, value, onChange, error }: { label: string; value: { amount: number; unit: string }; onChange: (v: { amount: number; unit: 'seconds' | 'minutes' | 'hours' | 'days' | 'weeks' }) => void; error?: string }) {
  const units = value.unit === 'seconds' ? [{ value: 'seconds', label: 'seconds' }, ...UNITS] : UNITS;
  return (
    <Group gap="xs" align="flex-end" wrap="nowrap">
      <NumberInput label={label} value={value.amount} min={0} max={100000} allowDecimal={false} onChange={(v) => onChange({ amount: Number(v) || 0, unit: value.unit as 'days' })} error={error} style={{ flex: 1 }} />
      <Select aria-label={`${label}: unit`} data={units} value={value.unit} onChange={(u) => u && onChange({ amount: value.amount, unit: u as 'days' })} allowDeselect={false} w={120} />
    </Group>
  );
}

function Fields(p: StepPanelProps & { err: (f: string) => string | undefined; set: (patch: Partial<Step>) => void }): ReactNode {
  const { step: s, err, set, lookups: L } = p;
  switch (s.type) {
    case 'wait':
      return <Duration label="Wait for" value={s.duration} onChange={(duration) => set({ duration })} error={err('duration')} />;
    case 'waitUntil':
      return (
        <>
          <TextInput type="time" label="Until" description="On the customer's clock (their time zone, else the store's); daylight saving is taken care of" value={s.time} onChange={(e) => set({ time: e.currentTarget.value })} error={err('time')} required />
          <Stack gap={4}>
            <Text fz="sm" fw={500}>
              On
            </Text>
            <Chip.Group multiple value={(s.days ?? [0, 1, 2, 3, 4, 5, 6]).map(String)} onChange={(v) => set({ days: v.length === 7 || v.length === 0 ? undefined : v.map(Number).sort() })}>
              <Group gap={4}>
                {WEEKDAYS.map((d, i) => (
                  <Chip key={d} value={String(i)} size="xs">
                    {d}
                  </Chip>
                ))}
              </Group>
            </Chip.Group>
          </Stack>
        </>
      );
    case 'waitFor':
      return (
        <>
          <TagsInput label="Until the customer does" description="Any of these activities; the other branch is taken when time runs out" data={L.activities} value={s.activities} onChange={(activities) => set({ activities })} error={err('activities')} clearable />
          <Duration label="At most" value={s.timeout} onChange={(timeout) => set({ timeout })} error={err('timeout')} />
        </>
      );
    case 'split':
      return <ConditionModal value={s.condition} onChange={(condition) => set({ condition })} catalogue={L.catalogue} tags={L.tags} error={err('condition')} readOnly={p.readOnly} summary={L.summary(s)} />;
    case 'random': {
      const total = s.branches.reduce((n, b) => n + b.percent, 0);
      const setBranch = (i: number, patch: Partial<(typeof s.branches)[number]>) => set({ branches: s.branches.map((b, j) => (j === i ? { ...b, ...patch } : b)) });
      return (
        <Stack gap="xs">
          <Text fz="sm" fw={500}>
            Branches
          </Text>
          {s.branches.map((b, i) => (
            <Group key={i} gap="xs" wrap="nowrap" align="center">
              <TextInput aria-label={`Branch ${i + 1} name`} value={b.label} onChange={(e) => setBranch(i, { label: e.currentTarget.value })} style={{ flex: 1 }} maxLength={60} />
              <NumberInput aria-label={`Branch ${i + 1} share`} value={b.percent} onChange={(v) => setBranch(i, { percent: Number(v) || 0 })} min={0} max={100} suffix=" %" w={84} allowDecimal={false} />
              <Tooltip label="Control group: customers on this branch exit and get nothing, to measure what the flow adds" withArrow multiline w={240}>
                <Checkbox aria-label={`Branch ${i + 1} is a control group`} checked={Boolean(b.holdout)} onChange={(e) => setBranch(i, { holdout: e.currentTarget.checked || undefined, next: e.currentTarget.checked ? null : b.next })} label="Control" size="xs" />
              </Tooltip>
              <ActionIcon variant="subtle" color="gray" disabled={s.branches.length <= 2} onClick={() => set({ branches: s.branches.filter((_, j) => j !== i) })} aria-label={`Remove branch ${i + 1}`}>
                <IconTrash size={15} />
              </ActionIcon>
            </Group>
          ))}
          <Group justify="space-between">
            <Button size="xs" variant="subtle" leftSection={<IconPlus size={14} />} disabled={s.branches.length >= 10} onClick={() => set({ branches: [...s.branches, { label: String.fromCharCode(65 + s.branches.length), percent: 0, next: null }] })}>
              Add branch
            </Button>
            <Text fz="xs" c={total === 100 ? 'dimmed' : 'red.7'} fw={total === 100 ? 400 : 600}>
              Total {total} %{total !== 100 ? ' (must be 100 %)' : ''}
            </Text>
          </Group>
          {err('branches') && (
            <Text fz="xs" c="red.7">
              {err('branches')}
            </Text>
          )}
          <Text fz="xs" c="dimmed">
            Each customer's branch is fixed by their run, so a retry never changes it.
          </Text>
        </Stack>
      );
    }
    case 'email':
    case 'sms': {
      const options = L.templates.filter((t) => t.channel === s.type).map((t) => ({ value: t.id, label: t.name }));
      return (
        <>
          <Select
            label="Template"
            placeholder={options.length ? 'Choose a template' : `No ${s.type === 'sms' ? 'SMS' : 'email'} templates yet`}
            data={options}
            value={s.templateId || null}
            onChange={(v) => set({ templateId: v ?? '' })}
            searchable
            error={err('templateId')}
            required
            nothingFoundMessage="No template of that name"
          />
          {s.templateId && (
            <Anchor fz="xs" renderRoot={(props) => <Link to="/templates/$id" params={{ id: s.templateId }} target="_blank" {...props} />}>
              <Group gap={4}>
                Open the template <IconExternalLink size={12} />
              </Group>
            </Anchor>
          )}
          <Stack gap={4}>
            <Text fz="sm" fw={500}>
              Kind
            </Text>
            <SegmentedControl size="xs" data={[{ value: 'marketing', label: 'Marketing' }, { value: 'transactional', label: 'Transactional' }]} value={s.kind} onChange={(v) => set({ kind: v as 'marketing' })} />
            <Text fz="xs" c="dimmed">
              {s.kind === 'marketing' ? 'Sent only to customers who consented; unsubscribe link, frequency cap and quiet hours apply.' : 'Messages a customer expects (an order thank-you): sent without marketing consent, never to suppressed addresses.'}
            </Text>
          </Stack>
          {s.type === 'email' && (
            <TextInput label="Topic" description="Preference-centre topic: customers who turned it off are skipped (optional)" value={s.topic ?? ''} onChange={(e) => set({ topic: e.currentTarget.value || undefined })} maxLength={60} error={err('topic')} />
          )}
        </>
      );
    }
    case 'discount':
      return (
        <>
          <SegmentedControl size="xs" data={[{ value: 'percent', label: 'Percent off' }, { value: 'amount', label: `Amount off (${p.currency})` }]} value={s.kind} onChange={(v) => set({ kind: v as 'percent', value: v === 'percent' ? 10 : 500 })} />
          {s.kind === 'percent' ? (
            <NumberInput label="Discount" value={s.value} onChange={(v) => set({ value: Number(v) || 0 })} min={1} max={100} suffix=" %" allowDecimal={false} error={err('value')} />
          ) : (
            <NumberInput label="Discount" value={minorToMajorString(s.value, p.currency)} onChange={(v) => set({ value: majorToMinor(v, p.currency) ?? 0 })} min={0} decimalScale={2} prefix={`${p.currency} `} error={err('value')} />
          )}
          <NumberInput label="Valid for" value={s.expiresInDays} onChange={(v) => set({ expiresInDays: Number(v) || 1 })} min={1} max={365} suffix=" days" allowDecimal={false} error={err('expiresInDays')} />
          <TextInput label="Code prefix" description="Codes look like PREFIX-7KX2M9QA; single use, one per customer and run" value={s.prefix} onChange={(e) => set({ prefix: e.currentTarget.value.toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 12) })} error={err('prefix')} />
          <Text fz="xs" c="dimmed">
            Later emails show it with {'{{ discount_code }}'}. Your store must accept these codes: sync them from GET /api/messaging/flows/discount-codes.
          </Text>
        </>
      );
    case 'tag':
      return (
        <>
          <TagsInput label="Add tags" data={L.tags} value={s.add} onChange={(add) => set({ add })} error={err('add')} clearable />
          <TagsInput label="Remove tags" data={L.tags} value={s.remove} onChange={(remove) => set({ remove })} error={err('remove')} clearable />
        </>
      );
    case 'attribute':
      return <AttributeFields step={s} set={set} err={err} lookups={L} />;
    case 'webhook':
      return (
        <>
          <TextInput label="URL" description="https:// only; Patron posts the flow, the customer and the trigger as JSON" value={s.url} onChange={(e) => set({ url: e.currentTarget.value.trim() })} error={err('url')} required />
          {p.webhookSecret ? (
            <CopyField label="Signing secret" value={p.webhookSecret} description="Requests carry Standard Webhooks headers (webhook-id, webhook-timestamp, webhook-signature) signed with it." />
          ) : (
            <Text fz="xs" c="dimmed">
              Requests are signed (Standard Webhooks); the secret shows here once the flow is saved.
            </Text>
          )}
          <Text fz="xs" c="dimmed">
            Called at most once per customer and run: if it fails, the run goes on without calling again.
          </Text>
        </>
      );
    case 'task':
      return (
        <>
          <TextInput label="Task" value={s.title} onChange={(e) => set({ title: e.currentTarget.value })} error={err('title')} required maxLength={200} />
          <Textarea label="Details" value={s.body} onChange={(e) => set({ body: e.currentTarget.value })} autosize minRows={2} maxLength={2000} />
          <Select label="Assign to" placeholder="Anyone on the team" data={L.users.map((u) => ({ value: u.id, label: u.name }))} value={s.assigneeId ?? null} onChange={(v) => set({ assigneeId: v ?? undefined })} clearable searchable error={err('assigneeId')} />
          <Text fz="xs" c="dimmed">
            Tasks appear on the Flows page under “Tasks”, with the customer they are about.
          </Text>
        </>
      );
  }
}

function AttributeFields({ step: s, set, err, lookups: L }: { step: Extract<Step, { type: 'attribute' }>; set: (patch: Partial<Step>) => void; err: (f: string) => string | undefined; lookups: FlowLookups }) {
  const kind = s.value === null ? 'clear' : typeof s.value === 'number' ? 'number' : typeof s.value === 'boolean' ? 'boolean' : 'text';
  return (
    <>
      <Autocomplete label="Attribute" description="A custom attribute key (lower case, digits and _)" data={L.attributes.map((a) => a.key)} value={s.key} onChange={(key) => set({ key })} error={err('key')} required />
      <SegmentedControl
        size="xs"
        data={[{ value: 'text', label: 'Text' }, { value: 'number', label: 'Number' }, { value: 'boolean', label: 'Yes / no' }, { value: 'clear', label: 'Clear' }]}
        value={kind}
        onChange={(k) => set({ value: k === 'clear' ? null : k === 'number' ? 0 : k === 'boolean' ? true : '' })}
      />
      {kind === 'text' && <TextInput label="Value" value={String(s.value ?? '')} onChange={(e) => set({ value: e.currentTarget.value })} error={err('value')} />}
      {kind === 'number' && <NumberInput label="Value" value={Number(s.value)} onChange={(v) => set({ value: Number(v) || 0 })} error={err('value')} />}
      {kind === 'boolean' && <SegmentedControl size="xs" data={[{ value: 'true', label: 'Yes' }, { value: 'false', label: 'No' }]} value={String(s.value)} onChange={(v) => set({ value: v === 'true' })} />}
    </>
  );
}
