import { Alert, Button, Checkbox, Code, Group, Input, Modal, Radio, ScrollArea, SimpleGrid, Stack, Table, Text, TextInput } from '@mantine/core';
import { IconAlertTriangle, IconInfoCircle } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import type { FormEvent } from 'react';
import { CopyField } from '../../components/CopyField.tsx';
import { notifyError } from '../../components/notify.tsx';
import { ApiError } from '../../lib/api.ts';
import { useCreateApiKey } from './api.ts';

type Kind = 'secret' | 'public';

/** Group "customers:read", "customers:write", … by area, keeping the server's order. */
function byArea(scopes: string[]): { area: string; read?: string; write?: string }[] {
  const out = new Map<string, { area: string; read?: string; write?: string }>();
  for (const s of scopes) {
    const [area = s, level] = s.split(':');
    const row = out.get(area) ?? { area };
    if (level === 'read') row.read = s;
    else if (level === 'write') row.write = s;
    out.set(area, row);
  }
  return [...out.values()];
}

const areaLabel = (a: string) => a.charAt(0).toUpperCase() + a.slice(1);

export function CreateApiKeyModal({ opened, onClose, scopes }: { opened: boolean; onClose: () => void; scopes: string[] }) {
  const create = useCreateApiKey();
  const [name, setName] = useState('');
  const [kind, setKind] = useState<Kind>('secret');
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [createdKey, setCreatedKey] = useState<{ key: string; name: string; kind: Kind } | null>(null);
  const areas = useMemo(() => byArea(scopes), [scopes]);

  const close = () => {
    setName('');
    setKind('secret');
    setChosen(new Set());
    setErrors({});
    setCreatedKey(null);
    create.reset();
    onClose();
  };

  // Write implies read on the server, so the grid shows it that way too.
  const toggle = (row: { read?: string; write?: string }, level: 'read' | 'write', on: boolean) => {
    const next = new Set(chosen);
    if (level === 'write' && row.write) {
      if (on) {
        next.add(row.write);
        if (row.read) next.add(row.read);
      } else next.delete(row.write);
    } else if (row.read) {
      if (on) next.add(row.read);
      else {
        next.delete(row.read);
        if (row.write) next.delete(row.write);
      }
    }
    setChosen(next);
  };
  const setAll = (level: 'read' | 'all' | 'none') =>
    setChosen(new Set(level === 'none' ? [] : scopes.filter((s) => level === 'all' || s.endsWith(':read'))));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (!name.trim()) errs.name = 'Give the key a name';
    if (kind === 'secret' && chosen.size === 0) errs.scopes = 'Choose at least one scope';
    setErrors(errs);
    if (Object.keys(errs).length) return;
    create.mutate(
      { name: name.trim(), kind, scopes: kind === 'secret' ? scopes.filter((s) => chosen.has(s)) : [] },
      {
        onSuccess: (out) => setCreatedKey({ key: out.key, name: out.apiKey.name, kind: out.apiKey.kind }),
        onError: (err) => {
          if (err instanceof ApiError && Object.keys(err.fields).length) setErrors(err.fields);
          else notifyError(err, 'Could not create the key');
        },
      },
    );
  };

  if (createdKey) {
    return (
      <Modal opened={opened} onClose={close} title={<Text fw={600}>Copy your new key</Text>} centered size="lg" closeOnClickOutside={false}>
        <Stack gap="md">
          <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} />} title="This is the only time you will see this key">
            Patron keeps only a fingerprint of it. Copy it now and store it somewhere safe, such as your store’s secret settings or a password manager. If
            you lose it, revoke it and create a new one.
          </Alert>
          <CopyField label={`API key “${createdKey.name}”`} value={createdKey.key} />
          <Text fz="sm" c="dimmed">
            {createdKey.kind === 'secret' ? (
              <>
                Send it with every request as <Code>Authorization: Bearer {createdKey.key.slice(0, 12)}…</Code>. Keep it on servers only, never in a browser.
              </>
            ) : (
              <>Use it in the tracking snippet on your storefront. It can only send events, so it is safe to publish.</>
            )}
          </Text>
          <Group justify="flex-end">
            <Button onClick={close}>I’ve copied it</Button>
          </Group>
        </Stack>
      </Modal>
    );
  }

  return (
    <Modal opened={opened} onClose={close} title={<Text fw={600}>Create API key</Text>} centered size="lg">
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <TextInput
            label="Name"
            description="Where it is used, so you recognise it later, e.g. “Shopify sync” or “Storefront tracking”."
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={errors.name}
            required
            data-autofocus
          />
          <Radio.Group label="Kind" value={kind} onChange={(v) => setKind(v === 'public' ? 'public' : 'secret')}>
            <SimpleGrid cols={{ base: 1, xs: 2 }} mt={6} spacing="sm">
              <Radio value="secret" label="Secret key" description="For servers: the REST API with chosen scopes." />
              <Radio value="public" label="Public key" description="For storefronts: tracking events only." />
            </SimpleGrid>
          </Radio.Group>

          {kind === 'public' ? (
            <Alert variant="light" color="blue" icon={<IconInfoCircle size={18} />}>
              A public key can only send tracking events (page views, add to cart, …) and read nothing, so it is safe to put in your storefront’s HTML. It
              needs no scopes.
            </Alert>
          ) : (
            <Input.Wrapper
              label="Scopes"
              description="What the key may do. Write includes read."
              error={errors.scopes}
              required
            >
              <Group gap="xs" mt={6} mb={6}>
                <Button size="compact-xs" variant="default" onClick={() => setAll('read')}>
                  All read
                </Button>
                <Button size="compact-xs" variant="default" onClick={() => setAll('all')}>
                  All read & write
                </Button>
                <Button size="compact-xs" variant="subtle" color="gray" onClick={() => setAll('none')}>
                  Clear
                </Button>
                <Text fz="xs" c="dimmed" ml="auto">
                  {chosen.size} selected
                </Text>
              </Group>
              <ScrollArea.Autosize mah={260} type="auto" style={{ border: '1px solid var(--mantine-color-default-border)', borderRadius: 'var(--mantine-radius-md)' }}>
                <Table verticalSpacing={6} horizontalSpacing="md" stickyHeader>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Area</Table.Th>
                      <Table.Th w={80} ta="center">
                        Read
                      </Table.Th>
                      <Table.Th w={80} ta="center">
                        Write
                      </Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {areas.map((row) => (
                      <Table.Tr key={row.area}>
                        <Table.Td>
                          <Text fz="sm">{areaLabel(row.area)}</Text>
                        </Table.Td>
                        <Table.Td>
                          {row.read && (
                            <Checkbox
                              aria-label={`${areaLabel(row.area)}: read`}
                              checked={chosen.has(row.read)}
                              onChange={(e) => toggle(row, 'read', e.currentTarget.checked)}
                              styles={{ body: { justifyContent: 'center' } }}
                            />
                          )}
                        </Table.Td>
                        <Table.Td>
                          {row.write && (
                            <Checkbox
                              aria-label={`${areaLabel(row.area)}: write`}
                              checked={chosen.has(row.write)}
                              onChange={(e) => toggle(row, 'write', e.currentTarget.checked)}
                              styles={{ body: { justifyContent: 'center' } }}
                            />
                          )}
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </ScrollArea.Autosize>
            </Input.Wrapper>
          )}

          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Create key
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
