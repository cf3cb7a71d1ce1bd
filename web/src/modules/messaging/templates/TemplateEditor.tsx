import { ActionIcon, Alert, Badge, Button, Grid, Group, Menu, Paper, Select, Stack, Text, TextInput, Title, Tooltip } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconAlertCircle, IconArchive, IconArchiveOff, IconCopy, IconDots, IconHistory, IconPencil, IconSend } from '@tabler/icons-react';
import { useBlocker, useNavigate } from '@tanstack/react-router';
import { useMemo, useRef, useState, type ReactNode } from 'react';
import { notifyError, notifySuccess } from '../../../components/notify.tsx';
import { ApiError } from '../../../lib/api.ts';
import { useCan } from '../../session/context.tsx';
import { CodeEditor, type CodeEditorHandle, type CodeMark } from './CodeEditor.tsx';
import { PreviewPane } from './PreviewPane.tsx';
import { ProblemsList } from './ProblemsList.tsx';
import { TestSendModal } from './TestSendModal.tsx';
import { VariablesMenu } from './VariablesMenu.tsx';
import { VersionsDrawer } from './VersionsDrawer.tsx';
import { usePreview, useSenders, useTemplateAction, useUpdateTemplate, type Issue, type Template } from './api.ts';
import { issuesOf } from './issues.ts';
import { ChannelBadge, KindBadge } from './badges.tsx';

interface Draft {
  name: string;
  kind: Template['kind'];
  senderId: string | null;
  subject: string;
  preheader: string;
  body: string;
}

/** Liquid in subject lines reads better in the editor's font. */
const MONO = { input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 13 } };

const draftOf = (t: Template): Draft => ({ name: t.name, kind: t.kind, senderId: t.senderId, subject: t.subject, preheader: t.preheader, body: t.body });

/** The template editor: fields, code with line numbers and problem lines, a live preview (300 ms after typing stops), tests and history. */
export function TemplateEditor({ template }: { template: Template }): ReactNode {
  const can = useCan();
  const writable = can('messaging:write');
  const navigate = useNavigate();
  const [draft, setDraft] = useState<Draft>(() => draftOf(template));
  const [base, setBase] = useState(template);
  const [customerId, setCustomerId] = useState<string | null>(null);
  const [editingName, setEditingName] = useState(false);
  const [testing, setTesting] = useState(false);
  const [history, setHistory] = useState(false);
  const editor = useRef<CodeEditorHandle>(null);
  const subjectInput = useRef<HTMLInputElement>(null);
  const preheaderInput = useRef<HTMLInputElement>(null);
  const update = useUpdateTemplate(template.id);
  const action = useTemplateAction();
  const senders = useSenders();
  const email = template.channel === 'email';

  const saved = draftOf(base);
  const dirty = (Object.keys(draft) as (keyof Draft)[]).some((k) => draft[k] !== saved[k]);
  useBlocker({
    shouldBlockFn: () => dirty && !window.confirm('Leave without saving? Your changes to this template will be lost.'),
    enableBeforeUnload: () => dirty,
  });

  const [content] = useDebouncedValue({ subject: draft.subject, preheader: draft.preheader, body: draft.body }, 300);
  const preview = usePreview({ format: base.format, ...content, ...(customerId ? { customerId } : {}) });
  const saveIssues = issuesOf(update.error);
  const previewIssues = issuesOf(preview.error);
  // The preview re-checks the text as typed; a save's complaint stays until the next preview answers.
  const errors: Issue[] = previewIssues ?? (preview.isFetching ? saveIssues ?? [] : []);
  const warnings = !preview.isError && !preview.isPlaceholderData ? preview.data?.warnings ?? [] : [];
  const marks = useMemo<CodeMark[]>(
    () => [
      ...errors.filter((i) => i.part === 'body' && i.line).map((i) => ({ line: i.line!, severity: 'error' as const, message: i.message })),
      ...warnings.filter((i) => i.part === 'body' && i.line).map((i) => ({ line: i.line!, severity: 'warning' as const, message: i.message })),
    ],
    [errors, warnings],
  );
  const partError = (part: Issue['part']) => errors.find((i) => i.part === part)?.message;

  const jump = (i: Issue) => {
    if (i.part === 'body') editor.current?.jumpTo(i.line ?? 1, i.column);
    else (i.part === 'subject' ? subjectInput : preheaderInput).current?.focus();
  };
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setDraft((d) => ({ ...d, [k]: v }));

  const save = () => {
    const changes: Partial<Draft> = {};
    for (const k of Object.keys(draft) as (keyof Draft)[]) if (draft[k] !== saved[k]) Object.assign(changes, { [k]: draft[k] });
    update.mutate(
      { ...changes, baseVersion: base.version },
      {
        onSuccess: (t) => {
          setBase(t);
          setDraft(draftOf(t));
          notifySuccess(t.version !== base.version ? `Saved as version ${t.version}.` : 'Saved.');
        },
      },
    );
  };

  const conflict = update.error instanceof ApiError && update.error.status === 409;
  const otherSaveError = update.error && !saveIssues && !conflict ? update.error : null;
  const senderData = [{ value: '', label: 'Default sender' }, ...(senders.data ?? []).map((s) => ({ value: s.id, label: `${s.fromName} <${s.fromEmail}>` }))];

  return (
    <>
      <Group justify="space-between" align="flex-start" gap="md" mb="lg" wrap="wrap">
        <Stack gap={6} style={{ flex: '1 1 360px', minWidth: 0 }}>
          {editingName ? (
            <TextInput
              aria-label="Template name"
              value={draft.name}
              onChange={(e) => set('name', e.currentTarget.value)}
              onBlur={() => setEditingName(false)}
              onKeyDown={(e) => e.key === 'Enter' && setEditingName(false)}
              size="md"
              maw={520}
              autoFocus
              error={!draft.name.trim() ? 'A template needs a name' : undefined}
            />
          ) : (
            <Group gap={6} wrap="nowrap">
              <Title order={1} fz={26} fw={650} style={{ letterSpacing: '-0.01em' }} lineClamp={1}>
                {draft.name || 'Untitled template'}
              </Title>
              {writable && (
                <Tooltip label="Rename" withArrow>
                  <ActionIcon variant="subtle" color="gray" onClick={() => setEditingName(true)} aria-label="Rename">
                    <IconPencil size={16} />
                  </ActionIcon>
                </Tooltip>
              )}
            </Group>
          )}
          <Group gap={6}>
            <ChannelBadge channel={template.channel} />
            <KindBadge kind={draft.kind} />
            <Badge variant="outline" color="gray">
              Version {base.version}
            </Badge>
            {base.archivedAt && <Badge color="gray">Archived</Badge>}
            {dirty && (
              <Badge variant="dot" color="orange">
                Unsaved changes
              </Badge>
            )}
          </Group>
        </Stack>
        <Group gap="sm">
          <Button variant="default" leftSection={<IconHistory size={16} />} onClick={() => setHistory(true)}>
            History
          </Button>
          {writable && (
            <Button variant="default" leftSection={<IconSend size={16} />} onClick={() => setTesting(true)} disabled={errors.length > 0}>
              Send test
            </Button>
          )}
          {writable && (
            <Button onClick={save} loading={update.isPending} disabled={!dirty || !draft.name.trim()}>
              Save
            </Button>
          )}
          {writable && (
            <Menu position="bottom-end" withinPortal>
              <Menu.Target>
                <ActionIcon variant="default" size="lg" aria-label="More actions">
                  <IconDots size={18} />
                </ActionIcon>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Item
                  leftSection={<IconCopy size={14} />}
                  onClick={() =>
                    action.mutate({ id: template.id, action: 'duplicate' }, {
                      onSuccess: (copy) => {
                        notifySuccess(`Created “${copy.name}”.`);
                        void navigate({ to: '/templates/$id', params: { id: copy.id } });
                      },
                      onError: (e) => notifyError(e, 'Could not duplicate'),
                    })
                  }
                >
                  Duplicate
                </Menu.Item>
                <Menu.Item
                  leftSection={base.archivedAt ? <IconArchiveOff size={14} /> : <IconArchive size={14} />}
                  onClick={() =>
                    action.mutate({ id: template.id, action: base.archivedAt ? 'unarchive' : 'archive' }, {
                      onSuccess: (t) => {
                        setBase(t);
                        notifySuccess(t.archivedAt ? 'Archived: it no longer shows in lists and pickers.' : 'Restored.');
                      },
                      onError: (e) => notifyError(e),
                    })
                  }
                >
                  {base.archivedAt ? 'Restore from archive' : 'Archive'}
                </Menu.Item>
              </Menu.Dropdown>
            </Menu>
          )}
        </Group>
      </Group>

      {conflict && (
        <Alert color="orange" icon={<IconAlertCircle size={18} />} mb="md" title="Someone else saved this template">
          {update.error?.message} Copy your changes somewhere, then reload the page.
        </Alert>
      )}
      {otherSaveError && (
        <Alert color="red" icon={<IconAlertCircle size={18} />} mb="md" title="Not saved">
          {otherSaveError.message}
        </Alert>
      )}

      <Grid gap="lg">
        <Grid.Col span={{ base: 12, lg: 6 }}>
          <Stack gap="md">
            <Paper withBorder radius="md" p="md">
              <Stack gap="sm">
                {email && (
                  <>
                    <TextInput ref={subjectInput} label="Subject" value={draft.subject} onChange={(e) => set('subject', e.currentTarget.value)} error={partError('subject')} readOnly={!writable} styles={MONO} />
                    <TextInput
                      ref={preheaderInput}
                      label="Preheader"
                      description="The line inboxes show after the subject"
                      value={draft.preheader}
                      onChange={(e) => set('preheader', e.currentTarget.value)}
                      error={partError('preheader')}
                      readOnly={!writable}
                      styles={MONO}
                    />
                  </>
                )}
                <Group grow align="flex-start">
                  <Select
                    label="Kind"
                    value={draft.kind}
                    onChange={(v) => v && set('kind', v as Draft['kind'])}
                    description={draft.kind === 'marketing' ? 'Sent only with marketing consent' : 'Receipts and updates: no consent needed'}
                    data={[
                      { value: 'marketing', label: 'Marketing' },
                      { value: 'transactional', label: 'Transactional' },
                    ]}
                    allowDeselect={false}
                    readOnly={!writable}
                  />
                  {email && (
                    <Select label="Sender" description="Who it comes from" value={draft.senderId ?? ''} onChange={(v) => set('senderId', v || null)} data={senderData} allowDeselect={false} readOnly={!writable} />
                  )}
                </Group>
              </Stack>
            </Paper>
            <Stack gap={6}>
              <Group justify="space-between">
                <Text fw={600}>{email ? (base.format === 'mjml' ? 'Body (MJML + Liquid)' : base.format === 'html' ? 'Body (HTML + Liquid)' : 'Body (text + Liquid)') : 'Message (text + Liquid)'}</Text>
                {writable && <VariablesMenu onInsert={(v) => editor.current?.insert(v)} />}
              </Group>
              <CodeEditor ref={editor} label="Template body" value={draft.body} onChange={(v) => set('body', v)} marks={marks} readOnly={!writable} height={email ? 560 : 220} />
            </Stack>
            <ProblemsList errors={errors} warnings={warnings} onJump={jump} />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 6 }}>
          <div style={{ position: 'sticky', top: 'calc(var(--app-shell-header-offset, 0px) + 16px)' }}>
            <PreviewPane channel={template.channel} query={preview} customerId={customerId} onCustomer={setCustomerId} />
          </div>
        </Grid.Col>
      </Grid>

      {testing && (
        <TestSendModal
          opened
          onClose={() => setTesting(false)}
          template={base}
          content={{ subject: draft.subject, preheader: draft.preheader, body: draft.body }}
          customerId={customerId}
          current={preview.data?.customer ?? null}
        />
      )}
      <VersionsDrawer
        opened={history}
        onClose={() => setHistory(false)}
        template={base}
        canWrite={writable}
        onRestore={(v) => {
          setDraft((d) => ({ ...d, subject: v.subject, preheader: v.preheader, body: v.body }));
          setHistory(false);
          notifySuccess(`Version ${v.version} is in the editor. Save to make it the current version.`);
        }}
      />
    </>
  );
}
