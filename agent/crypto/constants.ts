/** Sizes and limits of the crypto port, each with the section that fixes it. */

/** RFC 8032 §5.1.5: an Ed25519 private key is a 32-byte seed; §5.1.2: public key 32 bytes. */
export const ED25519_SEED_LENGTH = 32;
export const ED25519_PUBLIC_LENGTH = 32;
/** RFC 8032 §5.1.6: signature R ‖ S, 64 bytes. */
export const ED25519_SIGNATURE_LENGTH = 64;

/** SEC 1 v2 §2.3.3: compressed point 0x02/0x03 ‖ x (33), uncompressed 0x04 ‖ x ‖ y (65). */
export const P256_COMPRESSED_LENGTH = 33;
export const P256_UNCOMPRESSED_LENGTH = 65;
/** SEC 1 v2 §2.3.6 / FIPS 186-5 §6.1.1: private scalar, 32 bytes, 1 ≤ d < n. */
export const P256_PRIVATE_LENGTH = 32;
/** IEEE P1363 raw signature r ‖ s, 32 bytes each. */
export const P256_SIGNATURE_LENGTH = 64;
/** FIPS 186-5 / SEC 2 v2 §2.4.2: order n of the P-256 base point. */
export const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
/** n / 2 (floor): a signature is low-S when s ≤ P256_HALF_ORDER. */
export const P256_HALF_ORDER = P256_ORDER >> 1n;

/** RFC 7748 §5: X25519 scalars and u-coordinates are 32 bytes. */
export const X25519_KEY_LENGTH = 32;

/** RFC 8439 §2.3 / §2.8: 256-bit key, 96-bit nonce, 128-bit Poly1305 tag, 64-byte blocks. */
export const CHACHA_KEY_LENGTH = 32;
export const CHACHA_NONCE_LENGTH = 12;
export const POLY1305_TAG_LENGTH = 16;
export const CHACHA_BLOCK_LENGTH = 64;
/**
 * RFC 8439 §2.4: the block counter is 32 bits and a message may not wrap it. Deliberate
 * deviation: the last value, 2³² − 1, is never used (noble refuses it as its wrap guard), so
 * both adapters accept counters in [0, 2³² − 2] and at most 2³² − 1 − counter blocks.
 */
export const CHACHA_MAX_COUNTER = 0xfffffffe;

/**
 * Node adapter, ChaCha20 contexts: messages up to this length run through the JavaScript block
 * function of chacha20-block.ts, longer ones through OpenSSL. Creating an OpenSSL cipher costs
 * about as much as ten JavaScript blocks (measured on Node 20: ~4 µs against ~0.35 µs a block),
 * so short messages (the tunnel layer's 8-byte nonce rounds) are far cheaper in JavaScript.
 */
export const CHACHA_JS_MAX_LENGTH = 512;

/** FIPS 180-4 §1: SHA-256 digest, 32 bytes. RFC 5869 §2.3: HKDF output L ≤ 255 × HashLen. */
export const SHA256_LENGTH = 32;
export const HKDF_SHA256_MAX_LENGTH = 255 * SHA256_LENGTH;

/** WebCrypto getRandomValues quota (W3C Web Cryptography API §10.1.1), applied to both adapters. */
export const RANDOM_MAX_LENGTH = 65536;

/** Public and private KeyObjects kept per adapter instance (node adapter only). */
export const KEY_CACHE_SIZE = 256;

/**
 * DER prefixes that wrap raw keys into PKCS #8 / SubjectPublicKeyInfo so node:crypto can import
 * them. OIDs: RFC 8410 §3 (id-Ed25519 1.3.101.112, id-X25519 1.3.101.110), RFC 5480 §2.1.1
 * (id-ecPublicKey 1.2.840.10045.2.1, secp256r1 1.2.840.10045.3.1.7); private-key structures:
 * RFC 8410 §7 (CurvePrivateKey) and RFC 5915 §3 (ECPrivateKey, version 1, no optional fields).
 */
export const DER_PREFIX = {
  ed25519Pkcs8: '302e020100300506032b657004220420',
  ed25519Spki: '302a300506032b6570032100',
  x25519Pkcs8: '302e020100300506032b656e04220420',
  x25519Spki: '302a300506032b656e032100',
  p256Pkcs8: '3041020100301306072a8648ce3d020106082a8648ce3d030107042730250201010420',
  p256SpkiUncompressed: '3059301306072a8648ce3d020106082a8648ce3d030107034200',
  p256SpkiCompressed: '3039301306072a8648ce3d020106082a8648ce3d030107032200',
} as const;
