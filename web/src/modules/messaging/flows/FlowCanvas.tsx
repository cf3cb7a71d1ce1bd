import { ActionIcon, Badge, Box, Group, Menu, Paper, Text, ThemeIcon, Tooltip } from '@mantine/core';
import { IconBolt, IconCornerDownRight, IconPlus } from '@tabler/icons-react';
import { Fragment, type ReactNode } from 'react';
import type { FlowDefinition, Step, StepType } from '../../../../../server/src/modules/messaging/flows.definition.ts';
import { formatInt } from '../../../lib/money.ts';
import type { StepStats } from './api.ts';
import type { EdgeRef } from './editor.ts';
import { connector, layout, type Item } from './layout.ts';
import { STEP_GROUPS, STEP_INFO } from './steps.ts';
import './flows.css';

const classes = {
  canvas: 'patron-flow-canvas', edge: 'patron-flow-edge', node: 'patron-flow-node', stats: 'patron-flow-stats', end: 'patron-flow-end',
  branch: 'patron-flow-branch', plus: 'patron-flow-plus', plusButton: 'patron-flow-plus-button',
};

export interface CanvasProps {
  def: FlowDefinition;
  triggerSummary: string;
  /** Per-step figures of the saved flow (absent for a new one). */
  stats?: Record<string, StepStats>;
  selected: string | null;
  onSelect: (key: string) => void;
  /** Absent: read-only (a past version, or no permission). */
  onInsert?: (edge: EdgeRef, type: StepType) => void;
  errors: Map<string, string[]>;
  summary: (s: Step) => string;
}

const pct = (n: number, of: number) => (of > 0 ? `${Math.round((100 * n) / of)} %` : '—');

/** The flow drawn as a tree: the trigger, steps with their live counts, branches, "+" to insert a step on any edge. */
export function FlowCanvas(p: CanvasProps) {
  const l = layout(p.def);
  const pad = 24;
  const stepName = (id: string) => {
    const s = p.def.steps.find((x) => x.id === id);
    return s ? s.name || STEP_INFO[s.type].label : id;
  };
  return (
    <Box className={classes.canvas} data-testid="flow-canvas">
      <Box pos="relative" mx="auto" w={l.width + 2 * pad} h={l.height + 2 * pad} style={{ minWidth: l.width + 2 * pad }}>
        <svg width={l.width + 2 * pad} height={l.height + 2 * pad} style={{ position: 'absolute', inset: 0, overflow: 'visible' }} aria-hidden>
          {l.edges.map((e) => (
            <path key={e.key} d={connector({ x: e.from.x + pad, y: e.from.y + pad }, { x: e.to.x + pad, y: e.to.y + pad })} className={classes.edge} />
          ))}
        </svg>
        {l.edges.map((e) => {
          const count = e.label && e.ref.from !== 'trigger' ? p.stats?.[e.ref.from]?.branches[e.serverBranch] : undefined;
          return (
            <Fragment key={`ctl:${e.key}`}>
              {e.label && (
                <Badge
                  className={classes.branch}
                  variant="light"
                  color="gray"
                  size="sm"
                  radius="sm"
                  style={{ left: e.to.x + pad, top: e.to.y + pad - 14 }}
                  rightSection={count ? <Text span fz={10} fw={700} c="dimmed">{formatInt(count)}</Text> : undefined}
                >
                  {e.label}
                </Badge>
              )}
              {p.onInsert && (
                <Box className={classes.plus} style={{ left: e.to.x + pad, top: e.to.y + pad - (e.label ? 40 : 34) }}>
                  <AddStepMenu onPick={(t) => p.onInsert!(e.ref, t)} label={`Add a step here${e.ref.from === 'trigger' ? ' (first step)' : ''}`} />
                </Box>
              )}
            </Fragment>
          );
        })}
        {l.items.map((it) => (
          <Box key={it.key} pos="absolute" left={it.x + pad} top={it.y + pad} w={it.w} h={it.h}>
            <Node item={it} {...p} stepName={stepName} />
          </Box>
        ))}
      </Box>
    </Box>
  );
}

function Node({ item, stepName, ...p }: CanvasProps & { item: Item; stepName: (id: string) => string }): ReactNode {
  if (item.kind === 'end') {
    return (
      <Box className={classes.end} data-holdout={item.holdout || undefined}>
        {item.holdout ? 'Control: exits' : 'End'}
      </Box>
    );
  }
  if (item.kind === 'ref') {
    return (
      <Box className={classes.end} role="button" tabIndex={0} onClick={() => p.onSelect(item.target)} onKeyDown={(e) => e.key === 'Enter' && p.onSelect(item.target)}>
        <IconCornerDownRight size={13} />
        <Text span fz="xs" truncate>
          Continues at {stepName(item.target)}
        </Text>
      </Box>
    );
  }
  const selected = p.selected === item.key;
  const errors = p.errors.get(item.key) ?? [];
  const open = () => p.onSelect(item.key);
  if (item.kind === 'trigger') {
    return (
      <Paper className={classes.node} data-selected={selected || undefined} data-error={errors.length > 0 || undefined} data-testid="flow-node-trigger" onClick={open} role="button" tabIndex={0} onKeyDown={(e) => e.key === 'Enter' && open()}>
        <Group gap={10} wrap="nowrap" align="flex-start">
          <ThemeIcon size={30} radius="md" variant="filled" color="violet">
            <IconBolt size={17} />
          </ThemeIcon>
          <Box style={{ minWidth: 0 }}>
            <Text fz={11} fw={700} c="violet.7" tt="uppercase" style={{ letterSpacing: '0.05em' }}>
              Trigger
            </Text>
            <Text fz="sm" fw={600} lineClamp={2}>
              {p.triggerSummary}
            </Text>
          </Box>
        </Group>
      </Paper>
    );
  }
  const s = item.step;
  const info = STEP_INFO[s.type];
  const st = p.stats?.[s.id];
  const messages = s.type === 'email' || s.type === 'sms';
  return (
    <Paper
      className={classes.node}
      data-selected={selected || undefined}
      data-error={errors.length > 0 || undefined}
      data-testid={`flow-node-${s.id}`}
      onClick={open}
      role="button"
      tabIndex={0}
      aria-label={`${info.label}: ${s.name ?? s.id}`}
      onKeyDown={(e) => e.key === 'Enter' && open()}
    >
      <Group gap={10} wrap="nowrap" align="flex-start">
        <ThemeIcon size={30} radius="md" variant="light" color={info.color}>
          <info.icon size={17} />
        </ThemeIcon>
        <Box style={{ minWidth: 0, flex: 1 }}>
          <Text fz={11} fw={700} c="dimmed" tt="uppercase" style={{ letterSpacing: '0.05em' }} truncate>
            {info.label}
          </Text>
          <Text fz="sm" fw={600} truncate title={s.name || p.summary(s)}>
            {s.name || p.summary(s)}
          </Text>
          {s.name && s.name !== p.summary(s) && (
            <Text fz="xs" c="dimmed" truncate title={p.summary(s)}>
              {p.summary(s)}
            </Text>
          )}
        </Box>
      </Group>
      {errors.length > 0 ? (
        <Text fz={11} c="red.7" mt={6} lineClamp={1} title={errors.join('\n')}>
          {errors[0]}
        </Text>
      ) : st ? (
        <Group gap={6} mt={6} wrap="nowrap" className={classes.stats}>
          {(info.group === 'Wait' || st.waiting > 0) && (
            <>
              <Tooltip label="Customers at this step now" withArrow>
                <Text span fz={11} fw={600} c={st.waiting ? 'blue.7' : 'dimmed'} data-testid={`waiting-${s.id}`}>
                  {formatInt(st.waiting)} {info.group === 'Wait' ? 'waiting' : 'here'}
                </Text>
              </Tooltip>
              <Text span fz={11} c="dimmed">·</Text>
            </>
          )}
          <Tooltip label="Customers who went past this step" withArrow>
            <Text span fz={11} c="dimmed">{formatInt(st.passed)} passed</Text>
          </Tooltip>
          {st.exited > 0 && (
            <>
              <Text span fz={11} c="dimmed">·</Text>
              <Tooltip label="Customers whose run ended at this step (exit condition, control group, failure)" withArrow>
                <Text span fz={11} c="orange.8">{formatInt(st.exited)} exited</Text>
              </Tooltip>
            </>
          )}
          {messages && st.sent > 0 && (
            <>
              <Text span fz={11} c="dimmed">·</Text>
              <Tooltip label={`${formatInt(st.sent)} sent, ${formatInt(st.opened)} opened, ${formatInt(st.clicked)} clicked`} withArrow>
                <Text span fz={11} c="dimmed">{pct(st.opened, st.sent)} open</Text>
              </Tooltip>
            </>
          )}
        </Group>
      ) : null}
    </Paper>
  );
}

function AddStepMenu({ onPick, label }: { onPick: (t: StepType) => void; label: string }) {
  return (
    <Menu position="bottom" withinPortal shadow="md" width={260}>
      <Menu.Target>
        <Tooltip label={label} withArrow openDelay={300}>
          <ActionIcon size={22} radius="xl" variant="default" aria-label={label} className={classes.plusButton}>
            <IconPlus size={13} />
          </ActionIcon>
        </Tooltip>
      </Menu.Target>
      <Menu.Dropdown>
        {STEP_GROUPS.map((g, i) => (
          <Fragment key={g}>
            {i > 0 && <Menu.Divider />}
            <Menu.Label>{g}</Menu.Label>
            {(Object.keys(STEP_INFO) as StepType[]).filter((t) => STEP_INFO[t].group === g).map((t) => {
              const info = STEP_INFO[t];
              return (
                <Menu.Item key={t} leftSection={<info.icon size={15} />} onClick={() => onPick(t)}>
                  {info.label}
                </Menu.Item>
              );
            })}
          </Fragment>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}
