import { MultiSelect } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQueries } from '@tanstack/react-query';
import { useMemo, useRef, useState } from 'react';
import { api } from '../../lib/api.ts';
import { useProducts } from '../commerce/api.ts';
import type { ProductDetail } from '../commerce/api.ts';

/** Products by name or SKU (searched on the server); the condition keeps their ids. */
export function ProductPicker({ value, onChange, error }: { value: string[]; onChange: (ids: string[]) => void; error?: boolean }) {
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search, 250);
  const found = useProducts({ q: q.trim() || undefined });
  // Names of products already chosen (loaded once for a saved segment, then remembered from searches).
  const known = useRef(new Map<string, string>());
  const missing = value.filter((id) => !known.current.has(id));
  const loaded = useQueries({
    queries: missing.map((id) => ({ queryKey: ['products', 'detail', id], queryFn: () => api.get<ProductDetail>(`/api/products/${id}`), staleTime: 60_000 })),
  });
  for (const r of loaded) if (r.data) known.current.set(r.data.id, label(r.data));
  const results = useMemo(() => found.data?.pages.flatMap((p) => p.items) ?? [], [found.data]);
  for (const p of results) known.current.set(p.id, label(p));

  const data = [...new Map([...value.map((id) => [id, known.current.get(id) ?? 'Loading…'] as const), ...results.map((p) => [p.id, label(p)] as const)]).entries()].map(([v, l]) => ({ value: v, label: l }));
  return (
    <MultiSelect
      aria-label="Products"
      placeholder={value.length ? undefined : 'Search products by name or SKU'}
      data={data}
      value={value}
      onChange={onChange}
      searchable
      searchValue={search}
      onSearchChange={setSearch}
      filter={({ options }) => options}
      nothingFoundMessage={found.isFetching ? 'Searching…' : 'No product matches'}
      error={error}
      style={{ flex: '1 1 260px', minWidth: 240, maxWidth: 460 }}
      maxDropdownHeight={280}
      clearable
    />
  );
}

const label = (p: { title: string; sku: string | null }) => (p.sku ? `${p.title} (${p.sku})` : p.title);
