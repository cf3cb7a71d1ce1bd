import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api.ts';

/** Settings → Support email (server: support/email.schemas.ts). */
export interface EmailSettings {
  inboundAddresses: string[];
  replyFrom: string | null;
  replyFromName: string | null;
  signature: string;
  remoteImages: 'block' | 'allow';
  floodMax: number;
  floodWindowMinutes: number;
  maxAttachmentBytes: number;
  maxMessageAttachmentBytes: number;
}

export interface EmailSettingsView extends EmailSettings {
  smtpReceiver: { enabled: boolean; host: string | null; port: number | null; maxBytes: number };
  outboundReady: boolean;
}

export type InboundProvider = 'raw' | 'sendgrid' | 'mailgun' | 'postmark';
export interface WebhookInfo {
  token: string;
  urls: Record<InboundProvider, string>;
}

export type InboundStatus = 'ticket' | 'reply' | 'duplicate' | 'auto_reply' | 'bounce' | 'rate_limited' | 'failed' | 'ignored';

export interface InboundEmail {
  id: string;
  receivedAt: string;
  source: string;
  status: InboundStatus;
  reason: string | null;
  mailFrom: string | null;
  rcptTo: string[];
  fromAddress: string | null;
  subject: string | null;
  messageIdHeader: string | null;
  ticketId: string | null;
  messageId: string | null;
  sizeBytes: number;
  processedAt: string | null;
}

export const STATUS_LABELS: Record<InboundStatus, string> = {
  ticket: 'New ticket', reply: 'Reply', duplicate: 'Duplicate', auto_reply: 'Auto-reply', bounce: 'Bounce', rate_limited: 'Held (flood)', failed: 'Failed', ignored: 'Ignored',
};
export const STATUS_COLORS: Record<InboundStatus, string> = {
  ticket: 'blue', reply: 'teal', duplicate: 'gray', auto_reply: 'gray', bounce: 'orange', rate_limited: 'yellow', failed: 'red', ignored: 'gray',
};

const keys = {
  settings: ['support', 'email', 'settings'] as const,
  webhook: ['support', 'email', 'webhook'] as const,
  inbound: (status: string) => ['support', 'email', 'inbound', status] as const,
};

export function useEmailSettings() {
  return useQuery({ queryKey: keys.settings, queryFn: () => api.get<EmailSettingsView>('/api/support/email/settings') });
}

export function useSaveEmailSettings() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (s: EmailSettings) => api.put<EmailSettingsView>('/api/support/email/settings', s),
    onSuccess: (s) => qc.setQueryData(keys.settings, s),
  });
}

export function useEmailWebhook(enabled: boolean) {
  return useQuery({ queryKey: keys.webhook, enabled, queryFn: () => api.get<WebhookInfo>('/api/support/email/webhook') });
}

export function useRotateEmailWebhook() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<WebhookInfo>('/api/support/email/webhook/rotate', {}),
    onSuccess: (w) => qc.setQueryData(keys.webhook, w),
  });
}

export function useInboundEmails(status: InboundStatus | 'all') {
  return useInfiniteQuery({
    queryKey: keys.inbound(status),
    queryFn: ({ pageParam, signal }) => api.get<{ items: InboundEmail[]; nextCursor: string | null }>('/api/support/email/inbound', { query: { status: status === 'all' ? undefined : status, cursor: pageParam, limit: 50 }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

export function useRetryInbound() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.post<{ status: InboundStatus; ticketId: string | null }>(`/api/support/email/inbound/${id}/retry`, {}),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['support', 'email', 'inbound'] }),
  });
}
