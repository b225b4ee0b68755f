/**
 * ChaCha20 in JavaScript for short messages (RFC 8439 §2.3 block function, §2.4 encryption),
 * used by the node adapter's contexts below `CHACHA_JS_MAX_LENGTH` (constants.ts), where
 * creating an OpenSSL cipher costs more than the work. The key words are read once per key.
 * Callers check lengths and counters first (shared.ts `chachaXorTarget`); checked against
 * OpenSSL and @noble/ciphers by test/crypto (RFC 8439 vectors and agreement properties).
 */

/** RFC 8439 §2.3: "expand 32-byte k" as four little-endian words. */
const SIGMA: readonly [number, number, number, number] = [0x61707865, 0x3320646e, 0x79622d32, 0x6b206574];

/** Typed arrays use the platform's byte order; the keystream is little-endian (§2.3). */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function rotl(v: number, c: number): number {
  return (v << c) | (v >>> (32 - c));
}

function le32(b: Uint8Array, i: number): number {
  return (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;
}

/** One key's state: its eight key words and a 64-byte keystream scratch block. */
export class ChaCha20Js {
  readonly #k = new Uint32Array(8);
  readonly #block = new Uint32Array(16);
  readonly #bytes = new Uint8Array(this.#block.buffer);

  constructor(key: Uint8Array) {
    for (let i = 0; i < 8; i++) this.#k[i] = le32(key, 4 * i);
  }

  /** RFC 8439 §2.4: out[i] = data[i] ^ keystream[i], from block `counter` under `nonce`. */
  xor(nonce: Uint8Array, counter: number, data: Uint8Array, out: Uint8Array): void {
    const n0 = le32(nonce, 0);
    const n1 = le32(nonce, 4);
    const n2 = le32(nonce, 8);
    const ks = this.#bytes;
    for (let pos = 0, ctr = counter; pos < data.length; pos += 64, ctr++) {
      this.#blockFn(ctr, n0, n1, n2);
      const end = Math.min(64, data.length - pos);
      for (let j = 0; j < end; j++) out[pos + j] = data[pos + j]! ^ ks[j]!;
    }
  }

  /** RFC 8439 §2.3: 20 rounds (10 column + diagonal pairs) and the feed-forward, into #block. */
  #blockFn(counter: number, n0: number, n1: number, n2: number): void {
    const k = this.#k;
    const [s0, s1, s2, s3] = SIGMA;
    const [k0, k1, k2, k3, k4, k5, k6, k7] = [k[0]!, k[1]!, k[2]!, k[3]!, k[4]!, k[5]!, k[6]!, k[7]!];
    const s12 = counter >>> 0;
    let x0 = s0, x1 = s1, x2 = s2, x3 = s3, x4 = k0, x5 = k1, x6 = k2, x7 = k3;
    let x8 = k4, x9 = k5, x10 = k6, x11 = k7, x12 = s12, x13 = n0, x14 = n1, x15 = n2;
    for (let r = 0; r < 10; r++) {
      // §2.1 quarter rounds on the columns …
      x0 = (x0 + x4) | 0; x12 = rotl(x12 ^ x0, 16); x8 = (x8 + x12) | 0; x4 = rotl(x4 ^ x8, 12);
      x0 = (x0 + x4) | 0; x12 = rotl(x12 ^ x0, 8); x8 = (x8 + x12) | 0; x4 = rotl(x4 ^ x8, 7);
      x1 = (x1 + x5) | 0; x13 = rotl(x13 ^ x1, 16); x9 = (x9 + x13) | 0; x5 = rotl(x5 ^ x9, 12);
      x1 = (x1 + x5) | 0; x13 = rotl(x13 ^ x1, 8); x9 = (x9 + x13) | 0; x5 = rotl(x5 ^ x9, 7);
      x2 = (x2 + x6) | 0; x14 = rotl(x14 ^ x2, 16); x10 = (x10 + x14) | 0; x6 = rotl(x6 ^ x10, 12);
      x2 = (x2 + x6) | 0; x14 = rotl(x14 ^ x2, 8); x10 = (x10 + x14) | 0; x6 = rotl(x6 ^ x10, 7);
      x3 = (x3 + x7) | 0; x15 = rotl(x15 ^ x3, 16); x11 = (x11 + x15) | 0; x7 = rotl(x7 ^ x11, 12);
      x3 = (x3 + x7) | 0; x15 = rotl(x15 ^ x3, 8); x11 = (x11 + x15) | 0; x7 = rotl(x7 ^ x11, 7);
      // … and on the diagonals (§2.2)
      x0 = (x0 + x5) | 0; x15 = rotl(x15 ^ x0, 16); x10 = (x10 + x15) | 0; x5 = rotl(x5 ^ x10, 12);
      x0 = (x0 + x5) | 0; x15 = rotl(x15 ^ x0, 8); x10 = (x10 + x15) | 0; x5 = rotl(x5 ^ x10, 7);
      x1 = (x1 + x6) | 0; x12 = rotl(x12 ^ x1, 16); x11 = (x11 + x12) | 0; x6 = rotl(x6 ^ x11, 12);
      x1 = (x1 + x6) | 0; x12 = rotl(x12 ^ x1, 8); x11 = (x11 + x12) | 0; x6 = rotl(x6 ^ x11, 7);
      x2 = (x2 + x7) | 0; x13 = rotl(x13 ^ x2, 16); x8 = (x8 + x13) | 0; x7 = rotl(x7 ^ x8, 12);
      x2 = (x2 + x7) | 0; x13 = rotl(x13 ^ x2, 8); x8 = (x8 + x13) | 0; x7 = rotl(x7 ^ x8, 7);
      x3 = (x3 + x4) | 0; x14 = rotl(x14 ^ x3, 16); x9 = (x9 + x14) | 0; x4 = rotl(x4 ^ x9, 12);
      x3 = (x3 + x4) | 0; x14 = rotl(x14 ^ x3, 8); x9 = (x9 + x14) | 0; x4 = rotl(x4 ^ x9, 7);
    }
    const b = this.#block;
    b[0] = x0 + s0; b[1] = x1 + s1; b[2] = x2 + s2; b[3] = x3 + s3;
    b[4] = x4 + k0; b[5] = x5 + k1; b[6] = x6 + k2; b[7] = x7 + k3;
    b[8] = x8 + k4; b[9] = x9 + k5; b[10] = x10 + k6; b[11] = x11 + k7;
    b[12] = x12 + s12; b[13] = x13 + n0; b[14] = x14 + n1; b[15] = x15 + n2;
    if (!LITTLE_ENDIAN) for (let i = 0; i < 16; i++) new DataView(b.buffer).setUint32(4 * i, b[i]!, true); // §2.3 serialises little-endian
  }
}
