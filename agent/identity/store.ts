/**
 * The device identity in a state directory:
 *
 *   <dir>/                0700
 *   <dir>/identity.json   the IdentityRecord (public: DID, algorithm, assurance, locator)
 *   <dir>/keys/           0700
 *   <dir>/keys/device.ed25519   the software backend's seed, 0600
 *
 * `initIdentity` creates it (refusing to overwrite unless `force`), `openIdentity` opens the
 * backend the record names. Hardware backends (tpm, sealed) plug in through `backends`.
 */
import { chmod, mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { CryptoPort } from '../crypto/port.ts';
import { writeFileAtomic } from '../fs/atomic.ts';
import { parseDidKey } from './didkey.ts';
import { KeyStoreError } from './errors.ts';
import type { Assurance, IdentityRecord, KeyStore } from './keystore-port.ts';
import { createSoftwareKeyStore, openSoftwareKeyStore } from './software-keystore.ts';

export const IDENTITY_FILE = 'identity.json';
const SOFTWARE_KEY = 'keys/device.ed25519';

/** A hardware backend: creates or opens a key store and names where it lives. */
export interface KeyStoreBackend {
  create(dir: string): Promise<{ store: KeyStore; locator: IdentityRecord['locator'] }>;
  open(dir: string, record: IdentityRecord): Promise<KeyStore>;
}

export interface IdentityOptions {
  readonly crypto: CryptoPort;
  readonly backends?: Partial<Record<Exclude<Assurance, 'software'>, KeyStoreBackend>>;
  readonly now?: () => Date;
}

export async function initIdentity(
  dir: string,
  opts: IdentityOptions & { assurance?: Assurance; force?: boolean },
): Promise<{ store: KeyStore; record: IdentityRecord }> {
  const assurance = opts.assurance ?? 'software';
  const recordPath = join(dir, IDENTITY_FILE);
  if (!opts.force && (await exists(recordPath))) {
    throw new KeyStoreError('IDENTITY_EXISTS', `an identity already exists in ${dir} (use --force to replace it)`);
  }
  await ensurePrivateDir(dir);
  await ensurePrivateDir(join(dir, 'keys'));
  let store: KeyStore;
  let locator: IdentityRecord['locator'];
  if (assurance === 'software') {
    store = await createSoftwareKeyStore(join(dir, SOFTWARE_KEY), opts.crypto);
    locator = { file: SOFTWARE_KEY };
  } else {
    const backend = opts.backends?.[assurance];
    if (backend === undefined) throw new KeyStoreError('KEYSTORE_UNSUPPORTED', `key store '${assurance}' is not available here`);
    ({ store, locator } = await backend.create(dir));
  }
  const record: IdentityRecord = {
    v: 1,
    did: store.did,
    algorithm: store.algorithm,
    assurance: store.assurance,
    created: (opts.now?.() ?? new Date()).toISOString(),
    locator,
  };
  await writeFileAtomic(recordPath, `${JSON.stringify(record, null, 2)}\n`, 0o644);
  return { store, record };
}

export async function readIdentityRecord(dir: string, crypto: CryptoPort): Promise<IdentityRecord> {
  const path = join(dir, IDENTITY_FILE);
  const text = await readFile(path, 'utf8').catch((cause: unknown) => {
    throw new KeyStoreError('IDENTITY_MISSING', `no identity in ${dir} (run: ip2 init --dir ${dir})`, { cause });
  });
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch (cause) {
    throw new KeyStoreError('IDENTITY_CORRUPT', `${path} is not valid JSON`, { cause });
  }
  return checkRecord(record, path, crypto);
}

export async function openIdentity(dir: string, opts: IdentityOptions): Promise<{ store: KeyStore; record: IdentityRecord }> {
  const record = await readIdentityRecord(dir, opts.crypto);
  let store: KeyStore;
  if (record.assurance === 'software') {
    const file = record.locator['file'];
    if (typeof file !== 'string' || file.includes('..')) throw new KeyStoreError('IDENTITY_CORRUPT', 'identity.json: bad key file locator');
    store = await openSoftwareKeyStore(join(dir, file), opts.crypto);
  } else {
    const backend = opts.backends?.[record.assurance];
    if (backend === undefined) throw new KeyStoreError('KEYSTORE_UNSUPPORTED', `key store '${record.assurance}' is not available here`);
    store = await backend.open(dir, record);
  }
  if (store.did !== record.did) {
    await store.close();
    throw new KeyStoreError('IDENTITY_CORRUPT', `the key in ${dir} is not the key of ${record.did}`);
  }
  return { store, record };
}

function checkRecord(r: unknown, path: string, crypto: CryptoPort): IdentityRecord {
  const bad = (why: string): never => {
    throw new KeyStoreError('IDENTITY_CORRUPT', `${path}: ${why}`);
  };
  if (typeof r !== 'object' || r === null) return bad('not an object');
  const o = r as Record<string, unknown>;
  if (o['v'] !== 1) bad('unsupported version');
  if (typeof o['did'] !== 'string') bad('missing did');
  const key = parseDidKey(o['did'] as string, crypto);
  if (o['algorithm'] !== key.algorithm) bad('algorithm does not match the DID');
  if (!['tpm', 'sealed', 'software'].includes(o['assurance'] as string)) bad('unknown assurance');
  if (typeof o['locator'] !== 'object' || o['locator'] === null) bad('missing locator');
  return o as unknown as IdentityRecord;
}

async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const st = await stat(dir);
  if ((st.mode & 0o077) !== 0) await chmod(dir, 0o700);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
