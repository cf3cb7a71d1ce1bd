import { IconBook2 } from '@tabler/icons-react';
import { getRouteApi } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { BackLink } from '../../../components/BackLink.tsx';
import { DetailStates, NotFound } from '../../../components/DetailStates.tsx';
import { RequirePermission } from '../../../components/RequirePermission.tsx';
import { ArticleEditor } from '../../../modules/support/kb/ArticleEditor.tsx';
import { useArticle } from '../../../modules/support/kb/api.ts';

const route = getRouteApi('/app/support/kb/$id');

export function NewKbArticlePage(): ReactNode {
  return (
    <RequirePermission permission="support:write">
      <BackLink to="/support/kb" label="Knowledge base" />
      <ArticleEditor />
    </RequirePermission>
  );
}

export function KbArticlePage(): ReactNode {
  return (
    <RequirePermission permission="support:read">
      <ArticleLoader />
    </RequirePermission>
  );
}

function ArticleLoader() {
  const { id } = route.useParams();
  const a = useArticle(id);
  return (
    <>
      <BackLink to="/support/kb" label="Knowledge base" />
      <DetailStates
        query={a}
        notFound={<NotFound icon={<IconBook2 size={24} />} title="No such article" description="There is no article at this address: it may have been deleted, or the link is mistyped." to="/support/kb" label="All articles" />}
      >
        {(article) => <ArticleEditor key={article.id} article={article} />}
      </DetailStates>
    </>
  );
}
