import { Paper } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ErrorState } from './ErrorState.tsx';
import { TableSkeleton } from './TableSkeleton.tsx';

/**
 * A card-list section driven by one query: placeholder rows while it loads, the error with a retry,
 * `empty` (in a card) when there is nothing, else `children` with the data.
 */
export function QueryStates<T>(props: {
  query: UseQueryResult<T>;
  rows?: number;
  empty: ReactNode;
  /** Default: an empty array. */
  isEmpty?: (data: T) => boolean;
  children: (data: T) => ReactNode;
}): ReactNode {
  const { query } = props;
  if (query.isPending) {
    return (
      <Paper withBorder radius="md">
        <TableSkeleton rows={props.rows ?? 4} />
      </Paper>
    );
  }
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  const empty = props.isEmpty ? props.isEmpty(query.data) : Array.isArray(query.data) && query.data.length === 0;
  if (empty) {
    return (
      <Paper withBorder radius="md">
        {props.empty}
      </Paper>
    );
  }
  return props.children(query.data);
}
