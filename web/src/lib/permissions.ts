/** Whether granted permissions satisfy a needed one; `x:write` implies `x:read` (as on the server). */
export function can(granted: readonly string[], needed: string | undefined): boolean {
  if (!needed) return true;
  if (granted.includes(needed)) return true;
  return needed.endsWith(':read') && granted.includes(needed.replace(/:read$/, ':write'));
}

/** The fallback label of a role when /api/roles has not been loaded. */
export function roleLabel(role: string): string {
  return role.charAt(0).toUpperCase() + role.slice(1);
}

export const ROLE_COLORS: Record<string, string> = {
  owner: 'indigo',
  admin: 'violet',
  marketer: 'pink',
  support: 'teal',
  sales: 'orange',
  analyst: 'gray',
};
