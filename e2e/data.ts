import fs from 'node:fs';
import readline from 'node:readline';
import zlib from 'node:zlib';

/**
 * The lines of a gzipped file of the real data in ../shared/data. A missing file fails at once
 * with a clear message (a read error inside `.pipe()` would otherwise leave the reader waiting).
 */
export function gzipLines(file: URL): readline.Interface {
  if (!fs.existsSync(file)) throw new Error(`Missing real data ${file.pathname}: the tests read ../shared/data next to the checkout (see ../shared/data/README.md).`);
  return readline.createInterface({ input: fs.createReadStream(file).pipe(zlib.createGunzip()), crlfDelay: Infinity });
}
