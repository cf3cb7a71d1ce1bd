import { Badge, Button, Card, Group, SimpleGrid, Skeleton, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconCode, IconFileText, IconMessage } from '@tabler/icons-react';
import { useNavigate } from '@tanstack/react-router';
import { useState, type ReactNode } from 'react';
import { BackLink } from '../../components/BackLink.tsx';
import { ErrorState } from '../../components/ErrorState.tsx';
import { FormModal } from '../../components/FormModal.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { RequirePermission } from '../../components/RequirePermission.tsx';
import { ApiError, errorMessage } from '../../lib/api.ts';
import { ChannelBadge, KindBadge } from '../../modules/messaging/templates/badges.tsx';
import { BLANK } from '../../modules/messaging/templates/blank.ts';
import { useCreateTemplate, useStarters, type Starter } from '../../modules/messaging/templates/api.ts';
import '../../modules/messaging/templates/templates.css';

type Choice = { kind: 'starter'; starter: Starter } | { kind: 'blank'; format: 'mjml' | 'html' | 'sms' };

export function NewTemplatePage(): ReactNode {
  return (
    <RequirePermission permission="messaging:write">
      <Gallery />
    </RequirePermission>
  );
}

function Gallery() {
  const starters = useStarters();
  const [choice, setChoice] = useState<Choice | null>(null);
  return (
    <>
      <BackLink to="/templates" label="Templates" />
      <PageHeader title="New template" description="Start from a design that already works on phones and in every major inbox, then make it yours. Previews use sample data made from your products." />
      {starters.isPending ? (
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3, xl: 4 }}>
          {Array.from({ length: 6 }, (_, i) => (
            <Skeleton key={i} h={380} radius="md" />
          ))}
        </SimpleGrid>
      ) : starters.isError ? (
        <ErrorState error={starters.error} onRetry={() => void starters.refetch()} />
      ) : (
        <Stack gap="xl">
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 3, xl: 4 }} spacing="lg">
            {starters.data.map((s) => (
              <Card key={s.key} withBorder radius="md" padding={0} className="patron-template-card" data-testid={`starter-${s.key}`}>
                <div className="patron-thumb">
                  {s.preview.html ? (
                    <iframe title={`${s.name} preview`} sandbox="" srcDoc={s.preview.html} tabIndex={-1} aria-hidden loading="lazy" />
                  ) : (
                    <Stack h="100%" justify="center" align="center" p="lg">
                      <div className="patron-sms-bubble" style={{ fontSize: 13 }}>
                        {s.preview.text}
                      </div>
                    </Stack>
                  )}
                </div>
                <Stack gap={6} p="md" style={{ flex: 1 }}>
                  <Group justify="space-between" wrap="nowrap" gap={6}>
                    <Title order={3} fz="md" fw={600}>
                      {s.name}
                    </Title>
                    <Group gap={4} wrap="nowrap">
                      <ChannelBadge channel={s.channel} />
                    </Group>
                  </Group>
                  <Text fz="sm" c="dimmed" style={{ flex: 1 }}>
                    {s.description}
                  </Text>
                  <Group justify="space-between" mt={4}>
                    <KindBadge kind={s.kind} />
                    <Button size="xs" onClick={() => setChoice({ kind: 'starter', starter: s })} aria-label={`Use ${s.name}`}>
                      Use this
                    </Button>
                  </Group>
                </Stack>
              </Card>
            ))}
          </SimpleGrid>
          <Stack gap="sm">
            <Title order={2} fz="lg" fw={600}>
              Or start from scratch
            </Title>
            <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="lg">
              <BlankCard icon={<IconCode size={20} />} title="Blank email (MJML)" text="Responsive layout components; compiled to email-safe HTML." onClick={() => setChoice({ kind: 'blank', format: 'mjml' })} />
              <BlankCard icon={<IconFileText size={20} />} title="Blank email (HTML)" text="Your own HTML, for designs made elsewhere." onClick={() => setChoice({ kind: 'blank', format: 'html' })} />
              <BlankCard icon={<IconMessage size={20} />} title="Blank SMS" text="Plain text, with the number of SMS parts as you type." onClick={() => setChoice({ kind: 'blank', format: 'sms' })} />
            </SimpleGrid>
          </Stack>
        </Stack>
      )}
      {choice && <NameModal choice={choice} onClose={() => setChoice(null)} />}
    </>
  );
}

function BlankCard({ icon, title, text, onClick }: { icon: ReactNode; title: string; text: string; onClick: () => void }) {
  return (
    <Card withBorder radius="md" padding="md" className="patron-template-card">
      <Group gap="sm" wrap="nowrap" align="flex-start">
        <Badge variant="light" size="xl" radius="md" p={6} h={36} w={36}>
          {icon}
        </Badge>
        <Stack gap={4} style={{ flex: 1 }}>
          <Text fw={600}>{title}</Text>
          <Text fz="sm" c="dimmed">
            {text}
          </Text>
          <Button size="xs" variant="default" onClick={onClick} mt={6} style={{ alignSelf: 'flex-start' }}>
            Start
          </Button>
        </Stack>
      </Group>
    </Card>
  );
}

function NameModal({ choice, onClose }: { choice: Choice; onClose: () => void }) {
  const suggested = choice.kind === 'starter' ? choice.starter.name : choice.format === 'sms' ? 'New SMS' : 'New email';
  const [name, setName] = useState(suggested);
  const create = useCreateTemplate();
  const navigate = useNavigate();
  const fields = create.error instanceof ApiError ? create.error.fields : {};
  const submit = () => {
    const body =
      choice.kind === 'starter'
        ? { starter: choice.starter.key, name: name.trim() }
        : choice.format === 'sms'
          ? { name: name.trim(), channel: 'sms' as const, format: 'text' as const, kind: 'marketing' as const, body: BLANK.sms.body }
          : { name: name.trim(), channel: 'email' as const, format: choice.format, kind: 'marketing' as const, subject: BLANK[choice.format].subject, body: BLANK[choice.format].body };
    create.mutate(body, { onSuccess: (t) => void navigate({ to: '/templates/$id', params: { id: t.id } }) });
  };
  return (
    <FormModal opened onClose={onClose} title="Name your template" onSubmit={submit} problem={create.error && !fields.name ? errorMessage(create.error) : undefined}>
      <TextInput label="Name" description="Only your team sees it" value={name} onChange={(e) => setName(e.currentTarget.value)} error={fields.name} data-autofocus required />
      <Group justify="flex-end" gap="sm">
        <Button variant="default" onClick={onClose}>
          Cancel
        </Button>
        <Button type="submit" loading={create.isPending} disabled={!name.trim()}>
          Create and edit
        </Button>
      </Group>
    </FormModal>
  );
}
