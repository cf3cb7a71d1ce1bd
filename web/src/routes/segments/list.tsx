import '@mantine/charts/styles.css';
import { Sparkline } from '@mantine/charts';
import { Anchor, Badge, Button, Group, Menu, Paper, Stack, Table, Text, Tooltip } from '@mantine/core';
import { IconCopy, IconExternalLink, IconPencil, IconPlus, IconTrash, IconUsersGroup } from '@tabler/icons-react';
import { Link, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import type { ReactNode } from 'react';
import { ConfirmModal } from '../../components/ConfirmModal.tsx';
import { TableCard } from '../../components/DataTable.tsx';
import { Empty } from '../../components/Empty.tsx';
import { ErrorState } from '../../components/ErrorState.tsx';
import { RowMenu } from '../../components/RowMenu.tsx';
import { notifyError, notifySuccess } from '../../components/notify.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { RequirePermission } from '../../components/RequirePermission.tsx';
import { TableLoadingCard } from '../../components/TableSkeleton.tsx';
import { TimeAgo } from '../../components/TimeAgo.tsx';
import { useIsMobile } from '../../components/useIsMobile.ts';
import { formatInt } from '../../lib/money.ts';
import { useDeleteSegment, useDuplicateSegment, useSegments, type Segment } from '../../modules/segments/api.ts';
import { brokenText, StatusBadge } from '../../modules/segments/StatusBadge.tsx';
import { useCan } from '../../modules/session/context.tsx';

export function SegmentsPage(): ReactNode {
  return (
    <RequirePermission permission="segments:read">
      <Segments />
    </RequirePermission>
  );
}

function Segments() {
  const list = useSegments();
  const can = useCan();
  const writable = can('segments:write');
  const mobile = useIsMobile();
  const navigate = useNavigate();
  const [deleting, setDeleting] = useState<Segment | null>(null);
  const remove = useDeleteSegment();
  const duplicate = useDuplicateSegment();
  const open = (s: Segment) => void navigate({ to: '/segments/$id', params: { id: s.id } });
  const segments = list.data ?? [];

  const newButton = writable && (
    <Button leftSection={<IconPlus size={16} />} renderRoot={(p) => <Link to="/segments/new" {...p} />}>
      New segment
    </Button>
  );

  return (
    <>
      <PageHeader
        title="Segments"
        description="Groups of customers defined by a rule: who they are, what they bought, what they did. Members move in and out by themselves as things change."
        actions={newButton}
      />
      {list.isPending ? (
        <TableLoadingCard rows={7} />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : segments.length === 0 ? (
        <Paper withBorder radius="md">
          <Empty
            icon={<IconUsersGroup size={24} />}
            title="No segments yet"
            description={
              <Stack gap="xs" maw={560} mx="auto">
                <span>
                  A segment is a rule such as “spent over £500 in the last year” or “started a checkout but did not order”. Patron keeps its list of
                  members up to date as orders, visits and profile changes arrive, so emails and flows always reach the right people.
                </span>
              </Stack>
            }
            action={newButton || undefined}
          />
        </Paper>
      ) : (
        <TableCard minWidth={{ base: 0, sm: 860 }}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Segment</Table.Th>
              {!mobile && <Table.Th ta="right">Members</Table.Th>}
              {!mobile && <Table.Th w={130}>Trend</Table.Th>}
              {!mobile && <Table.Th>Computed</Table.Th>}
              {!mobile && <Table.Th>Status</Table.Th>}
              <Table.Th w={48} />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {segments.map((s) => (
              <Table.Tr key={s.id} className="patron-row-clickable" onClick={() => open(s)}>
                <Table.Td maw={480} style={mobile ? { maxWidth: 0, width: '100%' } : undefined}>
                  <Stack gap={2} style={{ minWidth: 0 }}>
                    <Group gap={8} wrap="nowrap">
                      <Anchor
                        renderRoot={(p) => <Link to="/segments/$id" params={{ id: s.id }} {...p} />}
                        onClick={(e) => e.stopPropagation()}
                        fz="sm"
                        fw={600}
                        className="patron-cell-link"
                        truncate
                      >
                        {s.name}
                      </Anchor>
                      {s.builtIn && (
                        <Tooltip label="Comes with Patron; edit or delete it like any other" withArrow>
                          <Badge size="xs" variant="light" color="gray" style={{ flexShrink: 0 }}>
                            Built-in
                          </Badge>
                        </Tooltip>
                      )}
                    </Group>
                    {s.status === 'broken' ? (
                      <Text fz="xs" c="red.7" lineClamp={mobile ? 2 : 1} title={brokenText(s.brokenReason)}>
                        {brokenText(s.brokenReason)}
                      </Text>
                    ) : (
                      <Text fz="xs" c="dimmed" lineClamp={mobile ? 2 : 1} title={s.summary}>
                        {s.summary}
                      </Text>
                    )}
                    {mobile && (
                      <Group gap={8} mt={2}>
                        <StatusBadge segment={s} />
                        <Text fz="xs" c="dimmed" className="patron-tabular">
                          {s.status === 'computing' ? 'counting…' : `${formatInt(s.size)} ${s.size === 1 ? 'member' : 'members'}`}
                        </Text>
                      </Group>
                    )}
                  </Stack>
                </Table.Td>
                {!mobile && (
                  <Table.Td className="patron-num" fz="sm" fw={500}>
                    {s.status === 'computing' ? <Text span fz="sm" c="dimmed">…</Text> : formatInt(s.size)}
                  </Table.Td>
                )}
                {!mobile && (
                  <Table.Td>
                    <Trend values={s.trend} />
                  </Table.Td>
                )}
                {!mobile && (
                  <Table.Td>
                    <TimeAgo date={s.lastComputedAt} fallback="Not yet" />
                  </Table.Td>
                )}
                {!mobile && (
                  <Table.Td>
                    <StatusBadge segment={s} />
                  </Table.Td>
                )}
                <Table.Td onClick={(e) => e.stopPropagation()}>
                  <RowMenu label={`Actions for ${s.name}`}>
                    <Menu.Item leftSection={<IconExternalLink size={14} />} onClick={() => open(s)}>
                      Open
                    </Menu.Item>
                    {writable && (
                      <>
                        <Menu.Item leftSection={<IconPencil size={14} />} onClick={() => void navigate({ to: '/segments/$id/edit', params: { id: s.id } })}>
                          Edit
                        </Menu.Item>
                        <Menu.Item
                          leftSection={<IconCopy size={14} />}
                          onClick={() =>
                            duplicate.mutate(s.id, {
                              onSuccess: (copy) => notifySuccess(`Created “${copy.name}”.`),
                              onError: (e) => notifyError(e, 'Could not duplicate'),
                            })
                          }
                        >
                          Duplicate
                        </Menu.Item>
                        <Menu.Divider />
                        <Menu.Item color="red" leftSection={<IconTrash size={14} />} onClick={() => setDeleting(s)}>
                          Delete…
                        </Menu.Item>
                      </>
                    )}
                  </RowMenu>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </TableCard>
      )}
      <ConfirmModal
        opened={deleting !== null}
        title={`Delete “${deleting?.name ?? ''}”?`}
        confirmLabel="Delete segment"
        loading={remove.isPending}
        onClose={() => setDeleting(null)}
        onConfirm={() =>
          deleting &&
          remove.mutate(deleting.id, {
            onSuccess: () => {
              notifySuccess(`Deleted “${deleting.name}”.`);
              setDeleting(null);
            },
            onError: (e) => notifyError(e, 'Could not delete'),
          })
        }
      >
        Its {formatInt(deleting?.size ?? 0)} members stay customers; only the grouping goes. Segments that use this one will show as broken until they are edited.
      </ConfirmModal>
    </>
  );
}

/** Size over the last days; a flat line when there is only one day so far. */
function Trend({ values }: { values: number[] }) {
  if (values.length < 2) {
    return (
      <Text fz="xs" c="dimmed">
        {values.length ? 'Building up' : '—'}
      </Text>
    );
  }
  const first = values[0]!;
  const last = values.at(-1)!;
  // The shape matters, not the distance from zero: drawn from the lowest day up (a flat line when nothing changed).
  const min = Math.min(...values);
  const span = Math.max(...values) - min;
  const shape = span === 0 ? values.map(() => 1) : values.map((v) => (v - min) / span + 0.15);
  return (
    <Tooltip label={`${formatInt(first)} → ${formatInt(last)} over ${values.length} days`} withArrow>
      <Sparkline w={110} h={28} data={shape} curveType="monotone" trendColors={{ positive: 'teal.6', negative: 'red.6', neutral: 'gray.5' }} fillOpacity={0.2} strokeWidth={1.5} />
    </Tooltip>
  );
}
