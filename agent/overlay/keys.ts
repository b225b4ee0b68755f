/**
 * The router's X25519 static key. It is generated independently of the identity key and kept in
 * its own 0600 file (`overlay-static.key` in the state directory); the RouterInfo, signed by the
 * identity, certifies it.
 */
import { readPrivateFile } from '../identity/software-keystore.ts';
import { writeFileAtomic } from '../fs/atomic.ts';
import type { CryptoPort } from '../crypto/port.ts';
import type { KeyPair } from './noise.ts';

export function staticKeyFromSeed(crypto: CryptoPort, privateKey: Uint8Array): KeyPair {
  if (privateKey.length !== 32) throw new RangeError('X25519 private key must be 32 bytes');
  return { privateKey: Uint8Array.from(privateKey), publicKey: crypto.x25519.publicKey(privateKey) };
}

/** Loads the static key file, creating it on first use. */
export async function loadOrCreateStaticKey(crypto: CryptoPort, path: string): Promise<KeyPair> {
  try {
    return staticKeyFromSeed(crypto, await readPrivateFile(path, 32));
  } catch (err) {
    if ((err as { code?: string }).code !== 'IDENTITY_MISSING') throw err;
    const priv = crypto.randomBytes(32);
    await writeFileAtomic(path, priv, 0o600);
    return staticKeyFromSeed(crypto, priv);
  }
}
