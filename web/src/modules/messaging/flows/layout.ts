import type { FlowDefinition, Step } from '../../../../../server/src/modules/messaging/flows.definition.ts';
import { edgesOf, type EdgeRef } from './editor.ts';

/**
 * A vertical tree layout of a flow: the trigger on top, each step below the one before it, branches
 * side by side. A step reached a second time (two branches meeting) is drawn once; the other
 * branch ends in a "continues at …" marker.
 */

export const NODE_W = 264;
export const NODE_H = 104;
export const TRIGGER_H = 84;
export const END_W = 96;
export const END_H = 30;
export const REF_W = 176;
export const GAP_X = 32;
export const GAP_Y = 76;

export type Item =
  | { kind: 'trigger'; key: string; x: number; y: number; w: number; h: number }
  | { kind: 'step'; key: string; step: Step; x: number; y: number; w: number; h: number }
  | { kind: 'end'; key: string; edge: EdgeRef; holdout: boolean; x: number; y: number; w: number; h: number }
  | { kind: 'ref'; key: string; edge: EdgeRef; target: string; x: number; y: number; w: number; h: number };

export interface Edge {
  key: string;
  ref: EdgeRef;
  label: string | null;
  /** The branch name the server counts runs by. */
  serverBranch: string;
  from: { x: number; y: number };
  to: { x: number; y: number };
  /** The edge ends in an End marker: the "+" adds a step there. */
  open: boolean;
}

type Unplaced = Item extends infer I ? (I extends Item ? Omit<I, 'x' | 'y'> : never) : never;

interface TNode {
  item: Unplaced;
  children: { ref: EdgeRef; label: string | null; serverBranch: string; node: TNode }[];
  span: number;
}

export function layout(def: FlowDefinition): { items: Item[]; edges: Edge[]; width: number; height: number } {
  const byId = new Map(def.steps.map((s) => [s.id, s]));
  const placed = new Set<string>();
  const leaf = (ref: EdgeRef, target: string | null, holdout = false): TNode => {
    const key = `${ref.from}:${ref.branch}`;
    if (target && byId.has(target) && !placed.has(target)) return build(byId.get(target)!);
    if (target && byId.has(target)) return { item: { kind: 'ref', key: `ref:${key}`, edge: ref, target, w: REF_W, h: END_H }, children: [], span: REF_W };
    return { item: { kind: 'end', key: `end:${key}`, edge: ref, holdout, w: END_W, h: END_H }, children: [], span: END_W };
  };
  const build = (s: Step): TNode => {
    placed.add(s.id);
    const children = edgesOf(s).map((e) => ({ ref: e.ref, label: e.label, serverBranch: e.serverBranch, node: leaf(e.ref, e.target, e.holdout) }));
    return { item: { kind: 'step', key: s.id, step: s, w: NODE_W, h: NODE_H }, children, span: 0 };
  };
  const startRef: EdgeRef = { from: 'trigger', branch: 'next' };
  const root: TNode = { item: { kind: 'trigger', key: 'trigger', w: NODE_W, h: TRIGGER_H }, children: [{ ref: startRef, label: null, serverBranch: 'next', node: leaf(startRef, def.start) }], span: 0 };

  const measure = (n: TNode): number => {
    const kids = n.children.reduce((sum, c, i) => sum + measure(c.node) + (i ? GAP_X : 0), 0);
    n.span = Math.max(n.item.w, kids);
    return n.span;
  };
  measure(root);

  const items: Item[] = [];
  const edges: Edge[] = [];
  let height = 0;
  const place = (n: TNode, left: number, top: number) => {
    const cx = left + n.span / 2;
    const item = { ...n.item, x: cx - n.item.w / 2, y: top } as Item;
    items.push(item);
    height = Math.max(height, top + n.item.h);
    const kids = n.children.reduce((sum, c, i) => sum + c.node.span + (i ? GAP_X : 0), 0);
    let x = left + (n.span - kids) / 2;
    const childTop = top + n.item.h + GAP_Y;
    for (const c of n.children) {
      place(c.node, x, childTop);
      edges.push({
        key: `${c.ref.from}:${c.ref.branch}`, ref: c.ref, label: c.label, serverBranch: c.serverBranch,
        from: { x: cx, y: top + n.item.h }, to: { x: x + c.node.span / 2, y: childTop }, open: c.node.item.kind === 'end',
      });
      x += c.node.span + GAP_X;
    }
  };
  place(root, 0, 0);
  return { items, edges, width: root.span, height };
}

/** An orthogonal connector with rounded corners, from a node's bottom to a child's top. */
export function connector(from: { x: number; y: number }, to: { x: number; y: number }, radius = 10): string {
  const midY = from.y + 22;
  if (Math.abs(from.x - to.x) < 1) return `M ${from.x} ${from.y} V ${to.y}`;
  const dir = to.x > from.x ? 1 : -1;
  const r = Math.min(radius, Math.abs(to.x - from.x) / 2, (to.y - midY) / 2);
  return [
    `M ${from.x} ${from.y}`, `V ${midY - r}`, `Q ${from.x} ${midY} ${from.x + dir * r} ${midY}`,
    `H ${to.x - dir * r}`, `Q ${to.x} ${midY} ${to.x} ${midY + r}`, `V ${to.y}`,
  ].join(' ');
}
