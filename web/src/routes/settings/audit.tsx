import { ActionIcon, Badge, Button, Code, Grid, Group, Paper, Select, SimpleGrid, Stack, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconChevronDown, IconChevronRight, IconClipboardList, IconFilterOff, IconSearch } from '@tabler/icons-react';
import { Fragment, useState } from 'react';
import type { ReactNode } from 'react';
import { TableCard } from '../../components/DataTable.tsx';
import { Empty, NoMatches } from '../../components/Empty.tsx';
import { ErrorState } from '../../components/ErrorState.tsx';
import { Detail } from '../../components/Detail.tsx';
import { JsonBlock } from '../../components/JsonBlock.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { RequirePermission } from '../../components/RequirePermission.tsx';
import { TableLoadingCard } from '../../components/TableSkeleton.tsx';
import { TimeAgo } from '../../components/TimeAgo.tsx';
import { useIsMobile } from '../../components/useIsMobile.ts';
import { absoluteTime } from '../../lib/format.ts';
import { useAuditActions, useAuditLog } from '../../modules/audit/api.ts';
import type { AuditEntry, AuditFilters } from '../../modules/audit/api.ts';

export function AuditPage(): ReactNode {
  return (
    <RequirePermission permission="audit:read">
      <AuditLog />
    </RequirePermission>
  );
}

/** "2025-03-01" (a local day) → the ISO instant it starts at; `plusDay` gives the start of the next day. */
function dayStart(value: string, plusDay = false): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return undefined;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + (plusDay ? 1 : 0));
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

function AuditLog() {
  const [action, setAction] = useState<string | null>(null);
  const [search, setSearch] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [q] = useDebouncedValue(search.trim(), 300);
  const [open, setOpen] = useState<Set<string>>(new Set());
  const mobile = useIsMobile();

  const rangeError = from && to && from > to ? '“From” must be on or before “To”' : undefined;
  const filters: AuditFilters = {
    action: action ?? undefined,
    q: q || undefined,
    from: rangeError ? undefined : dayStart(from),
    to: rangeError ? undefined : dayStart(to, true),
  };
  const filtered = Boolean(action || q || from || to);
  const log = useAuditLog(filters);
  const actions = useAuditActions();
  const entries = log.data?.pages.flatMap((p) => p.items) ?? [];

  const toggle = (id: string) =>
    setOpen((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const clear = () => {
    setAction(null);
    setSearch('');
    setFrom('');
    setTo('');
  };

  return (
    <>
      <PageHeader title="Audit log" description="Who did what, and when: every change made in Patron by a person, an API key or the system." />

      <Paper withBorder radius="md" p="md" mb="md">
        <Grid gap="sm">
          <Grid.Col span={{ base: 12, sm: 6, md: 3 }}>
          <Select
            label="Action"
            placeholder="All actions"
            data={actions.data ?? []}
            value={action}
            onChange={setAction}
            searchable
            clearable
            nothingFoundMessage="No such action"
            comboboxProps={{ withinPortal: true }}
          />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 6, md: 3 }}>
          <TextInput
            label="Search"
            placeholder="Summary, actor, entity…"
            leftSection={<IconSearch size={16} />}
            value={search}
            onChange={(e) => setSearch(e.currentTarget.value)}
          />
          </Grid.Col>
          <Grid.Col span={{ base: 6, md: 3 }}>
          <TextInput label="From" type="date" value={from} max={to || undefined} onChange={(e) => setFrom(e.currentTarget.value)} error={rangeError} />
          </Grid.Col>
          <Grid.Col span={{ base: 6, md: 3 }}>
          <TextInput label="To" type="date" value={to} min={from || undefined} onChange={(e) => setTo(e.currentTarget.value)} />
          </Grid.Col>
        </Grid>
        {filtered && (
          <Group justify="flex-end" mt="sm">
            <Button size="compact-sm" variant="subtle" color="gray" leftSection={<IconFilterOff size={14} />} onClick={clear}>
              Clear filters
            </Button>
          </Group>
        )}
      </Paper>

      {log.isPending ? (
        <TableLoadingCard rows={8} />
      ) : log.isError ? (
        <ErrorState error={log.error} onRetry={() => void log.refetch()} />
      ) : entries.length === 0 ? (
        <Paper withBorder radius="md">
          {filtered ? (
            <NoMatches title="No entries match these filters" description="Try another action, a wider date range or fewer search words." onClear={clear} />
          ) : (
            <Empty
              icon={<IconClipboardList size={24} />}
              title="Nothing recorded yet"
              description="Logins, team changes, API keys and other changes will be listed here as they happen."
            />
          )}
        </Paper>
      ) : (
        <TableCard
          minWidth={{ base: 0, sm: 760 }}
          footer={
            <Group justify="center" p="md" style={{ borderTop: '1px solid var(--mantine-color-default-border)' }}>
              {log.hasNextPage ? (
                <Button variant="default" onClick={() => void log.fetchNextPage()} loading={log.isFetchingNextPage}>
                  Load more
                </Button>
              ) : (
                <Text fz="sm" c="dimmed">
                  {entries.length === 1 ? 'That’s the only entry.' : `That’s all ${entries.length} entries.`}
                </Text>
              )}
            </Group>
          }
        >
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={36} />
              {!mobile && <Table.Th w={150}>Time</Table.Th>}
              {!mobile && (
                <Table.Th w={200}>
                  Actor
                </Table.Th>
              )}
              {!mobile && (
                <Table.Th w={200}>
                  Action
                </Table.Th>
              )}
              <Table.Th>Summary</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody style={{ opacity: log.isPlaceholderData ? 0.6 : 1 }}>
            {entries.map((e) => (
              <Row key={e.id} entry={e} open={open.has(e.id)} onToggle={() => toggle(e.id)} />
            ))}
          </Table.Tbody>
        </TableCard>
      )}
    </>
  );
}

function Row({ entry: e, open, onToggle }: { entry: AuditEntry; open: boolean; onToggle: () => void }) {
  const mobile = useIsMobile();
  return (
    <Fragment>
      <Table.Tr className="patron-row-clickable" onClick={onToggle} bg={open ? 'var(--mantine-color-default-hover)' : undefined}>
        <Table.Td>
          <ActionIcon
            variant="subtle"
            color="gray"
            size="sm"
            aria-label={open ? 'Hide details' : 'Show details'}
            aria-expanded={open}
            onClick={(ev) => {
              ev.stopPropagation();
              onToggle();
            }}
          >
            {open ? <IconChevronDown size={16} /> : <IconChevronRight size={16} />}
          </ActionIcon>
        </Table.Td>
        {!mobile && (
          <Table.Td>
            <TimeAgo date={e.at} />
          </Table.Td>
        )}
        {!mobile && (
          <Table.Td>
            <Group gap={6} wrap="nowrap">
              <Text fz="sm" truncate maw={170}>
                {e.actorLabel}
              </Text>
              {e.actorType !== 'user' && (
                <Badge size="xs" variant="light" color={e.actorType === 'api_key' ? 'violet' : 'gray'} style={{ flexShrink: 0 }}>
                  {e.actorType.replace('_', ' ')}
                </Badge>
              )}
            </Group>
          </Table.Td>
        )}
        {!mobile && (
          <Table.Td>
            <Code fz="xs">{e.action}</Code>
          </Table.Td>
        )}
        <Table.Td>
          <Text fz="sm">{e.summary}</Text>
          {mobile && (
            <Text fz="xs" c="dimmed">
              <TimeAgo date={e.at} fz="xs" /> · {e.actorLabel} · {e.action}
            </Text>
          )}
        </Table.Td>
      </Table.Tr>
      {open && (
        <Table.Tr>
          <Table.Td colSpan={5} bg="var(--patron-surface)" px="lg" py="md">
            <Stack gap="md">
              <SimpleGrid cols={{ base: 2, md: 4 }} spacing="sm">
                <Detail label="When" value={absoluteTime(e.at)} />
                <Detail label="Entity" value={`${e.entityType}${e.entityId ? ` ${e.entityId}` : ''}`} mono />
                <Detail label="IP address" value={e.ip} mono />
                <Detail label="Request ID" value={e.requestId} mono />
              </SimpleGrid>
              <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
                <JsonBlock label="Before" value={e.before} />
                <JsonBlock label="After" value={e.after} />
              </SimpleGrid>
            </Stack>
          </Table.Td>
        </Table.Tr>
      )}
    </Fragment>
  );
}
