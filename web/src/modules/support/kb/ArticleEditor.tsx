import { Alert, Badge, Button, Grid, Group, Menu, Paper, Select, Stack, Switch, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconAlertCircle, IconExternalLink, IconHistory, IconTrash } from '@tabler/icons-react';
import { useNavigate } from '@tanstack/react-router';
import { useState, type ReactNode } from 'react';
import { ConfirmModal } from '../../../components/ConfirmModal.tsx';
import { notifyError, notifySuccess } from '../../../components/notify.tsx';
import { RowMenu } from '../../../components/RowMenu.tsx';
import { TimeAgo } from '../../../components/TimeAgo.tsx';
import { ApiError } from '../../../lib/api.ts';
import { useCan } from '../../session/context.tsx';
import { useArticleAction, useCategories, usePreview, useSaveArticle, type Article } from './api.ts';
import { KbSuggestions } from './KbSuggestions.tsx';
import { VersionsDrawer } from './VersionsDrawer.tsx';
import './kb.css';

const STARTER = `Answer the question in the first sentence.

## Details

- One point per line
- **Bold** for what matters

Link to [another page](https://example.com) when it helps.`;

/** Writes and publishes a help article: Markdown on the left, the help centre's rendering on the right. */
export function ArticleEditor({ article }: { article?: Article }): ReactNode {
  const can = useCan();
  const writable = can('support:write');
  const navigate = useNavigate();
  const categories = useCategories();
  const save = useSaveArticle();
  const act = useArticleAction();
  const [title, setTitle] = useState(article?.title ?? '');
  const [slug, setSlug] = useState(article?.slug ?? '');
  const [categoryId, setCategoryId] = useState<string | null>(article?.categoryId ?? null);
  const [internal, setInternal] = useState(article?.internal ?? false);
  const [body, setBody] = useState(article?.body ?? STARTER);
  const [error, setError] = useState<ApiError | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [versions, setVersions] = useState(false);
  const [debouncedBody] = useDebouncedValue(body, 300);
  const preview = usePreview(debouncedBody);

  const dirty = !article || title !== article.title || slug !== article.slug || categoryId !== article.categoryId || internal !== article.internal || body !== article.body;
  const fields = error?.fields ?? {};
  const busy = save.isPending || act.isPending;

  const submit = async (publish: boolean) => {
    setError(null);
    try {
      let saved = article;
      if (!article) {
        saved = await save.mutateAsync({ body: { title, body, categoryId, internal, ...(slug.trim() ? { slug: slug.trim() } : {}), status: publish ? 'published' : 'draft' } });
        notifySuccess(publish ? `Published “${saved.title}”.` : `Saved “${saved.title}” as a draft.`);
        void navigate({ to: '/support/kb/$id', params: { id: saved.id } });
        return;
      }
      if (dirty) {
        saved = await save.mutateAsync({ id: article.id, body: { title, body, categoryId, internal, ...(slug.trim() && slug !== article.slug ? { slug: slug.trim() } : {}), expectedVersion: article.version } });
      }
      if (publish && saved!.status !== 'published') saved = await act.mutateAsync({ id: article.id, action: 'publish' }) as Article;
      notifySuccess(publish ? `Published “${saved!.title}”.` : `Saved “${saved!.title}”.`);
    } catch (e) {
      if (e instanceof ApiError) setError(e);
      else notifyError(e);
    }
  };

  const unpublish = () =>
    act.mutate({ id: article!.id, action: 'unpublish' }, { onSuccess: () => notifySuccess(`“${article!.title}” is a draft again: visitors no longer see it.`), onError: (e) => notifyError(e) });

  const remove = () =>
    act.mutate({ id: article!.id, action: 'delete' }, {
      onSuccess: () => {
        notifySuccess(`Deleted “${article!.title}”.`);
        void navigate({ to: '/support/kb' });
      },
      onError: (e) => notifyError(e),
    });

  const status = article?.status ?? 'draft';
  return (
    <>
      <Group justify="space-between" align="flex-start" mb="md" gap="md">
        <Stack gap={4} style={{ flex: '1 1 320px', minWidth: 0 }}>
          <Title order={1} fz={26} fw={650} lineClamp={2}>
            {article ? article.title : 'New article'}
          </Title>
          <Group gap="xs">
            <Badge variant="light" color={status === 'published' ? 'teal' : 'gray'}>
              {status === 'published' ? 'Published' : 'Draft'}
            </Badge>
            {internal && (
              <Badge variant="light" color="orange">
                Internal
              </Badge>
            )}
            {article && (
              <Text fz="xs" c="dimmed">
                Version {article.version} · {article.authorName || 'unknown'} · changed <TimeAgo date={article.updatedAt} />
              </Text>
            )}
          </Group>
        </Stack>
        <Group gap="sm">
          {article?.url && (
            <Button variant="default" component="a" href={article.url} target="_blank" rel="noopener" leftSection={<IconExternalLink size={16} />}>
              View in help centre
            </Button>
          )}
          {writable && status === 'published' && (
            <Button variant="default" onClick={unpublish} loading={act.isPending && act.variables?.action === 'unpublish'}>
              Unpublish
            </Button>
          )}
          {writable && (
            <Button variant={status === 'published' ? 'filled' : 'default'} onClick={() => void submit(false)} loading={save.isPending} disabled={!dirty || busy}>
              {article ? 'Save' : 'Save draft'}
            </Button>
          )}
          {writable && status !== 'published' && (
            <Button onClick={() => void submit(true)} loading={busy} disabled={!title.trim()}>
              {dirty && article ? 'Save and publish' : 'Publish'}
            </Button>
          )}
          {article && (
            <RowMenu label="More actions for this article">
              <Menu.Item leftSection={<IconHistory size={14} />} onClick={() => setVersions(true)}>
                Versions
              </Menu.Item>
              {writable && (
                <Menu.Item color="red" leftSection={<IconTrash size={14} />} onClick={() => setConfirmDelete(true)}>
                  Delete
                </Menu.Item>
              )}
            </RowMenu>
          )}
        </Group>
      </Group>

      {error && !Object.keys(fields).length && (
        <Alert color="red" icon={<IconAlertCircle size={18} />} title={error.problem.title} mb="md">
          {error.problem.detail}
        </Alert>
      )}

      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 6 }}>
          <Stack gap="sm">
            <TextInput label="Title" placeholder="How long does delivery take?" description="Write it as the question a customer would ask" value={title} onChange={(e) => setTitle(e.currentTarget.value)} error={fields.title} required disabled={!writable} maxLength={200} />
            <Group grow align="flex-start">
              <Select
                label="Category"
                placeholder="No category"
                data={(categories.data ?? []).map((c) => ({ value: c.id, label: c.name }))}
                value={categoryId}
                onChange={setCategoryId}
                clearable
                error={fields.categoryId}
                disabled={!writable}
              />
              <TextInput label="Address" placeholder="made from the title" description={slug ? `/help/articles/${slug}` : undefined} value={slug} onChange={(e) => setSlug(e.currentTarget.value.toLowerCase())} error={fields.slug} disabled={!writable} maxLength={80} />
            </Group>
            <Switch label="Internal: for agents only" description="Never shown in the help centre, the chat widget or by the assistant" checked={internal} onChange={(e) => setInternal(e.currentTarget.checked)} disabled={!writable} />
            <Textarea className="kb-markdown" label="Article" description="Markdown: ## headings, **bold**, - lists, [links](https://…), | tables |" value={body} onChange={(e) => setBody(e.currentTarget.value)} autosize minRows={16} maxRows={40} error={fields.body} disabled={!writable} />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <Text fz="sm" fw={500} mb={4}>
            Preview
          </Text>
          <Paper withBorder radius="md" p="lg" aria-label="Preview">
            <Title order={2} fz={22} mb="sm">
              {title || 'Untitled'}
            </Title>
            {/* Rendered and sanitised by the server, exactly as the help centre shows it. */}
            <div className="kb-preview" dangerouslySetInnerHTML={{ __html: preview.data ?? '' }} />
          </Paper>
          {/* Before writing a new answer, the ones that may already exist. */}
          <Stack mt="md">
            <KbSuggestions title="Similar articles" subject={title} body={debouncedBody === STARTER ? '' : debouncedBody.slice(0, 2000)} excludeId={article?.id} limit={4} />
          </Stack>
        </Grid.Col>
      </Grid>

      {article && (
        <VersionsDrawer
          id={article.id}
          opened={versions}
          onClose={() => setVersions(false)}
          onRestore={
            writable
              ? (v) => {
                  // Back in the editor only: saving it makes a new version, nothing is lost.
                  setTitle(v.title);
                  setBody(v.body);
                  setVersions(false);
                  notifySuccess(`Version ${v.version} is in the editor: save to make it the current one.`);
                }
              : undefined
          }
        />
      )}
      <ConfirmModal opened={confirmDelete} title="Delete this article?" confirmLabel="Delete article" loading={act.isPending} onConfirm={remove} onClose={() => setConfirmDelete(false)}>
        “{article?.title}” and its {article?.version ?? 1} saved versions will be deleted. Links to it in the help centre will stop working. To hide it instead, unpublish it.
      </ConfirmModal>
    </>
  );
}
