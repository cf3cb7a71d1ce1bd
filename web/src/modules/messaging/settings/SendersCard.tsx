import { Badge, Button, Group, Menu, Switch, Table, Text, TextInput } from '@mantine/core';
import { IconMailbox, IconPencil, IconPlus, IconStar, IconTrash } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { ConfirmModal } from '../../../components/ConfirmModal.tsx';
import { TableCard } from '../../../components/DataTable.tsx';
import { Empty } from '../../../components/Empty.tsx';
import { FormModal } from '../../../components/FormModal.tsx';
import { RowMenu } from '../../../components/RowMenu.tsx';
import { notifyError, notifySuccess } from '../../../components/notify.tsx';
import { QueryStates } from '../../../components/QueryStates.tsx';
import { useIsMobile } from '../../../components/useIsMobile.ts';
import { useCan } from '../../session/context.tsx';
import { useCreateSender, useDeleteSender, useSenders, useUpdateSender } from '../messages/api.ts';
import type { Sender, SenderBody } from '../messages/api.ts';
import { useCardForm } from './CardForm.tsx';
import { ReadOnlyNote, Section } from './Section.tsx';

/** From names and addresses templates and campaigns send as. */
export function SendersCard() {
  const can = useCan();
  const writable = can('settings:write');
  const senders = useSenders();
  const update = useUpdateSender();
  const remove = useDeleteSender();
  const mobile = useIsMobile();
  const [editing, setEditing] = useState<Sender | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Sender | null>(null);

  const add = writable && (
    <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing('new')}>
      Add sender
    </Button>
  );

  return (
    <Section
      id="senders"
      title="Senders"
      description="The names and addresses your messages come from. Templates pick one; the default is used otherwise. Your SMTP provider must allow sending from these addresses (set up SPF and DKIM for their domain)."
      action={add}
    >
      <QueryStates
        query={senders}
        rows={2}
        empty={
          <Empty
            icon={<IconMailbox size={24} />}
            title="No senders yet"
            description="Add the name and address your customers should see, such as “Acme Store <hello@acme.com>”."
            action={add}
          />
        }
      >
        {(items) => (
          <TableCard minWidth={{ base: 0, sm: 640 }}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>From</Table.Th>
                {!mobile && <Table.Th>Replies go to</Table.Th>}
                {writable && <Table.Th w={52} aria-label="Actions" />}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((s) => (
                <Table.Tr key={s.id}>
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      <Text fz="sm" fw={500}>
                        {s.name}
                      </Text>
                      {s.isDefault && (
                        <Badge size="sm" variant="light" color="blue">
                          Default
                        </Badge>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Text fz="sm">{s.fromName}</Text>
                    <Text fz="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                      {s.fromEmail}
                    </Text>
                  </Table.Td>
                  {!mobile && (
                    <Table.Td>
                      <Text fz="sm" c={s.replyTo ? undefined : 'dimmed'} style={{ overflowWrap: 'anywhere' }}>
                        {s.replyTo ?? 'The from address'}
                      </Text>
                    </Table.Td>
                  )}
                  {writable && (
                    <Table.Td>
                      <RowMenu label={`Actions for ${s.name}`}>
                        <Menu.Item leftSection={<IconPencil size={16} />} onClick={() => setEditing(s)}>
                          Edit
                        </Menu.Item>
                        {!s.isDefault && (
                          <Menu.Item
                            leftSection={<IconStar size={16} />}
                            onClick={() =>
                              update.mutate(
                                { id: s.id, isDefault: true },
                                { onSuccess: () => notifySuccess(`${s.name} is now the default sender.`), onError: (err) => notifyError(err, 'Could not change the default sender') },
                              )
                            }
                          >
                            Make default
                          </Menu.Item>
                        )}
                        <Menu.Item color="red" leftSection={<IconTrash size={16} />} onClick={() => setDeleting(s)}>
                          Delete
                        </Menu.Item>
                      </RowMenu>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </TableCard>
        )}
      </QueryStates>
      {!writable && <ReadOnlyNote permission="settings:write" />}

      <SenderModal sender={editing} onClose={() => setEditing(null)} />
      <ConfirmModal
        opened={deleting !== null}
        onClose={() => setDeleting(null)}
        title={`Delete the sender “${deleting?.name ?? ''}”?`}
        confirmLabel="Delete sender"
        loading={remove.isPending}
        onConfirm={() =>
          deleting &&
          remove.mutate(deleting.id, {
            onSuccess: () => {
              notifySuccess(`${deleting.fromName} <${deleting.fromEmail}> is no longer used.`, 'Sender deleted');
              setDeleting(null);
            },
            onError: (err) => {
              setDeleting(null);
              notifyError(err, 'Could not delete the sender');
            },
          })
        }
      >
        Templates that use it send from the default sender instead.{deleting?.isDefault ? ' The oldest other sender becomes the default.' : ''}
      </ConfirmModal>
    </Section>
  );
}

interface Form {
  name: string;
  fromName: string;
  fromEmail: string;
  replyTo: string;
  isDefault: boolean;
}

function SenderModal({ sender, onClose }: { sender: Sender | 'new' | null; onClose: () => void }) {
  const create = useCreateSender();
  const update = useUpdateSender();
  const existing = sender && sender !== 'new' ? sender : null;
  const { form, setForm, setErrors, problem, setProblem, set, text, onError } = useCardForm<Form>(() => ({ name: '', fromName: '', fromEmail: '', replyTo: '', isDefault: false }));

  useEffect(() => {
    if (!sender) return;
    const s = sender === 'new' ? null : sender;
    setForm({ name: s?.name ?? '', fromName: s?.fromName ?? '', fromEmail: s?.fromEmail ?? '', replyTo: s?.replyTo ?? '', isDefault: s?.isDefault ?? false });
    setErrors({});
    setProblem(null);
  }, [sender]);

  const submit = () => {
    const errs: Record<string, string> = {};
    if (!form.fromName.trim()) errs.fromName = 'The name customers see, such as your store’s name';
    if (!form.fromEmail.trim()) errs.fromEmail = 'The address messages come from';
    if (Object.keys(errs).length) {
      setErrors(errs);
      return;
    }
    setProblem(null);
    const body: SenderBody = {
      name: form.name.trim() || form.fromName.trim(),
      fromName: form.fromName.trim(),
      fromEmail: form.fromEmail.trim(),
      replyTo: form.replyTo.trim() || null,
      // Unset: the first sender becomes the default by itself; a default stays one until another takes over.
      ...(form.isDefault ? { isDefault: true } : {}),
    };
    const done = (verb: string) => () => {
      notifySuccess(`${body.fromName} <${body.fromEmail}>`, `Sender ${verb}`);
      onClose();
    };
    if (existing) update.mutate({ id: existing.id, ...body }, { onSuccess: done('saved'), onError });
    else create.mutate(body, { onSuccess: done('added'), onError });
  };

  return (
    <FormModal opened={sender !== null} onClose={onClose} title={existing ? 'Edit sender' : 'Add sender'} onSubmit={submit} problem={problem}>
      <TextInput
        label="From name"
        description="What customers see as the sender"
        placeholder="Acme Store"
        {...text('fromName')}
        data-autofocus
        maxLength={200}
      />
      <TextInput label="From address" placeholder="hello@acme.com" inputMode="email" {...text('fromEmail')} maxLength={320} />
      <TextInput
        label="Reply-to address"
        description="Optional: where replies go, if not to the from address"
        placeholder="support@acme.com"
        inputMode="email"
        {...text('replyTo')}
        maxLength={320}
      />
      <TextInput
        label="Internal name"
        description="Optional: how your team tells senders apart, such as “Newsletter”"
        {...text('name')}
        maxLength={200}
      />
      <Switch
        label="Default sender"
        description="Used by templates that do not pick a sender"
        checked={form.isDefault}
        disabled={existing?.isDefault}
        onChange={(e) => set('isDefault', e.currentTarget.checked)}
      />
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>
          Cancel
        </Button>
        <Button type="submit" loading={create.isPending || update.isPending}>
          {existing ? 'Save' : 'Add sender'}
        </Button>
      </Group>
    </FormModal>
  );
}
