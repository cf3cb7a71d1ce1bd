import '@mantine/charts/styles.css';
import { Alert, Badge, Button, Grid, Group, Menu, Stack, Text, Title } from '@mantine/core';
import { IconAlertTriangle, IconCopy, IconDots, IconDownload, IconPencil, IconRefresh, IconTrash } from '@tabler/icons-react';
import { getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import { useEffect, useState } from 'react';
import type { ReactNode } from 'react';
import { BackLink } from '../../components/BackLink.tsx';
import { ConfirmModal } from '../../components/ConfirmModal.tsx';
import { DetailStates } from '../../components/DetailStates.tsx';
import { notifyError, notifySuccess } from '../../components/notify.tsx';
import { RequirePermission } from '../../components/RequirePermission.tsx';
import { Stat, StatGroup } from '../../components/StatCard.tsx';
import { TimeAgo } from '../../components/TimeAgo.tsx';
import { absoluteTime } from '../../lib/format.ts';
import { formatInt } from '../../lib/money.ts';
import { membersCsvUrl, useDeleteSegment, useDuplicateSegment, useHistory, useRefreshSegment, useSegment, useSegmentCatalogue, type Segment } from '../../modules/segments/api.ts';
import { HistoryCard } from '../../modules/segments/HistoryCard.tsx';
import { MembersTable } from '../../modules/segments/MembersTable.tsx';
import { describe } from '../../modules/segments/describe.ts';
import { brokenText, StatusBadge } from '../../modules/segments/StatusBadge.tsx';
import { VersionsCard } from '../../modules/segments/VersionsCard.tsx';
import { useCan } from '../../modules/session/context.tsx';
import { NoSuchSegment } from './builder.tsx';

const route = getRouteApi('/app/segments/$id');

export function SegmentPage(): ReactNode {
  return (
    <RequirePermission permission="segments:read">
      <SegmentDetail />
    </RequirePermission>
  );
}

function SegmentDetail() {
  const { id } = route.useParams();
  const seg = useSegment(id);
  useEffect(() => {
    if (seg.data) document.title = `${seg.data.name} · Segments · Patron`;
    return () => {
      document.title = 'Patron';
    };
  }, [seg.data]);
  return (
    <>
      <BackLink to="/segments" label="Segments" />
      <DetailStates query={seg} notFound={<NoSuchSegment />}>
        {(s) => <Loaded segment={s} />}
      </DetailStates>
    </>
  );
}

function Loaded({ segment: s }: { segment: Segment }) {
  const can = useCan();
  const writable = can('segments:write');
  const navigate = useNavigate();
  const refresh = useRefreshSegment();
  const duplicate = useDuplicateSegment();
  const remove = useDeleteSegment();
  const [confirming, setConfirming] = useState(false);
  const history = useHistory(s.id, 90);
  const cat = useSegmentCatalogue();
  const last30 = (history.data ?? []).filter((p) => Date.parse(p.day) >= Date.now() - 30 * 86400_000);
  const entered = last30.reduce((n, p) => n + p.entered, 0);
  const exited = last30.reduce((n, p) => n + p.exited, 0);

  return (
    <Stack gap="lg">
      {s.status === 'broken' && (
        <Alert color="red" icon={<IconAlertTriangle size={18} />} title="This segment is broken">
          <Text fz="sm">{brokenText(s.brokenReason)}</Text>
          <Text fz="sm" mt={4}>
            It keeps its last {formatInt(s.size)} members but no longer changes. {writable ? 'Edit the conditions to fix it.' : 'Someone who can edit segments needs to fix its conditions.'}
          </Text>
        </Alert>
      )}

      <Group justify="space-between" align="flex-start" gap="md" wrap="wrap">
        <Stack gap={6} style={{ flex: '1 1 420px', minWidth: 0 }}>
          <Group gap="xs" wrap="wrap">
            <Title order={1} fz={26} fw={650} style={{ letterSpacing: '-0.01em', overflowWrap: 'anywhere' }}>
              {s.name}
            </Title>
            <StatusBadge segment={s} />
            {s.builtIn && (
              <Badge variant="light" color="gray">
                Built-in
              </Badge>
            )}
          </Group>
          {s.description && (
            <Text fz="sm" c="dimmed" maw={760}>
              {s.description}
            </Text>
          )}
          <Text fz="sm" maw={760} style={{ overflowWrap: 'anywhere' }}>
            {/* A broken rule's server summary is its error (shown above): describe what it says instead. */}
            {s.status === 'broken' ? (describe(s.definition, cat.data) ?? '') : s.summary}
          </Text>
        </Stack>
        <Group gap="sm">
          <Button component="a" href={membersCsvUrl(s.id)} download variant="default" leftSection={<IconDownload size={16} />}>
            Export CSV
          </Button>
          {writable && (
            <>
              <Button
                variant="default"
                leftSection={<IconRefresh size={16} />}
                loading={refresh.isPending}
                onClick={() =>
                  refresh.mutate(s.id, {
                    onSuccess: (r) => notifySuccess(`${formatInt(r.size)} ${r.size === 1 ? 'member' : 'members'} now.`, 'Segment recomputed'),
                    onError: (e) => notifyError(e, 'Could not recompute'),
                  })
                }
              >
                Refresh now
              </Button>
              <Button leftSection={<IconPencil size={16} />} renderRoot={(p) => <Link to="/segments/$id/edit" params={{ id: s.id }} {...p} />}>
                Edit
              </Button>
              <Menu position="bottom-end">
                <Menu.Target>
                  <Button variant="default" px="xs" aria-label="More actions">
                    <IconDots size={18} />
                  </Button>
                </Menu.Target>
                <Menu.Dropdown>
                  <Menu.Item
                    leftSection={<IconCopy size={14} />}
                    onClick={() =>
                      duplicate.mutate(s.id, {
                        onSuccess: (copy) => {
                          notifySuccess(`Created “${copy.name}”. Change what you need and save.`);
                          void navigate({ to: '/segments/$id/edit', params: { id: copy.id } });
                        },
                        onError: (e) => notifyError(e, 'Could not duplicate'),
                      })
                    }
                  >
                    Duplicate
                  </Menu.Item>
                  <Menu.Item color="red" leftSection={<IconTrash size={14} />} onClick={() => setConfirming(true)}>
                    Delete…
                  </Menu.Item>
                </Menu.Dropdown>
              </Menu>
            </>
          )}
        </Group>
      </Group>

      <StatGroup cols={{ base: 2, sm: 3, lg: 5 }}>
        <Stat label="Members" value={s.status === 'computing' ? 'Computing…' : formatInt(s.size)} />
        <Stat label="Entered" value={entered ? `+${formatInt(entered)}` : '0'} hint="in the last 30 days" loading={history.isPending} />
        <Stat label="Exited" value={exited ? `−${formatInt(exited)}` : '0'} hint="in the last 30 days" loading={history.isPending} />
        <Stat
          label="Last computed"
          value={s.lastComputedAt ? <TimeAgo date={s.lastComputedAt} fz={18} fw={650} /> : 'Not yet'}
          hint={s.lastDurationMs !== null ? `took ${formatInt(Math.round(s.lastDurationMs))} ms` : undefined}
        />
        <Stat
          label="Updates"
          value="Live"
          hint={<span title={`Revision ${s.revision}, created ${absoluteTime(s.createdAt)} by ${s.createdBy}`}>{s.scheduled ? 'and re-checked every 15 min' : 'as customers change'}</span>}
        />
      </StatGroup>

      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 8 }}>
          <HistoryCard history={history} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <VersionsCard segmentId={s.id} current={s.revision} />
        </Grid.Col>
      </Grid>

      <MembersTable segmentId={s.id} total={s.size} />

      <ConfirmModal
        opened={confirming}
        title={`Delete “${s.name}”?`}
        confirmLabel="Delete segment"
        loading={remove.isPending}
        onClose={() => setConfirming(false)}
        onConfirm={() =>
          remove.mutate(s.id, {
            onSuccess: () => {
              notifySuccess(`Deleted “${s.name}”.`);
              void navigate({ to: '/segments' });
            },
            onError: (e) => notifyError(e, 'Could not delete'),
          })
        }
      >
        Its {formatInt(s.size)} members stay customers; only the grouping goes. Segments that use this one will show as broken until they are edited.
      </ConfirmModal>
    </Stack>
  );
}
