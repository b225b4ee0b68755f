/** Manufacturer key files: `{keytype, scheme, keyval: {public, private}}` with a hex seed (securesystemslib style). */
import { readFile, readdir, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { CryptoPort } from '../../agent/crypto/index.ts';
import { writeFileAtomic } from '../../agent/fs/atomic.ts';
import { canonicalString, ed25519Key, fromHex, keyId, toHex } from '../trust/index.ts';
import type { PublicKey, RoleName } from '../trust/index.ts';
import { KEY_FILE_MODE, KEY_FILE_PATTERN } from './constants.ts';
import { RepoError } from './errors.ts';

export interface SigningKey {
  readonly seed: Uint8Array;
  readonly publicKey: PublicKey;
  readonly keyid: string;
  readonly path?: string;
}

export function signingKey(crypto: CryptoPort, seed: Uint8Array, path?: string): SigningKey {
  const publicKey = ed25519Key(crypto.ed25519.publicKey(seed));
  return { seed, publicKey, keyid: keyId(crypto, publicKey), ...(path === undefined ? {} : { path }) };
}

export async function writeKeyFile(crypto: CryptoPort, path: string): Promise<SigningKey> {
  const key = signingKey(crypto, crypto.randomBytes(32), path);
  const body = { ...key.publicKey, keyval: { ...key.publicKey.keyval, private: toHex(key.seed) } };
  await writeFileAtomic(path, `${canonicalString(body)}\n`, KEY_FILE_MODE);
  return key;
}

export async function readKeyFile(crypto: CryptoPort, path: string): Promise<SigningKey> {
  let v: unknown;
  try {
    v = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new RepoError('BAD_KEY', `cannot read key ${path}`, { cause: err });
  }
  const priv = (v as { keyval?: { private?: unknown } } | null)?.keyval?.private;
  if (typeof priv !== 'string' || !/^[0-9a-f]{64}$/.test(priv)) throw new RepoError('BAD_KEY', `${path} is not an ed25519 private key file`);
  return signingKey(crypto, fromHex(priv), path);
}

/** Makes `counts[role]` fresh keys per role in `dir` (`root-1.json` …); refuses to overwrite. */
export async function generateRoleKeys(
  crypto: CryptoPort, dir: string, counts: Readonly<Record<RoleName, number>>,
): Promise<SigningKey[]> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const existing = (await readdir(dir)).filter((f) => KEY_FILE_PATTERN.test(f));
  if (existing.length > 0) throw new RepoError('REPO_STATE', `${dir} already holds keys (${existing.join(', ')})`);
  const out: SigningKey[] = [];
  for (const role of ['root', 'targets', 'snapshot', 'timestamp'] as const) {
    for (let i = 1; i <= counts[role]; i++) out.push(await writeKeyFile(crypto, join(dir, `${role}-${i}.json`)));
  }
  return out;
}

/** The keys of a keys directory, grouped by the role their file name gives. */
export async function readRoleKeys(crypto: CryptoPort, dir: string): Promise<Record<RoleName, SigningKey[]>> {
  const out: Record<RoleName, SigningKey[]> = { root: [], targets: [], snapshot: [], timestamp: [] };
  for (const f of (await readdir(dir)).sort()) {
    const m = KEY_FILE_PATTERN.exec(f);
    if (m !== null) out[m[1] as RoleName].push(await readKeyFile(crypto, join(dir, f)));
  }
  return out;
}
