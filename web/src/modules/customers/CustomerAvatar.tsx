import { Avatar } from '@mantine/core';
import type { AvatarProps } from '@mantine/core';

const COLORS = ['indigo', 'teal', 'grape', 'orange', 'cyan', 'pink', 'lime', 'violet', 'blue', 'red'];

function initialsOf(name: string): string {
  if (name.includes('@')) return (name.match(/\p{L}|\d/u)?.[0] ?? '?').toUpperCase();
  const parts = name.split(/[\s@._-]+/).filter((p) => /\p{L}/u.test(p));
  return ((parts[0]?.[0] ?? '?') + (parts.length > 1 ? (parts[1]?.[0] ?? '') : '')).toUpperCase();
}

/** Initials on a colour that stays the same for the same customer. */
export function CustomerAvatar({ id, name, ...props }: { id: string; name: string } & AvatarProps) {
  let h = 0;
  for (const ch of id) h = (h * 31 + ch.charCodeAt(0)) | 0;
  return (
    <Avatar radius="xl" color={COLORS[Math.abs(h) % COLORS.length]} aria-hidden {...props}>
      {initialsOf(name)}
    </Avatar>
  );
}
