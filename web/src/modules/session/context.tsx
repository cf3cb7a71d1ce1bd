import { createContext, useContext } from 'react';
import { can } from '../../lib/permissions.ts';
import type { WireMe } from '../../lib/types.ts';

/** The logged-in person inside the app shell (the shell renders only when there is one). */
export const SessionContext = createContext<WireMe | null>(null);

export function useSession(): WireMe {
  const me = useContext(SessionContext);
  if (!me) throw new Error('useSession() used outside the app shell');
  return me;
}

/** `useCan()('team:write')` — whether the logged-in person has a permission. */
export function useCan(): (permission: string | undefined) => boolean {
  const me = useSession();
  return (permission) => can(me.permissions, permission);
}
