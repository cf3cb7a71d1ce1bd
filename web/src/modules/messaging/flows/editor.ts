import type { FlowDefinition, Step, StepType } from '../../../../../server/src/modules/messaging/flows.definition.ts';
import { stepTargets } from '../../../../../server/src/modules/messaging/flows.graph.ts';
import { newStep } from './steps.ts';

/**
 * Edits of a flow's step graph, immutable: insert a step on an edge, remove one (its first branch
 * carries on), change a branch's target. An edge is where a step (or the trigger) goes next.
 */
export interface EdgeRef {
  /** 'trigger' for the flow's start. */
  from: string;
  /** 'next', 'timeoutNext', 'yes', 'no', or 'b<i>' for a random split's i-th branch. */
  branch: string;
}

/** A step's outgoing edges with the label drawn on each and the server's branch name (for counts). */
export function edgesOf(s: Step): { ref: EdgeRef; label: string | null; serverBranch: string; target: string | null; holdout?: boolean }[] {
  switch (s.type) {
    case 'waitFor':
      return [
        { ref: { from: s.id, branch: 'next' }, label: 'Did it', serverBranch: 'happened', target: s.next },
        { ref: { from: s.id, branch: 'timeoutNext' }, label: 'Timed out', serverBranch: 'timeout', target: s.timeoutNext },
      ];
    case 'split':
      return [
        { ref: { from: s.id, branch: 'yes' }, label: 'Yes', serverBranch: 'yes', target: s.yes },
        { ref: { from: s.id, branch: 'no' }, label: 'No', serverBranch: 'no', target: s.no },
      ];
    case 'random':
      return s.branches.map((b, i) => ({ ref: { from: s.id, branch: `b${i}` }, label: `${b.label} · ${b.percent} %`, serverBranch: b.label, target: b.holdout ? null : b.next, holdout: b.holdout }));
    default:
      return [{ ref: { from: s.id, branch: 'next' }, label: null, serverBranch: 'next', target: s.next }];
  }
}

export function targetOf(def: FlowDefinition, e: EdgeRef): string | null {
  if (e.from === 'trigger') return def.start;
  const s = def.steps.find((x) => x.id === e.from);
  return s ? (edgesOf(s).find((x) => x.ref.branch === e.branch)?.target ?? null) : null;
}

function withTarget(s: Step, branch: string, target: string | null): Step {
  if (s.type === 'random' && branch.startsWith('b')) {
    const i = Number(branch.slice(1));
    return { ...s, branches: s.branches.map((b, j) => (j === i ? { ...b, next: target } : b)) };
  }
  if (s.type === 'waitFor' && branch === 'timeoutNext') return { ...s, timeoutNext: target };
  if (s.type === 'split') return branch === 'yes' ? { ...s, yes: target } : { ...s, no: target };
  return { ...s, next: target } as Step;
}

export function setTarget(def: FlowDefinition, e: EdgeRef, target: string | null): FlowDefinition {
  if (e.from === 'trigger') return { ...def, start: target };
  return { ...def, steps: def.steps.map((s) => (s.id === e.from ? withTarget(s, e.branch, target) : s)) };
}

/** A readable id not used yet: `email-2`, `wait-1`. */
export function freshId(def: FlowDefinition, type: StepType): string {
  const base = type.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  for (let i = 1; ; i++) if (!def.steps.some((s) => s.id === `${base}-${i}`)) return `${base}-${i}`;
}

/** Inserts a new step on an edge: the edge now leads to it, and it leads where the edge went. */
export function insertStep(def: FlowDefinition, e: EdgeRef, type: StepType): { def: FlowDefinition; id: string } {
  const id = freshId(def, type);
  const step = newStep(type, id, targetOf(def, e));
  return { def: setTarget({ ...def, steps: [...def.steps, step] }, e, id), id };
}

/** Steps reachable from the start, in the order a run meets them. */
export function reachable(def: FlowDefinition): Set<string> {
  const byId = new Map(def.steps.map((s) => [s.id, s]));
  const seen = new Set<string>();
  const walk = (id: string | null) => {
    if (!id || seen.has(id) || !byId.has(id)) return;
    seen.add(id);
    stepTargets(byId.get(id)!).forEach((t) => walk(t.next));
  };
  walk(def.start);
  return seen;
}

/** Removes a step; whatever led to it now leads where its first branch went. Steps left unreachable go too. */
export function removeStep(def: FlowDefinition, id: string): FlowDefinition {
  const s = def.steps.find((x) => x.id === id);
  if (!s) return def;
  const carry = edgesOf(s)[0]?.target ?? null;
  const redirect = (t: string | null) => (t === id ? carry : t);
  let out: FlowDefinition = { ...def, start: redirect(def.start), steps: def.steps.filter((x) => x.id !== id) };
  out = {
    ...out,
    steps: out.steps.map((x) => {
      let y = x;
      for (const e of edgesOf(x)) if (e.target === id) y = withTarget(y, e.ref.branch, carry);
      return y;
    }),
  };
  const keep = reachable(out);
  return { ...out, steps: out.steps.filter((x) => keep.has(x.id)) };
}

export function replaceStep(def: FlowDefinition, step: Step): FlowDefinition {
  return { ...def, steps: def.steps.map((s) => (s.id === step.id ? step : s)) };
}

/** Where the server's pointer (`/body/definition/steps/3/templateId`) lands: a step id, the trigger/settings, or nothing. */
export function errorPlace(def: FlowDefinition, pointer: string): { stepId: string | null; field: string } | null {
  const m = /^\/body\/definition(?:\/(.*))?$/.exec(pointer);
  if (!m) return null;
  const rest = m[1] ?? '';
  const sm = /^steps\/(\d+)(?:\/(.*))?$/.exec(rest);
  if (sm) return { stepId: def.steps[Number(sm[1])]?.id ?? null, field: sm[2] ?? '' };
  return { stepId: null, field: rest };
}
