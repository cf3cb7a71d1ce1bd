import {
  IconActivity, IconArrowsSplit, IconClock, IconRosetteDiscount, IconHourglass, IconMail, IconMessage, IconPercentage, IconSubtask, IconTag, IconUserEdit, IconWebhook,
} from '@tabler/icons-react';
import type { Icon } from '@tabler/icons-react';
import type { Step, StepType } from '../../../../../server/src/modules/messaging/flows.definition.ts';

export interface StepInfo {
  label: string;
  icon: Icon;
  /** Mantine colour of the node's icon. */
  color: string;
  group: 'Wait' | 'Decide' | 'Message' | 'Act';
  help: string;
}

export const STEP_INFO: Record<StepType, StepInfo> = {
  wait: { label: 'Wait', icon: IconHourglass, color: 'gray', group: 'Wait', help: 'Pause for a fixed time.' },
  waitUntil: { label: 'Wait until a time', icon: IconClock, color: 'gray', group: 'Wait', help: 'Pause until a time of day on the customer\'s own clock.' },
  waitFor: { label: 'Wait for an activity', icon: IconActivity, color: 'grape', group: 'Wait', help: 'Go one way if the customer does something in time, the other way if not.' },
  split: { label: 'Conditional split', icon: IconArrowsSplit, color: 'orange', group: 'Decide', help: 'Yes or no on the customer\'s profile, segments or activities.' },
  random: { label: 'Random split', icon: IconPercentage, color: 'orange', group: 'Decide', help: 'A/B test paths, or hold out a control group.' },
  email: { label: 'Send email', icon: IconMail, color: 'blue', group: 'Message', help: 'Send an email template.' },
  sms: { label: 'Send SMS', icon: IconMessage, color: 'cyan', group: 'Message', help: 'Send an SMS template.' },
  discount: { label: 'Create discount code', icon: IconRosetteDiscount, color: 'teal', group: 'Act', help: 'A single-use code for this customer, for the next messages.' },
  tag: { label: 'Add or remove tags', icon: IconTag, color: 'indigo', group: 'Act', help: 'Change the customer\'s tags.' },
  attribute: { label: 'Update an attribute', icon: IconUserEdit, color: 'indigo', group: 'Act', help: 'Set or clear a custom attribute.' },
  webhook: { label: 'Call a webhook', icon: IconWebhook, color: 'dark', group: 'Act', help: 'Post the customer and the trigger to another system.' },
  task: { label: 'Create a task', icon: IconSubtask, color: 'pink', group: 'Act', help: 'Ask someone on the team to follow up.' },
};

export const STEP_GROUPS: StepInfo['group'][] = ['Wait', 'Decide', 'Message', 'Act'];

const UNIT_WORD: Record<string, [string, string]> = { seconds: ['second', 'seconds'], minutes: ['minute', 'minutes'], hours: ['hour', 'hours'], days: ['day', 'days'], weeks: ['week', 'weeks'] };
export const duration = (d: { amount: number; unit: string }) => `${d.amount} ${UNIT_WORD[d.unit]?.[d.amount === 1 ? 0 : 1] ?? d.unit}`;
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** One line saying what the step does with its settings ("Wait 1 hour", "Send “Cart reminder”"). */
export function stepSummary(s: Step, names: { template: (id: string) => string | undefined; user: (id: string) => string | undefined; condition: (s: Extract<Step, { type: 'split' }>) => string }): string {
  switch (s.type) {
    case 'wait': return `Wait ${duration(s.duration)}`;
    case 'waitUntil': return `Until ${s.time} their time${s.days?.length && s.days.length < 7 ? `, on ${s.days.map((d) => DAYS[d]).join(', ')}` : ''}`;
    case 'waitFor': return `Up to ${duration(s.timeout)} for ${s.activities.join(' or ')}`;
    case 'split': return names.condition(s);
    case 'random': return s.branches.map((b) => `${b.label} ${b.percent} %${b.holdout ? ' (control)' : ''}`).join(' · ');
    case 'email':
    case 'sms': {
      const n = names.template(s.templateId);
      return n ? `“${n}”${s.kind === 'transactional' ? ' · transactional' : ''}` : 'Choose a template';
    }
    case 'discount': return `${s.kind === 'percent' ? `${s.value} %` : `${(s.value / 100).toFixed(2)} off`} · valid ${s.expiresInDays} days`;
    case 'tag': return [s.add.length ? `+ ${s.add.join(', ')}` : '', s.remove.length ? `− ${s.remove.join(', ')}` : ''].filter(Boolean).join('  ') || 'Choose tags';
    case 'attribute': return `${s.key} = ${s.value === null ? '(cleared)' : JSON.stringify(s.value)}`;
    case 'webhook': return s.url.replace(/^https?:\/\//, '') || 'Enter a URL';
    case 'task': return `${s.title}${s.assigneeId ? ` → ${names.user(s.assigneeId) ?? 'someone'}` : ''}`;
  }
}

/** A new step of this type with sensible settings, going to `next`. */
export function newStep(type: StepType, id: string, next: string | null): Step {
  switch (type) {
    case 'wait': return { id, type, duration: { amount: 1, unit: 'days' }, next };
    case 'waitUntil': return { id, type, time: '09:00', next };
    case 'waitFor': return { id, type, activities: ['Order Completed'], timeout: { amount: 1, unit: 'days' }, next, timeoutNext: null };
    case 'split': return { id, type, condition: { version: 1, root: { kind: 'group', match: 'all', conditions: [{ kind: 'field', field: 'orderCount', op: 'eq', value: 0 }] } }, yes: next, no: null };
    case 'random': return { id, type, branches: [{ label: 'A', percent: 50, next }, { label: 'B', percent: 50, next: null }] };
    case 'email': return { id, type, templateId: '', kind: 'marketing', next };
    case 'sms': return { id, type, templateId: '', kind: 'marketing', next };
    case 'discount': return { id, type, kind: 'percent', value: 10, expiresInDays: 7, prefix: 'SAVE', next };
    case 'tag': return { id, type, add: [], remove: [], next };
    case 'attribute': return { id, type, key: '', value: '', next };
    case 'webhook': return { id, type, url: 'https://', next };
    case 'task': return { id, type, title: 'Follow up with this customer', body: '', next };
  }
}
