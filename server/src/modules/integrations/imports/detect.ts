import { isUtf8 } from 'node:buffer';
import { CsvParser, sniffDelimiter, type RawRecord } from './csv.ts';
import type { Detected } from './imports.schemas.ts';
import { guessColumns, suggestPreset } from './presets.ts';
import { head, type FileSource } from './source.ts';

/** Reads the start of a file: format, columns, the first 10 rows, and which preset (and mapping) fits. */
export async function detect(src: FileSource): Promise<Detected> {
  let compressed = false;
  for await (const raw of src.open()) {
    compressed = raw[0] === 0x1f && raw[1] === 0x8b;
    break;
  }
  let bytes = await head(src, 256 * 1024);
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
  // Cut at the last complete line: the head may end inside a character or a record.
  const last = bytes.lastIndexOf(10);
  if (last > 0) bytes = bytes.subarray(0, last + 1);
  const utf8 = isUtf8(bytes);
  const text = utf8 ? bytes.toString('utf8') : new TextDecoder('windows-1252').decode(bytes);
  const firstLine = text.split('\n')[0]?.replace(/\r$/, '') ?? '';
  const delimiter = sniffDelimiter(firstLine);
  const records: RawRecord[] = [];
  const parser = new CsvParser(delimiter);
  parser.push(text, records);
  const first = records[0]?.fields ?? [];
  // A first row of numbers is data (CDNOW's sample file has no header).
  const header = !(first.length > 1 && first.every((f) => /^[\d.,+-]*$/.test(f.trim())));
  const columns = header ? first.map((c) => c.trim()) : first.map((_, i) => `#${i + 1}`);
  const preview = records.slice(header ? 1 : 0, header ? 11 : 10).map((r) => r.fields);
  let suggestion: Detected['suggestion'];
  if (!header && delimiter === 'whitespace' && (first.length === 4 || first.length === 5)) {
    suggestion = { kind: 'orders', preset: 'cdnow', mapping: null, confidence: 'low' };
  } else {
    const s = suggestPreset(columns);
    suggestion = { kind: s.kind, preset: s.preset, mapping: s.preset === 'generic' ? { columns: guessColumns(columns) } : null, confidence: s.confidence };
  }
  return {
    format: { compressed, delimiter, encoding: utf8 ? 'utf-8' : 'windows-1252', header },
    columns, preview, suggestion,
  };
}
