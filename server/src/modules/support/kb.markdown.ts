import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';

/** Markdown → safe HTML for articles (help centre, agent preview) and → plain text for search. */

const marked = new Marked({ gfm: true, breaks: false, async: false });

const SAFE: sanitizeHtml.IOptions = {
  allowedTags: [
    'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'p', 'br', 'hr', 'blockquote', 'ul', 'ol', 'li', 'strong', 'em', 'b', 'i', 'del', 's', 'code', 'pre',
    'a', 'img', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'kbd', 'sup', 'sub',
  ],
  allowedAttributes: { a: ['href', 'title', 'rel'], img: ['src', 'alt', 'title', 'width', 'height', 'loading'], th: ['align'], td: ['align'], ol: ['start'] },
  allowedSchemes: ['https', 'http', 'mailto', 'tel'],
  allowedSchemesByTag: { img: ['https', 'data'] },
  allowProtocolRelative: false,
  transformTags: {
    // External links open safely and do not pass the help centre's address on.
    a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: 'nofollow noopener noreferrer' } }),
    img: (tagName, attribs) => ({ tagName, attribs: { ...attribs, loading: 'lazy' } }),
  },
  allowedSchemesAppliedToAttributes: ['href', 'src'],
};

/** Markdown rendered to HTML with only harmless tags and attributes (no script, style, event handlers, iframes, javascript: links). */
export function renderMarkdown(md: string): string {
  return sanitizeHtml(marked.parse(md, { async: false }), SAFE);
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'", nbsp: ' ' };

/** The article's words as plain text, one paragraph per blank-line-separated block (search, snippets, assistant passages). */
export function markdownToText(md: string): string {
  const html = marked.parse(md, { async: false })
    .replace(/<\/(p|h[1-6]|li|blockquote|pre|tr|table|ul|ol)>/gi, '\n\n')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/t[dh]>/gi, ' ');
  const text = sanitizeHtml(html, { allowedTags: [], allowedAttributes: {} })
    .replace(/&(#\d+|#x[0-9a-f]+|[a-z0-9]+);/gi, (m, e: string) => {
      if (ENTITIES[e]) return ENTITIES[e];
      if (e.startsWith('#x') || e.startsWith('#X')) return String.fromCodePoint(parseInt(e.slice(2), 16));
      if (e.startsWith('#')) return String.fromCodePoint(parseInt(e.slice(1), 10));
      return m;
    });
  // Control characters never reach the index: they are the snippet markers below.
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed here
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '').split(/\n\s*\n/).map((p) => p.replace(/[ \t]+/g, ' ').replace(/\s*\n\s*/g, ' ').trim()).filter(Boolean).join('\n\n');
}

/** The paragraphs of an article's plain text. */
export function paragraphs(text: string): string[] {
  return text.split(/\n\n+/).map((p) => p.trim()).filter(Boolean);
}

/** A URL-safe slug from a title: lower-case ASCII words joined by dashes. */
export function slugify(s: string): string {
  const slug = s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/&/g, ' and ').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80).replace(/-+$/, '');
  return slug || 'article';
}

/** HTML-escapes text. */
export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Snippet markers Postgres puts around matches (ts_headline): control characters no article contains, so escaping is safe. */
export const MARK_START = '\u0002';
export const MARK_END = '\u0003';

/** A ts_headline snippet as safe HTML: everything escaped, then the match markers turned into <mark>. */
export function snippetHtml(raw: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed here
  const clean = raw.replace(/[\u0000\u0001\u0004-\u0008]/g, '');
  return esc(clean).split(MARK_START).join('<mark>').split(MARK_END).join('</mark>');
}
