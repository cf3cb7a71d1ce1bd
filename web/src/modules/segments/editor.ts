import type { Condition, Definition, Group, Node } from '../../../../server/src/modules/segments/segments.definition.ts';
import type { FieldError } from '../../lib/api.ts';
import { valueShape } from './ops.ts';
import { finishedFilters } from './filters.ts';
import type { Catalogue } from './api.ts';

/**
 * The builder edits a copy of the definition tree in which every node has a stable id (React keys,
 * error placement) and a condition may still be unfinished (no subject chosen, value not typed yet).
 * Unfinished conditions are left out of the live preview and block saving.
 */
export interface EGroup {
  id: string;
  kind: 'group';
  match: Group['match'];
  conditions: ENode[];
}
export interface ECondition {
  id: string;
  kind: 'condition';
  /** null until the person picks what to test. */
  cond: Condition | null;
}
export type ENode = EGroup | ECondition;

/** An error attached to one condition: which input (`value`, `window/to`, …) and what is wrong. */
export interface NodeError {
  part: string;
  message: string;
}
export type ErrorMap = Map<string, NodeError[]>;

let seq = 0;
export const newId = (): string => `n${(++seq).toString(36)}`;

export const emptyGroup = (match: Group['match'] = 'all'): EGroup => ({ id: newId(), kind: 'group', match, conditions: [] });
export const emptyCondition = (): ECondition => ({ id: newId(), kind: 'condition', cond: null });

export function fromDefinition(def: Definition): EGroup {
  const rec = (n: Node): ENode => (n.kind === 'group' ? { id: newId(), kind: 'group', match: n.match, conditions: n.conditions.map(rec) } : { id: newId(), kind: 'condition', cond: n });
  return rec(def.root) as EGroup;
}

/** Why a condition cannot be used yet (or null when it can): the input to fill and what to do. */
export function unfinished(c: Condition | null, cat: Catalogue | undefined, strict = false): NodeError | null {
  if (!c) return { part: 'subject', message: 'Choose what to test' };
  if (strict) {
    const filters = c.kind === 'activity' ? c.where : c.kind === 'sequence' ? c.didWhere : undefined;
    const i = (filters ?? []).findIndex((f) => !finishedFilters([f]));
    if (i >= 0) return { part: `${c.kind === 'activity' ? 'where' : 'didWhere'}/${i}/property`, message: `Finish filter ${i + 1} (a property and a value) or remove it` };
  }
  switch (c.kind) {
    case 'field': {
      const f = cat?.fields.find((x) => x.key === c.field);
      const shape = valueShape(f?.type ?? 'text', c.op, Boolean(f?.options?.length));
      if (shape === 'none') return null;
      const v = c.value;
      if (v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) return { part: 'value', message: shape.endsWith('Pair') ? 'Enter both ends of the range' : 'Enter a value' };
      return null;
    }
    case 'activity':
      return c.activity ? null : { part: 'activity', message: 'Choose an activity' };
    case 'activityTime':
      if (!c.activity) return { part: 'activity', message: 'Choose an activity' };
      return ['exists', 'notExists'].includes(c.op) || c.value !== undefined ? null : { part: 'value', message: 'Enter a value' };
    case 'sequence':
      if (!c.did) return { part: 'did', message: 'Choose what they did' };
      return c.didNot ? null : { part: 'didNot', message: 'Choose what they did not do' };
    case 'purchased':
      return c.values.length ? null : { part: 'values', message: c.target === 'category' ? 'Choose at least one category' : c.target === 'sku' ? 'Enter at least one SKU' : 'Choose at least one product' };
    case 'consent':
      return c.statuses.length ? null : { part: 'statuses', message: 'Choose at least one status' };
    case 'rfm':
      if (c.field === 'class') return c.value.length ? null : { part: 'value', message: 'Choose at least one class' };
      return null;
    case 'segment':
      return c.segmentId ? null : { part: 'segmentId', message: 'Choose a segment' };
  }
}

export interface Built {
  definition: Definition;
  /** JSON pointer of each sent node (relative: `/root/conditions/1`) → editor node id. */
  pointers: Map<string, string>;
  /** Unfinished conditions left out. */
  skipped: number;
}

/**
 * The definition to send: unfinished conditions and groups left empty by them are dropped (for the
 * preview), with a map from the pointers of what was sent back to editor nodes (for errors).
 */
export function build(root: EGroup, cat: Catalogue | undefined): Built {
  const pointers = new Map<string, string>();
  let skipped = 0;
  const rec = (g: EGroup, p: string, isRoot: boolean): Group | null => {
    pointers.set(p, g.id);
    const conditions: Node[] = [];
    for (const n of g.conditions) {
      const cp = `${p}/conditions/${conditions.length}`;
      if (n.kind === 'group') {
        const sub = rec(n, cp, false);
        if (sub) conditions.push(sub);
        else for (const k of [...pointers.keys()]) if (k === cp || k.startsWith(`${cp}/`)) pointers.delete(k);
      } else if (n.cond && !unfinished(n.cond, cat)) {
        pointers.set(cp, n.id);
        conditions.push(withFinishedFilters(n.cond));
      } else skipped++;
    }
    if (!isRoot && conditions.length === 0) return null;
    return { kind: 'group', match: g.match, conditions };
  };
  const top = rec(root, '/root', true)!;
  return { definition: { version: 1, root: top }, pointers, skipped };
}

/** Places the server's field errors (`/body/definition/root/conditions/1/value`) on editor nodes. */
export function placeErrors(errors: FieldError[], pointers: Map<string, string>): { byNode: ErrorMap; other: string[] } {
  const byNode: ErrorMap = new Map();
  const other: string[] = [];
  for (const e of errors) {
    const m = /^\/body\/definition(\/.*)?$/.exec(e.pointer);
    if (!m) {
      if (!e.pointer.startsWith('/body/name') && !e.pointer.startsWith('/body/description')) other.push(e.detail);
      continue;
    }
    const rel = m[1] ?? '';
    // The deepest sent node whose pointer starts this one.
    let best: string | undefined;
    for (const p of pointers.keys()) if ((rel === p || rel.startsWith(`${p}/`)) && (!best || p.length > best.length)) best = p;
    const id = best ? pointers.get(best) : undefined;
    if (!best || !id) {
      other.push(e.detail);
      continue;
    }
    const part = rel.slice(best.length + 1);
    byNode.set(id, [...(byNode.get(id) ?? []), { part, message: e.detail }]);
  }
  return { byNode, other };
}

/** Filters still being typed are left out of what is sent (saving refuses them: see unfinished(strict)). */
function withFinishedFilters(c: Condition): Condition {
  if (c.kind === 'activity' && c.where) return { ...c, where: finishedFilters(c.where) };
  if (c.kind === 'sequence' && c.didWhere) return { ...c, didWhere: finishedFilters(c.didWhere) };
  return c;
}

// --- immutable updates by id ------------------------------------------------

function mapTree(g: EGroup, fn: (n: ENode) => ENode | null): EGroup {
  const conditions: ENode[] = [];
  for (const n of g.conditions) {
    const m = fn(n);
    if (!m) continue;
    conditions.push(m.kind === 'group' ? mapTree(m, fn) : m);
  }
  return { ...g, conditions };
}

export function updateNode(root: EGroup, id: string, patch: (n: ENode) => ENode): EGroup {
  if (root.id === id) return patch(root) as EGroup;
  return mapTree(root, (n) => (n.id === id ? patch(n) : n));
}

export function removeNode(root: EGroup, id: string): EGroup {
  return mapTree(root, (n) => (n.id === id ? null : n));
}

export function appendTo(root: EGroup, groupId: string, node: ENode): EGroup {
  return updateNode(root, groupId, (g) => (g.kind === 'group' ? { ...g, conditions: [...g.conditions, node] } : g));
}

export function countNodes(g: EGroup): number {
  return g.conditions.reduce((n, c) => n + (c.kind === 'group' ? countNodes(c) : 1), 1);
}

/** Every unfinished condition with what it lacks, for "finish these before saving". */
export function unfinishedNodes(root: EGroup, cat: Catalogue | undefined): ErrorMap {
  const out: ErrorMap = new Map();
  const rec = (g: EGroup) => {
    for (const n of g.conditions) {
      if (n.kind === 'group') rec(n);
      else {
        const u = unfinished(n.cond, cat, true);
        if (u) out.set(n.id, [u]);
      }
    }
  };
  rec(root);
  return out;
}
