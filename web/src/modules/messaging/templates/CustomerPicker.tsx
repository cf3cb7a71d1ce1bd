import { Select } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconUser } from '@tabler/icons-react';
import { useMemo, useState, type ReactNode } from 'react';
import { useCustomerSearch } from '../../customers/api.ts';

/**
 * "Preview as": search customers by name or email. Empty means the server's choice (a real customer
 * with an order, or with a cart when the template uses one), shown as the placeholder.
 */
export function CustomerPicker(props: { value: string | null; onChange: (id: string | null) => void; current?: { id: string; name: string; email: string | null } | null; label?: string; w?: number | string }): ReactNode {
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search, 250);
  const found = useCustomerSearch(q);
  const [known, setKnown] = useState(new Map<string, string>());
  const data = useMemo(() => {
    const m = new Map(known);
    if (props.current) m.set(props.current.id, label(props.current));
    for (const c of found.data ?? []) m.set(c.id, label(c));
    return [...m].map(([value, l]) => ({ value, label: l }));
  }, [known, found.data, props.current]);
  return (
    <Select
      label={props.label}
      aria-label={props.label ? undefined : 'Preview as customer'}
      leftSection={<IconUser size={16} />}
      placeholder={props.current ? `${label(props.current)} (default)` : 'Search customers'}
      data={data}
      value={props.value}
      onChange={(v, opt) => {
        if (v && opt) setKnown((k) => new Map(k).set(v, opt.label));
        props.onChange(v);
      }}
      searchable
      searchValue={search}
      onSearchChange={setSearch}
      filter={({ options }) => options}
      nothingFoundMessage={q.trim() ? (found.isFetching ? 'Searching…' : 'No customer matches') : 'Type a name or an email'}
      clearable
      w={props.w}
      comboboxProps={{ withinPortal: true }}
    />
  );
}

const label = (c: { name: string; email: string | null }) => (c.email && c.email !== c.name ? `${c.name} · ${c.email}` : c.name);
