import { Group, Select } from '@mantine/core';
import type { Duration, FieldValue } from '../../../../server/src/modules/segments/segments.definition.ts';
import { countryName } from '../../lib/geo.ts';
import type { CatalogueField } from './api.ts';
import type { RowContext } from './context.ts';
import { DateValue, DurationValue, ListValue, MoneyValue, NumberValue, PairValue, TextValue, Words } from './inputs.tsx';
import { valueShape } from './ops.ts';

/** The value input that fits the field's type and the operator. */
export function FieldValueInput({ field: f, op, value, onChange, ctx, error }: { field: CatalogueField; op: string; value: FieldValue | undefined; onChange: (v: FieldValue | undefined) => void; ctx: RowContext; error: boolean }) {
  const currency = ctx.catalogue.currency;
  const options = f.key === 'country' ? f.options?.map((c) => ({ value: c, label: `${countryName(c)} (${c})` })) : f.key === 'tags' ? ctx.tags.map((t) => ({ value: t, label: t })) : f.options?.map((o) => ({ value: o, label: o }));
  const shape = valueShape(f.type, op, Boolean(options?.length));
  const str = typeof value === 'string' ? value : undefined;
  const num = typeof value === 'number' ? value : undefined;
  switch (shape) {
    case 'none':
      return null;
    case 'text':
      if (options?.length) {
        return (
          <Select
            aria-label="Value"
            placeholder="Choose…"
            data={str && !options.some((o) => o.value === str) ? [...options, { value: str, label: str }] : options}
            value={str ?? null}
            onChange={(v) => onChange(v ?? undefined)}
            searchable
            error={error}
            w={200}
            maxDropdownHeight={280}
          />
        );
      }
      return <TextValue label="Value" value={str} onChange={onChange} error={error} placeholder={f.help ?? 'Value'} />;
    case 'textList':
    case 'options':
      return <ListValue label="Values" value={Array.isArray(value) ? value.map(String) : []} onChange={onChange} options={options?.length ? options : undefined} error={error} />;
    case 'number':
      return <NumberValue label="Value" value={num} onChange={onChange} error={error} integer={f.key === 'orderCount'} min={f.key === 'orderCount' ? 0 : undefined} />;
    case 'percent':
      return <NumberValue label="Percent" value={num} onChange={onChange} error={error} suffix=" %" placeholder="10 %" w={100} />;
    case 'money':
      return <MoneyValue label="Amount" value={num} onChange={onChange} currency={currency} error={error} />;
    case 'date':
      return <DateValue label="Date" value={str} onChange={onChange} error={error} />;
    case 'duration': {
      const d: Duration = value && typeof value === 'object' && !Array.isArray(value) ? value : { amount: 30, unit: 'days' };
      return (
        <Group gap={6} wrap="nowrap">
          <DurationValue label="Period" value={d} onChange={onChange} error={error} min={op === 'inNext' ? 0 : 1} />
          {op === 'notInLast' && <Words>ago</Words>}
        </Group>
      );
    }
    case 'numberPair':
      return <PairValue<number> value={numPair(value)} onChange={onChange} render={(v, set, which) => <NumberValue label={which === 'from' ? 'From' : 'To'} value={v} onChange={set} error={error} w={100} />} />;
    case 'moneyPair':
      return <PairValue<number> value={numPair(value)} onChange={onChange} render={(v, set, which) => <MoneyValue label={which === 'from' ? 'From' : 'To'} value={v} onChange={set} currency={currency} error={error} w={120} />} />;
    case 'datePair':
      return (
        <PairValue<string>
          value={Array.isArray(value) ? value.map(String) : undefined}
          onChange={onChange}
          render={(v, set, which) => <DateValue label={which === 'from' ? 'From' : 'To'} value={v} onChange={set} error={error} w={150} />}
        />
      );
  }
}

const numPair = (v: FieldValue | undefined): number[] | undefined => (Array.isArray(v) && v.every((x) => typeof x === 'number') ? (v as number[]) : undefined);
