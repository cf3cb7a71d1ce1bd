import { Button, Group, NativeSelect, Popover, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { IconCalendar } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useIsMobile } from '../../components/useIsMobile.ts';
import { PRESETS, rangeLabel, spanDays, type Preset } from './range.ts';

const MAX_DAYS = 5 * 365;

/** Presets (last 30/90 days, 12 months, year to date) and a custom range of store days. */
export function RangePicker({ preset, from, to, min, onPreset, onCustom }: {
  preset: Preset | 'custom';
  from: string;
  to: string;
  /** The first day with data (custom ranges can still start earlier). */
  min?: string | null;
  onPreset: (p: Preset) => void;
  onCustom: (from: string, to: string) => void;
}) {
  const [open, setOpen] = useState(false);
  const mobile = useIsMobile();
  const options = [...PRESETS.map((p) => ({ value: p.value, label: p.label })), { value: 'custom', label: 'Custom' }];
  const choose = (v: string) => (v === 'custom' ? setOpen(true) : onPreset(v as Preset));
  const [a, setA] = useState(from);
  const [b, setB] = useState(to);
  useEffect(() => {
    setA(from);
    setB(to);
  }, [from, to, open]);
  const error = !a || !b ? 'Pick both days' : a > b ? 'The start must be on or before the end' : spanDays(a, b) > MAX_DAYS ? 'Pick at most five years' : null;
  return (
    <Group gap="xs" wrap="wrap">
      {mobile ? (
        <NativeSelect size="sm" aria-label="Date range" value={preset} onChange={(e) => choose(e.currentTarget.value)} data={options} />
      ) : (
        <SegmentedControl size="sm" aria-label="Date range" value={preset} onChange={choose} data={options} />
      )}
      <Popover opened={open} onChange={setOpen} position="bottom-end" withArrow shadow="md" trapFocus>
        <Popover.Target>
          <Button variant="default" size="sm" leftSection={<IconCalendar size={16} />} onClick={() => setOpen((o) => !o)} aria-label={`Custom range: ${rangeLabel(from, to)}`}>
            {rangeLabel(from, to)}
          </Button>
        </Popover.Target>
        <Popover.Dropdown>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              if (error) return;
              onCustom(a, b);
              setOpen(false);
            }}
          >
            <Stack gap="sm" w={260}>
              <Text fz="sm" fw={600}>
                Custom range
              </Text>
              <TextInput type="date" label="From" value={a} min={min ?? undefined} onChange={(e) => setA(e.currentTarget.value)} />
              <TextInput type="date" label="To" value={b} onChange={(e) => setB(e.currentTarget.value)} error={a && b ? error : undefined} />
              <Text fz="xs" c="dimmed">
                Days in the store’s time zone, both included. Compared with the same number of days just before.
              </Text>
              <Group justify="flex-end" gap="xs">
                <Button variant="default" size="xs" onClick={() => setOpen(false)}>
                  Cancel
                </Button>
                <Button type="submit" size="xs" disabled={!!error}>
                  Apply
                </Button>
              </Group>
            </Stack>
          </form>
        </Popover.Dropdown>
      </Popover>
    </Group>
  );
}
