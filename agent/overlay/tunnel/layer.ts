/**
 * The per-hop tunnel layer: ChaCha20 on the 1008-byte body, with the 16-byte nonce itself
 * encrypted per hop before and after use — I2P's double IV encryption (`docs/tunnels/
 * implementation.html`: iv = E(ivKey, iv); data = E(layerKey, iv, data); iv = E(ivKey, iv))
 * in the two-nonce shape of proposal 153 (research/overlay.md §2, §5.2):
 *
 *   nonce = A (8) ‖ B (8)
 *   forward (what every hop does):   A ^= F(nonceKey, 1, B)
 *                                    body ^= ChaCha20(layerKey, 0^4 ‖ A, counter 0)
 *                                    B ^= F(nonceKey, 2, A)
 *   inverse (what a creator does to pre-encrypt or to peel): the same steps in reverse order.
 *   F(k, i, x) = ChaCha20(k, u32le(i) ‖ x, counter 0) over 8 zero bytes (RFC 8439 §2.4)
 *
 * The nonce transform is a two-round Feistel network keyed per hop, so a hop's incoming and
 * outgoing nonces are unlinkable without its nonceKey and the body keystream never repeats for a
 * fresh A. IP2: proposal 153 is "Open" in I2P and unreviewed; this layer needs a security review.
 * Integrity is end-to-end (the checksum of cell.ts), not per hop, as in I2P.
 *
 * Per cell this is three ChaCha20 messages under two keys, so a hop keeps its keys as ChaCha20
 * contexts (crypto port `chacha20Context`) made once when the hop or tunnel is set up, and every
 * step writes in place into the cell: forwarding allocates nothing here.
 */
import type { ChaCha20Context, CryptoPort } from '../../crypto/port.ts';
import { CELL_BODY_LEN, CELL_NONCE_LEN } from './constants.ts';

export interface LayerKeys {
  readonly layerKey: Uint8Array;
  readonly nonceKey: Uint8Array;
}

/** One hop's `LayerKeys` as ChaCha20 contexts; make them once per tunnel with `layerContexts`. */
export interface LayerContexts {
  readonly layer: ChaCha20Context;
  readonly nonce: ChaCha20Context;
}

/** The contexts of one hop's keys, for the lifetime of its tunnel. */
export function layerContexts(crypto: CryptoPort, keys: LayerKeys): LayerContexts {
  return { layer: crypto.chacha20Context(keys.layerKey), nonce: crypto.chacha20Context(keys.nonceKey) };
}

const ZERO8 = new Uint8Array(8);

/** Scratch buffers reused across cells; one per router, shared by all its hops and tunnels. */
export class LayerCipher {
  readonly #n12 = new Uint8Array(12);
  readonly #ks8 = new Uint8Array(8);
  constructor(private readonly crypto: CryptoPort) {}

  /** out[outOff..+8] ^= F(key, round, x[xOff..+8]). */
  #f(key: ChaCha20Context, round: number, x: Uint8Array, xOff: number, out: Uint8Array, outOff: number): void {
    const n = this.#n12;
    n[0] = round;
    n[1] = 0;
    n[2] = 0;
    n[3] = 0;
    for (let i = 0; i < 8; i++) n[4 + i] = x[xOff + i] as number;
    const ks = key.xor(n, 0, ZERO8, this.#ks8);
    for (let i = 0; i < 8; i++) out[outOff + i] = (out[outOff + i] as number) ^ (ks[i] as number);
  }

  #body(key: ChaCha20Context, nonce: Uint8Array, body: Uint8Array): void {
    const n = this.#n12;
    n.fill(0, 0, 4);
    for (let i = 0; i < 8; i++) n[4 + i] = nonce[i] as number;
    key.xor(n, 0, body, body);
  }

  /**
   * One hop's layer, in place. `nonce` is 16 bytes, `body` 1008 (views into a cell). Forwarding
   * paths pass the hop's `LayerContexts`; raw `LayerKeys` make contexts for this one call.
   */
  forward(hop: LayerContexts | LayerKeys, nonce: Uint8Array, body: Uint8Array): void {
    check(nonce, body);
    const c = this.#contexts(hop);
    this.#f(c.nonce, 1, nonce, 8, nonce, 0);
    this.#body(c.layer, nonce, body);
    this.#f(c.nonce, 2, nonce, 0, nonce, 8);
  }

  /** The inverse of `forward` with the same keys, in place. */
  inverse(hop: LayerContexts | LayerKeys, nonce: Uint8Array, body: Uint8Array): void {
    check(nonce, body);
    const c = this.#contexts(hop);
    this.#f(c.nonce, 2, nonce, 0, nonce, 8);
    this.#body(c.layer, nonce, body);
    this.#f(c.nonce, 1, nonce, 8, nonce, 0);
  }

  #contexts(hop: LayerContexts | LayerKeys): LayerContexts {
    return 'layerKey' in hop ? layerContexts(this.crypto, hop) : hop;
  }
}

function check(nonce: Uint8Array, body: Uint8Array): void {
  if (nonce.length !== CELL_NONCE_LEN || body.length !== CELL_BODY_LEN) throw new RangeError('nonce must be 16 bytes and body 1008');
}
