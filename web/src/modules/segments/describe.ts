import type { Definition } from '../../../../server/src/modules/segments/segments.definition.ts';
import { describeDefinition, type DescribeContext } from '../../../../server/src/modules/segments/segments.describe.ts';
import { formatMoney } from '../../lib/money.ts';
import type { Catalogue } from './api.ts';

/** The server's plain-language summary, computed here so it follows every keystroke. */
export function describeContext(cat: Catalogue): DescribeContext {
  return {
    fields: Object.fromEntries(cat.fields.map((f) => [f.key, { label: f.label, type: f.type }])),
    segmentNames: Object.fromEntries(cat.segments.map((s) => [s.id, s.name])),
    money: (minor) => formatMoney(minor, cat.currency),
  };
}

/** A summary, or null for a stored definition this version cannot read (it is shown as broken elsewhere). */
export function describe(def: unknown, cat: Catalogue | undefined): string | null {
  if (!cat) return null;
  try {
    return describeDefinition(def as Definition, describeContext(cat));
  } catch {
    return null;
  }
}
