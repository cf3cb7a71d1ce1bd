import { Anchor, Badge, Button, Group, Paper, SegmentedControl, Select, Stack, Table, Tabs, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconBook2, IconExternalLink, IconPlus, IconSearch } from '@tabler/icons-react';
import { Link, useNavigate } from '@tanstack/react-router';
import { useState, type ReactNode } from 'react';
import { TableCard } from '../../../components/DataTable.tsx';
import { Empty, NoMatches } from '../../../components/Empty.tsx';
import { ErrorState } from '../../../components/ErrorState.tsx';
import { ListFooter } from '../../../components/ListFooter.tsx';
import { PageHeader } from '../../../components/PageHeader.tsx';
import { RequirePermission } from '../../../components/RequirePermission.tsx';
import { TableLoadingCard } from '../../../components/TableSkeleton.tsx';
import { TimeAgo } from '../../../components/TimeAgo.tsx';
import { useIsMobile } from '../../../components/useIsMobile.ts';
import { AssistantTry } from '../../../modules/support/kb/AssistantTry.tsx';
import { CategoriesPanel } from '../../../modules/support/kb/CategoriesPanel.tsx';
import { useArticles, useCategories, type ArticleFilters, type ArticleSummary } from '../../../modules/support/kb/api.ts';
import '../../../modules/support/kb/kb.css';
import { useCan } from '../../../modules/session/context.tsx';

export function KnowledgeBasePage(): ReactNode {
  return (
    <RequirePermission permission="support:read">
      <KnowledgeBase />
    </RequirePermission>
  );
}

function KnowledgeBase() {
  const can = useCan();
  const writable = can('support:write');
  const [tab, setTab] = useState<string | null>('articles');
  return (
    <>
      <PageHeader
        title="Knowledge base"
        description="Help articles for your customers (the public help centre, the chat widget and its assistant) and internal ones for the team. Agents get them suggested while replying."
        actions={
          <>
            <Button variant="default" component="a" href="/help" target="_blank" rel="noopener" leftSection={<IconExternalLink size={16} />}>
              Help centre
            </Button>
            {writable && (
              <Button leftSection={<IconPlus size={16} />} renderRoot={(p) => <Link to="/support/kb/new" {...p} />}>
                New article
              </Button>
            )}
          </>
        }
      />
      <Tabs value={tab} onChange={setTab} keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="articles">Articles</Tabs.Tab>
          <Tabs.Tab value="categories">Categories</Tabs.Tab>
          <Tabs.Tab value="assistant">Try the assistant</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="articles">
          <Articles writable={writable} />
        </Tabs.Panel>
        <Tabs.Panel value="categories">
          <CategoriesPanel writable={writable} />
        </Tabs.Panel>
        <Tabs.Panel value="assistant">
          <AssistantTry />
        </Tabs.Panel>
      </Tabs>
    </>
  );
}

function Articles({ writable }: { writable: boolean }) {
  const [q, setQ] = useState('');
  const [status, setStatus] = useState<'all' | 'published' | 'draft' | 'internal'>('all');
  const [categoryId, setCategoryId] = useState<string | null>(null);
  const [debouncedQ] = useDebouncedValue(q.trim(), 250);
  const filters: ArticleFilters = {
    q: debouncedQ || undefined,
    status: status === 'published' || status === 'draft' ? status : undefined,
    internal: status === 'internal' ? 'true' : undefined,
    categoryId: categoryId ?? undefined,
  };
  const list = useArticles(filters);
  const categories = useCategories();
  const mobile = useIsMobile();
  const navigate = useNavigate();
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const search = list.data?.pages[0]?.search ?? null;
  const snippets = new Map((search?.items ?? []).map((h) => [h.id, h.snippet]));
  const filtered = !!(debouncedQ || status !== 'all' || categoryId);
  const open = (a: ArticleSummary) => void navigate({ to: '/support/kb/$id', params: { id: a.id } });

  return (
    <>
      <Group justify="space-between" mb="md" gap="sm">
        <Group gap="sm">
          <SegmentedControl
            value={status}
            onChange={(v) => setStatus(v as typeof status)}
            data={[{ value: 'all', label: 'All' }, { value: 'published', label: 'Published' }, { value: 'draft', label: 'Drafts' }, { value: 'internal', label: 'Internal' }]}
          />
          <Select placeholder="All categories" data={(categories.data ?? []).map((c) => ({ value: c.id, label: c.name }))} value={categoryId} onChange={setCategoryId} clearable w={220} aria-label="Category" />
        </Group>
        <TextInput leftSection={<IconSearch size={16} />} placeholder="Search articles (typos are fine)" value={q} onChange={(e) => setQ(e.currentTarget.value)} w={300} aria-label="Search articles" />
      </Group>
      {search?.correctedQuery && (
        <Text fz="sm" c="dimmed" mb="sm">
          No articles match “{debouncedQ}”: showing results for “{search.correctedQuery}”.
        </Text>
      )}
      {list.isPending ? (
        <TableLoadingCard rows={8} />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : items.length === 0 && !filtered ? (
        <Paper withBorder radius="md">
          <Empty
            icon={<IconBook2 size={24} />}
            title="No articles yet"
            description="Answer the questions customers ask most (delivery times, returns, sizes, payments) once, and link to the answers from replies and the chat widget."
            action={writable ? <Button renderRoot={(p) => <Link to="/support/kb/new" {...p} />}>Write the first article</Button> : undefined}
          />
        </Paper>
      ) : items.length === 0 ? (
        <Paper withBorder radius="md">
          <NoMatches
            title="No article matches"
            description={debouncedQ ? `Nothing found for “${debouncedQ}” with these filters.` : 'No article has these filters.'}
            onClear={() => {
              setQ('');
              setStatus('all');
              setCategoryId(null);
            }}
          />
        </Paper>
      ) : (
        <TableCard
          minWidth={{ base: 0, sm: 760 }}
          footer={search ? undefined : <ListFooter count={items.length} noun={['article', 'articles']} hasMore={!!list.hasNextPage} loading={list.isFetchingNextPage} onMore={() => void list.fetchNextPage()} />}
        >
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Article</Table.Th>
              {!mobile && <Table.Th>Category</Table.Th>}
              {!mobile && <Table.Th>Status</Table.Th>}
              {!mobile && <Table.Th ta="right">Version</Table.Th>}
              {!mobile && <Table.Th>Updated</Table.Th>}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((a) => (
              <Table.Tr key={a.id} className="patron-row-clickable" onClick={() => open(a)}>
                <Table.Td maw={520} style={mobile ? { maxWidth: 0, width: '100%' } : undefined}>
                  <Stack gap={2} style={{ minWidth: 0 }}>
                    <Anchor renderRoot={(p) => <Link to="/support/kb/$id" params={{ id: a.id }} {...p} />} onClick={(e) => e.stopPropagation()} fz="sm" fw={600} className="patron-cell-link" truncate>
                      {a.title}
                    </Anchor>
                    {snippets.get(a.id) && <Text fz="xs" c="dimmed" lineClamp={2} className="kb-hit" dangerouslySetInnerHTML={{ __html: snippets.get(a.id)! }} />}
                    {mobile && <StatusBadges a={a} />}
                  </Stack>
                </Table.Td>
                {!mobile && (
                  <Table.Td fz="sm" c={a.categoryName ? undefined : 'dimmed'}>
                    {a.categoryName ?? 'None'}
                  </Table.Td>
                )}
                {!mobile && (
                  <Table.Td>
                    <StatusBadges a={a} />
                  </Table.Td>
                )}
                {!mobile && <Table.Td className="patron-num" fz="sm">v{a.version}</Table.Td>}
                {!mobile && (
                  <Table.Td>
                    <TimeAgo date={a.updatedAt} />
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </TableCard>
      )}
    </>
  );
}

function StatusBadges({ a }: { a: ArticleSummary }) {
  return (
    <Group gap={4} wrap="nowrap">
      <Badge size="sm" variant="light" color={a.status === 'published' ? 'teal' : 'gray'}>
        {a.status === 'published' ? 'Published' : 'Draft'}
      </Badge>
      {a.internal && (
        <Badge size="sm" variant="light" color="orange">
          Internal
        </Badge>
      )}
    </Group>
  );
}
