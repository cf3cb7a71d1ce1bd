import { notifications } from '@mantine/notifications';
import { IconAlertCircle, IconCheck } from '@tabler/icons-react';
import { ApiError, errorMessage } from '../lib/api.ts';

export function notifyError(err: unknown, title?: string): void {
  notifications.show({
    color: 'red',
    icon: <IconAlertCircle size={18} />,
    title: title ?? (err instanceof ApiError ? err.problem.title : 'Something went wrong'),
    message: errorMessage(err),
    autoClose: 8000,
  });
}

export function notifySuccess(message: string, title?: string): void {
  notifications.show({ color: 'teal', icon: <IconCheck size={18} />, title, message, autoClose: 4000 });
}
