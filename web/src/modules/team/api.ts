import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api.ts';
import type { Role, WireUser } from '../../lib/types.ts';
import { meQuery } from '../session/api.ts';

export interface RoleInfo {
  role: Role;
  label: string;
  permissions: string[];
}

export interface CreateUserBody {
  email: string;
  name: string;
  role: Role;
  password?: string;
}

export interface CreatedUser {
  user: WireUser;
  inviteUrl: string | null;
  inviteExpiresAt: string | null;
}

export interface UpdateUserBody {
  name?: string;
  role?: Role;
  status?: 'active' | 'deactivated';
}

export const teamKeys = {
  users: ['team', 'users'] as const,
  roles: ['team', 'roles'] as const,
};

export function useUsers(enabled = true) {
  return useQuery({
    queryKey: teamKeys.users,
    queryFn: () => api.get<{ items: WireUser[] }>('/api/users'),
    select: (d) => d.items,
    enabled,
  });
}

export function useRoles(enabled = true) {
  return useQuery({
    queryKey: teamKeys.roles,
    queryFn: () => api.get<{ items: RoleInfo[] }>('/api/roles'),
    select: (d) => d.items,
    staleTime: Infinity,
    enabled,
  });
}

export function useCreateUser() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateUserBody) => api.post<CreatedUser>('/api/users', body),
    onSuccess: () => qc.invalidateQueries({ queryKey: teamKeys.users }),
  });
}

export function useUpdateUser(myId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: UpdateUserBody & { id: string }) => api.patch<WireUser>(`/api/users/${id}`, body),
    onSuccess: async (user) => {
      qc.setQueryData<{ items: WireUser[] }>(teamKeys.users, (d) => (d ? { items: d.items.map((u) => (u.id === user.id ? user : u)) } : d));
      // Changing your own role changes what you may do.
      if (user.id === myId) await qc.invalidateQueries({ queryKey: meQuery.queryKey });
    },
  });
}

/** A fresh invite link for someone who has not joined (the previous link stops working). */
export function useReissueInvite() {
  return useMutation({
    mutationFn: (id: string) => api.post<CreatedUser>(`/api/users/${id}/invite`, {}),
  });
}

/** Withdraws an invite that was not accepted. */
export function useRevokeInvite() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete<null>(`/api/users/${id}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: teamKeys.users }),
  });
}
