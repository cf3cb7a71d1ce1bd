/**
 * The named RFM classes and the R×F map that assigns them (docs/rfm.md says where the map comes from).
 * Plain data and functions, no imports: the SQL recompute, the API and the tests all read this one table.
 */

/** Best to worst. Stored in `customer_rfm.class` as these snake_case names. */
export const RFM_CLASSES = [
  'champions', 'loyal', 'potential_loyalist', 'new', 'promising', 'needs_attention',
  'about_to_sleep', 'at_risk', 'cant_lose_them', 'hibernating', 'lost',
] as const;
export type RfmClass = (typeof RFM_CLASSES)[number];

export const SCORES = [1, 2, 3, 4, 5] as const;

/**
 * The class of a recency score `r` and frequency score `f` (1–5, 5 = best). The widely used R×F map
 * (10 classes, read as the two-digit string "rf"), with its bottom corner R1 F1 split off as Lost, the
 * eleventh class of the standard naming:
 *
 *   F\R   1               2               3                4                   5
 *   5     can't lose them can't lose them loyal            loyal               champions
 *   4     at risk         at risk         loyal            loyal               champions
 *   3     at risk         at risk         needs attention  potential loyalist  potential loyalist
 *   2     hibernating     hibernating     about to sleep   potential loyalist  potential loyalist
 *   1     lost            hibernating     about to sleep   promising           new
 */
export function classFor(r: number, f: number): RfmClass {
  if (!SCORES.includes(r as 1) || !SCORES.includes(f as 1)) throw new RangeError(`RFM scores are 1 to 5, not r=${r} f=${f}`);
  if (r <= 2) {
    if (f === 5) return 'cant_lose_them';
    if (f >= 3) return 'at_risk';
    return r === 1 && f === 1 ? 'lost' : 'hibernating';
  }
  if (r === 3) {
    if (f <= 2) return 'about_to_sleep';
    if (f === 3) return 'needs_attention';
    return 'loyal';
  }
  // r is 4 or 5
  if (f === 1) return r === 5 ? 'new' : 'promising';
  if (f <= 3) return 'potential_loyalist';
  return r === 5 ? 'champions' : 'loyal';
}

export interface ClassInfo {
  label: string;
  /** Who they are, in a few words. */
  description: string;
  /** The one-line "what to do" shown beside the class. */
  action: string;
}

export const CLASS_INFO: Record<RfmClass, ClassInfo> = {
  champions: { label: 'Champions', description: 'Bought very recently and buy most often', action: 'Reward them: early access, loyalty perks, ask for reviews and referrals. They need no discount.' },
  loyal: { label: 'Loyal', description: 'Buy often and fairly recently', action: 'Upsell higher-value products and invite them to the loyalty programme.' },
  potential_loyalist: { label: 'Potential loyalist', description: 'Recent customers with a few orders', action: 'Recommend related products and offer membership to make buying a habit.' },
  new: { label: 'New', description: 'Bought very recently, for the first time', action: 'Welcome series and onboarding: make the second order easy.' },
  promising: { label: 'Promising', description: 'Recent first-time buyers, a little less recent than New', action: 'Tell the brand story and time an offer for the second order.' },
  needs_attention: { label: 'Needs attention', description: 'Middling recency and frequency', action: 'Limited-time offers and recommendations from their past purchases.' },
  about_to_sleep: { label: 'About to sleep', description: 'Below-average recency, few orders', action: 'Share bestsellers and a reason to come back before they drift away.' },
  at_risk: { label: 'At risk', description: 'Bought often, but not for a long time', action: 'Personal win-back emails with relevant products or a renewal offer.' },
  cant_lose_them: { label: 'Can’t lose them', description: 'Bought most often, long ago', action: 'Win them back personally: reach out, ask what changed, show what is new.' },
  hibernating: { label: 'Hibernating', description: 'Last order long ago, few orders', action: 'Occasional offers on relevant products; keep sends light.' },
  lost: { label: 'Lost', description: 'Lowest recency and frequency', action: 'One reactivation campaign, then leave them out of regular sends.' },
};

/** All 25 cells, R then F ascending, with their class. */
export function allCells(): { r: number; f: number; class: RfmClass }[] {
  return SCORES.flatMap((r) => SCORES.map((f) => ({ r, f, class: classFor(r, f) })));
}
