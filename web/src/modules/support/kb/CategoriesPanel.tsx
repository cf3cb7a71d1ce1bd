import { ActionIcon, Button, Group, Menu, Paper, Stack, Table, Text, Textarea, TextInput, Tooltip } from '@mantine/core';
import { IconArrowDown, IconArrowUp, IconFolder, IconPencil, IconPlus, IconTrash } from '@tabler/icons-react';
import { useState, type ReactNode } from 'react';
import { ConfirmModal } from '../../../components/ConfirmModal.tsx';
import { TableCard } from '../../../components/DataTable.tsx';
import { Empty } from '../../../components/Empty.tsx';
import { ErrorState } from '../../../components/ErrorState.tsx';
import { FormModal } from '../../../components/FormModal.tsx';
import { notifyError, notifySuccess } from '../../../components/notify.tsx';
import { RowMenu } from '../../../components/RowMenu.tsx';
import { TableLoadingCard } from '../../../components/TableSkeleton.tsx';
import { ApiError } from '../../../lib/api.ts';
import { useCategories, useDeleteCategory, useReorderCategories, useSaveCategory, type Category } from './api.ts';

/** The help centre's categories: in the order shown there (move up / down), with their article counts. */
export function CategoriesPanel({ writable }: { writable: boolean }): ReactNode {
  const q = useCategories();
  const reorder = useReorderCategories();
  const del = useDeleteCategory();
  const [editing, setEditing] = useState<Category | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Category | null>(null);

  const move = (i: number, by: -1 | 1) => {
    const ids = (q.data ?? []).map((c) => c.id);
    const j = i + by;
    [ids[i], ids[j]] = [ids[j]!, ids[i]!];
    reorder.mutate(ids, { onError: (e) => notifyError(e) });
  };

  const newButton = writable && (
    <Button leftSection={<IconPlus size={16} />} variant="default" onClick={() => setEditing('new')}>
      New category
    </Button>
  );

  return (
    <>
      <Group justify="space-between" mb="md">
        <Text fz="sm" c="dimmed">
          Categories group articles on the help centre’s home page, in this order.
        </Text>
        {newButton}
      </Group>
      {q.isPending ? (
        <TableLoadingCard rows={5} />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : q.data.length === 0 ? (
        <Paper withBorder radius="md">
          <Empty icon={<IconFolder size={24} />} title="No categories yet" description="Group articles by topic (shipping, returns, payments…) so visitors find them." action={newButton || undefined} />
        </Paper>
      ) : (
        <TableCard minWidth={{ base: 0, sm: 640 }}>
          <Table.Thead>
            <Table.Tr>
              {writable && <Table.Th w={72}>Order</Table.Th>}
              <Table.Th>Category</Table.Th>
              <Table.Th ta="right">Public articles</Table.Th>
              <Table.Th ta="right">All articles</Table.Th>
              <Table.Th w={48} />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {q.data.map((c, i) => (
              <Table.Tr key={c.id}>
                {writable && (
                  <Table.Td>
                    <Group gap={2} wrap="nowrap">
                      <Tooltip label="Move up" withArrow>
                        <ActionIcon variant="subtle" color="gray" size="sm" disabled={i === 0 || reorder.isPending} onClick={() => move(i, -1)} aria-label={`Move ${c.name} up`}>
                          <IconArrowUp size={14} />
                        </ActionIcon>
                      </Tooltip>
                      <Tooltip label="Move down" withArrow>
                        <ActionIcon variant="subtle" color="gray" size="sm" disabled={i === q.data.length - 1 || reorder.isPending} onClick={() => move(i, 1)} aria-label={`Move ${c.name} down`}>
                          <IconArrowDown size={14} />
                        </ActionIcon>
                      </Tooltip>
                    </Group>
                  </Table.Td>
                )}
                <Table.Td>
                  <Stack gap={0}>
                    <Text fz="sm" fw={600}>
                      {c.name}
                    </Text>
                    <Text fz="xs" c="dimmed" lineClamp={1}>
                      {c.description || `/help/categories/${c.slug}`}
                    </Text>
                  </Stack>
                </Table.Td>
                <Table.Td className="patron-num" fz="sm">{c.publicCount}</Table.Td>
                <Table.Td className="patron-num" fz="sm">{c.articleCount}</Table.Td>
                <Table.Td>
                  {writable && (
                    <RowMenu label={`Actions for ${c.name}`}>
                      <Menu.Item leftSection={<IconPencil size={14} />} onClick={() => setEditing(c)}>
                        Edit
                      </Menu.Item>
                      <Menu.Item color="red" leftSection={<IconTrash size={14} />} onClick={() => setDeleting(c)}>
                        Delete
                      </Menu.Item>
                    </RowMenu>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </TableCard>
      )}
      {editing && <CategoryModal category={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />}
      <ConfirmModal
        opened={!!deleting}
        title={`Delete “${deleting?.name ?? ''}”?`}
        confirmLabel="Delete category"
        loading={del.isPending}
        onClose={() => setDeleting(null)}
        onConfirm={() =>
          del.mutate(deleting!.id, {
            onSuccess: () => {
              notifySuccess(`Deleted “${deleting!.name}”.`);
              setDeleting(null);
            },
            onError: (e) => notifyError(e),
          })
        }
      >
        Its {deleting?.articleCount ?? 0} articles are kept, without a category; on the help centre they move to “More articles”.
      </ConfirmModal>
    </>
  );
}

function CategoryModal({ category, onClose }: { category: Category | null; onClose: () => void }) {
  const save = useSaveCategory();
  const [name, setName] = useState(category?.name ?? '');
  const [description, setDescription] = useState(category?.description ?? '');
  const [slug, setSlug] = useState(category?.slug ?? '');
  const err = save.error instanceof ApiError ? save.error : null;
  const fields = err?.fields ?? {};
  const submit = () =>
    save.mutate({ id: category?.id, body: { name, description, ...(slug.trim() && slug !== category?.slug ? { slug: slug.trim() } : {}) } }, {
      onSuccess: (c) => {
        notifySuccess(category ? `Saved “${c.name}”.` : `Created “${c.name}”.`);
        onClose();
      },
    });
  return (
    <FormModal opened onClose={onClose} title={category ? 'Edit category' : 'New category'} onSubmit={submit} problem={err && !Object.keys(fields).length ? err.problem.detail : save.error && !err ? String(save.error) : undefined}>
      <TextInput label="Name" placeholder="Shipping and delivery" value={name} onChange={(e) => setName(e.currentTarget.value)} error={fields.name} required data-autofocus maxLength={100} />
      <Textarea label="Description" placeholder="Delivery times, costs and tracking" description="One line under the name on the help centre" value={description} onChange={(e) => setDescription(e.currentTarget.value)} error={fields.description} autosize minRows={2} maxLength={500} />
      <TextInput label="Address" placeholder="made from the name" description={slug ? `/help/categories/${slug}` : undefined} value={slug} onChange={(e) => setSlug(e.currentTarget.value.toLowerCase())} error={fields.slug} maxLength={80} />
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>
          Cancel
        </Button>
        <Button type="submit" loading={save.isPending}>
          {category ? 'Save' : 'Create category'}
        </Button>
      </Group>
    </FormModal>
  );
}
