import type { PropertyFilter } from '../segments/segments.definition.ts';
import type { FlowDefinition, FlowDuration, Step, StepType, Trigger, WaitUnit } from './flows.definition.ts';

/**
 * What can be known about a flow definition without zod: where steps lead, keys, filters, random
 * branches, the trigger in words. Type-only imports, so the web app uses it without pulling in the
 * validation library.
 */

const UNIT_MS: Record<WaitUnit, number> = { seconds: 1000, minutes: 60_000, hours: 3_600_000, days: 86_400_000, weeks: 7 * 86_400_000 };
/** A duration in milliseconds (days are 24 h: "wait 1 day" is the same moment tomorrow only outside DST changes; use wait-until for a clock time). */
export const durationMs = (d: FlowDuration): number => d.amount * UNIT_MS[d.unit];

export const STEP_TYPES = ['wait', 'waitUntil', 'waitFor', 'split', 'random', 'email', 'sms', 'tag', 'attribute', 'webhook', 'task', 'discount'] as const satisfies readonly StepType[];
/** Steps that park the run until a time or an activity. */
export const WAIT_TYPES: ReadonlySet<StepType> = new Set(['wait', 'waitUntil', 'waitFor']);

/** Where a step can go next, with the branch label of each edge. */
export function stepTargets(s: Step): { branch: string; next: string | null }[] {
  switch (s.type) {
    case 'waitFor': return [{ branch: 'happened', next: s.next }, { branch: 'timeout', next: s.timeoutNext }];
    case 'split': return [{ branch: 'yes', next: s.yes }, { branch: 'no', next: s.no }];
    case 'random': return s.branches.map((b) => ({ branch: b.label, next: b.holdout ? null : b.next }));
    default: return [{ branch: 'next', next: s.next }];
  }
}

/** Reads a dotted property path (`products.0.sku`) from activity properties. */
export function propertyAt(props: unknown, path: string): unknown {
  let cur: unknown = props;
  for (const k of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

/** The same semantics as the segment compiler's property filters (segments.compile.ts propertyPred), in memory. */
export function matchesFilter(props: unknown, f: PropertyFilter): boolean {
  const v = propertyAt(props, f.property);
  switch (f.op) {
    case 'exists': return v !== undefined && v !== null;
    case 'notExists': return v === undefined || v === null;
    case 'contains': return v !== undefined && v !== null && typeof v !== 'object' && String(v).toLowerCase().includes(String(f.value ?? '').toLowerCase());
    case 'eq':
    case 'neq': {
      const eq = typeof f.value === 'number' ? typeof v === 'number' && v === f.value
        : typeof f.value === 'boolean' ? v === f.value
        : v !== undefined && v !== null && typeof v !== 'object' && String(v) === String(f.value);
      return f.op === 'eq' ? eq : !eq;
    }
    default: {
      if (typeof v !== 'number' || typeof f.value !== 'number') return false;
      return f.op === 'gt' ? v > f.value : f.op === 'gte' ? v >= f.value : f.op === 'lt' ? v < f.value : v <= f.value;
    }
  }
}

/** The run key from the trigger's properties: the first keyBy property that has a scalar value. */
export function runKey(def: Pick<FlowDefinition, 'keyBy'>, props: unknown): string | null {
  for (const k of def.keyBy ?? []) {
    const v = propertyAt(props, k);
    if ((typeof v === 'string' && v !== '') || typeof v === 'number') return String(v).slice(0, 200);
  }
  return null;
}

/** Which branch a run takes at a random split: a stable hash of (run, step) into 0..99 walked through the percentages. */
export function randomBranch(s: Extract<Step, { type: 'random' }>, runId: string): number {
  let h = 2166136261;
  for (const ch of `${runId}:${s.id}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  const bucket = h % 100;
  let acc = 0;
  for (let i = 0; i < s.branches.length; i++) {
    acc += s.branches[i]!.percent;
    if (bucket < acc) return i;
  }
  return s.branches.length - 1;
}

const DATE_LABEL: Record<Extract<Trigger, { type: 'date' }>['field'], string> = {
  birthday: 'birthday', firstOrderAt: 'first order', lastOrderAt: 'last order', createdAt: 'sign-up', attribute: 'date',
};

/** The trigger in plain words ("When Checkout Started happens", "90 days after their last order, at 10:00 their time"). */
export function describeTrigger(t: Trigger, names: { segments?: Record<string, string> } = {}): string {
  switch (t.type) {
    case 'activity': {
      const where = t.where?.length ? ` (where ${t.where.map((w) => `${w.property} ${w.op}${w.value === undefined ? '' : ` ${JSON.stringify(w.value)}`}`).join(' and ')})` : '';
      return `When ${t.activity} happens${where}`;
    }
    case 'segment': {
      const name = names.segments?.[t.segmentId];
      return `When a customer ${t.on === 'entered' ? 'enters' : 'leaves'} ${name ? `the segment “${name}”` : 'a segment'}`;
    }
    case 'date': {
      const what = t.field === 'attribute' ? `their ${t.attribute ?? 'date'}` : `their ${DATE_LABEL[t.field]}`;
      const off = t.offsetDays === 0 ? (t.yearly ? `On the anniversary of ${what}` : `On ${what}`)
        : `${Math.abs(t.offsetDays)} day${Math.abs(t.offsetDays) === 1 ? '' : 's'} ${t.offsetDays > 0 ? 'after' : 'before'} ${t.yearly ? `each anniversary of ${what}` : what}`;
      return `${t.field === 'birthday' && t.yearly && t.offsetDays === 0 ? 'On their birthday' : off}, at ${t.time} their time`;
    }
    case 'manual':
      return 'When a customer is enrolled by hand or through the API';
  }
}

/** The steps in the order a run meets them (depth-first from the start), for describing a flow. */
export function outline(def: Pick<FlowDefinition, 'start' | 'steps'>): { type: StepType; name: string }[] {
  const byId = new Map(def.steps.map((s) => [s.id, s]));
  const seen = new Set<string>();
  const out: { type: StepType; name: string }[] = [];
  const walk = (id: string | null) => {
    if (!id || seen.has(id)) return;
    seen.add(id);
    const s = byId.get(id);
    if (!s) return;
    out.push({ type: s.type, name: s.name ?? s.id });
    stepTargets(s).forEach((t) => walk(t.next));
  };
  walk(def.start);
  return out;
}
