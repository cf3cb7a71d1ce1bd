import type { QueryClient, QueryKey } from '@tanstack/react-query';

/**
 * Reads queries again because the server said their data changed (a live event). `invalidateQueries` alone
 * is not enough: while a query's first read is still in flight (no data yet), TanStack Query reuses that
 * read instead of starting another, and its answer may predate the change, which then never shows. So
 * such first reads are cancelled (the query goes back to pending, no error) before the refetch.
 */
export async function reread(qc: QueryClient, queryKey: QueryKey): Promise<void> {
  await qc.cancelQueries({ queryKey, predicate: (q) => q.state.data === undefined && q.state.fetchStatus === 'fetching' });
  await qc.invalidateQueries({ queryKey });
}
