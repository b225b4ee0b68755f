/**
 * Noise_XK_25519_ChaChaPoly_SHA256, written after the Noise Protocol Framework rev 34.
 * Names follow the spec: CipherState (§5.1), SymmetricState (§5.2), HandshakeState (§5.3).
 * Checked against the snow test vectors (test/overlay/vectors/README.md).
 *
 * Deviations (deliberate, written down here):
 *   - The nonce ceiling is 2^53-1, not 2^64-1 (constants.ts NOISE_MAX_NONCE).
 *   - Only the XK pattern (§7.5) is tabled; the token machinery is the spec's and general.
 */
import type { CryptoPort } from '../crypto/port.ts';
import {
  DHLEN, HASHLEN, NOISE_MAX_MESSAGE, NOISE_MAX_NONCE, NOISE_PROTOCOL_NAME, TAGLEN,
} from './constants.ts';
import { OverlayError } from './errors.ts';

const EMPTY = new Uint8Array(0);

function concat(...parts: Uint8Array[]): Uint8Array {
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** §5.1: ChaChaPoly nonce = 32 bits of zeros ‖ little-endian 64-bit n. */
function nonceBytes(n: number): Uint8Array {
  const out = new Uint8Array(12);
  const view = new DataView(out.buffer);
  view.setUint32(4, n >>> 0, true);
  view.setUint32(8, Math.floor(n / 2 ** 32), true);
  return out;
}

/** §5.1 CipherState: a key `k` (or none) and a nonce `n`. */
export class CipherState {
  #k: Uint8Array | undefined;
  #n = 0;

  constructor(private readonly crypto: CryptoPort, k?: Uint8Array) {
    if (k !== undefined) this.initializeKey(k);
  }

  initializeKey(k: Uint8Array | undefined): void {
    this.#k = k === undefined ? undefined : Uint8Array.from(k);
    this.#n = 0;
  }

  hasKey(): boolean {
    return this.#k !== undefined;
  }

  /** The next nonce value; exposed for tests and diagnostics. */
  get nonce(): number {
    return this.#n;
  }

  #takeNonce(): Uint8Array {
    if (this.#n >= NOISE_MAX_NONCE) throw new OverlayError('NONCE_EXHAUSTED', 'Noise nonce ceiling reached');
    return nonceBytes(this.#n);
  }

  encryptWithAd(ad: Uint8Array, plaintext: Uint8Array): Uint8Array {
    if (this.#k === undefined) return Uint8Array.from(plaintext);
    const out = this.crypto.chacha20poly1305.seal(this.#k, this.#takeNonce(), plaintext, ad);
    this.#n++;
    return out;
  }

  /** §5.1: on failure n is not incremented; we throw AEAD_FAILED. */
  decryptWithAd(ad: Uint8Array, ciphertext: Uint8Array): Uint8Array {
    if (this.#k === undefined) return Uint8Array.from(ciphertext);
    if (ciphertext.length < TAGLEN) throw new OverlayError('AEAD_FAILED', 'ciphertext shorter than the tag');
    let out: Uint8Array;
    try {
      out = this.crypto.chacha20poly1305.open(this.#k, this.#takeNonce(), ciphertext, ad);
    } catch (cause) {
      throw new OverlayError('AEAD_FAILED', 'AEAD authentication failed', { cause });
    }
    this.#n++;
    return out;
  }
}

/** §5.2 SymmetricState: chaining key `ck`, handshake hash `h`, and a CipherState. */
export class SymmetricState {
  readonly cipher: CipherState;
  ck: Uint8Array;
  h: Uint8Array;

  constructor(private readonly crypto: CryptoPort, protocolName: string) {
    const name = new TextEncoder().encode(protocolName);
    // §5.2 InitializeSymmetric: pad to HASHLEN if short enough, else hash.
    this.h = name.length <= HASHLEN ? concat(name, new Uint8Array(HASHLEN - name.length)) : crypto.sha256(name);
    this.ck = Uint8Array.from(this.h);
    this.cipher = new CipherState(crypto);
  }

  /** §4.3 HKDF(chaining_key, input_key_material, num_outputs) with HMAC-SHA256. */
  hkdf(ikm: Uint8Array, count: 2 | 3): Uint8Array[] {
    const temp = this.crypto.hmacSha256(this.ck, ikm);
    const o1 = this.crypto.hmacSha256(temp, Uint8Array.of(1));
    const o2 = this.crypto.hmacSha256(temp, concat(o1, Uint8Array.of(2)));
    if (count === 2) return [o1, o2];
    return [o1, o2, this.crypto.hmacSha256(temp, concat(o2, Uint8Array.of(3)))];
  }

  mixKey(ikm: Uint8Array): void {
    const [ck, tempK] = this.hkdf(ikm, 2) as [Uint8Array, Uint8Array];
    this.ck = ck;
    this.cipher.initializeKey(tempK.subarray(0, 32)); // §5.2: truncate to 32 bytes (HASHLEN=32)
  }

  mixHash(data: Uint8Array): void {
    this.h = this.crypto.sha256(this.h, data);
  }

  encryptAndHash(plaintext: Uint8Array): Uint8Array {
    const ciphertext = this.cipher.encryptWithAd(this.h, plaintext);
    this.mixHash(ciphertext);
    return ciphertext;
  }

  decryptAndHash(ciphertext: Uint8Array): Uint8Array {
    const plaintext = this.cipher.decryptWithAd(this.h, ciphertext);
    this.mixHash(ciphertext);
    return plaintext;
  }

  /** §5.2 Split: two CipherStates, initiator→responder first. */
  split(): [CipherState, CipherState] {
    const [k1, k2] = this.hkdf(EMPTY, 2) as [Uint8Array, Uint8Array];
    return [new CipherState(this.crypto, k1), new CipherState(this.crypto, k2)];
  }
}

type Token = 'e' | 's' | 'ee' | 'es' | 'se' | 'ss';

/** §7.5 XK: `<- s` pre-message, then `-> e, es`, `<- e, ee`, `-> s, se`. */
const XK_MESSAGES: readonly (readonly Token[])[] = [['e', 'es'], ['e', 'ee'], ['s', 'se']];

export interface KeyPair {
  readonly privateKey: Uint8Array;
  readonly publicKey: Uint8Array;
}

export interface HandshakeOptions {
  readonly crypto: CryptoPort;
  readonly initiator: boolean;
  readonly prologue: Uint8Array;
  /** Our static key pair (both sides have one in XK). */
  readonly s: KeyPair;
  /** The responder's static public key: required for the initiator (XK pre-message). */
  readonly rs?: Uint8Array;
  /** Fixed ephemeral private key, for test vectors only; otherwise random. */
  readonly ePrivateKey?: Uint8Array;
}

export interface HandshakeResult {
  /** CipherState for messages we send. */
  readonly send: CipherState;
  /** CipherState for messages we receive. */
  readonly receive: CipherState;
  /** The remote static public key, authenticated by the handshake. */
  readonly rs: Uint8Array;
  /** Channel binding (§11.2): the final handshake hash. */
  readonly handshakeHash: Uint8Array;
}

/** §5.3 HandshakeState for the XK pattern. */
export class HandshakeState {
  readonly #crypto: CryptoPort;
  readonly #ss: SymmetricState;
  readonly #initiator: boolean;
  readonly #s: KeyPair;
  #e: KeyPair | undefined;
  #rs: Uint8Array | undefined;
  #re: Uint8Array | undefined;
  #index = 0;
  readonly #fixedE: Uint8Array | undefined;
  #result: HandshakeResult | undefined;

  constructor(opts: HandshakeOptions) {
    this.#crypto = opts.crypto;
    this.#initiator = opts.initiator;
    this.#s = opts.s;
    this.#fixedE = opts.ePrivateKey;
    if (opts.s.privateKey.length !== DHLEN) throw new RangeError('static private key must be 32 bytes');
    if (opts.initiator) {
      if (opts.rs?.length !== DHLEN) throw new RangeError('XK initiator needs the responder static key (32 bytes)');
      this.#rs = Uint8Array.from(opts.rs);
    }
    this.#ss = new SymmetricState(opts.crypto, NOISE_PROTOCOL_NAME);
    this.#ss.mixHash(opts.prologue);
    // §7.1 pre-message `<- s`: both sides hash the responder's static key.
    this.#ss.mixHash(opts.initiator ? (this.#rs as Uint8Array) : opts.s.publicKey);
  }

  /** Whose turn it is to write. */
  get isMyTurn(): boolean {
    return (this.#index % 2 === 0) === this.#initiator;
  }

  get done(): boolean {
    return this.#result !== undefined;
  }

  get result(): HandshakeResult {
    if (this.#result === undefined) throw new OverlayError('BAD_STATE', 'handshake not complete', { badInput: false });
    return this.#result;
  }

  get handshakeHash(): Uint8Array {
    return this.#ss.h;
  }

  /** Size of the next message for a payload of `payloadLength` bytes (for exact reads). */
  messageLength(index: number, payloadLength: number): number {
    return [DHLEN + payloadLength + TAGLEN, DHLEN + payloadLength + TAGLEN, DHLEN + TAGLEN + payloadLength + TAGLEN][index] ?? 0;
  }

  writeMessage(payload: Uint8Array): Uint8Array {
    const tokens = this.#nextTokens(true);
    const parts: Uint8Array[] = [];
    for (const t of tokens) {
      if (t === 'e') {
        const priv = this.#fixedE ?? this.#crypto.randomBytes(DHLEN);
        this.#e = { privateKey: priv, publicKey: this.#crypto.x25519.publicKey(priv) };
        parts.push(this.#e.publicKey);
        this.#ss.mixHash(this.#e.publicKey);
      } else if (t === 's') {
        parts.push(this.#ss.encryptAndHash(this.#s.publicKey));
      } else {
        this.#ss.mixKey(this.#dh(t));
      }
    }
    parts.push(this.#ss.encryptAndHash(payload));
    const out = concat(...parts);
    if (out.length > NOISE_MAX_MESSAGE) throw new RangeError('Noise message over 65535 bytes');
    this.#advance();
    return out;
  }

  readMessage(message: Uint8Array): Uint8Array {
    if (message.length > NOISE_MAX_MESSAGE) throw new OverlayError('HANDSHAKE_FAILED', 'Noise message over 65535 bytes');
    const tokens = this.#nextTokens(false);
    let off = 0;
    const take = (n: number): Uint8Array => {
      if (off + n > message.length) throw new OverlayError('HANDSHAKE_TRUNCATED', 'handshake message too short');
      const part = message.subarray(off, off + n);
      off += n;
      return part;
    };
    for (const t of tokens) {
      if (t === 'e') {
        this.#re = Uint8Array.from(take(DHLEN));
        this.#ss.mixHash(this.#re);
      } else if (t === 's') {
        const len = this.#ss.cipher.hasKey() ? DHLEN + TAGLEN : DHLEN;
        this.#rs = this.#guard(() => this.#ss.decryptAndHash(take(len)));
      } else {
        this.#ss.mixKey(this.#guard(() => this.#dh(t)));
      }
    }
    const rest = message.subarray(off);
    if (this.#ss.cipher.hasKey() && rest.length < TAGLEN) {
      throw new OverlayError('HANDSHAKE_TRUNCATED', 'handshake message too short');
    }
    const payload = this.#guard(() => this.#ss.decryptAndHash(rest));
    this.#advance();
    return payload;
  }

  /** The peer's ephemeral key once read (for replay detection). */
  get remoteEphemeral(): Uint8Array | undefined {
    return this.#re;
  }

  #guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (cause) {
      if (cause instanceof OverlayError && cause.code !== 'AEAD_FAILED') throw cause;
      throw new OverlayError('HANDSHAKE_FAILED', 'handshake authentication failed (wrong key, network id or tampering)', { cause });
    }
  }

  #nextTokens(writing: boolean): readonly Token[] {
    const tokens = XK_MESSAGES[this.#index];
    if (tokens === undefined || this.done) throw new OverlayError('BAD_STATE', 'handshake already complete', { badInput: false });
    if (writing !== this.isMyTurn) {
      throw new OverlayError('BAD_STATE', writing ? 'not our turn to write' : 'not our turn to read', { badInput: false });
    }
    return tokens;
  }

  /** §5.3: ee = DH(e, re); es = DH(e, rs) for the initiator, DH(s, re) for the responder; etc. */
  #dh(t: 'ee' | 'es' | 'se' | 'ss'): Uint8Array {
    const need = <T>(v: T | undefined): T => {
      if (v === undefined) throw new OverlayError('BAD_STATE', `missing key for ${t}`, { badInput: false });
      return v;
    };
    const x = this.#crypto.x25519;
    const i = this.#initiator;
    switch (t) {
      case 'ee': return x.sharedSecret(need(this.#e).privateKey, need(this.#re));
      case 'es': return i ? x.sharedSecret(need(this.#e).privateKey, need(this.#rs)) : x.sharedSecret(this.#s.privateKey, need(this.#re));
      case 'se': return i ? x.sharedSecret(this.#s.privateKey, need(this.#re)) : x.sharedSecret(need(this.#e).privateKey, need(this.#rs));
      case 'ss': return x.sharedSecret(this.#s.privateKey, need(this.#rs));
    }
  }

  #advance(): void {
    this.#index++;
    if (this.#index < XK_MESSAGES.length) return;
    const [c1, c2] = this.#ss.split();
    this.#result = {
      send: this.#initiator ? c1 : c2,
      receive: this.#initiator ? c2 : c1,
      rs: this.#rs as Uint8Array,
      handshakeHash: Uint8Array.from(this.#ss.h),
    };
    this.#e = undefined;
  }
}
