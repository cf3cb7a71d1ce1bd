import { Anchor, Badge, Button, Card, Group, SimpleGrid, Stack, Table, Tabs, Text, ThemeIcon, Tooltip } from '@mantine/core';
import { IconBolt, IconCheck, IconChecklist, IconLayoutGrid, IconPlus, IconRoute } from '@tabler/icons-react';
import { getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import type { StepType } from '../../../../server/src/modules/messaging/flows.definition.ts';
import { TableCard } from '../../components/DataTable.tsx';
import { Empty } from '../../components/Empty.tsx';
import { notifyError, notifySuccess } from '../../components/notify.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { QueryStates } from '../../components/QueryStates.tsx';
import { RequirePermission } from '../../components/RequirePermission.tsx';
import { TimeAgo } from '../../components/TimeAgo.tsx';
import { useIsMobile } from '../../components/useIsMobile.ts';
import { formatInt, formatMoney } from '../../lib/money.ts';
import { useCompleteTask, useEnableBuiltin, useFlows, useGallery, useTasks, type FlowSummary, type GalleryItem } from '../../modules/messaging/flows/api.ts';
import { FlowStatusBadge } from '../../modules/messaging/flows/status.tsx';
import { STEP_INFO } from '../../modules/messaging/flows/steps.ts';
import { useCan } from '../../modules/session/context.tsx';

const route = getRouteApi('/app/flows');

export function FlowsPage(): ReactNode {
  return (
    <RequirePermission permission="messaging:read">
      <Flows />
    </RequirePermission>
  );
}

function Flows() {
  const { tab } = route.useSearch();
  const navigate = useNavigate();
  const can = useCan();
  const flows = useFlows();
  const tasks = useTasks('open');
  const setTab = (t: string | null) => void navigate({ to: '/flows', search: { tab: t === 'gallery' || t === 'tasks' ? t : undefined }, replace: true });
  const newButton = can('messaging:write') && (
    <Button leftSection={<IconPlus size={16} />} renderRoot={(p) => <Link to="/flows/new" {...p} />}>
      New flow
    </Button>
  );
  return (
    <>
      <PageHeader
        title="Flows"
        description="Automations that send the right message at the right moment: a cart left behind, a first order, a birthday. Each customer moves through a flow on their own clock."
        actions={newButton}
      />
      <Tabs value={tab ?? 'flows'} onChange={setTab}>
        <Tabs.List mb="md">
          <Tabs.Tab value="flows" leftSection={<IconRoute size={16} />}>
            Your flows
          </Tabs.Tab>
          <Tabs.Tab value="gallery" leftSection={<IconLayoutGrid size={16} />}>
            Ready-made
          </Tabs.Tab>
          <Tabs.Tab value="tasks" leftSection={<IconChecklist size={16} />} rightSection={tasks.data?.length ? <Badge size="xs" variant="filled" circle>{tasks.data.length}</Badge> : undefined}>
            Tasks
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="flows">
          <QueryStates
            query={flows}
            rows={5}
            empty={
              <Empty
                icon={<IconRoute size={24} />}
                title="No flows yet"
                description="Start with a ready-made one (abandoned cart, welcome series, win-back…) in one click, or build your own."
                action={
                  <Button variant="light" onClick={() => setTab('gallery')}>
                    See ready-made flows
                  </Button>
                }
              />
            }
          >
            {(items) => <FlowTable flows={items} />}
          </QueryStates>
        </Tabs.Panel>
        <Tabs.Panel value="gallery">
          <Gallery />
        </Tabs.Panel>
        <Tabs.Panel value="tasks">
          <Tasks />
        </Tabs.Panel>
      </Tabs>
    </>
  );
}

function FlowTable({ flows }: { flows: FlowSummary[] }) {
  const mobile = useIsMobile();
  const navigate = useNavigate();
  return (
    <TableCard minWidth={{ base: 0, sm: 900 }}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Flow</Table.Th>
          <Table.Th>Status</Table.Th>
          {!mobile && <Table.Th ta="right">In flow</Table.Th>}
          {!mobile && <Table.Th ta="right">Entered</Table.Th>}
          {!mobile && <Table.Th ta="right">Conversion</Table.Th>}
          {!mobile && <Table.Th ta="right">Sent</Table.Th>}
          {!mobile && <Table.Th ta="right">Revenue</Table.Th>}
          {!mobile && <Table.Th>Updated</Table.Th>}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {flows.map((f) => (
          <Table.Tr key={f.id} className="patron-row-clickable" onClick={() => void navigate({ to: '/flows/$id', params: { id: f.id } })}>
            <Table.Td maw={420}>
              <Stack gap={2} style={{ minWidth: 0 }}>
                <Anchor renderRoot={(p) => <Link to="/flows/$id" params={{ id: f.id }} {...p} />} onClick={(e) => e.stopPropagation()} fz="sm" fw={600} className="patron-cell-link" truncate>
                  {f.name}
                </Anchor>
                <Text fz="xs" c="dimmed" lineClamp={1} title={f.triggerSummary}>
                  {f.triggerSummary} · {f.stepCount} {f.stepCount === 1 ? 'step' : 'steps'}
                </Text>
              </Stack>
            </Table.Td>
            <Table.Td>
              <FlowStatusBadge status={f.status} />
            </Table.Td>
            {!mobile && (
              <Table.Td className="patron-num" fz="sm" fw={500}>
                {formatInt(f.stats.inFlow)}
              </Table.Td>
            )}
            {!mobile && (
              <Table.Td className="patron-num" fz="sm">
                {formatInt(f.stats.entered)}
              </Table.Td>
            )}
            {!mobile && (
              <Table.Td className="patron-num" fz="sm">
                {f.stats.entered ? `${((100 * f.stats.conversions) / f.stats.entered).toFixed(1)} %` : '—'}
              </Table.Td>
            )}
            {!mobile && (
              <Table.Td className="patron-num" fz="sm">
                {formatInt(f.stats.sent)}
              </Table.Td>
            )}
            {!mobile && (
              <Table.Td className="patron-num" fz="sm">
                {formatMoney(f.stats.revenue, f.currency)}
              </Table.Td>
            )}
            {!mobile && (
              <Table.Td>
                <TimeAgo date={f.updatedAt} />
              </Table.Td>
            )}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </TableCard>
  );
}

function Gallery() {
  const gallery = useGallery();
  return (
    <QueryStates query={gallery} rows={4} empty={<Empty icon={<IconLayoutGrid size={24} />} title="No ready-made flows" />}>
      {(items) => (
        <SimpleGrid cols={{ base: 1, sm: 2, xl: 3 }} spacing="md">
          {items.map((g) => (
            <GalleryCard key={g.key} item={g} />
          ))}
        </SimpleGrid>
      )}
    </QueryStates>
  );
}

function GalleryCard({ item }: { item: GalleryItem }) {
  const can = useCan();
  const navigate = useNavigate();
  const enable = useEnableBuiltin();
  const installed = item.installed;
  const seen = new Set<StepType>();
  const kinds = item.steps.map((s) => s.type as StepType).filter((t) => !seen.has(t) && seen.add(t));
  return (
    <Card withBorder radius="md" padding="lg" data-testid={`gallery-${item.key}`}>
      <Stack gap="sm" h="100%">
        <Group justify="space-between" wrap="nowrap" align="flex-start">
          <Text fw={650}>{item.name}</Text>
          {installed && <FlowStatusBadge status={installed.status} />}
        </Group>
        <Text fz="sm" c="dimmed" style={{ flex: 1 }}>
          {item.description}
        </Text>
        <Group gap={6} wrap="nowrap">
          <ThemeIcon size={20} radius="sm" variant="light" color="violet">
            <IconBolt size={12} />
          </ThemeIcon>
          <Text fz="xs" fw={500} lineClamp={1}>
            {item.triggerSummary}
          </Text>
        </Group>
        <Group gap={4}>
          {kinds.map((t) => {
            const info = STEP_INFO[t];
            return (
              <Tooltip key={t} label={`${item.steps.filter((s) => s.type === t).length} × ${info.label}`} withArrow>
                <ThemeIcon size={24} radius="sm" variant="light" color={info.color}>
                  <info.icon size={14} />
                </ThemeIcon>
              </Tooltip>
            );
          })}
          <Text fz="xs" c="dimmed" ml={4}>
            {item.steps.length} steps · {item.templates.length} {item.templates.length === 1 ? 'template' : 'templates'}
          </Text>
        </Group>
        <Group justify="flex-end" mt="xs">
          {installed ? (
            <Button variant="default" size="sm" renderRoot={(p) => <Link to="/flows/$id" params={{ id: installed.flowId }} {...p} />}>
              Open
            </Button>
          ) : (
            can('messaging:write') && (
              <Button
                size="sm"
                leftSection={<IconCheck size={16} />}
                loading={enable.isPending}
                onClick={() =>
                  enable.mutate(item.key, {
                    onSuccess: (f) => {
                      notifySuccess(`“${f.name}” is live. Its templates are ready to edit under Templates.`);
                      void navigate({ to: '/flows/$id', params: { id: f.id } });
                    },
                    onError: (e) => notifyError(e, 'Could not switch it on'),
                  })
                }
              >
                Switch on
              </Button>
            )
          )}
        </Group>
      </Stack>
    </Card>
  );
}

function Tasks() {
  const tasks = useTasks('open');
  const done = useCompleteTask();
  const can = useCan();
  return (
    <QueryStates
      query={tasks}
      rows={4}
      empty={<Empty icon={<IconChecklist size={24} />} title="No open tasks" description="Flows with a “Create a task” step put their follow-ups here, with the customer they are about." />}
    >
      {(items) => (
        <TableCard minWidth={{ base: 0, sm: 760 }}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Task</Table.Th>
              <Table.Th>Customer</Table.Th>
              <Table.Th>Flow</Table.Th>
              <Table.Th>Assigned to</Table.Th>
              <Table.Th>Created</Table.Th>
              <Table.Th w={110} />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((t) => (
              <Table.Tr key={t.id}>
                <Table.Td maw={320}>
                  <Text fz="sm" fw={500}>
                    {t.title}
                  </Text>
                  {t.body && (
                    <Text fz="xs" c="dimmed" lineClamp={2}>
                      {t.body}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Anchor renderRoot={(p) => <Link to="/customers/$id" params={{ id: t.customerId }} {...p} />} fz="sm">
                    {t.customerName}
                  </Anchor>
                </Table.Td>
                <Table.Td>
                  <Anchor renderRoot={(p) => <Link to="/flows/$id" params={{ id: t.flowId }} {...p} />} fz="sm" c="dimmed">
                    {t.flowName}
                  </Anchor>
                </Table.Td>
                <Table.Td fz="sm">{t.assigneeName ?? <Text span fz="sm" c="dimmed">Anyone</Text>}</Table.Td>
                <Table.Td>
                  <TimeAgo date={t.createdAt} />
                </Table.Td>
                <Table.Td>
                  {can('messaging:write') && (
                    <Button size="xs" variant="light" color="teal" leftSection={<IconCheck size={14} />} loading={done.isPending && done.variables === t.id} onClick={() => done.mutate(t.id, { onError: (e) => notifyError(e, 'Could not complete the task') })}>
                      Done
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </TableCard>
      )}
    </QueryStates>
  );
}

