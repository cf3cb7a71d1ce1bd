import { Badge, Group, Paper, ScrollArea, Skeleton, Stack, Text, Timeline, Title } from '@mantine/core';
import { ErrorState } from '../../components/ErrorState.tsx';
import { TimeAgo } from '../../components/TimeAgo.tsx';
import { useSegmentCatalogue, useVersions } from './api.ts';
import { describe } from './describe.ts';

/** Every saved revision of the rule: who, when, and what it said. */
export function VersionsCard({ segmentId, current }: { segmentId: string; current: number }) {
  const versions = useVersions(segmentId);
  const cat = useSegmentCatalogue();
  return (
    <Paper withBorder radius="md" p="lg" h="100%">
      <Stack gap="md">
        <div>
          <Title order={2} fz="md" fw={600}>
            Versions
          </Title>
          <Text fz="sm" c="dimmed">
            Each change of the rule is kept.
          </Text>
        </div>
        {versions.isPending ? (
          <Stack gap="sm">
            {Array.from({ length: 3 }, (_, i) => (
              <Skeleton key={i} h={40} />
            ))}
          </Stack>
        ) : versions.isError ? (
          <ErrorState error={versions.error} onRetry={() => void versions.refetch()} />
        ) : (
          <ScrollArea.Autosize mah={260} type="auto" offsetScrollbars>
            <Timeline bulletSize={14} lineWidth={2} active={0}>
              {versions.data.map((v) => (
                <Timeline.Item
                  key={v.revision}
                  title={
                    <Group gap={6}>
                      <Text fz="sm" fw={600}>
                        Revision {v.revision}
                      </Text>
                      {v.revision === current && (
                        <Badge size="xs" variant="light">
                          Current
                        </Badge>
                      )}
                    </Group>
                  }
                >
                  <Text fz="xs" c="dimmed">
                    {v.actorLabel} · <TimeAgo date={v.createdAt} fz="xs" c="dimmed" />
                  </Text>
                  <Text fz="xs" mt={2} lineClamp={3} title={describe(v.definition, cat.data) ?? undefined}>
                    {describe(v.definition, cat.data) ?? ''}
                  </Text>
                </Timeline.Item>
              ))}
            </Timeline>
          </ScrollArea.Autosize>
        )}
      </Stack>
    </Paper>
  );
}
