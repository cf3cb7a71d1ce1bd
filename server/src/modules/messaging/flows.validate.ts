import type { z } from 'zod';
import type { FieldError } from '../../platform/http/problem.ts';
import type { Catalogue } from '../segments/segments.fields.ts';
import { parseDefinition as parseSegmentDefinition, validateDefinition as validateSegmentDefinition } from '../segments/segments.validate.ts';
import { flowDefinitionSchema, MAX_STEPS, stepSchema, stepTargets, STEP_TYPES, type FlowDefinition, type Step } from './flows.definition.ts';

/** What the store has that a definition may refer to (loaded by the service). */
export interface FlowCatalogue {
  segments: Catalogue;
  templates: Map<string, { name: string; channel: 'email' | 'sms'; archived: boolean }>;
  /** Custom attribute key → type. */
  attributes: Map<string, string>;
  users: Set<string>;
  /** Whether a webhook URL may be used (https, or http to localhost in development). */
  checkUrl(url: string): string | null;
}

const zodErrors = (pointer: string, err: z.ZodError): FieldError[] =>
  err.issues.map((i) => ({ pointer: [pointer, ...i.path.map(String)].join('/'), detail: i.message }));

const label = (s: Pick<Step, 'id' | 'name'>) => `step "${s.name || s.id}"`;

/**
 * Structural parse, step by step, so an error names the step (`/definition/steps/3/duration/unit`)
 * rather than "no union member matched".
 */
export function parseFlowDefinition(raw: unknown, base = '/definition'): { definition: FlowDefinition; errors: [] } | { definition: null; errors: FieldError[] } {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { definition: null, errors: [{ pointer: base, detail: 'must be an object {"version": 1, "trigger": {...}, "start": "…", "steps": [...]}' }] };
  const d = raw as Record<string, unknown>;
  const errors: FieldError[] = [];
  const steps = Array.isArray(d.steps) ? d.steps : null;
  if (!steps) errors.push({ pointer: `${base}/steps`, detail: 'must be a list of steps' });
  else if (steps.length > MAX_STEPS) errors.push({ pointer: `${base}/steps`, detail: `a flow has at most ${MAX_STEPS} steps` });
  else {
    steps.forEach((s, i) => {
      const p = `${base}/steps/${i}`;
      const o = (s && typeof s === 'object' ? s : {}) as Record<string, unknown>;
      if (!STEP_TYPES.includes(o.type as never)) {
        errors.push({ pointer: `${p}/type`, detail: `unknown step type ${JSON.stringify(o.type)}: one of ${STEP_TYPES.join(', ')}` });
        return;
      }
      if (o.type === 'split') {
        const c = parseSegmentDefinition(o.condition, `${p}/condition`);
        if (!c.definition) errors.push(...c.errors);
      }
      const r = stepSchema.safeParse(s);
      if (!r.success && !errors.some((e) => e.pointer.startsWith(`${p}/`))) errors.push(...zodErrors(p, r.error));
    });
  }
  const r = flowDefinitionSchema.safeParse(raw);
  if (!r.success) {
    // Step errors were reported above with better words; report the rest.
    const all = zodErrors(base, r.error);
    for (const e of all) if (!e.pointer.startsWith(`${base}/steps/`) && !errors.some((x) => x.pointer === e.pointer)) errors.push(e);
    if (!errors.length) errors.push(...all);
    return { definition: null, errors };
  }
  if (errors.length) return { definition: null, errors };
  return { definition: r.data, errors: [] };
}

/** The graph's shape: unique ids, targets that exist, no cycles, every step reachable, percentages that add up. */
export function checkGraph(def: FlowDefinition, base = '/definition'): FieldError[] {
  const errors: FieldError[] = [];
  const index = new Map<string, number>();
  def.steps.forEach((s, i) => {
    if (index.has(s.id)) errors.push({ pointer: `${base}/steps/${i}/id`, detail: `${label(s)}: the id "${s.id}" is used by another step already` });
    else index.set(s.id, i);
  });
  if (def.start !== null && !index.has(def.start)) errors.push({ pointer: `${base}/start`, detail: `no step "${def.start}"` });
  if (def.start === null && def.steps.length) errors.push({ pointer: `${base}/start`, detail: 'must name the first step' });
  def.steps.forEach((s, i) => {
    const p = `${base}/steps/${i}`;
    const field = (branch: string) => (s.type === 'waitFor' ? (branch === 'timeout' ? 'timeoutNext' : 'next') : s.type === 'split' ? branch : 'next');
    if (s.type === 'random') {
      s.branches.forEach((b, j) => {
        if (!b.holdout && b.next !== null && !index.has(b.next)) errors.push({ pointer: `${p}/branches/${j}/next`, detail: `${label(s)}: branch "${b.label}" goes to "${b.next}", which does not exist` });
      });
      const sum = s.branches.reduce((n, b) => n + b.percent, 0);
      if (sum !== 100) errors.push({ pointer: `${p}/branches`, detail: `${label(s)}: the branches add up to ${sum} %, not 100 %` });
      const labels = new Set<string>();
      s.branches.forEach((b, j) => {
        if (labels.has(b.label)) errors.push({ pointer: `${p}/branches/${j}/label`, detail: `${label(s)}: two branches are called "${b.label}"` });
        labels.add(b.label);
      });
      return;
    }
    for (const t of stepTargets(s)) {
      if (t.next === null) continue;
      if (!index.has(t.next)) errors.push({ pointer: `${p}/${field(t.branch)}`, detail: `${label(s)} goes to "${t.next}", which does not exist` });
      else if (t.next === s.id) errors.push({ pointer: `${p}/${field(t.branch)}`, detail: `${label(s)} goes to itself: flows cannot loop` });
    }
  });
  if (errors.length) return errors;
  // No cycles (each step runs at most once per run) and nothing unreachable.
  const state = new Map<string, 'open' | 'done'>();
  const byId = new Map(def.steps.map((s) => [s.id, s]));
  const visit = (id: string): string | null => {
    if (state.get(id) === 'done') return null;
    if (state.get(id) === 'open') return id;
    state.set(id, 'open');
    for (const t of stepTargets(byId.get(id)!)) {
      if (t.next === null) continue;
      const c = visit(t.next);
      if (c) return c;
    }
    state.set(id, 'done');
    return null;
  };
  if (def.start) {
    const cyc = visit(def.start);
    if (cyc) errors.push({ pointer: `${base}/steps/${index.get(cyc)}`, detail: `${label(byId.get(cyc)!)} is reached again after it: flows cannot loop` });
  }
  if (!errors.length) {
    def.steps.forEach((s, i) => {
      if (!state.has(s.id)) errors.push({ pointer: `${base}/steps/${i}`, detail: `${label(s)} cannot be reached from the first step` });
    });
  }
  return errors;
}

/** What the definition refers to in the store: segments, templates, attributes, people, webhook URLs. */
export function checkReferences(def: FlowDefinition, cat: FlowCatalogue, base = '/definition'): FieldError[] {
  const errors: FieldError[] = [];
  const t = def.trigger;
  if (t.type === 'segment' && !cat.segments.segments.has(t.segmentId)) errors.push({ pointer: `${base}/trigger/segmentId`, detail: `no segment ${t.segmentId} (deleted?)` });
  if (t.type === 'date') {
    if (t.field === 'attribute') {
      if (!t.attribute) errors.push({ pointer: `${base}/trigger/attribute`, detail: 'name the custom date attribute' });
      else if (!cat.attributes.has(t.attribute)) errors.push({ pointer: `${base}/trigger/attribute`, detail: `no custom attribute "${t.attribute}"` });
      else if (cat.attributes.get(t.attribute) !== 'date') errors.push({ pointer: `${base}/trigger/attribute`, detail: `"${t.attribute}" is a ${cat.attributes.get(t.attribute)} attribute, not a date` });
    } else if (t.attribute) errors.push({ pointer: `${base}/trigger/attribute`, detail: 'only for field "attribute"' });
  }
  if (def.keyBy?.length && t.type !== 'activity') errors.push({ pointer: `${base}/keyBy`, detail: 'only flows triggered by an activity can be keyed by its properties' });
  def.steps.forEach((s, i) => {
    const p = `${base}/steps/${i}`;
    switch (s.type) {
      case 'email':
      case 'sms': {
        const tpl = cat.templates.get(s.templateId);
        if (!tpl) errors.push({ pointer: `${p}/templateId`, detail: `${label(s)}: no template ${s.templateId} (deleted?)` });
        else if (tpl.channel !== s.type) errors.push({ pointer: `${p}/templateId`, detail: `${label(s)}: "${tpl.name}" is an ${tpl.channel === 'sms' ? 'SMS' : 'email'} template` });
        else if (tpl.archived) errors.push({ pointer: `${p}/templateId`, detail: `${label(s)}: "${tpl.name}" is archived` });
        return;
      }
      case 'split': {
        for (const e of validateSegmentDefinition(s.condition, cat.segments, undefined, `${p}/condition`)) errors.push({ pointer: e.pointer, detail: `${label(s)}: ${e.detail}` });
        return;
      }
      case 'attribute': {
        const type = cat.attributes.get(s.key);
        if (!type) return; // free-form attributes are allowed, as on profiles
        const v = s.value;
        const ok = v === null || (type === 'text' && typeof v === 'string') || (type === 'number' && typeof v === 'number') || (type === 'boolean' && typeof v === 'boolean')
          || (type === 'date' && typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) || (type === 'list' && typeof v === 'string');
        if (!ok) errors.push({ pointer: `${p}/value`, detail: `${label(s)}: "${s.key}" holds a ${type}${type === 'date' ? ' (YYYY-MM-DD)' : ''}` });
        return;
      }
      case 'webhook': {
        const why = cat.checkUrl(s.url);
        if (why) errors.push({ pointer: `${p}/url`, detail: `${label(s)}: ${why}` });
        return;
      }
      case 'task':
        if (s.assigneeId && !cat.users.has(s.assigneeId)) errors.push({ pointer: `${p}/assigneeId`, detail: `${label(s)}: no team member ${s.assigneeId}` });
        return;
      case 'tag':
        if (!s.add.length && !s.remove.length) errors.push({ pointer: `${p}/add`, detail: `${label(s)}: add or remove at least one tag` });
        return;
      default:
        return;
    }
  });
  return errors;
}

/** Activity types a definition listens to while runs are in flight (wait-for steps). */
export function waitActivities(def: FlowDefinition): string[] {
  return [...new Set(def.steps.flatMap((s) => (s.type === 'waitFor' ? s.activities : [])))];
}
