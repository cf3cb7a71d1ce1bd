import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api.ts';
import type { Wire } from '../../../lib/wire.ts';
import type { CsatSettings as CsatSettingsOut, CsatSurvey as CsatSurveyOut } from '../../../../../server/src/modules/support/csat.schemas.ts';
import type { Report as ReportOut } from '../../../../../server/src/modules/support/reports.schemas.ts';
import type { AtRisk as AtRiskOut, Calendar as CalendarOut, CalendarBody, Policy as PolicyOut, PolicyBody, TicketSla as TicketSlaOut } from '../../../../../server/src/modules/support/sla.schemas.ts';

export type Calendar = Wire<CalendarOut>;
export type Policy = Wire<PolicyOut>;
export type TicketSla = Wire<TicketSlaOut>;
export type CsatSettings = Wire<CsatSettingsOut>;
export type CsatSurvey = Wire<CsatSurveyOut>;
export type Report = Wire<ReportOut>;
export type AtRisk = Wire<AtRiskOut>;
export type Metrics = Report['totals'];
export type { CalendarBody, PolicyBody };

export const slaKeys = {
  calendars: ['support', 'calendars'] as const,
  policies: ['support', 'sla-policies'] as const,
  ticket: (id: string) => ['support', 'ticket', id, 'sla'] as const,
  csat: (id: string) => ['support', 'ticket', id, 'csat'] as const,
  csatSettings: ['support', 'csat-settings'] as const,
  atRisk: ['support', 'sla-at-risk'] as const,
  report: (q: { from: string; to: string; teamId?: string | undefined }) => ['support', 'reports', q] as const,
};

export function useCalendars() {
  return useQuery({ queryKey: slaKeys.calendars, queryFn: ({ signal }) => api.get<{ items: Calendar[] }>('/api/support/calendars', { signal }), select: (d) => d.items });
}

export function useSaveCalendar() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id?: string; body: CalendarBody }) => (id ? api.put<Calendar>(`/api/support/calendars/${id}`, body) : api.post<Calendar>('/api/support/calendars', body)),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['support'] }),
  });
}

export function useDeleteCalendar() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: (id: string) => api.delete<null>(`/api/support/calendars/${id}`), onSuccess: () => void qc.invalidateQueries({ queryKey: slaKeys.calendars }) });
}

export function usePolicies() {
  return useQuery({ queryKey: slaKeys.policies, queryFn: ({ signal }) => api.get<{ items: Policy[] }>('/api/support/sla/policies', { signal }), select: (d) => d.items });
}

export function useSavePolicy() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id?: string; body: PolicyBody }) => (id ? api.put<Policy>(`/api/support/sla/policies/${id}`, body) : api.post<Policy>('/api/support/sla/policies', body)),
    onSuccess: () => void qc.invalidateQueries({ queryKey: slaKeys.policies }),
  });
}

export function useDeletePolicy() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: (id: string) => api.delete<null>(`/api/support/sla/policies/${id}`), onSuccess: () => void qc.invalidateQueries({ queryKey: slaKeys.policies }) });
}

export function useReorderPolicies() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (ids: string[]) => api.put<{ items: Policy[] }>('/api/support/sla/policies/order', { ids }),
    onSuccess: (d) => qc.setQueryData(slaKeys.policies, d),
  });
}

/** A ticket's SLA countdown; refreshed every minute (the component ticks in between). */
export function useTicketSla(ticketId: string) {
  return useQuery({ queryKey: slaKeys.ticket(ticketId), queryFn: ({ signal }) => api.get<TicketSla>(`/api/support/tickets/${ticketId}/sla`, { signal }), refetchInterval: 60_000 });
}

export function useTicketCsat(ticketId: string) {
  return useQuery({ queryKey: slaKeys.csat(ticketId), queryFn: ({ signal }) => api.get<CsatSurvey | null>(`/api/support/tickets/${ticketId}/csat`, { signal }) });
}

export function useCsatSettings() {
  return useQuery({ queryKey: slaKeys.csatSettings, queryFn: ({ signal }) => api.get<CsatSettings>('/api/support/csat/settings', { signal }) });
}

export function useSaveCsatSettings() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: (body: CsatSettings) => api.put<CsatSettings>('/api/support/csat/settings', body), onSuccess: (d) => qc.setQueryData(slaKeys.csatSettings, d) });
}

export function useSupportReport(q: { from: string; to: string; teamId?: string | undefined }) {
  return useQuery({ queryKey: slaKeys.report(q), queryFn: ({ signal }) => api.get<Report>('/api/support/reports', { query: q, signal }), placeholderData: keepPreviousData });
}

/** Open tickets at risk of breaching or breached, soonest first (refreshed every minute). */
export function useAtRisk() {
  return useQuery({ queryKey: slaKeys.atRisk, queryFn: ({ signal }) => api.get<AtRisk>('/api/support/sla/at-risk', { query: { limit: 20 }, signal }), select: (d) => d.items, refetchInterval: 60_000 });
}
