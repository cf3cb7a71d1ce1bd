import { Group, NumberInput, Select, TagsInput, Text, TextInput } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { ReactNode } from 'react';
import type { CountRule, Duration, Window } from '../../../../server/src/modules/segments/segments.definition.ts';
import { currencySymbol, exponentOf, majorToMinor, minorToMajorString } from '../../lib/money.ts';
import { COUNT_CHOICES, UNIT_CHOICES, WINDOW_CHOICES } from './ops.ts';

/** Inputs of a condition row: compact, labelled for screen readers, red when the server named them. */

/** Words between inputs ("times", "and", "within"). */
export function Words({ children }: { children: ReactNode }) {
  return (
    <Text fz="sm" c="dimmed" style={{ whiteSpace: 'nowrap', lineHeight: '36px' }}>
      {children}
    </Text>
  );
}

const noAutofill = { autoComplete: 'off', 'data-1p-ignore': true } as const;

export function TextValue({ value, onChange, label, error, placeholder = 'Value', w = 200 }: { value: string | undefined; onChange: (v: string | undefined) => void; label: string; error?: boolean; placeholder?: string; w?: number }) {
  return <TextInput aria-label={label} placeholder={placeholder} value={value ?? ''} onChange={(e) => onChange(e.currentTarget.value || undefined)} error={error} w={w} {...noAutofill} />;
}

export function NumberValue(props: {
  value: number | undefined;
  onChange: (v: number | undefined) => void;
  label: string;
  error?: boolean;
  min?: number;
  max?: number;
  integer?: boolean;
  suffix?: string;
  placeholder?: string;
  w?: number;
}) {
  return (
    <NumberInput
      aria-label={props.label}
      placeholder={props.placeholder ?? 'Number'}
      value={props.value ?? ''}
      onChange={(v) => props.onChange(typeof v === 'number' && Number.isFinite(v) ? v : undefined)}
      min={props.min}
      max={props.max}
      allowDecimal={!props.integer}
      allowNegative={props.min === undefined || props.min < 0}
      clampBehavior="none"
      suffix={props.suffix}
      hideControls
      thousandSeparator=","
      error={props.error}
      w={props.w ?? 120}
      {...noAutofill}
    />
  );
}

/**
 * An amount in the store currency, typed in major units ("12.50") and kept in minor units (1250).
 * It keeps its own text so that "12." can be typed on the way to "12.50".
 */
export function MoneyValue({ value, onChange, currency, label, error, w = 140 }: { value: number | undefined; onChange: (minor: number | undefined) => void; currency: string; label: string; error?: boolean; w?: number }) {
  const show = (v: number | undefined) => (v === undefined ? '' : minorToMajorString(v, currency));
  const [text, setText] = useState(() => show(value));
  const parsed = text.trim() === '' ? undefined : majorToMinor(text, currency);
  useEffect(() => {
    if (value !== parsed) setText(show(value));
    // Only an outside change of the value (undo, load) resets the text.
  }, [value]);
  const bad = text.trim() !== '' && parsed === undefined;
  const exp = exponentOf(currency);
  return (
    <TextInput
      aria-label={label}
      placeholder={exp ? '0.00' : '0'}
      value={text}
      inputMode="decimal"
      leftSection={<Text fz="sm" c="dimmed">{currencySymbol(currency)}</Text>}
      onChange={(e) => {
        const t = e.currentTarget.value;
        setText(t);
        onChange(t.trim() === '' ? undefined : majorToMinor(t, currency));
      }}
      error={bad ? `An amount like ${exp ? `12.${'5'.padEnd(exp, '0')}` : '12'}` : error}
      w={w}
      {...noAutofill}
    />
  );
}

export function DateValue({ value, onChange, label, error, w = 160 }: { value: string | undefined; onChange: (v: string | undefined) => void; label: string; error?: boolean; w?: number }) {
  return <TextInput type="date" aria-label={label} value={value?.slice(0, 10) ?? ''} onChange={(e) => onChange(e.currentTarget.value || undefined)} error={error} w={w} />;
}

export function DurationValue({ value, onChange, label, error, min = 1, units = UNIT_CHOICES }: { value: Duration; onChange: (v: Duration) => void; label: string; error?: boolean; min?: number; units?: typeof UNIT_CHOICES }) {
  return (
    <Group gap={6} wrap="nowrap">
      <NumberValue label={`${label}: amount`} value={value.amount} onChange={(a) => onChange({ ...value, amount: a ?? min })} min={min} integer error={error} w={76} />
      <Select
        aria-label={`${label}: unit`}
        data={units}
        value={value.unit}
        onChange={(u) => u && onChange({ ...value, unit: u as Duration['unit'] })}
        allowDeselect={false}
        w={110}
        comboboxProps={{ withinPortal: true }}
      />
    </Group>
  );
}

/** Two values of the same kind ("between 10 and 20"): emitted only when both ends are there. */
export function PairValue<T extends string | number>({ value, onChange, render }: { value: T[] | undefined; onChange: (v: T[] | undefined) => void; render: (v: T | undefined, set: (x: T | undefined) => void, which: 'from' | 'to') => ReactNode }) {
  const [pair, setPair] = useState<[T | undefined, T | undefined]>([value?.[0], value?.[1]]);
  useEffect(() => {
    if (value && (value[0] !== pair[0] || value[1] !== pair[1])) setPair([value[0], value[1]]);
  }, [value]);
  const set = (i: 0 | 1) => (x: T | undefined) => {
    const next: [T | undefined, T | undefined] = i === 0 ? [x, pair[1]] : [pair[0], x];
    setPair(next);
    onChange(next[0] !== undefined && next[1] !== undefined ? [next[0], next[1]] : undefined);
  };
  return (
    <Group gap={6} wrap="nowrap">
      {render(pair[0], set(0), 'from')}
      <Words>and</Words>
      {render(pair[1], set(1), 'to')}
    </Group>
  );
}

/** Lists take the rest of the row (at least 220 px, so they wrap below rather than squeeze). */
const listStyle = { flex: '1 1 220px', minWidth: 220, maxWidth: 460 };

export function ListValue({ value, onChange, options, label, error, placeholder }: { value: string[]; onChange: (v: string[]) => void; options?: { value: string; label: string }[]; label: string; error?: boolean; placeholder?: string }) {
  if (options) {
    return <OptionsValue value={value} onChange={onChange} options={options} label={label} error={error} placeholder={placeholder} />;
  }
  return (
    <TagsInput
      aria-label={label}
      placeholder={value.length ? undefined : (placeholder ?? 'Type and press Enter')}
      value={value}
      onChange={onChange}
      error={error}
      style={listStyle}
      clearable
      acceptValueOnBlur
      splitChars={[',']}
    />
  );
}

/** Pick several from known options (countries, categories, RFM classes); typed values that are not options are kept too. */
function OptionsValue({ value, onChange, options, label, error, placeholder }: { value: string[]; onChange: (v: string[]) => void; options: { value: string; label: string }[]; label: string; error?: boolean; placeholder?: string }) {
  const labels = new Map(options.map((o) => [o.value, o.label]));
  // TagsInput shows labels; the stored values are the options' values.
  const toValue = new Map(options.map((o) => [o.label, o.value]));
  return (
    <TagsInput
      aria-label={label}
      placeholder={value.length ? undefined : (placeholder ?? 'Choose…')}
      data={options.map((o) => o.label)}
      value={value.map((v) => labels.get(v) ?? v)}
      onChange={(ls) => onChange(ls.map((l) => toValue.get(l) ?? l))}
      error={error}
      style={listStyle}
      clearable
      acceptValueOnBlur
      limit={50}
      maxDropdownHeight={260}
      comboboxProps={{ withinPortal: true }}
    />
  );
}

export function CountValue({ value, onChange, error }: { value: CountRule; onChange: (v: CountRule) => void; error?: boolean }) {
  const never = value.op === 'atMost' && value.value === 0;
  return (
    <Group gap={6} wrap="nowrap">
      <Select
        aria-label="How many times"
        data={COUNT_CHOICES}
        value={never ? 'never' : value.op}
        onChange={(v) => {
          if (v === 'never') onChange({ op: 'atMost', value: 0 });
          else if (v) onChange({ op: v as CountRule['op'], value: never ? 1 : value.value });
        }}
        allowDeselect={false}
        w={120}
      />
      {!never && (
        <>
          <NumberValue label="Number of times" value={value.value} onChange={(n) => onChange({ ...value, value: n ?? 0 })} min={0} integer error={error} w={70} />
          <Words>{value.value === 1 ? 'time' : 'times'}</Words>
        </>
      )}
    </Group>
  );
}

export function WindowValue({ value, onChange, errorOf }: { value: Window; onChange: (v: Window) => void; errorOf: (part: string) => boolean }) {
  return (
    <Group gap={6} wrap="nowrap">
      <Select
        aria-label="When"
        data={WINDOW_CHOICES}
        value={value.type}
        onChange={(t) => {
          if (t === 'ever') onChange({ type: 'ever' });
          if (t === 'inLast') onChange({ type: 'inLast', amount: 30, unit: 'days' });
          if (t === 'between') {
            const today = new Date().toISOString().slice(0, 10);
            const monthAgo = new Date(Date.now() - 30 * 86400_000).toISOString().slice(0, 10);
            onChange({ type: 'between', from: monthAgo, to: today });
          }
        }}
        allowDeselect={false}
        w={150}
      />
      {value.type === 'inLast' && (
        <DurationValue label="Period" value={{ amount: value.amount, unit: value.unit }} onChange={(d) => onChange({ type: 'inLast', amount: d.amount, unit: d.unit })} error={errorOf('window/amount')} />
      )}
      {value.type === 'between' && (
        <>
          <DateValue label="From" value={value.from} onChange={(d) => onChange({ ...value, from: d ?? '' })} error={errorOf('window/from')} w={150} />
          <Words>and</Words>
          <DateValue label="To" value={value.to} onChange={(d) => onChange({ ...value, to: d ?? '' })} error={errorOf('window/to')} w={150} />
        </>
      )}
    </Group>
  );
}
