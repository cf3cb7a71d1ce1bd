import { Anchor, Button, Group, Menu, Paper, SegmentedControl, Stack, Table, Text, TextInput } from '@mantine/core';
import { IconArchive, IconArchiveOff, IconCopy, IconExternalLink, IconPlus, IconSearch, IconTemplate } from '@tabler/icons-react';
import { Link, useNavigate } from '@tanstack/react-router';
import { useState, type ReactNode } from 'react';
import { TableCard } from '../../components/DataTable.tsx';
import { Empty, NoMatches } from '../../components/Empty.tsx';
import { ErrorState } from '../../components/ErrorState.tsx';
import { RowMenu } from '../../components/RowMenu.tsx';
import { notifyError, notifySuccess } from '../../components/notify.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { RequirePermission } from '../../components/RequirePermission.tsx';
import { TableLoadingCard } from '../../components/TableSkeleton.tsx';
import { TimeAgo } from '../../components/TimeAgo.tsx';
import { useIsMobile } from '../../components/useIsMobile.ts';
import { ChannelBadge, KindBadge } from '../../modules/messaging/templates/badges.tsx';
import { useTemplateAction, useTemplates, type TemplateSummary } from '../../modules/messaging/templates/api.ts';
import { useCan } from '../../modules/session/context.tsx';

export function TemplatesPage(): ReactNode {
  return (
    <RequirePermission permission="messaging:read">
      <Templates />
    </RequirePermission>
  );
}

function Templates() {
  const [archived, setArchived] = useState(false);
  const [q, setQ] = useState('');
  const list = useTemplates(archived);
  const can = useCan();
  const writable = can('messaging:write');
  const mobile = useIsMobile();
  const navigate = useNavigate();
  const act = useTemplateAction();
  const open = (t: TemplateSummary) => void navigate({ to: '/templates/$id', params: { id: t.id } });
  const needle = q.trim().toLowerCase();
  const items = (list.data ?? []).filter((t) => !needle || t.name.toLowerCase().includes(needle) || t.subject.toLowerCase().includes(needle));

  const newButton = writable && (
    <Button leftSection={<IconPlus size={16} />} renderRoot={(p) => <Link to="/templates/new" {...p} />}>
      New template
    </Button>
  );
  const run = (t: TemplateSummary, action: 'archive' | 'unarchive' | 'duplicate') =>
    act.mutate({ id: t.id, action }, {
      onSuccess: (r) => notifySuccess(action === 'duplicate' ? `Created “${r.name}”.` : action === 'archive' ? `Archived “${t.name}”.` : `Restored “${t.name}”.`),
      onError: (e) => notifyError(e),
    });

  return (
    <>
      <PageHeader
        title="Templates"
        description="The emails and text messages campaigns and flows send. Each one is personalised for its recipient with Liquid, and every saved change is kept as a version."
        actions={newButton}
      />
      <Group justify="space-between" mb="md" gap="sm">
        <SegmentedControl value={archived ? 'archived' : 'active'} onChange={(v) => setArchived(v === 'archived')} data={[{ value: 'active', label: 'Active' }, { value: 'archived', label: 'Archived' }]} />
        <TextInput leftSection={<IconSearch size={16} />} placeholder="Search by name or subject" value={q} onChange={(e) => setQ(e.currentTarget.value)} w={280} aria-label="Search templates" />
      </Group>
      {list.isPending ? (
        <TableLoadingCard rows={6} />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : (list.data ?? []).length === 0 ? (
        <Paper withBorder radius="md">
          <Empty
            icon={<IconTemplate size={24} />}
            title={archived ? 'No archived templates' : 'No templates yet'}
            description={
              archived ? (
                'Templates you archive wait here; they can be restored at any time.'
              ) : (
                <Stack gap="xs" maw={560} mx="auto">
                  <span>Start from a ready-made design (welcome, abandoned cart, order thank-you, win-back, newsletter, SMS) and make it yours, or write your own in MJML or HTML.</span>
                </Stack>
              )
            }
            action={archived ? undefined : newButton || undefined}
          />
        </Paper>
      ) : items.length === 0 ? (
        <Paper withBorder radius="md">
          <NoMatches title="No template matches" description={`Nothing named or titled “${q}”.`} onClear={() => setQ('')} clearLabel="Clear search" />
        </Paper>
      ) : (
        <TableCard minWidth={{ base: 0, sm: 760 }}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Template</Table.Th>
              {!mobile && <Table.Th>Channel</Table.Th>}
              {!mobile && <Table.Th>Kind</Table.Th>}
              {!mobile && <Table.Th ta="right">Version</Table.Th>}
              {!mobile && <Table.Th>Updated</Table.Th>}
              <Table.Th w={48} />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((t) => (
              <Table.Tr key={t.id} className="patron-row-clickable" onClick={() => open(t)}>
                <Table.Td maw={480} style={mobile ? { maxWidth: 0, width: '100%' } : undefined}>
                  <Stack gap={2} style={{ minWidth: 0 }}>
                    <Anchor renderRoot={(p) => <Link to="/templates/$id" params={{ id: t.id }} {...p} />} onClick={(e) => e.stopPropagation()} fz="sm" fw={600} className="patron-cell-link" truncate>
                      {t.name}
                    </Anchor>
                    <Text fz="xs" c="dimmed" lineClamp={1} title={t.subject}>
                      {t.channel === 'email' ? t.subject || 'No subject' : 'Text message'}
                    </Text>
                    {mobile && (
                      <Group gap={6} mt={2}>
                        <ChannelBadge channel={t.channel} />
                        <KindBadge kind={t.kind} />
                      </Group>
                    )}
                  </Stack>
                </Table.Td>
                {!mobile && (
                  <Table.Td>
                    <ChannelBadge channel={t.channel} />
                  </Table.Td>
                )}
                {!mobile && (
                  <Table.Td>
                    <KindBadge kind={t.kind} />
                  </Table.Td>
                )}
                {!mobile && <Table.Td className="patron-num" fz="sm">v{t.version}</Table.Td>}
                {!mobile && (
                  <Table.Td>
                    <TimeAgo date={t.updatedAt} />
                  </Table.Td>
                )}
                <Table.Td onClick={(e) => e.stopPropagation()}>
                  <RowMenu label={`Actions for ${t.name}`}>
                    <Menu.Item leftSection={<IconExternalLink size={14} />} onClick={() => open(t)}>
                      Open
                    </Menu.Item>
                    {writable && (
                      <>
                        <Menu.Item leftSection={<IconCopy size={14} />} onClick={() => run(t, 'duplicate')}>
                          Duplicate
                        </Menu.Item>
                        <Menu.Item leftSection={archived ? <IconArchiveOff size={14} /> : <IconArchive size={14} />} onClick={() => run(t, archived ? 'unarchive' : 'archive')}>
                          {archived ? 'Restore' : 'Archive'}
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
    </>
  );
}
