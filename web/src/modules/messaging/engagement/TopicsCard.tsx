import { ActionIcon, Alert, Button, Group, Skeleton, Stack, Text, TextInput, Tooltip } from '@mantine/core';
import { IconAlertCircle, IconDeviceFloppy, IconPlus, IconTrash } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import type { ReactNode } from 'react';
import { notifySuccess } from '../../../components/notify.tsx';
import { errorMessage } from '../../../lib/api.ts';
import { useCan } from '../../session/context.tsx';
import { fieldErrors, ReadOnlyNote, Section } from '../settings/Section.tsx';
import { useSaveTopics, useTopics } from './api.ts';
import type { Topic } from './api.ts';

const keyOf = (label: string) => label.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 50);

/** The topics of the preference centre: customers turn them off; campaigns and flows name one. For the Email & SMS settings page. */
export function TopicsCard(): ReactNode {
  const can = useCan();
  const writable = can('messaging:write');
  const topics = useTopics();
  const save = useSaveTopics();
  const [rows, setRows] = useState<Topic[] | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    if (topics.data) setRows(topics.data);
  }, [topics.data]);

  const set = (i: number, t: Partial<Topic>) => setRows((r) => r?.map((x, j) => (j === i ? { ...x, ...t } : x)) ?? null);
  const changed = rows && topics.data && JSON.stringify(rows) !== JSON.stringify(topics.data);

  return (
    <Section id="topics" title="Preference-centre topics" description="What customers can choose to hear about on the page behind the “Email preferences” link. A campaign or flow sent under a topic skips those who turned it off.">
      {topics.isError && <Alert color="red" icon={<IconAlertCircle size={18} />}>{errorMessage(topics.error)}</Alert>}
      {!rows ? (
        !topics.isError && <Skeleton h={120} />
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            setProblem(null);
            setErrors({});
            save.mutate(rows.map((r) => ({ ...r, key: r.key || keyOf(r.label) })), {
              onSuccess: () => notifySuccess('Customers see them on their preference page.', 'Topics saved'),
              onError: (err) => {
                const fe = fieldErrors(err);
                if (fe) setErrors(fe);
                else setProblem(errorMessage(err));
              },
            });
          }}
        >
          <Stack gap="sm">
            {problem && <Alert color="red" icon={<IconAlertCircle size={18} />}>{problem}</Alert>}
            {rows.length === 0 && <Text fz="sm" c="dimmed">No topics: the preference page offers only a pause and unsubscribing from everything.</Text>}
            {rows.map((t, i) => (
              <Group key={i} align="flex-start" gap="sm" wrap="wrap">
                <TextInput aria-label="Topic name" placeholder="Newsletter" value={t.label} onChange={(e) => set(i, { label: e.currentTarget.value })} error={errors[`topics/${i}/label`]} disabled={!writable} style={{ flex: '1 1 180px' }} />
                <TextInput aria-label="Key" placeholder={keyOf(t.label) || 'newsletter'} value={t.key} onChange={(e) => set(i, { key: e.currentTarget.value })} error={errors[`topics/${i}/key`]} disabled={!writable} w={160} ff="monospace" />
                <TextInput aria-label="Description" placeholder="What it is about, in a few words" value={t.description} onChange={(e) => set(i, { description: e.currentTarget.value })} error={errors[`topics/${i}/description`]} disabled={!writable} style={{ flex: '2 1 240px' }} />
                {writable && (
                  <Tooltip label="Remove topic" withArrow>
                    <ActionIcon variant="subtle" color="gray" mt={4} onClick={() => setRows(rows.filter((_, j) => j !== i))} aria-label={`Remove topic ${t.label}`}>
                      <IconTrash size={16} />
                    </ActionIcon>
                  </Tooltip>
                )}
              </Group>
            ))}
            {writable ? (
              <Group justify="space-between">
                <Button variant="subtle" leftSection={<IconPlus size={16} />} onClick={() => setRows([...rows, { key: '', label: '', description: '' }])} disabled={rows.length >= 30}>
                  Add topic
                </Button>
                <Button type="submit" leftSection={<IconDeviceFloppy size={16} />} loading={save.isPending} disabled={!changed}>
                  Save topics
                </Button>
              </Group>
            ) : (
              <ReadOnlyNote permission="messaging:write" />
            )}
          </Stack>
        </form>
      )}
    </Section>
  );
}
