import { readFile, readdir, writeFile } from 'node:fs/promises';
import { DriverError } from '../errors.ts';

/**
 * The file operations sysfs-style adapters use, injectable so tests can simulate the kernel's
 * EIO/ETIMEDOUT on reads (a plain fixture file cannot).
 */
export interface FileOps {
  readText(path: string): Promise<string>;
  writeText(path: string, text: string): Promise<void>;
  list(dir: string): Promise<string[]>;
}

export const nodeFileOps: FileOps = {
  readText: (p) => readFile(p, 'utf8'),
  writeText: (p, t) => writeFile(p, t),
  list: (d) => readdir(d),
};

/** Sysfs attributes are short; anything longer is not what we expect. */
export const MAX_ATTRIBUTE_CHARS = 4096;

function errnoOf(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
}

/** Maps an fs error to a DriverError: ENOENT → NOT_FOUND, anything else → IO. */
export function fsError(what: string, err: unknown): DriverError {
  const errno = errnoOf(err);
  if (errno === 'ENOENT' || errno === 'ENOTDIR') return new DriverError('NOT_FOUND', `${what}: not found`, { cause: err });
  return new DriverError('IO', `${what}: ${errno ?? 'read failed'}`, { cause: err });
}

/** Reads a sysfs attribute as text, bounded in length, with typed errors. */
export async function readAttribute(files: FileOps, path: string): Promise<string> {
  let text: string;
  try {
    text = await files.readText(path);
  } catch (err) {
    throw fsError(path, err);
  }
  if (text.length > MAX_ATTRIBUTE_CHARS) throw new DriverError('BAD_FRAME', `${path}: ${text.length} characters is too long`);
  return text;
}

/** Parses a decimal integer attribute (`in_temp_input`, `base`): digits with an optional sign. */
export function parseIntegerAttribute(path: string, text: string): number {
  const t = text.trim();
  if (!/^-?\d{1,15}$/.test(t)) throw new DriverError('BAD_FRAME', `${path}: not an integer: ${JSON.stringify(t.slice(0, 40))}`);
  return Number(t);
}

/** Parses a decimal attribute that may carry a fraction (some IIO drivers print `1014.35`). */
export function parseDecimalAttribute(path: string, text: string): number {
  const t = text.trim();
  if (!/^-?\d{1,15}(\.\d{1,15})?$/.test(t)) throw new DriverError('BAD_FRAME', `${path}: not a number: ${JSON.stringify(t.slice(0, 40))}`);
  return Number(t);
}
