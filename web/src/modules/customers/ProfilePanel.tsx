import { Anchor, Button, DataList, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { IconPencil } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { absoluteTime, shortDate } from '../../lib/format.ts';
import { countryName } from '../../lib/geo.ts';
import { useAttributes } from '../store/api.ts';
import type { AttributeDefinition } from '../store/api.ts';
import type { CustomerDetail } from './api.ts';

function formatAttr(def: AttributeDefinition | undefined, v: unknown): string {
  if (v === null || v === undefined || v === '') return '—';
  if (Array.isArray(v)) return v.map(String).join(', ') || '—';
  if (typeof v === 'boolean') return v ? 'Yes' : 'No';
  if (def?.type === 'date' && typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) return shortDate(`${v}T12:00:00`);
  if (typeof v === 'number') return v.toLocaleString();
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function birthday(v: string | null): string | null {
  if (!v) return null;
  // A calendar date, not an instant: noon keeps it on the same day in every time zone.
  return shortDate(`${v}T12:00:00`);
}

function address(a: Record<string, unknown>): string {
  const s = (k: string) => (typeof a[k] === 'string' && a[k] ? (a[k] as string) : null);
  return [s('name'), s('company'), s('line1'), s('line2'), [s('postalCode'), s('city')].filter(Boolean).join(' '), s('region'), s('country') ? countryName(s('country')) : null]
    .filter(Boolean)
    .join(', ');
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <DataList.Item>
      <DataList.ItemLabel>{label}</DataList.ItemLabel>
      <DataList.ItemValue style={{ overflowWrap: 'anywhere', minWidth: 0 }}>{children ?? <Text span c="dimmed" fz="sm">—</Text>}</DataList.ItemValue>
    </DataList.Item>
  );
}

/** Contact details, profile fields, custom attributes and addresses of a customer. */
export function ProfilePanel({ customer: c, onEdit }: { customer: CustomerDetail; onEdit?: () => void }) {
  const defs = useAttributes();
  const defined = defs.data ?? [];
  const extra = Object.keys(c.attributes).filter((k) => !defined.some((d) => d.key === k));
  return (
    <Paper withBorder radius="md" p="md">
      <Group justify="space-between" mb="sm">
        <Title order={2} fz="md" fw={600}>
          Contact & profile
        </Title>
        {onEdit && (
          <Button size="xs" variant="default" leftSection={<IconPencil size={14} />} onClick={onEdit}>
            Edit
          </Button>
        )}
      </Group>
      <DataList size="sm" gap={8} labelWidth={110}>
        <Row label="Email">{c.email ? <Anchor href={`mailto:${c.email}`} fz="sm">{c.email}</Anchor> : null}</Row>
        <Row label="Phone">{c.phone ? <Anchor href={`tel:${c.phone}`} fz="sm">{c.phone}</Anchor> : null}</Row>
        <Row label="Country">{c.country ? `${countryName(c.country)} (${c.country})` : null}</Row>
        <Row label="Birthday">{birthday(c.birthday)}</Row>
        <Row label="Language">{c.locale}</Row>
        <Row label="Time zone">{c.timeZone}</Row>
        <Row label="Source">{c.source}</Row>
        <Row label="Created">
          <span title={absoluteTime(c.createdAt)}>{shortDate(c.createdAt)}</span>
        </Row>
        <Row label="Updated">
          <span title={absoluteTime(c.updatedAt)}>{shortDate(c.updatedAt)}</span>
        </Row>
      </DataList>

      {(defined.length > 0 || extra.length > 0) && (
        <Stack gap={6} mt="md">
          <Text fz="xs" fw={600} c="dimmed" tt="uppercase">
            Custom attributes
          </Text>
          <DataList size="sm" gap={8} labelWidth={110}>
            {defined.map((d) => (
              <Row key={d.key} label={d.label}>
                {c.attributes[d.key] === undefined ? null : formatAttr(d, c.attributes[d.key])}
              </Row>
            ))}
            {extra.map((k) => (
              <Row key={k} label={k}>
                {formatAttr(undefined, c.attributes[k])}
              </Row>
            ))}
          </DataList>
        </Stack>
      )}

      {c.addresses.length > 0 && (
        <Stack gap={6} mt="md">
          <Text fz="xs" fw={600} c="dimmed" tt="uppercase">
            {c.addresses.length === 1 ? 'Address' : 'Addresses'}
          </Text>
          {c.addresses.map((a, i) => (
            <Text key={i} fz="sm">
              {typeof a.kind === 'string' && (
                <Text span fz="xs" c="dimmed" tt="capitalize">
                  {a.kind}:{' '}
                </Text>
              )}
              {address(a) || '—'}
            </Text>
          ))}
        </Stack>
      )}
    </Paper>
  );
}
