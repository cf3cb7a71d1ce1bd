import { ActionIcon, Box, Group, Select, Stack, Text, Tooltip } from '@mantine/core';
import type { ComboboxItem, ComboboxLikeRenderOptionInput } from '@mantine/core';
import { IconAlertCircle, IconTrash } from '@tabler/icons-react';
import { useMemo } from 'react';
import type { ReactNode } from 'react';
import type { Condition } from '../../../../server/src/modules/segments/segments.definition.ts';
import type { Catalogue, CatalogueField } from './api.ts';
import type { NodeError } from './editor.ts';
import { CountValue, DurationValue, ListValue, NumberValue, PairValue, WindowValue, Words } from './inputs.tsx';
import { ACTIVITY_TIME_OPS, CONSENT_STATUS_CHOICES, fieldOps, SCORE_OPS, valueShape } from './ops.ts';
import { FieldValueInput } from './FieldValueInput.tsx';
import { ProductPicker } from './ProductPicker.tsx';
import { PropertyFilters } from './PropertyFilters.tsx';
import type { RowContext } from './context.ts';
import { defaultValue, GROUP_ORDER, subjectOf, type Subject } from './subjects.ts';

/** One condition: what to test, how, and against what; errors show on the input they name and in words below. */
export function ConditionRow({ index, cond, errors, ctx, onChange, onRemove }: { index: string; cond: Condition | null; errors: NodeError[]; ctx: RowContext; onChange: (c: Condition) => void; onRemove: () => void }) {
  const errorOf = (part: string) => errors.some((e) => e.part === part || e.part.startsWith(`${part}/`));
  const subjectData = useMemo(() => pickerData(ctx.subjects), [ctx.subjects]);
  const described = useMemo(() => new Map(ctx.subjects.map((s) => [s.key, s.description])), [ctx.subjects]);
  const renderOption = ({ option }: ComboboxLikeRenderOptionInput<ComboboxItem>) => (
    <Stack gap={0}>
      <Text fz="sm">{option.label}</Text>
      {described.get(option.value) && (
        <Text fz="xs" c="dimmed" lineClamp={2}>
          {described.get(option.value)}
        </Text>
      )}
    </Stack>
  );

  const picker = (
    <Select
      aria-label="What to test"
      placeholder="Choose what to test…"
      data={subjectData}
      value={cond ? subjectOf(cond) : null}
      title={cond ? ctx.subjects.find((x) => x.key === subjectOf(cond))?.label : undefined}
      onChange={(k) => {
        const s = ctx.subjects.find((x) => x.key === k);
        if (s) onChange(s.make());
      }}
      searchable
      allowDeselect={false}
      nothingFoundMessage="Nothing matches"
      maxDropdownHeight={380}
      renderOption={renderOption}
      error={errorOf('subject') || errorOf('field') || errorOf('kind')}
      w={190}
      comboboxProps={{ width: 320, position: 'bottom-start' }}
    />
  );

  return (
    <Box role="group" aria-label={`Condition ${index}`} data-seg-error={errors.length > 0 || undefined}>
      <Group gap="xs" wrap="nowrap" align="flex-start">
        <Stack gap={8} style={{ flex: 1, minWidth: 0 }}>
          {cond ? <Editor cond={cond} ctx={ctx} onChange={onChange} errorOf={errorOf} picker={picker} /> : <Group gap={6}>{picker}</Group>}
        </Stack>
        <Tooltip label="Remove this condition" withArrow>
          <ActionIcon variant="subtle" color="gray" onClick={onRemove} aria-label={`Remove condition ${index}`} size="lg">
            <IconTrash size={16} />
          </ActionIcon>
        </Tooltip>
      </Group>
      {errors.length > 0 && (
        <Stack gap={2} mt={6}>
          {errors.map((e, i) => (
            <Group key={i} gap={6} wrap="nowrap" align="flex-start">
              <IconAlertCircle size={14} color="var(--mantine-color-red-6)" style={{ flexShrink: 0, marginTop: 3 }} />
              <Text fz="xs" c="red.7" role="alert">
                {errorText(e)}
              </Text>
            </Group>
          ))}
        </Stack>
      )}
    </Box>
  );
}

function pickerData(subjects: Subject[]) {
  return GROUP_ORDER.map((group) => ({ group, items: subjects.filter((s) => s.group === group).map((s) => ({ value: s.key, label: s.label })) })).filter((g) => g.items.length > 0);
}

const PART_LABELS: [RegExp, string][] = [
  [/^value\/0$/, 'The first value'],
  [/^value\/1$/, 'The second value'],
  [/^value/, 'The value'],
  [/^window\/from/, 'The start date'],
  [/^window\/to/, 'The end date'],
  [/^window/, 'The period'],
  [/^count/, 'The number of times'],
  [/^notWithin/, 'The waiting time'],
  [/^(where|didWhere)\/(\d+)/, 'The filter'],
  [/^values/, 'The choice'],
  [/^statuses/, 'The status'],
  [/^segmentId/, 'The segment'],
  [/^(activity|did|didNot)$/, 'The activity'],
  [/^op$/, 'The operator'],
  [/^field$/, 'The field'],
];

/** The server says "must be a number"; under a condition it reads "The value must be a number". */
export function errorText(e: NodeError): string {
  const d = e.message.trim();
  if (/^(must|is|needs?|cannot|takes) /.test(d)) {
    const label = PART_LABELS.find(([re]) => re.test(e.part))?.[1] ?? 'This';
    return `${label} ${d}.`.replace(/\.\.$/, '.');
  }
  return d.charAt(0).toUpperCase() + d.slice(1) + (/[.!?]$/.test(d) ? '' : '.');
}

const activityData = (cat: Catalogue) => {
  const seen = cat.activities.filter((a) => a.seen).map((a) => a.type);
  const other = cat.activities.filter((a) => !a.seen).map((a) => a.type);
  return [
    ...(seen.length ? [{ group: 'Seen in your store', items: seen }] : []),
    ...(other.length ? [{ group: 'Not seen yet', items: other }] : []),
  ];
};

function ActivitySelect({ value, onChange, cat, label, error }: { value: string; onChange: (v: string) => void; cat: Catalogue; label: string; error?: boolean }) {
  const data = useMemo(() => activityData(cat), [cat]);
  return (
    <Select
      aria-label={label}
      placeholder="Choose an activity…"
      data={data}
      value={value || null}
      onChange={(v) => v && onChange(v)}
      searchable
      allowDeselect={false}
      nothingFoundMessage="No activity of that name"
      error={error}
      w={220}
      maxDropdownHeight={320}
    />
  );
}

type EditorProps = { cond: Condition; ctx: RowContext; onChange: (c: Condition) => void; errorOf: (part: string) => boolean; picker: ReactNode };

function Editor({ cond: c, ctx, onChange, errorOf, picker }: EditorProps) {
  const cat = ctx.catalogue;
  switch (c.kind) {
    case 'field': {
      const f = cat.fields.find((x) => x.key === c.field);
      if (!f) return <Group gap={6}>{picker}<Words>This field no longer exists: pick another.</Words></Group>;
      return (
        <Group gap={6} wrap="wrap" align="flex-start">
          {picker}
          <Select
            aria-label="Operator"
            data={fieldOps(f.type, f.ops, Boolean(f.recurring))}
            value={c.op}
            onChange={(op) => {
              if (!op) return;
              const before = valueShape(f.type, c.op, Boolean(f.options?.length));
              const after = valueShape(f.type, op, Boolean(f.options?.length));
              onChange({ ...c, op, value: before === after ? c.value : defaultValue(after) });
            }}
            allowDeselect={false}
            error={errorOf('op')}
            w={150}
          />
          <FieldValueInput field={f} op={c.op} value={c.value} onChange={(value) => onChange({ ...c, value })} ctx={ctx} error={errorOf('value')} />
        </Group>
      );
    }
    case 'activity':
      return (
        <>
          <Group gap={6} wrap="wrap" align="flex-start">
            {picker}
            <ActivitySelect label="Activity" value={c.activity} onChange={(activity) => onChange({ ...c, activity })} cat={cat} error={errorOf('activity')} />
          </Group>
          <Group gap={6} wrap="wrap" align="flex-start">
            <CountValue value={c.count} onChange={(count) => onChange({ ...c, count })} error={errorOf('count')} />
            <WindowValue value={c.window} onChange={(window) => onChange({ ...c, window })} errorOf={errorOf} />
          </Group>
          <PropertyFilters value={c.where} onChange={(where) => onChange({ ...c, where })} errorOf={errorOf} prefix="where" activity={c.activity} />
        </>
      );
    case 'sequence':
      return (
        <>
          <Group gap={6} wrap="wrap" align="flex-start">
            {picker}
            <ActivitySelect label="Did" value={c.did} onChange={(did) => onChange({ ...c, did })} cat={cat} error={errorOf('did')} />
            <WindowValue value={c.window} onChange={(window) => onChange({ ...c, window })} errorOf={errorOf} />
          </Group>
          <Group gap={6} wrap="wrap" align="flex-start">
            <Words>but not</Words>
            <ActivitySelect label="Did not" value={c.didNot} onChange={(didNot) => onChange({ ...c, didNot })} cat={cat} error={errorOf('didNot')} />
            <Words>within</Words>
            <DurationValue label="Within" value={c.notWithin} onChange={(notWithin) => onChange({ ...c, notWithin })} error={errorOf('notWithin')} />
            <Words>after it</Words>
          </Group>
          <PropertyFilters value={c.didWhere} onChange={(didWhere) => onChange({ ...c, didWhere })} errorOf={errorOf} prefix="didWhere" activity={c.did} />
        </>
      );
    case 'activityTime': {
      const timeField: CatalogueField = { key: '', label: '', group: '', type: 'timestamp', ops: ACTIVITY_TIME_OPS.map((o) => o.value) };
      return (
        <Group gap={6} wrap="wrap" align="flex-start">
          {picker}
          <ActivitySelect label="Activity" value={c.activity} onChange={(activity) => onChange({ ...c, activity })} cat={cat} error={errorOf('activity')} />
          <Select
            aria-label="Operator"
            data={ACTIVITY_TIME_OPS}
            value={c.op}
            onChange={(op) => op && onChange({ ...c, op: op as typeof c.op, value: valueShape('timestamp', c.op, false) === valueShape('timestamp', op, false) ? c.value : defaultValue(valueShape('timestamp', op, false)) })}
            allowDeselect={false}
            w={180}
          />
          <FieldValueInput field={timeField} op={c.op} value={c.value} onChange={(value) => onChange({ ...c, value })} ctx={ctx} error={errorOf('value')} />
        </Group>
      );
    }
    case 'purchased':
      return (
        <>
          <Group gap={6} wrap="wrap" align="flex-start">
            {picker}
            {c.target === 'product' ? (
              <ProductPicker value={c.values} onChange={(values) => onChange({ ...c, values })} error={errorOf('values')} />
            ) : (
              <ListValue
                label={c.target === 'category' ? 'Categories' : 'SKUs'}
                value={c.values}
                onChange={(values) => onChange({ ...c, values })}
                options={c.target === 'category' && cat.categories.length ? cat.categories.map((x) => ({ value: x, label: x })) : undefined}
                placeholder={c.target === 'sku' ? 'Type SKUs, press Enter' : cat.categories.length ? 'Choose categories…' : 'Type category names, press Enter'}
                error={errorOf('values')}
              />
            )}
          </Group>
          <Group gap={6} wrap="wrap" align="flex-start">
            <CountValue value={c.count} onChange={(count) => onChange({ ...c, count })} error={errorOf('count')} />
            <WindowValue value={c.window} onChange={(window) => onChange({ ...c, window })} errorOf={errorOf} />
          </Group>
        </>
      );
    case 'consent':
      return (
        <Group gap={6} wrap="wrap" align="flex-start">
          {picker}
          <Words>is</Words>
          <ListValue label="Consent status" value={c.statuses} onChange={(s) => onChange({ ...c, statuses: s as typeof c.statuses })} options={CONSENT_STATUS_CHOICES} error={errorOf('statuses')} />
        </Group>
      );
    case 'rfm':
      if (c.field === 'class') {
        return (
          <Group gap={6} wrap="wrap" align="flex-start">
            {picker}
            <Select aria-label="Operator" data={[{ value: 'in', label: 'is any of' }, { value: 'notIn', label: 'is none of' }]} value={c.op} onChange={(op) => op && onChange({ ...c, op: op as 'in' | 'notIn' })} allowDeselect={false} w={140} />
            <ListValue label="RFM classes" value={c.value} onChange={(v) => onChange({ ...c, value: v as typeof c.value })} options={cat.rfmClasses.map((r) => ({ value: r.key, label: r.label }))} error={errorOf('value')} />
          </Group>
        );
      }
      return (
        <Group gap={6} wrap="wrap" align="flex-start">
          {picker}
          <Select
            aria-label="Operator"
            data={SCORE_OPS}
            value={c.op}
            onChange={(op) => {
              if (!op) return;
              const pair = op === 'between';
              const v = c.value;
              onChange({ ...c, op: op as typeof c.op, value: pair ? (Array.isArray(v) ? v : [v, 5]) : Array.isArray(v) ? (v[0] ?? 3) : v });
            }}
            allowDeselect={false}
            w={150}
          />
          {Array.isArray(c.value) ? (
            <PairValue<number>
              value={c.value}
              onChange={(v) => v && onChange({ ...c, value: v })}
              render={(v, set, which) => <NumberValue label={which === 'from' ? 'Lowest score' : 'Highest score'} value={v} onChange={set} min={1} max={5} integer error={errorOf('value')} w={70} />}
            />
          ) : (
            <NumberValue label="Score" value={c.value} onChange={(v) => onChange({ ...c, value: v ?? 1 })} min={1} max={5} integer error={errorOf('value')} w={70} />
          )}
          <Words>out of 5</Words>
        </Group>
      );
    case 'segment':
      return (
        <Group gap={6} wrap="wrap" align="flex-start">
          {picker}
          <Select aria-label="Operator" data={[{ value: 'in', label: 'is in' }, { value: 'notIn', label: 'is not in' }]} value={c.op} onChange={(op) => op && onChange({ ...c, op: op as 'in' | 'notIn' })} allowDeselect={false} w={120} />
          <Select
            aria-label="Segment"
            placeholder="Choose a segment…"
            data={cat.segments.filter((s) => s.id !== ctx.selfId).map((s) => ({ value: s.id, label: s.name }))}
            value={c.segmentId || null}
            onChange={(id) => id && onChange({ ...c, segmentId: id })}
            searchable
            allowDeselect={false}
            nothingFoundMessage="No other segment"
            error={errorOf('segmentId')}
            w={240}
          />
        </Group>
      );
  }
}
