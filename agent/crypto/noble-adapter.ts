/**
 * The @noble adapter of the crypto port: pure JavaScript, audited, portable — the reference
 * the node:crypto adapter is checked against (test/crypto).
 *
 * Options chosen to match the contract in port.ts and OpenSSL's behaviour:
 *   - Ed25519 verify with `zip215: false`: RFC 8032 §5.1.7 / FIPS 186-5 strict decoding (noble
 *     defaults to the more permissive ZIP-215 rules, which OpenSSL does not follow).
 *   - P-256 sign with `lowS: true`, verify with `lowS: false`; both `prehash: true` (SHA-256 of
 *     the message) and `format: 'compact'` (raw r ‖ s).
 */
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { chacha20, chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { hmac } from '@noble/hashes/hmac.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { randomBytes as nobleRandomBytes } from '@noble/hashes/utils.js';
import type { ChaCha20Context, ChaCha20Poly1305, CryptoPort, Ed25519, P256, X25519 } from './port.ts';
import {
  CHACHA_KEY_LENGTH,
  CHACHA_NONCE_LENGTH,
  ED25519_PUBLIC_LENGTH,
  ED25519_SEED_LENGTH,
  ED25519_SIGNATURE_LENGTH,
  HKDF_SHA256_MAX_LENGTH,
  P256_COMPRESSED_LENGTH,
  P256_PRIVATE_LENGTH,
  P256_SIGNATURE_LENGTH,
  P256_UNCOMPRESSED_LENGTH,
  POLY1305_TAG_LENGTH,
  RANDOM_MAX_LENGTH,
  X25519_KEY_LENGTH,
} from './constants.ts';
import { CryptoError, expectBytes, expectInteger, expectLength, expectLengthOneOf } from './errors.ts';
import { chachaXorTarget, checkChaChaCounter, expectCompressedP256, checkP256Scalar, isAllZero } from './shared.ts';

/** Creates a noble adapter. It holds no state. */
export function createNobleCrypto(): CryptoPort {
  return {
    name: 'noble',
    randomBytes(length: number): Uint8Array {
      expectInteger('length', length, 0, RANDOM_MAX_LENGTH);
      return nobleRandomBytes(length);
    },
    sha256(...parts: Uint8Array[]): Uint8Array {
      const h = sha256.create();
      for (const p of parts) {
        expectBytes('part', p);
        h.update(p);
      }
      return h.digest();
    },
    hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array {
      expectBytes('key', key);
      expectBytes('data', data);
      return hmac(sha256, key, data);
    },
    hkdfSha256(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array {
      expectBytes('ikm', ikm);
      expectBytes('salt', salt);
      expectBytes('info', info);
      expectInteger('length', length, 1, HKDF_SHA256_MAX_LENGTH);
      return hkdf(sha256, ikm, salt, info, length);
    },
    ed25519: nobleEd25519,
    p256: nobleP256,
    x25519: nobleX25519,
    chacha20poly1305: nobleAead,
    chacha20(key: Uint8Array, nonce: Uint8Array, counter: number, data: Uint8Array): Uint8Array {
      expectLength('ChaCha20 key', key, CHACHA_KEY_LENGTH);
      expectLength('ChaCha20 nonce', nonce, CHACHA_NONCE_LENGTH);
      expectBytes('data', data);
      checkChaChaCounter(counter, data.length);
      return chacha20(key, nonce, data, undefined, counter);
    },
    chacha20Context: nobleChaCha20Context,
  };
}

/** A keyed context: a copy of the key, and noble's `output` parameter (in place is supported). */
function nobleChaCha20Context(key: Uint8Array): ChaCha20Context {
  expectLength('ChaCha20 key', key, CHACHA_KEY_LENGTH);
  const k = Uint8Array.from(key);
  return {
    xor(nonce, counter, data, out) {
      return chacha20(k, nonce, data, chachaXorTarget(nonce, counter, data, out), counter);
    },
  };
}

const nobleEd25519: Ed25519 = {
  publicKey(seed) {
    expectLength('Ed25519 seed', seed, ED25519_SEED_LENGTH);
    return ed25519.getPublicKey(seed);
  },
  sign(seed, message) {
    expectLength('Ed25519 seed', seed, ED25519_SEED_LENGTH);
    expectBytes('message', message);
    return ed25519.sign(message, seed);
  },
  verify(pub, message, signature) {
    expectLength('Ed25519 public key', pub, ED25519_PUBLIC_LENGTH);
    expectBytes('message', message);
    expectBytes('signature', signature);
    if (signature.length !== ED25519_SIGNATURE_LENGTH) return false;
    try {
      return ed25519.verify(signature, message, pub, { zip215: false });
    } catch {
      return false;
    }
  },
};

const nobleP256: P256 = {
  publicKey(d) {
    expectLength('P-256 private key', d, P256_PRIVATE_LENGTH);
    checkP256Scalar(d);
    return p256.getPublicKey(d, true);
  },
  sign(d, message) {
    expectLength('P-256 private key', d, P256_PRIVATE_LENGTH);
    expectBytes('message', message);
    checkP256Scalar(d);
    return p256.sign(message, d, { lowS: true, prehash: true, format: 'compact' });
  },
  verify(pub, message, signature) {
    expectLengthOneOf('P-256 public key', pub, [P256_COMPRESSED_LENGTH, P256_UNCOMPRESSED_LENGTH]);
    expectBytes('message', message);
    expectBytes('signature', signature);
    if (signature.length !== P256_SIGNATURE_LENGTH) return false;
    try {
      return p256.verify(signature, message, pub, { lowS: false, prehash: true, format: 'compact' });
    } catch {
      return false;
    }
  },
  decompress(pub) {
    expectCompressedP256(pub);
    try {
      return p256.Point.fromBytes(pub).toBytes(false);
    } catch (cause) {
      throw new CryptoError('INVALID_POINT', 'not a point on P-256', { cause });
    }
  },
};

const nobleX25519: X25519 = {
  publicKey(k) {
    expectLength('X25519 private key', k, X25519_KEY_LENGTH);
    return x25519.getPublicKey(k);
  },
  sharedSecret(k, pub) {
    expectLength('X25519 private key', k, X25519_KEY_LENGTH);
    expectLength('X25519 public key', pub, X25519_KEY_LENGTH);
    let shared: Uint8Array;
    try {
      shared = x25519.getSharedSecret(k, pub);
    } catch (cause) {
      // noble refuses an all-zero result itself (RFC 7748 §6.1); lengths were checked above.
      throw new CryptoError('X25519_LOW_ORDER', 'X25519 peer key is a low-order point', { cause });
    }
    if (isAllZero(shared)) throw new CryptoError('X25519_LOW_ORDER', 'X25519 peer key is a low-order point');
    return shared;
  },
};

function checkAead(key: Uint8Array, nonce: Uint8Array, data: Uint8Array, aad: Uint8Array): void {
  expectLength('ChaCha20-Poly1305 key', key, CHACHA_KEY_LENGTH);
  expectLength('ChaCha20-Poly1305 nonce', nonce, CHACHA_NONCE_LENGTH);
  expectBytes('data', data);
  expectBytes('aad', aad);
}

const nobleAead: ChaCha20Poly1305 = {
  seal(key, nonce, plaintext, aad = new Uint8Array(0)) {
    checkAead(key, nonce, plaintext, aad);
    return chacha20poly1305(key, nonce, aad).encrypt(plaintext);
  },
  open(key, nonce, sealed, aad = new Uint8Array(0)) {
    checkAead(key, nonce, sealed, aad);
    if (sealed.length < POLY1305_TAG_LENGTH) {
      throw new CryptoError('AEAD_AUTH_FAILED', 'sealed text is shorter than the tag');
    }
    try {
      return chacha20poly1305(key, nonce, aad).decrypt(sealed);
    } catch (cause) {
      throw new CryptoError('AEAD_AUTH_FAILED', 'ChaCha20-Poly1305 tag mismatch', { cause });
    }
  },
};
