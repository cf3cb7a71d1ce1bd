import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { gzipLines, UCI_CSV } from '../e2e/data.ts';
import { buildPatron } from '../server/src/app.ts';
import { loadConfig } from '../server/src/config.ts';
import { CLI_ACTOR } from '../server/src/platform/audit/audit.ts';
import { createLogger } from '../server/src/platform/log.ts';
import { KB_DEMO } from '../server/src/modules/support/kb.demo.ts';
import { fmt, type Bench } from './lib.ts';

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
}

/** A small seeded PRNG (mulberry32): the same articles every run. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Product names of the real UCI Online Retail shop (the first few thousand distinct ones). */
export async function productNames(max: number): Promise<string[]> {
  const names = new Set<string>();
  for await (const line of gzipLines(UCI_CSV)) {
    const d = line.split(',')[2]?.replace(/"/g, '').trim();
    if (d && /^[A-Z0-9 '&.-]{6,}$/.test(d)) names.add(d.toLowerCase().replace(/\b\w/g, (c) => c.toUpperCase()));
    if (names.size >= max) break;
  }
  return [...names];
}

/**
 * Articles that read like a real help centre's: the demo articles' paragraphs recombined around the shop's
 * real product names (care guides, sizing, delivery of a product), 200–900 words each.
 */
export function makeArticles(n: number, products: string[], seed: number): { title: string; body: string; category: number; internal: boolean }[] {
  const r = rng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)]!;
  const paras = KB_DEMO.flatMap((c, ci) => c.articles.flatMap((a) => a.body.split(/\n\n+/).filter((p) => p.length > 60).map((p) => ({ p, ci }))));
  const kinds = ['Care guide', 'Size and dimensions', 'Delivery and returns', 'Frequently asked questions', 'Gift ideas', 'Troubleshooting'];
  const out = [];
  for (let i = 0; i < n; i++) {
    const product = pick(products);
    const category = Math.floor(r() * KB_DEMO.length);
    const own = paras.filter((x) => x.ci === category);
    const count = 6 + Math.floor(r() * 14);
    const body = [`Everything about the **${product}**: ${pick(kinds).toLowerCase()}.`];
    for (let k = 0; k < count; k++) {
      if (r() < 0.3) body.push(`## ${pick(kinds)}`);
      body.push(pick(r() < 0.7 ? own : paras).p.replace(/our items?|the item|your items?/gi, `the ${product}`));
    }
    out.push({ title: `${pick(kinds)}: ${product}${i % 7 === 0 ? ` (${2020 + (i % 6)} edition)` : ''}`, body: body.join('\n\n'), category, internal: r() < 0.05 });
  }
  return out;
}

/** Knowledge-base search at N articles (default 5,000): ranked full-text with snippets, typo correction, suggestions. */
export const bench: Bench = {
  name: 'support-kb',
  description: 'Knowledge-base search over HTTP at --articles N (default 5,000): words, phrases, prefixes, typos, ticket suggestions; target p95 < 50 ms',
  async run(opts) {
    const n = Number(opts.flags.articles ?? 5000);
    const dir = path.resolve(`.bench-data/support-kb-${n}`);
    fs.mkdirSync(dir, { recursive: true });
    const config = { ...loadConfig({ ...process.env, PATRON_DATA_DIR: dir, PATRON_LOG_LEVEL: 'warn' }), port: 0, poolSize: 10 };
    const patron = await buildPatron(config, createLogger('warn', false), { http: true, worker: false, role: 'owner' });
    const notes: string[] = [];
    try {
      const db = patron.dbh.db;
      const kb = patron.modules.support.kb.service;
      const have = Number((await sql<{ n: number }>`select count(*)::int as n from kb_articles`.execute(db)).rows[0]?.n ?? 0);
      if (have < n) {
        if (have > 0) throw new Error(`${dir} holds ${have} articles; delete it to regenerate ${n}`);
        const t0 = performance.now();
        const cats: { id: string }[] = [];
        for (const c of KB_DEMO) cats.push(await kb.createCategory(CLI_ACTOR, { name: c.name, description: c.description }));
        const articles = makeArticles(n, await productNames(3000), 42);
        const author = { id: null, name: 'bench' };
        // Through the service (versions, word list, audit), four at a time.
        for (let i = 0; i < articles.length; i += 4) {
          await Promise.all(articles.slice(i, i + 4).map((a) => kb.create(CLI_ACTOR, author, { title: a.title, body: a.body, categoryId: cats[a.category]!.id, internal: a.internal, status: 'published' })));
          if ((i + 4) % 1000 === 0) console.log(`  ${i + 4} articles…`);
        }
        await sql`analyze kb_articles; analyze kb_words`.execute(db);
        notes.push(`created ${fmt(n)} articles through the service in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
      }
      const size = (await sql<{ words: number; avg: number }>`select (select count(*) from kb_words)::int as words, avg(length(body_text))::int as avg from kb_articles`.execute(db)).rows[0]!;
      notes.push(`${fmt(n)} articles, ${fmt(size.avg)} characters of text each on average, ${fmt(size.words)} distinct words`);
      const { key } = await patron.modules.users.service.createApiKey(CLI_ACTOR, { name: 'bench', kind: 'secret', scopes: ['support:read'] });
      const url = await patron.http!.listen({ port: 0, host: '127.0.0.1' });
      const headers = { authorization: `Bearer ${key}` };

      const kinds: Record<string, string[]> = {
        'common word (matches most)': ['delivery', 'order', 'return', 'item', 'refund', 'email', 'days', 'free', 'working', 'guide'],
        'two or three words': ['return policy', 'delivery times', 'discount code', 'reset password', 'dishwasher safe', 'import duties', 'gift wrap', 'express delivery uk', 'damaged item refund', 'tea lights safely'],
        'product name': ['heart t-light holder', 'hanging heart', 'lunch bag', 'cake cases', 'jumbo bag', 'alarm clock', 'vintage', 'doormat', 'enamel mug', 'christmas'],
        'prefix (as you type)': ['deliv', 'retu', 'passw', 'disco', 'paym', 'unsub', 'ceram', 'cand', 'lante', 'sizi'],
        'typo (corrected)': ['delivry', 'retrun policy', 'pasword', 'refnud', 'discont code', 'dishwaser', 'shiping', 'adress', 'canlde', 'paymnt'],
      };
      const get = async (u: string) => {
        const t0 = performance.now();
        const res = await fetch(u, { headers });
        if (!res.ok) throw new Error(`${u}: ${res.status} ${await res.text()}`);
        await res.json();
        return performance.now() - t0;
      };
      const search = (q: string) => get(`${url}/api/support/kb/search?q=${encodeURIComponent(q)}&limit=20`);
      // A first pass warms the cache; the measured passes are the steady state.
      for (const qs of Object.values(kinds)) for (const q of qs) await search(q);
      const rows = [];
      const all: number[] = [];
      for (const [kind, qs] of Object.entries(kinds)) {
        const times: number[] = [];
        for (let rep = 0; rep < 3; rep++) for (const q of qs) times.push(await search(q));
        all.push(...times);
        rows.push({ query: kind, n: times.length, 'p50 ms': fmt(pct(times, 50), 1), 'p95 ms': fmt(pct(times, 95), 1), 'max ms': fmt(Math.max(...times), 1) });
      }
      const tickets = [
        'Hi, my parcel arrived today but the enamel mug inside was broken. Can I get a replacement or a refund? Thanks, Ann',
        'Hello, I ordered a lunch bag two weeks ago and it still has not arrived. The tracking has not moved for days. Where is it?',
        'My discount code WELCOME10 does not work at checkout, it says invalid. Can you help?',
        'Do you ship to Canada and will I have to pay import duties on delivery?',
        'I want to return the cake cases I bought, how do I get a returns label?',
      ];
      const sugg: number[] = [];
      for (let rep = 0; rep < 6; rep++) for (const t of tickets) sugg.push(await get(`${url}/api/support/kb/suggest?text=${encodeURIComponent(t)}&limit=5`));
      rows.push({ query: 'ticket suggestions (OR of ~10 words)', n: sugg.length, 'p50 ms': fmt(pct(sugg, 50), 1), 'p95 ms': fmt(pct(sugg, 95), 1), 'max ms': fmt(Math.max(...sugg), 1) });
      // Baseline in the same run: the cheapest read of the same API (five categories), i.e. what HTTP,
      // auth and a query cost on this machine right now; on a busy machine both go up together.
      const base: number[] = [];
      for (let rep = 0; rep < 30; rep++) base.push(await get(`${url}/api/support/kb/categories`));
      rows.push({ query: 'baseline: GET categories (5 rows)', n: base.length, 'p50 ms': fmt(pct(base, 50), 1), 'p95 ms': fmt(pct(base, 95), 1), 'max ms': fmt(Math.max(...base), 1) });
      const p95 = pct(all, 95);
      notes.push(`search, all kinds: p95 ${fmt(p95, 1)} ms at ${fmt(n)} articles (target < 50 ms): ${p95 < 50 ? 'met' : 'MISSED'}; ${fmt(p95 / Math.max(pct(base, 95), 0.1), 1)}× the baseline's p95`);
      notes.push(`ticket suggestions: p95 ${fmt(pct(sugg, 95), 1)} ms`);
      return { rows, notes };
    } finally {
      await patron.close();
    }
  },
};
