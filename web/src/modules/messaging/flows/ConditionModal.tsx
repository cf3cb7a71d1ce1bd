import { Alert, Button, Group, Modal, Paper, Stack, Text } from '@mantine/core';
import { IconFilter } from '@tabler/icons-react';
import { useMemo, useState, type ReactNode } from 'react';
import type { Definition } from '../../../../../server/src/modules/segments/segments.definition.ts';
import type { Catalogue } from '../../segments/api.ts';
import { build, emptyCondition, fromDefinition, unfinishedNodes, type EGroup } from '../../segments/editor.ts';
import { SegmentTree } from '../../segments/SegmentTree.tsx';
import { subjects } from '../../segments/subjects.ts';

/**
 * A conditional split's condition: the same conditions as segments (profile, purchases, behaviour,
 * segment membership), edited with the segment builder's tree in a dialog.
 */
export function ConditionModal(p: { value: Definition; onChange: (d: Definition) => void; catalogue: Catalogue | undefined; tags: string[]; error?: string; readOnly: boolean; summary: string }): ReactNode {
  const [open, setOpen] = useState(false);
  return (
    <Stack gap="xs">
      <Text fz="sm" fw={500}>
        Yes, for customers who match
      </Text>
      <Paper withBorder radius="sm" p="sm" bg="var(--patron-surface)">
        <Text fz="sm">{p.summary}</Text>
      </Paper>
      {p.error && (
        <Text fz="xs" c="red.7">
          {p.error}
        </Text>
      )}
      {!p.readOnly && (
        <Button variant="default" size="xs" leftSection={<IconFilter size={14} />} onClick={() => setOpen(true)} disabled={!p.catalogue}>
          Edit the condition
        </Button>
      )}
      <Text fz="xs" c="dimmed">
        Checked for each customer when they reach this step; the others take the “No” branch.
      </Text>
      {open && p.catalogue && <Editor {...p} catalogue={p.catalogue} onClose={() => setOpen(false)} />}
    </Stack>
  );
}

function Editor(p: { value: Definition; onChange: (d: Definition) => void; catalogue: Catalogue; tags: string[]; onClose: () => void }) {
  const [root, setRoot] = useState<EGroup>(() => {
    const r = fromDefinition(p.value);
    return r.conditions.length ? r : { ...r, conditions: [emptyCondition()] };
  });
  const [tried, setTried] = useState(false);
  const ctx = useMemo(() => ({ catalogue: p.catalogue, subjects: subjects(p.catalogue), tags: p.tags }), [p.catalogue, p.tags]);
  const missing = unfinishedNodes(root, p.catalogue);
  const apply = () => {
    setTried(true);
    if (missing.size) return;
    p.onChange(build(root, p.catalogue).definition);
    p.onClose();
  };
  return (
    <Modal opened onClose={p.onClose} title="Split condition" size="xl">
      <Stack gap="md">
        <SegmentTree root={root} onChange={setRoot} errors={tried ? missing : new Map()} ctx={ctx} />
        {tried && missing.size > 0 && (
          <Alert color="red" variant="light" p="xs">
            Finish or remove the highlighted conditions.
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={p.onClose}>
            Cancel
          </Button>
          <Button onClick={apply}>Use this condition</Button>
        </Group>
      </Stack>
    </Modal>
  );
}
