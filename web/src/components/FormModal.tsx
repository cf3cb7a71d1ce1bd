import { Alert, Modal, Stack, Text, type ModalProps } from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';
import type { ReactNode } from 'react';

/**
 * A dialog holding one form: Enter submits, the server's problem (if any) shows above the fields.
 * Field errors stay on their inputs; `problem` is for what belongs to no single field.
 */
export function FormModal(props: {
  opened: boolean;
  onClose: () => void;
  title: ReactNode;
  onSubmit: () => void;
  problem?: ReactNode;
  problemTitle?: string;
  size?: ModalProps['size'];
  children: ReactNode;
}): ReactNode {
  return (
    <Modal opened={props.opened} onClose={props.onClose} title={<Text fw={600}>{props.title}</Text>} size={props.size} centered>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          props.onSubmit();
        }}
      >
        <Stack>
          {props.problem && (
            <Alert color="red" icon={<IconAlertCircle size={18} />} title={props.problemTitle}>
              {props.problem}
            </Alert>
          )}
          {props.children}
        </Stack>
      </form>
    </Modal>
  );
}
