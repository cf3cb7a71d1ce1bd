import { esc } from './kb.markdown.ts';

/**
 * The public help centre: server-rendered pages in the store's branding (name, colour, logo), no script,
 * readable on a phone. Article bodies arrive as sanitised HTML (kb.markdown.ts); everything else is escaped here.
 */

export interface HelpBrand {
  storeName: string;
  /** #rrggbb */
  color: string;
  logoUrl: string | null;
  storeUrl: string | null;
}

export interface HelpCategory {
  slug: string;
  name: string;
  description: string;
  count: number;
  top: { slug: string; title: string }[];
}

export interface HelpArticleLink {
  slug: string;
  title: string;
  excerpt: string;
}

export interface HelpHit {
  slug: string;
  title: string;
  categoryName: string | null;
  /** Safe HTML with <mark> around matches. */
  snippet: string;
}

/** Black or white, whichever reads better on the brand colour (WCAG relative luminance). */
export function textOn(hex: string): string {
  const c = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
  const l = 0.2126 * c[0]! + 0.7152 * c[1]! + 0.0722 * c[2]!;
  return l > 0.4 ? '#111827' : '#ffffff';
}

const CSS = `
*{box-sizing:border-box}
body{margin:0;background:#f6f7f9;color:#1f2933;font:16px/1.6 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,Helvetica,Arial,sans-serif}
a{color:var(--brand);text-underline-offset:2px}
header.top{background:var(--brand);color:var(--on)}
header.top .in{max-width:920px;margin:0 auto;padding:14px 20px;display:flex;align-items:center;gap:12px}
header.top a.home{color:var(--on);text-decoration:none;font-weight:700;font-size:18px;display:flex;align-items:center;gap:10px}
header.top img{height:32px;width:auto;border-radius:4px;background:#fff}
header.top .sep{opacity:.7;font-weight:400}
header.top .back{margin-left:auto;color:var(--on);opacity:.9;font-size:14px}
.hero{background:var(--brand);color:var(--on);padding:28px 20px 44px;text-align:center}
.hero h1{margin:0 0 18px;font-size:30px;line-height:1.25}
form.search{max-width:620px;margin:0 auto;display:flex;gap:8px}
form.search input{flex:1;min-width:0;border:1px solid #d1d5db;border-radius:10px;padding:13px 16px;font:inherit;color:#111827;background:#fff}
form.search input:focus{outline:3px solid #93c5fd;outline-offset:1px}
form.search button{border:0;border-radius:10px;padding:0 20px;font:600 16px/1 inherit;font-family:inherit;background:#111827;color:#fff;cursor:pointer}
main{max-width:920px;margin:0 auto;padding:28px 20px 56px}
.bar{background:#fff;border-bottom:1px solid #e5e7eb;padding:14px 20px}
.bar form.search{max-width:920px}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:16px}
.card{background:#fff;border:1px solid #e5e7eb;border-radius:14px;padding:22px}
.card h2{font-size:19px;margin:0 0 6px}
.card h2 a{color:#111827;text-decoration:none}
.card h2 a:hover{color:var(--brand)}
.card p.d{color:#6b7280;margin:0 0 12px;font-size:15px}
.card ul{list-style:none;margin:0;padding:0}
.card li{padding:5px 0;font-size:15px}
.card .more{display:inline-block;margin-top:8px;font-size:14px;font-weight:600}
.crumbs{font-size:14px;color:#6b7280;margin:0 0 14px}
.crumbs a{color:#6b7280}
h1.page{font-size:30px;line-height:1.25;margin:0 0 8px;color:#111827}
.muted{color:#6b7280;font-size:14px}
.list{background:#fff;border:1px solid #e5e7eb;border-radius:14px}
.list a.item{display:block;padding:16px 22px;border-top:1px solid #eef0f3;text-decoration:none;color:inherit}
.list a.item:first-child{border-top:0}
.list a.item:hover{background:#fafafa}
.list .t{font-weight:600;color:#111827;display:block}
.list .x{color:#4b5563;font-size:15px;display:block;margin-top:2px}
.list .c{color:#6b7280;font-size:13px;display:block;margin-top:4px}
mark{background:#fef08a;color:inherit;border-radius:2px;padding:0 1px}
article.body{background:#fff;border:1px solid #e5e7eb;border-radius:14px;padding:28px 32px;overflow-wrap:anywhere}
article.body h1,article.body h2,article.body h3{line-height:1.3;color:#111827;margin:1.4em 0 .5em}
article.body h2{font-size:22px}article.body h3{font-size:18px}
article.body>:first-child{margin-top:0}
article.body img{max-width:100%;height:auto;border-radius:8px}
article.body pre{background:#f3f4f6;padding:12px 14px;border-radius:8px;overflow:auto}
article.body code{background:#f3f4f6;padding:1px 5px;border-radius:4px;font-size:.92em}
article.body pre code{background:none;padding:0}
article.body blockquote{margin:1em 0;padding:4px 16px;border-left:4px solid var(--brand);color:#374151;background:#f9fafb}
article.body table{border-collapse:collapse;width:100%;margin:1em 0}
article.body th,article.body td{border:1px solid #e5e7eb;padding:8px 10px;text-align:left}
.notice{border-radius:10px;padding:12px 16px;margin:0 0 18px;background:#eff6ff;color:#1e3a8a;border:1px solid #bfdbfe}
.empty{text-align:center;padding:36px 20px;color:#4b5563}
footer{text-align:center;color:#9ca3af;font-size:13px;padding:0 20px 32px}
footer a{color:#6b7280}
@media (max-width:560px){.hero h1{font-size:24px}article.body{padding:20px}h1.page{font-size:24px}}
`;

/** A whole page. */
export function layout(b: HelpBrand, o: { title: string; body: string; hero?: string; searchBar?: string | null; canonical?: string | undefined; description?: string | undefined }): string {
  const logo = b.logoUrl ? `<img src="${esc(b.logoUrl)}" alt="">` : '';
  const back = b.storeUrl ? `<a class="back" href="${esc(b.storeUrl)}">Back to ${esc(b.storeName)}</a>` : '';
  const bar = o.searchBar !== undefined && o.searchBar !== null ? `<div class="bar">${searchForm(o.searchBar)}</div>` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(o.title)} · ${esc(b.storeName)} help centre</title>${o.canonical ? `<link rel="canonical" href="${esc(o.canonical)}">` : ''}${o.description ? `<meta name="description" content="${esc(o.description)}">` : ''}
<style>:root{--brand:${b.color};--on:${textOn(b.color)}}${CSS}</style></head>
<body><header class="top"><div class="in"><a class="home" href="/help">${logo}<span>${esc(b.storeName)}</span><span class="sep">Help centre</span></a>${back}</div></header>
${o.hero ?? ''}${bar}<main>${o.body}</main><footer>${esc(b.storeName)} help centre${b.storeUrl ? ` · <a href="${esc(b.storeUrl)}">${esc(b.storeUrl.replace(/^https?:\/\//, ''))}</a>` : ''}</footer></body></html>`;
}

function searchForm(q: string): string {
  return `<form class="search" method="get" action="/help/search" role="search"><input type="search" name="q" value="${esc(q)}" placeholder="Search for answers (e.g. returns, delivery times)" aria-label="Search the help centre" maxlength="200"><button type="submit">Search</button></form>`;
}

export function homePage(b: HelpBrand, cats: HelpCategory[], uncategorised: HelpArticleLink[]): string {
  const hero = `<section class="hero"><h1>How can we help?</h1>${searchForm('')}</section>`;
  const cards = cats.map((c) => `<section class="card"><h2><a href="/help/categories/${esc(c.slug)}">${esc(c.name)}</a></h2>${c.description ? `<p class="d">${esc(c.description)}</p>` : ''}
<ul>${c.top.map((a) => `<li><a href="/help/articles/${esc(a.slug)}">${esc(a.title)}</a></li>`).join('')}</ul>
${c.count > c.top.length ? `<a class="more" href="/help/categories/${esc(c.slug)}">All ${c.count} articles →</a>` : ''}</section>`).join('');
  const other = uncategorised.length ? `<h2 style="margin:32px 0 12px;font-size:20px">More articles</h2>${articleList(uncategorised)}` : '';
  const body = cats.length || uncategorised.length ? `<div class="grid">${cards}</div>${other}` : `<div class="card empty">There are no help articles yet.</div>`;
  return layout(b, { title: 'Help centre', hero, body });
}

function articleList(items: HelpArticleLink[]): string {
  return `<div class="list">${items.map((a) => `<a class="item" href="/help/articles/${esc(a.slug)}"><span class="t">${esc(a.title)}</span>${a.excerpt ? `<span class="x">${esc(a.excerpt)}</span>` : ''}</a>`).join('')}</div>`;
}

export function categoryPage(b: HelpBrand, c: { name: string; description: string }, items: HelpArticleLink[]): string {
  const body = `<p class="crumbs"><a href="/help">Help centre</a> › ${esc(c.name)}</p><h1 class="page">${esc(c.name)}</h1>${c.description ? `<p class="muted" style="font-size:16px;margin:0 0 20px">${esc(c.description)}</p>` : '<div style="height:12px"></div>'}
${items.length ? articleList(items) : '<div class="card empty">No articles in this category yet.</div>'}`;
  return layout(b, { title: c.name, body, searchBar: '', description: c.description || undefined });
}

export function articlePage(b: HelpBrand, a: { title: string; html: string; updatedAt: Date; category: { slug: string; name: string } | null; canonical: string; description: string }, related: HelpArticleLink[]): string {
  const updated = a.updatedAt.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
  const crumbs = `<p class="crumbs"><a href="/help">Help centre</a>${a.category ? ` › <a href="/help/categories/${esc(a.category.slug)}">${esc(a.category.name)}</a>` : ''}</p>`;
  const more = related.length ? `<h2 style="margin:32px 0 12px;font-size:20px">Related articles</h2>${articleList(related)}` : '';
  const body = `${crumbs}<h1 class="page">${esc(a.title)}</h1><p class="muted" style="margin:0 0 18px">Updated ${esc(updated)}</p><article class="body">${a.html}</article>${more}`;
  return layout(b, { title: a.title, body, searchBar: '', canonical: a.canonical, description: a.description });
}

export function searchPage(b: HelpBrand, q: string, hits: HelpHit[], correctedQuery: string | null): string {
  const heading = q ? `Results for “${esc(q)}”` : 'Search';
  const notice = correctedQuery ? `<div class="notice">No results for “${esc(q)}”. Showing results for “${esc(correctedQuery)}”.</div>` : '';
  const list = hits.length
    ? `<div class="list">${hits.map((h) => `<a class="item" href="/help/articles/${esc(h.slug)}"><span class="t">${esc(h.title)}</span><span class="x">${h.snippet}</span>${h.categoryName ? `<span class="c">${esc(h.categoryName)}</span>` : ''}</a>`).join('')}</div>`
    : q ? `<div class="card empty">No articles match “${esc(q)}”. Try other words, or <a href="/help">browse the categories</a>.</div>` : '<div class="card empty">Type a few words to search the help centre.</div>';
  const body = `<p class="crumbs"><a href="/help">Help centre</a> › Search</p><h1 class="page" style="margin-bottom:18px">${heading}</h1>${notice}${list}`;
  return layout(b, { title: q ? `Search: ${q}` : 'Search', body, searchBar: q });
}

export function notFoundPage(b: HelpBrand): string {
  return layout(b, { title: 'Not found', body: `<div class="card empty"><h1 class="page">This page does not exist</h1><p>The article may have been moved or unpublished. <a href="/help">Go to the help centre</a> or search below.</p></div>`, searchBar: '' });
}
