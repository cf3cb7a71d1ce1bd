import { randomFillSync } from 'node:crypto';

/**
 * A new time-ordered id (UUIDv7, RFC 9562), the primary key of every row Patron creates: 48 bits of
 * Unix milliseconds, then a 32-bit counter seeded at random each millisecond and incremented within
 * it (so ids made by one process sort in creation order), then random bits. Random bytes come from
 * a pool refilled 16 KB at a time: a tracking batch makes hundreds of ids, and asking the system for
 * 16 bytes each time cost more than everything else about an id.
 */
export function newId(): string {
  const o = take16();
  let ms = Date.now();
  if (ms > lastMs) {
    seq = pool.readUInt32BE(o) >>> 1;
    lastMs = ms;
  } else {
    seq = (seq + 1) >>> 0;
    // The counter wrapped within one millisecond: borrow the next one (stays ordered).
    if (seq === 0) lastMs++;
    ms = lastMs;
  }
  const hi = Math.floor(ms / 0x10000);
  const b = [
    (hi >>> 24) & 0xff, (hi >>> 16) & 0xff, (hi >>> 8) & 0xff, hi & 0xff, (ms >>> 8) & 0xff, ms & 0xff,
    0x70 | ((seq >>> 28) & 0x0f), (seq >>> 20) & 0xff, 0x80 | ((seq >>> 14) & 0x3f), (seq >>> 6) & 0xff,
    ((seq << 2) & 0xff) | (pool[o + 10]! & 0x03), pool[o + 11]!, pool[o + 12]!, pool[o + 13]!, pool[o + 14]!, pool[o + 15]!,
  ];
  return (
    HEX[b[0]!]! + HEX[b[1]!]! + HEX[b[2]!]! + HEX[b[3]!]! + '-' + HEX[b[4]!]! + HEX[b[5]!]! + '-' + HEX[b[6]!]! + HEX[b[7]!]! + '-' +
    HEX[b[8]!]! + HEX[b[9]!]! + '-' + HEX[b[10]!]! + HEX[b[11]!]! + HEX[b[12]!]! + HEX[b[13]!]! + HEX[b[14]!]! + HEX[b[15]!]!
  );
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const POOL_SIZE = 16 * 1024;
const pool = Buffer.allocUnsafe(POOL_SIZE);
let used = POOL_SIZE;
let lastMs = -1;
let seq = 0;

function take16(): number {
  if (used + 16 > POOL_SIZE) {
    randomFillSync(pool);
    used = 0;
  }
  const o = used;
  used += 16;
  return o;
}
