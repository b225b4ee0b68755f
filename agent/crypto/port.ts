/**
 * The crypto port: every primitive the agent uses, behind one narrow interface.
 *
 * Two adapters implement it and are proven equal by one contract suite (test/crypto):
 *   - `node`  (node-adapter.ts): node:crypto / OpenSSL, the fast path, used by default;
 *   - `noble` (noble-adapter.ts): @noble/*, the portable, audited reference.
 *
 * Contract, in words:
 *   - Every function checks argument lengths before doing any work and throws a `RangeError`
 *     for a wrong length (a key of 31 bytes, a nonce of 8). Never a silent truncation.
 *   - Byte outputs are fresh `Uint8Array`s the caller owns; inputs are never mutated.
 *   - `verify` functions return `false` for any signature that does not verify, including
 *     malformed signatures and public keys that are not valid points; they never throw for bad
 *     signature bytes. They throw `RangeError` only for a wrong-length *public key*.
 *   - AEAD `open` throws `CryptoError` with code `AEAD_AUTH_FAILED` when the tag does not match;
 *     it never returns unauthenticated plaintext.
 *   - X25519 `sharedSecret` throws `CryptoError` `X25519_LOW_ORDER` when the result is all zero
 *     (RFC 7748 §6.1: the peer sent a low-order point).
 *   - ECDSA P-256 signatures are raw `r ‖ s` (64 bytes) over SHA-256 of the message.
 *     `sign` always emits low-S (s ≤ n/2). `verify` accepts both low-S and high-S, because TPMs
 *     emit high-S about half of the time (research/identity.md §2.5).
 */

export type SignatureAlgorithm = 'Ed25519' | 'P-256';

export interface Ed25519 {
  /** 32-byte seed → 32-byte public key (RFC 8032 §5.1.5). */
  publicKey(seed: Uint8Array): Uint8Array;
  /** Deterministic signature, 64 bytes (RFC 8032 §5.1.6). */
  sign(seed: Uint8Array, message: Uint8Array): Uint8Array;
  /** RFC 8032 §5.1.7 verification; false for anything that does not verify. */
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
}

export interface P256 {
  /** 32-byte private scalar → 33-byte compressed SEC1 public key. */
  publicKey(privateKey: Uint8Array): Uint8Array;
  /** ECDSA over SHA-256(message); raw r ‖ s, 64 bytes, always low-S. */
  sign(privateKey: Uint8Array, message: Uint8Array): Uint8Array;
  /**
   * ECDSA over SHA-256(message). `publicKey` is SEC1, compressed (33) or uncompressed (65).
   * `signature` is raw r ‖ s (64 bytes); high-S is accepted.
   */
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
  /**
   * Compressed (33 bytes) → uncompressed (65 bytes, 0x04 ‖ x ‖ y). Throws `CryptoError`
   * `INVALID_POINT` when the bytes are not a point on the curve.
   */
  decompress(publicKey: Uint8Array): Uint8Array;
}

export interface X25519 {
  /** 32-byte private key → 32-byte public key (RFC 7748 §6.1). */
  publicKey(privateKey: Uint8Array): Uint8Array;
  /** RFC 7748 §6.1 shared secret; throws `X25519_LOW_ORDER` on an all-zero result. */
  sharedSecret(privateKey: Uint8Array, publicKey: Uint8Array): Uint8Array;
}

export interface ChaCha20Poly1305 {
  /** RFC 8439 §2.8: 32-byte key, 12-byte nonce; returns ciphertext ‖ 16-byte tag. */
  seal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): Uint8Array;
  /** Inverse of seal; throws `AEAD_AUTH_FAILED` on a bad tag or a sealed text shorter than 16. */
  open(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array, aad?: Uint8Array): Uint8Array;
}

/**
 * A ChaCha20 key held for many messages (RFC 8439 §2.4), made once by `chacha20Context(key)`.
 * The context copies the key: later changes to the caller's array do not affect it.
 */
export interface ChaCha20Context {
  /**
   * Keystream XOR exactly as `CryptoPort.chacha20(key, nonce, counter, data)`, with the same
   * refusals (12-byte nonce, counter in [0, 2³² − 2], no block-counter wrap) as `RangeError`s.
   * Without `out` the result is a fresh array the caller owns. With `out` the result is written
   * there and `out` is returned; `out` must have `data.length` bytes (else `RangeError`) and be
   * either `data` itself (in place) or not overlap it. This is the one exception to "inputs are
   * never mutated": the caller asked for it by passing `out === data`.
   */
  xor(nonce: Uint8Array, counter: number, data: Uint8Array, out?: Uint8Array): Uint8Array;
}

export interface CryptoPort {
  /** Which adapter this is; shown in benchmarks and `ip2 id --json`. */
  readonly name: 'node' | 'noble';
  /** Cryptographically secure random bytes. */
  randomBytes(length: number): Uint8Array;
  /** SHA-256 (FIPS 180-4) of the concatenation of the parts. */
  sha256(...parts: Uint8Array[]): Uint8Array;
  /** HMAC-SHA-256 (RFC 2104). */
  hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array;
  /** HKDF-SHA-256 extract-and-expand (RFC 5869); `length` ≤ 255 × 32. */
  hkdfSha256(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array;
  readonly ed25519: Ed25519;
  readonly p256: P256;
  readonly x25519: X25519;
  readonly chacha20poly1305: ChaCha20Poly1305;
  /**
   * Raw ChaCha20 keystream XOR (RFC 8439 §2.4): 32-byte key, 12-byte nonce, 32-bit initial
   * block counter. Used for the tunnel layer, where integrity comes from elsewhere.
   */
  chacha20(key: Uint8Array, nonce: Uint8Array, counter: number, data: Uint8Array): Uint8Array;
  /**
   * A reusable ChaCha20 context for a 32-byte key (`RangeError` for another length), for hot
   * paths that use one key for many short messages (the tunnel layer, per cell).
   */
  chacha20Context(key: Uint8Array): ChaCha20Context;
}
