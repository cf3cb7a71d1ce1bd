import { Button, Paper } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import type { LinkProps } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { ApiError } from '../lib/api.ts';
import { Empty } from './Empty.tsx';
import { ErrorState } from './ErrorState.tsx';
import { PageSkeleton } from './PageSkeleton.tsx';

/** Whether a failed read means the record is not there: 404, or 400 for an id that cannot be one. */
export const isNotFound = (err: unknown): boolean => err instanceof ApiError && (err.status === 404 || err.status === 400);

/**
 * A detail page driven by the query of its record: the page skeleton while it loads (or while
 * `loading`), `notFound` when the record is not there, the error with a retry, else `children`.
 */
export function DetailStates<T>(props: { query: UseQueryResult<T>; loading?: boolean; notFound: ReactNode; children: (data: T) => ReactNode }): ReactNode {
  const { query } = props;
  if (query.isPending || props.loading) return <PageSkeleton />;
  if (query.isError) return isNotFound(query.error) ? props.notFound : <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  return props.children(query.data);
}

/** A detail page whose record is not there: what is missing, why, and the way to the list. */
export function NotFound({ icon, title, description, to, label }: { icon: ReactNode; title: string; description: string; to: NonNullable<LinkProps['to']>; label: string }) {
  return (
    <Paper withBorder radius="md">
      <Empty
        icon={icon}
        title={title}
        description={description}
        action={
          <Button variant="default" renderRoot={(p) => <Link to={to} {...p} />}>
            {label}
          </Button>
        }
      />
    </Paper>
  );
}
