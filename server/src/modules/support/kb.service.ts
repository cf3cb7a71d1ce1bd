import { audit, type Actor } from '../../platform/audit/audit.ts';
import type { Db, Executor } from '../../platform/db/db.ts';
import { decodeCursor, encodeCursor, isDateString, isUuidString } from '../../platform/http/cursor.ts';
import { badRequest, conflict, HttpError, notFound } from '../../platform/http/problem.ts';
import { newId } from '../../platform/ids.ts';
import { markdownToText, renderMarkdown, slugify, snippetHtml } from './kb.markdown.ts';
import { kbRepo, wordsOf, type ArticleWithCategory, type HitRow, type Scope } from './kb.repo.ts';
import type {
  Article, ArticleStatus, ArticleSummary, Category, CreateArticleBody, CreateCategoryBody, ListArticlesQuery, SearchHit, SearchResult, Suggestion, UpdateArticleBody, UpdateCategoryBody,
} from './kb.schemas.ts';
import type { ArticleRow } from './kb.tables.ts';
import { TermWeights } from './kb.weights.ts';

/** Who wrote or changed an article, as shown on it. */
export interface Author {
  id: string | null;
  name: string;
}

interface Cursor {
  t: string;
  id: string;
}
const isCursor = (v: unknown): v is Cursor => typeof v === 'object' && v !== null && isDateString((v as Cursor).t) && isUuidString((v as Cursor).id);

type SummaryRow = Omit<ArticleRow, 'body' | 'body_text'> & { category_name: string | null };

const isSlugClash = (e: unknown) => {
  const pgErr = e as { code?: string; constraint?: string } | null | undefined;
  return pgErr?.code === '23505' && /^kb_(articles|categories)_slug_key$/.test(pgErr.constraint ?? '');
};

/**
 * Runs a create whose slug was checked free inside it: when another save took the same slug in the
 * meantime (the unique index says so), a slug made from the title is made again; one asked for is a 409.
 */
async function slugRace<T>(asked: boolean, run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (e) {
      if (!isSlugClash(e)) throw e;
      if (asked || attempt >= 5) throw new HttpError(409, 'slug-taken', 'Address already used', 'Another article or category took this address a moment ago: save again, or choose another address.', { errors: [{ pointer: '/body/slug', detail: 'is used by another one' }] });
    }
  }
}

/** Knowledge base: categories, articles with versions, publishing, search and suggestions. */
export class KbService {
  readonly db: Db;
  /** The public help-centre address of an article. */
  readonly articleUrl: (slug: string) => string;
  readonly weights: TermWeights;

  constructor(db: Db, articleUrl: (slug: string) => string, weights: TermWeights = new TermWeights(db)) {
    this.db = db;
    this.articleUrl = articleUrl;
    this.weights = weights;
  }

  // ---- categories ----
  async categories(): Promise<Category[]> {
    return (await kbRepo.categories(this.db)).map((c) => ({
      id: c.id, slug: c.slug, name: c.name, description: c.description, position: c.position, articleCount: c.article_count, publicCount: c.public_count, updatedAt: c.updated_at,
    }));
  }

  private async category(id: string): Promise<Category> {
    const c = (await this.categories()).find((x) => x.id === id);
    if (!c) throw notFound(`No knowledge-base category ${id}.`);
    return c;
  }

  async createCategory(actor: Actor, b: CreateCategoryBody): Promise<Category> {
    const id = newId();
    await slugRace(!!b.slug, () => this.db.transaction().execute(async (tx) => {
      const slug = await this.freeSlug(tx, 'kb_categories', b.slug, b.name, '/body/slug');
      await kbRepo.insertCategory(tx, { id, slug, name: b.name, description: b.description ?? '', position: await kbRepo.nextCategoryPosition(tx) });
      await audit.record(tx, actor, { action: 'kb.category.created', entityType: 'kb_category', entityId: id, summary: `Created help category "${b.name}"`, after: { ...b, slug } });
    }));
    return this.category(id);
  }

  async updateCategory(actor: Actor, id: string, b: UpdateCategoryBody): Promise<Category> {
    await slugRace(true, () => this.db.transaction().execute(async (tx) => {
      const before = await kbRepo.category(tx, id);
      if (!before) throw notFound(`No knowledge-base category ${id}.`);
      const slug = b.slug && b.slug !== before.slug ? await this.freeSlug(tx, 'kb_categories', b.slug, b.slug, '/body/slug', id) : undefined;
      await kbRepo.updateCategory(tx, id, { ...(b.name ? { name: b.name } : {}), ...(b.description !== undefined ? { description: b.description } : {}), ...(slug ? { slug } : {}) });
      await audit.record(tx, actor, { action: 'kb.category.updated', entityType: 'kb_category', entityId: id, summary: `Changed help category "${b.name ?? before.name}"`, before, after: b });
    }));
    return this.category(id);
  }

  /** Deletes a category; its articles stay, without a category. */
  async deleteCategory(actor: Actor, id: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      const before = await kbRepo.category(tx, id);
      if (!before) throw notFound(`No knowledge-base category ${id}.`);
      await kbRepo.deleteCategory(tx, id);
      await audit.record(tx, actor, { action: 'kb.category.deleted', entityType: 'kb_category', entityId: id, summary: `Deleted help category "${before.name}" (its articles stay, without a category)`, before });
    });
  }

  /** Sets the help centre's order of categories: `ids` must be every category exactly once. */
  async reorderCategories(actor: Actor, ids: string[]): Promise<Category[]> {
    await this.db.transaction().execute(async (tx) => {
      const all = await kbRepo.categories(tx);
      const known = new Set(all.map((c) => c.id));
      const given = new Set(ids);
      if (given.size !== ids.length || given.size !== known.size || ids.some((i) => !known.has(i))) {
        throw badRequest('List every category exactly once, in the new order.', [{ pointer: '/body/ids', detail: `must contain each of the ${known.size} category ids once` }]);
      }
      for (const [position, id] of ids.entries()) await kbRepo.updateCategory(tx, id, { position });
      await audit.record(tx, actor, { action: 'kb.category.reordered', entityType: 'kb_category', entityId: null, summary: 'Reordered help categories', after: { ids } });
    });
    return this.categories();
  }

  // ---- articles ----
  private summary(r: SummaryRow): ArticleSummary {
    return {
      id: r.id, slug: r.slug, title: r.title, categoryId: r.category_id, categoryName: r.category_name, status: r.status, internal: r.internal, version: r.version,
      authorName: r.author_name, publishedAt: r.published_at, createdAt: r.created_at, updatedAt: r.updated_at,
      url: r.status === 'published' && !r.internal ? this.articleUrl(r.slug) : null,
    };
  }

  private full(r: ArticleWithCategory): Article {
    return { ...this.summary(r), body: r.body, html: renderMarkdown(r.body) };
  }

  async get(id: string): Promise<Article> {
    const r = await kbRepo.article(this.db, id);
    if (!r) throw notFound(`No knowledge-base article ${id}.`);
    return this.full(r);
  }

  /** Newest change first; with `q`, ranked search results. */
  async list(f: ListArticlesQuery): Promise<{ items: ArticleSummary[]; nextCursor: string | null; search: SearchResult | null }> {
    if (f.q) {
      const search = await this.search(f.q, 'agent', f.limit);
      const rows = await Promise.all(search.items.map((h) => kbRepo.article(this.db, h.id)));
      const items = rows.filter((r): r is ArticleWithCategory => !!r)
        .filter((r) => (!f.status || r.status === f.status) && (!f.categoryId || r.category_id === f.categoryId) && (f.internal === undefined || r.internal === f.internal))
        .map((r) => this.summary(r));
      return { items, nextCursor: null, search };
    }
    const after = f.cursor ? decodeCursor(f.cursor, isCursor) : undefined;
    const rows = await kbRepo.list(this.db, { scope: 'agent', status: f.status, categoryId: f.categoryId, internal: f.internal }, f.limit + 1, after);
    const page = rows.slice(0, f.limit);
    const last = page[page.length - 1];
    return { items: page.map((r) => this.summary(r)), nextCursor: rows.length > f.limit && last ? encodeCursor({ t: last.updated_at.toISOString(), id: last.id }) : null, search: null };
  }

  async create(actor: Actor, author: Author, b: CreateArticleBody): Promise<Article> {
    const id = newId();
    await slugRace(!!b.slug, () => this.db.transaction().execute(async (tx) => {
      if (b.categoryId) await this.mustHaveCategory(tx, b.categoryId, '/body/categoryId');
      const slug = await this.freeSlug(tx, 'kb_articles', b.slug, b.title, '/body/slug');
      const body = b.body ?? '';
      const status: ArticleStatus = b.status ?? 'draft';
      const bodyText = markdownToText(body);
      await kbRepo.insertArticle(tx, {
        id, category_id: b.categoryId ?? null, slug, title: b.title, body, body_text: bodyText, status, internal: b.internal ?? false, version: 1,
        author_id: author.id, author_name: author.name, published_at: status === 'published' ? new Date() : null,
      });
      await kbRepo.addWords(tx, `${b.title} ${bodyText}`);
      await audit.record(tx, actor, { action: 'kb.article.created', entityType: 'kb_article', entityId: id, summary: `Created help article "${b.title}"${status === 'published' ? ' (published)' : ''}`, after: { title: b.title, slug, status, internal: b.internal ?? false } });
    }));
    return this.get(id);
  }

  async update(actor: Actor, author: Author, id: string, b: UpdateArticleBody): Promise<Article> {
    await slugRace(true, () => this.db.transaction().execute(async (tx) => {
      const before = await kbRepo.article(tx, id, true);
      if (!before) throw notFound(`No knowledge-base article ${id}.`);
      if (b.expectedVersion !== undefined && b.expectedVersion !== before.version) {
        throw conflict(`Someone saved version ${before.version} of this article while you were editing version ${b.expectedVersion}. Reload it, then make your change again.`, 'version-conflict');
      }
      if (b.categoryId) await this.mustHaveCategory(tx, b.categoryId, '/body/categoryId');
      const slug = b.slug && b.slug !== before.slug ? await this.freeSlug(tx, 'kb_articles', b.slug, b.slug, '/body/slug', id) : undefined;
      const title = b.title ?? before.title;
      const body = b.body ?? before.body;
      const contentChanged = title !== before.title || body !== before.body;
      const version = contentChanged ? before.version + 1 : before.version;
      const bodyText = body !== before.body ? markdownToText(body) : before.body_text;
      await kbRepo.updateArticle(tx, id, {
        title, body, body_text: bodyText, version, ...(slug ? { slug } : {}),
        ...(b.categoryId !== undefined ? { category_id: b.categoryId } : {}), ...(b.internal !== undefined ? { internal: b.internal } : {}),
      });
      if (contentChanged) {
        await kbRepo.addVersion(tx, { article_id: id, version, title, body, saved_by: author.name });
        await kbRepo.addWords(tx, `${title} ${bodyText}`);
      }
      await audit.record(tx, actor, {
        action: 'kb.article.updated', entityType: 'kb_article', entityId: id, summary: `Changed help article "${title}"${contentChanged ? ` (version ${version})` : ''}`,
        before: { title: before.title, slug: before.slug, categoryId: before.category_id, internal: before.internal, version: before.version },
        after: { title, slug: slug ?? before.slug, categoryId: b.categoryId ?? before.category_id, internal: b.internal ?? before.internal, version },
      });
    }));
    return this.get(id);
  }

  /** Publishes or unpublishes (back to draft). Idempotent. */
  async setStatus(actor: Actor, id: string, status: ArticleStatus): Promise<Article> {
    await this.db.transaction().execute(async (tx) => {
      const before = await kbRepo.article(tx, id, true);
      if (!before) throw notFound(`No knowledge-base article ${id}.`);
      if (before.status === status) return;
      await kbRepo.updateArticle(tx, id, { status, published_at: status === 'published' ? new Date() : before.published_at });
      await audit.record(tx, actor, { action: status === 'published' ? 'kb.article.published' : 'kb.article.unpublished', entityType: 'kb_article', entityId: id, summary: `${status === 'published' ? 'Published' : 'Unpublished'} help article "${before.title}"` });
    });
    return this.get(id);
  }

  async delete(actor: Actor, id: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      const before = await kbRepo.article(tx, id, true);
      if (!before) throw notFound(`No knowledge-base article ${id}.`);
      await kbRepo.deleteArticle(tx, id);
      await audit.record(tx, actor, { action: 'kb.article.deleted', entityType: 'kb_article', entityId: id, summary: `Deleted help article "${before.title}"`, before: { title: before.title, slug: before.slug, version: before.version } });
    });
  }

  async versions(id: string) {
    if (!(await kbRepo.article(this.db, id))) throw notFound(`No knowledge-base article ${id}.`);
    return (await kbRepo.versions(this.db, id)).map((v) => ({ version: v.version, title: v.title, body: v.body, savedBy: v.saved_by, savedAt: v.saved_at }));
  }

  /** Markdown as safe HTML (the editor's preview). */
  render(md: string): string {
    return renderMarkdown(md);
  }

  // ---- search ----
  private hit(h: HitRow): SearchHit {
    return {
      id: h.id, slug: h.slug, title: h.title, categoryId: h.category_id, categoryName: h.category_name, status: h.status, internal: h.internal,
      snippet: snippetHtml(h.snippet), score: Math.round(h.score * 10_000) / 10_000, url: h.status === 'published' && !h.internal ? this.articleUrl(h.slug) : null,
    };
  }

  /**
   * Ranked full-text search. When nothing matches as typed, misspelt words are replaced by the most similar
   * words of the articles (`correctedQuery` says so), and failing that, titles that look like the query.
   */
  async search(q: string, scope: Scope, limit = 20, offset = 0): Promise<SearchResult> {
    const words = wordsOf(q);
    if (!words.length) return { items: [], correctedQuery: null };
    const hits = await kbRepo.search(this.db, words, scope, limit, offset);
    if (hits.length || offset > 0) return { items: hits.map((h) => this.hit(h)), correctedQuery: null };
    const fixes = await kbRepo.corrections(this.db, words);
    if (fixes.size) {
      const fixed = words.map((w) => fixes.get(w) ?? w);
      const again = await kbRepo.search(this.db, fixed, scope, limit, 0);
      if (again.length) return { items: again.map((h) => this.hit(h)), correctedQuery: fixed.join(' ') };
    }
    const similar = await kbRepo.similarTitles(this.db, words.join(' '), scope, limit);
    return { items: similar.map((h) => this.hit(h)), correctedQuery: null };
  }

  /** Articles related to a longer text (a ticket's subject and body, a page, a question), best first. */
  async suggest(text: string, scope: Scope, limit = 5): Promise<Suggestion[]> {
    const t = text.slice(0, 20_000);
    if (!t.trim()) return [];
    // Weighted by how telling each word is; an article sharing a few common words with a ticket is noise, not a suggestion.
    const related = await kbRepo.related(this.db, t, scope, Math.max(limit * 3, 10));
    const rows = (await this.weights.rank(related, scope)).filter((r) => r.coverage >= 0.15).slice(0, limit);
    const snippets = await kbRepo.snippets(this.db, rows.map((r) => r.id), rows[0]?.query ?? '');
    return rows.map((r) => {
      const h = this.hit({ ...r, snippet: snippets.get(r.id) ?? '' });
      return { id: h.id, slug: h.slug, title: h.title, snippet: h.snippet, url: h.url, internal: h.internal, score: Math.round(r.coverage * 1000) / 1000 };
    });
  }

  // ---- helpers ----
  private async mustHaveCategory(db: Executor, id: string, pointer: string): Promise<void> {
    if (!(await kbRepo.category(db, id))) throw badRequest('The category does not exist (any more).', [{ pointer, detail: 'is not a knowledge-base category' }]);
  }

  /** A slug nobody has: the one asked for (a 409 if taken), or one made from the title with -2, -3… when needed. */
  private async freeSlug(db: Executor, table: 'kb_categories' | 'kb_articles', asked: string | undefined, from: string, pointer: string, exceptId?: string): Promise<string> {
    if (asked) {
      if (await kbRepo.slugTaken(db, table, asked, exceptId)) {
        const what = table === 'kb_articles' ? 'article' : 'category';
        throw new HttpError(409, 'slug-taken', 'Address already used', `The address "${asked}" is already used by another ${what}: choose another one.`, { errors: [{ pointer, detail: `is used by another ${what}` }] });
      }
      return asked;
    }
    const base = slugify(from);
    for (let n = 1; n < 1000; n++) {
      const s = n === 1 ? base : `${base.slice(0, 75)}-${n}`;
      if (!(await kbRepo.slugTaken(db, table, s, exceptId))) return s;
    }
    throw badRequest('Could not make a free address from this title; give a slug.', [{ pointer, detail: 'give a slug' }]);
  }
}
