/**
 * A small noble-based CryptoPort for the overlay tests, independent of the adapters in
 * agent/crypto (so the Noise vectors are checked against a second implementation of the
 * primitives). Only what the overlay uses is real; P-256 is not used here.
 */
import { chacha20, chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { randomBytes } from 'node:crypto';
import type { CryptoPort } from '../../../agent/crypto/port.ts';
import { CryptoError } from '../../../agent/crypto/errors.ts';

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

const unsupported = (): never => {
  throw new Error('P-256 is not part of the overlay test crypto');
};

export function testCrypto(): CryptoPort {
  return {
    name: 'noble',
    randomBytes: (n) => new Uint8Array(randomBytes(n)),
    sha256: (...parts) => sha256(concat(parts)),
    hmacSha256: (key, data) => hmac(sha256, key, data),
    hkdfSha256: (ikm, salt, info, length) => hkdf(sha256, ikm, salt, info, length),
    ed25519: {
      publicKey: (seed) => ed25519.getPublicKey(seed),
      sign: (seed, msg) => ed25519.sign(msg, seed),
      verify: (pub, msg, sig) => {
        try {
          return ed25519.verify(sig, msg, pub);
        } catch {
          return false;
        }
      },
    },
    p256: { publicKey: unsupported, sign: unsupported, verify: unsupported, decompress: unsupported },
    x25519: {
      publicKey: (priv) => x25519.getPublicKey(priv),
      sharedSecret: (priv, pub) => {
        const out = x25519.getSharedSecret(priv, pub);
        if (out.every((b) => b === 0)) throw new CryptoError('X25519_LOW_ORDER', 'low order');
        return out;
      },
    },
    chacha20poly1305: {
      seal: (key, nonce, pt, aad) => chacha20poly1305(key, nonce, aad).encrypt(pt),
      open: (key, nonce, ct, aad) => {
        try {
          return chacha20poly1305(key, nonce, aad).decrypt(ct);
        } catch (cause) {
          throw new CryptoError('AEAD_AUTH_FAILED', 'bad tag', { cause });
        }
      },
    },
    chacha20: (key, nonce, counter, data) => chacha20(key, nonce, data, undefined, counter),
    chacha20Context: (key) => {
      const k = Uint8Array.from(key);
      return { xor: (nonce, counter, data, out) => chacha20(k, nonce, data, out ?? new Uint8Array(data.length), counter) };
    },
  };
}

export const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));
export const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
