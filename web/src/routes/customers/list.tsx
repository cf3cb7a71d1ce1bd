import { ActionBar, Anchor, Button, Checkbox, Group, List, Skeleton, Stack, Table, Text, Tooltip } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconApi, IconDownload, IconFilterOff, IconKey, IconTag, IconTagOff, IconUsers } from '@tabler/icons-react';
import { getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { Empty } from '../../components/Empty.tsx';
import { PagedTable } from '../../components/PagedTable.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { RequirePermission } from '../../components/RequirePermission.tsx';
import { TimeAgo } from '../../components/TimeAgo.tsx';
import { useIsMobile } from '../../components/useIsMobile.ts';
import { absoluteTime, plural, relativeTime, shortDate } from '../../lib/format.ts';
import { countryName } from '../../lib/geo.ts';
import { formatInt, formatMoney } from '../../lib/money.ts';
import { BulkJobsProgress, BulkTagModal, countText } from '../../modules/customers/BulkTagModal.tsx';
import type { BulkTarget } from '../../modules/customers/BulkTagModal.tsx';
import { CustomerAvatar } from '../../modules/customers/CustomerAvatar.tsx';
import { CustomerFilters } from '../../modules/customers/CustomerFilters.tsx';
import { describeFilters } from '../../modules/customers/describe.ts';
import { exportUrl, useCustomerCount, useCustomers } from '../../modules/customers/api.ts';
import type { Customer } from '../../modules/customers/api.ts';
import { activeFilterCount, rememberListSearch, sameFilters, toApiFilters } from '../../modules/customers/filters.ts';
import type { ListSearch } from '../../modules/customers/filters.ts';
import { SavedViews } from '../../modules/customers/SavedViews.tsx';
import { TagBadges } from '../../modules/customers/TagBadges.tsx';
import { useCan } from '../../modules/session/context.tsx';
import { useStoreSettings } from '../../modules/store/api.ts';
import { CUSTOMER_SOURCES } from '../../modules/customers/sources.tsx';

const route = getRouteApi('/app/customers');

export function CustomersPage(): ReactNode {
  return (
    <RequirePermission permission="customers:read">
      <Customers />
    </RequirePermission>
  );
}

function Customers() {
  const search = route.useSearch();
  const navigate = useNavigate({ from: '/customers' });
  const store = useStoreSettings();
  const currency = store.data?.currency ?? 'USD';

  // The inputs edit a draft; the draft reaches the address bar (and the query) 300 ms after the last change.
  const [draft, setDraftState] = useState<ListSearch>(search);
  const [debounced] = useDebouncedValue(draft, 300);
  const pushed = useRef<ListSearch>(search);
  const push = (s: ListSearch) => {
    pushed.current = s;
    void navigate({ search: s, replace: true });
  };
  useEffect(() => {
    if (!sameFilters(debounced, pushed.current)) push(debounced);
  }, [debounced]);
  useEffect(() => rememberListSearch(search), [search]);
  useEffect(() => {
    // Back/forward, a saved view or "clear" changed the address: the inputs follow.
    if (!sameFilters(search, pushed.current) || search.view !== pushed.current.view) {
      pushed.current = search;
      setDraftState(search);
    }
  }, [search]);
  const setDraft = (patch: Partial<ListSearch>, opts: { immediate?: boolean } = {}) => {
    const next = { ...draft, ...patch };
    setDraftState(next);
    if (opts.immediate) push(next);
  };
  const apply = (s: ListSearch) => {
    setDraftState(s);
    push(s);
  };

  const filters = useMemo(() => toApiFilters(search, currency), [search, currency]);
  const list = useCustomers(filters, !store.isPending);
  // Its own request: the list never waits for the count.
  const total = useCustomerCount(filters, !store.isPending);
  const customers = useMemo(() => list.data?.pages.flatMap((p) => p.items) ?? [], [list.data]);
  const filtered = activeFilterCount(search) > 0 || Boolean(search.q?.trim());

  const can = useCan();
  const writable = can('customers:write');
  const [selected, setSelected] = useState<Map<string, Customer>>(new Map());
  const [bulkMode, setBulkMode] = useState<'add' | 'remove' | null>(null);
  // "Select all N matching": the bulk action then goes to everyone the filters match, not only the loaded rows.
  const [allMatching, setAllMatching] = useState(false);
  const filterKey = JSON.stringify(filters);
  useEffect(() => {
    setSelected(new Map());
    setAllMatching(false);
  }, [filterKey]);

  const toggle = (c: Customer) => {
    setAllMatching(false);
    setSelected((s) => {
      const next = new Map(s);
      if (next.has(c.id)) next.delete(c.id);
      else next.set(c.id, c);
      return next;
    });
  };
  const allSelected = customers.length > 0 && customers.every((c) => selected.has(c.id));
  const someSelected = selected.size > 0 && !allSelected;
  const toggleAll = () => {
    setAllMatching(false);
    setSelected(allSelected ? new Map() : new Map(customers.map((c) => [c.id, c])));
  };
  const matchCount = total.data && !total.isPlaceholderData ? total.data : undefined;
  const moreThanShown = matchCount !== undefined && (matchCount.approximate || matchCount.count > selected.size);
  const target: BulkTarget = allMatching && matchCount
    ? { kind: 'matching', filter: filters, count: matchCount.count, approximate: matchCount.approximate }
    : { kind: 'selected', customers: [...selected.values()] };
  const clearSelection = () => {
    setSelected(new Map());
    setAllMatching(false);
  };

  const mobile = useIsMobile();
  const open = (c: Customer) => void navigate({ to: '/customers/$id', params: { id: c.id } });

  return (
    <>
      <PageHeader
        title="Customers"
        description="Everyone who bought from your store or left their details, with their orders and activity in one profile."
        actions={
          <>
            <SavedViews search={search} currency={currency} onApply={(s, v) => apply({ ...s, view: v?.id })} />
            <Button component="a" href={exportUrl(filters)} download variant="default" leftSection={<IconDownload size={16} />}>
              Export CSV
            </Button>
          </>
        }
      />

      <CustomerFilters value={draft} onChange={setDraft} onClear={() => apply({ sort: search.sort })} currency={currency} />

      {writable && <BulkJobsProgress />}

      {!list.isError && (customers.length > 0 || list.isPending) && (
        <Group justify="space-between" mb="xs" gap="xs" mih={26}>
          {total.data ? (
            <Tooltip
              label="An estimate from the database statistics: counting every profile exactly would slow the list down."
              disabled={!total.data.approximate}
              withArrow
              multiline
              maw={280}
            >
              <Text fz="sm" fw={600} className="patron-tabular" style={{ opacity: total.isPlaceholderData ? 0.6 : 1 }} aria-live="polite">
                {countText(total.data.count, total.data.approximate)} {total.data.count === 1 && !total.data.approximate ? 'customer' : 'customers'}
                {filtered ? ' match' : ''}
              </Text>
            </Tooltip>
          ) : total.isError ? (
            <span />
          ) : (
            <Skeleton h={16} w={140} aria-label="Counting customers" />
          )}
        </Group>
      )}

      <PagedTable
        query={list}
        loading={store.isPending}
        count={customers.length}
        noun={['customer', 'customers']}
        minWidth={{ base: 0, sm: 820 }}
        empty={
          filtered ? (
            <Empty
              icon={<IconFilterOff size={24} />}
              title="No customers match"
              description={
                <Stack gap={6} align="center">
                  <span>Nobody matches all of these at once:</span>
                  <List fz="sm" c="dimmed" ta="left">
                    {describeFilters(search, currency)
                      .filter((d) => !d.startsWith('Sorted'))
                      .map((d) => (
                        <List.Item key={d}>{d}</List.Item>
                      ))}
                  </List>
                </Stack>
              }
              action={
                <Button variant="default" onClick={() => apply({ sort: search.sort })}>
                  Clear filters
                </Button>
              }
            />
          ) : (
            <NoCustomersYet />
          )
        }
      >
        <Table.Thead>
          <Table.Tr>
            {writable && (
              <Table.Th w={40}>
                <Checkbox
                  aria-label={allSelected ? 'Unselect all customers shown' : 'Select all customers shown'}
                  checked={allSelected}
                  indeterminate={someSelected}
                  onChange={toggleAll}
                />
              </Table.Th>
            )}
            <Table.Th>Customer</Table.Th>
            {!mobile && <Table.Th>Country</Table.Th>}
            {!mobile && <Table.Th ta="right">Orders</Table.Th>}
            {!mobile && <Table.Th ta="right">Total spent</Table.Th>}
            {!mobile && <Table.Th>Last order</Table.Th>}
            {!mobile && <Table.Th>Tags</Table.Th>}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody style={{ opacity: list.isPlaceholderData ? 0.6 : 1 }} aria-busy={list.isPlaceholderData}>
          {customers.map((c) => (
            <Table.Tr
              key={c.id}
              className={`patron-row-clickable${selected.has(c.id) ? ' patron-row-selected' : ''}`}
              onClick={() => open(c)}
            >
              {writable && (
                <Table.Td onClick={(e) => e.stopPropagation()}>
                  <Checkbox aria-label={`Select ${c.name}`} checked={selected.has(c.id)} onChange={() => toggle(c)} />
                </Table.Td>
              )}
              <Table.Td>
                <Group gap="sm" wrap="nowrap">
                  {!mobile && <CustomerAvatar id={c.id} name={c.name} size={34} />}
                  <Stack gap={0} style={{ minWidth: 0 }}>
                    <Anchor
                      renderRoot={(props) => <Link to="/customers/$id" params={{ id: c.id }} {...props} />}
                      onClick={(e) => e.stopPropagation()}
                      fz="sm"
                      fw={500}
                      className="patron-cell-link"
                      truncate
                      maw={mobile ? 260 : 320}
                    >
                      {c.name}
                    </Anchor>
                    {c.email && c.email !== c.name && (
                      <Text fz="xs" c="dimmed" truncate maw={mobile ? 260 : 320}>
                        {c.email}
                      </Text>
                    )}
                    {mobile && (
                      <>
                        <Text fz="xs" c="dimmed" className="patron-tabular">
                          {plural(c.orderCount, 'order')} · {formatMoney(c.totalSpent, c.currency)}
                          {c.lastOrderAt ? (
                            <>
                              {' · last '}
                              <TimeAgo date={c.lastOrderAt} fz="xs" c="dimmed" />
                            </>
                          ) : null}
                        </Text>
                        {c.tags.length > 0 && (
                          <div style={{ marginTop: 4 }}>
                            <TagBadges tags={c.tags} max={2} />
                          </div>
                        )}
                      </>
                    )}
                  </Stack>
                </Group>
              </Table.Td>
              {!mobile && (
                <Table.Td>
                  <Text fz="sm" c={c.country ? undefined : 'dimmed'} title={c.country ?? undefined} truncate maw={160}>
                    {countryName(c.country)}
                  </Text>
                </Table.Td>
              )}
              {!mobile && (
                <Table.Td className="patron-num" fz="sm">
                  {formatInt(c.orderCount)}
                </Table.Td>
              )}
              {!mobile && (
                <Table.Td className="patron-num" fz="sm">
                  {formatMoney(c.totalSpent, c.currency)}
                </Table.Td>
              )}
              {!mobile && (
                <Table.Td>
                  {c.lastOrderAt ? (
                    <Text fz="sm" title={`${absoluteTime(c.lastOrderAt)} (${relativeTime(c.lastOrderAt)})`} style={{ whiteSpace: 'nowrap' }}>
                      {shortDate(c.lastOrderAt)}
                    </Text>
                  ) : (
                    <Text fz="sm" c="dimmed">
                      Never
                    </Text>
                  )}
                </Table.Td>
              )}
              {!mobile && (
                <Table.Td maw={220}>
                  <TagBadges tags={c.tags} />
                </Table.Td>
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </PagedTable>

      {writable && (
        <ActionBar opened={selected.size > 0} onClose={clearSelection} aria-label="Bulk actions" closeOnEscape>
          <Text fz="sm" fw={500} px="xs" className="patron-tabular">
            {allMatching && matchCount
              ? `All ${countText(matchCount.count, matchCount.approximate)} matching customers`
              : plural(selected.size, 'selected customer', 'selected customers')}
          </Text>
          {allSelected && moreThanShown && matchCount && (
            <Button size="xs" variant="light" onClick={() => setAllMatching((v) => !v)}>
              {allMatching ? 'Only the selected' : `Select all ${countText(matchCount.count, matchCount.approximate)}`}
            </Button>
          )}
          <ActionBar.Divider />
          <Button size="xs" variant="subtle" leftSection={<IconTag size={14} />} onClick={() => setBulkMode('add')}>
            Add tag
          </Button>
          <Button size="xs" variant="subtle" color="red" leftSection={<IconTagOff size={14} />} onClick={() => setBulkMode('remove')}>
            Remove tag
          </Button>
          <ActionBar.Divider />
          <ActionBar.CloseButton aria-label="Clear the selection" />
        </ActionBar>
      )}

      <BulkTagModal
        mode={bulkMode}
        target={target}
        onClose={() => setBulkMode(null)}
        onDone={() => {
          setBulkMode(null);
          clearSelection();
        }}
      />
    </>
  );
}

/** A store with no customers yet: where they come from. */
function NoCustomersYet() {
  const can = useCan();
  const sources = CUSTOMER_SOURCES.filter((s) => can(s.permission));
  return (
    <Empty
      icon={<IconUsers size={24} />}
      title="No customers yet"
      description={
        <Stack gap="xs" align="center" maw={560} mx="auto">
          <span>
            Customer profiles are created as data reaches Patron: orders and customers from your store, sign-ups and purchases seen by the tracking
            snippet, or records sent with the REST API. Profiles that turn out to be the same person are merged automatically.
          </span>
        </Stack>
      }
      action={
        <Group gap="sm" justify="center">
          {sources.map((s) => (
            <Button key={s.to} variant="default" leftSection={<s.icon size={16} />} renderRoot={(props) => <Link to={s.to} {...props} />}>
              {s.label}
            </Button>
          ))}
          {can('apikeys:read') && (
            <Button variant="default" leftSection={<IconKey size={16} />} renderRoot={(props) => <Link to="/settings/api-keys" {...props} />}>
              Create an API key
            </Button>
          )}
          <Button component="a" href="/api/docs" target="_blank" rel="noreferrer" variant="default" leftSection={<IconApi size={16} />}>
            API reference
          </Button>
        </Group>
      }
    />
  );
}
