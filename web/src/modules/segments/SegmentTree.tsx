import { ActionIcon, Box, Button, Divider, Group, Paper, Select, Stack, Text, Tooltip } from '@mantine/core';
import { IconPlus, IconSquarePlus, IconTrash } from '@tabler/icons-react';
import { Fragment } from 'react';
import type { Group as GroupNode } from '../../../../server/src/modules/segments/segments.definition.ts';
import { ConditionRow } from './ConditionRow.tsx';
import type { RowContext } from './context.ts';
import { appendTo, emptyCondition, emptyGroup, removeNode, updateNode, type EGroup, type ErrorMap } from './editor.ts';
import { MATCH_CHOICES } from './ops.ts';

const MAX_DEPTH = 6;
const JOINER: Record<GroupNode['match'], string> = { all: 'and', any: 'or', none: 'or' };

/** The whole tree: the root group, its conditions and nested groups, edited in place. */
export function SegmentTree({ root, onChange, errors, ctx }: { root: EGroup; onChange: (root: EGroup) => void; errors: ErrorMap; ctx: RowContext }) {
  return <GroupEditor group={root} root={root} depth={1} label="" onChange={onChange} errors={errors} ctx={ctx} />;
}

function GroupEditor({ group, root, depth, label, onChange, errors, ctx }: { group: EGroup; root: EGroup; depth: number; label: string; onChange: (root: EGroup) => void; errors: ErrorMap; ctx: RowContext }) {
  const nested = depth > 1;
  const n = group.conditions.length;
  const header = (
    <Group gap={8} wrap="wrap">
      <Text fz="sm" fw={500}>
        {nested ? 'Match' : 'Customers who match'}
      </Text>
      <Select
        aria-label={nested ? `Group ${label}: match` : 'Match'}
        data={MATCH_CHOICES}
        value={group.match}
        onChange={(m) => m && onChange(updateNode(root, group.id, (g) => ({ ...g, match: m as GroupNode['match'] })))}
        allowDeselect={false}
        w={84}
        size="xs"
      />
      <Text fz="sm" fw={500}>
        of the following
      </Text>
    </Group>
  );
  const actions = (
    <Group gap="xs">
      <Button variant="light" size="xs" leftSection={<IconPlus size={14} />} onClick={() => onChange(appendTo(root, group.id, emptyCondition()))}>
        Add condition
      </Button>
      {depth < MAX_DEPTH && (
        <Button
          variant="subtle"
          size="xs"
          leftSection={<IconSquarePlus size={14} />}
          onClick={() => onChange(appendTo(root, group.id, { ...emptyGroup(group.match === 'all' ? 'any' : 'all'), conditions: [emptyCondition()] }))}
        >
          Add group
        </Button>
      )}
    </Group>
  );
  const body = (
    <Stack gap="sm">
      <Group justify="space-between" wrap="nowrap" align="center">
        {header}
        {nested && (
          <Tooltip label="Remove this group and its conditions" withArrow>
            <ActionIcon variant="subtle" color="gray" onClick={() => onChange(removeNode(root, group.id))} aria-label={`Remove group ${label}`}>
              <IconTrash size={16} />
            </ActionIcon>
          </Tooltip>
        )}
      </Group>
      {n === 0 && !nested && (
        <Paper withBorder radius="md" p="md" style={{ borderStyle: 'dashed' }} bg="transparent">
          <Text fz="sm" c="dimmed">
            No conditions yet, so this segment holds every customer. Add a condition to narrow it down: a country, a spend, something they did or bought.
          </Text>
        </Paper>
      )}
      <Stack gap={0}>
        {group.conditions.map((c, i) => {
          const childLabel = label ? `${label}.${i + 1}` : String(i + 1);
          return (
            <Fragment key={c.id}>
              {i > 0 && <Divider my={6} label={<Text fz={11} fw={700} c="dimmed" tt="uppercase" style={{ letterSpacing: '0.06em' }}>{JOINER[group.match]}</Text>} labelPosition="left" />}
              {c.kind === 'group' ? (
                <GroupEditor group={c} root={root} depth={depth + 1} label={childLabel} onChange={onChange} errors={errors} ctx={ctx} />
              ) : (
                <Paper withBorder radius="md" p="sm" bg="var(--mantine-color-body)">
                  <ConditionRow
                    index={childLabel}
                    cond={c.cond}
                    errors={errors.get(c.id) ?? []}
                    ctx={ctx}
                    onChange={(cond) => onChange(updateNode(root, c.id, (x) => ({ ...x, cond }) as typeof c))}
                    onRemove={() => onChange(removeNode(root, c.id))}
                  />
                </Paper>
              )}
            </Fragment>
          );
        })}
      </Stack>
      {actions}
    </Stack>
  );
  if (!nested) return body;
  return (
    <Box role="group" aria-label={`Group ${label}`} p="sm" style={{ borderRadius: 'var(--mantine-radius-md)', border: '1px solid var(--mantine-color-default-border)', borderLeft: '3px solid var(--mantine-color-indigo-3)', background: 'var(--patron-surface)' }}>
      {body}
    </Box>
  );
}
