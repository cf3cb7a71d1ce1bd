import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { api } from '../../../lib/api.ts';
import type { Wire } from '../../../lib/wire.ts';
import type { Guardrails as GuardrailsOut, smsSettingsSchema } from '../../../../../server/src/modules/messaging/messaging.settings.ts';
import type {
  messageDetailSchema, messagesPageSchema, messagesQuery, messagingSettingsSchema, outboxStatsSchema, senderBody, senderSchema, smtpBody,
} from '../../../../../server/src/modules/messaging/messages.schemas.ts';

export type MessagesPage = Wire<z.infer<typeof messagesPageSchema>>;
export type MessageSummary = MessagesPage['items'][number];
export type MessageDetail = Wire<z.infer<typeof messageDetailSchema>>;
export type MessageEvent = MessageDetail['events'][number];
export type MessageStatus = MessageSummary['status'];
export type Channel = MessageSummary['channel'];
export type OutboxStats = z.infer<typeof outboxStatsSchema>;
export type MessagingSettings = Wire<z.infer<typeof messagingSettingsSchema>>;
export type SmtpView = NonNullable<MessagingSettings['smtp']>;
export type SmsView = NonNullable<MessagingSettings['sms']>;
export type Guardrails = GuardrailsOut;
export type Sender = z.infer<typeof senderSchema>;
/** What the client sends (defaults filled in by the server). */
export type SmtpBody = z.input<typeof smtpBody>;
export type SmsBody = z.input<typeof smsSettingsSchema>;
export type SenderBody = z.input<typeof senderBody>;

/** The list's filters, as in the address bar (cursor and limit are the query's business). */
export type MessagesFilters = Pick<z.input<typeof messagesQuery>, 'status' | 'channel' | 'purpose' | 'q' | 'customerId' | 'campaignId' | 'flowId'>;

export const MESSAGE_STATUSES: MessageStatus[] = ['queued', 'sending', 'sent', 'failed', 'skipped', 'cancelled', 'uncertain'];
export const MESSAGE_PURPOSES = ['campaign', 'flow', 'transactional', 'test', 'system'] as const;
export type MessagePurpose = (typeof MESSAGE_PURPOSES)[number];

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
const oneOf = <T extends string>(list: readonly T[], v: unknown): T | undefined => list.find((x) => x === v);

/** Reads the Outbox filters from the address bar, dropping anything the API would refuse. */
export function parseMessagesSearch(s: Record<string, unknown>): MessagesFilters {
  return {
    status: oneOf(MESSAGE_STATUSES, s.status),
    channel: oneOf(['email', 'sms'] as const, s.channel),
    purpose: oneOf(MESSAGE_PURPOSES, s.purpose),
    q: str(s.q)?.slice(0, 200),
    customerId: str(s.customerId),
    campaignId: str(s.campaignId),
    flowId: str(s.flowId),
  };
}

export const messageKeys = {
  all: ['messaging', 'messages'] as const,
  list: (f: MessagesFilters) => ['messaging', 'messages', 'list', f] as const,
  stats: ['messaging', 'messages', 'stats'] as const,
  detail: (id: string) => ['messaging', 'messages', 'detail', id] as const,
  settings: ['messaging', 'settings'] as const,
  senders: ['messaging', 'senders'] as const,
};

const LIVE_MS = 5000;
const pending = (s: MessageStatus) => s === 'queued' || s === 'sending';

/** Messages newest first; refreshed every 5 s while `live` (something is queued) or a shown message is still pending. */
export function useMessages(filters: MessagesFilters, live: boolean) {
  return useInfiniteQuery({
    queryKey: messageKeys.list(filters),
    queryFn: ({ pageParam, signal }) => api.get<MessagesPage>('/api/messaging/messages', { query: { ...filters, cursor: pageParam, limit: 50 }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: (q) => (live || q.state.data?.pages.some((p) => p.items.some((m) => pending(m.status))) ? LIVE_MS : false),
  });
}

/** Queue and delivery counts; every 5 s while something is queued, else every 30 s (a campaign may start meanwhile). */
export function useOutboxStats() {
  return useQuery({
    queryKey: messageKeys.stats,
    queryFn: ({ signal }) => api.get<OutboxStats>('/api/messaging/messages/stats', { signal }),
    refetchInterval: (q) => (q.state.data && q.state.data.queued > 0 ? LIVE_MS : 30_000),
  });
}

export function useMessage(id: string) {
  return useQuery({
    queryKey: messageKeys.detail(id),
    queryFn: ({ signal }) => api.get<MessageDetail>(`/api/messaging/messages/${id}`, { signal }),
    refetchInterval: (q) => (q.state.data && pending(q.state.data.status) ? LIVE_MS : false),
  });
}

// --- settings -------------------------------------------------------------------

export function useMessagingSettings() {
  return useQuery({
    queryKey: messageKeys.settings,
    queryFn: ({ signal }) => api.get<MessagingSettings>('/api/messaging/settings', { signal }),
  });
}

/** Settings writes answer with the whole settings object: put it in the cache instead of asking again. */
function useSettingsWrite<V>(fn: (v: V) => Promise<MessagingSettings>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: (s) => qc.setQueryData(messageKeys.settings, s),
  });
}

export const useSaveSmtp = () => useSettingsWrite((body: SmtpBody) => api.put<MessagingSettings>('/api/messaging/settings/smtp', body));
export const useRemoveSmtp = () => useSettingsWrite(() => api.delete<MessagingSettings>('/api/messaging/settings/smtp'));
export const useSaveSms = () => useSettingsWrite((body: SmsBody) => api.put<MessagingSettings>('/api/messaging/settings/sms', body));
export const useRemoveSms = () => useSettingsWrite(() => api.delete<MessagingSettings>('/api/messaging/settings/sms'));

/** Connects to the SMTP server in `body` (or the stored one when null) without sending anything. */
export function useTestSmtp() {
  return useMutation({
    mutationFn: (body: SmtpBody | null) => api.post<{ ok: boolean; detail: string }>('/api/messaging/settings/smtp/test', body ?? undefined),
  });
}

export function useSaveGuardrails() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: Partial<Guardrails>) => api.put<Guardrails>('/api/messaging/settings/guardrails', body),
    onSuccess: (g) => qc.setQueryData<MessagingSettings>(messageKeys.settings, (s) => (s ? { ...s, guardrails: g } : s)),
  });
}

// --- senders --------------------------------------------------------------------

export function useSenders() {
  return useQuery({
    queryKey: messageKeys.senders,
    queryFn: ({ signal }) => api.get<{ items: Sender[] }>('/api/messaging/senders', { signal }),
    select: (d) => d.items,
  });
}

function useSenderWrite<V, R>(fn: (v: V) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    // One sender becoming the default changes the others.
    onSuccess: () => qc.invalidateQueries({ queryKey: messageKeys.senders }),
  });
}

export const useCreateSender = () => useSenderWrite((body: SenderBody) => api.post<Sender>('/api/messaging/senders', body));
export const useUpdateSender = () => useSenderWrite(({ id, ...body }: Partial<SenderBody> & { id: string }) => api.patch<Sender>(`/api/messaging/senders/${id}`, body));
export const useDeleteSender = () => useSenderWrite((id: string) => api.delete<null>(`/api/messaging/senders/${id}`));
