import { ActionIcon, Anchor, Button, Group, MultiSelect, NumberInput, Paper, SegmentedControl, Select, SimpleGrid, Slider, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { formatInt } from '../../../lib/money.ts';
import { useSegments } from '../../segments/api.ts';
import { useSenders } from '../messages/api.ts';
import { useTemplateOptions } from './api.ts';
import type { FormState } from './form.ts';
import { METRIC_LABEL } from './status.tsx';

export interface StepProps {
  f: FormState;
  set: (patch: Partial<FormState>) => void;
  /** Server field errors by pointer under /body ("templateId", "include/1", "abTest/variants/0/subject"). */
  errors: Record<string, string>;
}

const errorAt = (errors: Record<string, string>, prefix: string) => Object.entries(errors).find(([k]) => k === prefix || k.startsWith(`${prefix}/`))?.[1];

export function Section({ title, description, children }: { title: string; description?: ReactNode; children: ReactNode }) {
  return (
    <Paper withBorder radius="md" p="md">
      <Stack gap="md">
        <div>
          <Title order={2} fz="md" fw={600}>
            {title}
          </Title>
          {description && (
            <Text fz="sm" c="dimmed">
              {description}
            </Text>
          )}
        </div>
        {children}
      </Stack>
    </Paper>
  );
}

export function MessageStep({ f, set, errors }: StepProps) {
  const templates = useTemplateOptions(f.channel);
  const senders = useSenders();
  const options = (templates.data ?? []).map((t) => ({ value: t.id, label: t.name }));
  // A template picked before (now archived or of the other channel) still shows by name rather than as a bare id.
  const current = templates.data?.find((t) => t.id === f.templateId);
  return (
    <Section title="Message" description="What is sent, and from whom.">
      <TextInput label="Name" description="For you and your team; recipients never see it." placeholder="e.g. Spring sale — early access" value={f.name} onChange={(e) => set({ name: e.currentTarget.value })} error={errors.name} maxLength={200} required />
      <SegmentedControl
        value={f.channel}
        onChange={(v) => set({ channel: v as 'email' | 'sms', templateId: null, variants: f.variants.map((x) => ({ ...x, templateId: null })) })}
        data={[{ value: 'email', label: 'Email' }, { value: 'sms', label: 'SMS' }]}
        aria-label="Channel"
        w={{ base: '100%', xs: 240 }}
      />
      <Select
        label="Template"
        placeholder={templates.isPending ? 'Loading templates…' : options.length ? 'Choose a template' : `No ${f.channel === 'email' ? 'email' : 'SMS'} templates yet`}
        data={options}
        value={f.templateId}
        onChange={(v) => set({ templateId: v })}
        searchable
        nothingFoundMessage="No template with that name"
        error={errors.templateId}
        description={
          <>
            {current?.subject ? `Subject: ${current.subject}. ` : ''}
            <Anchor renderRoot={(p) => <Link to="/templates" {...p} />} fz="xs">
              Manage templates
            </Anchor>
          </>
        }
        required
      />
      {f.channel === 'email' && (
        <Select
          label="Sender"
          placeholder="The template’s sender, else the default one"
          data={(senders.data ?? []).map((s) => ({ value: s.id, label: `${s.fromName} <${s.fromEmail}>` }))}
          value={f.senderId}
          onChange={(v) => set({ senderId: v })}
          clearable
          error={errors.senderId}
        />
      )}
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <Select
          label="Kind"
          data={[{ value: 'marketing', label: 'Marketing' }, { value: 'transactional', label: 'Transactional (service notice)' }]}
          value={f.kind}
          onChange={(v) => v && set({ kind: v as FormState['kind'] })}
          allowDeselect={false}
          description={f.kind === 'marketing' ? 'Only to customers who subscribed; with an unsubscribe link.' : 'Only for notices customers must get (no promotion).'}
        />
        <TextInput label="Topic" placeholder="e.g. newsletter" description="Optional: customers who turned this topic off are skipped." value={f.topic} onChange={(e) => set({ topic: e.currentTarget.value })} error={errors.topic} maxLength={100} />
      </SimpleGrid>
    </Section>
  );
}

export function AudienceStep({ f, set, errors }: StepProps) {
  const segments = useSegments();
  const data = (segments.data ?? []).map((s) => ({ value: s.id, label: `${s.name} (${formatInt(s.size)})` }));
  // A segment deleted since it was chosen stays visible (named by its id) so the error can point at it.
  for (const id of [...f.include, ...f.exclude]) if (!data.some((d) => d.value === id)) data.push({ value: id, label: `Deleted segment ${id.slice(0, 8)}…` });
  return (
    <Section title="Audience" description="Members of any of the chosen segments receive it, except members of the excluded ones. Each customer gets it once.">
      <MultiSelect
        label="Send to"
        placeholder={f.include.length ? '' : 'Choose segments'}
        data={data.filter((d) => !f.exclude.includes(d.value))}
        value={f.include}
        onChange={(v) => set({ include: v })}
        searchable
        nothingFoundMessage="No segment with that name"
        error={errorAt(errors, 'include')}
        required
      />
      <MultiSelect
        label="Don’t send to"
        placeholder={f.exclude.length ? '' : 'Optional: segments to leave out'}
        data={data.filter((d) => !f.include.includes(d.value))}
        value={f.exclude}
        onChange={(v) => set({ exclude: v })}
        searchable
        nothingFoundMessage="No segment with that name"
        error={errorAt(errors, 'exclude')}
      />
      <Text fz="xs" c="dimmed">
        Need another group?{' '}
        <Anchor renderRoot={(p) => <Link to="/segments/new" {...p} />} fz="xs">
          Create a segment
        </Anchor>
      </Text>
    </Section>
  );
}

export function ScheduleStep({ f, set, errors }: StepProps) {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return (
    <Section title="Schedule" description="When it goes out, and how fast.">
      <SegmentedControl
        value={f.mode}
        onChange={(v) => set({ mode: v as FormState['mode'] })}
        data={[{ value: 'now', label: 'Send now' }, { value: 'at', label: 'At a time' }, { value: 'local', label: 'Recipient’s local time' }]}
        aria-label="When"
        fullWidth
      />
      {f.mode === 'now' && <Text fz="sm" c="dimmed">Sending starts as soon as you send it.</Text>}
      {f.mode === 'at' && (
        <TextInput
          type="datetime-local"
          label="Send at"
          description={`Your time (${zone}).`}
          value={f.sendAt}
          onChange={(e) => set({ sendAt: e.currentTarget.value })}
          error={errorAt(errors, 'schedule')}
          maw={300}
        />
      )}
      {f.mode === 'local' && (
        <Stack gap="xs">
          <Group gap="md" align="flex-start">
            <TextInput type="date" label="Date" value={f.date} onChange={(e) => set({ date: e.currentTarget.value })} error={errorAt(errors, 'schedule/date') ?? errorAt(errors, 'schedule')} w={190} />
            <TextInput type="time" label="Local time" value={f.time} onChange={(e) => set({ time: e.currentTarget.value })} error={errorAt(errors, 'schedule/time')} w={140} />
          </Group>
          <Text fz="xs" c="dimmed">
            Each customer gets it at {f.time || 'this time'} on that day in their own time zone (the store’s when theirs is unknown). Where that moment has already passed when
            sending starts, it goes at once.
          </Text>
        </Stack>
      )}
      <Switch label="Limit the sending speed" description="Spread the messages evenly, e.g. to protect a new sending domain or your support team." checked={f.throttle} onChange={(e) => set({ throttle: e.currentTarget.checked })} />
      {f.throttle && (
        <NumberInput label="At most, per hour" value={f.perHour} onChange={(v) => set({ perHour: Number(v) || 1 })} min={1} max={10_000_000} step={100} thousandSeparator="," error={errors.throttlePerHour} maw={220} suffix=" messages" />
      )}
    </Section>
  );
}

export function TestStep({ f, set, errors }: StepProps) {
  const templates = useTemplateOptions(f.channel);
  const variant = (i: number, patch: Partial<FormState['variants'][number]>) => set({ variants: f.variants.map((v, j) => (i === j ? { ...v, ...patch } : v)) });
  const k = f.variants.length;
  return (
    <Section title="A/B test" description="Try different subject lines or templates on part of the audience; the best one then goes to everyone else.">
      <Switch label="Test variants before sending to everyone" checked={f.ab} onChange={(e) => set({ ab: e.currentTarget.checked })} />
      {f.ab && (
        <Stack gap="md">
          {f.variants.map((v, i) => (
            <Paper key={i} withBorder radius="md" p="sm" bg="var(--mantine-color-gray-light)">
              <Group justify="space-between" mb={6}>
                <Text fw={600} fz="sm">
                  Variant {String.fromCharCode(65 + i)}
                  {i === 0 && (
                    <Text span c="dimmed" fz="xs">
                      {' '}
                      · wins ties
                    </Text>
                  )}
                </Text>
                {k > 2 && (
                  <ActionIcon variant="subtle" color="gray" aria-label={`Remove variant ${String.fromCharCode(65 + i)}`} onClick={() => set({ variants: f.variants.filter((_, j) => j !== i) })}>
                    <IconTrash size={16} />
                  </ActionIcon>
                )}
              </Group>
              <SimpleGrid cols={{ base: 1, sm: f.channel === 'email' ? 2 : 1 }}>
                {f.channel === 'email' && (
                  <TextInput label="Subject line" placeholder="The template’s subject" value={v.subject} onChange={(e) => variant(i, { subject: e.currentTarget.value })} error={errors[`abTest/variants/${i}/subject`] ?? errors[`abTest/variants/${i}`]} maxLength={300} />
                )}
                <Select
                  label="Template"
                  placeholder="The campaign’s template"
                  data={(templates.data ?? []).map((t) => ({ value: t.id, label: t.name }))}
                  value={v.templateId}
                  onChange={(x) => variant(i, { templateId: x })}
                  clearable
                  searchable
                  error={errors[`abTest/variants/${i}/templateId`]}
                />
              </SimpleGrid>
            </Paper>
          ))}
          {k < 5 && (
            <Button variant="default" leftSection={<IconPlus size={16} />} onClick={() => set({ variants: [...f.variants, { subject: '', templateId: null }] })} w="fit-content">
              Add variant
            </Button>
          )}
          <Stack gap={4}>
            <Text fz="sm" fw={500}>
              Test share: {f.testPercent}% of the audience
            </Text>
            <Slider value={f.testPercent} onChange={(v) => set({ testPercent: v })} min={5} max={100} step={5} label={(v) => `${v}%`} marks={[{ value: 20, label: '20%' }, { value: 50, label: '50%' }, { value: 100, label: '100%' }]} mb="md" />
            {errors['abTest/testPercent'] && <Text fz="xs" c="red">{errors['abTest/testPercent']}</Text>}
          </Stack>
          {f.testPercent < 100 && (
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <Select label="Winner chosen by" data={Object.entries(METRIC_LABEL).map(([value, label]) => ({ value, label }))} value={f.metric} onChange={(v) => v && set({ metric: v as FormState['metric'] })} allowDeselect={false} />
              <NumberInput label="Decide after" value={f.waitHours} onChange={(v) => set({ waitHours: Number(v) || 1 })} min={1} max={168} suffix={f.waitHours === 1 ? ' hour' : ' hours'} description="Counted from the last test message." />
            </SimpleGrid>
          )}
          <Text fz="sm" c="dimmed">
            {f.testPercent >= 100
              ? `Everyone gets one of the ${k} variants, split evenly at random.`
              : `${f.testPercent}% of the recipients are split evenly at random among the ${k} variants. ${f.waitHours} ${f.waitHours === 1 ? 'hour' : 'hours'} after the last of them, the variant with the best ${METRIC_LABEL[f.metric].toLowerCase()} goes to the other ${100 - f.testPercent}%.`}
          </Text>
        </Stack>
      )}
    </Section>
  );
}
