import { Anchor, Text } from '@mantine/core';
import { Link } from '@tanstack/react-router';
import { useCan } from '../session/context.tsx';

/** A customer's name on another record's page: a link to their profile for people who may read customers, else plain text. */
export function CustomerLink({ id, name }: { id: string; name: string | null }) {
  const can = useCan();
  return can('customers:read') ? (
    <Anchor renderRoot={(props) => <Link to="/customers/$id" params={{ id }} {...props} />} fz="sm" fw={600}>
      {name ?? 'Open the customer'}
    </Anchor>
  ) : (
    <Text fz="sm" fw={600}>
      {name ?? 'A customer'}
    </Text>
  );
}
