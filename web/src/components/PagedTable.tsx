import { Paper } from '@mantine/core';
import type { TableProps } from '@mantine/core';
import type { ReactNode } from 'react';
import { TableCard } from './DataTable.tsx';
import { ErrorState } from './ErrorState.tsx';
import { ListFooter } from './ListFooter.tsx';
import { TableLoadingCard } from './TableSkeleton.tsx';

/** What PagedTable reads of an infinite query. */
interface PagedQuery {
  isPending: boolean;
  isError: boolean;
  error: unknown;
  refetch: () => unknown;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => unknown;
}

/**
 * A cursor-paginated list page's table: placeholder rows while the first page loads (or while
 * `loading`), the error with a retry, `empty` in a card when there are no rows (`count` 0), else the
 * table (`children`: its head and body) with "Load more" under it.
 */
export function PagedTable(props: {
  query: PagedQuery;
  loading?: boolean;
  count: number;
  noun: [string, string];
  empty: ReactNode;
  rows?: number;
  minWidth?: TableProps['miw'];
  children: ReactNode;
}): ReactNode {
  const { query } = props;
  if (query.isPending || props.loading) return <TableLoadingCard rows={props.rows ?? 8} />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  if (props.count === 0) {
    return (
      <Paper withBorder radius="md">
        {props.empty}
      </Paper>
    );
  }
  return (
    <TableCard
      minWidth={props.minWidth}
      footer={<ListFooter count={props.count} noun={props.noun} hasMore={query.hasNextPage} loading={query.isFetchingNextPage} onMore={() => void query.fetchNextPage()} />}
    >
      {props.children}
    </TableCard>
  );
}
