/**
 * A pull reader over the patch bytes as they arrive (a download's chunks, or a file read in
 * fixed blocks). It never holds more than one incoming chunk plus the bytes a caller asked for,
 * and every request is bounded by the caller (§D.5 limits), so memory does not depend on the
 * patch size.
 */
import { IO_BUFFER } from './constants.ts';
import { DeltaError } from './errors.ts';
import type { ByteSource } from './format.ts';
import type { DeltaFile } from './fs.ts';

export class PatchReader implements ByteSource {
  #it: AsyncIterator<Uint8Array>;
  #chunk: Uint8Array = new Uint8Array(0);
  #done = false;
  /** Absolute offset in the patch of the next byte handed out. */
  offset: number;

  constructor(chunks: AsyncIterable<Uint8Array>, startOffset = 0) {
    this.#it = chunks[Symbol.asyncIterator]();
    this.offset = startOffset;
  }

  /** Returns a fresh copy of the next `n` bytes; throws TRUNCATED_PATCH if the patch ends first. */
  async readExact(n: number): Promise<Uint8Array> {
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      if (!(await this.#fill())) {
        throw new DeltaError('TRUNCATED_PATCH', `patch ends at ${this.offset} while ${n - filled} more bytes were needed`);
      }
      const take = Math.min(n - filled, this.#chunk.length);
      out.set(this.#chunk.subarray(0, take), filled);
      this.#chunk = this.#chunk.subarray(take);
      filled += take;
      this.offset += take;
    }
    return out;
  }

  /** Discards `n` bytes (used to reach the resume point of a re-started download). */
  async skip(n: number): Promise<void> {
    let left = n;
    while (left > 0) {
      if (!(await this.#fill())) throw new DeltaError('TRUNCATED_PATCH', `patch ends at ${this.offset} while skipping`);
      const take = Math.min(left, this.#chunk.length);
      this.#chunk = this.#chunk.subarray(take);
      left -= take;
      this.offset += take;
    }
  }

  /** True when no byte is left. */
  async atEnd(): Promise<boolean> {
    return !(await this.#fill());
  }

  async close(): Promise<void> {
    if (!this.#done) {
      this.#done = true;
      await this.#it.return?.();
    }
  }

  async #fill(): Promise<boolean> {
    while (this.#chunk.length === 0) {
      if (this.#done) return false;
      const r = await this.#it.next();
      if (r.done === true) {
        this.#done = true;
        return false;
      }
      if (!(r.value instanceof Uint8Array)) throw new TypeError('patch chunks must be Uint8Array');
      this.#chunk = r.value;
    }
    return true;
  }
}

/** Yields a file's bytes from `start` in fixed blocks (one reused buffer per yielded chunk). */
export async function* fileChunks(file: DeltaFile, start: number): AsyncGenerator<Uint8Array> {
  const buf = new Uint8Array(IO_BUFFER);
  let pos = start;
  for (;;) {
    const n = await file.read(buf, 0, buf.length, pos);
    if (n === 0) return;
    pos += n;
    yield buf.subarray(0, n);
  }
}
