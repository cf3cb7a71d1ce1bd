import { Button, Paper } from '@mantine/core';
import { IconTemplate } from '@tabler/icons-react';
import { getRouteApi, Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { BackLink } from '../../components/BackLink.tsx';
import { Empty } from '../../components/Empty.tsx';
import { ErrorState } from '../../components/ErrorState.tsx';
import { PageSkeleton } from '../../components/PageSkeleton.tsx';
import { RequirePermission } from '../../components/RequirePermission.tsx';
import { ApiError } from '../../lib/api.ts';
import { useTemplate } from '../../modules/messaging/templates/api.ts';
import { TemplateEditor } from '../../modules/messaging/templates/TemplateEditor.tsx';
import '../../modules/messaging/templates/templates.css';

const route = getRouteApi('/app/templates/$id');

export function TemplatePage(): ReactNode {
  return (
    <RequirePermission permission="messaging:read">
      <TemplateLoader />
    </RequirePermission>
  );
}

function TemplateLoader() {
  const { id } = route.useParams();
  const t = useTemplate(id);
  return (
    <>
      <BackLink to="/templates" label="Templates" />
      {t.isPending ? (
        <PageSkeleton />
      ) : t.error instanceof ApiError && (t.error.status === 404 || t.error.status === 400) ? (
        <Paper withBorder radius="md">
          <Empty
            icon={<IconTemplate size={24} />}
            title="No such template"
            description="There is no template at this address. The link may be mistyped."
            action={
              <Button variant="default" renderRoot={(p) => <Link to="/templates" {...p} />}>
                All templates
              </Button>
            }
          />
        </Paper>
      ) : t.isError ? (
        <ErrorState error={t.error} onRetry={() => void t.refetch()} />
      ) : (
        // Keyed by id: opening another template (after duplicating) starts a fresh editor.
        <TemplateEditor key={t.data.id} template={t.data} />
      )}
    </>
  );
}
