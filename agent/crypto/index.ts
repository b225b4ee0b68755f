/**
 * The crypto port and its two adapters. `defaultCrypto()` is the node:crypto fast path;
 * `createNobleCrypto()` is the portable reference. Both pass test/crypto's contract suite.
 */
export type { CryptoPort, Ed25519, P256, X25519, ChaCha20Poly1305, SignatureAlgorithm } from './port.ts';
export { CryptoError, type CryptoErrorCode } from './errors.ts';
export { createNodeCrypto } from './node-adapter.ts';
export { createNobleCrypto } from './noble-adapter.ts';

import type { CryptoPort } from './port.ts';
import { createNodeCrypto } from './node-adapter.ts';
import { createNobleCrypto } from './noble-adapter.ts';

let shared: CryptoPort | undefined;

/** The process-wide default adapter (node:crypto). `IP2_CRYPTO=noble` selects the reference. */
export function defaultCrypto(): CryptoPort {
  shared ??= process.env['IP2_CRYPTO'] === 'noble' ? createNobleCrypto() : createNodeCrypto();
  return shared;
}
