import { z } from 'zod';

// Shared with the web client: knowledge-base categories, articles, search and suggestions.

export const articleStatusSchema = z.enum(['draft', 'published']);
export type ArticleStatus = z.infer<typeof articleStatusSchema>;

// Control characters are the search snippets' markers: never part of a title or body.
// eslint-disable-next-line no-control-regex -- control characters are exactly what is removed here
const noControl = (s: string) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(s);
const title = z.string().trim().min(1, 'is required').max(200, 'must be at most 200 characters').refine(noControl, 'must not contain control characters');
const body = z.string().max(200_000, 'must be at most 200,000 characters').refine(noControl, 'must not contain control characters');
const slug = z.string().trim().toLowerCase().min(1, 'is required').max(80, 'must be at most 80 characters')
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'may only contain lower-case letters, digits and single dashes (like "return-policy")');
const categoryId = z.guid({ error: 'must be a category id' });

export const categorySchema = z.object({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  description: z.string(),
  position: z.number().int(),
  articleCount: z.number().int().describe('All articles, drafts and internal ones included'),
  publicCount: z.number().int().describe('Published articles visitors can see'),
  updatedAt: z.date(),
});
export type Category = z.infer<typeof categorySchema>;

export const createCategoryBody = z.strictObject({
  name: z.string().trim().min(1, 'is required').max(100, 'must be at most 100 characters'),
  slug: slug.optional().describe('Default: made from the name'),
  description: z.string().trim().max(500, 'must be at most 500 characters').optional(),
});
export type CreateCategoryBody = z.infer<typeof createCategoryBody>;
export const updateCategoryBody = createCategoryBody.partial();
export type UpdateCategoryBody = z.infer<typeof updateCategoryBody>;
export const reorderCategoriesBody = z.strictObject({
  ids: z.array(categoryId).min(1, 'must list the categories').max(500).describe('Every category id, in the order the help centre shows them'),
});

export const articleSummarySchema = z.object({
  id: z.string(),
  slug: z.string(),
  title: z.string(),
  categoryId: z.string().nullable(),
  categoryName: z.string().nullable(),
  status: articleStatusSchema,
  internal: z.boolean().describe('For agents only: never in the help centre, the chat widget or the assistant'),
  version: z.number().int().describe('Goes up with every saved change of title or body'),
  authorName: z.string(),
  publishedAt: z.date().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
  url: z.string().nullable().describe('The public help-centre address (published public articles only)'),
});
export type ArticleSummary = z.infer<typeof articleSummarySchema>;

export const articleSchema = articleSummarySchema.extend({
  body: z.string().describe('Markdown'),
  html: z.string().describe('The body rendered to safe HTML'),
});
export type Article = z.infer<typeof articleSchema>;

export const createArticleBody = z.strictObject({
  title,
  body: body.default(''),
  categoryId: categoryId.nullable().optional(),
  slug: slug.optional().describe('Default: made from the title'),
  internal: z.boolean().optional(),
  status: articleStatusSchema.optional().describe('Default: draft'),
});
export type CreateArticleBody = z.input<typeof createArticleBody>;

export const updateArticleBody = z.strictObject({
  title: title.optional(),
  body: body.optional(),
  categoryId: categoryId.nullable().optional(),
  slug: slug.optional(),
  internal: z.boolean().optional(),
  expectedVersion: z.number().int().min(1).optional().describe('The version you edited: a 409 if someone saved a newer one meanwhile'),
});
export type UpdateArticleBody = z.infer<typeof updateArticleBody>;

export const listArticlesQuery = z.strictObject({
  q: z.string().trim().max(200, 'must be at most 200 characters').optional().describe('Full-text search (ranked) instead of newest first'),
  status: articleStatusSchema.optional(),
  categoryId: categoryId.optional(),
  internal: z.enum(['true', 'false']).optional().transform((v) => (v === undefined ? undefined : v === 'true')),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
});
export type ListArticlesQuery = z.infer<typeof listArticlesQuery>;

export const searchHitSchema = z.object({
  id: z.string(),
  slug: z.string(),
  title: z.string(),
  categoryId: z.string().nullable(),
  categoryName: z.string().nullable(),
  status: articleStatusSchema,
  internal: z.boolean(),
  snippet: z.string().describe('Safe HTML: the best passage with the matched words in <mark>'),
  score: z.number().describe('Relevance, 0..1'),
  url: z.string().nullable(),
});
export type SearchHit = z.infer<typeof searchHitSchema>;

export const searchResultSchema = z.object({
  items: z.array(searchHitSchema),
  correctedQuery: z.string().nullable().describe('When nothing matched as typed: the query with misspelt words corrected, whose results these are'),
});
export type SearchResult = z.infer<typeof searchResultSchema>;

export const articleListSchema = z.object({
  items: z.array(articleSummarySchema),
  nextCursor: z.string().nullable(),
  search: searchResultSchema.nullable().describe('With q: the ranked hits (items then holds the same articles in rank order)'),
});

export const versionSchema = z.object({ version: z.number().int(), title: z.string(), body: z.string(), savedBy: z.string(), savedAt: z.date() });

export const suggestQuery = z.strictObject({
  ticketId: z.guid({ error: 'must be a ticket id' }).optional(),
  text: z.string().max(20_000, 'must be at most 20,000 characters').optional().describe('Subject and body of what the customer wrote'),
  limit: z.coerce.number().int().min(1).max(20).default(5),
}).refine((q) => !!q.ticketId || !!q.text?.trim(), { message: 'give a ticketId or some text', path: ['text'] });

export const publicSuggestQuery = z.strictObject({
  q: z.string().max(1000, 'must be at most 1,000 characters').optional().describe('The visitor’s question'),
  url: z.string().max(2000).optional().describe('The page the visitor is on'),
  title: z.string().max(500).optional().describe('That page’s title'),
  limit: z.coerce.number().int().min(1).max(10).default(3),
});

export const suggestionSchema = z.object({ id: z.string(), slug: z.string(), title: z.string(), snippet: z.string(), url: z.string().nullable(), internal: z.boolean(), score: z.number() });
export type Suggestion = z.infer<typeof suggestionSchema>;

export const assistantTurnSchema = z.object({
  role: z.enum(['visitor', 'assistant', 'agent']),
  text: z.string().max(5000),
  kind: z.string().max(30).optional().describe('For assistant turns: the kind of answer it was'),
});

export const assistantTryBody = z.strictObject({
  question: z.string().trim().min(1, 'is required').max(2000, 'must be at most 2,000 characters'),
  conversation: z.array(assistantTurnSchema).max(100).default([]),
});

export const assistantAnswerSchema = z.object({
  kind: z.enum(['answer', 'order-status', 'verify', 'handover', 'no-answer']),
  text: z.string(),
  sources: z.array(z.object({ articleId: z.string(), title: z.string(), url: z.string().nullable() })),
  confidence: z.number().optional(),
  order: z.object({
    number: z.string(), status: z.string(), placedAt: z.string(), total: z.number(), currency: z.string(),
    items: z.array(z.object({ title: z.string(), quantity: z.number() })), trackingUrl: z.string().nullable(),
  }).optional(),
});
