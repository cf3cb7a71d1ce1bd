import { Alert, Button, Group, Paper, PasswordInput, SimpleGrid, Skeleton, Stack, Tabs, Text, Textarea, Title } from '@mantine/core';
import { IconAlertCircle, IconDeviceFloppy } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import type { ReactNode } from 'react';
import { CopyField } from '../../../components/CopyField.tsx';
import { notifySuccess } from '../../../components/notify.tsx';
import { errorMessage } from '../../../lib/api.ts';
import { useEngagementSettings, useInboundInfo, useSaveEngagementSettings } from './api.ts';

/**
 * Where bounce reports and provider webhooks go, and the keys that verify provider signatures.
 * Shown to people who may change messaging settings (the addresses carry the inbound token).
 */
export function BounceSourcesCard(): ReactNode {
  const info = useInboundInfo(true);
  const settings = useEngagementSettings();
  const save = useSaveEngagementSettings();
  const [mailgun, setMailgun] = useState('');
  const [sendgrid, setSendgrid] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => setSendgrid(settings.data?.sendgridPublicKey ?? ''), [settings.data?.sendgridPublicKey]);

  const onSave = () => {
    setProblem(null);
    const patch: { mailgunSigningSecret?: string | null; sendgridPublicKey: string | null } = { sendgridPublicKey: sendgrid.trim() || null };
    if (mailgun.trim()) patch.mailgunSigningSecret = mailgun.trim();
    save.mutate(patch, {
      onSuccess: () => {
        setMailgun('');
        notifySuccess('Webhooks from your provider are checked against them from now on.', 'Keys saved');
      },
      onError: (err) => setProblem(errorMessage(err)),
    });
  };

  const url = (p: string) => info.data?.webhookUrls[p] ?? '';
  return (
    <Paper withBorder radius="md" p="lg" mt="xl" component="section" aria-labelledby="bounce-sources">
      <Stack gap="md">
        <Stack gap={4}>
          <Title order={2} fz="lg" fw={600} id="bounce-sources">Receiving bounces and complaints</Title>
          <Text fz="sm" c="dimmed" maw={760}>
            Tell Patron when mail bounces or is marked as spam, so it stops sending to those addresses. A hard bounce suppresses an address at once; three soft bounces in a row do too;
            a complaint also unsubscribes the customer. Keep these addresses private: they carry this installation’s token.
          </Text>
        </Stack>
        {info.isPending ? (
          <Skeleton h={120} />
        ) : info.isError ? (
          <Alert color="red" icon={<IconAlertCircle size={18} />}>{errorMessage(info.error)}</Alert>
        ) : (
          <Tabs defaultValue="dsn" keepMounted={false}>
            <Tabs.List>
              <Tabs.Tab value="dsn">Bounce emails</Tabs.Tab>
              <Tabs.Tab value="sendgrid">SendGrid</Tabs.Tab>
              <Tabs.Tab value="mailgun">Mailgun</Tabs.Tab>
              <Tabs.Tab value="postmark">Postmark</Tabs.Tab>
              <Tabs.Tab value="generic">Other</Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="dsn" pt="md">
              <Stack gap="xs">
                <Text fz="sm">Have your mail server pass each bounce email (the whole message) to this address as an HTTP POST with <code>Content-Type: message/rfc822</code>, e.g. from the bounce mailbox with a pipe to <code>curl --data-binary @-</code>.</Text>
                <CopyField label="Bounce report address" value={info.data.dsnUrl} />
              </Stack>
            </Tabs.Panel>
            <Tabs.Panel value="sendgrid" pt="md">
              <Stack gap="xs">
                <Text fz="sm">In SendGrid, Settings → Mail Settings → Event Webhook: post delivered, bounce, dropped and spam report events here. With Signed Event Webhook on, paste its verification key below and every event is checked.</Text>
                <CopyField label="Event webhook URL" value={url('sendgrid')} />
              </Stack>
            </Tabs.Panel>
            <Tabs.Panel value="mailgun" pt="md">
              <Stack gap="xs">
                <Text fz="sm">In Mailgun, Sending → Webhooks: add this URL for Delivered, Permanent failure, Temporary failure, Spam complaint and Unsubscribe. Paste the HTTP webhook signing key below so signatures are checked.</Text>
                <CopyField label="Webhook URL" value={url('mailgun')} />
              </Stack>
            </Tabs.Panel>
            <Tabs.Panel value="postmark" pt="md">
              <Stack gap="xs">
                <Text fz="sm">In Postmark, your server’s Webhooks: add this URL for Delivery, Bounce and Spam complaint.</Text>
                <CopyField label="Webhook URL" value={url('postmark')} />
              </Stack>
            </Tabs.Panel>
            <Tabs.Panel value="generic" pt="md">
              <Stack gap="xs">
                <Text fz="sm">
                  Any provider or relay: post <code>{'{"events":[{"id","type","messageId" or "email",…}]}'}</code> with type delivered, bounced, complained or unsubscribed. The API reference has the details.
                </Text>
                <CopyField label="Webhook URL" value={url('generic')} />
              </Stack>
            </Tabs.Panel>
          </Tabs>
        )}
        <form
          onSubmit={(e) => {
            e.preventDefault();
            onSave();
          }}
        >
          <Stack gap="sm">
            {problem && <Alert color="red" icon={<IconAlertCircle size={18} />}>{problem}</Alert>}
            <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
              <PasswordInput
                label="Mailgun webhook signing key"
                description={settings.data?.mailgunSigningSecretSet ? 'A key is saved. Enter a new one to replace it.' : 'Optional: without it, the token in the URL authenticates Mailgun.'}
                placeholder={settings.data?.mailgunSigningSecretSet ? '••••••••••••' : 'key-…'}
                value={mailgun}
                onChange={(e) => setMailgun(e.currentTarget.value)}
                autoComplete="off"
              />
              <Textarea
                label="SendGrid verification key"
                description="Optional: the public key SendGrid shows for the Signed Event Webhook."
                placeholder="MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE…"
                value={sendgrid}
                onChange={(e) => setSendgrid(e.currentTarget.value)}
                autosize
                minRows={1}
                maxRows={4}
                styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 'var(--mantine-font-size-xs)' } }}
              />
            </SimpleGrid>
            <Group justify="flex-end">
              <Button type="submit" leftSection={<IconDeviceFloppy size={16} />} loading={save.isPending} disabled={!mailgun.trim() && sendgrid.trim() === (settings.data?.sendgridPublicKey ?? '')}>
                Save keys
              </Button>
            </Group>
          </Stack>
        </form>
      </Stack>
    </Paper>
  );
}
