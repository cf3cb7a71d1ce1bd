import { Group, Text } from '@mantine/core';

/** The Patron mark: a rounded square with a "P" drawn as one stroke. */
export function LogoMark({ size = 28 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <defs>
        <linearGradient id="patron-logo" x1="0" y1="0" x2="1" y2="1">
          <stop offset="0" stopColor="var(--mantine-color-indigo-5)" />
          <stop offset="1" stopColor="var(--mantine-color-violet-7)" />
        </linearGradient>
      </defs>
      <rect width="32" height="32" rx="8" fill="url(#patron-logo)" />
      <path d="M11 24V8h6.5a5 5 0 0 1 0 10H11" fill="none" stroke="white" strokeWidth="3" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}

export function Logo({ size = 28 }: { size?: number }) {
  return (
    <Group gap={10} wrap="nowrap">
      <LogoMark size={size} />
      <Text fw={700} fz={size * 0.68} lh={1} style={{ letterSpacing: '-0.02em' }}>
        Patron
      </Text>
    </Group>
  );
}
