import { Alert, Badge, Button, Group } from '@mantine/core';
import { IconAlertCircle, IconDeviceFloppy, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import type { ReactNode } from 'react';
import { ConfirmModal } from '../../../components/ConfirmModal.tsx';
import { notifyError, notifySuccess } from '../../../components/notify.tsx';
import { errorMessage } from '../../../lib/api.ts';
import { fieldErrors, ReadOnlyNote } from './Section.tsx';

type KeysOf<F, V> = { [K in keyof F]: F[K] extends V ? (V extends F[K] ? K : never) : never }[keyof F] & string;

/**
 * The state of a settings form: its values, field errors (one goes when its field changes) and a
 * problem that belongs to no single field. `onEdit` runs on every change (e.g. to drop a test result);
 * `readOnly` goes on every input bound with `text` or `number`.
 */
export function useCardForm<F extends object>(initial: () => F, opts: { readOnly?: boolean; onEdit?: () => void } = {}) {
  const [form, setForm] = useState<F>(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<string | null>(null);

  /** Sets one value and clears the error shown for it (under `errorKey` when the server names it otherwise). */
  const set = <K extends keyof F & string>(k: K, v: F[K], errorKey: string = k) => {
    setForm((f) => ({ ...f, [k]: v }));
    opts.onEdit?.();
    if (errors[errorKey]) setErrors((e) => ({ ...e, [errorKey]: '' }));
  };

  /** Value, change handler, error and read-only state of a text input (TextInput, PasswordInput, Textarea). */
  const text = <K extends KeysOf<F, string>>(k: K, errorKey: string = k) => ({
    value: form[k] as string,
    onChange: (e: { currentTarget: { value: string } }) => set(k, e.currentTarget.value as F[K], errorKey),
    error: errors[errorKey],
    readOnly: opts.readOnly,
  });

  /** The same for a NumberInput (its value is a string while it is being typed or empty). */
  const number = <K extends KeysOf<F, number | string>>(k: K, errorKey: string = k) => ({
    value: form[k] as number | string,
    onChange: (v: number | string) => set(k, v as F[K], errorKey),
    error: errors[errorKey],
    readOnly: opts.readOnly,
  });

  /** A failed save: field errors go on their inputs; anything else shows as the problem. */
  const onError = (err: unknown) => {
    const fe = fieldErrors(err);
    setErrors(fe ?? {});
    if (!fe) setProblem(errorMessage(err));
  };

  return { form, setForm, errors, setErrors, problem, setProblem, set, text, number, onError };
}

/** A card's badge: whether it sends for real or keeps messages in the Outbox. */
export function DeliveryBadge({ live, label }: { live: boolean; label: string }) {
  return live ? (
    <Badge variant="light" color="teal">
      {label}
    </Badge>
  ) : (
    <Badge variant="light" color="yellow">
      Outbox only
    </Badge>
  );
}

/** A delete mutation with no input (a settings write). */
interface Removal {
  mutate: (v: undefined, opts: { onSuccess: () => void; onError: (err: Error) => void }) => void;
  isPending: boolean;
}

export interface RemoveAction {
  mutation: Removal;
  /** What goes, as in "Remove the SMTP server?" and "Could not remove the SMTP server". */
  what: string;
  confirmLabel: string;
  /** The confirmation's text: what happens once it is gone. */
  explain: ReactNode;
  /** The notice after it went: message and title. */
  removed: [string, string];
  onRemoved?: () => void;
}

/**
 * The form of a settings card: its fields, the problem of the last save, `notice` (e.g. a test
 * result), then Save with `actions` and Remove (asked first) for people who may write, else a note.
 */
export function CardForm(props: {
  onSubmit: () => void;
  saving: boolean;
  writable: boolean;
  permission: string;
  problem: string | null;
  notice?: ReactNode;
  actions?: ReactNode;
  remove?: RemoveAction;
  /** Whether there is something to remove (the Remove button shows). */
  removable?: boolean;
  children: ReactNode;
}) {
  const [removing, setRemoving] = useState(false);
  const { remove } = props;
  return (
    <>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          props.onSubmit();
        }}
      >
        {props.children}

        {props.problem && (
          <Alert color="red" icon={<IconAlertCircle size={18} />} mt="md">
            {props.problem}
          </Alert>
        )}
        {props.notice}

        {props.writable ? (
          <Group justify="space-between" mt="lg" wrap="wrap">
            <Group gap="sm">
              <Button type="submit" loading={props.saving} leftSection={<IconDeviceFloppy size={16} />}>
                Save
              </Button>
              {props.actions}
            </Group>
            {remove && props.removable && (
              <Button variant="subtle" color="red" onClick={() => setRemoving(true)} leftSection={<IconTrash size={16} />}>
                Remove
              </Button>
            )}
          </Group>
        ) : (
          <Group mt="md">
            <ReadOnlyNote permission={props.permission} />
          </Group>
        )}
      </form>

      {remove && (
        <ConfirmModal
          opened={removing}
          onClose={() => setRemoving(false)}
          title={`Remove the ${remove.what}?`}
          confirmLabel={remove.confirmLabel}
          loading={remove.mutation.isPending}
          onConfirm={() =>
            remove.mutation.mutate(undefined, {
              onSuccess: () => {
                setRemoving(false);
                remove.onRemoved?.();
                notifySuccess(...remove.removed);
              },
              onError: (err) => {
                setRemoving(false);
                notifyError(err, `Could not remove the ${remove.what}`);
              },
            })
          }
        >
          {remove.explain}
        </ConfirmModal>
      )}
    </>
  );
}
