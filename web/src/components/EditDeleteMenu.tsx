import { Menu } from '@mantine/core';
import { useState } from 'react';
import type { ReactNode } from 'react';
import { ConfirmModal } from './ConfirmModal.tsx';
import { RowMenu } from './RowMenu.tsx';

/**
 * A row's "…" menu with Edit and Delete; Delete asks first. `deleteDisabled` greys it out (with
 * `deleteHint` saying why), `confirm` is the question's text.
 */
export function EditDeleteMenu(props: {
  name: string;
  onEdit: () => void;
  onDelete: (done: () => void) => void;
  confirmTitle: string;
  confirm: ReactNode;
  deleting?: boolean;
  deleteDisabled?: boolean;
  deleteHint?: string;
}) {
  const [asking, setAsking] = useState(false);
  return (
    <>
      <RowMenu label={`Actions for ${props.name}`}>
        <Menu.Item onClick={props.onEdit}>Edit</Menu.Item>
        <Menu.Item color="red" disabled={props.deleteDisabled} title={props.deleteDisabled ? props.deleteHint : undefined} onClick={() => setAsking(true)}>Delete</Menu.Item>
      </RowMenu>
      <ConfirmModal opened={asking} title={props.confirmTitle} confirmLabel="Delete" loading={props.deleting} onClose={() => setAsking(false)} onConfirm={() => props.onDelete(() => setAsking(false))}>
        {props.confirm}
      </ConfirmModal>
    </>
  );
}
