/** The inbox's place in the address bar: view, search words, open ticket. */
export interface InboxSearch {
  view?: string;
  q?: string;
  t?: string;
}

export function parseInboxSearch(s: Record<string, unknown>): InboxSearch {
  const str = (v: unknown) => (typeof v === 'string' && v ? v.slice(0, 200) : undefined);
  return { view: str(s.view), q: str(s.q), t: str(s.t) };
}
