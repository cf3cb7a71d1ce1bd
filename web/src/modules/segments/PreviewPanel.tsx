import { Alert, Anchor, Box, Divider, Group, Loader, Paper, Progress, Skeleton, Stack, Text } from '@mantine/core';
import { IconAlertTriangle, IconInfoCircle, IconUsers } from '@tabler/icons-react';
import { Link } from '@tanstack/react-router';
import { countryName } from '../../lib/geo.ts';
import { formatInt, formatMoney } from '../../lib/money.ts';
import { plural } from '../../lib/format.ts';
import { CustomerAvatar } from '../customers/CustomerAvatar.tsx';
import type { Preview } from './api.ts';

/** The right-hand panel of the builder: how many match now, the rule in words, and who some of them are. */
export function PreviewPanel(props: {
  preview: Preview | undefined;
  /** Everyone (the empty definition), for "12 % of all customers". */
  total: number | undefined;
  loading: boolean;
  /** The count shown belongs to an earlier version of the rule (a newer one is being counted or is invalid). */
  stale: boolean;
  summary: string;
  skipped: number;
  invalid: boolean;
  otherErrors: string[];
  currency: string;
}) {
  const { preview, total, loading } = props;
  const count = preview?.count;
  const share = count !== undefined && total ? Math.min(100, (count / total) * 100) : undefined;
  return (
    <Paper withBorder radius="md" p="md" aria-label="Preview" role="region">
      <Stack gap="md">
        <Group justify="space-between" align="center">
          <Text fz="xs" fw={600} c="dimmed" tt="uppercase" style={{ letterSpacing: '0.05em' }}>
            Preview
          </Text>
          {loading ? (
            <Group gap={6}>
              <Loader size={12} />
              <Text fz="xs" c="dimmed">
                Counting…
              </Text>
            </Group>
          ) : preview ? (
            <Text fz="xs" c="dimmed" className="patron-tabular">
              counted in {formatInt(preview.ms)} ms
            </Text>
          ) : null}
        </Group>

        <Box>
          {count === undefined && props.invalid ? (
            <Text fz={34} fw={700} lh={1.1} c="dimmed">
              —
            </Text>
          ) : count === undefined ? (
            <Skeleton h={38} w={140} />
          ) : (
            <Group gap={8} align="baseline" style={{ opacity: props.stale || props.invalid ? 0.45 : 1, transition: 'opacity 120ms' }}>
              <Text fz={34} fw={700} lh={1.1} className="patron-tabular" data-testid="preview-count">
                {formatInt(count)}
              </Text>
              <Text fz="sm" c="dimmed">
                {count === 1 ? 'customer matches' : 'customers match'}
              </Text>
            </Group>
          )}
          {share !== undefined && total !== undefined && (
            <Stack gap={4} mt={8}>
              <Progress value={share} size="sm" radius="xl" aria-label="Share of all customers" />
              <Text fz="xs" c="dimmed" className="patron-tabular">
                {share < 0.1 && share > 0 ? '< 0.1' : share.toFixed(share < 10 ? 1 : 0)} % of {formatInt(total)} customers
              </Text>
            </Stack>
          )}
        </Box>

        <Box p="sm" bg="var(--mantine-color-indigo-light)" style={{ borderRadius: 'var(--mantine-radius-md)' }}>
          <Text fz="sm" style={{ overflowWrap: 'anywhere' }} data-testid="preview-summary">
            {props.summary}
          </Text>
        </Box>

        {props.invalid && (
          <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} p="sm">
            <Text fz="sm">Fix the conditions marked in red to see who matches.</Text>
            {props.otherErrors.map((e) => (
              <Text key={e} fz="xs" mt={4}>
                {e}
              </Text>
            ))}
          </Alert>
        )}
        {props.skipped > 0 && !props.invalid && (
          <Group gap={6} wrap="nowrap" align="flex-start">
            <IconInfoCircle size={16} color="var(--mantine-color-dimmed)" style={{ flexShrink: 0, marginTop: 2 }} />
            <Text fz="xs" c="dimmed">
              {plural(props.skipped, 'unfinished condition is', 'unfinished conditions are').replace(/^1 /, 'One ')} not counted yet.
            </Text>
          </Group>
        )}

        <Divider />
        <Stack gap={6}>
          <Text fz="xs" fw={600} c="dimmed" tt="uppercase" style={{ letterSpacing: '0.05em' }}>
            Some of them
          </Text>
          {!preview && props.invalid ? (
            <Text fz="sm" c="dimmed" py="xs">
              Shown once the conditions are valid.
            </Text>
          ) : !preview ? (
            Array.from({ length: 4 }, (_, i) => <Skeleton key={i} h={32} />)
          ) : preview.sample.length === 0 ? (
            <Group gap={8} c="dimmed" py="xs">
              <IconUsers size={16} />
              <Text fz="sm">Nobody matches yet.</Text>
            </Group>
          ) : (
            <Stack gap={2} style={{ opacity: props.stale ? 0.6 : 1 }}>
              {preview.sample.map((m) => (
                <Group key={m.id} gap="sm" wrap="nowrap" py={4}>
                  <CustomerAvatar id={m.id} name={m.name} size={28} />
                  <Stack gap={0} style={{ minWidth: 0, flex: 1 }}>
                    <Anchor renderRoot={(p) => <Link to="/customers/$id" params={{ id: m.id }} {...p} />} fz="sm" fw={500} truncate className="patron-cell-link">
                      {m.name}
                    </Anchor>
                    <Text fz="xs" c="dimmed" truncate>
                      {[m.email !== m.name ? m.email : null, m.country ? countryName(m.country) : null].filter(Boolean).join(' · ') || '—'}
                    </Text>
                  </Stack>
                  <Stack gap={0} align="flex-end">
                    <Text fz="sm" className="patron-tabular" style={{ whiteSpace: 'nowrap' }}>
                      {formatMoney(m.totalSpent, props.currency)}
                    </Text>
                    <Text fz="xs" c="dimmed" className="patron-tabular" style={{ whiteSpace: 'nowrap' }}>
                      {plural(m.orderCount, 'order')}
                    </Text>
                  </Stack>
                </Group>
              ))}
            </Stack>
          )}
        </Stack>
      </Stack>
    </Paper>
  );
}
