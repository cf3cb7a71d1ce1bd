import { ActionIcon, Anchor, Badge, Button, Group, Paper, Stack, Table, Text, Title, Tooltip } from '@mantine/core';
import { IconArrowLeft, IconFileImport, IconTestPipe, IconTrash } from '@tabler/icons-react';
import { getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import type { ReactNode } from 'react';
import { ConfirmModal } from '../../components/ConfirmModal.tsx';
import { TableCard } from '../../components/DataTable.tsx';
import { Empty } from '../../components/Empty.tsx';
import { ErrorState } from '../../components/ErrorState.tsx';
import { ListFooter } from '../../components/ListFooter.tsx';
import { notifyError, notifySuccess } from '../../components/notify.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { PageSkeleton } from '../../components/PageSkeleton.tsx';
import { RequirePermission } from '../../components/RequirePermission.tsx';
import { TableSkeleton } from '../../components/TableSkeleton.tsx';
import { TimeAgo } from '../../components/TimeAgo.tsx';
import { useIsMobile } from '../../components/useIsMobile.ts';
import { formatInt } from '../../lib/money.ts';
import { useDeleteImport, useImport, useImports, useStartImport } from '../../modules/integrations/api.ts';
import type { Import, ImportDetail } from '../../modules/integrations/api.ts';
import { KIND_LABELS, PRESETS } from '../../modules/integrations/import/fields.ts';
import { ImportProgress, ImportResult } from '../../modules/integrations/import/ImportRun.tsx';
import { MappingStep } from '../../modules/integrations/import/MappingStep.tsx';
import { formatBytes, UploadCard } from '../../modules/integrations/import/UploadCard.tsx';
import { useCan } from '../../modules/session/context.tsx';

const route = getRouteApi('/app/settings/import');

const STATUS_COLORS: Record<Import['status'], string> = { uploading: 'blue', uploaded: 'gray', queued: 'blue', running: 'blue', completed: 'teal', failed: 'red' };
const STATUS_LABELS: Record<Import['status'], string> = { uploading: 'Uploading', uploaded: 'Ready to map', queued: 'Queued', running: 'Running', completed: 'Done', failed: 'Failed' };

export function ImportPage(): ReactNode {
  return (
    <RequirePermission permission="integrations:read">
      <Imports />
    </RequirePermission>
  );
}

function Imports() {
  const { id } = route.useSearch();
  const navigate = useNavigate({ from: '/settings/import' });
  const can = useCan();
  const writable = can('integrations:write');
  const open = (i: Import) => void navigate({ search: { id: i.id } });

  if (id) return <ImportView id={id} writable={writable} onBack={() => void navigate({ search: {} })} />;
  return (
    <>
      <PageHeader
        title="Import"
        description="Bring your store’s history into Patron from CSV exports: orders with their lines, customers, products. Importing the same file again never duplicates anything."
      />
      <Stack gap="xl">
        {writable && <UploadCard onUploaded={open} />}
        <History onOpen={open} writable={writable} />
      </Stack>
    </>
  );
}

function History({ onOpen, writable }: { onOpen: (i: Import) => void; writable: boolean }) {
  const list = useImports();
  const remove = useDeleteImport();
  const [removing, setRemoving] = useState<Import | null>(null);
  const mobile = useIsMobile();
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack gap="sm">
      <Title order={2} fz="lg" fw={600}>
        Recent imports
      </Title>
      {list.isPending ? (
        <Paper withBorder radius="md">
          <TableSkeleton rows={3} />
        </Paper>
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : items.length === 0 ? (
        <Paper withBorder radius="md">
          <Empty icon={<IconFileImport size={24} />} title="No imports yet" description="Files you upload here, and imports run with the command line (patron import), are listed with what they did." />
        </Paper>
      ) : (
        <TableCard
          minWidth={{ base: 0, sm: 760 }}
          footer={<ListFooter count={items.length} noun={['import', 'imports']} hasMore={list.hasNextPage} loading={list.isFetchingNextPage} onMore={() => void list.fetchNextPage()} />}
        >
          <Table.Thead>
            <Table.Tr>
              <Table.Th>File</Table.Th>
              {!mobile && <Table.Th>As</Table.Th>}
              <Table.Th>Status</Table.Th>
              {!mobile && <Table.Th ta="right">Rows</Table.Th>}
              {!mobile && <Table.Th ta="right">Issues</Table.Th>}
              {!mobile && <Table.Th>Started</Table.Th>}
              {writable && <Table.Th w={48} aria-label="Actions" />}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((i) => (
              <Table.Tr key={i.id} className="patron-row-clickable" onClick={() => onOpen(i)}>
                <Table.Td>
                  <Anchor
                    renderRoot={(props) => <Link to="/settings/import" search={{ id: i.id }} {...props} />}
                    onClick={(e) => e.stopPropagation()}
                    fz="sm"
                    fw={500}
                    className="patron-cell-link"
                    style={{ overflowWrap: 'anywhere' }}
                  >
                    {i.fileName}
                  </Anchor>
                  <Text fz="xs" c="dimmed">
                    {formatBytes(i.size)} · {i.origin === 'cli' ? 'command line' : 'upload'} · {i.createdBy}
                  </Text>
                </Table.Td>
                {!mobile && (
                  <Table.Td>
                    <Text fz="sm">{i.kind ? KIND_LABELS[i.kind] : '—'}</Text>
                    {i.preset && (
                      <Text fz="xs" c="dimmed">
                        {PRESETS.find((p) => p.value === i.preset)?.label ?? i.preset}
                      </Text>
                    )}
                  </Table.Td>
                )}
                <Table.Td>
                  <Group gap={4} wrap="wrap">
                    <Badge size="sm" variant="light" color={STATUS_COLORS[i.status]}>
                      {STATUS_LABELS[i.status]}
                    </Badge>
                    {i.dryRun && i.status !== 'uploaded' && (
                      <Badge size="sm" variant="outline" color="grape">
                        Dry run
                      </Badge>
                    )}
                  </Group>
                </Table.Td>
                {!mobile && (
                  <Table.Td className="patron-num" fz="sm">
                    {i.progress ? formatInt(i.progress.rowsRead) : '—'}
                  </Table.Td>
                )}
                {!mobile && (
                  <Table.Td className="patron-num" fz="sm" c={i.issueCount ? 'orange' : undefined}>
                    {formatInt(i.issueCount)}
                  </Table.Td>
                )}
                {!mobile && (
                  <Table.Td>
                    <TimeAgo date={i.startedAt ?? i.createdAt} />
                  </Table.Td>
                )}
                {writable && (
                  <Table.Td onClick={(e) => e.stopPropagation()}>
                    {i.status !== 'queued' && i.status !== 'running' && (
                      <Tooltip label="Delete the record and stored file" withArrow>
                        <ActionIcon variant="subtle" color="gray" aria-label={`Delete the import of ${i.fileName}`} onClick={() => setRemoving(i)}>
                          <IconTrash size={16} />
                        </ActionIcon>
                      </Tooltip>
                    )}
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </TableCard>
      )}
      <ConfirmModal
        opened={removing !== null}
        onClose={() => setRemoving(null)}
        title="Delete this import?"
        confirmLabel="Delete import"
        loading={remove.isPending}
        onConfirm={() =>
          removing &&
          remove.mutate(removing.id, {
            onSuccess: () => {
              setRemoving(null);
              notifySuccess('The record and the stored file are gone; the imported data stays.', 'Import deleted');
            },
            onError: (err) => {
              setRemoving(null);
              notifyError(err, 'Could not delete the import');
            },
          })
        }
      >
        {`The record of ${removing?.fileName ?? ''} and its stored file are deleted. Customers, orders and products it imported stay.`}
      </ConfirmModal>
    </Stack>
  );
}

function ImportView({ id, writable, onBack }: { id: string; writable: boolean; onBack: () => void }) {
  const imp = useImport(id);
  const start = useStartImport(id);
  const back = (
    <Anchor component="button" type="button" onClick={onBack} fz="sm" c="dimmed" mb="xs" display="inline-block">
      <Group gap={4} wrap="nowrap">
        <IconArrowLeft size={14} aria-hidden />
        Imports
      </Group>
    </Anchor>
  );
  if (imp.isPending) {
    return (
      <>
        {back}
        <PageSkeleton />
      </>
    );
  }
  if (imp.isError) {
    return (
      <>
        {back}
        <ErrorState error={imp.error} onRetry={() => void imp.refetch()} />
      </>
    );
  }
  const i: ImportDetail = imp.data;
  const busy = i.status === 'queued' || i.status === 'running' || i.status === 'uploading';
  const finished = i.status === 'completed' || i.status === 'failed';
  // A dry run (or a failed run) can be adjusted and run again; a finished real import is a record.
  const canMap = writable && i.origin === 'upload' && (i.status === 'uploaded' || (finished && (i.dryRun || i.status === 'failed')));

  return (
    <>
      {back}
      <PageHeader
        title={i.fileName}
        description={
          <>
            {formatBytes(i.size)} · {i.origin === 'cli' ? 'imported with the command line' : 'uploaded'} by {i.createdBy} <TimeAgo date={i.createdAt} fz="sm" c="dimmed" />
          </>
        }
        actions={
          <Group gap="xs">
            <Badge size="lg" variant="light" color={STATUS_COLORS[i.status]}>
              {STATUS_LABELS[i.status]}
            </Badge>
            {i.dryRun && i.status !== 'uploaded' && (
              <Badge size="lg" variant="outline" color="grape" leftSection={<IconTestPipe size={12} />}>
                Dry run
              </Badge>
            )}
          </Group>
        }
      />
      <Stack gap="xl">
        {busy && <ImportProgress imp={i} />}
        {finished && (
          <ImportResult
            imp={i}
            onRunForReal={
              writable && i.dryRun && i.status === 'completed' && i.kind
                ? () => start.mutate({ kind: i.kind ?? 'orders', preset: i.preset ?? 'generic', mapping: i.mapping ?? undefined, dryRun: false }, { onError: (err) => notifyError(err, 'Could not start the import') })
                : undefined
            }
          />
        )}
        {canMap && (
          <Stack gap="sm">
            {finished && (
              <Title order={2} fz="lg" fw={600}>
                Adjust and run again
              </Title>
            )}
            <MappingStep key={`${i.id}:${i.status}`} imp={i} writable={writable} />
          </Stack>
        )}
        {!writable && i.status === 'uploaded' && (
          <Text fz="sm" c="dimmed">
            This file has not been imported yet. People with the integrations:write permission can map and run it.
          </Text>
        )}
        {finished && !canMap && (
          <Group>
            <Button variant="default" leftSection={<IconArrowLeft size={16} />} onClick={onBack}>
              Back to imports
            </Button>
          </Group>
        )}
      </Stack>
    </>
  );
}
