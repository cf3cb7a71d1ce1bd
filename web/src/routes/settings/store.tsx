import { QueryStates } from '../../components/QueryStates.tsx';
import { FormModal } from '../../components/FormModal.tsx';
import { ActionIcon, Alert, Autocomplete, Badge, Button, Grid, Group, Paper, Select, Stack, Table, TagsInput, Text, TextInput, Title, Tooltip } from '@mantine/core';
import { IconAlertCircle, IconDeviceFloppy, IconListDetails, IconPlus, IconTrash } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import type { ReactNode } from 'react';
import { ConfirmModal } from '../../components/ConfirmModal.tsx';
import { TableCard } from '../../components/DataTable.tsx';
import { Empty } from '../../components/Empty.tsx';
import { ErrorState } from '../../components/ErrorState.tsx';
import { notifyError, notifySuccess } from '../../components/notify.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { RequirePermission } from '../../components/RequirePermission.tsx';
import { TableSkeleton } from '../../components/TableSkeleton.tsx';
import { TimeAgo } from '../../components/TimeAgo.tsx';
import { useIsMobile } from '../../components/useIsMobile.ts';
import { ApiError, errorMessage } from '../../lib/api.ts';
import { COMMON_CURRENCIES, currencyName, timeZones } from '../../lib/geo.ts';
import { formatMoney } from '../../lib/money.ts';
import { useCan } from '../../modules/session/context.tsx';
import { useAttributes, useCreateAttribute, useDeleteAttribute, useStoreSettings, useUpdateStoreSettings } from '../../modules/store/api.ts';
import type { AttributeDefinition, AttributeType, StoreSettings } from '../../modules/store/api.ts';

export function StoreSettingsPage(): ReactNode {
  return (
    <RequirePermission permission="settings:read">
      <PageHeader title="Store" description="Your store’s name, the currency its figures are shown in, its time zone, and the extra fields kept on customer profiles." />
      <Stack gap="xl">
        <StoreForm />
        <Attributes />
      </Stack>
    </RequirePermission>
  );
}

function StoreForm() {
  const can = useCan();
  const writable = can('settings:write');
  const store = useStoreSettings();
  const update = useUpdateStoreSettings();
  const [form, setForm] = useState<Pick<StoreSettings, 'name' | 'currency' | 'timeZone'>>({ name: '', currency: '', timeZone: '' });
  const [errors, setErrors] = useState<Record<string, string>>({});

  useEffect(() => {
    if (store.data) setForm({ name: store.data.name, currency: store.data.currency, timeZone: store.data.timeZone });
  }, [store.data]);

  if (store.isPending) {
    return (
      <Paper withBorder radius="md">
        <TableSkeleton rows={3} />
      </Paper>
    );
  }
  if (store.isError) return <ErrorState error={store.error} onRetry={() => void store.refetch()} />;

  const changed = form.name !== store.data.name || form.currency !== store.data.currency || form.timeZone !== store.data.timeZone;
  const set = <K extends keyof typeof form>(k: K, v: (typeof form)[K]) => {
    setForm((f) => ({ ...f, [k]: v }));
    if (errors[k]) setErrors((e) => ({ ...e, [k]: '' }));
  };

  const save = () => {
    const body: Partial<StoreSettings> = {};
    const errs: Record<string, string> = {};
    if (!form.name.trim()) errs.name = 'Give your store a name';
    if (!/^[A-Za-z]{3}$/.test(form.currency.trim())) errs.currency = 'A three-letter ISO 4217 code, such as EUR';
    if (Object.keys(errs).length) {
      setErrors(errs);
      return;
    }
    if (form.name.trim() !== store.data.name) body.name = form.name.trim();
    if (form.currency.trim().toUpperCase() !== store.data.currency) body.currency = form.currency.trim().toUpperCase();
    if (form.timeZone !== store.data.timeZone) body.timeZone = form.timeZone;
    update.mutate(body, {
      onSuccess: () => notifySuccess('Store settings saved.'),
      onError: (err) => {
        if (err instanceof ApiError && Object.keys(err.fields).length) setErrors(err.fields);
        else notifyError(err, 'Could not save the store settings');
      },
    });
  };

  const zones = timeZones();
  const currencyChanged = form.currency.trim().toUpperCase() !== store.data.currency && /^[A-Za-z]{3}$/.test(form.currency.trim());

  return (
    <Paper withBorder radius="md" p="lg">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save();
        }}
      >
        <Stack gap="md">
          <Title order={2} fz="lg" fw={600}>
            General
          </Title>
          <Grid gap="md">
            <Grid.Col span={{ base: 12, md: 4 }}>
              <TextInput label="Store name" description="Shown to your team in Patron" inputWrapperOrder={['label', 'input', 'description', 'error']} value={form.name} onChange={(e) => set('name', e.currentTarget.value)} error={errors.name} readOnly={!writable} maxLength={200} />
            </Grid.Col>
            <Grid.Col span={{ base: 12, sm: 6, md: 4 }}>
              <Autocomplete
                label="Currency"
                inputWrapperOrder={['label', 'input', 'description', 'error']}
                description={`Customers’ totals are shown in it, e.g. ${formatMoney(123456, /^[A-Z]{3}$/.test(form.currency.toUpperCase()) ? form.currency.toUpperCase() : store.data.currency)}`}
                data={COMMON_CURRENCIES}
                value={form.currency}
                onChange={(v) => set('currency', v.toUpperCase().slice(0, 3))}
                renderOption={({ option }) => (
                  <Group gap="xs" wrap="nowrap">
                    <Text fz="sm" ff="monospace" fw={600}>
                      {option.value}
                    </Text>
                    <Text fz="sm" c="dimmed" truncate>
                      {currencyName(option.value)}
                    </Text>
                  </Group>
                )}
                error={errors.currency}
                readOnly={!writable}
                limit={60}
                comboboxProps={{ withinPortal: true }}
              />
            </Grid.Col>
            <Grid.Col span={{ base: 12, sm: 6, md: 4 }}>
              <Select
                label="Time zone"
                inputWrapperOrder={['label', 'input', 'description', 'error']}
                description="Days and months in reports start at midnight here"
                data={zones.includes(form.timeZone) || !form.timeZone ? zones : [form.timeZone, ...zones]}
                value={form.timeZone || null}
                onChange={(v) => v && set('timeZone', v)}
                error={errors.timeZone}
                searchable
                allowDeselect={false}
                readOnly={!writable}
                limit={80}
                nothingFoundMessage="No such time zone"
                comboboxProps={{ withinPortal: true }}
              />
            </Grid.Col>
          </Grid>
          {currencyChanged && (
            <Alert color="yellow" icon={<IconAlertCircle size={18} />}>
              Amounts are stored in the currency they were sent in and are never converted. Customers’ totals count only orders in the store currency, so
              change it only if it was set wrongly.
            </Alert>
          )}
          {writable ? (
            <Group justify="flex-end">
              <Button
                variant="default"
                disabled={!changed}
                onClick={() => {
                  setForm({ name: store.data.name, currency: store.data.currency, timeZone: store.data.timeZone });
                  setErrors({});
                }}
              >
                Reset
              </Button>
              <Button type="submit" disabled={!changed} loading={update.isPending} leftSection={<IconDeviceFloppy size={16} />}>
                Save changes
              </Button>
            </Group>
          ) : (
            <Text fz="sm" c="dimmed">
              Only people with the settings:write permission can change these.
            </Text>
          )}
        </Stack>
      </form>
    </Paper>
  );
}

const TYPES: { value: AttributeType; label: string }[] = [
  { value: 'text', label: 'Text' },
  { value: 'number', label: 'Number' },
  { value: 'boolean', label: 'Yes / no' },
  { value: 'date', label: 'Date' },
  { value: 'list', label: 'List of options' },
];
const typeLabel = (t: string) => TYPES.find((x) => x.value === t)?.label ?? t;

function Attributes() {
  const can = useCan();
  const writable = can('settings:write');
  const attrs = useAttributes();
  const remove = useDeleteAttribute();
  const [adding, setAdding] = useState(false);
  const [deleting, setDeleting] = useState<AttributeDefinition | null>(null);
  const mobile = useIsMobile();

  return (
    <Stack gap="sm">
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <Stack gap={2}>
          <Title order={2} fz="lg" fw={600}>
            Custom attributes
          </Title>
          <Text fz="sm" c="dimmed" maw={640}>
            Extra fields on every customer profile, such as a loyalty tier or a wholesale account number. They can be edited on the profile, sent
            with the API and used in filters.
          </Text>
        </Stack>
        {writable && (
          <Button leftSection={<IconPlus size={16} />} onClick={() => setAdding(true)}>
            Add attribute
          </Button>
        )}
      </Group>

      <QueryStates
        query={attrs}
        rows={3}
        empty={
          <Empty
            icon={<IconListDetails size={24} />}
            title="No custom attributes"
            description="Profiles have name, contact details, birthday, language, time zone and country. Add an attribute for anything else your team tracks."
          />
        }
      >
        {(data) => (
          <TableCard minWidth={{ base: 0, sm: 640 }}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Label</Table.Th>
                {!mobile && <Table.Th>Key</Table.Th>}
                <Table.Th>Type</Table.Th>
                {!mobile && <Table.Th>Options</Table.Th>}
                {!mobile && <Table.Th>Added</Table.Th>}
                {writable && <Table.Th w={52} aria-label="Actions" />}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.map((a) => (
                <Table.Tr key={a.key}>
                  <Table.Td>
                    <Text fz="sm" fw={500}>
                      {a.label}
                    </Text>
                    {mobile && (
                      <Text fz="xs" ff="monospace" c="dimmed">
                        {a.key}
                      </Text>
                    )}
                  </Table.Td>
                  {!mobile && (
                    <Table.Td>
                      <Text fz="xs" ff="monospace">
                        {a.key}
                      </Text>
                    </Table.Td>
                  )}
                  <Table.Td>
                    <Badge variant="light" color="gray" size="sm">
                      {typeLabel(a.type)}
                    </Badge>
                  </Table.Td>
                  {!mobile && (
                    <Table.Td maw={280}>
                      <Text fz="sm" c={a.options.length ? undefined : 'dimmed'} lineClamp={2}>
                        {a.options.length ? a.options.join(', ') : '—'}
                      </Text>
                    </Table.Td>
                  )}
                  {!mobile && (
                    <Table.Td>
                      <TimeAgo date={a.createdAt} />
                    </Table.Td>
                  )}
                  {writable && (
                    <Table.Td>
                      <Tooltip label="Delete attribute" withArrow>
                        <ActionIcon variant="subtle" color="gray" onClick={() => setDeleting(a)} aria-label={`Delete attribute ${a.label}`}>
                          <IconTrash size={16} />
                        </ActionIcon>
                      </Tooltip>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </TableCard>
        )}
      </QueryStates>

      <AddAttributeModal opened={adding} onClose={() => setAdding(false)} />

      <ConfirmModal
        opened={deleting !== null}
        onClose={() => setDeleting(null)}
        title={`Delete “${deleting?.label ?? ''}”?`}
        confirmLabel="Delete attribute"
        loading={remove.isPending}
        onConfirm={() =>
          deleting &&
          remove.mutate(deleting.key, {
            onSuccess: () => {
              notifySuccess(`“${deleting.label}” is no longer offered on profiles.`, 'Attribute deleted');
              setDeleting(null);
            },
            onError: (err) => {
              setDeleting(null);
              notifyError(err, 'Could not delete the attribute');
            },
          })
        }
      >
        The field disappears from the profile form. Values already stored on customers are kept (they show as plain data under “{deleting?.key}”), and
        defining the attribute again brings them back.
      </ConfirmModal>
    </Stack>
  );
}

/** "Loyalty tier" → "loyalty_tier". */
function keyFrom(label: string): string {
  const k = label
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .replace(/^[^a-z]+/, '')
    .slice(0, 63);
  return k;
}

function AddAttributeModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const create = useCreateAttribute();
  const [label, setLabel] = useState('');
  const [key, setKey] = useState('');
  const [keyTouched, setKeyTouched] = useState(false);
  const [type, setType] = useState<AttributeType>('text');
  const [options, setOptions] = useState<string[]>([]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    if (!opened) return;
    setLabel('');
    setKey('');
    setKeyTouched(false);
    setType('text');
    setOptions([]);
    setErrors({});
    setProblem(null);
  }, [opened]);

  const submit = () => {
    const errs: Record<string, string> = {};
    if (!label.trim()) errs.label = 'Give the attribute a label';
    if (!/^[a-z][a-z0-9_]{0,62}$/.test(key)) errs.key = 'Lowercase letters, digits and _, starting with a letter';
    if (type === 'list' && options.length === 0) errs.options = 'Add at least one option';
    if (Object.keys(errs).length) {
      setErrors(errs);
      return;
    }
    setProblem(null);
    create.mutate(
      { key, label: label.trim(), type, options: type === 'list' ? options : [] },
      {
        onSuccess: (a) => {
          notifySuccess(`Profiles now have “${a.label}”.`, 'Attribute added');
          onClose();
        },
        onError: (err) => {
          if (err instanceof ApiError && err.status === 409) setErrors({ key: 'An attribute with this key exists already' });
          else if (err instanceof ApiError && Object.keys(err.fields).length) setErrors(err.fields);
          else setProblem(errorMessage(err));
        },
      },
    );
  };

  return (
    <FormModal opened={opened} onClose={onClose} title="Add custom attribute" onSubmit={submit} problem={problem}>
      <TextInput
        label="Label"
        placeholder="e.g. Loyalty tier"
        value={label}
        onChange={(e) => {
          const v = e.currentTarget.value;
          setLabel(v);
          if (!keyTouched) setKey(keyFrom(v));
          setErrors((x) => ({ ...x, label: '', ...(keyTouched ? {} : { key: '' }) }));
        }}
        error={errors.label}
        maxLength={200}
        data-autofocus
      />
      <TextInput
        label="Key"
        description="How the API and imports name it. It cannot be changed later."
        value={key}
        onChange={(e) => {
          setKey(e.currentTarget.value);
          setKeyTouched(true);
          setErrors((x) => ({ ...x, key: '' }));
        }}
        error={errors.key}
        styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
        maxLength={63}
      />
      <Select
        label="Type"
        data={TYPES}
        value={type}
        onChange={(v) => v && setType(v as AttributeType)}
        allowDeselect={false}
        error={errors.type}
        comboboxProps={{ withinPortal: true }}
      />
      {type === 'list' && (
        <TagsInput
          label="Options"
          description="Press Enter after each option. A profile can hold one or several of them."
          placeholder="Bronze, Silver, Gold"
          value={options}
          onChange={(v) => {
            setOptions(v);
            setErrors((x) => ({ ...x, options: '' }));
          }}
          error={errors.options}
          acceptValueOnBlur
          clearable
        />
      )}
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>
          Cancel
        </Button>
        <Button type="submit" loading={create.isPending}>
          Add attribute
        </Button>
      </Group>
    </FormModal>
  );
}
