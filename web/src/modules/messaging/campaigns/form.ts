import type { Campaign, CampaignBody, Metric } from './api.ts';

/** The campaign editor's state: what people type, turned into a request body by `toBody`. */
export interface FormState {
  name: string;
  channel: 'email' | 'sms';
  kind: 'marketing' | 'transactional';
  topic: string;
  templateId: string | null;
  senderId: string | null;
  include: string[];
  exclude: string[];
  mode: 'now' | 'at' | 'local';
  /** `datetime-local` value in the browser's zone. */
  sendAt: string;
  date: string;
  time: string;
  throttle: boolean;
  perHour: number;
  ab: boolean;
  variants: { subject: string; templateId: string | null }[];
  testPercent: number;
  metric: Metric;
  waitHours: number;
}

const pad = (n: number) => String(n).padStart(2, '0');
/** A Date as a `datetime-local` value (browser's zone). */
export const toLocalInput = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
const tomorrow = () => {
  const d = new Date(Date.now() + 86_400_000);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
};

export function initialState(c?: Campaign): FormState {
  const nextHour = new Date(Date.now() + 3600_000);
  nextHour.setMinutes(0, 0, 0);
  const s = c?.schedule;
  return {
    name: c?.name ?? '',
    channel: c?.channel ?? 'email',
    kind: c?.kind ?? 'marketing',
    topic: c?.topic ?? '',
    templateId: c?.templateId ?? null,
    senderId: c?.senderId ?? null,
    include: c?.include ?? [],
    exclude: c?.exclude ?? [],
    mode: s?.mode ?? 'now',
    sendAt: s?.mode === 'at' ? toLocalInput(new Date(s.sendAt)) : toLocalInput(nextHour),
    date: s?.mode === 'local' ? s.date : tomorrow(),
    time: s?.mode === 'local' ? s.time : '10:00',
    throttle: !!c?.throttlePerHour,
    perHour: c?.throttlePerHour ?? 1000,
    ab: !!c?.abTest,
    variants: c?.abTest?.variants.map((v) => ({ subject: v.subject ?? '', templateId: v.templateId ?? null })) ?? [{ subject: '', templateId: null }, { subject: '', templateId: null }],
    testPercent: c?.abTest?.testPercent ?? 20,
    metric: c?.abTest?.metric ?? 'opens',
    waitHours: c?.abTest?.waitHours ?? 4,
  };
}

export function toBody(f: FormState): CampaignBody {
  return {
    name: f.name.trim(),
    channel: f.channel,
    kind: f.kind,
    topic: f.topic.trim() || null,
    templateId: f.templateId,
    senderId: f.channel === 'email' ? f.senderId : null,
    include: f.include,
    exclude: f.exclude.filter((x) => !f.include.includes(x)),
    schedule:
      f.mode === 'now' ? { mode: 'now' } : f.mode === 'at' ? { mode: 'at', sendAt: f.sendAt ? new Date(f.sendAt).toISOString() : '' } : { mode: 'local', date: f.date, time: f.time },
    throttlePerHour: f.throttle ? Math.max(1, Math.round(f.perHour) || 1) : null,
    abTest: f.ab
      ? {
          variants: f.variants.map((v) => ({ ...(v.subject.trim() && f.channel === 'email' ? { subject: v.subject.trim() } : {}), ...(v.templateId ? { templateId: v.templateId } : {}) })),
          testPercent: Math.round(f.testPercent),
          metric: f.metric,
          waitHours: Math.round(f.waitHours),
        }
      : null,
  };
}

export type Step = 'message' | 'audience' | 'schedule' | 'test' | 'review';
export const STEPS: Step[] = ['message', 'audience', 'schedule', 'test', 'review'];

/** What is missing before the campaign can be sent, by step (a draft can be saved with only a name). */
export function missing(f: FormState): Partial<Record<Step, string[]>> {
  const out: Partial<Record<Step, string[]>> = {};
  const add = (s: Step, m: string) => (out[s] ??= []).push(m);
  if (!f.name.trim()) add('message', 'Give the campaign a name');
  if (!f.templateId) add('message', 'Choose a template');
  if (!f.include.length) add('audience', 'Choose at least one segment to send to');
  if (f.mode === 'at' && (!f.sendAt || Date.parse(f.sendAt) < Date.now())) add('schedule', 'Choose a send time in the future');
  if (f.mode === 'local' && (!f.date || !f.time)) add('schedule', 'Choose the date and local time');
  if (f.ab) {
    const sigs = f.variants.map((v) => `${f.channel === 'email' ? v.subject.trim() : ''}|${v.templateId ?? ''}`);
    if (new Set(sigs).size !== sigs.length) add('test', 'Each variant needs its own subject line or template');
  }
  return out;
}

/** Where a server field error belongs ("/body/abTest/variants/1" → test). */
export function stepOfPointer(pointer: string): Step {
  const key = /^\/body\/([^/]+)/.exec(pointer)?.[1] ?? /^\/([^/]+)/.exec(pointer)?.[1] ?? '';
  if (['include', 'exclude'].includes(key)) return 'audience';
  if (['schedule', 'throttlePerHour'].includes(key)) return 'schedule';
  if (key === 'abTest') return 'test';
  return 'message';
}
