import { Alert, Button, ColorInput, Group, NumberInput, SimpleGrid, Skeleton, Stack, Switch, TextInput } from '@mantine/core';
import { IconAlertCircle, IconDeviceFloppy } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import type { ReactNode } from 'react';
import { notifySuccess } from '../../../components/notify.tsx';
import { errorMessage } from '../../../lib/api.ts';
import { useCan } from '../../session/context.tsx';
import { fieldErrors, num, ReadOnlyNote, Section } from '../settings/Section.tsx';
import { useEngagementSettings, useSaveEngagementSettings } from './api.ts';
import type { EngagementSettings } from './api.ts';

interface Form {
  doubleOptIn: boolean;
  storeUrl: string;
  costPerEmailMinor: number | string;
  costPerSmsMinor: number | string;
  physicalAddress: string;
  brandColor: string;
  logoUrl: string;
}
const fromSettings = (s: EngagementSettings): Form => ({
  doubleOptIn: s.doubleOptIn, storeUrl: s.storeUrl ?? '', costPerEmailMinor: s.costPerEmailMinor, costPerSmsMinor: s.costPerSmsMinor,
  physicalAddress: s.physicalAddress ?? '', brandColor: s.brandColor ?? '', logoUrl: s.logoUrl ?? '',
});

/** Double opt-in, the store's web address (UTM on its links) and what a message costs (ROI). For the Email & SMS settings page. */
export function EngagementCard(): ReactNode {
  const can = useCan();
  const writable = can('messaging:write');
  const settings = useEngagementSettings();
  const save = useSaveEngagementSettings();
  const [form, setForm] = useState<Form | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    if (settings.data) setForm(fromSettings(settings.data));
  }, [settings.data]);

  const body = (
    <>
      {settings.isError && <Alert color="red" icon={<IconAlertCircle size={18} />}>{errorMessage(settings.error)}</Alert>}
      {!form ? (
        !settings.isError && <Skeleton h={140} />
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            setProblem(null);
            save.mutate(
              {
                doubleOptIn: form.doubleOptIn, storeUrl: form.storeUrl.trim() || null, costPerEmailMinor: num(form.costPerEmailMinor) ?? 0, costPerSmsMinor: num(form.costPerSmsMinor) ?? 0,
                physicalAddress: form.physicalAddress.trim() || null, brandColor: form.brandColor.trim() || null, logoUrl: form.logoUrl.trim() || null,
              },
              {
                onSuccess: () => notifySuccess('Sign-ups, links and ROI use them from now on.', 'Settings saved'),
                onError: (err) => {
                  const fe = fieldErrors(err);
                  if (fe) setErrors(fe);
                  else setProblem(errorMessage(err));
                },
              },
            );
          }}
        >
          <Stack gap="md">
            {problem && <Alert color="red" icon={<IconAlertCircle size={18} />}>{problem}</Alert>}
            <Switch
              label="Double opt-in for new email sign-ups"
              description="Sign-ups from forms and the API get an email with a confirmation link and are subscribed only once they click it."
              checked={form.doubleOptIn}
              onChange={(e) => setForm({ ...form, doubleOptIn: e.currentTarget.checked })}
              disabled={!writable}
            />
            <TextInput
              label="Store website"
              description="Links to it (and to your product pages) get utm_source=patron, utm_medium=email and the campaign, so your web analytics credit email."
              placeholder="https://shop.example.com"
              value={form.storeUrl}
              onChange={(e) => {
                setForm({ ...form, storeUrl: e.currentTarget.value });
                setErrors({});
              }}
              error={errors.storeUrl}
              disabled={!writable}
              maw={520}
            />
            <TextInput
              label="Postal address"
              description="Shown in the footer of marketing email, as anti-spam laws (CAN-SPAM) require."
              placeholder="Demo Gift Shop Ltd, 1 High Street, London N1 1AA, UK"
              value={form.physicalAddress}
              onChange={(e) => {
                setForm({ ...form, physicalAddress: e.currentTarget.value });
                setErrors({});
              }}
              error={errors.physicalAddress}
              disabled={!writable}
              maw={520}
            />
            <SimpleGrid cols={{ base: 1, sm: 2 }} maw={520}>
              <ColorInput label="Brand colour" description="Buttons and headings in templates and the preference centre" placeholder="#1F2937" format="hex" value={form.brandColor} onChange={(v) => setForm({ ...form, brandColor: v })} error={errors.brandColor} disabled={!writable} />
              <TextInput label="Logo URL" description="An https image shown at the top of templates" placeholder="https://…/logo.png" value={form.logoUrl} onChange={(e) => setForm({ ...form, logoUrl: e.currentTarget.value })} error={errors.logoUrl} disabled={!writable} />
            </SimpleGrid>
            <SimpleGrid cols={{ base: 1, sm: 2 }} maw={520}>
              <NumberInput label="Cost per email" description="In minor units (cents), for ROI" min={0} max={1_000_000} allowDecimal={false} value={form.costPerEmailMinor} onChange={(v) => setForm({ ...form, costPerEmailMinor: v })} error={errors.costPerEmailMinor} disabled={!writable} />
              <NumberInput label="Cost per SMS" description="In minor units (cents), for ROI" min={0} max={1_000_000} allowDecimal={false} value={form.costPerSmsMinor} onChange={(v) => setForm({ ...form, costPerSmsMinor: v })} error={errors.costPerSmsMinor} disabled={!writable} />
            </SimpleGrid>
            {writable ? (
              <Group justify="flex-end">
                <Button type="submit" leftSection={<IconDeviceFloppy size={16} />} loading={save.isPending} disabled={!settings.data || JSON.stringify(form) === JSON.stringify(fromSettings(settings.data))}>
                  Save
                </Button>
              </Group>
            ) : (
              <ReadOnlyNote permission="messaging:write" />
            )}
          </Stack>
        </form>
      )}
    </>
  );
  return (
    <Section id="engagement" title="Sign-ups, branding and tracking" description="How new subscribers are confirmed, what your emails carry (address, colour, logo), which links are tagged for your web analytics, and what sending costs.">
      {body}
    </Section>
  );
}
