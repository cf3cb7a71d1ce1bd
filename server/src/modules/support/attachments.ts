import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Executor, Tx } from '../../platform/db/db.ts';
import { newId } from '../../platform/ids.ts';
import type { RawAttachment } from './mime.ts';

/** Limits for one message's attachments. */
export interface AttachmentLimits {
  maxFileBytes: number;
  maxMessageBytes: number;
  maxCount: number;
}

export interface AcceptedAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
  sha256: string;
  contentId: string | null;
  inline: boolean;
}
export interface RejectedAttachment {
  filename: string;
  size: number;
  reason: string;
}

// Programs and scripts Windows, macOS or Linux run on a double click, by extension.
const BLOCKED_EXT = new Set([
  'exe', 'com', 'scr', 'pif', 'bat', 'cmd', 'msi', 'msp', 'mst', 'cpl', 'dll', 'sys', 'drv', 'ocx', 'vbs', 'vbe', 'js', 'jse', 'wsf', 'wsh', 'ws', 'wsc',
  'hta', 'ps1', 'ps1xml', 'ps2', 'psc1', 'psm1', 'msh', 'msh1', 'jar', 'lnk', 'inf', 'reg', 'scf', 'sct', 'gadget', 'application', 'appref-ms', 'apk',
  'app', 'dmg', 'pkg', 'command', 'sh', 'bash', 'csh', 'ksh', 'run', 'elf', 'deb', 'rpm', 'iso', 'img', 'vhd', 'vhdx', 'chm', 'hlp', 'url', 'xll', 'xlam',
]);

/** What the first bytes say a file is, when it is a program whatever its name claims. */
export function executableMagic(b: Buffer): string | null {
  if (b.length >= 2 && b[0] === 0x4d && b[1] === 0x5a) return 'Windows executable (MZ)';
  if (b.length >= 4 && b.readUInt32BE(0) === 0x7f454c46) return 'ELF executable';
  if (b.length >= 4 && [0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe].includes(b.readUInt32BE(0))) return 'Mach-O executable';
  // 0xcafebabe is both a Mach-O universal binary and a Java class file: both are programs.
  if (b.length >= 4 && b.readUInt32BE(0) === 0xcafebabe) return 'Mach-O universal binary / Java class';
  if (b.length >= 2 && b[0] === 0x23 && b[1] === 0x21) return 'script with #! interpreter line';
  if (b.length >= 8 && b.readUInt32BE(0) === 0x4c000000 && b.readUInt32BE(4) === 0x01140200) return 'Windows shortcut (.lnk)';
  return null;
}

/** Limits for what a zip file may declare it unpacks to (read from its directory; nothing is ever unpacked). */
const ZIP_MAX_TOTAL = 2 * 1024 * 1024 * 1024;
const ZIP_MAX_RATIO = 200;
const ZIP_MAX_ENTRIES = 20_000;

/**
 * Reads a zip file's central directory (names and declared sizes) without unpacking anything. Returns why
 * the archive is refused: a program inside, or a declared size or compression ratio no real archive has
 * (a zip bomb). Unreadable or unusual archives (zip64, damaged) are not judged: they stay opaque files.
 */
export function zipProblem(b: Buffer): string | null {
  if (b.length < 22 || b.readUInt32LE(0) !== 0x04034b50) return null;
  let eocd = -1;
  for (let i = b.length - 22; i >= Math.max(0, b.length - 22 - 65_535); i--) {
    if (b.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return null;
  const count = b.readUInt16LE(eocd + 10);
  let p = b.readUInt32LE(eocd + 16);
  if (count > ZIP_MAX_ENTRIES) return `an archive of ${count} files`;
  let total = 0;
  for (let n = 0; n < count; n++) {
    if (p + 46 > b.length || b.readUInt32LE(p) !== 0x02014b50) return null;
    const compressed = b.readUInt32LE(p + 20);
    const size = b.readUInt32LE(p + 24);
    const nameLen = b.readUInt16LE(p + 28);
    const name = b.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    if (compressed === 0xffffffff || size === 0xffffffff) return null;
    const ext = extensions(path.posix.basename(name.replace(/\\/g, '/'))).find((e) => BLOCKED_EXT.has(e));
    if (ext) return `the archive contains a program (${safeFilename(name, '')})`;
    total += size;
    if (size > 1024 * 1024 && size / Math.max(compressed, 1) > ZIP_MAX_RATIO) return `the archive claims a ${Math.round(size / Math.max(compressed, 1))}:1 compression ratio (a zip bomb)`;
    p += 46 + nameLen + b.readUInt16LE(p + 30) + b.readUInt16LE(p + 32);
  }
  if (total > ZIP_MAX_TOTAL) return `the archive claims to unpack to ${fmt(total)} (a zip bomb)`;
  return null;
}

/** A file name safe to show and to put in Content-Disposition: no path, no control characters, bounded. */
export function safeFilename(name: string | null | undefined, contentType: string): string {
  // eslint-disable-next-line no-control-regex -- stripping control characters is the point
  let n = (name ?? '').normalize('NFC').replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '');
  n = path.posix.basename(n.replace(/\\/g, '/')).replace(/["<>:|?*]/g, '_').replace(/^[.\s]+|[.\s]+$/g, '');
  if (!n) n = `attachment${EXT_OF_TYPE[contentType.split(';')[0]!.trim()] ?? ''}`;
  if (n.length > 150) {
    const ext = path.extname(n).slice(0, 20);
    n = n.slice(0, 150 - ext.length) + ext;
  }
  return n;
}

const EXT_OF_TYPE: Record<string, string> = {
  'image/png': '.png', 'image/jpeg': '.jpg', 'image/gif': '.gif', 'application/pdf': '.pdf', 'text/plain': '.txt', 'text/calendar': '.ics', 'message/rfc822': '.eml',
};

/** Every extension of a name ("invoice.pdf.exe" → pdf, exe): a blocked one anywhere after the first dot counts. */
function extensions(name: string): string[] {
  return name.toLowerCase().split('.').slice(1).map((e) => e.trim());
}

/**
 * Sorts a message's attachments into kept and refused: executables (by extension and by their first
 * bytes), files over the per-file limit, and whatever exceeds the per-message total or count.
 * Archives are never unpacked by Patron, so a zip bomb is just a small file here; a zip's directory is read
 * (names and declared sizes only) to refuse programs inside and absurd declared sizes or ratios. Other
 * archives (rar, 7z, gz) are kept as opaque files.
 */
export function screenAttachments(list: RawAttachment[], l: AttachmentLimits): { accepted: AcceptedAttachment[]; rejected: RejectedAttachment[] } {
  const accepted: AcceptedAttachment[] = [];
  const rejected: RejectedAttachment[] = [];
  let total = 0;
  for (const a of list) {
    const contentType = /^[\w.+-]+\/[\w.+-]+$/.test(a.contentType) ? a.contentType : 'application/octet-stream';
    const filename = safeFilename(a.filename, contentType);
    const size = a.content.length;
    const badExt = extensions(filename).find((e) => BLOCKED_EXT.has(e));
    const magic = executableMagic(a.content);
    let reason: string | null = null;
    if (badExt) reason = `executable file type .${badExt} is not accepted`;
    else if (magic) reason = `the file is a program (${magic}) whatever its name says`;
    else if (zipProblem(a.content)) reason = zipProblem(a.content);
    else if (size > l.maxFileBytes) reason = `larger than the ${fmt(l.maxFileBytes)} limit per file (${fmt(size)})`;
    else if (total + size > l.maxMessageBytes) reason = `the message's attachments exceed the ${fmt(l.maxMessageBytes)} limit per message`;
    else if (accepted.length >= l.maxCount) reason = `more than ${l.maxCount} attachments in one message`;
    if (reason) {
      rejected.push({ filename, size, reason });
      continue;
    }
    total += size;
    accepted.push({ filename, contentType, content: a.content, sha256: createHash('sha256').update(a.content).digest('hex'), contentId: a.contentId, inline: a.inline });
  }
  return { accepted, rejected };
}

function fmt(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(n / 1024)} kB`;
}

/** Content types served as themselves; anything else is served as application/octet-stream. */
const SERVE_AS_IS = /^(image\/(png|jpeg|gif|webp)|application\/pdf|text\/plain|text\/csv)$/;

export const attachmentStore = {
  /** Stores the files (content-addressed, one copy per content) and their ticket_attachments rows. */
  async save(tx: Tx, ticketId: string, messageId: string, files: AcceptedAttachment[]): Promise<{ id: string; file: AcceptedAttachment }[]> {
    const out: { id: string; file: AcceptedAttachment }[] = [];
    for (const f of files) {
      await tx.insertInto('support_attachment_blobs').values({ sha256: f.sha256, size_bytes: f.content.length, content: f.content })
        .onConflict((oc) => oc.column('sha256').doNothing()).execute();
      const id = newId();
      await tx.insertInto('ticket_attachments').values({
        id, ticket_id: ticketId, message_id: messageId, filename: f.filename, content_type: f.contentType, size_bytes: f.content.length,
        storage_key: `pg:${f.sha256}`, sha256: f.sha256, content_id: f.contentId, inline: f.inline,
      }).execute();
      out.push({ id, file: f });
    }
    return out;
  },

  /** One attachment of a ticket with its bytes (the ticket id must match: ids are not guessable, but still). */
  async load(db: Executor, ticketId: string, attachmentId: string): Promise<{ filename: string; contentType: string; content: Buffer } | undefined> {
    const r = await db.selectFrom('ticket_attachments as a').innerJoin('support_attachment_blobs as b', 'b.sha256', 'a.sha256')
      .select(['a.filename', 'a.content_type', 'b.content']).where('a.id', '=', attachmentId).where('a.ticket_id', '=', ticketId).executeTakeFirst();
    if (!r) return undefined;
    return { filename: r.filename, contentType: SERVE_AS_IS.test(r.content_type) ? r.content_type : 'application/octet-stream', content: r.content };
  },

  /** Drops file contents no attachment refers to any more (after an erasure or a ticket deletion). */
  async collect(db: Executor, sha256s?: string[]): Promise<number> {
    let q = db.deleteFrom('support_attachment_blobs').where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('ticket_attachments').select('id').whereRef('ticket_attachments.sha256', '=', 'support_attachment_blobs.sha256'))));
    if (sha256s) {
      if (!sha256s.length) return 0;
      q = q.where('sha256', 'in', sha256s);
    }
    const r = await q.executeTakeFirst();
    return Number(r.numDeletedRows);
  },
};

/** `Content-Disposition: attachment` with an ASCII fallback and the UTF-8 name (RFC 6266 / 5987). */
export function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
