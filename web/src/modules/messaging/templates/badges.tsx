import { Badge } from '@mantine/core';
import { IconMail, IconMessage } from '@tabler/icons-react';
import type { ReactNode } from 'react';

export function ChannelBadge({ channel }: { channel: 'email' | 'sms' }): ReactNode {
  return channel === 'email' ? (
    <Badge variant="light" color="indigo" leftSection={<IconMail size={12} />}>
      Email
    </Badge>
  ) : (
    <Badge variant="light" color="teal" leftSection={<IconMessage size={12} />}>
      SMS
    </Badge>
  );
}

export function KindBadge({ kind }: { kind: 'marketing' | 'transactional' }): ReactNode {
  return (
    <Badge variant="light" color={kind === 'marketing' ? 'grape' : 'gray'}>
      {kind === 'marketing' ? 'Marketing' : 'Transactional'}
    </Badge>
  );
}
