/**
 * Where a device reads the repository from: a local directory or an HTTP(S) base URL. Metadata
 * is bounded in length (TUF §5.2 endless data); targets are downloaded into `<dest>.part`,
 * resumed with an HTTP Range request (RFC 9110 §14.2) after an interruption, and renamed to
 * `dest` only once their length and SHA-256 match the signed targets metadata (TUF §5.7.3).
 */
import { createHash } from 'node:crypto';
import { open, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { syncDir } from '../../agent/fs/atomic.ts';
import type { MetadataSource } from '../trust/index.ts';
import { METADATA_DIR, TARGETS_DIR } from '../repo/constants.ts';
import { COPY_CHUNK } from './constants.ts';
import { UpdateError } from './errors.ts';
import { dirname } from 'node:path';

export interface DownloadSpec {
  readonly length: number;
  readonly sha256: string;
  /** Bytes so far (including resumed ones) out of `length`. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Bandwidth cap in bytes per second (default: none). */
  readonly bytesPerSecond?: number;
}

export interface DownloadResult {
  /** Bytes already on disk from an interrupted attempt, not fetched again. */
  readonly resumedFrom: number;
  readonly fetched: number;
}

export interface RepositorySource extends MetadataSource {
  readonly description: string;
  /** Downloads target `path` to `dest` (resuming `dest.part`); verified, or throws `UpdateError`. */
  fetchTarget(path: string, dest: string, spec: DownloadSpec): Promise<DownloadResult>;
}

export interface Pacer {
  readonly clock: { now(): number };
  readonly sleep: (ms: number) => Promise<void>;
}

const realPacer: Pacer = { clock: { now: () => Date.now() }, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };

/** Appends chunks to `<dest>.part`, bounded by `length`, then verifies and renames. */
async function receive(
  dest: string, start: number, chunks: AsyncIterable<Uint8Array>, spec: DownloadSpec, pacer: Pacer,
): Promise<DownloadResult> {
  const part = `${dest}.part`;
  const fh = await open(part, start === 0 ? 'w' : 'r+');
  let at = start;
  const t0 = pacer.clock.now();
  try {
    for await (const chunk of chunks) {
      if (at + chunk.length > spec.length) throw new UpdateError('LENGTH_EXCEEDED', `${dest}: more than the signed ${spec.length} bytes`);
      await fh.write(chunk, 0, chunk.length, at);
      at += chunk.length;
      spec.onProgress?.(at, spec.length);
      if (spec.bytesPerSecond !== undefined) {
        const due = t0 + ((at - start) / spec.bytesPerSecond) * 1000;
        const wait = due - pacer.clock.now();
        if (wait > 0) await pacer.sleep(wait);
      }
    }
    await fh.sync();
  } finally {
    await fh.close();
  }
  if (at !== spec.length) throw new UpdateError('TRANSFER', `${dest}: transfer ended at ${at} of ${spec.length} bytes (resumable)`);
  await verifyPart(part, spec);
  await rename(part, dest);
  await syncDir(dirname(dest));
  return { resumedFrom: start, fetched: at - start };
}

async function verifyPart(part: string, spec: DownloadSpec): Promise<void> {
  const h = createHash('sha256');
  const fh = await open(part, 'r');
  try {
    const buf = Buffer.alloc(COPY_CHUNK);
    for (let pos = 0; ;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
      if (bytesRead === 0) break;
      h.update(buf.subarray(0, bytesRead));
      pos += bytesRead;
    }
  } finally {
    await fh.close();
  }
  if (h.digest('hex') !== spec.sha256) {
    await rm(part, { force: true });
    throw new UpdateError('HASH_MISMATCH', `${part}: SHA-256 is not the signed one (discarded)`);
  }
}

async function partLength(dest: string, length: number): Promise<number> {
  const n = await stat(`${dest}.part`).then((s) => s.size, () => 0);
  return n <= length ? n : 0;
}

async function* fileChunks(path: string, from: number): AsyncGenerator<Uint8Array> {
  const fh = await open(path, 'r');
  try {
    for (let pos = from; ;) {
      const buf = new Uint8Array(COPY_CHUNK);
      const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
      if (bytesRead === 0) return;
      pos += bytesRead;
      yield buf.subarray(0, bytesRead);
    }
  } finally {
    await fh.close();
  }
}

async function readBounded(chunks: AsyncIterable<Uint8Array>, max: number, name: string): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let n = 0;
  for await (const c of chunks) {
    n += c.length;
    if (n > max) throw new UpdateError('LENGTH_EXCEEDED', `${name}: longer than ${max} bytes`);
    parts.push(c);
  }
  return new Uint8Array(Buffer.concat(parts));
}

/** A repository in a local directory (USB stick, NFS, tests). */
export function dirSource(repo: string, pacer: Pacer = realPacer): RepositorySource {
  return {
    description: repo,
    async fetchMetadata(name, max) {
      const path = join(repo, METADATA_DIR, name);
      if (!(await stat(path).then((s) => s.isFile(), () => false))) return undefined;
      return readBounded(fileChunks(path, 0), max, name);
    },
    async fetchTarget(path, dest, spec) {
      const from = await partLength(dest, spec.length);
      return receive(dest, from, fileChunks(join(repo, TARGETS_DIR, path), from), spec, pacer);
    },
  };
}

async function* bodyChunks(res: Response): AsyncGenerator<Uint8Array> {
  if (res.body === null) return;
  const reader = res.body.getReader();
  try {
    for (;;) {
      const r = (await reader.read()) as { done: true; value?: undefined } | { done: false; value: Uint8Array };
      if (r.done) return;
      yield r.value;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

async function request(fetchFn: typeof fetch, url: string, headers: Record<string, string>): Promise<Response> {
  try {
    return await fetchFn(url, { headers, redirect: 'error' });
  } catch (err) {
    throw new UpdateError('TRANSFER', `GET ${url} failed`, { cause: err });
  }
}

/** A repository served over HTTP(S) at `baseUrl` (the directory that holds metadata/ and targets/). */
export function httpSource(baseUrl: string, fetchFn: typeof fetch = fetch, pacer: Pacer = realPacer): RepositorySource {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  const wrap = async function* (res: Response): AsyncGenerator<Uint8Array> {
    try {
      yield* bodyChunks(res);
    } catch (err) {
      throw err instanceof UpdateError ? err : new UpdateError('TRANSFER', 'connection lost', { cause: err });
    }
  };
  return {
    description: base,
    async fetchMetadata(name, max) {
      const res = await request(fetchFn, `${base}${METADATA_DIR}/${name}`, {});
      if (res.status === 404) {
        await res.body?.cancel();
        return undefined;
      }
      if (res.status !== 200) throw new UpdateError('TRANSFER', `GET ${name}: HTTP ${res.status}`);
      return readBounded(wrap(res), max, name);
    },
    async fetchTarget(path, dest, spec) {
      let from = await partLength(dest, spec.length);
      if (from === spec.length) return receive(dest, from, (async function* () {})(), spec, pacer);
      const res = await request(fetchFn, `${base}${TARGETS_DIR}/${path}`, from > 0 ? { range: `bytes=${from}-` } : {});
      if (res.status === 404) throw new UpdateError('NOT_FOUND', `${path} is not in the repository`);
      if (res.status === 200) from = 0; // the server ignored the Range: start over
      else if (res.status !== 206) throw new UpdateError('TRANSFER', `GET ${path}: HTTP ${res.status}`);
      else if (/^bytes (\d+)-/.exec(res.headers.get('content-range') ?? '')?.[1] !== String(from)) {
        await res.body?.cancel();
        throw new UpdateError('TRANSFER', `GET ${path}: Content-Range does not start at ${from}`);
      }
      return receive(dest, from, wrap(res), spec, pacer);
    },
  };
}
