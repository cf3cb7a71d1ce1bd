import { Badge, Tooltip } from '@mantine/core';
import type { Segment } from './api.ts';

/** Why a segment is broken, in words (the server's reason starts with the JSON pointer of the node). */
export function brokenText(reason: string | null): string {
  if (!reason) return 'This segment cannot be evaluated.';
  const r = reason.replace(/^\/[^\s:]*:\s*/, '').trim();
  return r.charAt(0).toUpperCase() + r.slice(1) + (/[.!?)]$/.test(r) ? '' : '.');
}

/** Active (green), computing (blue), broken (red, the reason on hover). */
export function StatusBadge({ segment: s }: { segment: Pick<Segment, 'status' | 'brokenReason' | 'scheduled'> }) {
  if (s.status === 'broken') {
    return (
      <Tooltip label={brokenText(s.brokenReason)} withArrow multiline maw={320}>
        <Badge color="red" variant="light" tabIndex={0} aria-label={`Broken: ${brokenText(s.brokenReason)}`}>
          Broken
        </Badge>
      </Tooltip>
    );
  }
  if (s.status === 'computing') {
    return (
      <Badge color="blue" variant="light">
        Computing
      </Badge>
    );
  }
  return (
    <Tooltip label={s.scheduled ? 'Kept current as things happen, and re-checked every 15 minutes for conditions that depend on time' : 'Kept current as things happen'} withArrow multiline maw={300}>
      <Badge color="teal" variant="light">
        Active
      </Badge>
    </Tooltip>
  );
}
