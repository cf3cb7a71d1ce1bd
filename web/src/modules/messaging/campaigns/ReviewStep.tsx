import { Anchor, Group, Stack, Table, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { formatInt } from '../../../lib/money.ts';
import { useSegments } from '../../segments/api.ts';
import { useSenders } from '../messages/api.ts';
import { useTemplateOptions } from './api.ts';
import { toBody, type FormState, type Step } from './form.ts';
import { Section } from './FormSteps.tsx';
import { METRIC_LABEL, scheduleText } from './status.tsx';

/** Everything the campaign will do, in words, each line with a link back to its step. */
export function ReviewStep({ f, onEdit }: { f: FormState; onEdit: (s: Step) => void }) {
  const templates = useTemplateOptions(f.channel);
  const segments = useSegments();
  const senders = useSenders();
  const tname = (id: string | null) => (id ? (templates.data?.find((t) => t.id === id)?.name ?? 'Unknown template') : null);
  const sname = (id: string) => segments.data?.find((s) => s.id === id)?.name ?? 'Deleted segment';
  const sender = senders.data?.find((s) => s.id === f.senderId);
  const body = toBody(f);
  const rows: [string, ReactNode, Step][] = [
    ['Name', f.name.trim() || <Missing />, 'message'],
    ['Channel', `${f.channel === 'email' ? 'Email' : 'SMS'} · ${f.kind === 'marketing' ? 'marketing (subscribers only)' : 'transactional'}${f.topic.trim() ? ` · topic “${f.topic.trim()}”` : ''}`, 'message'],
    ['Template', tname(f.templateId) ?? <Missing />, 'message'],
    ...(f.channel === 'email' ? [['From', sender ? `${sender.fromName} <${sender.fromEmail}>` : 'The template’s sender, else the default one', 'message'] as [string, ReactNode, Step]] : []),
    ['Send to', f.include.length ? f.include.map(sname).join(', ') : <Missing />, 'audience'],
    ['Leave out', f.exclude.length ? f.exclude.map(sname).join(', ') : 'Nobody', 'audience'],
    ['When', body.schedule.mode === 'at' && !body.schedule.sendAt ? <Missing /> : scheduleText(body.schedule), 'schedule'],
    ['Speed', f.throttle ? `At most ${formatInt(f.perHour)} per hour` : 'As fast as the mail server allows', 'schedule'],
    [
      'A/B test',
      f.ab ? (
        <Stack gap={2}>
          {f.variants.map((v, i) => (
            <Text key={i} fz="sm">
              <b>{String.fromCharCode(65 + i)}</b>: {[v.subject.trim() && f.channel === 'email' ? `“${v.subject.trim()}”` : null, v.templateId ? tname(v.templateId) : null].filter(Boolean).join(' · ') || 'the campaign as it is'}
            </Text>
          ))}
          <Text fz="xs" c="dimmed">
            {f.testPercent >= 100 ? 'Everyone gets a variant.' : `${f.testPercent}% tested; after ${f.waitHours} h the best ${METRIC_LABEL[f.metric].toLowerCase()} goes to the rest.`}
          </Text>
        </Stack>
      ) : (
        'No'
      ),
      'test',
    ],
  ];
  return (
    <Section title="Review" description="Check everything before sending. Consent is checked again for every message as it goes out.">
      <Table verticalSpacing="xs" layout="fixed">
        <Table.Tbody>
          {rows.map(([label, value, step]) => (
            <Table.Tr key={label}>
              <Table.Td w={120} c="dimmed" fz="sm" style={{ verticalAlign: 'top' }}>
                {label}
              </Table.Td>
              <Table.Td fz="sm" style={{ overflowWrap: 'anywhere' }}>
                {value}
              </Table.Td>
              <Table.Td w={60} ta="right" style={{ verticalAlign: 'top' }}>
                <Anchor component="button" type="button" fz="xs" onClick={() => onEdit(step)}>
                  Change
                </Anchor>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Section>
  );
}

function Missing() {
  return (
    <Group gap={4}>
      <Text span fz="sm" c="orange.8">
        Not chosen yet
      </Text>
    </Group>
  );
}
