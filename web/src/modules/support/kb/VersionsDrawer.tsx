import { Accordion, Button, Drawer, Group, Loader, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { ErrorState } from '../../../components/ErrorState.tsx';
import { TimeAgo } from '../../../components/TimeAgo.tsx';
import { useVersions, type Version } from './api.ts';

/** Every saved version of an article, newest first, with its Markdown; `onRestore` puts an older one back in the editor. */
export function VersionsDrawer({ id, opened, onClose, onRestore }: { id: string; opened: boolean; onClose: () => void; onRestore?: ((v: Version) => void) | undefined }): ReactNode {
  const q = useVersions(id, opened);
  return (
    <Drawer opened={opened} onClose={onClose} title={<Text fw={600}>Versions</Text>} position="right" size="lg">
      {q.isPending ? (
        <Loader size="sm" />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : (
        <Accordion variant="separated" defaultValue={String(q.data[0]?.version ?? '')}>
          {q.data.map((v) => (
            <Accordion.Item key={v.version} value={String(v.version)}>
              <Accordion.Control>
                <Stack gap={0}>
                  <Text fz="sm" fw={600}>
                    Version {v.version}: {v.title}
                  </Text>
                  <Text fz="xs" c="dimmed">
                    {v.savedBy} · <TimeAgo date={v.savedAt} />
                  </Text>
                </Stack>
              </Accordion.Control>
              <Accordion.Panel>
                {onRestore && v.version !== q.data[0]?.version && (
                  <Group justify="flex-end" mb="xs">
                    <Button size="compact-sm" variant="light" onClick={() => onRestore(v)}>
                      Restore in the editor
                    </Button>
                  </Group>
                )}
                <Text component="pre" fz="xs" style={{ whiteSpace: 'pre-wrap', fontFamily: 'ui-monospace, monospace', margin: 0 }}>
                  {v.body}
                </Text>
              </Accordion.Panel>
            </Accordion.Item>
          ))}
        </Accordion>
      )}
    </Drawer>
  );
}
