import type { PropertyFilter } from '../../../../server/src/modules/segments/segments.definition.ts';

/** A filter the person has started but not finished (no property name, or no value where one is needed) is not sent. */
export function finishedFilters(fs: PropertyFilter[] | undefined): PropertyFilter[] | undefined {
  const ok = (fs ?? []).filter((f) => f.property.trim() !== '' && (f.op === 'exists' || f.op === 'notExists' || f.value !== undefined));
  return ok.length ? ok : undefined;
}
