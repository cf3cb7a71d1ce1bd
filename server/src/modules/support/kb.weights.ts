import type { Db } from '../../platform/db/db.ts';
import { kbRepo, type RelatedRow, type Scope } from './kb.repo.ts';

/**
 * How much each word tells about a text's topic, from how many articles contain it (inverse document
 * frequency): "order" or "delivery", in half the articles, says little; "paypal", in one, says a lot, and a
 * word no article has ("cancel") says that the articles do not cover the question. Re-read from Postgres
 * (ts_stat) at most once a minute, in the background once there is a first figure.
 */
export class TermWeights {
  readonly db: Db;
  readonly ttlMs: number;
  private readonly cache = new Map<Scope, { at: number; n: number; df: Map<string, number>; refreshing: Promise<void> | undefined }>();

  constructor(db: Db, ttlMs = 60_000) {
    this.db = db;
    this.ttlMs = ttlMs;
  }

  private async load(scope: Scope): Promise<void> {
    const { n, df } = await kbRepo.docFreq(this.db, scope);
    this.cache.set(scope, { at: Date.now(), n, df, refreshing: undefined });
  }

  /** The weight of a word (≥ 1; the rarer in the articles, the higher). */
  async idf(scope: Scope): Promise<(lexeme: string) => number> {
    let c = this.cache.get(scope);
    if (!c) {
      await this.load(scope);
      c = this.cache.get(scope)!;
    } else if (Date.now() - c.at > this.ttlMs && !c.refreshing) {
      c.refreshing = this.load(scope).catch(() => {
        c!.refreshing = undefined;
      });
    }
    const { n, df } = c;
    return (l) => Math.log((n + 1) / ((df.get(l) ?? 0) + 1)) + 1;
  }

  /** Related articles re-ordered by the weighted share of the text's words they have (`coverage` becomes that share). */
  async rank(rows: RelatedRow[], scope: Scope): Promise<RelatedRow[]> {
    if (!rows.length) return rows;
    const idf = await this.idf(scope);
    const total = rows[0]!.lexemes.reduce((s, l) => s + idf(l), 0) || 1;
    return rows
      .map((r) => ({ ...r, coverage: r.matched.reduce((s, l) => s + idf(l), 0) / total }))
      .sort((a, b) => b.coverage - a.coverage || b.score - a.score || a.id.localeCompare(b.id));
  }
}
