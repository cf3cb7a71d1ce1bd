import type { StockItem } from './api.ts';

export interface ParsedStock {
  items: StockItem[];
  /** One line per row that cannot be sent, with its row number as a spreadsheet shows it. */
  errors: string[];
}

const split = (line: string, sep: string): string[] => {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === sep) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out.map((s) => s.trim());
};

/** Reads "sku,quantity[,lead_time_weeks]" CSV (comma, semicolon or tab; header names in any case and order). */
export function parseStockCsv(text: string): ParsedStock {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/).filter((l) => l.trim() !== '');
  if (!lines.length) return { items: [], errors: [] };
  const first = lines[0]!;
  const sep = first.includes('\t') ? '\t' : first.split(';').length > first.split(',').length ? ';' : ',';
  const header = split(first, sep).map((h) => h.toLowerCase().replace(/[\s-]+/g, '_'));
  const col = (...names: string[]) => header.findIndex((h) => names.includes(h));
  const skuAt = col('sku', 'stockcode', 'stock_code', 'product_sku');
  const qtyAt = col('quantity', 'qty', 'stock', 'on_hand', 'available');
  const leadAt = col('lead_time_weeks', 'lead_time', 'lead_weeks');
  if (skuAt < 0 || qtyAt < 0) return { items: [], errors: [`The header row needs the columns “sku” and “quantity” (found: ${header.join(', ') || 'nothing'}).`] };
  const items: StockItem[] = [];
  const errors: string[] = [];
  lines.slice(1).forEach((line, i) => {
    const row = i + 2;
    const f = split(line, sep);
    const sku = f[skuAt] ?? '';
    const qtyRaw = (f[qtyAt] ?? '').replace(/[\s,]/g, '');
    const qty = Number(qtyRaw);
    if (!sku) return void errors.push(`Row ${row}: no SKU`);
    if (qtyRaw === '' || !Number.isInteger(qty)) return void errors.push(`Row ${row} (${sku}): quantity “${f[qtyAt] ?? ''}” is not a whole number`);
    if (qty < 0) return void errors.push(`Row ${row} (${sku}): quantity ${qty} is negative (send 0 for out of stock)`);
    const leadRaw = leadAt >= 0 ? (f[leadAt] ?? '') : '';
    let leadTimeWeeks: number | undefined;
    if (leadRaw !== '') {
      const l = Number(leadRaw);
      if (!Number.isInteger(l) || l < 1 || l > 52) return void errors.push(`Row ${row} (${sku}): lead time “${leadRaw}” must be 1–52 weeks`);
      leadTimeWeeks = l;
    }
    items.push({ sku, quantity: qty, ...(leadTimeWeeks ? { leadTimeWeeks } : {}) });
  });
  return { items, errors };
}
