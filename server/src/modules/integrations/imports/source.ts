import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { FileFormatError } from './csv.ts';

/** A file an import can read as many times as it needs (each pass opens it again). */
export interface FileSource {
  name: string;
  /** The raw bytes, as stored (gzip or not). */
  open(): AsyncIterable<Buffer>;
}

export function localFile(file: string): FileSource {
  return {
    name: path.basename(file),
    open: () => fs.createReadStream(file, { highWaterMark: 1 << 20 }),
  };
}

/** Decompresses gzip (by its magic bytes, whatever the name says); refuses zip archives. */
export async function* decompressed(raw: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const it = raw[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done) return;
  const head = first.value;
  const all = (async function* () {
    try {
      yield head;
      for (;;) {
        const n = await it.next();
        if (n.done) return;
        yield n.value;
      }
    } finally {
      // Stopping early (a preview) must close the file or the database cursor.
      await it.return?.();
    }
  })();
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 3 && head[3] === 4) {
    throw new FileFormatError('This is a zip archive. Unzip it and import the .csv inside (a .csv.gz is fine too).');
  }
  if (head[0] !== 0x1f || head[1] !== 0x8b) {
    yield* all;
    return;
  }
  const gunzip = createGunzip({ chunkSize: 1 << 20 });
  pipeline(Readable.from(all), gunzip, () => undefined);
  try {
    for await (const chunk of gunzip) yield chunk as Buffer;
  } catch (e) {
    throw new FileFormatError(`The gzip data is damaged: ${(e as Error).message}`);
  }
}

/** Size and SHA-256 of the raw bytes (to recognise the same file again). */
export async function fingerprint(src: FileSource): Promise<{ size: number; sha256: string }> {
  const h = createHash('sha256');
  let size = 0;
  for await (const chunk of src.open()) {
    h.update(chunk);
    size += chunk.length;
  }
  return { size, sha256: h.digest('hex') };
}

/** The first bytes of the decompressed file (for sniffing the delimiter and previews). */
export async function head(src: FileSource, bytes = 256 * 1024): Promise<Buffer> {
  const parts: Buffer[] = [];
  let n = 0;
  const it = decompressed(src.open());
  for await (const chunk of it) {
    parts.push(chunk);
    n += chunk.length;
    if (n >= bytes) break;
  }
  await it.return(undefined);
  return Buffer.concat(parts).subarray(0, bytes);
}
