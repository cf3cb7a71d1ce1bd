import { Box, Button, Flex, Group, Paper, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconDeviceFloppy } from '@tabler/icons-react';
import { useBlocker, useNavigate } from '@tanstack/react-router';
import { useMemo, useRef, useState } from 'react';
import type { Definition } from '../../../../server/src/modules/segments/segments.definition.ts';
import { notifyError, notifySuccess } from '../../components/notify.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { ApiError } from '../../lib/api.ts';
import { useTags } from '../customers/api.ts';
import { useCan } from '../session/context.tsx';
import { useCreateSegment, usePreview, useUpdateSegment, type Catalogue, type Preview, type Segment } from './api.ts';
import { describe } from './describe.ts';
import { build, countNodes, emptyCondition, emptyGroup, fromDefinition, placeErrors, unfinishedNodes, updateNode, type EGroup, type ErrorMap } from './editor.ts';
import { PreviewPanel } from './PreviewPanel.tsx';
import { SegmentTree } from './SegmentTree.tsx';
import { subjects } from './subjects.ts';

const EVERYONE: Definition = { version: 1, root: { kind: 'group', match: 'all', conditions: [] } };

/** The segment builder: name, the rule as a tree, a live count and sample, save. */
export function SegmentForm({ catalogue: cat, segment }: { catalogue: Catalogue; segment?: Segment }) {
  const navigate = useNavigate();
  const can = useCan();
  const [name, setName] = useState(segment?.name ?? '');
  const [description, setDescription] = useState(segment?.description ?? '');
  const [root, setRoot] = useState<EGroup>(() => (segment ? fromDefinition(segment.definition as Definition) : { ...emptyGroup(), conditions: [emptyCondition()] }));
  const [dirty, setDirty] = useState(false);
  const [tried, setTried] = useState(false);
  const [nameError, setNameError] = useState<string | null>(null);
  const [saveErrors, setSaveErrors] = useState<ErrorMap>(new Map());
  const [otherSaveErrors, setOtherSaveErrors] = useState<string[]>([]);
  const saved = useRef(false);
  const create = useCreateSegment();
  const update = useUpdateSegment(segment?.id ?? '');
  const saving = create.isPending || update.isPending;

  const tags = useTags();
  const ctx = useMemo(
    () => ({ catalogue: cat, subjects: subjects(cat), tags: can('customers:read') ? (tags.data ?? []).map((t) => t.tag) : [], selfId: segment?.id }),
    [cat, tags.data, segment?.id, can],
  );

  // The summary follows every keystroke; the count follows 400 ms after the last one.
  const live = useMemo(() => build(root, cat), [root, cat]);
  const [debouncedRoot] = useDebouncedValue(root, 400);
  const sent = useMemo(() => build(debouncedRoot, cat), [debouncedRoot, cat]);
  const preview = usePreview(sent.definition, segment?.id);
  const everyone = usePreview(EVERYONE, undefined);
  // While the rule is invalid, the last good count stays on screen (dimmed) rather than a blank.
  const lastGood = useRef<Preview | undefined>(undefined);
  if (preview.data && !preview.isError) lastGood.current = preview.data;
  const summary = describe(live.definition, cat) ?? '';
  const previewProblem = preview.error instanceof ApiError && preview.error.status === 400 ? placeErrors(preview.error.problem.errors ?? [], sent.pointers) : null;

  const errors: ErrorMap = new Map();
  const add = (m: ErrorMap) => m.forEach((es, id) => errors.set(id, [...(errors.get(id) ?? []), ...es.filter((e) => !(errors.get(id) ?? []).some((x) => x.message === e.message))]));
  if (tried) add(unfinishedNodes(root, cat));
  add(saveErrors);
  if (previewProblem) add(previewProblem.byNode);

  useBlocker({
    shouldBlockFn: () => dirty && !saved.current && !window.confirm('Leave without saving? Your changes to this segment will be lost.'),
    enableBeforeUnload: () => dirty && !saved.current,
  });

  const change = (next: EGroup) => {
    // Editing a condition clears the server's complaint about it (the preview re-checks it).
    setSaveErrors((m) => {
      const out = new Map(m);
      for (const id of m.keys()) if (JSON.stringify(find(next, id)) !== JSON.stringify(find(root, id))) out.delete(id);
      return out;
    });
    setRoot(next);
    setDirty(true);
  };

  const save = () => {
    setTried(true);
    const missing = unfinishedNodes(root, cat);
    if (!name.trim()) setNameError('Give the segment a name');
    if (!name.trim() || missing.size) {
      requestAnimationFrame(() => document.querySelector('[data-seg-error]')?.scrollIntoView({ block: 'center', behavior: 'smooth' }));
      return;
    }
    if (countNodes(root) > 100) return notifyError(new Error('A segment has at most 100 conditions and groups.'), 'Too many conditions');
    const b = build(root, cat);
    const body = { name: name.trim(), description: description.trim(), definition: b.definition };
    const opts = {
      onSuccess: (s: Segment) => {
        saved.current = true;
        notifySuccess(`${s.name}: ${s.size.toLocaleString()} ${s.size === 1 ? 'member' : 'members'}.`, segment ? 'Segment saved' : 'Segment created');
        void navigate({ to: '/segments/$id', params: { id: s.id } });
      },
      onError: (err: Error) => {
        if (err instanceof ApiError && err.status === 400) {
          const placed = placeErrors(err.problem.errors ?? [], b.pointers);
          setSaveErrors(placed.byNode);
          setOtherSaveErrors(placed.other);
          if (err.fields.name) setNameError(err.fields.name);
          if (!placed.byNode.size && !placed.other.length && !err.fields.name) notifyError(err, 'Could not save the segment');
        } else notifyError(err, 'Could not save the segment');
      },
    };
    if (segment) update.mutate(body, opts);
    else create.mutate(body, opts);
  };

  const cancel = () => (segment ? navigate({ to: '/segments/$id', params: { id: segment.id } }) : navigate({ to: '/segments' }));
  const buttons = (
    <>
      <Button variant="default" onClick={() => void cancel()} disabled={saving}>
        Cancel
      </Button>
      <Button leftSection={<IconDeviceFloppy size={16} />} onClick={save} loading={saving}>
        {segment ? 'Save changes' : 'Save segment'}
      </Button>
    </>
  );

  return (
    <>
      <PageHeader
        title={segment ? `Edit ${segment.name}` : 'New segment'}
        description="Describe who belongs in it. Membership is kept current as customers order, browse and change, so flows and campaigns always reach the right people."
        actions={buttons}
      />
      {/* The preview keeps a fixed width beside the conditions, which get all the rest. */}
      <Flex direction={{ base: 'column', lg: 'row' }} gap="lg" align={{ base: 'stretch', lg: 'flex-start' }}>
        <Box style={{ flex: 1, minWidth: 0 }}>
          <Stack gap="lg">
            <Paper withBorder radius="md" p="md">
              <Stack gap="sm">
                <TextInput
                  label="Name"
                  placeholder="e.g. UK customers who spent over £500"
                  value={name}
                  onChange={(e) => {
                    setName(e.currentTarget.value);
                    setNameError(null);
                    setDirty(true);
                  }}
                  error={nameError}
                  data-seg-error={nameError ? true : undefined}
                  maxLength={200}
                  autoFocus={!segment}
                />
                <Textarea
                  label="Description"
                  description="Optional: what the segment is for, so teammates know when to use it."
                  value={description}
                  onChange={(e) => {
                    setDescription(e.currentTarget.value);
                    setDirty(true);
                  }}
                  autosize
                  minRows={1}
                  maxRows={4}
                  maxLength={2000}
                />
              </Stack>
            </Paper>
            <Paper withBorder radius="md" p="md">
              <Stack gap="md">
                <Box>
                  <Title order={2} fz="md" fw={600}>
                    Conditions
                  </Title>
                  <Text fz="sm" c="dimmed">
                    Combine profile details, purchases and behaviour. Use a group to mix “and” with “or”.
                  </Text>
                </Box>
                <SegmentTree root={root} onChange={change} errors={errors} ctx={ctx} />
              </Stack>
            </Paper>
            <Group justify="flex-end" gap="sm" hiddenFrom="lg">
              {buttons}
            </Group>
          </Stack>
        </Box>
        <Box w={{ base: '100%', lg: 290 }} style={{ position: 'sticky', top: 72, flexShrink: 0 }}>
          <PreviewPanel
            preview={preview.data ?? lastGood.current}
            total={everyone.data?.count}
            loading={preview.isFetching || debouncedRoot !== root}
            stale={preview.isPlaceholderData || preview.isError || debouncedRoot !== root}
            summary={summary}
            skipped={live.skipped}
            invalid={Boolean(previewProblem) || otherSaveErrors.length > 0}
            otherErrors={[...(previewProblem?.other ?? []), ...otherSaveErrors]}
            currency={cat.currency}
          />
        </Box>
      </Flex>
    </>
  );
}

function find(g: EGroup, id: string): unknown {
  let out: unknown;
  updateNode(g, id, (n) => {
    out = n;
    return n;
  });
  return out;
}
