import { isUtf8 } from 'node:buffer';

/** One record of the file: the physical line it starts on, its fields, and what was wrong with it. */
export interface RawRecord {
  line: number;
  fields: string[];
  /** Set when the record is malformed (broken quoting, undecodable bytes): it must be rejected. */
  error?: string;
}

export type Delimiter = ',' | ';' | '\t' | '|' | 'whitespace';
export type Encoding = 'auto' | 'utf-8' | 'windows-1252';

/** A problem with the whole file: nothing can be read from it. */
export class FileFormatError extends Error {}

/** A line decoded with a caveat, reported as a warning (auto encoding read it as Windows-1252). */
export interface DecodeNote {
  line: number;
  message: string;
}

// A record still open after this many characters is taken to be a broken quote, not a long field:
// it is reported and reading resumes at the line after the one the record started on.
const MAX_OPEN_RECORD = 1 << 20;
const MAX_LINE_BYTES = 16 << 20;

/**
 * RFC 4180 CSV, streaming: text goes in by `push` in any pieces, complete records come out.
 * Quoted fields may span lines. Malformed records come out with `error` set and reading goes on.
 */
export class CsvParser {
  private buf = '';
  private line = 1;
  private readonly delim: Delimiter;
  private readonly maxOpen: number;
  /** Physical lines whose bytes were not valid (strict UTF-8): records touching them are rejected. */
  readonly badLines = new Map<number, string>();

  constructor(delimiter: Delimiter, maxOpenRecord = MAX_OPEN_RECORD) {
    this.delim = delimiter;
    this.maxOpen = maxOpenRecord;
  }

  push(text: string, out: RawRecord[]): void {
    this.buf = this.buf ? this.buf + text : text;
    this.drain(out, false);
  }

  end(out: RawRecord[]): void {
    this.drain(out, true);
    this.buf = '';
  }

  private drain(out: RawRecord[], final: boolean): void {
    const s = this.buf;
    let pos = 0;
    let line = this.line;
    const d = this.delim;
    while (pos < s.length) {
      let nl = s.indexOf('\n', pos);
      if (nl === -1) {
        if (!final) break;
        nl = s.length;
      }
      let end = nl;
      if (end > pos && s.charCodeAt(end - 1) === 13) end--;
      if (d === 'whitespace') {
        const t = s.slice(pos, end).trim();
        if (t) out.push(this.checked({ line, fields: t.split(/\s+/) }, line));
        pos = nl + 1;
        line++;
        continue;
      }
      const q = s.indexOf('"', pos);
      if (q === -1 || q >= end) {
        if (end > pos) out.push(this.checked({ line, fields: s.slice(pos, end).split(d) }, line));
        pos = nl + 1;
        line++;
        continue;
      }
      const r = this.quoted(s, pos, line, final);
      if (!r) break;
      out.push(this.checked(r.record, r.nextLine - 1));
      pos = r.next;
      line = r.nextLine;
    }
    this.buf = pos >= s.length ? '' : s.slice(pos);
    this.line = line;
  }

  private checked(r: RawRecord, lastLine: number): RawRecord {
    if (this.badLines.size) {
      for (let l = r.line; l <= lastLine; l++) {
        const why = this.badLines.get(l);
        if (why) {
          this.badLines.delete(l);
          if (!r.error) r.error = why;
        }
      }
    }
    return r;
  }

  /** Parses one record containing quotes, starting at `pos`; undefined when more text is needed. */
  private quoted(s: string, pos: number, line: number, final: boolean): { record: RawRecord; next: number; nextLine: number } | undefined {
    const d = this.delim as string;
    const fields: string[] = [];
    let error: string | undefined;
    let i = pos;
    let newlines = 0;
    for (;;) {
      if (s.charCodeAt(i) === 34) {
        // Quoted field.
        let value = '';
        let j = i + 1;
        for (;;) {
          const k = s.indexOf('"', j);
          if (k === -1) {
            if (!final && s.length - pos < this.maxOpen) return undefined;
            return this.unterminated(s, pos, line);
          }
          value += s.slice(j, k);
          if (s.charCodeAt(k + 1) === 34) {
            value += '"';
            j = k + 2;
            continue;
          }
          j = k + 1;
          break;
        }
        if (j - pos > this.maxOpen) return this.unterminated(s, pos, line);
        newlines += countNewlines(s, i, j);
        i = j;
        // After the closing quote: a delimiter, the end of the line or the end of the text.
        const c = s.charCodeAt(i);
        if (i < s.length && s[i] !== d && c !== 10 && !(c === 13 && s.charCodeAt(i + 1) === 10)) {
          error ??= `broken quoting: text after the closing quote of field ${fields.length + 1}`;
          // Read on to the next delimiter so that the remaining fields still line up for the report.
          let k = i;
          while (k < s.length && s[k] !== d && s.charCodeAt(k) !== 10) k++;
          value += s.slice(i, k).replace(/\r$/, '');
          i = k;
        }
        fields.push(value);
      } else {
        let k = i;
        while (k < s.length && s[k] !== d && s.charCodeAt(k) !== 10) k++;
        let value = s.slice(i, k);
        if (s.charCodeAt(k) === 10 && value.endsWith('\r')) value = value.slice(0, -1);
        if (value.includes('"')) error ??= `broken quoting: a quote inside unquoted field ${fields.length + 1}`;
        fields.push(value);
        i = k;
      }
      if (i >= s.length) {
        if (!final) return undefined;
        return { record: { line, fields, error }, next: s.length, nextLine: line + newlines + 1 };
      }
      if (s[i] === d) {
        i++;
        continue;
      }
      // End of the record: \n (a \r before it was stripped above).
      if (s.charCodeAt(i) === 13) i++;
      return { record: { line, fields, error }, next: i + 1, nextLine: line + newlines + 1 };
    }
  }

  /** A quote never closed: report the line it opened on and read on from the next one. */
  private unterminated(s: string, pos: number, line: number): { record: RawRecord; next: number; nextLine: number } {
    let nl = s.indexOf('\n', pos);
    if (nl === -1) nl = s.length;
    const text = s.slice(pos, nl).replace(/\r$/, '');
    return {
      record: { line, fields: text.split(this.delim as string), error: 'broken quoting: a quoted field is never closed (an odd number of quotes)' },
      next: nl + 1,
      nextLine: line + 1,
    };
  }
}

function countNewlines(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = s.indexOf('\n', from); i !== -1 && i < to; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

const cp1252 = new TextDecoder('windows-1252');

/**
 * Reads CSV records from a stream of bytes (already decompressed), a piece at a time: the file is
 * never held whole. Decoding is per line, so one bad line does not spoil the file: with `auto`,
 * valid UTF-8 is read as such and any line that is not is read as Windows-1252 (the usual Latin-1
 * of spreadsheet exports) with a warning; with `utf-8`, such a line's record is rejected.
 */
export async function* readRecords(
  bytes: AsyncIterable<Buffer>,
  opts: { delimiter: Delimiter; encoding: Encoding; onNote?: (n: DecodeNote) => void },
): AsyncGenerator<RawRecord[]> {
  const parser = new CsvParser(opts.delimiter);
  let carry: Buffer | undefined;
  let first = true;
  let lineNo = 1; // physical line number of the first byte of the next piece
  for await (const chunk of bytes) {
    let data: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
    if (first && data.length >= 3) {
      first = false;
      data = stripBom(data);
    }
    const last = data.lastIndexOf(10);
    if (last === -1) {
      if (data.length > MAX_LINE_BYTES) throw new FileFormatError(`Line ${lineNo} is longer than ${MAX_LINE_BYTES} bytes: this is not a CSV file.`);
      carry = data;
      continue;
    }
    carry = last + 1 < data.length ? Buffer.from(data.subarray(last + 1)) : undefined;
    const out: RawRecord[] = [];
    parser.push(decode(data.subarray(0, last + 1), lineNo, opts, parser), out);
    lineNo += countBytes(data, 10, last + 1);
    if (out.length) yield out;
  }
  const out: RawRecord[] = [];
  if (carry?.length) {
    if (first) carry = stripBom(carry);
    parser.push(decode(carry, lineNo, opts, parser), out);
  }
  parser.end(out);
  if (out.length) yield out;
}

function stripBom(data: Buffer): Buffer {
  if (data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) return data.subarray(3);
  if ((data[0] === 0xff && data[1] === 0xfe) || (data[0] === 0xfe && data[1] === 0xff)) {
    throw new FileFormatError('The file is UTF-16 text. Save it as CSV UTF-8 (or Windows-1252) and upload it again.');
  }
  return data;
}

function countBytes(b: Buffer, byte: number, end: number): number {
  let n = 0;
  for (let i = b.indexOf(byte); i !== -1 && i < end; i = b.indexOf(byte, i + 1)) n++;
  return n;
}

function decode(piece: Buffer, firstLine: number, opts: { encoding: Encoding; onNote?: (n: DecodeNote) => void }, parser: CsvParser): string {
  if (opts.encoding === 'windows-1252') return cp1252.decode(piece);
  if (isUtf8(piece)) return piece.toString('utf8');
  // Line by line: only the lines that are not UTF-8 get the fallback (or are rejected).
  const parts: string[] = [];
  let start = 0;
  let line = firstLine;
  while (start < piece.length) {
    let nl = piece.indexOf(10, start);
    if (nl === -1) nl = piece.length - 1;
    const bytes = piece.subarray(start, nl + 1);
    if (isUtf8(bytes)) parts.push(bytes.toString('utf8'));
    else if (opts.encoding === 'auto') {
      parts.push(cp1252.decode(bytes));
      opts.onNote?.({ line, message: 'not valid UTF-8: read as Windows-1252 (Latin-1); check the accented characters of this row' });
    } else {
      parts.push(bytes.toString('utf8'));
      parser.badLines.set(line, 'invalid UTF-8 bytes (the file may be Latin-1: choose the Windows-1252 encoding)');
    }
    start = nl + 1;
    line++;
  }
  return parts.join('');
}

/** Guesses the delimiter from the header line: the most frequent of , ; tab | outside quotes, else runs of spaces. */
export function sniffDelimiter(headerLine: string): Delimiter {
  const counts: Record<string, number> = { ',': 0, ';': 0, '\t': 0, '|': 0 };
  let inQuotes = false;
  for (const ch of headerLine) {
    if (ch === '"') inQuotes = !inQuotes;
    else if (!inQuotes && ch in counts) counts[ch]!++;
  }
  const best = (Object.entries(counts) as [Delimiter, number][]).sort((a, b) => b[1] - a[1])[0]!;
  if (best[1] > 0) return best[0];
  return /\S\s+\S/.test(headerLine.trim()) ? 'whitespace' : ',';
}
