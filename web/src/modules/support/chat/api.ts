import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api.ts';

export interface ChatSettings {
  enabled: boolean;
  color: string;
  title: string;
  greeting: string;
  offlineMessage: string;
  assistant: boolean;
  businessHours: { enabled: boolean; days: number[]; start: string; end: string };
}

export interface ChatSettingsView extends ChatSettings {
  scriptUrl: string;
  snippet: string;
  identitySecret: string;
  online: boolean;
  agentsOnline: number;
}

export type ChatMode = 'bot' | 'human' | 'offline' | 'ended';

export interface ChatSummary {
  id: string;
  mode: ChatMode;
  ticketId: string | null;
  ticketNumber: number | null;
  ticketStatus: string | null;
  visitor: { id: string; name: string | null; email: string | null; emailVerified: boolean; customerId: string | null };
  pageUrl: string | null;
  pageTitle: string | null;
  preview: string | null;
  createdAt: string;
  lastMessageAt: string;
}

export interface ChatMessage {
  id: string;
  seq: number;
  clientId: string | null;
  author: 'visitor' | 'assistant' | 'agent' | 'system';
  authorName: string | null;
  authorUserId: string | null;
  text: string;
  kind: string | null;
  sources: { articleId: string; title: string; url: string | null }[];
  ticketMessageId: string | null;
  createdAt: string;
}

export const chatKeys = {
  settings: ['support', 'chat', 'settings'] as const,
  status: ['support', 'chat', 'status'] as const,
  lists: ['support', 'chat', 'list'] as const,
  list: (mode: string) => ['support', 'chat', 'list', mode] as const,
  chat: (id: string) => ['support', 'chat', 'one', id] as const,
};

export function useChatSettings() {
  return useQuery({ queryKey: chatKeys.settings, queryFn: () => api.get<ChatSettingsView>('/api/support/chat/settings') });
}

export function useSaveChatSettings() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (s: ChatSettings) => api.put<ChatSettingsView>('/api/support/chat/settings', s),
    onSuccess: (s) => qc.setQueryData(chatKeys.settings, s),
  });
}

export function useChats(mode: ChatMode | 'all') {
  return useQuery({ queryKey: chatKeys.list(mode), queryFn: () => api.get<{ items: ChatSummary[] }>('/api/support/chats', { query: { mode } }) });
}

export function useChat(id: string | undefined) {
  return useQuery({ queryKey: chatKeys.chat(id ?? ''), enabled: !!id, queryFn: () => api.get<{ chat: ChatSummary; messages: ChatMessage[] }>(`/api/support/chats/${id}`) });
}

export function useChatReply(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (b: { text: string; clientId: string }) => api.post<ChatMessage>(`/api/support/chats/${id}/messages`, b),
    onSuccess: () => void qc.invalidateQueries({ queryKey: chatKeys.chat(id) }),
  });
}

export function sendAgentTyping(id: string, state: boolean): void {
  void api.post(`/api/support/chats/${id}/typing`, { state }).catch(() => undefined);
}

export function sendAgentRead(id: string, seq: number): void {
  void api.post(`/api/support/chats/${id}/read`, { seq }).catch(() => undefined);
}

export function useAgentStatus() {
  return useQuery({ queryKey: chatKeys.status, queryFn: () => api.get<{ online: boolean; agentsOnline: number }>('/api/support/chat/status') });
}

export function setAgentStatus(status: 'online' | 'away') {
  return api.put<{ status: 'online' | 'away'; online: boolean; agentsOnline: number }>('/api/support/chat/status', { status });
}
