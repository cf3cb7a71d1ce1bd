import { Liquid } from 'liquidjs';
import { HttpError, notFound } from '../../platform/http/problem.ts';
import type { Db } from '../../platform/db/db.ts';
import { getStoreSettings } from '../../platform/settings.ts';
import { storeVars, type ContextVars, type CustomerContexts, type ItemVars } from './context.ts';
import { renderTemplate, TemplateError, type TemplateIssue, type TemplateSource } from './render.ts';
import { STARTERS } from './starters/index.ts';
import { missingVariables, smsParts, templateIssues } from './templates.check.ts';
import { templatesRepo } from './templates.repo.ts';
import type { Preview, StarterOut, Warning } from './templates.schemas.ts';

/**
 * Links of a preview: the real ones are signed per message when it is sent (engagement's
 * EmailDecorator), so a preview points them at nothing rather than at a live unsubscribe.
 */
export const PREVIEW_LINKS = { unsubscribe_url: '#unsubscribe', preferences_url: '#preferences', view_in_browser_url: '#view-in-browser' } as const;

/** 400/422 problem+json listing each issue with its part, line and column. */
export function templateInvalid(issues: TemplateIssue[], status = 400): HttpError {
  const where = (i: TemplateIssue) => [i.line ? `line ${i.line}` : null, i.column ? `column ${i.column}` : null].filter(Boolean).join(', ');
  const lines = issues.map((i) => `${i.part}${where(i) ? ` (${where(i)})` : ''}: ${i.message}`);
  return new HttpError(status, 'template-invalid', 'The template has errors', `Fix ${issues.length === 1 ? 'this problem' : `these ${issues.length} problems`} in the template: ${lines.join('; ')}`, {
    issues,
    errors: issues.map((i) => ({ pointer: `/body/${i.part}`, detail: `${where(i) ? where(i) + ': ' : ''}${i.message}` })),
  });
}

const locator = new Liquid();

/** Renders templates for people to look at: the editor's live preview and the gallery's thumbnails. */
export class TemplatePreviews {
  private readonly db: Db;
  private readonly contexts: CustomerContexts;

  constructor(db: Db, contexts: CustomerContexts) {
    this.db = db;
    this.contexts = contexts;
  }

  /** The scope for a preview or test: the chosen customer, else a fitting real one, else sample data. */
  async scope(src: TemplateSource, customerId?: string): Promise<{ vars: Record<string, unknown>; sample: boolean; customerId: string | null }> {
    const id = customerId ?? (await templatesRepo.defaultCustomer(this.db, /\bcart\b/.test(src.subject + src.body)));
    if (id) {
      const ctx = (await this.contexts.build(this.db, [id])).get(id);
      if (ctx) return { vars: ctx, sample: false, customerId: id };
      if (customerId) throw notFound(`No customer ${customerId}.`);
    }
    return { vars: await this.sampleVars(), sample: true, customerId: null };
  }

  /** Sample data made from the store's own products, for a store without customers yet (flagged `sample`). */
  async sampleVars(): Promise<ContextVars> {
    const [store, settings, products] = await Promise.all([storeVars(this.db), getStoreSettings(this.db), templatesRepo.sampleProducts(this.db, 3)]);
    const currency = settings.currency;
    const items: ItemVars[] = products.length
      ? products.map((p, i) => ({ name: p.title, sku: p.sku, quantity: i === 0 ? 2 : 1, price: Number(p.price), total: Number(p.price) * (i === 0 ? 2 : 1), image_url: p.image_url, url: p.url }))
      : [{ name: 'Sample product', sku: null, quantity: 1, price: 2500, total: 2500, image_url: null, url: null }];
    const value = items.reduce((n, i) => n + i.total, 0);
    const placed = new Date(Date.now() - 3 * 86400_000).toISOString();
    return {
      customer: {
        id: '00000000-0000-0000-0000-000000000000', first_name: 'Alex', last_name: 'Sample', name: 'Alex Sample', email: 'alex@example.com', phone: null,
        country: null, locale: null, time_zone: settings.timeZone, birthday: null, tags: [], attributes: {}, order_count: 1, total_spent: value, aov: value, currency,
        first_order_at: placed, last_order_at: placed, created_at: placed,
      },
      consent: { email: 'subscribed', sms: 'none' },
      last_order: {
        id: '00000000-0000-0000-0000-000000000000', number: '#1001', external_id: '1001', placed_at: placed, status: 'completed', financial_status: 'paid', fulfillment_status: null,
        currency, subtotal: value, discount_total: 0, shipping_total: 0, tax_total: 0, total: value, item_count: items.reduce((n, i) => n + i.quantity, 0), discount_codes: [], items,
      },
      cart: { id: '00000000-0000-0000-0000-000000000000', status: 'abandoned', currency, value, item_count: items.reduce((n, i) => n + i.quantity, 0), checkout_url: store.vars.url, updated_at: placed, items },
      store: store.vars,
    };
  }

  /** Renders `src` as it would be sent, plus the warnings of the check pass; 422 with the issues when it cannot be rendered. */
  async preview(src: TemplateSource, opts: { customerId?: string; vars?: Record<string, unknown> } = {}): Promise<Preview> {
    const issues = await templateIssues(src);
    if (issues.length) throw templateInvalid(issues, 422);
    const scope = await this.scope(src, opts.customerId);
    const vars = { ...scope.vars, ...(src.format === 'text' ? {} : PREVIEW_LINKS), ...(opts.vars ?? {}) };
    try {
      const out = await renderTemplate(src, vars);
      const warnings: Warning[] = [...(await missingVariables(src, vars)).map((w) => ({ ...w, kind: 'missing' as const })), ...emptySections(src, vars)];
      const c = scope.vars.customer as ContextVars['customer'];
      return {
        subject: out.subject, html: out.html, text: out.text, warnings, sample: scope.sample,
        customer: scope.customerId ? { id: scope.customerId, name: c.name ?? c.email ?? 'Unnamed customer', email: c.email } : null,
        sms: src.format === 'text' ? smsParts(out.text) : null,
      };
    } catch (e) {
      if (e instanceof TemplateError) throw templateInvalid(e.issues, 422);
      throw e;
    }
  }

  /** The gallery: every starter with its preview on sample data. */
  async starters(): Promise<StarterOut[]> {
    const vars = { ...(await this.sampleVars()), ...PREVIEW_LINKS };
    return Promise.all(STARTERS.map(async (s) => {
      const out = await renderTemplate(s, vars);
      return { ...s, preview: { subject: out.subject, html: out.html, text: out.text } };
    }));
  }
}

const EMPTY_LABEL: Record<string, string> = { cart: 'no open or abandoned cart', last_order: 'no orders' };

/** Parts of the data this customer has none of (a cart, an order) that the template uses: they render empty. */
function emptySections(src: TemplateSource, vars: Record<string, unknown>): Warning[] {
  const out: Warning[] = [];
  const seen = new Set<string>();
  for (const part of ['subject', 'preheader', 'body'] as const) {
    let analysis;
    try {
      analysis = locator.analyzeSync(locator.parse(src[part]), { partials: false });
    } catch {
      continue;
    }
    for (const [name, uses] of Object.entries(analysis.globals)) {
      if (seen.has(name) || vars[name] !== null || !(name in vars)) continue;
      seen.add(name);
      const first = uses[0]?.location;
      out.push({
        part, line: first?.row ?? null, column: first?.col ?? null, variable: name, kind: 'empty',
        message: `This customer has ${EMPTY_LABEL[name] ?? `no “${name}”`}: what uses “${name}” renders empty`,
      });
    }
  }
  return out;
}
