import { Badge, Group, Text, Tooltip } from '@mantine/core';
import { Link } from '@tanstack/react-router';
import { shortDate } from '../../lib/format.ts';
import { useCan } from '../session/context.tsx';
import { useCustomerRfm } from './api.ts';
import { CLASS_COLOR } from './classes.ts';

/** R, F and M scores as three compact chips ("R5 F4 M3"). */
export function ScoreChips({ r, f, m }: { r: number; f: number; m: number }) {
  return (
    <Group gap={4} wrap="nowrap" aria-label={`Recency ${r}, frequency ${f}, monetary ${m} (out of 5)`}>
      {([['R', r], ['F', f], ['M', m]] as const).map(([k, v]) => (
        <Badge key={k} size="sm" variant="default" radius="sm" className="patron-tabular" styles={{ label: { textTransform: 'none' } }}>
          {k}
          {v}
        </Badge>
      ))}
    </Group>
  );
}

/** The customer 360° header's badge: RFM class and scores, linking to the grid. Nothing when they have none. */
export function RfmBadge({ customerId }: { customerId: string }) {
  const can = useCan();
  const rfm = useCustomerRfm(customerId);
  const s = rfm.data;
  if (!s) return null;
  const label = (
    <Badge variant="light" color={CLASS_COLOR[s.class]} radius="sm" styles={{ label: { textTransform: 'none' } }}>
      {s.label} · R{s.recency} F{s.frequency} M{s.monetary}
    </Badge>
  );
  return (
    <Tooltip
      withArrow
      multiline
      w={280}
      label={
        <Text fz="xs">
          RFM class {s.label}: recency {s.recency}, frequency {s.frequency}, monetary {s.monetary} out of 5, among everyone with orders (computed{' '}
          {shortDate(s.computedAt)}).
        </Text>
      }
    >
      {can('segments:read') ? (
        <Link to="/segments/rfm" search={{ class: s.class }} style={{ textDecoration: 'none', display: 'inline-flex' }} aria-label={`RFM: ${s.label}, R${s.recency} F${s.frequency} M${s.monetary}`}>
          {label}
        </Link>
      ) : (
        label
      )}
    </Tooltip>
  );
}
