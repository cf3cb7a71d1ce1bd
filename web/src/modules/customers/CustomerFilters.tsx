import { Badge, Button, Collapse, Grid, Group, MultiSelect, NumberInput, Paper, Select, Text, TextInput } from '@mantine/core';
import { IconAdjustmentsHorizontal, IconFilterOff, IconSearch } from '@tabler/icons-react';
import { useState } from 'react';
import { useIsMobile } from '../../components/useIsMobile.ts';
import { countryOptions } from '../../lib/geo.ts';
import { currencySymbol } from '../../lib/money.ts';
import { useTags } from './api.ts';
import { activeFilterCount, EMAIL_CONSENT_OPTIONS, filterProblems, SORTS } from './filters.ts';
import type { CustomerSort, EmailConsentFilter, ListSearch } from './filters.ts';

/** Search, filters and sort of the customer list. `value` is the draft the page debounces into the address bar. */
export function CustomerFilters({ value, onChange, onClear, currency }: {
  value: ListSearch;
  onChange: (patch: Partial<ListSearch>, opts?: { immediate?: boolean }) => void;
  onClear: () => void;
  currency: string;
}) {
  const tags = useTags();
  const more = value.minOrders !== undefined || value.maxOrders !== undefined || Boolean(value.minSpent || value.maxSpent || value.from || value.to || value.emailConsent);
  const mobile = useIsMobile();
  const [open, setOpen] = useState(more);
  const problems = filterProblems(value, currency);
  const count = activeFilterCount(value);
  const moreCount = [value.minOrders !== undefined || value.maxOrders !== undefined, value.minSpent || value.maxSpent, value.from || value.to, value.emailConsent].filter(Boolean).length;
  const filtered = count > 0 || Boolean(value.q?.trim());
  const symbol = currencySymbol(currency);

  const tagData = (tags.data ?? []).map((t) => ({ value: t.tag, label: t.tag }));
  // Tags in the address bar that nobody carries any more stay selectable (and removable).
  for (const t of value.tags ?? []) if (!tagData.some((d) => d.value === t)) tagData.push({ value: t, label: t });
  const counts = new Map((tags.data ?? []).map((t) => [t.tag, t.count]));
  const int = (v: string | number) => (v === '' || v === undefined ? undefined : Math.max(0, Math.trunc(Number(v))));

  // Tags, country and sort: in the first row on wide screens, folded with the other filters on phones.
  const primary = (
    <>
      <Grid.Col span={{ base: 12, sm: 6, md: 3 }}>
        <MultiSelect
          label="Tags"
          placeholder={value.tags?.length ? undefined : 'Any tag'}
          data={tagData}
          value={value.tags ?? []}
          onChange={(v) => onChange({ tags: v.length ? v : undefined }, { immediate: true })}
          searchable
          clearable
          nothingFoundMessage={tags.data?.length ? 'No such tag' : 'No customer has a tag yet'}
          renderOption={({ option }) => (
            <Group justify="space-between" w="100%" wrap="nowrap" gap="xs">
              <Text fz="sm" truncate>
                {option.label}
              </Text>
              <Text fz="xs" c="dimmed" className="patron-tabular">
                {counts.get(option.value)?.toLocaleString() ?? ''}
              </Text>
            </Group>
          )}
          comboboxProps={{ withinPortal: true }}
        />
      </Grid.Col>
      <Grid.Col span={{ base: 12, sm: 6, md: 2 }}>
        <Select
          label="Country"
          placeholder="Any country"
          data={countryOptions()}
          value={value.country ?? null}
          onChange={(v) => onChange({ country: v ?? undefined }, { immediate: true })}
          searchable
          clearable
          nothingFoundMessage="No such country"
          comboboxProps={{ withinPortal: true }}
        />
      </Grid.Col>
      <Grid.Col span={{ base: 12, sm: 6, md: 2 }}>
        <Select
          label="Sort by"
          data={SORTS.map((s) => ({ value: s.value, label: s.label }))}
          value={value.sort ?? 'created_desc'}
          allowDeselect={false}
          onChange={(v) => onChange({ sort: v && v !== 'created_desc' ? (v as CustomerSort) : undefined }, { immediate: true })}
          comboboxProps={{ withinPortal: true }}
        />
      </Grid.Col>
    </>
  );

  return (
    <Paper withBorder radius="md" p="md" mb="md">
      <Grid gap="sm" align="flex-end">
        <Grid.Col span={{ base: mobile ? 8 : 12, md: 3 }}>
          <TextInput
            label="Search"
            placeholder="Name, email, phone, id"
            leftSection={<IconSearch size={16} />}
            value={value.q ?? ''}
            onChange={(e) => onChange({ q: e.currentTarget.value })}
            type="search"
          />
        </Grid.Col>
        {!mobile && primary}
        <Grid.Col span={{ base: mobile ? 4 : 12, sm: 6, md: 2 }}>
          <Button
            variant={open ? 'light' : 'default'}
            fullWidth
            onClick={() => setOpen((o) => !o)}
            aria-expanded={open}
            aria-controls="customer-more-filters"
            leftSection={mobile ? undefined : <IconAdjustmentsHorizontal size={16} />}
            px="sm"
            rightSection={(mobile ? count : moreCount) > 0 ? <Badge size="xs" circle>{mobile ? count : moreCount}</Badge> : undefined}
          >
            {mobile ? 'Filters' : 'More filters'}
          </Button>
        </Grid.Col>
      </Grid>

      <Collapse expanded={open} id="customer-more-filters">
        {mobile && (
          <Grid gap="sm" mt="sm">
            {primary}
          </Grid>
        )}
        <Grid gap="sm" mt="sm">
          <Grid.Col span={{ base: 6, md: 2 }}>
            <NumberInput
              label="Orders from"
              placeholder="0"
              min={0}
              allowDecimal={false}
              allowNegative={false}
              value={value.minOrders ?? ''}
              onChange={(v) => onChange({ minOrders: int(v) })}
              error={problems.orders}
            />
          </Grid.Col>
          <Grid.Col span={{ base: 6, md: 2 }}>
            <NumberInput
              label="Orders to"
              placeholder="Any"
              min={0}
              allowDecimal={false}
              allowNegative={false}
              value={value.maxOrders ?? ''}
              onChange={(v) => onChange({ maxOrders: int(v) })}
              error={problems.orders ? ' ' : undefined}
            />
          </Grid.Col>
          <Grid.Col span={{ base: 6, md: 2 }}>
            <TextInput
              label={`Spent from (${currency})`}
              placeholder="0"
              inputMode="decimal"
              leftSection={<Text fz="sm" c="dimmed">{symbol}</Text>}
              value={value.minSpent ?? ''}
              onChange={(e) => onChange({ minSpent: e.currentTarget.value.trim() || undefined })}
              error={problems.spent}
            />
          </Grid.Col>
          <Grid.Col span={{ base: 6, md: 2 }}>
            <TextInput
              label={`Spent to (${currency})`}
              placeholder="Any"
              inputMode="decimal"
              leftSection={<Text fz="sm" c="dimmed">{symbol}</Text>}
              value={value.maxSpent ?? ''}
              onChange={(e) => onChange({ maxSpent: e.currentTarget.value.trim() || undefined })}
              error={problems.spent ? ' ' : undefined}
            />
          </Grid.Col>
          <Grid.Col span={{ base: 6, md: 2 }}>
            <TextInput
              label="Last order from"
              type="date"
              value={value.from ?? ''}
              max={value.to || undefined}
              onChange={(e) => onChange({ from: e.currentTarget.value || undefined }, { immediate: true })}
              error={problems.dates}
            />
          </Grid.Col>
          <Grid.Col span={{ base: 6, md: 2 }}>
            <TextInput
              label="Last order to"
              type="date"
              value={value.to ?? ''}
              min={value.from || undefined}
              onChange={(e) => onChange({ to: e.currentTarget.value || undefined }, { immediate: true })}
            />
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 2 }}>
            <Select
              label="Email marketing"
              placeholder="Anyone"
              data={EMAIL_CONSENT_OPTIONS.map((o) => ({ value: o.value, label: o.label }))}
              value={value.emailConsent ?? null}
              onChange={(v) => onChange({ emailConsent: (v as EmailConsentFilter | null) ?? undefined }, { immediate: true })}
              clearable
              comboboxProps={{ withinPortal: true }}
            />
          </Grid.Col>
        </Grid>
      </Collapse>

      {filtered && (
        <Group justify="space-between" mt="sm" gap="xs">
          <Group gap={6}>
            {count > 0 && (
              <Badge variant="light" size="sm">
                {count === 1 ? '1 filter' : `${count} filters`}
              </Badge>
            )}
          </Group>
          <Button size="compact-sm" variant="subtle" color="gray" leftSection={<IconFilterOff size={14} />} onClick={onClear}>
            Clear filters
          </Button>
        </Group>
      )}
    </Paper>
  );
}
