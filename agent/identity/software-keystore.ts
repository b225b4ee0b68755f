/**
 * The `software` key store: an Ed25519 seed in a file readable by its owner only (0600),
 * written atomically. Loading refuses a key file that anyone else could read or write, or that
 * is not a regular file, or that another user owns: a key that may have leaked is not used.
 * Assurance `software` (research/identity.md §5.1: weaker than tpm or sealed, said so).
 */
import { lstat, open } from 'node:fs/promises';
import type { CryptoPort } from '../crypto/port.ts';
import { writeFileAtomic } from '../fs/atomic.ts';
import { didKeyFromPublicKey } from './didkey.ts';
import { KeyStoreError } from './errors.ts';
import type { KeyStore } from './keystore-port.ts';

const SEED_LENGTH = 32;

/** Generates a new seed, writes it to `path` (0600, atomically) and returns the key store. */
export async function createSoftwareKeyStore(path: string, crypto: CryptoPort): Promise<KeyStore> {
  const seed = crypto.randomBytes(SEED_LENGTH);
  await writeFileAtomic(path, seed, 0o600);
  return softwareKeyStore(seed, crypto);
}

/** Opens an existing key file, refusing loose permissions. */
export async function openSoftwareKeyStore(path: string, crypto: CryptoPort): Promise<KeyStore> {
  const seed = await readPrivateFile(path, SEED_LENGTH);
  return softwareKeyStore(seed, crypto);
}

/** An in-memory key store over a seed (tests, session keys, and the two above). */
export function softwareKeyStore(seed: Uint8Array, crypto: CryptoPort): KeyStore {
  if (seed.length !== SEED_LENGTH) throw new RangeError(`Ed25519 seed must be ${SEED_LENGTH} bytes`);
  let secret: Uint8Array | undefined = Uint8Array.from(seed);
  const publicKey = crypto.ed25519.publicKey(secret);
  return {
    assurance: 'software',
    algorithm: 'Ed25519',
    publicKey,
    did: didKeyFromPublicKey('Ed25519', publicKey),
    sign(message) {
      if (secret === undefined) return Promise.reject(new KeyStoreError('KEYSTORE_CLOSED', 'key store is closed', { badInput: false }));
      return Promise.resolve(crypto.ed25519.sign(secret, message));
    },
    close() {
      secret?.fill(0);
      secret = undefined;
      return Promise.resolve();
    },
  };
}

/**
 * Reads a secret file of exactly `length` bytes after checking, on the open descriptor, that it
 * is a regular file owned by this user with no group or other permission bits.
 */
export async function readPrivateFile(path: string, length: number): Promise<Uint8Array> {
  const link = await lstat(path).catch((cause: unknown) => {
    throw new KeyStoreError('IDENTITY_MISSING', `no key file at ${path}`, { cause });
  });
  if (!link.isFile()) throw new KeyStoreError('KEY_FILE_NOT_REGULAR', `${path} is not a regular file (a link or device is refused)`);
  const fh = await open(path, 'r');
  try {
    const st = await fh.stat();
    if ((st.mode & 0o077) !== 0) {
      throw new KeyStoreError(
        'KEY_FILE_PERMISSIONS',
        `${path} has mode ${(st.mode & 0o777).toString(8).padStart(4, '0')}; a key file must be 0600 (chmod 600 ${path})`,
      );
    }
    const uid = process.getuid?.();
    if (uid !== undefined && st.uid !== uid) {
      throw new KeyStoreError('KEY_FILE_PERMISSIONS', `${path} is owned by uid ${st.uid}, not by this user (uid ${uid})`);
    }
    if (st.size !== length) {
      throw new KeyStoreError('IDENTITY_CORRUPT', `${path} must hold ${length} bytes, holds ${st.size}`);
    }
    const buf = new Uint8Array(length);
    const { bytesRead } = await fh.read(buf, 0, length, 0);
    if (bytesRead !== length) throw new KeyStoreError('IDENTITY_CORRUPT', `${path} changed while being read`);
    return buf;
  } finally {
    await fh.close();
  }
}
