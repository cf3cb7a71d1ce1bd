import type { Db } from '../../platform/db/db.ts';
import { storeVars } from '../messaging/index.ts';
import { renderMarkdown } from './kb.markdown.ts';
import { kbRepo } from './kb.repo.ts';
import type { KbService } from './kb.service.ts';
import { articlePage, categoryPage, homePage, notFoundPage, searchPage, type HelpArticleLink, type HelpBrand } from './helpcentre.pages.ts';

const excerpt = (text: string, max = 160) => {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length <= max ? t : `${t.slice(0, max).replace(/\s+\S*$/, '')}…`;
};

/** The public help centre's pages: published public articles only (no drafts, nothing internal). */
export class HelpCentre {
  readonly db: Db;
  readonly kb: KbService;
  private brandCache: { at: number; brand: HelpBrand } | undefined;

  constructor(db: Db, kb: KbService) {
    this.db = db;
    this.kb = kb;
  }

  /** The store's name, colour and logo (re-read at most once a minute). */
  async brand(): Promise<HelpBrand> {
    if (this.brandCache && Date.now() - this.brandCache.at < 60_000) return this.brandCache.brand;
    const { vars } = await storeVars(this.db);
    const color = vars.brand_color && /^#[0-9a-f]{6}$/i.test(vars.brand_color) ? vars.brand_color : '#1f2937';
    const logoUrl = vars.logo_url && /^https:\/\//.test(vars.logo_url) ? vars.logo_url : null;
    const storeUrl = vars.url && /^https?:\/\//.test(vars.url) ? vars.url : null;
    const brand = { storeName: vars.name, color, logoUrl, storeUrl };
    this.brandCache = { at: Date.now(), brand };
    return brand;
  }

  async home(): Promise<string> {
    const cats = (await kbRepo.categories(this.db)).filter((c) => c.public_count > 0);
    const withTop = await Promise.all(cats.map(async (c) => {
      const items = await kbRepo.publicInCategory(this.db, c.id);
      return { slug: c.slug, name: c.name, description: c.description, count: items.length, top: items.slice(0, 5).map((a) => ({ slug: a.slug, title: a.title })) };
    }));
    const loose = await kbRepo.list(this.db, { scope: 'public' }, 200);
    const uncategorised = loose.filter((a) => !a.category_id).map((a) => ({ slug: a.slug, title: a.title, excerpt: '' }));
    return homePage(await this.brand(), withTop, uncategorised);
  }

  /** A category page, or undefined when there is no such category with public articles. */
  async category(slug: string): Promise<string | undefined> {
    const c = await kbRepo.categoryBySlug(this.db, slug);
    if (!c) return undefined;
    const items: HelpArticleLink[] = (await kbRepo.publicInCategory(this.db, c.id)).map((a) => ({ slug: a.slug, title: a.title, excerpt: excerpt(a.body_text) }));
    return categoryPage(await this.brand(), c, items);
  }

  async article(slug: string): Promise<string | undefined> {
    const a = await kbRepo.articleBySlug(this.db, slug, 'public');
    if (!a) return undefined;
    const category = a.category_id ? await kbRepo.category(this.db, a.category_id) : undefined;
    const related = (await this.kb.suggest(`${a.title} ${a.title} ${a.body_text.slice(0, 2000)}`, 'public', 4)).filter((s) => s.id !== a.id).slice(0, 3)
      .map((s) => ({ slug: s.slug, title: s.title, excerpt: '' }));
    return articlePage(await this.brand(), {
      title: a.title, html: renderMarkdown(a.body), updatedAt: a.updated_at, category: category ? { slug: category.slug, name: category.name } : null, canonical: this.kb.articleUrl(a.slug),
      description: excerpt(a.body_text, 155),
    }, related);
  }

  async search(q: string): Promise<string> {
    const r = q.trim() ? await this.kb.search(q, 'public', 30) : { items: [], correctedQuery: null };
    return searchPage(await this.brand(), q, r.items.map((h) => ({ slug: h.slug, title: h.title, categoryName: h.categoryName, snippet: h.snippet })), r.correctedQuery);
  }

  async notFound(): Promise<string> {
    return notFoundPage(await this.brand());
  }
}
