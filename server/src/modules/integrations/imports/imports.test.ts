import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { lineTotalMinor, toMinor } from '../../../platform/money.ts';
import { countryCode } from './countries.ts';
import { CsvParser, FileFormatError, readRecords, sniffDelimiter, type DecodeNote, type RawRecord } from './csv.ts';
import { DateOrderSniffer, parseDate, zonedToUtc, type DateOptions } from './dates.ts';
import { settle, suggestPreset } from './presets.ts';
import { decimalText, normalizeId, RowBinder, type RowValue } from './rows.ts';
import { decompressed } from './source.ts';

function parse(text: string, pieces = 1, delimiter: ',' | 'whitespace' = ','): RawRecord[] {
  const out: RawRecord[] = [];
  const p = new CsvParser(delimiter, 200);
  const size = Math.ceil(text.length / pieces);
  for (let i = 0; i < text.length; i += size) p.push(text.slice(i, i + size), out);
  p.end(out);
  return out;
}

async function read(bytes: Buffer, encoding: 'auto' | 'utf-8' | 'windows-1252' = 'auto'): Promise<{ records: RawRecord[]; notes: DecodeNote[] }> {
  const notes: DecodeNote[] = [];
  const records: RawRecord[] = [];
  // Three-byte pieces: lines and characters are cut anywhere.
  async function* pieces() {
    for (let i = 0; i < bytes.length; i += 3) yield bytes.subarray(i, i + 3);
  }
  for await (const batch of readRecords(pieces(), { delimiter: ',', encoding, onNote: (n) => notes.push(n) })) records.push(...batch);
  return { records, notes };
}

describe('CSV parser', () => {
  it('reads quoted fields with delimiters, doubled quotes and line breaks, in any pieces', () => {
    const text = 'a,b,c\r\n1,"x, y","say ""hi"""\n2,"two\nlines",z\n\n3,,\n';
    for (const pieces of [1, 2, 5, text.length]) {
      // toEqual ignores `error: undefined`.
      expect(parse(text, pieces)).toEqual([
        { line: 1, fields: ['a', 'b', 'c'] },
        { line: 2, fields: ['1', 'x, y', 'say "hi"'] },
        { line: 3, fields: ['2', 'two\nlines', 'z'] },
        { line: 6, fields: ['3', '', ''] },
      ]);
    }
  });

  it('reports broken quoting and carries on with the next line', () => {
    const recs = parse('id,name,qty\n1,"RECORD 7" SINGLE",3\n2,ab"c,4\n3,ok,5\n');
    expect(recs[1]).toMatchObject({ line: 2, error: expect.stringContaining('text after the closing quote') });
    expect(recs[2]).toMatchObject({ line: 3, error: expect.stringContaining('quote inside unquoted field 2') });
    expect(recs[3]).toEqual({ line: 4, fields: ['3', 'ok', '5'] });
  });

  it('an unterminated quote costs one line, not the rest of the file', () => {
    const recs = parse('id,name\n1,"never closed\n2,fine\n3,also fine\n');
    expect(recs.map((r) => [r.line, r.error ? 'bad' : r.fields.join('|')])).toEqual([[1, 'id|name'], [2, 'bad'], [3, '2|fine'], [4, '3|also fine']]);
    // The same within a stream: an open quote longer than the limit is given up on.
    const long = 'id,name\n1,"open\n' + Array.from({ length: 50 }, (_, i) => `${i + 2},row`).join('\n') + '\n';
    const r2 = parse(long, 20);
    expect(r2[1]).toMatchObject({ line: 2, error: expect.stringContaining('never closed') });
    expect(r2).toHaveLength(52);
    expect(r2[2]).toMatchObject({ line: 3, fields: ['2', 'row'] });
  });

  it('splits whitespace-separated files (CDNOW)', () => {
    expect(parse(' customer_id  date number_of_cds  dollar_value\n 00001 19970101  1   11.77\n', 1, 'whitespace').map((r) => r.fields)).toEqual([
      ['customer_id', 'date', 'number_of_cds', 'dollar_value'], ['00001', '19970101', '1', '11.77'],
    ]);
  });

  it('sniffs the delimiter from the header line', () => {
    expect(sniffDelimiter('a,b,c')).toBe(',');
    expect(sniffDelimiter('a;b;"c,d"')).toBe(';');
    expect(sniffDelimiter('a\tb\tc')).toBe('\t');
    expect(sniffDelimiter(' customer_id  date number_of_cds')).toBe('whitespace');
  });
});

describe('decoding', () => {
  it('strips a UTF-8 BOM and refuses UTF-16', async () => {
    const { records } = await read(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('a,b\n1,£2\n')]));
    expect(records.map((r) => r.fields)).toEqual([['a', 'b'], ['1', '£2']]);
    await expect(read(Buffer.from([0xff, 0xfe, 0x61, 0]))).rejects.toBeInstanceOf(FileFormatError);
  });

  it('auto: a Latin-1 line is read as Windows-1252 with a warning on its line number', async () => {
    const bytes = Buffer.concat([Buffer.from('a,b\n1,Caf\u00e9\n2,'), Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x20, 0x80]), Buffer.from('\n')]);
    const { records, notes } = await read(bytes);
    expect(records.map((r) => r.fields[1])).toEqual(['b', 'Café', 'Café €']);
    expect(notes).toEqual([{ line: 3, message: expect.stringContaining('Windows-1252') }]);
  });

  it('utf-8: a line with invalid bytes is rejected with its line number', async () => {
    const bytes = Buffer.concat([Buffer.from('a,b\n1,ok\n2,'), Buffer.from([0xe9]), Buffer.from('\n3,ok\n')]);
    const { records } = await read(bytes, 'utf-8');
    expect(records.map((r) => [r.line, r.error ?? 'ok'])).toEqual([[1, 'ok'], [2, 'ok'], [3, expect.stringContaining('invalid UTF-8')], [4, 'ok']]);
  });

  it('gzip is recognised by its bytes; zip is refused', async () => {
    const collect = async (b: Buffer) => {
      const parts: Buffer[] = [];
      for await (const c of decompressed((async function* () { yield b; })())) parts.push(c);
      return Buffer.concat(parts).toString();
    };
    expect(await collect(gzipSync('a,b\n1,2\n'))).toBe('a,b\n1,2\n');
    expect(await collect(Buffer.from('plain'))).toBe('plain');
    await expect(collect(Buffer.from([0x50, 0x4b, 3, 4, 0]))).rejects.toThrow(/zip/);
  });
});

describe('dates', () => {
  const utc: DateOptions = { order: 'mdy', timeZone: 'UTC' };
  const iso = (t: string, o: DateOptions = utc) => {
    const d = parseDate(t, o);
    return typeof d === 'string' ? d : d.toISOString();
  };
  it('reads the common formats', () => {
    expect(iso('2010-12-01 08:26:00')).toBe('2010-12-01T08:26:00.000Z');
    expect(iso('2010-12-01T08:26:00Z')).toBe('2010-12-01T08:26:00.000Z');
    expect(iso('2019-05-15 12:34:56 -0400')).toBe('2019-05-15T16:34:56.000Z');
    expect(iso('2019-05-15T12:34:56+02:00')).toBe('2019-05-15T10:34:56.000Z');
    expect(iso('2010-12-01')).toBe('2010-12-01T00:00:00.000Z');
    expect(iso('20101201')).toBe('2010-12-01T00:00:00.000Z');
    expect(iso('12/1/2010 8:26')).toBe('2010-12-01T08:26:00.000Z');
    expect(iso('12/1/2010 8:26 PM')).toBe('2010-12-01T20:26:00.000Z');
    expect(iso('01/12/2010', { order: 'dmy', timeZone: 'UTC' })).toBe('2010-12-01T00:00:00.000Z');
    expect(iso('01/12/2010', utc)).toBe('2010-01-12T00:00:00.000Z');
    expect(iso('1.12.10 14:05', { order: 'dmy', timeZone: 'UTC' })).toBe('2010-12-01T14:05:00.000Z');
  });

  it('reads wall-clock times in the import time zone, across DST', () => {
    const london = { order: 'mdy' as const, timeZone: 'Europe/London' };
    expect(iso('2010-12-01 08:26:00', london)).toBe('2010-12-01T08:26:00.000Z');
    expect(iso('2011-06-01 08:26:00', london)).toBe('2011-06-01T07:26:00.000Z');
    expect(new Date(zonedToUtc(Date.UTC(2011, 2, 27, 3, 30), 'Europe/London')).toISOString()).toBe('2011-03-27T02:30:00.000Z');
    expect(iso('2011-06-01 08:26:00', { order: 'mdy', timeZone: 'America/New_York' })).toBe('2011-06-01T12:26:00.000Z');
  });

  it('says what is wrong with a bad date', () => {
    expect(parseDate('13/01/2011', utc)).toMatch(/month-first has no month 13/);
    expect(parseDate('2011-02-30', utc)).toMatch(/no day 30/);
    expect(parseDate('yesterday', utc)).toMatch(/not a date in a known format/);
    expect(parseDate('', utc)).toBe('is empty');
    expect(parseDate('2011-01-01 25:00', utc)).toMatch(/impossible time/);
  });

  it('decides day-first or month-first from the dates that prove it', () => {
    const s = new DateOrderSniffer();
    s.add('01/02/2011');
    expect(s.decided).toBeUndefined();
    s.add('13/02/2011 10:00');
    expect(s.decided).toBe('dmy');
    const m = new DateOrderSniffer();
    m.add('12/31/2010 8:26');
    expect(m.decided).toBe('mdy');
  });
});

describe('countries, ids and amounts', () => {
  it('maps the UCI country names to ISO codes, and non-countries to null', () => {
    const uci = { 'United Kingdom': 'GB', EIRE: 'IE', RSA: 'ZA', USA: 'US', 'Czech Republic': 'CZ', 'Hong Kong': 'HK', 'Channel Islands': null, Unspecified: null, 'European Community': null, Bahrain: 'BH', 'Saudi Arabia': 'SA', Lebanon: 'LB', Iceland: 'IS', Japan: 'JP', Lithuania: 'LT', Malta: 'MT', Brazil: 'BR' };
    for (const [name, code] of Object.entries(uci)) expect([name, countryCode(name)]).toEqual([name, code]);
    expect(countryCode('gb')).toBe('GB');
    expect([countryCode('Germany'), countryCode('UK'), countryCode('DD')]).toEqual(['DE', 'GB', undefined]);
    expect(countryCode('Atlantis')).toBeUndefined();
    expect(countryCode('')).toBeNull();
  });

  it('cleans spreadsheet ids', () => {
    expect(normalizeId('17850.0')).toBe('17850');
    expect(normalizeId("'9013808660771")).toBe('9013808660771');
    expect(normalizeId('="00123"')).toBe('00123');
    expect(normalizeId('00004', true)).toBe('4');
    expect(normalizeId('85123A')).toBe('85123A');
  });

  it('turns decimal prices into exact minor units', () => {
    expect(toMinor(decimalText('2.55', false), 'GBP')).toBe(255);
    expect(toMinor(decimalText('£1,234.50', false), 'GBP')).toBe(123450);
    expect(toMinor(decimalText('1.234,50', true), 'EUR')).toBe(123450);
    expect(toMinor(decimalText('(3.10)', false), 'USD')).toBe(-310);
    // UCI's 0.001 lines: a tenth of a penny rounds (half to even) to 0; the rounding is per line, once.
    expect(lineTotalMinor(1, '0.001', 'GBP')).toBe(0);
    expect(lineTotalMinor(6, '2.55', 'GBP')).toBe(1530);
    expect(lineTotalMinor(3, '0.165', 'GBP')).toBe(50);
    expect(lineTotalMinor(-12, '1.65', 'GBP')).toBe(-1980);
    expect(lineTotalMinor(1, '-11062.06', 'GBP')).toBe(-1106206);
  });
});

describe('UCI rows', () => {
  const header = ['InvoiceNo', 'StockCode', 'Description', 'Quantity', 'InvoiceDate', 'UnitPrice', 'CustomerID', 'Country'];
  const binder = () => new RowBinder('orders', settle('uci', 'orders', undefined, 8, { currency: 'USD', timeZone: 'UTC' }), header, 8, { storeCurrency: 'USD', dateOrder: 'mdy' });
  const row = (line: number, ...fields: string[]): RawRecord => ({ line, fields });
  const value = (r: ReturnType<RowBinder['map']>): Extract<RowValue, { kind: 'order' }> => {
    if (r.ok !== true || r.value.kind !== 'order') throw new Error(JSON.stringify(r));
    return r.value;
  };

  it('reads an order line: GBP, customer 17850.0 → 17850, country → GB, UK wall-clock time', () => {
    const v = value(binder().map(row(2, '536365', '85123A', 'WHITE HANGING HEART T-LIGHT HOLDER', '6', '2011-06-01 08:26:00', '2.55', '17850.0', 'United Kingdom')));
    expect(v).toMatchObject({
      group: '536365', cancellation: false, currency: 'GBP', customer: { externalId: '17850', country: 'GB' },
      item: { productExternalId: '85123A', title: 'WHITE HANGING HEART T-LIGHT HOLDER', quantity: 6, unitPrice: 255, total: 1530 },
    });
    expect(v.header.placedAt?.toISOString()).toBe('2011-06-01T07:26:00.000Z');
  });

  it('guest lines, zero prices and postage are kept; C invoices are cancellations', () => {
    const b = binder();
    expect(value(b.map(row(2, '536370', 'POST', 'POSTAGE', '3', '2010-12-01 08:45:00', '18.0', '12583.0', 'France'))).item).toMatchObject({ productExternalId: 'POST', total: 5400 });
    const guest = value(b.map(row(3, '536544', '21773', 'DECORATIVE ROSE BATHROOM BOTTLE', '1', '2010-12-01 14:32:00', '0.0', '', 'United Kingdom')));
    expect(guest.customer).toBeUndefined();
    expect(guest.item?.total).toBe(0);
    expect(value(b.map(row(4, 'C536379', 'D', 'Discount', '-1', '2010-12-01 09:41:00', '27.5', '14527.0', 'United Kingdom')))).toMatchObject({ cancellation: true, item: { quantity: -1, total: -2750 } });
  });

  it('rejects bad rows with the reason and the column', () => {
    const b = binder();
    const bad = (...fields: string[]) => {
      const r = b.map(row(9, ...fields));
      if (r.ok !== false) throw new Error('expected a rejection');
      return r.issues.map((i) => `${i.column}: ${i.message}`);
    };
    expect(bad('536589', '21777', '', '-10', '2010-12-01 16:50:00', '0.0', '', 'United Kingdom')).toEqual([expect.stringMatching(/^Quantity: negative quantity -10 outside a cancellation/)]);
    expect(bad('C536590', '21777', '', '10', '2010-12-01 16:50:00', '1.0', '', 'United Kingdom')).toEqual([expect.stringMatching(/^Quantity: positive quantity 10 in cancellation C536590/)]);
    expect(bad('536591', '21777', 'X', 'six', '2010-12-01 16:50:00', '1.0', '', 'United Kingdom')).toEqual(['Quantity: quantity "six" is not a whole number']);
    expect(bad('536592', '21777', 'X', '1', '2010-13-45 16:50:00', '1.0', '', 'United Kingdom')).toEqual([expect.stringMatching(/^InvoiceDate: date .* has no month 13/)]);
    expect(bad('536593', '21777', 'X', '1', '2010-12-01 16:50:00', 'abc', '', 'United Kingdom')).toEqual(['UnitPrice: "abc" is not a decimal amount']);
    expect(bad('536594', '21777', 'X', '1', '2010-12-01 16:50:00', '1.0', '')).toEqual([expect.stringMatching(/has 7 fields where the header has 8/)]);
  });

  it('refuses a file without the required columns', () => {
    expect(() => new RowBinder('orders', settle('uci', 'orders', undefined, 3, { currency: 'USD', timeZone: 'UTC' }), ['InvoiceNo', 'StockCode', 'Quantity'], 3, { storeCurrency: 'USD', dateOrder: 'mdy' }))
      .toThrow(/Missing required columns: placedAt \("InvoiceDate"\); unitPrice \("UnitPrice"\)/);
  });

  it('an order with rows for two customers or currencies is refused row by row', () => {
    const s = settle('generic', 'orders', { columns: { orderId: 'id', placedAt: 'date', customerId: 'cust', currency: 'cur', total: 'total' } }, 5, { currency: 'USD', timeZone: 'UTC' });
    const b = new RowBinder('orders', s, ['id', 'date', 'cust', 'cur', 'total'], 5, { storeCurrency: 'USD', dateOrder: 'mdy' });
    expect(b.map(row(2, 'A1', '2020-01-01', 'c1', 'EUR', '10.00')).ok).toBe(true);
    const r = b.map(row(3, 'A1', '2020-01-01', 'c2', 'USD', '10.00'));
    expect(r.ok === false && r.issues.map((i) => i.message)).toEqual(['currency USD differs from EUR on this order\'s earlier rows', 'customer "c2" differs from "c1" on this order\'s earlier rows']);
    const u = b.map(row(4, 'A2', '2020-01-01', 'c1', 'XYZ', '10.00'));
    expect(u.ok === false && u.issues[0]?.message).toBe('unknown currency "XYZ" (ISO 4217 codes such as GBP, EUR, USD)');
  });
});

describe('presets', () => {
  it('recognises the UCI, Shopify and generic headers', () => {
    expect(suggestPreset(['InvoiceNo', 'StockCode', 'Description', 'Quantity', 'InvoiceDate', 'UnitPrice', 'CustomerID', 'Country'])).toEqual({ preset: 'uci', kind: 'orders', confidence: 'high' });
    expect(suggestPreset('Name,Email,Financial Status,Paid at,Fulfillment Status,Fulfilled at,Accepts Marketing,Currency,Subtotal,Shipping,Taxes,Total,Discount Code,Discount Amount,Shipping Method,Created at,Lineitem quantity,Lineitem name,Lineitem price'.split(','))).toMatchObject({ preset: 'shopify-orders', kind: 'orders' });
    expect(suggestPreset('Customer ID,First Name,Last Name,Email,Accepts Email Marketing,Default Address Company,Total Spent,Total Orders,Note,Tax Exempt,Tags'.split(','))).toMatchObject({ preset: 'shopify-customers', kind: 'customers' });
    expect(suggestPreset(['Order ID', 'Order Date', 'Email', 'Total'])).toEqual({ preset: 'generic', kind: 'orders', confidence: 'low' });
  });

  it('lets a mapping override a preset, and the store fill the rest', () => {
    const s = settle('uci', 'orders', { timeZone: 'UTC', currency: 'EUR' }, 8, { currency: 'USD', timeZone: 'Asia/Tokyo' });
    expect(s).toMatchObject({ source: 'uci', currency: 'EUR', timeZone: 'UTC', cancellationPrefix: 'C', dateOrder: 'mdy' });
    expect(settle('generic', 'orders', { columns: { orderId: 'x' } }, 3, { currency: 'USD', timeZone: 'Asia/Tokyo' })).toMatchObject({ source: 'csv', currency: undefined, timeZone: 'Asia/Tokyo', dateOrder: 'auto' });
  });
});
