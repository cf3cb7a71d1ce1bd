import { Alert, Button, Divider, Grid, Group, Modal, MultiSelect, NumberInput, Select, Stack, Text, TextInput } from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { notifySuccess } from '../../components/notify.tsx';
import { ApiError, errorMessage } from '../../lib/api.ts';
import { COMMON_LOCALES, countryOptions, timeZones } from '../../lib/geo.ts';
import { useAttributes } from '../store/api.ts';
import type { AttributeDefinition } from '../store/api.ts';
import { useUpdateCustomer } from './api.ts';
import type { CustomerDetail, CustomerPatch } from './api.ts';

const FIELDS = ['firstName', 'lastName', 'email', 'phone', 'birthday', 'locale', 'timeZone', 'country'] as const;
type Field = (typeof FIELDS)[number];
type AttrValue = string | number | boolean | string[] | null;

function initialFields(c: CustomerDetail): Record<Field, string> {
  return {
    firstName: c.firstName ?? '', lastName: c.lastName ?? '', email: c.email ?? '', phone: c.phone ?? '', birthday: c.birthday ?? '',
    locale: c.locale ?? '', timeZone: c.timeZone ?? '', country: c.country ?? '',
  };
}

/** A stored attribute value in the shape its input edits. */
function initialAttr(def: AttributeDefinition, v: unknown): AttrValue {
  if (v === undefined || v === null) return null;
  if (def.type === 'list') return Array.isArray(v) ? v.map(String) : [String(v)];
  if (def.type === 'number') return typeof v === 'number' ? v : Number.isFinite(Number(v)) ? Number(v) : null;
  if (def.type === 'boolean') return typeof v === 'boolean' ? v : v === 'true' ? true : v === 'false' ? false : null;
  return String(v);
}

const empty = (v: AttrValue) => v === null || v === '' || (Array.isArray(v) && v.length === 0);

/** Edits a customer's contact details, profile and custom attributes; only changed fields are sent. */
export function EditCustomerModal({ customer, opened, onClose }: { customer: CustomerDetail; opened: boolean; onClose: () => void }) {
  const update = useUpdateCustomer(customer.id);
  const defs = useAttributes(opened);
  const [fields, setFields] = useState(() => initialFields(customer));
  const [attrs, setAttrs] = useState<Record<string, AttrValue>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    if (!opened) return;
    setFields(initialFields(customer));
    setErrors({});
    setProblem(null);
  }, [opened, customer]);

  useEffect(() => {
    if (!opened || !defs.data) return;
    setAttrs(Object.fromEntries(defs.data.map((d) => [d.key, initialAttr(d, customer.attributes[d.key])])));
  }, [opened, defs.data, customer]);

  const set = (f: Field, v: string) => {
    setFields((s) => ({ ...s, [f]: v }));
    if (errors[f]) setErrors((e) => ({ ...e, [f]: '' }));
  };
  const setAttr = (key: string, v: AttrValue) => {
    setAttrs((s) => ({ ...s, [key]: v }));
    const k = `attributes/${key}`;
    if (errors[k]) setErrors((e) => ({ ...e, [k]: '' }));
  };

  const submit = () => {
    const before = initialFields(customer);
    const patch: CustomerPatch = {};
    for (const f of FIELDS) {
      const v = fields[f].trim();
      if (v !== before[f]) patch[f] = v === '' ? null : v;
    }
    const attrPatch: Record<string, AttrValue> = {};
    for (const d of defs.data ?? []) {
      const was = initialAttr(d, customer.attributes[d.key]);
      const now = attrs[d.key] ?? null;
      if (JSON.stringify(was) !== JSON.stringify(now)) attrPatch[d.key] = empty(now) ? null : typeof now === 'string' ? now.trim() : now;
    }
    if (Object.keys(attrPatch).length) patch.attributes = attrPatch;
    if (Object.keys(patch).length === 0) {
      onClose();
      return;
    }
    setProblem(null);
    update.mutate(patch, {
      onSuccess: (c) => {
        notifySuccess(`${c.name}’s profile is up to date.`, 'Profile saved');
        onClose();
      },
      onError: (err) => {
        const byField = err instanceof ApiError ? err.pointers : {};
        setErrors(byField);
        // Errors that no input shows (a conflict, a merged profile) go above the form.
        const shown = Object.keys(byField).some((k) => (FIELDS as readonly string[]).includes(k) || k.startsWith('attributes/'));
        if (!shown) setProblem(errorMessage(err));
      },
    });
  };

  const tz = timeZones();
  const tzData = fields.timeZone && !tz.includes(fields.timeZone) ? [fields.timeZone, ...tz] : tz;
  const localeData = fields.locale && !COMMON_LOCALES.includes(fields.locale) ? [fields.locale, ...COMMON_LOCALES] : COMMON_LOCALES;

  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={600}>Edit profile</Text>} size="lg" centered>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
        noValidate
      >
        <Stack gap="md">
          {problem && (
            <Alert color="red" icon={<IconAlertCircle size={18} />} title="Not saved">
              {problem}
            </Alert>
          )}
          <Grid gap="sm">
            <Grid.Col span={{ base: 12, sm: 6 }}>
              <TextInput label="First name" value={fields.firstName} onChange={(e) => set('firstName', e.currentTarget.value)} error={errors.firstName} maxLength={200} data-autofocus />
            </Grid.Col>
            <Grid.Col span={{ base: 12, sm: 6 }}>
              <TextInput label="Last name" value={fields.lastName} onChange={(e) => set('lastName', e.currentTarget.value)} error={errors.lastName} maxLength={200} />
            </Grid.Col>
            <Grid.Col span={{ base: 12, sm: 6 }}>
              <TextInput label="Email" type="email" value={fields.email} onChange={(e) => set('email', e.currentTarget.value)} error={errors.email} maxLength={320} />
            </Grid.Col>
            <Grid.Col span={{ base: 12, sm: 6 }}>
              <TextInput label="Phone" type="tel" value={fields.phone} onChange={(e) => set('phone', e.currentTarget.value)} error={errors.phone} placeholder="+44 20 7946 0000" maxLength={50} />
            </Grid.Col>
            <Grid.Col span={{ base: 12, sm: 6 }}>
              <TextInput label="Birthday" type="date" value={fields.birthday} onChange={(e) => set('birthday', e.currentTarget.value)} error={errors.birthday} />
            </Grid.Col>
            <Grid.Col span={{ base: 12, sm: 6 }}>
              <Select
                label="Country"
                data={countryOptions()}
                value={fields.country || null}
                onChange={(v) => set('country', v ?? '')}
                error={errors.country}
                searchable
                clearable
                nothingFoundMessage="No such country"
                comboboxProps={{ withinPortal: true }}
              />
            </Grid.Col>
            <Grid.Col span={{ base: 12, sm: 6 }}>
              <Select
                label="Language"
                description="A BCP 47 tag such as en-GB"
                data={localeData}
                value={fields.locale || null}
                onChange={(v) => set('locale', v ?? '')}
                error={errors.locale}
                searchable
                clearable
                comboboxProps={{ withinPortal: true }}
              />
            </Grid.Col>
            <Grid.Col span={{ base: 12, sm: 6 }}>
              <Select
                label="Time zone"
                description="Used to send messages at a good hour"
                data={tzData}
                value={fields.timeZone || null}
                onChange={(v) => set('timeZone', v ?? '')}
                error={errors.timeZone}
                searchable
                clearable
                limit={50}
                nothingFoundMessage="No such time zone"
                comboboxProps={{ withinPortal: true }}
              />
            </Grid.Col>
          </Grid>

          {(defs.data?.length ?? 0) > 0 && (
            <>
              <Divider label="Custom attributes" labelPosition="left" />
              <Grid gap="sm">
                {defs.data?.map((d) => (
                  <Grid.Col key={d.key} span={{ base: 12, sm: 6 }}>
                    <AttributeInput def={d} value={attrs[d.key] ?? null} onChange={(v) => setAttr(d.key, v)} error={errors[`attributes/${d.key}`]} />
                  </Grid.Col>
                ))}
              </Grid>
            </>
          )}

          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={update.isPending}>
              Save profile
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** The input a custom attribute's type calls for. */
export function AttributeInput({ def, value, onChange, error }: { def: AttributeDefinition; value: AttrValue; onChange: (v: AttrValue) => void; error?: string }) {
  const description = <Text span fz="xs" ff="monospace">{def.key}</Text>;
  switch (def.type) {
    case 'number':
      return (
        <NumberInput
          label={def.label}
          description={description}
          value={typeof value === 'number' ? value : ''}
          onChange={(v) => onChange(v === '' ? null : typeof v === 'number' ? v : Number.isFinite(Number(v)) ? Number(v) : null)}
          error={error}
        />
      );
    case 'boolean':
      return (
        <Select
          label={def.label}
          description={description}
          data={[
            { value: 'true', label: 'Yes' },
            { value: 'false', label: 'No' },
          ]}
          placeholder="Not set"
          value={value === true ? 'true' : value === false ? 'false' : null}
          onChange={(v) => onChange(v === 'true' ? true : v === 'false' ? false : null)}
          clearable
          error={error}
          comboboxProps={{ withinPortal: true }}
        />
      );
    case 'date':
      return <TextInput label={def.label} description={description} type="date" value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.currentTarget.value || null)} error={error} />;
    case 'list':
      return (
        <MultiSelect
          label={def.label}
          description={description}
          data={[...new Set([...def.options, ...(Array.isArray(value) ? value : [])])]}
          value={Array.isArray(value) ? value : []}
          onChange={(v) => onChange(v.length ? v : null)}
          placeholder={Array.isArray(value) && value.length ? undefined : 'Not set'}
          clearable
          searchable
          error={error}
          comboboxProps={{ withinPortal: true }}
        />
      );
    default:
      return <TextInput label={def.label} description={description} value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.currentTarget.value)} error={error} maxLength={2000} />;
  }
}
