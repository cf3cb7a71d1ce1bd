import { Anchor, Badge, CloseButton, Group, Paper, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconPackageOff, IconSearch } from '@tabler/icons-react';
import { getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import { useEffect, useState } from 'react';
import type { ReactNode } from 'react';
import { Empty, NoMatches } from '../../components/Empty.tsx';
import { PagedTable } from '../../components/PagedTable.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { RequirePermission } from '../../components/RequirePermission.tsx';
import { useIsMobile } from '../../components/useIsMobile.ts';
import { formatMoney } from '../../lib/money.ts';
import { useProducts } from '../../modules/commerce/api.ts';
import { StatusBadge } from '../../modules/commerce/badges.tsx';
import { ProductThumb } from '../../modules/commerce/ProductThumb.tsx';
import { useStoreSettings } from '../../modules/store/api.ts';

const route = getRouteApi('/app/products');

export function ProductsPage(): ReactNode {
  return (
    <RequirePermission permission="commerce:read">
      <Products />
    </RequirePermission>
  );
}

function Products() {
  const search = route.useSearch();
  const navigate = useNavigate({ from: '/products' });
  const store = useStoreSettings();
  const [text, setText] = useState(search.q ?? '');
  const [q] = useDebouncedValue(text.trim(), 300);
  const mobile = useIsMobile();

  useEffect(() => {
    if ((search.q ?? '') !== q) void navigate({ search: (s) => ({ ...s, q: q || undefined }), replace: true });
  }, [q]);
  useEffect(() => {
    if ((search.q ?? '') !== text.trim()) setText(search.q ?? '');
  }, [search.q]);

  const list = useProducts({ q: search.q, category: search.category });
  const products = list.data?.pages.flatMap((p) => p.items) ?? [];
  const filtered = Boolean(search.q || search.category);
  const clear = () => {
    setText('');
    void navigate({ search: {}, replace: true });
  };

  return (
    <>
      <PageHeader title="Products" description="Your catalogue as your store sends it, with what each product sold." />

      <Paper withBorder radius="md" p="md" mb="md">
        <Group gap="sm" align="flex-end" wrap="wrap">
          <TextInput
            label="Search"
            placeholder="Title or exact SKU"
            leftSection={<IconSearch size={16} />}
            value={text}
            onChange={(e) => setText(e.currentTarget.value)}
            type="search"
            style={{ flex: '1 1 280px' }}
          />
          {search.category && (
            <Group gap={4} wrap="nowrap" px="sm" py={4} style={{ border: '1px solid var(--mantine-color-default-border)', borderRadius: 'var(--mantine-radius-xl)' }}>
              <Text fz="sm">
                Category: <strong>{search.category}</strong>
              </Text>
              <CloseButton size="sm" aria-label="Remove the category filter" onClick={() => void navigate({ search: (s) => ({ ...s, category: undefined }), replace: true })} />
            </Group>
          )}
        </Group>
      </Paper>

      <PagedTable
        query={list}
        count={products.length}
        noun={['product', 'products']}
        minWidth={{ base: 0, sm: 760 }}
        empty={
          filtered ? (
            <NoMatches title="No products match" description="Search looks for words in the title, or an exact SKU or external id." onClear={clear} clearLabel="Clear search" />
          ) : (
            <Empty
              icon={<IconPackageOff size={24} />}
              title="No products yet"
              description="Products arrive with your store connection or an import, and are created from order lines when an order names a product the catalogue does not have yet."
            />
          )
        }
      >
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Product</Table.Th>
            {!mobile && <Table.Th>SKU</Table.Th>}
            {!mobile && <Table.Th>Categories</Table.Th>}
            {!mobile && <Table.Th>Status</Table.Th>}
            <Table.Th ta="right">Price</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody style={{ opacity: list.isPlaceholderData ? 0.6 : 1 }}>
          {products.map((p) => (
            <Table.Tr key={p.id} className="patron-row-clickable" onClick={() => void navigate({ to: '/products/$id', params: { id: p.id } })}>
              <Table.Td>
                <Group gap="sm" wrap="nowrap">
                  <ProductThumb url={p.imageUrl} title={p.title} size={mobile ? 32 : 40} />
                  <div style={{ minWidth: 0 }}>
                    <Anchor
                      renderRoot={(props) => <Link to="/products/$id" params={{ id: p.id }} {...props} />}
                      onClick={(e) => e.stopPropagation()}
                      fz="sm"
                      fw={500}
                      className="patron-cell-link"
                      lineClamp={2}
                    >
                      {p.title}
                    </Anchor>
                    {(mobile || p.vendor) && (
                      <Text fz="xs" c="dimmed" truncate maw={320}>
                        {[mobile ? p.sku : null, p.vendor].filter(Boolean).join(' · ')}
                      </Text>
                    )}
                  </div>
                </Group>
              </Table.Td>
              {!mobile && (
                <Table.Td>
                  <Text fz="xs" ff="monospace" c={p.sku ? undefined : 'dimmed'}>
                    {p.sku ?? '—'}
                  </Text>
                </Table.Td>
              )}
              {!mobile && (
                <Table.Td maw={240}>
                  {p.categories.length ? (
                    <Group gap={4}>
                      {p.categories.slice(0, 3).map((c) => (
                        <Badge
                          key={c}
                          size="sm"
                          variant="light"
                          color="gray"
                          renderRoot={(props) => <Link to="/products" search={{ category: c }} {...props} />}
                          onClick={(e) => e.stopPropagation()}
                          style={{ cursor: 'pointer' }}
                        >
                          {c}
                        </Badge>
                      ))}
                      {p.categories.length > 3 && (
                        <Text fz="xs" c="dimmed">
                          +{p.categories.length - 3}
                        </Text>
                      )}
                    </Group>
                  ) : (
                    <Text fz="sm" c="dimmed">
                      —
                    </Text>
                  )}
                </Table.Td>
              )}
              {!mobile && (
                <Table.Td>
                  <StatusBadge status={p.status} variant="dot" />
                </Table.Td>
              )}
              <Table.Td className="patron-num" fz="sm">
                {p.price === null ? '—' : formatMoney(p.price, p.currency ?? store.data?.currency)}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </PagedTable>
    </>
  );
}
