import { Anchor, Button, Group, Paper, Stack, Table, Text } from '@mantine/core';
import { IconPlus, IconSend } from '@tabler/icons-react';
import { Link, useNavigate } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { TableCard } from '../../components/DataTable.tsx';
import { Empty } from '../../components/Empty.tsx';
import { ErrorState } from '../../components/ErrorState.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { RequirePermission } from '../../components/RequirePermission.tsx';
import { TableLoadingCard } from '../../components/TableSkeleton.tsx';
import { TimeAgo } from '../../components/TimeAgo.tsx';
import { useIsMobile } from '../../components/useIsMobile.ts';
import { formatInt } from '../../lib/money.ts';
import { useCampaigns, type Campaign } from '../../modules/messaging/campaigns/api.ts';
import { CampaignMenu } from '../../modules/messaging/campaigns/CampaignMenu.tsx';
import { ConversionChart } from '../../modules/messaging/campaigns/ConversionChart.tsx';
import { CampaignStatusBadge, pct, scheduleText } from '../../modules/messaging/campaigns/status.tsx';
import { useCan } from '../../modules/session/context.tsx';

export function CampaignsPage(): ReactNode {
  return (
    <RequirePermission permission="messaging:read">
      <Campaigns />
    </RequirePermission>
  );
}

/** The date that matters in a campaign's state: when it started, when it will, or when it was last changed. */
function when(c: Campaign): { label: string; date: string } {
  if (c.startedAt) return { label: 'Started', date: c.startedAt };
  if (c.status === 'scheduled' && c.startAt) return { label: 'Starts', date: c.startAt };
  return { label: 'Edited', date: c.updatedAt };
}

function Campaigns() {
  const list = useCampaigns();
  const can = useCan();
  const writable = can('messaging:write');
  const mobile = useIsMobile();
  const navigate = useNavigate();
  const open = (c: Campaign) => void navigate({ to: '/campaigns/$id', params: { id: c.id } });
  const campaigns = list.data ?? [];

  const newButton = writable && (
    <Button leftSection={<IconPlus size={16} />} renderRoot={(p) => <Link to="/campaigns/new" {...p} />}>
      New campaign
    </Button>
  );

  return (
    <>
      <PageHeader
        title="Campaigns"
        description="Send a template to the members of your segments, now or later, at the same local time everywhere, and see what each campaign earned."
        actions={newButton}
      />
      {list.isPending ? (
        <TableLoadingCard rows={6} />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : campaigns.length === 0 ? (
        <Paper withBorder radius="md">
          <Empty
            icon={<IconSend size={24} />}
            title="No campaigns yet"
            description={
              <Stack gap="xs" maw={560} mx="auto">
                <span>
                  A campaign sends one email or SMS template to the customers of one or more segments. Only customers who subscribed to marketing
                  receive it; opens, clicks and the orders that follow are counted in its report.
                </span>
              </Stack>
            }
            action={newButton || undefined}
          />
        </Paper>
      ) : (
        <Stack gap="lg">
          <ConversionChart />
          <TableCard minWidth={{ base: 0, sm: 900 }}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Campaign</Table.Th>
                {!mobile && <Table.Th>Status</Table.Th>}
                {!mobile && <Table.Th ta="right">Recipients</Table.Th>}
                {!mobile && <Table.Th ta="right">Sent</Table.Th>}
                {!mobile && <Table.Th ta="right">Opened</Table.Th>}
                {!mobile && <Table.Th ta="right">Clicked</Table.Th>}
                {!mobile && <Table.Th ta="right">Orders</Table.Th>}
                {!mobile && <Table.Th>When</Table.Th>}
                <Table.Th w={48} />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {campaigns.map((c) => {
                const w = when(c);
                return (
                  <Table.Tr key={c.id} className="patron-row-clickable" onClick={() => open(c)}>
                    <Table.Td maw={420} style={mobile ? { maxWidth: 0, width: '100%' } : undefined}>
                      <Stack gap={2} style={{ minWidth: 0 }}>
                        <Anchor
                          renderRoot={(p) => <Link to="/campaigns/$id" params={{ id: c.id }} {...p} />}
                          onClick={(e) => e.stopPropagation()}
                          fz="sm"
                          fw={600}
                          className="patron-cell-link"
                          truncate
                        >
                          {c.name}
                        </Anchor>
                        <Text fz="xs" c="dimmed" truncate>
                          {[c.channel === 'sms' ? 'SMS' : 'Email', c.templateName ?? 'No template yet', c.abTest ? `A/B test of ${c.abTest.variants.length}` : null, c.status === 'draft' || c.status === 'scheduled' ? scheduleText(c.schedule) : null]
                            .filter(Boolean)
                            .join(' · ')}
                        </Text>
                        {mobile && (
                          <Group gap={8} mt={2}>
                            <CampaignStatusBadge campaign={c} />
                            {c.startedAt && (
                              <Text fz="xs" c="dimmed" className="patron-tabular">
                                {formatInt(c.stats.sent)} sent · {pct(c.stats.sent ? c.stats.opened / c.stats.sent : null)} opened
                              </Text>
                            )}
                          </Group>
                        )}
                      </Stack>
                    </Table.Td>
                    {!mobile && (
                      <Table.Td>
                        <CampaignStatusBadge campaign={c} />
                      </Table.Td>
                    )}
                    {!mobile && <Num v={c.startedAt ? formatInt(c.stats.recipients) : null} />}
                    {!mobile && <Num v={c.startedAt ? formatInt(c.stats.sent) : null} />}
                    {!mobile && <Num v={c.stats.sent ? pct(c.stats.opened / c.stats.sent) : null} />}
                    {!mobile && <Num v={c.stats.sent ? pct(c.stats.clicked / c.stats.sent) : null} />}
                    {!mobile && <Num v={c.startedAt ? formatInt(c.stats.orders) : null} />}
                    {!mobile && (
                      <Table.Td>
                        <Text fz="xs" c="dimmed">
                          {w.label}
                        </Text>
                        <TimeAgo date={w.date} />
                      </Table.Td>
                    )}
                    <Table.Td onClick={(e) => e.stopPropagation()}>
                      <CampaignMenu campaign={c} writable={writable} onOpen={() => open(c)} />
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </TableCard>
        </Stack>
      )}
    </>
  );
}

function Num({ v }: { v: string | null }) {
  return (
    <Table.Td className="patron-num" fz="sm">
      {v ?? (
        <Text span c="dimmed" fz="sm">
          —
        </Text>
      )}
    </Table.Td>
  );
}
