/**
 * The crypto port and its two adapters. `defaultCrypto()` is the node:crypto fast path;
 * `createNobleCrypto()` is the portable reference. Both pass test/crypto's contract suite.
 */
export type { CryptoPort, Ed25519, P256, X25519, ChaCha20Poly1305, ChaCha20Context, SignatureAlgorithm } from './port.ts';
export { CryptoError, type CryptoErrorCode } from './errors.ts';
export { createNodeCrypto } from './node-adapter.ts';
export { createNobleCrypto } from './noble-adapter.ts';

import type { CryptoPort } from './port.ts';
import { createNodeCrypto } from './node-adapter.ts';
import { createNobleCrypto } from './noble-adapter.ts';

/**
 * A new default adapter: node:crypto, or the noble reference when `IP2_CRYPTO=noble` in `env`.
 * Call it once in the composition root and pass the port down; each call makes a fresh
 * instance (with its own key caches), there is no process-wide singleton.
 */
export function defaultCrypto(env: NodeJS.ProcessEnv = process.env): CryptoPort {
  return env['IP2_CRYPTO'] === 'noble' ? createNobleCrypto() : createNodeCrypto();
}
