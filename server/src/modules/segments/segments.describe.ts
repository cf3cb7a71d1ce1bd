import { CLASS_INFO, type RfmClass } from '../rfm/rfm.classes.ts';
import type { CountRule, Definition, Duration, FieldValue, Node, PropertyFilter, Window } from './segments.definition.ts';

/**
 * A definition in plain language, for the builder and the segment list. Pure (no database, no
 * Node APIs): the web app imports it too, so the summary updates as people type.
 */
export interface DescribeContext {
  fields: Record<string, { label: string; type: string }>;
  segmentNames: Record<string, string>;
  /** Formats minor units of the store currency ("£12.50"). */
  money: (minor: number) => string;
}

const unitText = (d: Duration) => `${d.amount} ${d.amount === 1 ? d.unit.replace(/s$/, '') : d.unit}`;
const quote = (s: string) => `“${s}”`;
const list = (xs: (string | number)[], joiner = 'or') => (xs.length <= 1 ? String(xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} ${joiner} ${xs.at(-1)}`);

function windowText(w: Window): string {
  if (w.type === 'ever') return 'ever';
  if (w.type === 'inLast') return `in the last ${unitText({ amount: w.amount, unit: w.unit })}`;
  return `between ${w.from.slice(0, 10)} and ${w.to.slice(0, 10)}`;
}

function countText(c: CountRule): string {
  if (c.op === 'atLeast' && c.value === 1) return '';
  if (c.op === 'atMost' && c.value === 0) return 'never';
  const n = `${c.value} ${c.value === 1 ? 'time' : 'times'}`;
  return c.op === 'atLeast' ? `at least ${n}` : c.op === 'atMost' ? `at most ${n}` : `exactly ${n}`;
}

function propsText(ps: PropertyFilter[] | undefined): string {
  if (!ps?.length) return '';
  const OPS: Record<string, string> = { eq: 'is', neq: 'is not', gt: '>', gte: '≥', lt: '<', lte: '≤', contains: 'contains', exists: 'is set', notExists: 'is not set' };
  return ' where ' + ps.map((p) => `${p.property} ${OPS[p.op]}${p.value === undefined ? '' : ' ' + JSON.stringify(p.value)}`).join(' and ');
}

function valueText(v: FieldValue | undefined, type: string, money: (n: number) => string): string {
  if (v === undefined) return '';
  if (Array.isArray(v)) return list(v.map((x) => (type === 'money' && typeof x === 'number' ? money(x) : typeof x === 'string' ? quote(x) : String(x))));
  if (typeof v === 'object') return unitText(v);
  if (type === 'money' && typeof v === 'number') return money(v);
  return typeof v === 'string' ? quote(v) : String(v);
}

const FIELD_OPS: Record<string, string> = {
  is: 'is', isNot: 'is not', contains: 'contains', notContains: 'does not contain', startsWith: 'starts with', endsWith: 'ends with', in: 'is one of', notIn: 'is none of',
  exists: 'is set', notExists: 'is not set', eq: 'is', neq: 'is not', gt: 'is more than', gte: 'is at least', lt: 'is less than', lte: 'is at most', between: 'is between',
  isTrue: 'is yes', isFalse: 'is no', before: 'is before', after: 'is after', on: 'is on', inLast: 'is in the last', notInLast: 'is more than', inNext: 'is in the next',
  hasAny: 'include any of', hasAll: 'include all of', hasNone: 'include none of', isEmpty: 'are empty', isNotEmpty: 'are not empty', topPercent: 'is in the top', bottomPercent: 'is in the bottom',
};

function betweenText(v: FieldValue | undefined, type: string, money: (n: number) => string): string {
  if (!Array.isArray(v)) return valueText(v, type, money);
  const f = (x: string | number) => (type === 'money' && typeof x === 'number' ? money(x) : String(x));
  return `${f(v[0]!)} and ${f(v[1]!)}`;
}

function nodeText(n: Node, ctx: DescribeContext): string {
  switch (n.kind) {
    case 'group': {
      if (!n.conditions.length) return 'everyone';
      const parts = n.conditions.map((c) => (c.kind === 'group' && c.conditions.length > 1 ? `(${nodeText(c, ctx)})` : nodeText(c, ctx)));
      if (n.match === 'all') return parts.join(' and ');
      if (n.match === 'any') return parts.join(' or ');
      return `not (${parts.join(' or ')})`;
    }
    case 'field': {
      const f = ctx.fields[n.field] ?? { label: n.field, type: 'text' };
      const label = f.label.toLowerCase().startsWith('custom') ? f.label : f.label.charAt(0).toLowerCase() + f.label.slice(1);
      if (n.op === 'topPercent' || n.op === 'bottomPercent') return `${label} ${FIELD_OPS[n.op]} ${String(n.value)} %`;
      if (n.op === 'notInLast') return `${label} is more than ${valueText(n.value, f.type, ctx.money)} ago`;
      if (n.op === 'between') return `${label} is between ${betweenText(n.value, f.type, ctx.money)}`;
      const verb = f.type === 'list' && n.field === 'tags' ? FIELD_OPS[n.op]!.replace(/^include/, 'include').replace(/^are/, 'are') : FIELD_OPS[n.op];
      return `${label} ${verb}${n.value === undefined ? '' : ' ' + valueText(n.value, f.type, ctx.money)}`;
    }
    case 'activity': {
      const c = countText(n.count);
      if (c === 'never') return `never did ${quote(n.activity)}${propsText(n.where)} ${windowText(n.window)}`.replace(/ ever$/, '');
      return `did ${quote(n.activity)}${propsText(n.where)}${c ? ' ' + c : ''} ${windowText(n.window)}`;
    }
    case 'sequence':
      return `did ${quote(n.did)}${propsText(n.didWhere)} ${windowText(n.window)} without ${quote(n.didNot)} within ${unitText(n.notWithin)}`;
    case 'activityTime': {
      const verb = FIELD_OPS[n.op] ?? n.op;
      const v = n.op === 'notInLast' ? `more than ${valueText(n.value, 'date', ctx.money)} ago` : `${verb}${n.value === undefined ? '' : ' ' + valueText(n.value, 'date', ctx.money)}`;
      return `the ${n.which} ${quote(n.activity)} ${n.op === 'notInLast' ? 'was ' + v : v}`;
    }
    case 'purchased': {
      const what = n.target === 'category' ? `from the ${list(n.values.map(quote))} ${n.values.length > 1 ? 'categories' : 'category'}`
        : n.target === 'sku' ? `SKU ${list(n.values.map(quote))}` : `${n.values.length > 1 ? 'one of ' + n.values.length + ' products' : 'a chosen product'}`;
      const c = countText(n.count);
      if (c === 'never') return `never bought ${what}${n.window.type === 'ever' ? '' : ' ' + windowText(n.window)}`;
      return `bought ${what}${c ? ' ' + c.replace('time', 'order').replace('times', 'orders') : ''}${n.window.type === 'ever' ? '' : ' ' + windowText(n.window)}`;
    }
    case 'consent': {
      const names: Record<string, string> = { subscribed: 'subscribed', unsubscribed: 'unsubscribed', pending: 'pending confirmation', none: 'never subscribed' };
      if (n.channel === 'tracking') {
        const t: Record<string, string> = { subscribed: 'accepted', unsubscribed: 'refused', pending: 'pending', none: 'never asked' };
        return `website tracking consent is ${list(n.statuses.map((s) => t[s]!))}`;
      }
      return `${n.channel === 'email' ? 'email' : 'SMS'} marketing is ${list(n.statuses.map((s) => names[s]!))}`;
    }
    case 'rfm':
      if (n.field === 'class') return `RFM class is ${n.op === 'notIn' ? 'none of' : ''}${n.op === 'notIn' ? ' ' : ''}${list(n.value.map((v) => CLASS_INFO[v as RfmClass]?.label ?? v))}`;
      return `RFM ${n.field} score ${FIELD_OPS[n.op]} ${Array.isArray(n.value) ? `${n.value[0]} and ${n.value[1]}` : n.value}`;
    case 'segment':
      return `${n.op === 'in' ? 'is in' : 'is not in'} segment ${quote(ctx.segmentNames[n.segmentId] ?? 'a deleted segment')}`;
  }
}

/** "Customers whose country is “GB” and did “Page Viewed” at least 3 times in the last 30 days". */
export function describeDefinition(def: Definition, ctx: DescribeContext): string {
  const text = nodeText(def.root, ctx);
  if (text === 'everyone') return 'All customers';
  return `Customers whose ${text}`.replace(/^Customers whose (did|never|bought|is in|is not in)/, 'Customers who $1');
}
