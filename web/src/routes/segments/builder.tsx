import { IconUsersGroup } from '@tabler/icons-react';
import { getRouteApi } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { BackLink } from '../../components/BackLink.tsx';
import { isNotFound, NotFound } from '../../components/DetailStates.tsx';
import { ErrorState } from '../../components/ErrorState.tsx';
import { PageSkeleton } from '../../components/PageSkeleton.tsx';
import { RequirePermission } from '../../components/RequirePermission.tsx';
import { useSegment, useSegmentCatalogue } from '../../modules/segments/api.ts';
import { SegmentForm } from '../../modules/segments/SegmentForm.tsx';

const editRoute = getRouteApi('/app/segments/$id/edit');

export function NewSegmentPage(): ReactNode {
  const cat = useSegmentCatalogue();
  return (
    <RequirePermission permission="segments:write">
      <BackLink to="/segments" label="Segments" />
      {cat.isPending ? <PageSkeleton /> : cat.isError ? <ErrorState error={cat.error} onRetry={() => void cat.refetch()} /> : <SegmentForm catalogue={cat.data} />}
    </RequirePermission>
  );
}

export function EditSegmentPage(): ReactNode {
  return (
    <RequirePermission permission="segments:write">
      <EditSegment />
    </RequirePermission>
  );
}

function EditSegment() {
  const { id } = editRoute.useParams();
  const cat = useSegmentCatalogue();
  const seg = useSegment(id);
  const failed = seg.error ?? cat.error;
  return (
    <>
      <BackLink to="/segments" label="Segments" />
      {seg.isPending || cat.isPending ? (
        <PageSkeleton />
      ) : isNotFound(failed) ? (
        <NoSuchSegment />
      ) : failed || !seg.data || !cat.data ? (
        <ErrorState error={failed} onRetry={() => void Promise.all([seg.refetch(), cat.refetch()])} />
      ) : (
        // Keyed by revision: a save elsewhere reloads the form rather than mixing two versions.
        <SegmentForm key={`${seg.data.id}:${seg.data.revision}`} catalogue={cat.data} segment={seg.data} />
      )}
    </>
  );
}

export function NoSuchSegment() {
  return (
    <NotFound
      icon={<IconUsersGroup size={24} />}
      title="No such segment"
      description="There is no segment at this address. It may have been deleted, or the link may be mistyped."
      to="/segments"
      label="All segments"
    />
  );
}
