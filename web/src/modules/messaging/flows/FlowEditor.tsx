import { Alert, Box, Button, Flex, Group, Menu, Modal, Radio, Stack, Tabs, Text, Title, Tooltip } from '@mantine/core';
import { IconAlertCircle, IconArchive, IconDeviceFloppy, IconDots, IconPlayerPause, IconPlayerPlay, IconRoute, IconUserPlus } from '@tabler/icons-react';
import { useBlocker, useNavigate } from '@tanstack/react-router';
import { useMemo, useRef, useState, type ReactNode } from 'react';
import type { FlowDefinition, StepType } from '../../../../../server/src/modules/messaging/flows.definition.ts';
import { describeTrigger } from '../../../../../server/src/modules/messaging/flows.graph.ts';
import { ConfirmModal } from '../../../components/ConfirmModal.tsx';
import { notifyError, notifySuccess } from '../../../components/notify.tsx';
import { ApiError } from '../../../lib/api.ts';
import { useCan } from '../../session/context.tsx';
import { CustomerPicker } from '../templates/CustomerPicker.tsx';
import { useArchiveFlow, useCreateFlow, useEnrol, useSetFlowStatus, useUpdateFlow, type FlowDetail } from './api.ts';
import { errorPlace, insertStep, removeStep, replaceStep, type EdgeRef } from './editor.ts';
import { FlowCanvas } from './FlowCanvas.tsx';
import type { FlowLookups } from './lookups.ts';
import { SettingsPanel } from './SettingsPanel.tsx';
import { FlowStatusBadge } from './status.tsx';
import { StepPanel } from './StepPanel.tsx';

export const EMPTY_FLOW: FlowDefinition = { version: 1, trigger: { type: 'activity', activity: 'Checkout Started' }, reentry: { mode: 'always' }, exitOn: [], start: null, steps: [] };

interface Problem {
  stepId: string | null;
  field: string;
  message: string;
}

/** Problems the browser can see before asking the server (a step without its template). */
function localProblems(def: FlowDefinition, name: string): Problem[] {
  const out: Problem[] = [];
  if (!name.trim()) out.push({ stepId: null, field: 'name', message: 'Give the flow a name' });
  for (const s of def.steps) {
    if ((s.type === 'email' || s.type === 'sms') && !s.templateId) out.push({ stepId: s.id, field: 'templateId', message: 'Choose a template' });
    if (s.type === 'attribute' && !s.key) out.push({ stepId: s.id, field: 'key', message: 'Name the attribute' });
  }
  if (def.trigger.type === 'segment' && !def.trigger.segmentId) out.push({ stepId: null, field: 'trigger/segmentId', message: 'Choose a segment' });
  return out;
}

/**
 * The flow editor: the flow drawn as a tree (with live per-step counts once saved), the selected
 * step's or the trigger's settings beside it, save (a new version when the flow has run), switch
 * on / pause, enrol by hand, archive. `flow` absent: a new flow.
 */
export interface ExtraTab {
  value: string;
  label: string;
  icon: ReactNode;
  panel: ReactNode;
}

export function FlowEditor({ flow, lookups, currency, stats, tabs }: { flow?: FlowDetail; lookups: FlowLookups; currency: string; stats?: ReactNode; tabs?: ExtraTab[] }): ReactNode {
  const navigate = useNavigate();
  const can = useCan();
  const writable = can('messaging:write');
  const [def, setDef] = useState<FlowDefinition>(() => (flow ? (flow.definition as FlowDefinition) : EMPTY_FLOW));
  const [name, setName] = useState(flow?.name ?? 'Untitled flow');
  const [description, setDescription] = useState(flow?.description ?? '');
  const [selected, setSelected] = useState<string | null>('trigger');
  const [dirty, setDirty] = useState(!flow);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [asking, setAsking] = useState(false);
  const [move, setMove] = useState<'stay' | 'move'>('stay');
  const [archiving, setArchiving] = useState(false);
  const [enrolling, setEnrolling] = useState(false);
  const saved = useRef(false);
  const create = useCreateFlow();
  const update = useUpdateFlow(flow?.id ?? '');
  const status = useSetFlowStatus(flow?.id ?? '');
  const archive = useArchiveFlow();
  const saving = create.isPending || update.isPending;

  useBlocker({
    shouldBlockFn: () => dirty && !saved.current && writable && !window.confirm('Leave without saving? Your changes to this flow will be lost.'),
    enableBeforeUnload: () => dirty && !saved.current && writable,
  });

  const change = (next: FlowDefinition) => {
    setDef(next);
    setDirty(true);
    setProblems((ps) => ps.filter((x) => x.stepId !== selected && !(selected === 'trigger' && x.stepId === null)));
  };
  const errorsByNode = useMemo(() => {
    const m = new Map<string, string[]>();
    for (const x of problems) {
      const k = x.stepId ?? 'trigger';
      m.set(k, [...(m.get(k) ?? []), x.message]);
    }
    return m;
  }, [problems]);

  const insert = (edge: EdgeRef, type: StepType) => {
    const r = insertStep(def, edge, type);
    change(r.def);
    setSelected(r.id);
  };

  const doSave = (moveInFlight: boolean) => {
    const body = { name: name.trim(), description: description.trim(), definition: def };
    const onError = (err: Error) => {
      if (err instanceof ApiError && err.status === 400 && err.problem.errors?.length) {
        const placed = err.problem.errors.map((e) => {
          const at = errorPlace(def, e.pointer);
          return { stepId: at?.stepId ?? null, field: at?.field ?? (e.pointer.replace('/body/', '') || ''), message: e.detail };
        });
        setProblems(placed);
        const first = placed[0];
        if (first) setSelected(first.stepId ?? 'trigger');
        notifyError(err, 'The flow has problems to fix');
      } else notifyError(err, 'Could not save the flow');
    };
    if (!flow) {
      create.mutate(body, {
        onSuccess: (f) => {
          saved.current = true;
          notifySuccess(`Saved “${f.name}”. Switch it on when it is ready.`);
          void navigate({ to: '/flows/$id', params: { id: f.id } });
        },
        onError,
      });
      return;
    }
    update.mutate({ ...body, moveInFlight }, {
      onSuccess: (f) => {
        setDirty(false);
        setProblems([]);
        setAsking(false);
        notifySuccess(f.moved ? `Version ${f.version} saved: ${f.moved.moved} customers moved to it, ${f.moved.exited} exited.` : f.version !== flow.version ? `Version ${f.version} saved.` : 'Saved.');
      },
      onError,
    });
  };

  const save = () => {
    const local = localProblems(def, name);
    if (local.length) {
      setProblems(local);
      setSelected(local[0]!.stepId ?? 'trigger');
      return;
    }
    const changed = flow && JSON.stringify(flow.definition) !== JSON.stringify(def);
    if (flow && changed && flow.stats.inFlow > 0) {
      setMove('stay');
      setAsking(true);
      return;
    }
    doSave(false);
  };

  const step = selected && selected !== 'trigger' ? def.steps.find((s) => s.id === selected) : undefined;
  const readOnly = !writable;
  const live = flow?.status === 'live';
  const triggerSummary = describeTrigger(def.trigger, { segments: Object.fromEntries(lookups.segments.map((s) => [s.id, s.name])) });
  const stepProblems = (id: string) => problems.filter((x) => x.stepId === id).map((x) => ({ field: x.field, message: x.message }));

  const canvas = (
        <Flex direction={{ base: 'column', md: 'row' }} gap="md" align={{ base: 'stretch', md: 'flex-start' }}>
          <Box style={{ flex: 1, minWidth: 0 }}>
            <FlowCanvas
              def={def}
              triggerSummary={triggerSummary}
              stats={dirty ? undefined : flow?.steps}
              selected={selected}
              onSelect={setSelected}
              onInsert={readOnly ? undefined : insert}
              errors={errorsByNode}
              summary={lookups.summary}
            />
          </Box>
          <Box w={{ base: '100%', md: 380 }} style={{ flexShrink: 0, position: 'sticky', top: 72 }}>
            {step ? (
              <StepPanel
                key={step.id}
                step={step}
                onChange={(s) => change(replaceStep(def, s))}
                onDelete={() => {
                  change(removeStep(def, step.id));
                  setSelected('trigger');
                }}
                errors={stepProblems(step.id)}
                lookups={lookups}
                readOnly={readOnly}
                currency={currency}
                webhookSecret={flow?.webhookSecret}
              />
            ) : (
              <SettingsPanel
                name={name}
                description={description}
                def={def}
                onName={(v) => {
                  setName(v);
                  setDirty(true);
                }}
                onDescription={(v) => {
                  setDescription(v);
                  setDirty(true);
                }}
                onChange={change}
                errors={problems.filter((x) => x.stepId === null).map((x) => ({ field: x.field, message: x.message }))}
                nameError={problems.find((x) => x.field === 'name')?.message}
                lookups={lookups}
                readOnly={readOnly}
              />
            )}
          </Box>
        </Flex>
  );

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-start" wrap="wrap" gap="md">
        <Stack gap={4} style={{ flex: '1 1 320px', minWidth: 0 }}>
          <Group gap="sm" wrap="nowrap">
            <Title order={1} fz={26} fw={650} style={{ letterSpacing: '-0.01em' }} lineClamp={1}>
              {name || 'Untitled flow'}
            </Title>
            {flow && <FlowStatusBadge status={flow.status} />}
          </Group>
          <Text c="dimmed" fz="sm">
            {flow ? `Version ${flow.version}${dirty ? ' · unsaved changes' : ''} · ${triggerSummary}` : 'A new flow: choose its trigger, then add steps with the + buttons.'}
          </Text>
        </Stack>
        {writable && (
          <Group gap="sm">
            {flow && flow.status !== 'archived' && (
              <Tooltip label="Save your changes first" disabled={!dirty} withArrow>
                <Button
                  variant={live ? 'default' : 'light'}
                  color={live ? undefined : 'teal'}
                  leftSection={live ? <IconPlayerPause size={16} /> : <IconPlayerPlay size={16} />}
                  loading={status.isPending}
                  disabled={dirty}
                  onClick={() =>
                    status.mutate(live ? 'paused' : 'live', {
                      onSuccess: (f) => notifySuccess(f.status === 'live' ? `“${f.name}” is live: customers enter it as it triggers.` : `“${f.name}” is paused: nobody enters, customers in it wait where they are.`),
                      onError: (e) => notifyError(e, live ? 'Could not pause' : 'Could not switch it on'),
                    })
                  }
                >
                  {live ? 'Pause' : 'Switch on'}
                </Button>
              </Tooltip>
            )}
            <Button leftSection={<IconDeviceFloppy size={16} />} onClick={save} loading={saving} disabled={!dirty}>
              {flow ? 'Save' : 'Save flow'}
            </Button>
            {flow && (
              <Menu position="bottom-end" withinPortal>
                <Menu.Target>
                  <Button variant="default" px={10} aria-label="More actions">
                    <IconDots size={18} />
                  </Button>
                </Menu.Target>
                <Menu.Dropdown>
                  <Menu.Item leftSection={<IconUserPlus size={14} />} disabled={!live} onClick={() => setEnrolling(true)}>
                    Enrol a customer…
                  </Menu.Item>
                  <Menu.Divider />
                  <Menu.Item color="red" leftSection={<IconArchive size={14} />} onClick={() => setArchiving(true)}>
                    Archive…
                  </Menu.Item>
                </Menu.Dropdown>
              </Menu>
            )}
          </Group>
        )}
      </Group>

      {problems.some((x) => x.stepId === null && x.field === 'name') && (
        <Alert color="red" variant="light" icon={<IconAlertCircle size={16} />}>
          Give the flow a name (in the trigger's settings).
        </Alert>
      )}

      {stats}
      {tabs?.length ? (
        <Tabs defaultValue="flow" keepMounted>
          <Tabs.List mb="md">
            <Tabs.Tab value="flow" leftSection={<IconRoute size={16} />}>
              Flow
            </Tabs.Tab>
            {tabs.map((t) => (
              <Tabs.Tab key={t.value} value={t.value} leftSection={t.icon}>
                {t.label}
              </Tabs.Tab>
            ))}
          </Tabs.List>
          <Tabs.Panel value="flow">{canvas}</Tabs.Panel>
          {tabs.map((t) => (
            <Tabs.Panel key={t.value} value={t.value}>
              {t.panel}
            </Tabs.Panel>
          ))}
        </Tabs>
      ) : (
        canvas
      )}

      <Modal opened={asking} onClose={() => setAsking(false)} title={<Text fw={600}>Save as version {(flow?.version ?? 0) + 1}</Text>} centered>
        <Stack gap="md">
          <Text fz="sm">
            {flow?.stats.inFlow.toLocaleString()} customers are in this flow now. New customers enter the new version. What about them?
          </Text>
          <Radio.Group value={move} onChange={(v) => setMove(v as 'stay')}>
            <Stack gap="sm">
              <Radio value="stay" label="Let them finish on the version they started" description="Nothing changes for them." />
              <Radio value="move" label="Move them to the new version" description="Each continues at the step with the same id; those at a step you removed leave the flow." />
            </Stack>
          </Radio.Group>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setAsking(false)}>
              Cancel
            </Button>
            <Button onClick={() => doSave(move === 'move')} loading={saving}>
              Save version
            </Button>
          </Group>
        </Stack>
      </Modal>

      {flow && (
        <ConfirmModal
          opened={archiving}
          title={`Archive “${flow.name}”?`}
          confirmLabel="Archive flow"
          loading={archive.isPending}
          onClose={() => setArchiving(false)}
          onConfirm={() =>
            archive.mutate(flow.id, {
              onSuccess: () => {
                saved.current = true;
                notifySuccess(`Archived “${flow.name}”.`);
                void navigate({ to: '/flows' });
              },
              onError: (e) => notifyError(e, 'Could not archive'),
            })
          }
        >
          Nobody enters it any more; the {flow.stats.inFlow.toLocaleString()} customers in it leave, and their messages not yet sent are cancelled. Its reports stay.
        </ConfirmModal>
      )}
      {flow && enrolling && <EnrolModal flowId={flow.id} onClose={() => setEnrolling(false)} />}
    </Stack>
  );
}

function EnrolModal({ flowId, onClose }: { flowId: string; onClose: () => void }) {
  const [customer, setCustomer] = useState<string | null>(null);
  const enrol = useEnrol(flowId);
  return (
    <Modal opened onClose={onClose} title={<Text fw={600}>Enrol a customer</Text>} centered>
      <Stack gap="md">
        <CustomerPicker label="Customer" value={customer} onChange={setCustomer} />
        <Text fz="xs" c="dimmed">
          They start at the first step now. The flow's re-entry rule applies: someone already in it is not enrolled twice.
        </Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button
            disabled={!customer}
            loading={enrol.isPending}
            onClick={() =>
              customer &&
              enrol.mutate([customer], {
                onSuccess: (r) => {
                  if (r.enrolled) notifySuccess('Enrolled: they start at the first step now.');
                  else notifyError(new Error('They are in the flow already, or its re-entry rule keeps them out.'), 'Not enrolled');
                  onClose();
                },
                onError: (e) => notifyError(e, 'Could not enrol'),
              })
            }
          >
            Enrol
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
