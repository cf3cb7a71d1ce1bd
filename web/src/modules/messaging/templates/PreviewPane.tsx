import { Badge, Box, Center, Group, Loader, Paper, ScrollArea, SegmentedControl, Stack, Tabs, Text, Tooltip } from '@mantine/core';
import { IconDeviceDesktop, IconDeviceMobile, IconInfoCircle } from '@tabler/icons-react';
import type { UseQueryResult } from '@tanstack/react-query';
import { useElementSize } from '@mantine/hooks';
import { useState, type ReactNode } from 'react';
import { CustomerPicker } from './CustomerPicker.tsx';
import type { Preview } from './api.ts';
import { issuesOf } from './issues.ts';

const WIDTH = { desktop: 640, mobile: 375 } as const;

/**
 * The rendered template as a recipient would see it: in a sandboxed frame (no scripts, no access
 * to Patron) at desktop or phone width, its text part, or the SMS bubble.
 */
export function PreviewPane(props: {
  channel: 'email' | 'sms';
  query: UseQueryResult<Preview>;
  customerId: string | null;
  onCustomer: (id: string | null) => void;
  height?: number;
}): ReactNode {
  const [device, setDevice] = useState<'desktop' | 'mobile'>('desktop');
  const [tab, setTab] = useState<string | null>('html');
  const { query } = props;
  // While the template has errors, the last preview that rendered stays up (dimmed) instead of a blank pane.
  const [last, setLast] = useState<Preview | undefined>(undefined);
  if (query.data && query.data !== last) setLast(query.data);
  const p = query.data ?? last;
  const broken = query.isError && issuesOf(query.error) !== null;
  const height = props.height ?? 720;
  // The email keeps its real width (600+ or a phone's 375) and is scaled down when the column is narrower.
  const canvas = useElementSize();
  const width = WIDTH[device];
  const scale = canvas.width ? Math.min(1, (canvas.width - 2) / width) : 1;
  const frameHeight = height - 32;

  return (
    <Paper withBorder radius="md" p="md">
      <Stack gap="sm">
        <Group justify="space-between" gap="sm" wrap="wrap">
          <Group gap={8}>
            <Text fw={600}>Preview</Text>
            {query.isFetching && <Loader size={14} />}
            {p?.sample && (
              <Tooltip label="No customer has an order yet: this is sample data made from your products, not a real person" multiline w={260} withArrow>
                <Badge color="orange" variant="light" leftSection={<IconInfoCircle size={12} />}>
                  Sample data
                </Badge>
              </Tooltip>
            )}
          </Group>
          {props.channel === 'email' && (
            <SegmentedControl
              size="xs"
              value={device}
              onChange={(v) => setDevice(v as 'desktop' | 'mobile')}
              data={[
                { value: 'desktop', label: <Group gap={4} wrap="nowrap"><IconDeviceDesktop size={14} />Desktop</Group> },
                { value: 'mobile', label: <Group gap={4} wrap="nowrap"><IconDeviceMobile size={14} />Mobile</Group> },
              ]}
              aria-label="Preview width"
            />
          )}
        </Group>
        <CustomerPicker value={props.customerId} onChange={props.onCustomer} current={p?.customer ?? null} />
        {p && (
          <Box>
            <Text fz="xs" c="dimmed" tt="uppercase" fw={600} style={{ letterSpacing: '0.04em' }}>
              {props.channel === 'email' ? 'Subject' : 'Message'}
            </Text>
            {props.channel === 'email' ? (
              <Text fw={600} data-testid="preview-subject">
                {p.subject || <Text span c="dimmed">No subject</Text>}
              </Text>
            ) : (
              <Text fz="sm" c="dimmed">
                {p.sms ? `${p.sms.characters} characters · ${p.sms.parts} ${p.sms.parts === 1 ? 'SMS' : 'SMS parts'}${p.sms.unicode ? ' · Unicode (70 per part)' : ''}` : ''}
              </Text>
            )}
          </Box>
        )}
        {broken && (
          <Text fz="sm" c="red.7">
            Fix the errors to see the preview{p ? ' (showing the last one that worked)' : ''}.
          </Text>
        )}
        {query.isError && !broken && (
          <Text fz="sm" c="red.7">
            {query.error.message}
          </Text>
        )}
        {!p ? (
          <Center h={height / 2}>{query.isPending && !query.isError ? <Loader /> : <Text c="dimmed">Nothing to preview yet.</Text>}</Center>
        ) : props.channel === 'sms' ? (
          <Box className="patron-preview-canvas" style={{ minHeight: 240, justifyContent: 'flex-start' }}>
            <div className="patron-sms-bubble" data-testid="preview-sms">
              {p.text}
            </div>
          </Box>
        ) : (
          <Tabs value={tab} onChange={setTab} keepMounted={false}>
            <Tabs.List mb="sm">
              <Tabs.Tab value="html">Email</Tabs.Tab>
              <Tabs.Tab value="text">Text part</Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="html">
              <div className="patron-preview-canvas" style={{ height, opacity: broken ? 0.55 : 1 }}>
                <div ref={canvas.ref} style={{ width: '100%', display: 'flex', justifyContent: 'center' }}>
                  <div style={{ width: width * scale, height: frameHeight, flex: '0 0 auto' }}>
                    <iframe
                      title="Email preview"
                      className="patron-preview-frame"
                      // No scripts, no forms, no same-origin access, no navigation of Patron: the email is only looked at.
                      sandbox=""
                      srcDoc={p.html ?? ''}
                      style={{ width, height: frameHeight / scale, transform: `scale(${scale})`, transformOrigin: 'top left' }}
                    />
                  </div>
                </div>
              </div>
              {scale < 0.995 && (
                <Text fz="xs" c="dimmed" mt={4} ta="center">
                  {width} px wide, shown at {Math.round(scale * 100)} %
                </Text>
              )}
            </Tabs.Panel>
            <Tabs.Panel value="text">
              <ScrollArea h={height} type="auto">
                <Text component="pre" ff="monospace" fz="sm" style={{ whiteSpace: 'pre-wrap', margin: 0 }} data-testid="preview-text">
                  {p.text}
                </Text>
              </ScrollArea>
            </Tabs.Panel>
          </Tabs>
        )}
      </Stack>
    </Paper>
  );
}
