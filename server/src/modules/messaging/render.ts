import { createHash } from 'node:crypto';
import { convert } from 'html-to-text';
import { Liquid, type Template } from 'liquidjs';
import mjml2html from 'mjml';
import type { TemplateFormat } from './messaging.tables.ts';

/** The parts of a template that are rendered. */
export interface TemplateSource {
  format: TemplateFormat;
  subject: string;
  preheader: string;
  body: string;
}

export interface Rendered {
  subject: string;
  /** Null for SMS and plain-text templates. */
  html: string | null;
  text: string;
}

/** A problem in a template, located in the source the person typed (1-based line and column). */
export interface TemplateIssue {
  part: 'subject' | 'preheader' | 'body';
  line: number | null;
  column: number | null;
  message: string;
}

/** Thrown when a template cannot be rendered; carries every issue found. */
export class TemplateError extends Error {
  readonly issues: TemplateIssue[];
  constructor(issues: TemplateIssue[]) {
    super(issues.map((i) => `${i.part}${i.line ? ` line ${i.line}` : ''}: ${i.message}`).join('; '));
    this.issues = issues;
  }
}

// Partials a template may {% render %}: only these, from memory (no file system, no network).
const PARTIALS: Record<string, string> = {};

function engine(escape: boolean): Liquid {
  return new Liquid({
    // Sandbox: templates resolve only from this in-memory map, so {% include '/etc/passwd' %} finds nothing.
    templates: PARTIALS,
    relativeReference: false,
    ownPropertyOnly: true,
    strictFilters: true,
    strictVariables: false,
    // HTML output is escaped unless a value is piped through `| raw`; subjects and SMS are plain text.
    outputEscape: escape ? 'escape' : undefined,
    // A runaway loop in a template must not hold a worker: bounded parse size, render time and memory.
    parseLimit: 1_000_000,
    renderLimit: 2_000,
    memoryLimit: 50_000_000,
  });
}

const html = engine(true);
const plain = engine(false);

/** Filters every template may use beyond the Liquid standard ones. */
function addFilters(l: Liquid): void {
  // Money in minor units → "12.34" with the currency's decimals (two by default).
  l.registerFilter('money', (minor: unknown, currency?: unknown) => {
    const n = Number(minor);
    if (!Number.isFinite(n)) return '';
    const cur = typeof currency === 'string' && /^[A-Z]{3}$/.test(currency) ? currency : 'USD';
    try {
      return new Intl.NumberFormat('en', { style: 'currency', currency: cur }).format(n / 10 ** decimals(cur));
    } catch {
      return (n / 100).toFixed(2);
    }
  });
}
addFilters(html);
addFilters(plain);

function decimals(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

interface Compiled {
  subject: Template[];
  preheader: Template[];
  body: Template[];
  /**
   * The text part as a Liquid template, derived once from the HTML body, so each recipient costs a
   * Liquid render instead of an HTML-to-text conversion. Null when the conversion could not keep every
   * Liquid tag intact (then the text is derived from each rendered HTML body instead).
   */
  text: Template[] | null;
  format: TemplateFormat;
}

const TAG = /\{%-?\s*(\w+)/g;

/** Converts an HTML body that still holds Liquid tags into a text-part template, if every tag survives. */
function textTemplate(htmlWithLiquid: string): Template[] | null {
  const text = textPart(htmlWithLiquid, false);
  const tags = (src: string) => [...src.matchAll(TAG)].map((m) => m[1]).join(' ');
  // Tags dropped or reordered by the conversion (e.g. a loop between table rows) would change the logic.
  if (tags(text) !== tags(htmlWithLiquid) || (text.match(/\{\{/g)?.length ?? 0) !== (htmlWithLiquid.match(/\{\{/g)?.length ?? 0)) return null;
  try {
    return plain.parse(text);
  } catch {
    return null;
  }
}

const cache = new Map<string, Compiled>();
const CACHE_MAX = 500;

function keyOf(t: TemplateSource): string {
  return createHash('sha1').update(`${t.format}\0${t.subject}\0${t.preheader}\0${t.body}`).digest('base64url');
}

function liquidIssue(part: TemplateIssue['part'], e: unknown): TemplateIssue {
  const err = e as { message?: string; token?: { getPosition?: () => [number, number] } };
  const pos = err.token?.getPosition?.();
  const message = String(err.message ?? e).replace(/, line:\d+, col:\d+/, '');
  return { part, line: pos?.[0] ?? null, column: pos?.[1] ?? null, message };
}

/**
 * Checks a template without rendering it for anyone: Liquid syntax in each part and MJML structure,
 * with line numbers in the source as typed.
 */
export async function checkTemplate(t: TemplateSource): Promise<TemplateIssue[]> {
  const issues: TemplateIssue[] = [];
  for (const part of ['subject', 'preheader', 'body'] as const) {
    try {
      (part === 'body' && t.format !== 'text' ? html : plain).parse(t[part]);
    } catch (e) {
      issues.push(liquidIssue(part, e));
    }
  }
  if (t.format === 'mjml') {
    try {
      const out = await mjml2html(t.body, { validationLevel: 'soft', ignoreIncludes: true, keepComments: false });
      for (const e of out.errors) issues.push({ part: 'body', line: e.line ?? null, column: null, message: e.message });
    } catch (e) {
      issues.push({ part: 'body', line: null, column: null, message: `MJML: ${(e as Error).message}` });
    }
  }
  return issues;
}

/** Parses (and for MJML lays out) a template once; every recipient reuses the result. */
export async function compileTemplate(t: TemplateSource): Promise<Compiled> {
  const key = keyOf(t);
  const hit = cache.get(key);
  if (hit) return hit;
  const issues: TemplateIssue[] = [];
  let bodySource = t.body;
  if (t.format === 'mjml') {
    // MJML first, Liquid after: layout is computed once per template, not once per recipient.
    // Liquid tags pass through MJML untouched (loops across components go inside <mj-raw>).
    try {
      const out = await mjml2html(t.body, { validationLevel: 'soft', ignoreIncludes: true, keepComments: false });
      const fatal = out.errors.filter((e) => /malformed|unclosed|not allowed/i.test(e.message));
      for (const e of fatal) issues.push({ part: 'body', line: e.line ?? null, column: null, message: e.message });
      bodySource = out.html;
    } catch (e) {
      issues.push({ part: 'body', line: null, column: null, message: `MJML: ${(e as Error).message}` });
    }
  }
  const parse = (part: TemplateIssue['part'], src: string, l: Liquid): Template[] => {
    try {
      return l.parse(src);
    } catch (e) {
      issues.push(liquidIssue(part, e));
      return [];
    }
  };
  const compiled: Compiled = {
    format: t.format,
    subject: parse('subject', t.subject, plain),
    preheader: parse('preheader', t.preheader, plain),
    body: parse('body', bodySource, t.format === 'text' ? plain : html),
    text: null,
  };
  if (t.format !== 'text' && !issues.length) compiled.text = textTemplate(bodySource);
  if (issues.length) throw new TemplateError(issues);
  if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value as string);
  cache.set(key, compiled);
  return compiled;
}

const PREHEADER_STYLE = 'display:none;max-height:0;overflow:hidden;mso-hide:all;font-size:1px;line-height:1px;color:transparent;opacity:0';

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** Renders a template for one recipient. `vars` is the Liquid scope (customer, order, cart, links, …). */
export async function renderTemplate(t: TemplateSource, vars: Record<string, unknown>): Promise<Rendered> {
  const c = await compileTemplate(t);
  const run = async (part: TemplateIssue['part'], tpl: Template[], l: Liquid): Promise<string> => {
    try {
      return String(await l.render(tpl, vars));
    } catch (e) {
      throw new TemplateError([liquidIssue(part, e)]);
    }
  };
  const subject = (await run('subject', c.subject, plain)).replace(/\s+/g, ' ').trim();
  if (c.format === 'text') return { subject, html: null, text: await run('body', c.body, plain) };
  let body = await run('body', c.body, html);
  const preheader = (await run('preheader', c.preheader, plain)).trim();
  if (preheader) {
    // The preview line inbox lists show after the subject: hidden text first in the body.
    const hidden = `<div style="${PREHEADER_STYLE}">${escapeHtml(preheader)}</div>`;
    body = /<body[^>]*>/i.test(body) ? body.replace(/<body[^>]*>/i, (m) => m + hidden) : hidden + body;
  }
  const text = c.text ? tidyText(await run('body', c.text, plain)) : textPart(body);
  return { subject, html: body, text };
}

/** Blank lines left by Liquid tags on lines of their own are folded, as the HTML conversion would. */
function tidyText(s: string): string {
  return s.replace(/[ \t]+\n/g, '\n').replace(/\n{3,}/g, '\n\n').trim();
}

/** The plain-text alternative of an HTML email. */
export function textPart(htmlBody: string, wrap = true): string {
  return convert(htmlBody, {
    wordwrap: wrap ? 78 : false,
    // Emails are tables all the way down: a row is a line and its cells are spaced, so an order line
    // reads "Mug  2  £12.50" rather than "Mug2£12.50".
    formatters: {
      spacedCell: (elem, walk, builder) => {
        walk(elem.children, builder);
        builder.addInline('  ');
      },
    },
    selectors: [
      { selector: 'tr', format: 'block' },
      { selector: 'td', format: 'spacedCell' },
      { selector: 'th', format: 'spacedCell' },
      { selector: 'img', format: 'skip' },
      { selector: 'a', options: { hideLinkHrefIfSameAsText: true, ignoreHref: false } },
      { selector: 'style', format: 'skip' },
      { selector: 'div[style*="display:none"]', format: 'skip' },
    ],
  }).trim();
}
