import type { Logger } from 'pino';
import { audit, type Actor } from '../../platform/audit/audit.ts';
import type { Db, Executor } from '../../platform/db/db.ts';
import { HttpError, notFound } from '../../platform/http/problem.ts';
import { newId } from '../../platform/ids.ts';
import { LruCache } from '../../platform/lru.ts';
import { CompactLists } from './recs.lists.ts';
import type { Jobs } from '../../platform/jobs/jobs.ts';
import { getStoreSettings } from '../../platform/settings.ts';
import { evaluateRecs } from './recs.eval.ts';
import { buildRecsModel, DEFAULT_PARAMS, type Interaction, type Neighbour } from './recs.model.ts';
import { diversify, isMerchandise, recommendForBasket, recommendForCustomer, type ItemInfo, type RecReason, type Scored } from './recs.score.ts';
import { recsRepo, type ProductCard, type RecsItemsTable, type RecsModelsTable } from './recs.repo.ts';
import type { HistoryEntry } from './recs.score.ts';
import type { ProductRecommendations, Recommendation, RecommendationList, RecsEvaluation, RecsModelOut, RecsOverview } from './recs.schemas.ts';

export const RECS_BUILD_JOB = 'predict.recs.build';
const DAY = 86_400_000;
/** The backtest holds out this many days at the end of the store's history. */
const HOLDOUT_DAYS = 30;
/** The email block reads a shorter history than the API (the latest 60 lines, 20 views or adds). */
const EMAIL_HISTORY = { lines: 60, events: 20 };
/** Products whose lists a process keeps in memory (a list is a few KB; the lists change only when a build lands). */
const ITEM_CACHE_SIZE = 20_000;
/**
 * A build with lists for up to this many products is held whole in every serving process (compact:
 * ~60 neighbours and rules per product in typed arrays, about 15 MB at 20,000 products); a bigger one
 * is read per request through the LRU cache above.
 */
const PRELOAD_MAX_PRODUCTS = 250_000;
/** A failed preload is tried again after this long (the per-request path serves meanwhile). */
const PRELOAD_RETRY_MS = 60_000;

/** Which products: everything ranked together, only ones they have not bought, or only ones to buy again. */
export type RecsKind = 'all' | 'new' | 'again';

export type BuildTrigger = 'nightly' | 'manual' | 'demo' | 'api';

/** A product in an email (the `recommendations` Liquid variable). Money in minor units, like the other item variables. */
export interface RecommendationVars {
  id: string;
  title: string;
  sku: string | null;
  url: string | null;
  image_url: string | null;
  price: number | null;
  currency: string;
  reason: RecReason;
}

/** Product recommendations: builds the precomputed lists and answers requests by looking them up. */
export class RecsService {
  private readonly db: Db;
  private readonly jobs: Jobs;
  private readonly log: Logger;

  constructor(db: Db, jobs: Jobs, log: Logger) {
    this.db = db;
    this.jobs = jobs;
    this.log = log;
  }

  /**
   * Reads every order line (and the newest views and cart adds), builds the model and replaces the
   * lists in one transaction; then backtests it on the store's own history unless `evaluate` is false.
   */
  async build(trigger: BuildTrigger, opts: { actor?: Actor; evaluate?: boolean; now?: Date } = {}): Promise<RecsModelOut> {
    const started = performance.now();
    const now = opts.now ?? new Date();
    const products = await recsRepo.products(this.db);
    const byExternal = new Map<string, string>();
    const bySku = new Map<string, string>();
    const goods = new Set<string>();
    for (const p of products) {
      if (!byExternal.has(p.external_id)) byExternal.set(p.external_id, p.id);
      if (p.sku && !bySku.has(p.sku)) bySku.set(p.sku, p.id);
      if (p.status === 'active' && isMerchandise(p.sku ?? p.external_id, p.title)) goods.add(p.id);
    }
    const interactions: Interaction[] = [];
    for await (const page of recsRepo.orderLines(this.db, now)) for (const x of page) if (goods.has(x.product)) interactions.push(x);
    const behaviour = await recsRepo.behaviour(this.db, now, (ext, sku) => (ext ? byExternal.get(ext) : undefined) ?? (sku ? bySku.get(sku) : undefined));
    for (const x of behaviour) if (goods.has(x.product)) interactions.push(x);
    const countries = await recsRepo.countries(this.db);
    const segmentOf = (c: string) => {
      const country = countries.get(c);
      return country ? `country:${country}` : null;
    };
    const readMs = performance.now() - started;
    const model = buildRecsModel(interactions, { segmentOf });
    const modelMs = performance.now() - started - readMs;
    const row: RecsModelsTable = {
      id: newId(), status: model.stats.orders ? 'built' : 'empty', trigger, built_at: new Date(), as_of: model.asOf === null ? null : new Date(model.asOf),
      duration_ms: 0, stats: model.stats, params: model.params, evaluation: null,
    };
    await this.db.transaction().execute(async (tx) => {
      await recsRepo.lock(tx);
      await recsRepo.replace(tx, model, (p) => goods.has(p));
      row.duration_ms = Math.round(performance.now() - started);
      await recsRepo.insertModel(tx, row);
      this.latestCache = undefined;
      if (opts.actor) {
        await audit.record(tx, opts.actor, {
          action: 'predict.recs.built', entityType: 'recs_model', entityId: row.id,
          summary: `Rebuilt product recommendations from ${model.stats.orders} orders and ${model.stats.products} products`, after: model.stats,
        });
      }
    });
    this.log.info({ durationMs: row.duration_ms, readMs: Math.round(readMs), modelMs: Math.round(modelMs), ...model.stats }, `Product recommendations built (${trigger})`);
    if (opts.evaluate !== false && model.asOf !== null) {
      const evaluation = this.backtest(interactions, model.asOf, segmentOf);
      if (evaluation) {
        await recsRepo.setEvaluation(this.db, row.id, evaluation);
        row.evaluation = evaluation;
      }
    }
    return toModel(row);
  }

  /** The same evaluation as `npm run eval:recs`, on the store's own orders: the last 30 days held out. */
  private backtest(interactions: Interaction[], asOf: number, segmentOf: (c: string) => string | null): RecsEvaluation | null {
    const split = asOf - HOLDOUT_DAYS * DAY;
    const r = evaluateRecs({ interactions, split, isCustomer: (c) => !c.startsWith('order:'), segmentOf });
    if (!r.testCustomers || r.trainInteractions === 0) return null;
    return { split: new Date(split).toISOString().slice(0, 10), testCustomers: r.testCustomers, coldCustomers: r.coldCustomers, rows: r.rows, warmRows: r.warmRows };
  }

  /** Asks for a rebuild in the background (requests while one waits or runs coalesce). */
  async requestBuild(actor: Actor): Promise<{ queued: boolean; detail: string }> {
    await this.db.transaction().execute(async (tx) => {
      await this.jobs.enqueue(tx, RECS_BUILD_JOB, { trigger: 'manual' }, { jobKey: RECS_BUILD_JOB });
      await audit.record(tx, actor, { action: 'predict.recs.build-requested', entityType: 'recs_model', summary: 'Asked for product recommendations to be rebuilt' });
    });
    return { queued: true, detail: 'The recommendations are being rebuilt; the new lists replace the old ones when the build finishes.' };
  }

  async overview(): Promise<RecsOverview> {
    const [rows, jobs] = await Promise.all([recsRepo.models(this.db, 10), this.jobs.list(this.db, { task: RECS_BUILD_JOB, limit: 5 })]);
    return {
      latest: rows[0] ? toModel(rows[0]) : null,
      builds: rows.map((r) => {
        const { params: _p, evaluation: _e, ...rest } = toModel(r);
        return rest;
      }),
      building: jobs.some((j) => j.state === 'waiting' || j.state === 'running' || j.state === 'retrying'),
    };
  }

  /** A customer's top N (404 when there is no such customer). */
  async forCustomer(customerId: string, n: number, kind: RecsKind = 'all'): Promise<RecommendationList> {
    // The hot path: the customer's history in one round trip, the product lists and best-sellers
    // from this process's cache (read on a miss), then the cards to show.
    const now = new Date();
    const [got, model] = await Promise.all([recsRepo.customerHistory(this.db, customerId, now), this.latest()]);
    if (!got) throw notFound(`No customer with id ${customerId}.`);
    const segments = got.customer.country ? ['all', `country:${got.customer.country}`] : ['all'];
    const [items, popular] = model
      ? await Promise.all([this.cachedItems(this.db, model.id, got.history.map((h) => h.product)), this.cachedPopular(this.db, model.id, segments)])
      : [new Map<string, ItemInfo>(), new Map<string, Neighbour[]>()];
    return (await this.score(this.db, [got.customer], n, { model, histories: new Map([[customerId, got.history]]), popular, now, items }, kind)).get(customerId)!;
  }

  /** Top N of many customers at once (the email block builds a batch of hundreds). */
  async forCustomers(db: Executor, customers: { id: string; country: string | null }[], n: number, history?: { lines: number; events: number }): Promise<Map<string, RecommendationList>> {
    const now = new Date();
    const segments = ['all', ...new Set(customers.filter((c) => c.country).map((c) => `country:${c.country!}`))];
    const [model, histories] = await Promise.all([this.latest(db), recsRepo.histories(db, customers.map((c) => c.id), now, history)]);
    const popular = model ? await this.cachedPopular(db, model.id, segments) : new Map<string, Neighbour[]>();
    return this.score(db, customers, n, { model, histories, popular, now });
  }

  private async score(
    db: Executor, customers: { id: string; country: string | null }[], n: number,
    got: { model: RecsModelsTable | undefined; histories: Map<string, HistoryEntry[]>; popular: Map<string, Neighbour[]>; now: Date; items?: Map<string, ItemInfo> },
    kind: RecsKind = 'all',
  ): Promise<Map<string, RecommendationList>> {
    const { model, histories, popular, now } = got;
    const out = new Map<string, RecommendationList>();
    if (!model) {
      for (const c of customers) out.set(c.id, { items: [], reason: 'Recommendations have not been built yet: they are built every night, or from Predict › Recommendations.', modelBuiltAt: null });
      return out;
    }
    const touched = new Set<string>();
    for (const h of histories.values()) for (const e of h) touched.add(e.product);
    const items = got.items ?? (await this.cachedItems(db, model.id, touched));
    const lookup = (p: string) => items.get(p);
    const scored = new Map<string, Scored[]>();
    for (const c of customers) {
      const fallback = [c.country ? popular.get(`country:${c.country}`) : undefined, popular.get('all')].filter((x): x is Neighbour[] => x !== undefined);
      // More than asked: some may be gone since the build, and the category cap needs spares.
      const ranked = recommendForCustomer(lookup, { history: histories.get(c.id) ?? [], now: now.getTime(), n: 3 * n, fallback }, kind === 'new' ? { ...DEFAULT_PARAMS, maxBuyAgainShare: 0 } : DEFAULT_PARAMS);
      scored.set(c.id, ranked.filter((r) => (kind === 'all' ? true : kind === 'again' ? r.reason === 'buy-again' : r.reason !== 'buy-again')));
    }
    const cards = await this.cards(db, [...scored.values()].flat().map((s) => s.product));
    const stats = model.stats as { reason: string | null };
    const currency = await this.currency(db);
    for (const c of customers) {
      const list = diverse(toRecommendations(scored.get(c.id)!, cards, currency), n);
      const personal = list.some((r) => r.reason !== 'popular');
      const reason = !list.length
        ? (kind === 'again' ? 'Nothing this customer bought is a product customers often buy again.' : (stats.reason ?? 'Nothing to recommend: there are no products sold recently.'))
        : kind === 'again' ? null
        : personal ? null : (histories.get(c.id)?.length ? 'Nothing this customer did points to similar products yet: these are best-sellers.' : 'A new customer: these are best-sellers (in their country where there are enough buyers).');
      out.set(c.id, { items: list, reason, modelBuiltAt: model.built_at });
    }
    return out;
  }

  /** Similar products and products bought together with one product (404 when there is no such product). */
  async forProduct(productId: string, n: number): Promise<ProductRecommendations> {
    const model = await this.latest();
    const [found, items] = await Promise.all([recsRepo.existing(this.db, [productId]), model ? this.cachedItems(this.db, model.id, [productId]) : undefined]);
    if (!found.size) throw notFound(`No product with id ${productId}.`);
    if (!model) return { similar: [], boughtTogether: [], reason: 'Recommendations have not been built yet: they are built every night, or from Predict › Recommendations.', modelBuiltAt: null };
    const info = items?.get(productId);
    const similar: Scored[] = (info?.similar ?? []).map((s) => ({ product: s.product, score: s.score, reason: 'similar' }));
    const together = info?.boughtTogether ?? [];
    const cards = await this.cards(this.db, [...similar.map((s) => s.product), ...together.map((t) => t.product)]);
    const currency = await this.currency(this.db);
    const fbt = toRecommendations(together.map((t) => ({ product: t.product, score: t.confidence, reason: 'bought-together' as const })), cards, currency).slice(0, n);
    const rules = new Map(together.map((t) => [t.product, t]));
    for (const r of fbt) {
      r.confidence = rules.get(r.productId)?.confidence;
      r.lift = rules.get(r.productId)?.lift;
    }
    const sim = diverse(toRecommendations(similar, cards, currency), n);
    const reason = sim.length || fbt.length ? null : info ? 'Too few customers bought this product together with others to say what goes with it.' : 'This product was not in the last build (no sales yet, or not a product for sale, like postage).';
    return { similar: sim, boughtTogether: fbt, reason, modelBuiltAt: model.built_at };
  }

  /** What goes with a cart (404 naming any product id that does not exist). */
  async forCart(productIds: string[], n: number): Promise<RecommendationList> {
    const ids = [...new Set(productIds)];
    const model = await this.latest();
    const [found, items, popular] = await Promise.all([
      recsRepo.existing(this.db, ids), model ? this.cachedItems(this.db, model.id, ids) : undefined, model ? this.cachedPopular(this.db, model.id, ['all']) : undefined,
    ]);
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length) {
      throw new HttpError(404, 'not-found', 'Not found', `No product with id ${missing.join(', ')}: remove ${missing.length === 1 ? 'it' : 'them'} from the cart and ask again.`, {
        errors: productIds.flatMap((id, i) => (found.has(id) ? [] : [{ pointer: `/body/productIds/${i}`, detail: 'no product with this id' }])),
      });
    }
    if (!model || !items || !popular) return { items: [], reason: 'Recommendations have not been built yet: they are built every night, or from Predict › Recommendations.', modelBuiltAt: null };
    const scored = recommendForBasket((p) => items.get(p), ids, 3 * n, [popular.get('all') ?? []]);
    const cards = await this.cards(this.db, scored.map((s) => s.product));
    const list = diverse(toRecommendations(scored, cards, await this.currency(this.db)), n);
    const personal = list.some((r) => r.reason !== 'popular');
    return { items: list, reason: personal ? null : list.length ? 'Nothing in the cart was bought with other products often enough: these are best-sellers.' : 'Nothing to recommend yet.', modelBuiltAt: model.built_at };
  }

  /** The recommendations part of the email context: up to 6 products per customer (set-based, for a batch). */
  async contextSection(db: Executor, customerIds: string[]): Promise<Map<string, RecommendationVars[]>> {
    const out = new Map<string, RecommendationVars[]>();
    if (!customerIds.length) return out;
    const customers = await recsRepo.customersById(db, customerIds);
    // Every send batch builds this, whether the template uses it or not: a shorter history keeps it cheap.
    const lists = await this.forCustomers(db, customers, 6, EMAIL_HISTORY);
    for (const [id, l] of lists) {
      out.set(id, l.items.map((r) => ({ id: r.productId, title: r.title, sku: r.sku, url: r.url, image_url: r.imageUrl, price: r.price, currency: r.currency, reason: r.reason })));
    }
    return out;
  }

  /** Recommendations hold no row about a customer: the lists are aggregates over everyone, rebuilt nightly. */
  async exportCustomer(_customerId: string): Promise<Record<string, unknown>> {
    return {};
  }

  /** Nothing to erase: the next build (nightly) learns without the erased customer's orders and events. */
  async eraseCustomer(_customerId: string): Promise<{ deleted: number }> {
    return { deleted: 0 };
  }

  /**
   * The latest build's row, remembered for a few seconds: every request needs it, and a build in
   * another process shows here within that time (one in this process at once).
   */
  private latestCache: { at: number; row: RecsModelsTable | undefined } | undefined;
  private async latest(db: Executor = this.db): Promise<RecsModelsTable | undefined> {
    if (db !== this.db) return recsRepo.latestModel(db);
    if (this.latestCache && Date.now() - this.latestCache.at < 5_000) return this.latestCache.row;
    const row = await recsRepo.latestModel(db);
    this.latestCache = { at: Date.now(), row };
    return row;
  }

  private async itemInfo(db: Executor, ids: string[]): Promise<Map<string, ItemInfo>> {
    const rows = await recsRepo.items(db, ids);
    return new Map(rows.map((r) => [r.product_id, toInfo(r)]));
  }

  /**
   * The lists of a build, kept per process: they change only when a build lands, and a request
   * would otherwise read (and parse) a few KB per product in its history. Emptied when the latest
   * build changes; a product the build has no lists for is remembered as such.
   */
  private readonly itemCache = new LruCache<ItemInfo | null>(ITEM_CACHE_SIZE);
  private readonly popularCache = new LruCache<Neighbour[]>(1_000);
  private cachedModel: string | undefined;
  /** The whole build's lists, once loaded (see `preload`). */
  private lists: CompactLists | null = null;
  private preloading: { modelId: string; failedAt?: number; done?: Promise<void> } | undefined;

  private cacheFor(modelId: string): void {
    if (this.cachedModel !== modelId) {
      this.itemCache.clear();
      this.popularCache.clear();
      this.lists = null;
      this.cachedModel = modelId;
    }
    const p = this.preloading;
    if (!p || p.modelId !== modelId || (p.failedAt !== undefined && Date.now() - p.failedAt > PRELOAD_RETRY_MS)) this.preload(modelId);
  }

  /**
   * Reads every list of the build into this process, in the background, in one snapshot (a build
   * landing meanwhile cannot mix in): requests after that read no lists from the database and leave
   * the garbage collector nothing long-lived to copy. Until then they read through the LRU cache.
   */
  private preload(modelId: string): void {
    const state: NonNullable<typeof this.preloading> = { modelId };
    this.preloading = state;
    state.done = this.db.transaction().setIsolationLevel('repeatable read').execute(async (tx) => {
      if ((await recsRepo.latestModel(tx))?.id !== modelId) return null;
      if ((await recsRepo.itemCount(tx)) > PRELOAD_MAX_PRODUCTS) return null;
      const lists = new CompactLists(modelId);
      const PAGE_ROWS = 2_000;
      for (let after: string | null = null; ;) {
        const rows = await recsRepo.itemsPage(tx, after, PAGE_ROWS);
        for (const r of rows) {
          lists.add({
            productId: r.product_id, repurchaseRate: r.repurchase_rate, replenishable: r.replenishable, similarIds: r.similar_ids, similarScores: r.similar_scores,
            fbtIds: r.fbt_ids, fbtSupport: r.fbt_support, fbtConfidence: r.fbt_confidence, fbtLift: r.fbt_lift,
          });
        }
        if (rows.length < PAGE_ROWS) break;
        after = rows[rows.length - 1]!.product_id;
      }
      return lists;
    }).then((lists) => {
      if (lists && this.cachedModel === modelId) {
        this.lists = lists;
        this.itemCache.clear();
      }
    }, (e: unknown) => {
      state.failedAt = Date.now();
      this.log.warn({ err: e, modelId }, 'recommendations: could not load the lists into memory; reading them per request');
    });
  }

  /** Loads the latest build's lists now (a serving process's start), so its first requests need not wait for them. */
  async warm(): Promise<void> {
    const model = await this.latest();
    if (!model) return;
    this.cacheFor(model.id);
    await this.preloading?.done;
  }

  private async cachedItems(db: Executor, modelId: string, ids: Iterable<string>): Promise<Map<string, ItemInfo>> {
    this.cacheFor(modelId);
    const out = new Map<string, ItemInfo>();
    const lists = this.lists;
    if (lists && lists.modelId === modelId) {
      for (const id of ids) {
        if (out.has(id)) continue;
        const info = lists.get(id);
        if (info) out.set(id, info);
      }
      return out;
    }
    const missing: string[] = [];
    for (const id of new Set(ids)) {
      const hit = this.itemCache.get(id);
      if (hit) out.set(id, hit);
      else if (hit === undefined) missing.push(id);
    }
    if (!missing.length) return out;
    const fetched = await this.itemInfo(db, missing);
    // A build may have landed meanwhile: only the build the lists were asked for is cached.
    const keep = this.cachedModel === modelId;
    for (const id of missing) {
      const info = fetched.get(id);
      if (info) out.set(id, info);
      if (keep) this.itemCache.set(id, info ?? null);
    }
    return out;
  }

  private async cachedPopular(db: Executor, modelId: string, segments: string[]): Promise<Map<string, Neighbour[]>> {
    this.cacheFor(modelId);
    const out = new Map<string, Neighbour[]>();
    const missing = segments.filter((s) => {
      const hit = this.popularCache.get(s);
      if (hit) out.set(s, hit);
      return !hit;
    });
    if (!missing.length) return out;
    const fetched = await recsRepo.popular(db, missing);
    for (const s of missing) {
      const list = fetched.get(s) ?? [];
      out.set(s, list);
      if (this.cachedModel === modelId) this.popularCache.set(s, list);
    }
    return out;
  }

  private async cards(db: Executor, ids: string[]): Promise<Map<string, ProductCard>> {
    return recsRepo.cards(db, [...new Set(ids)]);
  }

  private currencyCache: { at: number; value: string } | undefined;
  private async currency(db: Executor): Promise<string> {
    // The store's currency changes rarely; read it at most once a minute.
    if (this.currencyCache && Date.now() - this.currencyCache.at < 60_000) return this.currencyCache.value;
    const value = (await getStoreSettings(db)).currency;
    this.currencyCache = { at: Date.now(), value };
    return value;
  }
}

function toInfo(r: RecsItemsTable): ItemInfo {
  return {
    similar: r.similar_ids.map((p, i) => ({ product: p, score: r.similar_scores[i] ?? 0 })),
    boughtTogether: r.fbt_ids.map((p, i) => ({ product: p, support: r.fbt_support[i] ?? 0, confidence: r.fbt_confidence[i] ?? 0, lift: r.fbt_lift[i] ?? 0 })),
    repurchaseRate: r.repurchase_rate, replenishable: r.replenishable, category: null,
  };
}

/** Scored ids → product cards, dropping products gone or inactive since the build; never NaN. */
function toRecommendations(scored: Scored[], cards: Map<string, ProductCard>, storeCurrency: string): Recommendation[] {
  const out: Recommendation[] = [];
  for (const s of scored) {
    const c = cards.get(s.product);
    if (!c) continue;
    out.push({
      productId: c.id, title: c.title, sku: c.sku, url: c.url, imageUrl: c.image_url, price: c.price, currency: c.currency ?? storeCurrency, category: c.category,
      score: Number.isFinite(s.score) ? Math.round(s.score * 1e4) / 1e4 : 0, reason: s.reason,
    });
  }
  return out;
}

/** At most `perCategory` of one category among the first n (by the product's first category). */
function diverse(list: Recommendation[], n: number): Recommendation[] {
  const byId = new Map(list.map((r) => [r.productId, r]));
  const picked = diversify(list.map((r) => ({ product: r.productId, score: r.score, reason: r.reason })), n, (p) => byId.get(p)?.category ?? null, DEFAULT_PARAMS.perCategory);
  return picked.map((x) => byId.get(x.product)!);
}

function toModel(r: RecsModelsTable): RecsModelOut {
  return {
    id: r.id, status: r.status, trigger: r.trigger, builtAt: r.built_at, asOf: r.as_of, durationMs: r.duration_ms,
    stats: r.stats as RecsModelOut['stats'], params: r.params as Record<string, unknown>, evaluation: (r.evaluation ?? null) as RecsEvaluation | null,
  };
}
