import { IconTemplate } from '@tabler/icons-react';
import { getRouteApi } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { BackLink } from '../../components/BackLink.tsx';
import { DetailStates, NotFound } from '../../components/DetailStates.tsx';
import { RequirePermission } from '../../components/RequirePermission.tsx';
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
      <DetailStates
        query={t}
        notFound={<NotFound icon={<IconTemplate size={24} />} title="No such template" description="There is no template at this address. The link may be mistyped." to="/templates" label="All templates" />}
      >
        {/* Keyed by id: opening another template (after duplicating) starts a fresh editor. */}
        {(template) => <TemplateEditor key={template.id} template={template} />}
      </DetailStates>
    </>
  );
}
