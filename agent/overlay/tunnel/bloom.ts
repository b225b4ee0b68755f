/**
 * The tunnel replay filter: a keyed, decaying Bloom filter on nonce ⊕ the first 16 bytes of the
 * body (I2P `BloomFilterIVValidator`, research/overlay.md §5.5 item 2). Two generations swapped
 * every BLOOM_GENERATION_MS, so an entry is remembered 10–20 minutes, matching tunnel lifetime.
 * Indexes come from one SHA-256(key ‖ value) (double hashing) with a per-router random key, so peers cannot aim at
 * filter bits. Memory is fixed: 2 × bits/8 bytes.
 */
import type { CryptoPort } from '../../crypto/port.ts';
import { BLOOM_BITS, BLOOM_GENERATION_MS, BLOOM_HASHES } from './constants.ts';

export interface DecayingBloomOptions {
  readonly bits?: number;
  readonly hashes?: number;
  readonly generationMs?: number;
}

export class DecayingBloomFilter {
  #current: Uint8Array;
  #previous: Uint8Array;
  #swappedAt: number;
  readonly #key: Uint8Array;
  readonly #bits: number;
  readonly #hashes: number;
  readonly #generationMs: number;
  readonly #idx: Uint32Array;

  constructor(private readonly crypto: CryptoPort, now: number, opts: DecayingBloomOptions = {}) {
    this.#bits = opts.bits ?? BLOOM_BITS;
    this.#hashes = opts.hashes ?? BLOOM_HASHES;
    this.#generationMs = opts.generationMs ?? BLOOM_GENERATION_MS;
    if (this.#bits < 64 || this.#bits % 8 !== 0 || this.#hashes < 1 || this.#hashes > 32) throw new RangeError('bad Bloom filter size');
    this.#current = new Uint8Array(this.#bits / 8);
    this.#previous = new Uint8Array(this.#bits / 8);
    this.#swappedAt = now;
    this.#key = crypto.randomBytes(32);
    this.#idx = new Uint32Array(this.#hashes);
  }

  /** Bytes held by the two generations. */
  get memoryBytes(): number {
    return this.#current.length * 2;
  }

  /** Kirsch–Mitzenmacher double hashing: index_i = h1 + i·h2 (mod m), one SHA-256 per value. */
  #indexes(value: Uint8Array): void {
    const d = this.crypto.sha256(this.#key, value);
    const dv = new DataView(d.buffer, d.byteOffset, 32);
    const h1 = dv.getUint32(0) % this.#bits;
    const h2 = (dv.getUint32(4) % this.#bits) | 1;
    for (let i = 0; i < this.#hashes; i++) this.#idx[i] = (h1 + i * h2) % this.#bits;
  }

  #has(bits: Uint8Array): boolean {
    for (const i of this.#idx) if (((bits[i >>> 3] as number) & (1 << (i & 7))) === 0) return false;
    return true;
  }

  /** Records `value`; returns false when it was (probably) seen in either generation. */
  checkAndAdd(value: Uint8Array, now: number): boolean {
    this.#decay(now);
    this.#indexes(value);
    if (this.#has(this.#current) || this.#has(this.#previous)) return false;
    for (const i of this.#idx) this.#current[i >>> 3] = (this.#current[i >>> 3] as number) | (1 << (i & 7));
    return true;
  }

  #decay(now: number): void {
    if (now - this.#swappedAt < this.#generationMs) return;
    const twoGenerations = now - this.#swappedAt >= 2 * this.#generationMs;
    const old = this.#previous;
    this.#previous = twoGenerations ? old.fill(0) : this.#current;
    this.#current = twoGenerations ? this.#current.fill(0) : old.fill(0);
    this.#swappedAt = now;
  }
}

/** The filter key of a cell: nonce ⊕ first 16 bytes of the body (as received). */
export function cellReplayKey(nonce: Uint8Array, body: Uint8Array, out: Uint8Array): Uint8Array {
  for (let i = 0; i < 16; i++) out[i] = (nonce[i] as number) ^ (body[i] as number);
  return out;
}
