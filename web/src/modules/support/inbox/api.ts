import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { api } from '../../../lib/api.ts';
import type { Wire } from '../../../lib/wire.ts';
import type { CustomerContext as ContextOut } from '../../../../../server/src/modules/support/context.schemas.ts';
import type { SavedView as SavedViewOut, TicketFilter, TicketList as ListOut, ViewCounts as CountsOut } from '../../../../../server/src/modules/support/inbox.schemas.ts';
import type { Macro as MacroOut, MacroActions } from '../../../../../server/src/modules/support/macros.schemas.ts';
import type { Rule as RuleOut, createRuleBody } from '../../../../../server/src/modules/support/rules.definition.ts';
import type { createTicketBody } from '../../../../../server/src/modules/support/tickets.routes.schemas.ts';
import type { Ticket as TicketOut, TicketDetail as DetailOut, TicketMessage as MessageOut } from '../../../../../server/src/modules/support/tickets.schemas.ts';
import type { Agent as AgentOut, Team as TeamOut, TicketField as FieldOut } from '../../../../../server/src/modules/support/tickets.settings.schemas.ts';

export type Ticket = Wire<TicketOut>;
export type TicketMessage = Wire<MessageOut>;
export type TicketDetail = Wire<DetailOut>;
export type TicketList = Wire<ListOut>;
export type ViewCounts = Wire<CountsOut>;
export type SavedView = Wire<SavedViewOut>;
export type Filter = TicketFilter;
export type CustomerContext = Wire<ContextOut>;
export type Macro = Wire<MacroOut>;
export type { MacroActions };
export type Rule = Wire<RuleOut>;
export type RuleBody = z.input<typeof createRuleBody>;
export type Team = Wire<TeamOut>;
export type Agent = Wire<AgentOut>;
export type TicketField = Wire<FieldOut>;
export type NewTicket = z.input<typeof createTicketBody>;
export type Status = Ticket['status'];
export type Priority = Ticket['priority'];

export const STATUS_LABEL: Record<Status, string> = { new: 'New', open: 'Open', pending: 'Pending customer', on_hold: 'On hold', solved: 'Solved', closed: 'Closed' };
export const STATUS_COLOR: Record<Status, string> = { new: 'blue', open: 'orange', pending: 'grape', on_hold: 'gray', solved: 'teal', closed: 'dark' };
export const PRIORITY_COLOR: Record<Priority, string> = { low: 'gray', normal: 'blue', high: 'orange', urgent: 'red' };
export const CHANNEL_LABEL: Record<Ticket['channel'], string> = { email: 'Email', chat: 'Chat', form: 'Web form', phone: 'Phone', social: 'Social', api: 'API' };

export const supportKeys = {
  all: ['support'] as const,
  lists: ['support', 'tickets'] as const,
  list: (view: string, q: string, extra: Record<string, string | undefined>) => ['support', 'tickets', view, q, extra] as const,
  ticket: (id: string) => ['support', 'ticket', id] as const,
  context: (id: string) => ['support', 'ticket', id, 'context'] as const,
  views: ['support', 'views'] as const,
  macros: ['support', 'macros'] as const,
  rules: ['support', 'rules'] as const,
  teams: ['support', 'teams'] as const,
  agents: ['support', 'agents'] as const,
  fields: ['support', 'fields'] as const,
  notifications: ['support', 'notifications'] as const,
  customerTickets: (id: string) => ['support', 'customer', id, 'tickets'] as const,
};

export function useTickets(view: string, q: string, extra: Record<string, string | undefined> = {}) {
  return useInfiniteQuery({
    queryKey: supportKeys.list(view, q, extra),
    queryFn: ({ pageParam, signal }) => api.get<TicketList>('/api/support/tickets', { query: { view, q, limit: 50, cursor: pageParam, ...extra }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

export function useCustomerTickets(customerId: string) {
  return useQuery({
    queryKey: supportKeys.customerTickets(customerId),
    queryFn: ({ signal }) => api.get<TicketList>('/api/support/tickets', { query: { view: 'all', customerId, limit: 100 }, signal }),
    select: (d) => d.items,
  });
}

export function useTicket(id: string | undefined) {
  return useQuery({
    queryKey: supportKeys.ticket(id ?? ''),
    queryFn: ({ signal }) => api.get<TicketDetail>(`/api/support/tickets/${id}`, { signal }),
    enabled: !!id,
  });
}

export function useTicketContext(id: string | undefined) {
  return useQuery({
    queryKey: supportKeys.context(id ?? ''),
    queryFn: ({ signal }) => api.get<CustomerContext>(`/api/support/tickets/${id}/context`, { signal }),
    enabled: !!id,
    staleTime: 30_000,
  });
}

export function useViewCounts() {
  return useQuery({ queryKey: supportKeys.views, queryFn: ({ signal }) => api.get<ViewCounts>('/api/support/views', { signal }), refetchInterval: 60_000 });
}

export function useMacros() {
  return useQuery({ queryKey: supportKeys.macros, queryFn: ({ signal }) => api.get<{ items: Macro[] }>('/api/support/macros', { signal }), select: (d) => d.items });
}

export function useRules() {
  return useQuery({ queryKey: supportKeys.rules, queryFn: ({ signal }) => api.get<{ items: Rule[] }>('/api/support/rules', { signal }), select: (d) => d.items });
}

export function useTeams() {
  return useQuery({ queryKey: supportKeys.teams, queryFn: ({ signal }) => api.get<{ items: Team[] }>('/api/support/teams', { signal }), select: (d) => d.items });
}

export function useAgents() {
  return useQuery({ queryKey: supportKeys.agents, queryFn: ({ signal }) => api.get<{ items: Agent[] }>('/api/support/agents', { signal }), select: (d) => d.items, staleTime: 60_000 });
}

export function useFields() {
  return useQuery({ queryKey: supportKeys.fields, queryFn: ({ signal }) => api.get<{ items: TicketField[] }>('/api/support/fields', { signal }), select: (d) => d.items });
}

export function useNotifications() {
  return useQuery({
    queryKey: supportKeys.notifications,
    queryFn: ({ signal }) => api.get<{ items: { id: string; type: string; ticketId: string | null; text: string; readAt: string | null; createdAt: string }[]; unread: number }>('/api/support/notifications', { signal }),
    refetchInterval: 120_000,
  });
}

/** After any change to a ticket: its detail, the lists and the counts are out of date. */
function useRefresh() {
  const qc = useQueryClient();
  return (id?: string) => {
    void qc.invalidateQueries({ queryKey: supportKeys.lists });
    void qc.invalidateQueries({ queryKey: supportKeys.views });
    if (id) void qc.invalidateQueries({ queryKey: supportKeys.ticket(id) });
  };
}

export function useUpdateTicket(id: string) {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (b: { status?: Status; priority?: Priority; assigneeId?: string | null; teamId?: string | null; tags?: string[]; customFields?: Record<string, unknown>; subject?: string }) =>
      api.patch<Ticket>(`/api/support/tickets/${id}`, b),
    onSuccess: () => refresh(id),
  });
}

export function useReply(id: string) {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (b: { body: string; status?: Status; macroId?: string }) => api.post<{ ticket: Ticket; message: TicketMessage }>(`/api/support/tickets/${id}/reply`, b),
    onSuccess: () => refresh(id),
  });
}

export function useNote(id: string) {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (b: { body: string; mentions: string[] }) => api.post<{ ticket: Ticket; message: TicketMessage }>(`/api/support/tickets/${id}/notes`, b),
    onSuccess: () => refresh(id),
  });
}

export function useMerge(id: string) {
  const refresh = useRefresh();
  return useMutation({ mutationFn: (intoId: string) => api.post<Ticket>(`/api/support/tickets/${id}/merge`, { intoId }), onSuccess: (t) => { refresh(id); refresh(t.id); } });
}

export function useFollowUp(id: string) {
  const refresh = useRefresh();
  return useMutation({ mutationFn: (b: { subject?: string }) => api.post<Ticket>(`/api/support/tickets/${id}/follow-up`, b), onSuccess: () => refresh(id) });
}

export function useBulk() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (b: { ids: string[]; status?: Status; assigneeId?: string | null; teamId?: string | null; addTags?: string[] }) =>
      api.post<{ updated: number; skipped: { id: string; reason: string }[] }>('/api/support/tickets/bulk', b),
    onSuccess: () => refresh(),
  });
}

export function useCreateTicket() {
  const refresh = useRefresh();
  return useMutation({ mutationFn: (b: NewTicket) => api.post<Ticket>('/api/support/tickets', b), onSuccess: () => refresh() });
}

export function useRenderMacro() {
  return useMutation({ mutationFn: (b: { macroId: string; ticketId: string }) => api.post<{ body: string; actions: MacroActions }>(`/api/support/macros/${b.macroId}/render`, { ticketId: b.ticketId }) });
}

export function useSaveView() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (b: { name: string; shared: boolean; filters: Filter }) => api.post<SavedView>('/api/support/views', b),
    onSuccess: () => void qc.invalidateQueries({ queryKey: supportKeys.views }),
  });
}

export function useDeleteView() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: (id: string) => api.delete<void>(`/api/support/views/${id}`), onSuccess: () => void qc.invalidateQueries({ queryKey: supportKeys.views }) });
}

export function useSetAvailability() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: (available: boolean) => api.put<void>('/api/support/agents/me/availability', { available }), onSuccess: () => void qc.invalidateQueries({ queryKey: supportKeys.agents }) });
}

export function useMarkRead() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: (b: { ids?: string[]; all?: boolean }) => api.post<void>('/api/support/notifications/read', b), onSuccess: () => void qc.invalidateQueries({ queryKey: supportKeys.notifications }) });
}

/** Settings CRUD (teams, macros, rules, fields) share one shape. */
export function useSettingsMutation<B>(key: readonly string[], method: 'post' | 'patch' | 'delete', path: (b: B) => string, body?: (b: B) => unknown) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (b: B) => (method === 'delete' ? api.delete<unknown>(path(b)) : api[method]<unknown>(path(b), body ? body(b) : b)),
    onSuccess: () => void qc.invalidateQueries({ queryKey: key }),
  });
}
