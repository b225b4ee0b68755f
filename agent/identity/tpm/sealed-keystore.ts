/**
 * The `sealed` key store: an Ed25519 seed generated in software, sealed to the TPM as a
 * KEYEDHASH data object whose authPolicy is TPM2_PolicyPCR over chosen SHA-256 PCRs, stored as a
 * blob file (public + private parts; only this TPM can load it). Unsealed once at open; the seed
 * then stays in memory until close(). After a PCR changes, TPM2_Unseal fails with
 * TPM_RC_POLICY_FAIL, reported as `SEALED_PCR_MISMATCH`.
 */
import { readFile, rename, writeFile, unlink } from 'node:fs/promises';
import type { CryptoPort } from '../../crypto/port.ts';
import { didKeyFromPublicKey } from '../didkey.ts';
import type { KeyStore } from '../keystore-port.ts';
import { type CreatedObject, type TpmClient, withFlushed } from './client.ts';
import { TPM_ALG } from './constants.ts';
import { isTpmRc, TpmError } from './errors.ts';
import { pcrPolicyDigest, policyAuth, policyPcr, startAuthSession, unseal } from './policy.ts';
import type { PcrSelection } from './structures.ts';

export interface SealedFs {
  readFile(path: string): Promise<Uint8Array>;
  writeFile(path: string, data: Uint8Array, opts: { mode: number; flag: string }): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
}

const nodeFs: SealedFs = { readFile, writeFile, rename, unlink };

export interface SealedKeyStoreOptions {
  /** Where the sealed blob lives (written 0600, atomically). */
  readonly blobPath: string;
  /** SHA-256 PCR indices the seed is bound to, e.g. [7] or [0, 7]. */
  readonly pcrs: readonly number[];
  /** Seal a fresh seed when the blob is missing; otherwise a missing blob is an error. */
  readonly create: boolean;
  readonly crypto: Pick<CryptoPort, 'ed25519' | 'randomBytes'>;
  readonly fs?: SealedFs;
}

interface Blob {
  readonly pcrs: readonly number[];
  readonly object: CreatedObject;
}

const SEED_SIZE = 32;

function encodeBlob(b: Blob): Uint8Array {
  const json = {
    v: 1, kind: 'ip2-sealed-seed', pcrBank: 'sha256', pcrs: b.pcrs,
    public: Buffer.from(b.object.public).toString('base64'), private: Buffer.from(b.object.private).toString('base64'),
  };
  return new TextEncoder().encode(`${JSON.stringify(json)}\n`);
}

function decodeBlob(bytes: Uint8Array, path: string): Blob {
  const bad = (why: string): TpmError => new TpmError('SEALED_BLOB_INVALID', `${path}: ${why}`, { badInput: true });
  let j: unknown;
  try {
    j = JSON.parse(new TextDecoder().decode(bytes));
  } catch (err) {
    throw new TpmError('SEALED_BLOB_INVALID', `${path}: not JSON`, { cause: err, badInput: true });
  }
  if (typeof j !== 'object' || j === null) throw bad('not an object');
  const o = j as Record<string, unknown>;
  if (o.v !== 1 || o.kind !== 'ip2-sealed-seed' || o.pcrBank !== 'sha256') throw bad('not an ip2 sealed seed v1');
  const pcrs = o.pcrs;
  if (!Array.isArray(pcrs) || !pcrs.every((p) => Number.isInteger(p) && p >= 0 && p < 24)) throw bad('bad pcrs');
  if (typeof o.public !== 'string' || typeof o.private !== 'string') throw bad('missing public/private');
  const object = { public: new Uint8Array(Buffer.from(o.public, 'base64')), private: new Uint8Array(Buffer.from(o.private, 'base64')) };
  return { pcrs: pcrs as number[], object };
}

function selection(pcrs: readonly number[]): PcrSelection[] {
  return [{ hash: TPM_ALG.SHA256, pcrs }];
}

async function seal(tpm: TpmClient, seed: Uint8Array, pcrs: readonly number[]): Promise<Blob> {
  const authPolicy = await pcrPolicyDigest(tpm, selection(pcrs));
  const primary = await tpm.createPrimary({ kind: 'storage-primary' });
  const object = await withFlushed(tpm, primary.handle, (parent) => tpm.create(parent, { kind: 'sealed-data', authPolicy }, seed));
  return { pcrs, object };
}

async function unsealBlob(tpm: TpmClient, blob: Blob): Promise<Uint8Array> {
  const primary = await tpm.createPrimary({ kind: 'storage-primary' });
  return withFlushed(tpm, primary.handle, (parent) =>
    withFlushed(tpm, tpm.load(parent, blob.object), (item) =>
      withFlushed(tpm, startAuthSession(tpm, 'policy'), async (session) => {
        await policyPcr(tpm, session, selection(blob.pcrs));
        try {
          return await unseal(tpm, item, policyAuth(session));
        } catch (err) {
          if (!isTpmRc(err, 'TPM_RC_POLICY_FAIL')) throw err;
          throw new TpmError('SEALED_PCR_MISMATCH', `PCRs ${blob.pcrs.join(',')} (sha256) changed since the seed was sealed; the TPM refuses to unseal it`, { cause: err });
        }
      })));
}

async function writeAtomic(fs: SealedFs, path: string, data: Uint8Array): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    await fs.writeFile(tmp, data, { mode: 0o600, flag: 'wx' });
    await fs.rename(tmp, path);
  } catch (err) {
    await fs.unlink(tmp).catch(() => undefined);
    throw err;
  }
}

async function loadOrSeal(tpm: TpmClient, opts: SealedKeyStoreOptions, fs: SealedFs): Promise<Blob> {
  let bytes: Uint8Array | undefined;
  try {
    bytes = await fs.readFile(opts.blobPath);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    if (!opts.create) throw new TpmError('SEALED_BLOB_INVALID', `${opts.blobPath}: no sealed seed`, { cause: err, badInput: true });
  }
  if (bytes) return decodeBlob(bytes, opts.blobPath);
  const seed = opts.crypto.randomBytes(SEED_SIZE);
  const blob = await seal(tpm, seed, opts.pcrs);
  seed.fill(0);
  await writeAtomic(fs, opts.blobPath, encodeBlob(blob));
  return blob;
}

export async function createSealedKeyStore(tpm: TpmClient, opts: SealedKeyStoreOptions): Promise<KeyStore> {
  const blob = await loadOrSeal(tpm, opts, opts.fs ?? nodeFs);
  const seed = await unsealBlob(tpm, blob);
  if (seed.length !== SEED_SIZE) throw new TpmError('SEALED_BLOB_INVALID', `${opts.blobPath}: sealed data is ${seed.length} bytes, not a seed`);
  const { ed25519 } = opts.crypto;
  const publicKey = ed25519.publicKey(seed);
  let closed = false;
  return {
    assurance: 'sealed',
    algorithm: 'Ed25519',
    publicKey,
    did: didKeyFromPublicKey('Ed25519', publicKey),
    sign(message: Uint8Array): Promise<Uint8Array> {
      if (closed) return Promise.reject(new TpmError('KEYSTORE_CLOSED', 'sealed key store is closed'));
      return Promise.resolve(ed25519.sign(seed, message));
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      seed.fill(0);
      await tpm.close();
    },
  };
}
