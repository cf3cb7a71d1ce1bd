import { ActionIcon, Anchor, Badge, Button, CopyButton, Group, Loader, Paper, Skeleton, Stack, Text, Tooltip } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconBook2, IconCheck, IconCopy, IconExternalLink, IconLink } from '@tabler/icons-react';
import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { useSuggestions, type Suggestion } from './api.ts';
import './kb.css';

/**
 * Knowledge-base articles that may answer a ticket, for the agent replying to it: by the ticket's id, or by
 * the subject and body it shows. `onInsert` adds a button that puts the article's link into the reply.
 */
export function KbSuggestions(props: {
  ticketId?: string;
  subject?: string;
  body?: string;
  limit?: number;
  onInsert?: (s: Suggestion) => void;
  /** Heading of the panel (default "Suggested articles"). */
  title?: string;
  /** Leaves this article out (the one being edited). */
  excludeId?: string;
}): ReactNode {
  const text = [props.subject, props.body].filter(Boolean).join('\n\n');
  const [debounced] = useDebouncedValue(text, 400);
  const q = useSuggestions({ ticketId: props.ticketId, text: debounced }, (props.limit ?? 5) + (props.excludeId ? 1 : 0));
  const items = (q.data ?? []).filter((s) => s.id !== props.excludeId).slice(0, props.limit ?? 5);
  return (
    <Paper withBorder radius="md" p="md" aria-label={props.title ?? 'Suggested articles'}>
      <Group justify="space-between" mb="xs" gap="xs">
        <Group gap={6}>
          <IconBook2 size={16} aria-hidden />
          <Text fw={600} fz="sm">
            {props.title ?? 'Suggested articles'}
          </Text>
        </Group>
        {q.isFetching && !q.isPending && <Loader size={14} />}
      </Group>
      {!props.ticketId && !text.trim() ? (
        <Text fz="sm" c="dimmed">
          Articles that may answer the customer show here.
        </Text>
      ) : q.isPending ? (
        <Stack gap="xs">
          <Skeleton h={14} w="70%" />
          <Skeleton h={12} />
          <Skeleton h={14} w="60%" mt="xs" />
          <Skeleton h={12} />
        </Stack>
      ) : q.isError ? (
        <Text fz="sm" c="red">
          Suggestions could not be loaded. <Anchor component="button" fz="sm" onClick={() => void q.refetch()}>Try again</Anchor>
        </Text>
      ) : items.length === 0 ? (
        <Text fz="sm" c="dimmed">
          No article matches this conversation. <Anchor renderRoot={(p) => <Link to="/support/kb/new" {...p} />} fz="sm">Write one</Anchor>
        </Text>
      ) : (
        <Stack gap={0}>
          {items.map((s) => (
            <SuggestionRow key={s.id} s={s} onInsert={props.onInsert} />
          ))}
        </Stack>
      )}
    </Paper>
  );
}

function SuggestionRow({ s, onInsert }: { s: Suggestion; onInsert?: ((s: Suggestion) => void) | undefined }) {
  return (
    <Stack gap={2} py="xs" className="kb-suggestion">
      <Group gap={6} wrap="nowrap" justify="space-between">
        <Anchor renderRoot={(p) => <Link to="/support/kb/$id" params={{ id: s.id }} {...p} />} fz="sm" fw={600} lineClamp={2}>
          {s.title}
        </Anchor>
        <Group gap={2} wrap="nowrap">
          {s.internal && (
            <Badge size="xs" variant="light" color="orange">
              Internal
            </Badge>
          )}
          {s.url && (
            <>
              <CopyButton value={s.url} timeout={2000}>
                {({ copied, copy }) => (
                  <Tooltip label={copied ? 'Copied' : 'Copy the help-centre link'} withArrow>
                    <ActionIcon variant="subtle" color={copied ? 'teal' : 'gray'} size="sm" onClick={copy} aria-label={`Copy the link to “${s.title}”`}>
                      {copied ? <IconCheck size={14} /> : <IconCopy size={14} />}
                    </ActionIcon>
                  </Tooltip>
                )}
              </CopyButton>
              <Tooltip label="Open in the help centre" withArrow>
                <ActionIcon variant="subtle" color="gray" size="sm" component="a" href={s.url} target="_blank" rel="noopener" aria-label={`Open “${s.title}” in the help centre`}>
                  <IconExternalLink size={14} />
                </ActionIcon>
              </Tooltip>
            </>
          )}
        </Group>
      </Group>
      {/* The server escapes the snippet and only adds <mark> around the matched words. */}
      <Text fz="xs" c="dimmed" lineClamp={3} className="kb-snippet" dangerouslySetInnerHTML={{ __html: s.snippet }} />
      {onInsert && s.url && (
        <Button variant="subtle" size="compact-xs" leftSection={<IconLink size={12} />} onClick={() => onInsert(s)} w="fit-content">
          Insert link in reply
        </Button>
      )}
    </Stack>
  );
}
