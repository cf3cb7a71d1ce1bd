import { Anchor, Badge, Button, Group, Paper, ScrollArea, Stack, Text, TextInput } from '@mantine/core';
import { IconRobot, IconSend } from '@tabler/icons-react';
import { useState, type ReactNode } from 'react';
import { notifyError } from '../../../components/notify.tsx';
import { useTryAssistant, type AssistantAnswer } from './api.ts';

type Turn = { role: 'visitor'; text: string } | { role: 'assistant'; text: string; answer: AssistantAnswer };

const KIND: Record<AssistantAnswer['kind'], [string, string]> = {
  answer: ['Answer from an article', 'teal'],
  'order-status': ['Order status', 'blue'],
  verify: ['Asks to verify', 'grape'],
  handover: ['Hands over to a person', 'orange'],
  'no-answer': ['No answer', 'gray'],
};

const EXAMPLES = ['How long does delivery take?', 'Can I return a gift?', 'Where is my order?', 'I want to talk to a person'];

/** Talk to the self-service assistant as a visitor of the chat widget would, to see what it answers. */
export function AssistantTry(): ReactNode {
  const [turns, setTurns] = useState<Turn[]>([]);
  const [text, setText] = useState('');
  const ask = useTryAssistant();

  const send = (question: string) => {
    const q = question.trim();
    if (!q) return;
    const conversation = turns.map((t) => (t.role === 'visitor' ? { role: t.role, text: t.text } : { role: t.role, text: t.text, kind: t.answer.kind }));
    setTurns((ts) => [...ts, { role: 'visitor', text: q }]);
    setText('');
    ask.mutate({ question: q, conversation }, {
      onSuccess: (answer) => setTurns((ts) => [...ts, { role: 'assistant', text: answer.text, answer }]),
      onError: (e) => notifyError(e),
    });
  };

  return (
    <Paper withBorder radius="md" p="md" maw={760}>
      <Group justify="space-between" mb="sm">
        <Group gap={6}>
          <IconRobot size={18} aria-hidden />
          <Text fw={600} fz="sm">
            Self-service assistant
          </Text>
        </Group>
        {turns.length > 0 && (
          <Button variant="subtle" size="compact-sm" onClick={() => setTurns([])}>
            Start again
          </Button>
        )}
      </Group>
      <Text fz="sm" c="dimmed" mb="md">
        It answers visitors in the chat widget from published public articles (quoting the best passage and linking the article), looks up orders once the visitor gives the order number and its email address, and hands over to the team when asked or when it cannot help.
      </Text>
      <ScrollArea.Autosize mah={420} mb="sm">
        <Stack gap="xs">
          {turns.length === 0 && (
            <Group gap="xs">
              {EXAMPLES.map((e) => (
                <Button key={e} variant="light" size="compact-sm" onClick={() => send(e)}>
                  {e}
                </Button>
              ))}
            </Group>
          )}
          {turns.map((t, i) =>
            t.role === 'visitor' ? (
              <Paper key={i} radius="md" p="xs" px="sm" bg="blue.0" ml="auto" maw="80%">
                <Text fz="sm">{t.text}</Text>
              </Paper>
            ) : (
              <Paper key={i} radius="md" p="xs" px="sm" withBorder maw="85%">
                <Stack gap={4}>
                  <Badge size="xs" variant="light" color={KIND[t.answer.kind][1]}>
                    {KIND[t.answer.kind][0]}
                    {t.answer.confidence !== undefined && t.answer.kind === 'answer' && t.answer.sources.length ? ` · ${Math.round(t.answer.confidence * 100)}% sure` : ''}
                  </Badge>
                  <Text fz="sm" style={{ whiteSpace: 'pre-wrap' }}>
                    {t.text}
                  </Text>
                  {t.answer.sources.map((s) => (
                    <Text key={s.articleId} fz="xs" c="dimmed">
                      Source:{' '}
                      {s.url ? (
                        <Anchor href={s.url} target="_blank" rel="noopener" fz="xs">
                          {s.title}
                        </Anchor>
                      ) : (
                        s.title
                      )}
                    </Text>
                  ))}
                </Stack>
              </Paper>
            ),
          )}
          {ask.isPending && (
            <Text fz="sm" c="dimmed">
              …
            </Text>
          )}
        </Stack>
      </ScrollArea.Autosize>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          send(text);
        }}
      >
        <Group gap="xs" wrap="nowrap">
          <TextInput style={{ flex: 1 }} placeholder="Ask as a visitor would…" value={text} onChange={(e) => setText(e.currentTarget.value)} aria-label="Question for the assistant" maxLength={2000} />
          <Button type="submit" leftSection={<IconSend size={16} />} loading={ask.isPending} disabled={!text.trim()}>
            Ask
          </Button>
        </Group>
      </form>
    </Paper>
  );
}
