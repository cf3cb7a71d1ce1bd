import type { Actor } from '../../../platform/audit/audit.ts';
import type { Tx } from '../../../platform/db/db.ts';
import type { BulkOrder, BulkProduct, BulkRefund, CommerceBulkService } from '../../commerce/commerce.bulk.ts';
import type { CustomerImportService, ProfileImport } from '../../customers/customers.import.ts';
import type { ConsentChange, ConsentService } from '../../customers/index.ts';
import { customerKey, finishOrder, finishProduct, profileImport, type Draft, type OrderEntity, type RefundEntity } from './assemble.ts';
import type { ImportIssue, ImportKind } from './imports.schemas.ts';
import type { CustomerValue } from './rows.ts';

export interface WriterDeps {
  customerImport: CustomerImportService;
  commerceBulk: CommerceBulkService;
  consent: ConsentService;
}

/** What one batch wrote: keys per kind, so the run can count each customer and product once. */
export interface BatchOutcome {
  customers: { seen: string[]; created: Set<string>; updated: Set<string> };
  products: { seen: string[]; created: Set<string>; updated: Set<string> };
  orders: { processed: number; created: number; updated: number; invalid: number };
  guestOrders: { processed: number; created: number; updated: number; invalid: number };
  refunds: { processed: number; created: number; updated: number; invalid: number };
  issues: ImportIssue[];
}

const tally = () => ({ processed: 0, created: 0, updated: 0, invalid: 0 });

/** Writes one batch of complete drafts in the caller's transaction, through the owning modules' bulk writers. */
export async function writeBatch(deps: WriterDeps, tx: Tx, ctx: { kind: ImportKind; source: string; actor: Actor }, drafts: Draft[]): Promise<BatchOutcome> {
  const out: BatchOutcome = {
    customers: { seen: [], created: new Set(), updated: new Set() }, products: { seen: [], created: new Set(), updated: new Set() },
    orders: tally(), guestOrders: tally(), refunds: tally(), issues: [],
  };
  if (ctx.kind === 'customers') {
    const items = drafts.flatMap((d) => (d.kind === 'customer' ? [profileImport(d.customer, ctx.source, undefined)] : [])).filter((x): x is ProfileImport => !!x);
    const r = await deps.customerImport.upsertMany(tx, items, { source: ctx.source, actor: ctx.actor, mode: 'overwrite' });
    out.customers = { seen: items.map((i) => i.key), created: r.created, updated: r.updated };
    // A customer file has no consent dates: its answers count from the moment they are imported.
    await recordConsent(deps, tx, ctx, drafts.flatMap((d) => (d.kind === 'customer' ? [{ customer: d.customer, line: d.line }] : [])), r.ids);
    return out;
  }
  if (ctx.kind === 'products') {
    const items = drafts.flatMap((d) => (d.kind === 'product' ? [finishProduct(d)] : []));
    const r = await deps.commerceBulk.upsertProducts(tx, ctx.source, items, 'upsert');
    out.products = { seen: items.map((p) => p.externalId), created: r.created, updated: r.updated };
    return out;
  }

  const entities: (OrderEntity | RefundEntity)[] = [];
  const written: Extract<Draft, { kind: 'order' }>[] = [];
  for (const d of drafts) {
    if (d.kind !== 'order') continue;
    const e = finishOrder(d);
    if (typeof e === 'string') {
      out.issues.push({ line: d.line, severity: 'error', column: null, message: e });
      (d.cancellation ? out.refunds : d.customer ? out.orders : out.guestOrders).invalid++;
    } else {
      entities.push(e);
      written.push(d);
    }
  }

  // Customers first (each once, first seen at their earliest order of the batch).
  const refs = new Map<string, ProfileImport>();
  for (const d of written) {
    if (!d.customer) continue;
    const p = profileImport(d.customer, ctx.source, d.header.placedAt);
    if (!p) continue;
    const prev = refs.get(p.key);
    if (!prev) refs.set(p.key, p);
    else if (p.occurredAt && (!prev.occurredAt || p.occurredAt < prev.occurredAt)) prev.occurredAt = p.occurredAt;
  }
  const customers = await deps.customerImport.upsertMany(tx, [...refs.values()], { source: ctx.source, actor: ctx.actor, mode: 'fill' });
  out.customers = { seen: [...refs.keys()], created: customers.created, updated: customers.updated };
  const customerId = (key: string | undefined) => (key ? (customers.ids.get(key) ?? null) : null);
  // An order file's "Accepts Marketing" is the customer's answer at the time of that order.
  await recordConsent(deps, tx, ctx, written.flatMap((d) => (d.customer ? [{ customer: d.customer, line: d.line, at: d.header.placedAt }] : [])), customers.ids);

  // Products the lines name (cancelled ones too), created if unknown: the first line naming one gives its title and price.
  const products = new Map<string, BulkProduct>();
  for (const d of written) {
    for (const l of d.lines) {
      if (l.productExternalId && !products.has(l.productExternalId)) {
        products.set(l.productExternalId, { externalId: l.productExternalId, title: l.title, sku: l.sku ?? null, price: l.unitPrice, currency: d.currency });
      }
    }
  }
  const prod = await deps.commerceBulk.upsertProducts(tx, ctx.source, [...products.values()], 'missing');
  out.products = { seen: [...products.keys()], created: prod.created, updated: prod.updated };

  const orders: BulkOrder[] = [];
  const refunds: BulkRefund[] = [];
  for (const e of entities) {
    if (e.kind === 'refund') {
      refunds.push({ ...e.refund, customerId: customerId(e.customerKey) });
      continue;
    }
    orders.push({
      ...e.order, customerId: customerId(e.customerKey), updatedAt: null,
      lines: e.order.lines.map((l) => ({
        productId: l.productExternalId ? (prod.ids.get(l.productExternalId) ?? null) : null, productExternalId: l.productExternalId ?? null,
        sku: l.sku ?? l.productExternalId ?? null, title: l.title, quantity: l.quantity, unitPrice: l.unitPrice, total: l.total,
      })),
    });
    if (e.refund) refunds.push({ ...e.refund, customerId: customerId(e.customerKey) });
  }
  const o = await deps.commerceBulk.upsertOrders(tx, ctx.source, orders);
  for (const order of orders) {
    const t = order.customerId ? out.orders : out.guestOrders;
    t.processed++;
    if (o.created.has(order.externalId)) t.created++;
    else if (o.updated.has(order.externalId)) t.updated++;
  }
  const r = await deps.commerceBulk.upsertRefunds(tx, ctx.source, refunds);
  out.refunds.processed += refunds.length;
  out.refunds.created += r.created.size;
  return out;
}

/** The consent columns of the rows, through the consent service (method "import", evidence: the line and the cell). */
async function recordConsent(deps: WriterDeps, tx: Tx, ctx: { source: string; actor: Actor }, rows: { customer: CustomerValue; line: number; at?: Date }[], ids: Map<string, string>): Promise<void> {
  const changes: ConsentChange[] = [];
  for (const { customer, line, at } of rows) {
    const key = customerKey(customer);
    const id = key ? ids.get(key) : undefined;
    if (!id) continue;
    for (const [channel, v] of [['email', customer.emailConsent], ['sms', customer.smsConsent]] as const) {
      if (v) changes.push({ customerId: id, channel, status: v.status, method: 'import', source: ctx.source, actor: ctx.actor, occurredAt: at, evidence: { line, value: v.raw } });
    }
  }
  await deps.consent.setMany(tx, changes);
}
