import { Text } from '@mantine/core';
import type { TextProps } from '@mantine/core';
import { useEffect, useState } from 'react';
import { absoluteTime, relativeTime } from '../lib/format.ts';

// One shared clock so that every "3 min ago" on the page moves on together.
const listeners = new Set<(now: number) => void>();
let timer: ReturnType<typeof setInterval> | undefined;

function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    listeners.add(setNow);
    timer ??= setInterval(() => {
      const t = Date.now();
      for (const l of listeners) l(t);
    }, 30_000);
    return () => {
      listeners.delete(setNow);
      if (listeners.size === 0 && timer) {
        clearInterval(timer);
        timer = undefined;
      }
    };
  }, []);
  return now;
}

/** A relative time ("3 minutes ago") with the exact local time in its title. */
export function TimeAgo({ date, fallback = '—', ...props }: { date: string | null | undefined; fallback?: string } & TextProps) {
  const now = useNow();
  if (!date) {
    return (
      <Text span c="dimmed" fz="sm" {...props}>
        {fallback}
      </Text>
    );
  }
  return (
    <Text span fz="sm" title={absoluteTime(date)} style={{ whiteSpace: 'nowrap' }} {...props}>
      <time dateTime={date}>{relativeTime(date, now)}</time>
    </Text>
  );
}
