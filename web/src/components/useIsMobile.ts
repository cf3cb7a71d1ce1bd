import { em } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';

/**
 * Below Mantine's `sm` breakpoint. Tables render their phone layout from this rather than with
 * CSS-hidden duplicates, so every value and control exists once in the DOM (and once for screen readers).
 */
export function useIsMobile(): boolean {
  return useMediaQuery(`(max-width: ${em(767.98)})`) ?? false;
}
