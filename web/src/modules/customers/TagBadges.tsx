import { Badge, Group, Tooltip } from '@mantine/core';

/** A customer's tags as small badges; beyond `max`, a "+3" with the rest in its tooltip. */
export function TagBadges({ tags, max = 3 }: { tags: string[]; max?: number }) {
  if (!tags.length) return null;
  const shown = tags.slice(0, max);
  const rest = tags.slice(max);
  return (
    <Group gap={4} wrap="wrap">
      {shown.map((t) => (
        <Badge key={t} size="sm" variant="light" color="gray" tt="none" maw={160}>
          {t}
        </Badge>
      ))}
      {rest.length > 0 && (
        <Tooltip label={rest.join(', ')} withArrow multiline maw={260}>
          <Badge size="sm" variant="outline" color="gray" aria-label={`${rest.length} more tags: ${rest.join(', ')}`}>
            +{rest.length}
          </Badge>
        </Tooltip>
      )}
    </Group>
  );
}
