/**
 * A small, total ustar reader (POSIX.1-1988, IEEE Std 1003.1 "ustar Interchange Format") for
 * agent slot images: regular files, directories and relative symlinks that stay inside the
 * slot. Anything else (absolute paths, `..`, devices, hard links, GNU/pax extensions) is
 * refused with `BAD_ARCHIVE`. Reads the archive in 512-byte blocks; memory is one file chunk.
 */
import { mkdir, open, symlink } from 'node:fs/promises';
import { dirname, join, normalize, posix } from 'node:path';
import { TAR_BLOCK } from './constants.ts';
import { SlotError } from './errors.ts';

function bad(what: string): never {
  throw new SlotError('BAD_ARCHIVE', `slot archive: ${what}`, { badInput: true });
}

function field(h: Uint8Array, off: number, len: number): string {
  const raw = h.subarray(off, off + len);
  const end = raw.indexOf(0);
  return Buffer.from(end === -1 ? raw : raw.subarray(0, end)).toString('utf8');
}

function octal(h: Uint8Array, off: number, len: number, what: string): number {
  const s = field(h, off, len).trim();
  if (!/^[0-7]{1,12}$/.test(s)) bad(`${what} is not octal`);
  return parseInt(s, 8);
}

function checksumOk(h: Uint8Array): boolean {
  let sum = 0;
  for (let i = 0; i < TAR_BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
  return sum === octal(h, 148, 8, 'checksum');
}

function safePath(name: string): string {
  const n = posix.normalize(name).replace(/\/$/, '');
  if (n === '' || n === '.' || n.startsWith('/') || n.startsWith('../') || n === '..' || n.includes('\0')) bad(`unsafe path ${JSON.stringify(name)}`);
  return n;
}

/** Unpacks ustar archive `archive` (its first `length` bytes) into the existing directory `dest`. */
export async function extractTar(archive: string, length: number, dest: string): Promise<number> {
  const fh = await open(archive, 'r');
  let entries = 0;
  try {
    const h = new Uint8Array(TAR_BLOCK);
    for (let pos = 0; pos + TAR_BLOCK <= length;) {
      const { bytesRead } = await fh.read(h, 0, TAR_BLOCK, pos);
      if (bytesRead !== TAR_BLOCK) bad('truncated header');
      pos += TAR_BLOCK;
      if (h.every((b) => b === 0)) return entries; // end-of-archive block
      if (field(h, 257, 6) !== 'ustar' || !checksumOk(h)) bad('not a ustar header');
      const prefix = field(h, 345, 155);
      const name = prefix === '' ? field(h, 0, 100) : `${prefix}/${field(h, 0, 100)}`;
      const size = octal(h, 124, 12, 'size');
      if (posix.normalize(name) === './' && h[156] === 0x35 && size === 0) continue; // the archive's own root
      const path = safePath(name);
      const mode = octal(h, 100, 8, 'mode') & 0o755;
      if (pos + size > length) bad(`${path} runs past the end`);
      await extractEntry(fh, String.fromCharCode(h[156]!), join(dest, path), path, size, mode, pos, field(h, 157, 100));
      pos += Math.ceil(size / TAR_BLOCK) * TAR_BLOCK;
      entries++;
    }
    bad('no end-of-archive block');
  } finally {
    await fh.close();
  }
}

async function extractEntry(
  fh: Awaited<ReturnType<typeof open>>, type: string, out: string, path: string, size: number, mode: number, pos: number, linkname: string,
): Promise<void> {
  if (type === '5') {
    await mkdir(out, { recursive: true, mode: mode | 0o700 });
  } else if (type === '0' || type === '\0') {
    await mkdir(dirname(out), { recursive: true });
    const w = await open(out, 'wx', mode);
    try {
      const buf = Buffer.alloc(Math.min(size, 1 << 16) || 1);
      for (let done = 0; done < size;) {
        const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, size - done), pos + done);
        if (bytesRead === 0) bad(`${path} truncated`);
        await w.write(buf, 0, bytesRead);
        done += bytesRead;
      }
      await w.sync();
    } finally {
      await w.close();
    }
  } else if (type === '2') {
    const resolved = normalize(join(dirname(path), linkname));
    if (linkname.startsWith('/') || resolved.startsWith('..')) bad(`symlink ${path} points outside the slot`);
    await mkdir(dirname(out), { recursive: true });
    await symlink(linkname, out);
  } else {
    bad(`entry type ${JSON.stringify(type)} of ${path} is not allowed`);
  }
}
