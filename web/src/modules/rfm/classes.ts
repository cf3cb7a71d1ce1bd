import type { MantineColor } from '@mantine/core';
import type { RfmClass } from './api.ts';

/** One hue per class: greens for the best, warm colours for those slipping away, greys for the gone. */
export const CLASS_COLOR: Record<RfmClass, MantineColor> = {
  champions: 'teal',
  loyal: 'green',
  potential_loyalist: 'lime',
  new: 'cyan',
  promising: 'blue',
  needs_attention: 'yellow',
  about_to_sleep: 'orange',
  at_risk: 'red',
  cant_lose_them: 'grape',
  hibernating: 'indigo',
  lost: 'gray',
};

/** The same labels as the server's, for places that only have the key. */
export const CLASS_LABEL: Record<RfmClass, string> = {
  champions: 'Champions',
  loyal: 'Loyal',
  potential_loyalist: 'Potential loyalist',
  new: 'New',
  promising: 'Promising',
  needs_attention: 'Needs attention',
  about_to_sleep: 'About to sleep',
  at_risk: 'At risk',
  cant_lose_them: 'Can’t lose them',
  hibernating: 'Hibernating',
  lost: 'Lost',
};

export const RFM_CLASS_KEYS = Object.keys(CLASS_LABEL) as RfmClass[];

export function isRfmClass(v: unknown): v is RfmClass {
  return typeof v === 'string' && v in CLASS_LABEL;
}
