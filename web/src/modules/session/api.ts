import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { QueryClient } from '@tanstack/react-query';
import { api, ApiError, setCsrfToken, signalUnauthorized } from '../../lib/api.ts';
import type { Role, WireMe } from '../../lib/types.ts';

// Whether this tab holds a session, so that a /me that now says 401 means "it ended" rather than "nobody here yet".
let hadSession = false;

/** The logged-in person, or null when nobody is (a 401 here is an answer, not an error). */
export const meQuery = queryOptions({
  queryKey: ['me'],
  queryFn: async (): Promise<WireMe | null> => {
    try {
      const me = await api.get<WireMe>('/api/auth/me', { allowUnauthorized: true });
      setCsrfToken(me.csrfToken);
      hadSession = true;
      return me;
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        setCsrfToken(null);
        if (hadSession) signalUnauthorized(err.problem);
        hadSession = false;
        return null;
      }
      throw err;
    }
  },
  staleTime: 60_000,
});

export const setupStatusQuery = queryOptions({
  queryKey: ['setup-status'],
  queryFn: () => api.get<{ needsSetup: boolean }>('/api/setup/status'),
  staleTime: 30_000,
});

/** Store a fresh session (after login, setup or accepting an invite). */
export function storeSession(qc: QueryClient, me: WireMe): void {
  setCsrfToken(me.csrfToken);
  hadSession = true;
  qc.removeQueries({ predicate: (q) => q.queryKey[0] !== 'me' && q.queryKey[0] !== 'setup-status' });
  qc.setQueryData(meQuery.queryKey, me);
}

/** Forget the session and everything loaded under it. */
export function clearSession(qc: QueryClient): void {
  setCsrfToken(null);
  hadSession = false;
  qc.removeQueries({ predicate: (q) => q.queryKey[0] !== 'me' && q.queryKey[0] !== 'setup-status' });
  qc.setQueryData(meQuery.queryKey, null);
}

export function useMeQuery() {
  return useQuery(meQuery);
}

export function useLogin() {
  const qc = useQueryClient();
  return useMutation({
    // A wrong password is a 401 that the form shows; it must not bounce to the login page.
    mutationFn: (body: { email: string; password: string }) => api.post<WireMe>('/api/auth/login', body, { allowUnauthorized: true }),
    onSuccess: (me) => storeSession(qc, me),
  });
}

export function useLogout() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<void>('/api/auth/logout', undefined, { allowUnauthorized: true }),
    onSettled: () => clearSession(qc),
  });
}

export function useSetup() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { token: string; email: string; name: string; password: string }) => api.post<WireMe>('/api/setup', body, { allowUnauthorized: true }),
    onSuccess: (me) => {
      qc.setQueryData(setupStatusQuery.queryKey, { needsSetup: false });
      storeSession(qc, me);
    },
  });
}

export interface InviteInfo {
  email: string;
  name: string;
  role: Role;
  expiresAt: string;
}

export function useInvite(token: string) {
  return useQuery({
    queryKey: ['invite', token],
    queryFn: () => api.get<InviteInfo>(`/api/invites/${encodeURIComponent(token)}`, { allowUnauthorized: true }),
    retry: false,
    staleTime: Infinity,
  });
}

export function useAcceptInvite() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { token: string; name: string; password: string }) => api.post<WireMe>('/api/invites/accept', body, { allowUnauthorized: true }),
    onSuccess: (me) => storeSession(qc, me),
  });
}

export function useChangePassword() {
  return useMutation({
    mutationFn: (body: { currentPassword: string; newPassword: string }) => api.post<void>('/api/auth/password', body),
  });
}
