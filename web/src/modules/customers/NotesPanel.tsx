import { ActionIcon, Button, Group, Paper, Stack, Text, Tooltip } from '@mantine/core';
import { IconNote, IconTrash } from '@tabler/icons-react';
import { Fragment, useState } from 'react';
import type { ReactNode } from 'react';
import { ConfirmModal } from '../../components/ConfirmModal.tsx';
import { Empty } from '../../components/Empty.tsx';
import { ErrorState } from '../../components/ErrorState.tsx';
import { notifyError, notifySuccess } from '../../components/notify.tsx';
import { TableSkeleton } from '../../components/TableSkeleton.tsx';
import { TimeAgo } from '../../components/TimeAgo.tsx';
import { ApiError } from '../../lib/api.ts';
import { useCan, useSession } from '../session/context.tsx';
import { useUsers } from '../team/api.ts';
import { CustomerAvatar } from './CustomerAvatar.tsx';
import { useAddNote, useDeleteNote, useNotes } from './api.ts';
import type { Note } from './api.ts';
import { MentionTextarea } from './MentionTextarea.tsx';

/** Team notes on a customer: write one (mention teammates with @), read them, delete your own. */
export function NotesPanel({ customerId, readOnly }: { customerId: string; readOnly?: boolean }) {
  const me = useSession();
  const can = useCan();
  const notes = useNotes(customerId);
  const add = useAddNote(customerId);
  const remove = useDeleteNote(customerId);
  const users = useUsers(can('team:read'));
  const [body, setBody] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [deleting, setDeleting] = useState<Note | null>(null);
  const writable = can('customers:write') && !readOnly;
  const admin = me.user.role === 'owner' || me.user.role === 'admin';
  const people = (users.data ?? []).filter((u) => u.status === 'active').map((u) => ({ email: u.email, name: u.name }));

  const submit = () => {
    if (!body.trim()) {
      setError('Write something first');
      return;
    }
    add.mutate(body.trim(), {
      onSuccess: (n) => {
        setBody('');
        setError(undefined);
        notifySuccess(n.mentions.length ? `Added; ${n.mentions.length === 1 ? 'one teammate was' : `${n.mentions.length} teammates were`} mentioned.` : 'The team can see it on this profile.', 'Note added');
      },
      onError: (err) => {
        if (err instanceof ApiError && err.fields.body) setError(err.fields.body);
        else notifyError(err, 'Could not add the note');
      },
    });
  };

  return (
    <Stack gap="md">
      {writable && (
        <Paper withBorder radius="md" p="md">
          <form
            onSubmit={(e) => {
              e.preventDefault();
              submit();
            }}
          >
            <MentionTextarea
              label="Add a note"
              description="Type @ to mention a teammate. Ctrl+Enter adds the note."
              placeholder="What should the team know about this customer?"
              autosize
              minRows={3}
              maxRows={12}
              maxLength={10_000}
              value={body}
              onChange={(v) => {
                setBody(v);
                if (error) setError(undefined);
              }}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
                  e.preventDefault();
                  submit();
                }
              }}
              error={error}
              people={people}
            />
            <Group justify="flex-end" mt="sm">
              <Button type="submit" loading={add.isPending} leftSection={<IconNote size={16} />}>
                Add note
              </Button>
            </Group>
          </form>
        </Paper>
      )}

      {notes.isPending ? (
        <Paper withBorder radius="md">
          <TableSkeleton rows={3} />
        </Paper>
      ) : notes.isError ? (
        <ErrorState error={notes.error} onRetry={() => void notes.refetch()} />
      ) : notes.data.length === 0 ? (
        <Paper withBorder radius="md">
          <Empty icon={<IconNote size={24} />} title="No notes yet" description="Notes are for the team: context from a call, a preference, a promise made. Customers never see them." />
        </Paper>
      ) : (
        <Stack gap="sm" aria-label="Notes">
          {notes.data.map((n) => (
            <Paper key={n.id} withBorder radius="md" p="md" component="article">
              <Group justify="space-between" wrap="nowrap" align="flex-start" gap="xs">
                <Group gap="xs" wrap="nowrap" style={{ minWidth: 0 }}>
                  <CustomerAvatar id={n.authorId ?? n.authorLabel} name={n.authorLabel} size={28} />
                  <Stack gap={0} style={{ minWidth: 0 }}>
                    <Text fz="sm" fw={600} truncate>
                      {n.authorLabel}
                    </Text>
                    <TimeAgo date={n.createdAt} fz="xs" c="dimmed" />
                  </Stack>
                </Group>
                {writable && (admin || n.authorId === me.user.id) && (
                  <Tooltip label="Delete note" withArrow>
                    <ActionIcon variant="subtle" color="gray" onClick={() => setDeleting(n)} aria-label={`Delete the note by ${n.authorLabel}`}>
                      <IconTrash size={16} />
                    </ActionIcon>
                  </Tooltip>
                )}
              </Group>
              <Text fz="sm" mt="xs" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
                {withMentions(n.body)}
              </Text>
            </Paper>
          ))}
        </Stack>
      )}

      <ConfirmModal
        opened={deleting !== null}
        onClose={() => setDeleting(null)}
        title="Delete note"
        confirmLabel="Delete note"
        loading={remove.isPending}
        onConfirm={() =>
          deleting &&
          remove.mutate(deleting.id, {
            onSuccess: () => {
              setDeleting(null);
              notifySuccess('The note is gone.', 'Note deleted');
            },
            onError: (err) => {
              setDeleting(null);
              notifyError(err, 'Could not delete the note');
            },
          })
        }
      >
        The note will be removed for everyone. This cannot be undone.
      </ConfirmModal>
    </Stack>
  );
}

/** "@ann@shop.com" in a note stands out as a mention. */
function withMentions(body: string): ReactNode {
  const parts = body.split(/(@[\w.+-]+@[\w-]+(?:\.[\w-]+)+)/g);
  return parts.map((p, i) =>
    i % 2 === 1 ? (
      <Text key={i} span fz="sm" fw={600} c="indigo">
        {p}
      </Text>
    ) : (
      <Fragment key={i}>{p}</Fragment>
    ),
  );
}
