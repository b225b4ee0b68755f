/**
 * The node:crypto (OpenSSL) adapter of the crypto port: the fast path, used by default.
 *
 * Raw keys are wrapped into PKCS #8 / SPKI DER (constants.ts `DER_PREFIX`) and imported as
 * KeyObjects. Importing costs more than a verify of a short message, so each adapter instance
 * keeps two bounded LRU caches: public KeyObjects keyed by the public bytes, and private
 * KeyObjects keyed by SHA-256 of the secret (no secret ever becomes a map key, and no lookup
 * compares secret bytes). Everything is synchronous.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  ECDH,
  hkdfSync,
  randomBytes as nodeRandomBytes,
  sign as nodeSign,
  verify as nodeVerify,
} from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { ChaCha20Context, ChaCha20Poly1305, CryptoPort, Ed25519, P256, X25519 } from './port.ts';
import {
  CHACHA_JS_MAX_LENGTH,
  CHACHA_KEY_LENGTH,
  CHACHA_NONCE_LENGTH,
  DER_PREFIX,
  ED25519_PUBLIC_LENGTH,
  ED25519_SEED_LENGTH,
  ED25519_SIGNATURE_LENGTH,
  HKDF_SHA256_MAX_LENGTH,
  KEY_CACHE_SIZE,
  P256_COMPRESSED_LENGTH,
  P256_PRIVATE_LENGTH,
  P256_SIGNATURE_LENGTH,
  P256_UNCOMPRESSED_LENGTH,
  POLY1305_TAG_LENGTH,
  RANDOM_MAX_LENGTH,
  X25519_KEY_LENGTH,
} from './constants.ts';
import { CryptoError, expectBytes, expectInteger, expectLength, expectLengthOneOf } from './errors.ts';
import { Lru } from './lru.ts';
import { ChaCha20Js } from './chacha20-block.ts';
import { chachaXorTarget, checkChaChaCounter, expectCompressedP256, checkP256Scalar, isAllZero, toLowS } from './shared.ts';

/** The two caches of one adapter instance. */
interface KeyCaches {
  readonly pub: Lru<string, KeyObject>;
  readonly priv: Lru<string, KeyObject>;
}

const PREFIX = {
  ed25519Pkcs8: Buffer.from(DER_PREFIX.ed25519Pkcs8, 'hex'),
  ed25519Spki: Buffer.from(DER_PREFIX.ed25519Spki, 'hex'),
  x25519Pkcs8: Buffer.from(DER_PREFIX.x25519Pkcs8, 'hex'),
  x25519Spki: Buffer.from(DER_PREFIX.x25519Spki, 'hex'),
  p256Pkcs8: Buffer.from(DER_PREFIX.p256Pkcs8, 'hex'),
  p256SpkiUncompressed: Buffer.from(DER_PREFIX.p256SpkiUncompressed, 'hex'),
  p256SpkiCompressed: Buffer.from(DER_PREFIX.p256SpkiCompressed, 'hex'),
} as const;

/** Creates a node:crypto adapter with its own key caches. */
export function createNodeCrypto(): CryptoPort {
  const caches: KeyCaches = { pub: new Lru(KEY_CACHE_SIZE), priv: new Lru(KEY_CACHE_SIZE) };
  return {
    name: 'node',
    randomBytes(length: number): Uint8Array {
      expectInteger('length', length, 0, RANDOM_MAX_LENGTH);
      return own(nodeRandomBytes(length));
    },
    sha256(...parts: Uint8Array[]): Uint8Array {
      const h = createHash('sha256');
      for (const p of parts) {
        expectBytes('part', p);
        h.update(p);
      }
      return own(h.digest());
    },
    hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array {
      expectBytes('key', key);
      expectBytes('data', data);
      return own(createHmac('sha256', key).update(data).digest());
    },
    hkdfSha256(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array {
      expectBytes('ikm', ikm);
      expectBytes('salt', salt);
      expectBytes('info', info);
      expectInteger('length', length, 1, HKDF_SHA256_MAX_LENGTH);
      return new Uint8Array(hkdfSync('sha256', ikm, salt, info, length));
    },
    ed25519: nodeEd25519(caches),
    p256: nodeP256(caches),
    x25519: nodeX25519(caches),
    chacha20poly1305: nodeAead(),
    chacha20: nodeChaCha20,
    chacha20Context: nodeChaCha20Context,
  };
}

/** A Buffer as a Uint8Array the caller owns: a view when it spans its whole ArrayBuffer. */
function own(buf: Buffer): Uint8Array {
  if (buf.byteOffset === 0 && buf.byteLength === buf.buffer.byteLength) {
    return new Uint8Array(buf.buffer, 0, buf.byteLength);
  }
  return new Uint8Array(buf);
}

/** Cache key for a secret: a domain tag and SHA-256 of the secret, never the secret itself. */
function secretId(tag: string, secret: Uint8Array): string {
  return tag + createHash('sha256').update(secret).digest('base64');
}

function publicId(tag: string, pub: Uint8Array): string {
  return tag + Buffer.from(pub.buffer, pub.byteOffset, pub.byteLength).toString('base64');
}

function privateKey(caches: KeyCaches, tag: string, prefix: Buffer, raw: Uint8Array): KeyObject {
  return caches.priv.getOrCreate(secretId(tag, raw), () =>
    createPrivateKey({ key: Buffer.concat([prefix, raw]), format: 'der', type: 'pkcs8' }),
  );
}

function publicKey(caches: KeyCaches, tag: string, prefix: Buffer, raw: Uint8Array): KeyObject {
  return caches.pub.getOrCreate(publicId(tag, raw), () =>
    createPublicKey({ key: Buffer.concat([prefix, raw]), format: 'der', type: 'spki' }),
  );
}

/** The raw public key at the end of a KeyObject's SPKI DER encoding. */
function rawPublic(key: KeyObject, length: number): Buffer {
  const spki = createPublicKey(key).export({ format: 'der', type: 'spki' });
  return spki.subarray(spki.length - length);
}

function nodeEd25519(caches: KeyCaches): Ed25519 {
  const priv = (seed: Uint8Array): KeyObject => privateKey(caches, 'ed:', PREFIX.ed25519Pkcs8, seed);
  return {
    publicKey(seed) {
      expectLength('Ed25519 seed', seed, ED25519_SEED_LENGTH);
      return new Uint8Array(rawPublic(priv(seed), ED25519_PUBLIC_LENGTH));
    },
    sign(seed, message) {
      expectLength('Ed25519 seed', seed, ED25519_SEED_LENGTH);
      expectBytes('message', message);
      return own(nodeSign(null, message, priv(seed)));
    },
    verify(pub, message, signature) {
      expectLength('Ed25519 public key', pub, ED25519_PUBLIC_LENGTH);
      expectBytes('message', message);
      expectBytes('signature', signature);
      if (signature.length !== ED25519_SIGNATURE_LENGTH) return false;
      try {
        return nodeVerify(null, message, publicKey(caches, 'ed:', PREFIX.ed25519Spki, pub), signature);
      } catch {
        return false;
      }
    },
  };
}

function nodeP256(caches: KeyCaches): P256 {
  const priv = (d: Uint8Array): KeyObject => {
    checkP256Scalar(d);
    return privateKey(caches, 'p256:', PREFIX.p256Pkcs8, d);
  };
  return {
    publicKey(d) {
      expectLength('P-256 private key', d, P256_PRIVATE_LENGTH);
      const uncompressed = rawPublic(priv(d), P256_UNCOMPRESSED_LENGTH);
      return own(ECDH.convertKey(uncompressed, 'prime256v1', undefined, undefined, 'compressed') as Buffer);
    },
    sign(d, message) {
      expectLength('P-256 private key', d, P256_PRIVATE_LENGTH);
      expectBytes('message', message);
      const sig = nodeSign('sha256', message, { key: priv(d), dsaEncoding: 'ieee-p1363' });
      return toLowS(own(sig));
    },
    verify(pub, message, signature) {
      expectLengthOneOf('P-256 public key', pub, [P256_COMPRESSED_LENGTH, P256_UNCOMPRESSED_LENGTH]);
      expectBytes('message', message);
      expectBytes('signature', signature);
      if (signature.length !== P256_SIGNATURE_LENGTH) return false;
      const prefix = pub.length === P256_COMPRESSED_LENGTH ? PREFIX.p256SpkiCompressed : PREFIX.p256SpkiUncompressed;
      try {
        const key = publicKey(caches, 'p256:', prefix, pub);
        return nodeVerify('sha256', message, { key, dsaEncoding: 'ieee-p1363' }, signature);
      } catch {
        return false;
      }
    },
    decompress(pub) {
      expectCompressedP256(pub);
      try {
        return own(ECDH.convertKey(pub, 'prime256v1', undefined, undefined, 'uncompressed') as Buffer);
      } catch (cause) {
        throw new CryptoError('INVALID_POINT', 'not a point on P-256', { cause });
      }
    },
  };
}

function nodeX25519(caches: KeyCaches): X25519 {
  const priv = (k: Uint8Array): KeyObject => privateKey(caches, 'x:', PREFIX.x25519Pkcs8, k);
  return {
    publicKey(k) {
      expectLength('X25519 private key', k, X25519_KEY_LENGTH);
      return new Uint8Array(rawPublic(priv(k), X25519_KEY_LENGTH));
    },
    sharedSecret(k, pub) {
      expectLength('X25519 private key', k, X25519_KEY_LENGTH);
      expectLength('X25519 public key', pub, X25519_KEY_LENGTH);
      let shared: Buffer;
      try {
        shared = diffieHellman({ privateKey: priv(k), publicKey: publicKey(caches, 'x:', PREFIX.x25519Spki, pub) });
      } catch (cause) {
        // OpenSSL refuses to return an all-zero X25519 output (RFC 7748 §6.1): a low-order point.
        throw new CryptoError('X25519_LOW_ORDER', 'X25519 peer key is a low-order point', { cause });
      }
      if (isAllZero(shared)) throw new CryptoError('X25519_LOW_ORDER', 'X25519 peer key is a low-order point');
      return own(shared);
    },
  };
}

function checkAead(key: Uint8Array, nonce: Uint8Array, data: Uint8Array, aad: Uint8Array): void {
  expectLength('ChaCha20-Poly1305 key', key, CHACHA_KEY_LENGTH);
  expectLength('ChaCha20-Poly1305 nonce', nonce, CHACHA_NONCE_LENGTH);
  expectBytes('data', data);
  expectBytes('aad', aad);
}

function nodeAead(): ChaCha20Poly1305 {
  return {
    seal(key, nonce, plaintext, aad = new Uint8Array(0)) {
      checkAead(key, nonce, plaintext, aad);
      const c = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: POLY1305_TAG_LENGTH });
      c.setAAD(aad, { plaintextLength: plaintext.length });
      const out = new Uint8Array(plaintext.length + POLY1305_TAG_LENGTH);
      out.set(c.update(plaintext));
      c.final(); // a stream cipher: final() only computes the tag and returns no bytes
      out.set(c.getAuthTag(), plaintext.length);
      return out;
    },
    open(key, nonce, sealed, aad = new Uint8Array(0)) {
      checkAead(key, nonce, sealed, aad);
      if (sealed.length < POLY1305_TAG_LENGTH) {
        throw new CryptoError('AEAD_AUTH_FAILED', 'sealed text is shorter than the tag');
      }
      const split = sealed.length - POLY1305_TAG_LENGTH;
      const d = createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: POLY1305_TAG_LENGTH });
      d.setAuthTag(sealed.subarray(split));
      d.setAAD(aad, { plaintextLength: split });
      const plain = d.update(sealed.subarray(0, split));
      try {
        d.final();
      } catch (cause) {
        plain.fill(0);
        throw new CryptoError('AEAD_AUTH_FAILED', 'ChaCha20-Poly1305 tag mismatch', { cause });
      }
      return own(plain);
    },
  };
}

/**
 * RFC 8439 §2.4 keystream XOR. OpenSSL's 'chacha20' takes a 16-byte IV laid out as the RFC's
 * state words 12..15: block counter (u32 little-endian) ‖ nonce (12 bytes).
 */
function nodeChaCha20(key: Uint8Array, nonce: Uint8Array, counter: number, data: Uint8Array): Uint8Array {
  expectLength('ChaCha20 key', key, CHACHA_KEY_LENGTH);
  expectLength('ChaCha20 nonce', nonce, CHACHA_NONCE_LENGTH);
  expectBytes('data', data);
  checkChaChaCounter(counter, data.length);
  return own(openSslChaCha20(key, nonce, counter, data));
}

function openSslChaCha20(key: Uint8Array, nonce: Uint8Array, counter: number, data: Uint8Array, iv = Buffer.allocUnsafe(16)): Buffer {
  iv.writeUInt32LE(counter, 0); // all 16 bytes written: counter ‖ nonce
  iv.set(nonce, 4);
  // A stream cipher: update() returns every byte and final() would return none, so it is not
  // called (it costs about a sixth of a 1 KiB message); the context is freed with the object.
  return createCipheriv('chacha20', key, iv).update(data);
}

/**
 * A keyed context. Node cannot give an OpenSSL cipher a new IV, so each long message still
 * creates one cipher (from a private copy of the key: a KeyObject made no measurable difference
 * per message and costs an import per context); messages up to `CHACHA_JS_MAX_LENGTH` skip
 * OpenSSL and run the JavaScript block function (chacha20-block.ts) on key words read once,
 * writing straight into `out` without allocating.
 */
function nodeChaCha20Context(key: Uint8Array): ChaCha20Context {
  expectLength('ChaCha20 key', key, CHACHA_KEY_LENGTH);
  const secret = Buffer.from(key); // a copy
  const iv = Buffer.allocUnsafe(16); // OpenSSL copies the IV when the cipher is created
  let js: ChaCha20Js | undefined; // made at the first short message
  return {
    xor(nonce, counter, data, out) {
      const target = chachaXorTarget(nonce, counter, data, out);
      if (data.length <= CHACHA_JS_MAX_LENGTH) (js ??= new ChaCha20Js(secret)).xor(nonce, counter, data, target);
      else target.set(openSslChaCha20(secret, nonce, counter, data, iv));
      return target;
    },
  };
}
