import type { MantineColor } from '@mantine/core';
import { CLASS_INFO } from '../../../../server/src/modules/rfm/rfm.classes.ts';
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
/** Labels come from the server's class table (one spelling everywhere). */
export const CLASS_LABEL = Object.fromEntries(Object.entries(CLASS_INFO).map(([k, v]) => [k, v.label])) as Record<RfmClass, string>;

export const RFM_CLASS_KEYS = Object.keys(CLASS_LABEL) as RfmClass[];

export function isRfmClass(v: unknown): v is RfmClass {
  return typeof v === 'string' && v in CLASS_LABEL;
}
