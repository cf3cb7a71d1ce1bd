import type { z } from 'zod';
import type { FieldError } from '../../platform/http/problem.ts';
import {
  activityConditionSchema, activityTimeConditionSchema, consentConditionSchema, fieldConditionSchema, MAX_DEPTH, MAX_NODES, purchaseConditionSchema,
  rfmConditionSchema, segmentConditionSchema, sequenceConditionSchema, walk,
  type Definition, type FieldValue, type Group, type Node, type PropertyFilter, type Window,
} from './segments.definition.ts';
import { opsFor, type Catalogue, type FieldDef } from './segments.fields.ts';

const CONDITION_SCHEMAS: Record<string, z.ZodType> = {
  field: fieldConditionSchema,
  activity: activityConditionSchema,
  sequence: sequenceConditionSchema,
  activityTime: activityTimeConditionSchema,
  purchased: purchaseConditionSchema,
  consent: consentConditionSchema,
  rfm: rfmConditionSchema,
  segment: segmentConditionSchema,
};
const KINDS = ['group', ...Object.keys(CONDITION_SCHEMAS)];

function zodErrors(pointer: string, err: z.ZodError): FieldError[] {
  return err.issues.map((i) => ({ pointer: [pointer, ...i.path.map(String)].join('/'), detail: i.message }));
}

/**
 * Structural parse of a definition, node by node, so that an error names the exact node
 * (`/definition/root/conditions/2/count/value`) rather than "no union member matched".
 */
export function parseDefinition(raw: unknown, base = '/definition'): { definition: Definition; errors: [] } | { definition: null; errors: FieldError[] } {
  const errors: FieldError[] = [];
  let nodes = 0;
  const node = (n: unknown, p: string, depth: number): Node | null => {
    nodes++;
    if (nodes > MAX_NODES) {
      if (nodes === MAX_NODES + 1) errors.push({ pointer: p, detail: `a definition has at most ${MAX_NODES} conditions and groups` });
      return null;
    }
    if (!n || typeof n !== 'object' || Array.isArray(n)) {
      errors.push({ pointer: p, detail: 'must be an object: a group or a condition' });
      return null;
    }
    const o = n as Record<string, unknown>;
    if (o.kind === 'group') {
      if (depth > MAX_DEPTH) {
        errors.push({ pointer: p, detail: `groups nest at most ${MAX_DEPTH} deep` });
        return null;
      }
      const extra = Object.keys(o).filter((k) => !['kind', 'match', 'conditions'].includes(k));
      if (extra.length) errors.push({ pointer: `${p}/${extra[0]}`, detail: `unknown key "${extra[0]}" in a group (kind, match, conditions)` });
      if (!['all', 'any', 'none'].includes(o.match as string)) errors.push({ pointer: `${p}/match`, detail: 'must be "all", "any" or "none"' });
      if (!Array.isArray(o.conditions)) {
        errors.push({ pointer: `${p}/conditions`, detail: 'must be a list of conditions and groups' });
        return null;
      }
      if (o.conditions.length > 50) errors.push({ pointer: `${p}/conditions`, detail: 'a group holds at most 50 items' });
      const children = o.conditions.map((c, i) => node(c, `${p}/conditions/${i}`, depth + 1));
      return { kind: 'group', match: o.match as Group['match'], conditions: children.filter((c): c is Node => c !== null) };
    }
    const schema = typeof o.kind === 'string' ? CONDITION_SCHEMAS[o.kind] : undefined;
    if (!schema) {
      errors.push({ pointer: `${p}/kind`, detail: `unknown kind ${JSON.stringify(o.kind)}: one of ${KINDS.join(', ')}` });
      return null;
    }
    const r = schema.safeParse(o);
    if (!r.success) {
      errors.push(...zodErrors(p, r.error));
      return null;
    }
    return r.data as Node;
  };
  if (!raw || typeof raw !== 'object') return { definition: null, errors: [{ pointer: base, detail: 'must be an object {"version": 1, "root": {group}}' }] };
  const d = raw as Record<string, unknown>;
  if (d.version !== 1) errors.push({ pointer: `${base}/version`, detail: 'must be 1' });
  const extra = Object.keys(d).filter((k) => k !== 'version' && k !== 'root');
  if (extra.length) errors.push({ pointer: `${base}/${extra[0]}`, detail: `unknown key "${extra[0]}" (version, root)` });
  const root = d.root as Record<string, unknown> | undefined;
  if (!root || root.kind !== 'group') {
    errors.push({ pointer: `${base}/root`, detail: 'must be a group: {"kind": "group", "match": "all", "conditions": []}' });
    return { definition: null, errors };
  }
  const parsed = node(root, `${base}/root`, 1);
  if (errors.length || !parsed) return { definition: null, errors };
  return { definition: { version: 1, root: parsed as Group }, errors: [] };
}

const isDate = (s: string) => /^\d{4}-\d{2}-\d{2}/.test(s) && !Number.isNaN(Date.parse(s.length === 10 ? `${s}T00:00:00Z` : s));

function checkWindow(w: Window, p: string, errors: FieldError[]): void {
  if (w.type !== 'between') return;
  if (!isDate(w.from)) errors.push({ pointer: `${p}/from`, detail: 'is not a real date' });
  if (!isDate(w.to)) errors.push({ pointer: `${p}/to`, detail: 'is not a real date' });
  if (isDate(w.from) && isDate(w.to) && Date.parse(w.from) > Date.parse(w.to)) errors.push({ pointer: `${p}/to`, detail: `the range ends (${w.to}) before it starts (${w.from})` });
}

function checkProperties(filters: PropertyFilter[] | undefined, p: string, errors: FieldError[]): void {
  (filters ?? []).forEach((f, i) => {
    const fp = `${p}/${i}`;
    const needs = f.op !== 'exists' && f.op !== 'notExists';
    if (needs && f.value === undefined) errors.push({ pointer: `${fp}/value`, detail: `"${f.op}" needs a value` });
    if (!needs && f.value !== undefined) errors.push({ pointer: `${fp}/value`, detail: `"${f.op}" takes no value` });
    if (['gt', 'gte', 'lt', 'lte'].includes(f.op) && typeof f.value !== 'number') errors.push({ pointer: `${fp}/value`, detail: `"${f.op}" compares numbers: give a number` });
    if (f.op === 'contains' && typeof f.value !== 'string') errors.push({ pointer: `${fp}/value`, detail: '"contains" needs text' });
  });
}

/** Whether `value` fits operator `op` on a field of this type; returns a message when it does not. */
function checkFieldValue(f: FieldDef, op: string, value: FieldValue | undefined): string | null {
  const none = ['exists', 'notExists', 'isTrue', 'isFalse', 'isEmpty', 'isNotEmpty'];
  if (none.includes(op)) return value === undefined ? null : `"${op}" takes no value`;
  if (value === undefined) return `"${op}" needs a value`;
  const isDuration = typeof value === 'object' && !Array.isArray(value);
  const numeric = f.type === 'number' || f.type === 'money';
  const whole = (n: unknown) => typeof n === 'number' && (f.type !== 'money' || Number.isInteger(n));
  const numMsg = f.type === 'money' ? 'a whole number of minor units (pence, cents)' : 'a number';
  switch (op) {
    case 'topPercent':
    case 'bottomPercent':
      return typeof value === 'number' && value > 0 && value <= 100 ? null : 'a percentage above 0 and at most 100';
    case 'in':
    case 'notIn':
      return Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string') ? null : 'a non-empty list of texts';
    case 'hasAny':
    case 'hasAll':
    case 'hasNone': {
      if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'string')) return 'a non-empty list of values';
      const bad = f.options ? value.filter((v) => !f.options!.includes(String(v))) : [];
      return bad.length ? `${JSON.stringify(bad[0])} is not one of the options of ${f.label}: ${f.options!.join(', ')}` : null;
    }
    case 'between':
      if (!Array.isArray(value) || value.length !== 2) return 'a pair [from, to]';
      if (numeric) {
        if (!value.every(whole)) return `a pair of ${numMsg}`;
        return (value[0] as number) <= (value[1] as number) ? null : `the range ends (${value[1]}) below where it starts (${value[0]})`;
      }
      if (!value.every((v) => typeof v === 'string' && isDate(v))) return 'a pair of dates (YYYY-MM-DD)';
      return Date.parse(String(value[0])) <= Date.parse(String(value[1])) ? null : `the range ends (${value[1]}) before it starts (${value[0]})`;
    case 'inLast':
    case 'notInLast':
    case 'inNext':
      if (!isDuration) return 'a duration {"amount": 7, "unit": "days"}';
      return value.amount >= (op === 'inNext' ? 0 : 1) ? null : 'an amount of at least 1';
    case 'before':
    case 'after':
    case 'on':
      return typeof value === 'string' && isDate(value) ? null : 'a date (YYYY-MM-DD)';
    default:
      if (numeric) return whole(value) ? null : numMsg;
      if (f.type === 'text') return typeof value === 'string' ? null : 'text';
      return null;
  }
}

/**
 * Checks what a definition means against the store's fields and segments; every error names its
 * node. `selfId` is the segment being saved (so that it cannot reference itself, directly or not).
 */
export function validateDefinition(def: Definition, cat: Catalogue, selfId?: string, base = '/definition'): FieldError[] {
  const errors: FieldError[] = [];
  walk(def, (n, rel) => {
    const p = base + rel;
    switch (n.kind) {
      case 'field': {
        const f = cat.fields.get(n.field);
        if (!f) {
          errors.push({ pointer: `${p}/field`, detail: n.field.startsWith('custom.') ? `the custom attribute "${n.field.slice(7)}" does not exist (deleted?)` : `unknown field "${n.field}"` });
          return;
        }
        if (!opsFor(f).includes(n.op as never)) {
          errors.push({ pointer: `${p}/op`, detail: `"${n.op}" does not apply to ${f.label} (${f.type}): use one of ${opsFor(f).join(', ')}` });
          return;
        }
        const msg = checkFieldValue(f, n.op, n.value);
        if (msg) errors.push({ pointer: `${p}/value`, detail: msg.startsWith('"') || msg.startsWith('the ') || msg.includes(' is not ') ? msg : `must be ${msg}` });
        return;
      }
      case 'activity':
        checkWindow(n.window, `${p}/window`, errors);
        checkProperties(n.where, `${p}/where`, errors);
        return;
      case 'sequence':
        checkWindow(n.window, `${p}/window`, errors);
        checkProperties(n.didWhere, `${p}/didWhere`, errors);
        if (n.notWithin.amount < 1) errors.push({ pointer: `${p}/notWithin/amount`, detail: 'must be at least 1' });
        return;
      case 'activityTime': {
        const msg = checkFieldValue({ key: '', label: 'the time', group: 'Profile', type: 'timestamp', changesWith: 'time', expr: undefined as never }, n.op, n.value);
        if (msg) errors.push({ pointer: `${p}/value`, detail: msg.startsWith('"') || msg.startsWith('the ') ? msg : `must be ${msg}` });
        return;
      }
      case 'purchased':
        checkWindow(n.window, `${p}/window`, errors);
        if (n.target === 'product') n.values.forEach((v, i) => {
          if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v)) errors.push({ pointer: `${p}/values/${i}`, detail: 'must be a product id (uuid); use target "sku" for SKUs' });
        });
        return;
      case 'rfm':
        if (n.field !== 'class' && (n.op === 'between') !== Array.isArray(n.value)) errors.push({ pointer: `${p}/value`, detail: n.op === 'between' ? 'must be a pair of scores [from, to]' : 'must be one score from 1 to 5' });
        if (n.field !== 'class' && Array.isArray(n.value) && n.value[0]! > n.value[1]!) errors.push({ pointer: `${p}/value`, detail: `the range ends (${n.value[1]}) below where it starts (${n.value[0]})` });
        return;
      case 'segment':
        if (n.segmentId === selfId) errors.push({ pointer: `${p}/segmentId`, detail: 'a segment cannot contain itself' });
        else if (!cat.segments.has(n.segmentId)) errors.push({ pointer: `${p}/segmentId`, detail: `no segment ${n.segmentId} (deleted?)` });
        else if (selfId && reaches(cat, n.segmentId, selfId)) errors.push({ pointer: `${p}/segmentId`, detail: `"${cat.segments.get(n.segmentId)!.name}" already depends on this segment: that would be a cycle` });
        return;
      default:
        return;
    }
  });
  return errors;
}

/** Whether segment `from` depends, directly or through others, on segment `target`. */
function reaches(cat: Catalogue, from: string, target: string): boolean {
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length) {
    const id = stack.pop()!;
    if (id === target) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(cat.segments.get(id)?.refs ?? []));
  }
  return false;
}
