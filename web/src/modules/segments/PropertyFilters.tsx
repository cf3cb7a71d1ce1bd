import { ActionIcon, Autocomplete, Button, Group, Select, Stack, TextInput } from '@mantine/core';
import { IconFilterPlus, IconX } from '@tabler/icons-react';
import type { PropertyFilter } from '../../../../server/src/modules/segments/segments.definition.ts';
import { useSegmentCatalogue } from './api.ts';
import { Words } from './inputs.tsx';
import { PROPERTY_OP_CHOICES } from './ops.ts';

const NUMERIC = new Set(['gt', 'gte', 'lt', 'lte']);

/** What people type becomes the value the server compares: numbers for comparisons, yes/no for true/false, text otherwise. */
function toValue(op: string, text: string): PropertyFilter['value'] {
  if (op === 'exists' || op === 'notExists') return undefined;
  if (NUMERIC.has(op)) {
    const n = Number(text.trim().replace(/,/g, ''));
    return text.trim() !== '' && Number.isFinite(n) ? n : undefined;
  }
  // "is 30" also matches 30 stored as a number: the server compares the text form for equality.
  if (op !== 'contains' && (text === 'true' || text === 'false')) return text === 'true';
  return text === '' ? undefined : text;
}

/** "where total is more than 50": filters on an activity's properties. */
export function PropertyFilters({ value, onChange, errorOf, prefix, activity }: { value: PropertyFilter[] | undefined; onChange: (v: PropertyFilter[] | undefined) => void; errorOf: (part: string) => boolean; prefix: string; activity: string }) {
  const filters = value ?? [];
  const catalogue = useSegmentCatalogue();
  const known = catalogue.data?.activities.find((a) => a.type === activity)?.properties ?? [];
  const set = (i: number, f: PropertyFilter) => onChange(filters.map((x, j) => (j === i ? f : x)));
  const remove = (i: number) => {
    const next = filters.filter((_, j) => j !== i);
    onChange(next.length ? next : undefined);
  };
  return (
    <Stack gap={6}>
      {filters.map((f, i) => (
        // Re-mounted when filters come or go: the value inputs keep their own text while typed.
        <Group key={`${i}/${filters.length}`} gap={6} wrap="wrap" align="flex-start">
          <Words>{i === 0 ? 'where' : 'and'}</Words>
          <Autocomplete
            aria-label={`Filter ${i + 1}: property`}
            placeholder={known.length ? `property, e.g. ${known[0]}` : 'property, e.g. total'}
            data={known}
            value={f.property}
            onChange={(property) => set(i, { ...f, property })}
            error={errorOf(`${prefix}/${i}/property`)}
            w={180}
            autoComplete="off"
          />
          <Select
            aria-label={`Filter ${i + 1}: operator`}
            data={PROPERTY_OP_CHOICES}
            value={f.op}
            onChange={(op) => op && set(i, { ...f, op: op as PropertyFilter['op'], value: toValue(op, f.value === undefined ? '' : String(f.value)) })}
            allowDeselect={false}
            w={140}
          />
          {f.op !== 'exists' && f.op !== 'notExists' && (
            <TextInput
              aria-label={`Filter ${i + 1}: value`}
              placeholder={NUMERIC.has(f.op) ? 'a number' : 'value'}
              defaultValue={f.value === undefined ? '' : String(f.value)}
              onChange={(e) => set(i, { ...f, value: toValue(f.op, e.currentTarget.value) })}
              error={errorOf(`${prefix}/${i}/value`)}
              w={150}
              autoComplete="off"
            />
          )}
          <ActionIcon variant="subtle" color="gray" onClick={() => remove(i)} aria-label={`Remove filter ${i + 1}`} mt={4}>
            <IconX size={16} />
          </ActionIcon>
        </Group>
      ))}
      {filters.length < 10 && (
        <Group>
          <Button
            variant="subtle"
            size="compact-sm"
            leftSection={<IconFilterPlus size={14} />}
            onClick={() => onChange([...filters, { property: '', op: 'eq', value: undefined }])}
            disabled={!activity}
            title={activity ? `Only count “${activity}” activities whose properties match` : 'Choose an activity first'}
          >
            Add filter
          </Button>
        </Group>
      )}
    </Stack>
  );
}
