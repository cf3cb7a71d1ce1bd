import {
  Accordion, Alert, Badge, Button, Grid, Group, Menu, Modal, Paper, ScrollArea, SegmentedControl, Select, Stack, Switch, Table, Text, TextInput, Title,
} from '@mantine/core';
import { IconAlertCircle, IconChevronDown, IconDeviceFloppy, IconPlayerPlay, IconTestPipe, IconTrash } from '@tabler/icons-react';
import { useEffect, useMemo, useState } from 'react';
import { notifyError, notifySuccess } from '../../../components/notify.tsx';
import { useIsMobile } from '../../../components/useIsMobile.ts';
import { ApiError, errorMessage } from '../../../lib/api.ts';
import { timeZones } from '../../../lib/geo.ts';
import { useDeleteMapping, useSaveMapping, useSavedMappings, useStartImport } from '../api.ts';
import type { Import, ImportKind, Mapping, PresetName } from '../api.ts';
import { FIELDS, KIND_LABELS, PRESETS } from './fields.ts';

type Columns = Record<string, string>;
type Options = Omit<Mapping, 'columns'>;

function columnsOf(m: Mapping | null | undefined): Columns {
  const out: Columns = {};
  for (const [k, v] of Object.entries(m?.columns ?? {})) {
    const first = Array.isArray(v) ? v[0] : v;
    if (first) out[k] = first;
  }
  return out;
}

/** Choose what the file holds, how its columns map to fields and how to read it; then dry-run or import it. */
export function MappingStep({ imp, writable }: { imp: Import; writable: boolean }) {
  const detected = imp.detected;
  const suggestion = detected?.suggestion;
  const [kind, setKind] = useState<ImportKind>(imp.kind ?? suggestion?.kind ?? 'orders');
  const [preset, setPreset] = useState<PresetName>(imp.preset ?? suggestion?.preset ?? 'generic');
  const [columns, setColumns] = useState<Columns>(() => columnsOf(imp.mapping ?? suggestion?.mapping));
  const [options, setOptions] = useState<Options>(() => {
    const { columns: _c, ...rest } = imp.mapping ?? suggestion?.mapping ?? {};
    return rest;
  });
  const [showAll, setShowAll] = useState(false);
  // With a known format the column table is only for overrides, so it starts folded.
  const [overrides, setOverrides] = useState(() => Object.keys(columnsOf(imp.mapping)).length > 0);
  const [problem, setProblem] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const start = useStartImport(imp.id);
  const saved = useSavedMappings();
  const removeSaved = useDeleteMapping();
  const mobile = useIsMobile();

  const presetInfo = PRESETS.find((p) => p.value === preset);
  const presetKinds = presetInfo?.kinds ?? ['orders', 'customers', 'products'];
  // A format that cannot read the chosen kind switches to one it can (only when the format changes).
  useEffect(() => {
    if (!presetKinds.includes(kind)) setKind(presetKinds[0] ?? 'orders');
  }, [preset]);

  const header = detected?.format.header ?? true;
  const width = detected?.columns.length ?? 0;
  const columnOptions = useMemo(
    () =>
      (detected?.columns ?? []).map((c, i) => {
        const ref = header ? c : `#${i + 1}`;
        const sample = detected?.preview[0]?.[i];
        return { value: ref, label: header ? c : `Column ${i + 1}${sample ? ` (“${sample.slice(0, 24)}”)` : ''}` };
      }),
    [detected, header],
  );
  const generic = preset === 'generic';
  const fields = FIELDS[kind];
  const shown = showAll ? fields : fields.filter((f) => f.main || columns[f.field]);
  const mappedBy = new Map(Object.entries(columns).map(([field, col]) => [col.toLowerCase(), field]));

  const mapping = (): Mapping | undefined => {
    const cols = Object.fromEntries(Object.entries(columns).filter(([, v]) => v));
    const m: Mapping = { ...options, ...(Object.keys(cols).length ? { columns: cols } : {}) };
    const clean = Object.fromEntries(Object.entries(m).filter(([, v]) => v !== undefined && v !== '')) as Mapping;
    return Object.keys(clean).length ? clean : undefined;
  };

  const run = (dryRun: boolean) => {
    setProblem(null);
    start.mutate(
      { kind, preset, mapping: mapping(), dryRun },
      {
        onError: (err) => setProblem(err instanceof ApiError && err.problem.errors?.length ? err.problem.errors.map((e) => `${e.pointer.replace(/^\/body\//, '')}: ${e.detail}`).join('; ') : errorMessage(err)),
      },
    );
  };

  const setOpt = <K extends keyof Options>(k: K, v: Options[K] | undefined) => setOptions((o) => ({ ...o, [k]: v }));
  const zones = timeZones();

  return (
    <Stack gap="lg">
      <Paper withBorder radius="md" p="lg">
        <Stack gap="md">
          <Group justify="space-between" align="flex-end" wrap="wrap">
            <Title order={2} fz="lg" fw={600}>
              What is in the file
            </Title>
            {(saved.data?.length ?? 0) > 0 && (
              <Menu position="bottom-end" withinPortal shadow="md" width={280}>
                <Menu.Target>
                  <Button variant="default" size="xs" rightSection={<IconChevronDown size={14} />}>
                    Saved mappings
                  </Button>
                </Menu.Target>
                <Menu.Dropdown>
                  {saved.data?.map((m) => (
                    <Menu.Item
                      key={m.id}
                      onClick={() => {
                        setPreset(m.preset);
                        setKind(m.kind);
                        setColumns(columnsOf(m.mapping));
                        const { columns: _c, ...rest } = m.mapping;
                        setOptions(rest);
                        notifySuccess(`Using “${m.name}”.`);
                      }}
                      rightSection={
                        writable ? (
                          <IconTrash
                            size={14}
                            aria-label={`Delete the saved mapping ${m.name}`}
                            onClick={(e) => {
                              e.stopPropagation();
                              removeSaved.mutate(m.id, { onError: (err) => notifyError(err, 'Could not delete the mapping') });
                            }}
                          />
                        ) : undefined
                      }
                    >
                      {m.name}
                      <Text span fz="xs" c="dimmed">
                        {' '}
                        · {KIND_LABELS[m.kind].toLowerCase()}
                      </Text>
                    </Menu.Item>
                  ))}
                </Menu.Dropdown>
              </Menu>
            )}
          </Group>
          <Grid gap="md">
            <Grid.Col span={{ base: 12, md: 6 }}>
              <Select
                label="Format"
                description={presetInfo?.describe}
                data={PRESETS.map((p) => ({ value: p.value, label: p.label }))}
                value={preset}
                onChange={(v) => v && setPreset(v as PresetName)}
                allowDeselect={false}
                comboboxProps={{ withinPortal: true }}
              />
            </Grid.Col>
            <Grid.Col span={{ base: 12, md: 6 }}>
              <Stack gap={4}>
                <Text fz="sm" fw={500} id="import-kind-label">
                  Import as
                </Text>
                <SegmentedControl
                  aria-labelledby="import-kind-label"
                  value={kind}
                  onChange={(v) => setKind(v as ImportKind)}
                  data={(['orders', 'customers', 'products'] as const).map((k) => ({ value: k, label: KIND_LABELS[k], disabled: !presetKinds.includes(k) }))}
                  fullWidth
                />
                <Text fz="xs" c="dimmed">
                  {kind === 'orders'
                    ? 'Orders with their lines; customers and products they name are created too.'
                    : kind === 'customers'
                      ? 'Customer profiles, found again by email, phone or id if they exist.'
                      : 'Your catalogue: titles, SKUs and prices.'}
                </Text>
              </Stack>
            </Grid.Col>
          </Grid>
          {suggestion && suggestion.confidence === 'high' && suggestion.preset === preset && (
            <Text fz="sm" c="teal.7">
              Recognised as {PRESETS.find((p) => p.value === suggestion.preset)?.label ?? suggestion.preset} from its column names.
            </Text>
          )}
        </Stack>
      </Paper>

      <Paper withBorder radius="md" p="lg">
        <Stack gap="md">
          <Stack gap={2}>
            <Title order={2} fz="lg" fw={600}>
              Columns
            </Title>
            <Text fz="sm" c="dimmed">
              {generic ? 'Say which column holds each field. Fields left empty are not imported.' : 'The format knows its columns. Pick one only to read a field from another column.'}
            </Text>
          </Stack>
          {!generic && !overrides ? (
            <Button variant="default" size="xs" onClick={() => setOverrides(true)} style={{ alignSelf: 'flex-start' }}>
              Use other columns for some fields
            </Button>
          ) : (
            <>
              <ScrollArea type="auto">
                <Table verticalSpacing={6} miw={mobile ? 0 : 520}>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th w="40%">Field</Table.Th>
                      <Table.Th>Column in the file</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {shown.map((f) => (
                      <Table.Tr key={f.field}>
                        <Table.Td>
                          <Text fz="sm" fw={500}>
                            {f.label}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          <Select
                            aria-label={`Column for ${f.label}`}
                            size="xs"
                            placeholder={generic ? 'Not in the file' : 'As the format says'}
                            data={columnOptions}
                            value={columns[f.field] ?? null}
                            onChange={(v) => setColumns((c) => {
                              const next = { ...c };
                              if (v) next[f.field] = v;
                              else delete next[f.field];
                              return next;
                            })}
                            clearable
                            searchable
                            comboboxProps={{ withinPortal: true }}
                          />
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </ScrollArea>
              {fields.length > shown.length || showAll ? (
                <Button variant="subtle" size="compact-sm" onClick={() => setShowAll((s) => !s)} style={{ alignSelf: 'flex-start' }}>
                  {showAll ? 'Show the main fields only' : `Show all ${fields.length} fields`}
                </Button>
              ) : null}
            </>
          )}
        </Stack>
      </Paper>

      {detected && detected.preview.length > 0 && (
        <Paper withBorder radius="md" p="lg">
          <Stack gap="sm">
            <Title order={2} fz="lg" fw={600}>
              Preview
            </Title>
            <Text fz="sm" c="dimmed">
              The first {detected.preview.length} rows · {detected.format.delimiter === '\t' ? 'tab' : detected.format.delimiter === ' ' ? 'whitespace' : `“${detected.format.delimiter}”`}-separated ·{' '}
              {detected.format.encoding}
              {detected.format.compressed ? ' · gzip' : ''}
              {header ? '' : ' · no header row'}
            </Text>
            <ScrollArea type="auto">
              <Table fz="xs" verticalSpacing={4} withColumnBorders withTableBorder striped style={{ whiteSpace: 'nowrap' }}>
                <Table.Thead>
                  <Table.Tr>
                    {detected.columns.map((c, i) => {
                      const ref = header ? c : `#${i + 1}`;
                      const field = mappedBy.get(ref.toLowerCase());
                      const label = field ? fields.find((f) => f.field === field)?.label ?? field : null;
                      return (
                        <Table.Th key={i} style={{ textTransform: 'none', letterSpacing: 0 }}>
                          <Text fz="xs" fw={600} c="var(--mantine-color-text)">
                            {header ? c : `#${i + 1}`}
                          </Text>
                          {label && (
                            <Badge size="xs" variant="light" mt={2}>
                              {label}
                            </Badge>
                          )}
                        </Table.Th>
                      );
                    })}
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {detected.preview.map((row, r) => (
                    <Table.Tr key={r}>
                      {Array.from({ length: Math.max(width, row.length) }, (_, i) => (
                        <Table.Td key={i} maw={260} style={{ overflow: 'hidden', textOverflow: 'ellipsis' }} title={row[i]}>
                          {row[i] ?? ''}
                        </Table.Td>
                      ))}
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </ScrollArea>
          </Stack>
        </Paper>
      )}

      <Accordion variant="separated" radius="md">
        <Accordion.Item value="options" style={{ background: 'var(--mantine-color-body)' }}>
          <Accordion.Control>
            <Text fw={600}>Reading options</Text>
            <Text fz="xs" c="dimmed">
              Source name, currency, dates, time zone, decimal comma, header row
            </Text>
          </Accordion.Control>
          <Accordion.Panel>
            <Grid gap="md">
              <Grid.Col span={{ base: 12, sm: 6, md: 4 }}>
                <TextInput
                  label="Source"
                  description="Whose ids these are; importing again with the same source updates instead of duplicating"
                  placeholder={generic ? 'csv' : 'As the format says'}
                  value={options.source ?? ''}
                  onChange={(e) => setOpt('source', e.currentTarget.value.trim() || undefined)}
                />
              </Grid.Col>
              <Grid.Col span={{ base: 12, sm: 6, md: 4 }}>
                <TextInput
                  label="Currency"
                  description="Of amounts, when the file has no currency column"
                  placeholder="The store currency"
                  value={options.currency ?? ''}
                  onChange={(e) => setOpt('currency', e.currentTarget.value.trim().toUpperCase().slice(0, 3) || undefined)}
                />
              </Grid.Col>
              <Grid.Col span={{ base: 12, sm: 6, md: 4 }}>
                <Select
                  label="Dates"
                  description="How to read 01/02/2011"
                  data={[
                    { value: 'auto', label: 'Work it out from the file' },
                    { value: 'dmy', label: 'Day first (1 February)' },
                    { value: 'mdy', label: 'Month first (January 2)' },
                  ]}
                  placeholder="As the format says"
                  value={options.dateOrder ?? null}
                  onChange={(v) => setOpt('dateOrder', (v as Options['dateOrder']) ?? undefined)}
                  clearable
                  comboboxProps={{ withinPortal: true }}
                />
              </Grid.Col>
              <Grid.Col span={{ base: 12, sm: 6, md: 4 }}>
                <Select
                  label="Time zone"
                  description="Of dates written without one"
                  placeholder="The store time zone"
                  data={zones}
                  value={options.timeZone ?? null}
                  onChange={(v) => setOpt('timeZone', v ?? undefined)}
                  searchable
                  clearable
                  limit={60}
                  comboboxProps={{ withinPortal: true }}
                />
              </Grid.Col>
              <Grid.Col span={{ base: 12, sm: 6, md: 4 }}>
                <TextInput
                  label="Cancellation prefix"
                  description="Order ids starting with it are cancellations"
                  placeholder={preset === 'uci' ? 'C' : 'None'}
                  value={options.cancellationPrefix ?? ''}
                  onChange={(e) => setOpt('cancellationPrefix', e.currentTarget.value || undefined)}
                  maxLength={10}
                />
              </Grid.Col>
              <Grid.Col span={{ base: 12, sm: 6, md: 4 }}>
                <Stack gap="sm" mt={4}>
                  <Switch label="Amounts use a decimal comma (1.234,56)" checked={options.decimalComma ?? false} onChange={(e) => setOpt('decimalComma', e.currentTarget.checked || undefined)} />
                  <Switch
                    label="The first line is column names"
                    checked={options.header ?? header}
                    onChange={(e) => setOpt('header', e.currentTarget.checked === header ? undefined : e.currentTarget.checked)}
                  />
                  <Switch
                    label="Keep negative quantities as lines"
                    checked={options.negativeQuantity === 'keep'}
                    onChange={(e) => setOpt('negativeQuantity', e.currentTarget.checked ? 'keep' : undefined)}
                  />
                </Stack>
              </Grid.Col>
            </Grid>
          </Accordion.Panel>
        </Accordion.Item>
      </Accordion>

      {problem && (
        <Alert color="red" icon={<IconAlertCircle size={18} />} title="Cannot start">
          {problem}
        </Alert>
      )}

      {writable && (
        <Group justify="space-between" wrap="wrap" gap="sm">
          <Button variant="subtle" leftSection={<IconDeviceFloppy size={16} />} onClick={() => setSaving(true)}>
            Save this mapping
          </Button>
          <Group gap="sm">
            <Button variant="default" leftSection={<IconTestPipe size={16} />} onClick={() => run(true)} loading={start.isPending && start.variables.dryRun === true}>
              Dry run
            </Button>
            <Button leftSection={<IconPlayerPlay size={16} />} onClick={() => run(false)} loading={start.isPending && start.variables.dryRun === false}>
              Import {KIND_LABELS[kind].toLowerCase()}
            </Button>
          </Group>
        </Group>
      )}
      <SaveMappingModal opened={saving} onClose={() => setSaving(false)} body={{ kind, preset, mapping: mapping() ?? {} }} />
    </Stack>
  );
}

function SaveMappingModal({ opened, onClose, body }: { opened: boolean; onClose: () => void; body: { kind: ImportKind; preset: PresetName; mapping: Mapping } }) {
  const save = useSaveMapping();
  const [name, setName] = useState('');
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    if (opened) {
      setName('');
      setError(undefined);
    }
  }, [opened]);
  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={600}>Save mapping</Text>} centered>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!name.trim()) return setError('Give it a name, such as the system the file comes from');
          save.mutate(
            { name: name.trim(), ...body },
            {
              onSuccess: (m) => {
                notifySuccess(`Pick “${m.name}” under Saved mappings next time.`, 'Mapping saved');
                onClose();
              },
              onError: (err) => (err instanceof ApiError && err.fields.name ? setError(err.fields.name) : notifyError(err, 'Could not save the mapping')),
            },
          );
        }}
      >
        <Stack>
          <TextInput label="Name" placeholder="e.g. Warehouse export" value={name} onChange={(e) => setName(e.currentTarget.value)} error={error} data-autofocus maxLength={100} />
          <Text fz="sm" c="dimmed">
            Saves the format, what the file is imported as, the columns and the reading options. A mapping with the same name is replaced.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              Save mapping
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
