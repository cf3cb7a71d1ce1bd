import { Alert, Box, Button, Flex, Group, List, Stack, Stepper, Text } from '@mantine/core';
import { IconAlertCircle, IconArrowLeft, IconArrowRight, IconDeviceFloppy, IconSend } from '@tabler/icons-react';
import { useBlocker, useNavigate } from '@tanstack/react-router';
import { useRef, useState } from 'react';
import { notifyError, notifySuccess } from '../../../components/notify.tsx';
import { PageHeader } from '../../../components/PageHeader.tsx';
import { ApiError } from '../../../lib/api.ts';
import { useCampaignAction, useSaveCampaign, type Campaign } from './api.ts';
import { AudiencePanel } from './AudiencePanel.tsx';
import { initialState, missing, STEPS, stepOfPointer, toBody, type FormState, type Step } from './form.ts';
import { AudienceStep, MessageStep, ScheduleStep, TestStep } from './FormSteps.tsx';
import { ReviewStep } from './ReviewStep.tsx';

const LABELS: Record<Step, [string, string]> = {
  message: ['Message', 'Template and sender'],
  audience: ['Audience', 'Who receives it'],
  schedule: ['Schedule', 'When and how fast'],
  test: ['A/B test', 'Optional'],
  review: ['Review', 'Check and send'],
};

/** The campaign wizard: message, audience (with a live count), schedule, A/B test, review; save as a draft at any step, or send. */
export function CampaignForm({ campaign }: { campaign?: Campaign }) {
  const navigate = useNavigate();
  const [f, setF] = useState<FormState>(() => initialState(campaign));
  const [active, setActive] = useState(0);
  const [dirty, setDirty] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<{ title: string; detail: string } | null>(null);
  // After the first save a new campaign is edited in place (a failed send leaves a saved draft).
  const [id, setId] = useState<string | undefined>(campaign?.id);
  const leaving = useRef(false);
  const save = useSaveCampaign(id);
  const send = useCampaignAction('send');
  const busy = save.isPending || send.isPending;
  const step = STEPS[active]!;
  const todo = missing(f);

  useBlocker({
    shouldBlockFn: () => dirty && !leaving.current && !window.confirm('Leave without saving? Your changes to this campaign will be lost.'),
    enableBeforeUnload: () => dirty && !leaving.current,
  });

  const set = (patch: Partial<FormState>) => {
    setF((cur) => ({ ...cur, ...patch }));
    setDirty(true);
    // The last refusal was about the campaign as it was.
    setProblem(null);
    // A changed field drops the server's complaint about it.
    setErrors((e) => Object.fromEntries(Object.entries(e).filter(([k]) => !Object.keys(patch).some((p) => k === p || k.startsWith(`${p}/`) || (p === 'variants' && k.startsWith('abTest'))))));
  };

  const fail = (err: Error, title: string) => {
    if (err instanceof ApiError && (err.status === 400 || err.status === 422)) {
      const byField = err.pointers;
      setErrors(Object.keys(byField).length ? byField : Object.fromEntries((err.problem.errors ?? []).map((e) => [e.pointer.replace(/^\//, ''), e.detail])));
      setProblem({ title, detail: err.problem.detail });
      const first = err.problem.errors?.[0];
      if (first) setActive(STEPS.indexOf(stepOfPointer(first.pointer)));
    } else if (err instanceof ApiError && err.status === 409) {
      setProblem({ title, detail: err.problem.detail });
      setActive(STEPS.indexOf('review'));
    } else notifyError(err, title);
  };

  const persist = (then: (c: Campaign) => void) => {
    setProblem(null);
    if (!f.name.trim()) {
      setErrors({ name: 'Give the campaign a name' });
      setActive(0);
      return;
    }
    save.mutate(toBody(f), {
      onSuccess: (c) => {
        setId(c.id);
        setDirty(false);
        then(c);
      },
      onError: (e) => fail(e, 'Could not save the campaign'),
    });
  };

  const saveDraft = () =>
    persist((c) => {
      notifySuccess(`“${c.name}” is saved as a draft.`, 'Draft saved');
      leaving.current = true;
      void navigate({ to: '/campaigns/$id', params: { id: c.id } });
    });

  const sendNow = () =>
    persist((c) =>
      send.mutate(c.id, {
        onSuccess: (s) => {
          notifySuccess(f.mode === 'now' ? `“${s.name}” is on its way.` : `“${s.name}” will go out as scheduled.`, f.mode === 'now' ? 'Sending' : 'Scheduled');
          leaving.current = true;
          void navigate({ to: '/campaigns/$id', params: { id: s.id } });
        },
        onError: (e) => fail(e, 'Could not send the campaign'),
      }),
    );

  const blocking = Object.values(todo).flat();
  const buttons = (
    <>
      <Button variant="default" leftSection={<IconDeviceFloppy size={16} />} onClick={saveDraft} loading={save.isPending && !send.isPending} disabled={busy}>
        Save draft
      </Button>
      {step === 'review' ? (
        <Button leftSection={<IconSend size={16} />} onClick={sendNow} loading={busy} disabled={blocking.length > 0}>
          {f.mode === 'now' ? 'Send now' : 'Schedule'}
        </Button>
      ) : (
        <Button rightSection={<IconArrowRight size={16} />} onClick={() => setActive((a) => Math.min(a + 1, STEPS.length - 1))}>
          Next
        </Button>
      )}
    </>
  );

  return (
    <>
      <PageHeader
        title={campaign ? `Edit ${campaign.name}` : 'New campaign'}
        description="Choose the message and who gets it, then send it now or schedule it. Only customers who subscribed to marketing receive it."
        actions={buttons}
      />
      <Stepper active={active} onStepClick={setActive} allowNextStepsSelect size="sm" mb="lg" wrap>
        {STEPS.map((s) => (
          <Stepper.Step key={s} label={LABELS[s][0]} description={LABELS[s][1]} color={todo[s] && active > STEPS.indexOf(s) ? 'orange' : undefined} />
        ))}
      </Stepper>
      {problem && (
        <Alert color="red" icon={<IconAlertCircle size={18} />} title={problem.title} mb="md" withCloseButton onClose={() => setProblem(null)}>
          {problem.detail}
        </Alert>
      )}
      <Flex direction={{ base: 'column', lg: 'row' }} gap="lg" align={{ base: 'stretch', lg: 'flex-start' }}>
        <Box style={{ flex: 1, minWidth: 0 }}>
          <Stack gap="lg">
            {step === 'message' && <MessageStep f={f} set={set} errors={errors} />}
            {step === 'audience' && <AudienceStep f={f} set={set} errors={errors} />}
            {step === 'schedule' && <ScheduleStep f={f} set={set} errors={errors} />}
            {step === 'test' && <TestStep f={f} set={set} errors={errors} />}
            {step === 'review' && <ReviewStep f={f} onEdit={(s) => setActive(STEPS.indexOf(s))} />}
            {step === 'review' && blocking.length > 0 && (
              <Alert color="orange" icon={<IconAlertCircle size={18} />} title="Before it can be sent">
                <List size="sm">
                  {blocking.map((m) => (
                    <List.Item key={m}>{m}</List.Item>
                  ))}
                </List>
              </Alert>
            )}
            <Group justify="space-between">
              <Button variant="subtle" color="gray" leftSection={<IconArrowLeft size={16} />} onClick={() => setActive((a) => Math.max(0, a - 1))} disabled={active === 0}>
                Back
              </Button>
              <Group gap="sm">{buttons}</Group>
            </Group>
          </Stack>
        </Box>
        <Box w={{ base: '100%', lg: 300 }} style={{ position: 'sticky', top: 72, flexShrink: 0 }}>
          <AudiencePanel include={f.include} exclude={f.exclude} channel={f.channel} kind={f.kind} />
          {step !== 'review' && blocking.length > 0 && (
            <Text fz="xs" c="dimmed" mt="sm">
              Still to do: {blocking.join('; ').toLowerCase()}.
            </Text>
          )}
        </Box>
      </Flex>
    </>
  );
}
