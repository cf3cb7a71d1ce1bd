import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../../platform/db/db.ts';
import { MARK_END, MARK_START } from './kb.markdown.ts';
import type { ArticleRow, CategoryRow } from './kb.tables.ts';

/** SQL of the knowledge base: categories, articles, versions, search and the typo word list. */

/** Who is looking: visitors see published public articles only; agents see everything. */
export type Scope = 'public' | 'agent';

export type ArticleWithCategory = ArticleRow & { category_name: string | null };

/** A related article: `coverage` is the share of the text's words (`lexemes`) it has (`matched`); no snippet yet (see `snippets`). */
export type RelatedRow = HitRow & { coverage: number; matched: string[]; lexemes: string[]; query: string };

export interface HitRow {
  id: string;
  slug: string;
  title: string;
  category_id: string | null;
  category_name: string | null;
  status: 'draft' | 'published';
  internal: boolean;
  score: number;
  snippet: string;
}

const HEADLINE = `StartSel=${MARK_START}, StopSel=${MARK_END}, MaxWords=32, MinWords=14, MaxFragments=2, FragmentDelimiter=" … "`;

/** Words (English stems) people write in tickets and questions that say nothing about the topic: greetings, sign-offs, "how long". */
const CHATTER = [
  'hello', 'hi', 'hey', 'dear', 'thank', 'thanks', 'regard', 'best', 'pleas', 'kind', 'sincer', 'cheer', 'help', 'question', 'hope', 'wonder', 'know', 'need', 'want',
  'would', 'could', 'get', 'tri', 'say', 'long', 'mani', 'soon', 'possibl', 'way', 'like', 'realli', 'actual', 'thing', 'someth', 'anyon', 'ok', 'okay',
];

/**
 * Words customers and help articles use for the same thing (English stems, as to_tsvector makes them):
 * a question about "shipping" finds the article about "delivery". Kept small and about online shops.
 */
export const SYNONYMS: string[][] = [
  ['ship', 'deliveri', 'dispatch', 'postag', 'courier'],
  ['parcel', 'packag'],
  ['broken', 'damag', 'faulti', 'defect', 'crack', 'smash'],
  ['cost', 'price', 'fee', 'charg'],
  ['refund', 'reimburs', 'repay'],
  ['track', 'trace'],
  ['size', 'dimens', 'measur'],
  ['pay', 'payment'],
  ['discount', 'coupon', 'voucher', 'promo'],
  ['invoic', 'receipt'],
  ['email', 'mail', 'newslett'],
  ['abroad', 'intern', 'oversea', 'worldwid'],
  ['late', 'delay', 'overdu'],
  ['exchang', 'swap', 'replac'],
  ['login', 'sign', 'password'],
  ['gift', 'present'],
];
const SYN_FROM = SYNONYMS.flatMap((g) => g.flatMap((a) => g.filter((b) => b !== a).map(() => a)));
const SYN_TO = SYNONYMS.flatMap((g) => g.flatMap((a) => g.filter((b) => b !== a)));

/** Postgres text cannot hold NUL: a visitor's message or a ticket with one must not fail the query. */
const noNul = (s: string) => s.replaceAll('\u0000', ' ');

function visible(scope: Scope, alias = 'a'): RawBuilder<unknown> {
  return scope === 'public' ? sql.raw(`${alias}.status = 'published' and not ${alias}.internal`) : sql.raw('true');
}

/**
 * A tsquery from what someone typed: every word must match (stemmed in English, or as written), the last
 * one also as a prefix (search as you type). Words are letters and digits only, so nothing can inject syntax.
 */
export function queryText(words: string[]): string {
  return words.map((w, i) => `'${w}'${i === words.length - 1 && w.length >= 3 ? ':*' : ''}`).join(' & ');
}

/** The words of a search: letters and digits, lower-cased, at most 12. */
export function wordsOf(q: string): string[] {
  return (q.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 12);
}

export const kbRepo = {
  // ---- categories ----
  async categories(db: Executor): Promise<(CategoryRow & { article_count: number; public_count: number })[]> {
    return (await sql<CategoryRow & { article_count: number; public_count: number }>`
      select c.*, count(a.id)::int as article_count, (count(a.id) filter (where a.status = 'published' and not a.internal))::int as public_count
      from kb_categories c left join kb_articles a on a.category_id = c.id
      group by c.id order by c.position, c.name`.execute(db)).rows;
  },

  category(db: Executor, id: string) {
    return db.selectFrom('kb_categories').selectAll().where('id', '=', id).executeTakeFirst();
  },

  categoryBySlug(db: Executor, slug: string) {
    return db.selectFrom('kb_categories').selectAll().where('slug', '=', slug).executeTakeFirst();
  },

  async slugTaken(db: Executor, table: 'kb_categories' | 'kb_articles', slug: string, exceptId?: string): Promise<boolean> {
    let q = db.selectFrom(table).select('id').where('slug', '=', slug);
    if (exceptId) q = q.where('id', '<>', exceptId);
    return !!(await q.executeTakeFirst());
  },

  async nextCategoryPosition(db: Executor): Promise<number> {
    const r = await db.selectFrom('kb_categories').select(sql<number>`coalesce(max(position), -1) + 1`.as('p')).executeTakeFirstOrThrow();
    return Number(r.p);
  },

  async insertCategory(db: Executor, row: { id: string; slug: string; name: string; description: string; position: number }): Promise<void> {
    await db.insertInto('kb_categories').values(row).execute();
  },

  async updateCategory(db: Executor, id: string, set: Partial<Pick<CategoryRow, 'slug' | 'name' | 'description' | 'position'>>): Promise<void> {
    await db.updateTable('kb_categories').set({ ...set, updated_at: new Date() }).where('id', '=', id).execute();
  },

  async deleteCategory(db: Executor, id: string): Promise<void> {
    await db.deleteFrom('kb_categories').where('id', '=', id).execute();
  },

  // ---- articles ----
  article(db: Executor, id: string, lock = false) {
    const q = db.selectFrom('kb_articles as a').leftJoin('kb_categories as c', 'c.id', 'a.category_id')
      .select(['a.id', 'a.category_id', 'a.slug', 'a.title', 'a.body', 'a.body_text', 'a.status', 'a.internal', 'a.version', 'a.author_id', 'a.author_name', 'a.published_at', 'a.created_at', 'a.updated_at', 'c.name as category_name'])
      .where('a.id', '=', id);
    return (lock ? q.forUpdate('a') : q).executeTakeFirst();
  },

  articleBySlug(db: Executor, slug: string, scope: Scope): Promise<ArticleWithCategory | undefined> {
    let q = db.selectFrom('kb_articles as a').leftJoin('kb_categories as c', 'c.id', 'a.category_id')
      .select(['a.id', 'a.category_id', 'a.slug', 'a.title', 'a.body', 'a.body_text', 'a.status', 'a.internal', 'a.version', 'a.author_id', 'a.author_name', 'a.published_at', 'a.created_at', 'a.updated_at', 'c.name as category_name'])
      .where('a.slug', '=', slug);
    if (scope === 'public') q = q.where('a.status', '=', 'published').where('a.internal', '=', false);
    return q.executeTakeFirst();
  },

  /** Articles newest change first, keyset-paginated by (updated_at, id). */
  list(db: Executor, f: { scope: Scope; status?: 'draft' | 'published' | undefined; categoryId?: string | undefined; internal?: boolean | undefined }, limit: number, after?: { t: string; id: string }) {
    let q = db.selectFrom('kb_articles as a').leftJoin('kb_categories as c', 'c.id', 'a.category_id')
      .select(['a.id', 'a.category_id', 'a.slug', 'a.title', 'a.status', 'a.internal', 'a.version', 'a.author_id', 'a.author_name', 'a.published_at', 'a.created_at', 'a.updated_at', 'c.name as category_name'])
      .where(visible(f.scope) as RawBuilder<boolean>);
    if (f.status) q = q.where('a.status', '=', f.status);
    if (f.categoryId) q = q.where('a.category_id', '=', f.categoryId);
    if (f.internal !== undefined) q = q.where('a.internal', '=', f.internal);
    if (after) q = q.where(sql<boolean>`(a.updated_at, a.id) < (${new Date(after.t)}, ${after.id}::uuid)`);
    return q.orderBy('a.updated_at', 'desc').orderBy('a.id', 'desc').limit(limit).execute();
  },

  /** Published public articles of a category, by title (help centre). */
  publicInCategory(db: Executor, categoryId: string) {
    return db.selectFrom('kb_articles').select(['id', 'slug', 'title', 'body_text', 'updated_at'])
      .where('category_id', '=', categoryId).where('status', '=', 'published').where('internal', '=', false)
      .orderBy('title').limit(500).execute();
  },

  async insertArticle(db: Executor, row: Omit<ArticleRow, 'created_at' | 'updated_at'>): Promise<void> {
    await db.insertInto('kb_articles').values(row).execute();
    await db.insertInto('kb_article_versions').values({ article_id: row.id, version: row.version, title: row.title, body: row.body, saved_by: row.author_name || 'unknown' }).execute();
  },

  async updateArticle(db: Executor, id: string, set: Partial<Omit<ArticleRow, 'id' | 'created_at' | 'updated_at'>>): Promise<void> {
    await db.updateTable('kb_articles').set({ ...set, updated_at: new Date() }).where('id', '=', id).execute();
  },

  async addVersion(db: Executor, v: { article_id: string; version: number; title: string; body: string; saved_by: string }): Promise<void> {
    await db.insertInto('kb_article_versions').values(v).execute();
  },

  versions(db: Executor, id: string) {
    return db.selectFrom('kb_article_versions').selectAll().where('article_id', '=', id).orderBy('version', 'desc').limit(200).execute();
  },

  async deleteArticle(db: Executor, id: string): Promise<void> {
    await db.deleteFrom('kb_articles').where('id', '=', id).execute();
  },

  /** Adds an article's words to the typo-correction list (in sorted order: two saves at once cannot deadlock). */
  async addWords(db: Executor, text: string): Promise<void> {
    await sql`
      insert into kb_words (word)
      select lexeme from unnest(to_tsvector('simple', ${text}))
      where length(lexeme) between 3 and 40 and lexeme !~ '^[0-9]+$'
      order by lexeme
      on conflict do nothing`.execute(db);
  },

  // ---- search ----
  /** Ranked full-text search: every word must match; snippets with the matches marked. */
  async search(db: Executor, words: string[], scope: Scope, limit: number, offset = 0): Promise<HitRow[]> {
    if (!words.length) return [];
    const text = queryText(words);
    return (await sql<HitRow>`
      with q as (select to_tsquery('english', ${text}) || to_tsquery('simple', ${text}) as query),
      hits as (
        select a.id, a.slug, a.title, a.category_id, a.status, a.internal, a.body_text, ts_rank_cd(a.search, q.query, 32) as score
        from kb_articles a, q
        where a.search @@ q.query and ${visible(scope)}
        order by score desc, a.updated_at desc, a.id
        limit ${limit} offset ${offset}
      )
      select h.id, h.slug, h.title, h.category_id, c.name as category_name, h.status, h.internal, h.score::float8 as score,
        ts_headline('english', h.body_text, q.query, ${HEADLINE}) as snippet
      from hits h cross join q left join kb_categories c on c.id = h.category_id
      order by h.score desc, h.id`.execute(db)).rows.map((r) => ({ ...r, score: Number(r.score) }));
  },

  /** For each word not in any article: the most similar word that is (trigram similarity ≥ 0.3), if any. */
  async corrections(db: Executor, words: string[]): Promise<Map<string, string>> {
    const rows = (await sql<{ word: string; fix: string | null }>`
      select w.t as word,
        (select k.word from kb_words k where k.word % w.t order by similarity(k.word, w.t) desc, k.word limit 1) as fix
      from unnest(${words}::text[]) w(t)
      where length(w.t) >= 3 and w.t !~ '^[0-9]+$' and not exists (select 1 from kb_words k where k.word = w.t)`.execute(db)).rows;
    return new Map(rows.filter((r) => r.fix).map((r) => [r.word, r.fix!]));
  },

  /** Last resort for a query that matched nothing: titles that look like it (trigram similarity). */
  async similarTitles(db: Executor, q: string, scope: Scope, limit: number): Promise<HitRow[]> {
    return (await sql<HitRow>`
      select a.id, a.slug, a.title, a.category_id, c.name as category_name, a.status, a.internal,
        word_similarity(${q}, lower(a.title))::float8 as score, left(a.body_text, 200) as snippet
      from kb_articles a left join kb_categories c on c.id = a.category_id
      where ${q} <% lower(a.title) and ${visible(scope)}
      order by score desc, a.id limit ${limit}`.execute(db)).rows.map((r) => ({ ...r, score: Number(r.score) }));
  },

  /**
   * Articles related to a longer text (a ticket, a page, a visitor's question): any of its 30 most frequent
   * meaningful words may match; ranked by how many of them an article has and how often (title counts more).
   * `coverage` is the share of the text's words the article has (the assistant's confidence).
   */
  async related(db: Executor, raw: string, scope: Scope, limit: number): Promise<RelatedRow[]> {
    const text = noNul(raw);
    return (await sql<RelatedRow>`
      with terms as (
        select lexeme from unnest(to_tsvector('english', ${text}))
        -- Codes and numbers (SPRING10, 536365) name things, not topics.
        where length(lexeme) >= 2 and lexeme !~ '[0-9]' and lexeme <> all(${CHATTER}::text[])
        order by coalesce(array_length(positions, 1), 1) desc, lexeme limit 30
      ),
      -- Each word with its synonyms ("shipping" also finds "delivery"): one group, one tsquery.
      groups as (
        select t.lexeme as key, (
          select string_agg(quote_literal(m), ' | ')
          from (select t.lexeme as m union select s.b from unnest(${SYN_FROM}::text[], ${SYN_TO}::text[]) s(a, b) where s.a = t.lexeme) x
        )::tsquery as tq
        from terms t
      ),
      q as (select string_agg(g.tq::text, ' | ')::tsquery as query, array_agg(g.key order by g.key) as lexemes from groups g),
      -- Coverage is dear (one match per word): worked out for the 200 best by rank only.
      cand as (
        select a.id, a.slug, a.title, a.category_id, a.status, a.internal, a.body_text, a.search, ts_rank(a.search, q.query, 32) as rank
        from kb_articles a, q
        where q.query is not null and a.search @@ q.query and ${visible(scope)}
        order by rank desc, a.id
        limit 200
      ),
      hits as (
        select c.*, array(select g.key from groups g where c.search @@ g.tq order by g.key) as matched
        from cand c
      ),
      best as (
        select h.*, cardinality(h.matched)::float8 / greatest(cardinality(q.lexemes), 1) as coverage
        from hits h, q
        order by coverage desc, rank desc, h.id
        limit ${limit}
      )
      select h.id, h.slug, h.title, h.category_id, c.name as category_name, h.status, h.internal, h.rank::float8 as score, h.coverage, h.matched, q.lexemes,
        q.query::text as query, '' as snippet
      from best h cross join q left join kb_categories c on c.id = h.category_id
      order by h.coverage desc, h.rank desc, h.id`.execute(db)).rows.map((r) => ({ ...r, score: Number(r.score), coverage: Number(r.coverage) }));
  },

  /** Snippets of some articles for a query `related` returned (only for the ones shown: ts_headline is dear). */
  async snippets(db: Executor, ids: string[], query: string): Promise<Map<string, string>> {
    if (!ids.length || !query) return new Map();
    const rows = (await sql<{ id: string; snippet: string }>`
      select id, ts_headline('english', body_text, ${query}::tsquery, ${HEADLINE}) as snippet from kb_articles where id = any(${ids}::uuid[])`.execute(db)).rows;
    return new Map(rows.map((r) => [r.id, r.snippet]));
  },

  /** In how many articles each word occurs (english lexemes and title words), and how many articles there are. */
  async docFreq(db: Executor, scope: Scope): Promise<{ n: number; df: Map<string, number> }> {
    const where = scope === 'public' ? ` where status = ''published'' and not internal` : '';
    const [stat, count] = await Promise.all([
      sql<{ word: string; ndoc: number }>`select word, ndoc from ts_stat(${sql.raw(`'select search from kb_articles${where}'`)})`.execute(db),
      sql<{ n: number }>`select count(*)::int as n from kb_articles a where ${visible(scope)}`.execute(db),
    ]);
    return { n: count.rows[0]?.n ?? 0, df: new Map(stat.rows.map((r) => [r.word, Number(r.ndoc)])) };
  },

  /** The paragraph of an article's text that best answers a question (index into `paras`), or -1. */
  async bestPassage(db: Executor, raw: string, paras: string[]): Promise<number> {
    if (!paras.length) return -1;
    const question = noNul(raw);
    const r = await sql<{ i: number; rank: number }>`
      with t as (
        select lexeme from unnest(to_tsvector('english', ${question})) where lexeme <> all(${CHATTER}::text[])
        union select s.b from unnest(to_tsvector('english', ${question})) v join unnest(${SYN_FROM}::text[], ${SYN_TO}::text[]) s(a, b) on s.a = v.lexeme
      ),
      q as (select string_agg(quote_literal(lexeme), ' | ')::tsquery as query from t)
      select (p.i - 1)::int as i, ts_rank_cd(setweight(to_tsvector('english', p.t), 'B'), q.query)::float8 as rank
      from unnest(${paras}::text[]) with ordinality p(t, i), q
      where q.query is not null
      order by rank desc, p.i limit 1`.execute(db);
    const best = r.rows[0];
    return best && Number(best.rank) > 0 ? best.i : -1;
  },
};
