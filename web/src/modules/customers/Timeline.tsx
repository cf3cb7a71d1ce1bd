import { ActionIcon, Anchor, Badge, Button, Chip, Group, Loader, Paper, Skeleton, Stack, Text, ThemeIcon, Timeline as MTimeline } from '@mantine/core';
import { useIntersection } from '@mantine/hooks';
import { IconChevronDown, IconChevronRight, IconFilterOff, IconTimeline } from '@tabler/icons-react';
import { Link } from '@tanstack/react-router';
import { useEffect, useState } from 'react';
import { Empty } from '../../components/Empty.tsx';
import { ErrorState } from '../../components/ErrorState.tsx';
import { JsonBlock } from '../../components/JsonBlock.tsx';
import { TimeAgo } from '../../components/TimeAgo.tsx';
import { absoluteTime } from '../../lib/format.ts';
import { useCan } from '../session/context.tsx';
import { activityKind, activityOrderId, activitySummary } from './activity.tsx';
import { useActivities, useActivityTypes } from './api.ts';
import type { Activity } from './api.ts';

/** The customer's activity stream, newest first, filterable by type, loading older entries as you scroll. */
export function ActivityTimeline({ customerId }: { customerId: string }) {
  const [types, setTypes] = useState<string[]>([]);
  const kinds = useActivityTypes(customerId);
  const list = useActivities(customerId, types);
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const { ref, entry } = useIntersection<HTMLDivElement>({ rootMargin: '400px' });
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = list;
  const [open, setOpen] = useState<Set<string>>(new Set());
  const canOrders = useCan()('commerce:read');
  const toggle = (id: string) =>
    setOpen((o) => {
      const next = new Set(o);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  useEffect(() => {
    if (entry?.isIntersecting && hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [entry?.isIntersecting, hasNextPage, isFetchingNextPage, fetchNextPage]);

  return (
    <Stack gap="md">
      {(kinds.data?.length ?? 0) > 1 && (
        <Group gap="xs" role="group" aria-label="Show activity types">
          <Chip.Group multiple value={types} onChange={setTypes}>
            {kinds.data?.map((k) => {
              const kind = activityKind(k.type);
              return (
                <Chip key={k.type} value={k.type} size="xs" variant="outline" color={kind.color}>
                  {k.type} <Text span fz="xs" c="dimmed" className="patron-tabular">{k.count.toLocaleString()}</Text>
                </Chip>
              );
            })}
          </Chip.Group>
          {types.length > 0 && (
            <Button size="compact-xs" variant="subtle" color="gray" leftSection={<IconFilterOff size={12} />} onClick={() => setTypes([])}>
              Show all
            </Button>
          )}
        </Group>
      )}

      {list.isPending ? (
        <Stack gap="lg" aria-busy="true" aria-label="Loading activity">
          {Array.from({ length: 5 }, (_, i) => (
            <Group key={i} gap="sm" wrap="nowrap" align="flex-start">
              <Skeleton circle h={28} />
              <Stack gap={6} style={{ flex: 1 }}>
                <Skeleton h={14} w="60%" />
                <Skeleton h={10} w="30%" />
              </Stack>
            </Group>
          ))}
        </Stack>
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : items.length === 0 ? (
        <Paper withBorder radius="md">
          {types.length ? (
            <Empty icon={<IconFilterOff size={24} />} title="Nothing of these types" description="Pick other types, or show all activity." />
          ) : (
            <Empty
              icon={<IconTimeline size={24} />}
              title="No activity yet"
              description="Orders, refunds, carts, page views, notes and profile changes appear here as they happen."
            />
          )}
        </Paper>
      ) : (
        <>
          <MTimeline bulletSize={30} lineWidth={2} style={{ opacity: list.isPlaceholderData ? 0.6 : 1 }}>
            {/* Timeline passes layout props to its direct children, so the items are rendered here, not by a component. */}
            {items.map((a) => activityItem(a, open.has(a.id), () => toggle(a.id), canOrders))}
          </MTimeline>
          <div ref={ref} />
          <Group justify="center">
            {list.hasNextPage ? (
              <Button variant="default" size="xs" onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage} leftSection={list.isFetchingNextPage ? <Loader size={12} /> : undefined}>
                Load older activity
              </Button>
            ) : (
              <Text fz="xs" c="dimmed">
                {items.length === 1 ? 'That’s the only entry.' : 'That’s the beginning of this timeline.'}
              </Text>
            )}
          </Group>
        </>
      )}
    </Stack>
  );
}

function activityItem(a: Activity, open: boolean, onToggle: () => void, canOrders: boolean) {
  const kind = activityKind(a.type);
  const orderId = activityOrderId(a);
  const summary = activitySummary(a);
  return (
    <MTimeline.Item
      key={a.id}
      bullet={
        <ThemeIcon size={30} radius="xl" variant="light" color={kind.color} aria-hidden>
          <kind.icon size={16} />
        </ThemeIcon>
      }
      title={
        <Group gap={6} wrap="nowrap" align="flex-start" justify="space-between">
          <Text fz="sm" fw={500} style={{ minWidth: 0, overflowWrap: 'anywhere' }}>
            {orderId && canOrders ? (
              <Anchor renderRoot={(props) => <Link to="/orders/$id" params={{ id: orderId }} {...props} />} fz="sm" fw={500} c="inherit" underline="hover">
                {summary}
              </Anchor>
            ) : (
              summary
            )}
          </Text>
          <ActionIcon variant="subtle" color="gray" size="sm" onClick={onToggle} aria-expanded={open} aria-label={open ? 'Hide details' : 'Show details'}>
            {open ? <IconChevronDown size={14} /> : <IconChevronRight size={14} />}
          </ActionIcon>
        </Group>
      }
    >
      <Group gap={6} mt={2} wrap="wrap">
        <TimeAgo date={a.occurredAt} fz="xs" c="dimmed" />
        <Text fz="xs" c="dimmed" aria-hidden>
          ·
        </Text>
        <Text fz="xs" c="dimmed">
          {absoluteTime(a.occurredAt)}
        </Text>
        <Badge size="xs" variant="default" fw={500}>
          {a.type}
        </Badge>
        {a.source && (
          <Badge size="xs" variant="transparent" color="gray" fw={500} px={0}>
            via {a.source}
          </Badge>
        )}
      </Group>
      {open && (
        <Stack gap="xs" mt="xs">
          <JsonBlock label="Properties" value={a.properties} />
          <Text fz="xs" c="dimmed">
            Received {absoluteTime(a.receivedAt)} · id <span style={{ fontFamily: 'var(--mantine-font-family-monospace)' }}>{a.id}</span>
          </Text>
        </Stack>
      )}
    </MTimeline.Item>
  );
}
