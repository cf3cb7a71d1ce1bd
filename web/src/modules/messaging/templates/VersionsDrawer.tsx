import { Badge, Button, Drawer, Group, Loader, Stack, Text, UnstyledButton } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { ErrorState } from '../../../components/ErrorState.tsx';
import { TimeAgo } from '../../../components/TimeAgo.tsx';
import { CodeEditor } from './CodeEditor.tsx';
import { useTemplateVersion, useTemplateVersions, type Template, type Version } from './api.ts';

/** Every saved version; one can be looked at and copied back into the editor (saving it makes a new version). */
export function VersionsDrawer(props: { opened: boolean; onClose: () => void; template: Template; onRestore: (v: Version) => void; canWrite: boolean }): ReactNode {
  const versions = useTemplateVersions(props.template.id, props.opened);
  const [chosen, setChosen] = useState<number | null>(null);
  const version = useTemplateVersion(props.template.id, chosen);
  return (
    <Drawer opened={props.opened} onClose={props.onClose} position="right" size="xl" title={<Text fw={600}>Version history</Text>}>
      {versions.isPending ? (
        <Loader />
      ) : versions.isError ? (
        <ErrorState error={versions.error} onRetry={() => void versions.refetch()} />
      ) : (
        <Stack gap="md">
          <Stack gap={4}>
            {versions.data.map((v) => (
              <UnstyledButton
                key={v.version}
                onClick={() => setChosen(v.version)}
                p="xs"
                style={{ borderRadius: 8, border: `1px solid var(--mantine-color-${chosen === v.version ? 'indigo-4' : 'default-border'})` }}
                aria-pressed={chosen === v.version}
              >
                <Group justify="space-between" wrap="nowrap" gap="sm">
                  <Group gap={8} wrap="nowrap" style={{ minWidth: 0 }}>
                    <Badge variant="light" color={v.version === props.template.version ? 'indigo' : 'gray'}>
                      v{v.version}
                    </Badge>
                    <Text fz="sm" truncate>
                      {v.subject || <Text span c="dimmed">No subject</Text>}
                    </Text>
                  </Group>
                  <Text fz="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                    {v.savedBy} · <TimeAgo date={v.savedAt} fz="xs" />
                  </Text>
                </Group>
              </UnstyledButton>
            ))}
          </Stack>
          {chosen !== null && (
            <Stack gap="xs">
              {version.isPending ? (
                <Loader size="sm" />
              ) : version.isError ? (
                <ErrorState error={version.error} onRetry={() => void version.refetch()} />
              ) : (
                <>
                  <Group justify="space-between">
                    <Text fw={600}>Version {version.data.version}</Text>
                    {props.canWrite && version.data.version !== props.template.version && (
                      <Button size="xs" variant="light" onClick={() => props.onRestore(version.data)}>
                        Copy into the editor
                      </Button>
                    )}
                  </Group>
                  {version.data.preheader && (
                    <Text fz="sm" c="dimmed">
                      Preheader: {version.data.preheader}
                    </Text>
                  )}
                  <CodeEditor label={`Body of version ${version.data.version}`} value={version.data.body} readOnly height={420} />
                </>
              )}
            </Stack>
          )}
        </Stack>
      )}
    </Drawer>
  );
}
