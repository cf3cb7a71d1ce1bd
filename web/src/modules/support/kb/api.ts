import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { api } from '../../../lib/api.ts';
import type { Wire } from '../../../lib/wire.ts';
import type {
  Article as ArticleOut, ArticleSummary as SummaryOut, assistantAnswerSchema, Category as CategoryOut, CreateArticleBody, CreateCategoryBody, SearchResult as SearchOut, Suggestion as SuggestionOut,
  UpdateArticleBody, UpdateCategoryBody, versionSchema,
} from '../../../../../server/src/modules/support/kb.schemas.ts';

export type Article = Wire<ArticleOut>;
export type ArticleSummary = Wire<SummaryOut>;
export type Category = Wire<CategoryOut>;
export type SearchResult = Wire<SearchOut>;
export type SearchHit = SearchResult['items'][number];
export type Suggestion = Wire<SuggestionOut>;
export type Version = Wire<z.infer<typeof versionSchema>>;
export type AssistantAnswer = Wire<z.infer<typeof assistantAnswerSchema>>;
export interface ArticlePage {
  items: ArticleSummary[];
  nextCursor: string | null;
  search: SearchResult | null;
}
export interface ArticleFilters {
  q?: string | undefined;
  status?: 'draft' | 'published' | undefined;
  categoryId?: string | undefined;
  internal?: 'true' | 'false' | undefined;
}

const base = '/api/support/kb';

export const kbKeys = {
  all: ['kb'] as const,
  categories: ['kb', 'categories'] as const,
  articles: (f: ArticleFilters) => ['kb', 'articles', f] as const,
  article: (id: string) => ['kb', 'article', id] as const,
  versions: (id: string) => ['kb', 'article', id, 'versions'] as const,
  suggest: (text: string) => ['kb', 'suggest', text] as const,
  preview: (body: string) => ['kb', 'preview', body] as const,
};

export function useCategories() {
  return useQuery({ queryKey: kbKeys.categories, queryFn: ({ signal }) => api.get<{ items: Category[] }>(`${base}/categories`, { signal }), select: (d) => d.items });
}

export function useArticles(f: ArticleFilters) {
  return useInfiniteQuery({
    queryKey: kbKeys.articles(f),
    queryFn: ({ pageParam, signal }) => api.get<ArticlePage>(`${base}/articles`, { query: { ...f, cursor: pageParam, limit: 50 }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

export function useArticle(id: string) {
  return useQuery({ queryKey: kbKeys.article(id), queryFn: ({ signal }) => api.get<Article>(`${base}/articles/${id}`, { signal }) });
}

export function useVersions(id: string, enabled: boolean) {
  return useQuery({ queryKey: kbKeys.versions(id), queryFn: ({ signal }) => api.get<{ items: Version[] }>(`${base}/articles/${id}/versions`, { signal }), select: (d) => d.items, enabled });
}

/** The Markdown as the help centre will show it (rendered and sanitised by the server). */
export function usePreview(body: string) {
  return useQuery({
    queryKey: kbKeys.preview(body),
    queryFn: ({ signal }) => api.post<{ html: string }>(`${base}/preview`, { body }, { signal }),
    select: (d) => d.html,
    placeholderData: keepPreviousData,
    staleTime: Infinity,
  });
}

/** Articles that may answer a ticket: by its id, or by its subject and body. */
export function useSuggestions(q: { ticketId?: string | undefined; text?: string | undefined }, limit = 5) {
  const text = q.text?.trim().slice(0, 5000) ?? '';
  return useQuery({
    queryKey: [...kbKeys.suggest(text), q.ticketId ?? '', limit],
    queryFn: ({ signal }) => api.get<{ items: Suggestion[] }>(`${base}/suggest`, { query: { ticketId: q.ticketId, text: text || undefined, limit }, signal }),
    select: (d) => d.items,
    enabled: !!q.ticketId || !!text,
    staleTime: 60_000,
    placeholderData: keepPreviousData,
  });
}

function useInvalidate() {
  const qc = useQueryClient();
  return () => qc.invalidateQueries({ queryKey: kbKeys.all });
}

export function useSaveArticle() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (v: { id?: string; body: CreateArticleBody | UpdateArticleBody }) =>
      v.id ? api.patch<Article>(`${base}/articles/${v.id}`, v.body) : api.post<Article>(`${base}/articles`, v.body),
    onSuccess: invalidate,
  });
}

export function useArticleAction() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (v: { id: string; action: 'publish' | 'unpublish' | 'delete' }) =>
      v.action === 'delete' ? api.delete<null>(`${base}/articles/${v.id}`) : api.post<Article>(`${base}/articles/${v.id}/${v.action}`),
    onSuccess: invalidate,
  });
}

export function useSaveCategory() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (v: { id?: string; body: CreateCategoryBody | UpdateCategoryBody }) =>
      v.id ? api.patch<Category>(`${base}/categories/${v.id}`, v.body) : api.post<Category>(`${base}/categories`, v.body),
    onSuccess: invalidate,
  });
}

export function useDeleteCategory() {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: (id: string) => api.delete<null>(`${base}/categories/${id}`), onSuccess: invalidate });
}

export function useReorderCategories() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (ids: string[]) => api.post<{ items: Category[] }>(`${base}/categories/reorder`, { ids }),
    onSuccess: (d) => qc.setQueryData(kbKeys.categories, d),
  });
}

export function useTryAssistant() {
  return useMutation({
    mutationFn: (v: { question: string; conversation: { role: 'visitor' | 'assistant'; text: string; kind?: string }[] }) => api.post<AssistantAnswer>(`${base}/assistant/try`, v),
  });
}
