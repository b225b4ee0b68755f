/**
 * The `tpm` key store: a non-exportable ECDSA P-256 key created inside the TPM and persisted at
 * a handle (default 0x81010002). Signing is TPM2_Sign over SHA-256(message); the result is
 * normalised to low-S raw r ‖ s (keystore-port.ts contract).
 */
import { createHash } from 'node:crypto';
import type { KeyStore } from '../keystore-port.ts';
import { didKeyFromPublicKey } from '../didkey.ts';
import { type TpmClient, withFlushed } from './client.ts';
import { TPM_ALG, TPM_ECC_NIST_P256, TPMA_OBJECT } from './constants.ts';
import { compressP256, lowSRaw } from './ecdsa.ts';
import { isTpmRc, TpmError } from './errors.ts';
import type { PublicArea } from './structures.ts';

export interface TpmKeyStoreOptions {
  /** Persistent handle of the identity key (0x81000000–0x817FFFFF). */
  readonly handle: number;
  /** Create and persist a key when the handle is empty; otherwise a missing key is an error. */
  readonly create: boolean;
  /** SHA-256; defaults to node:crypto. */
  readonly sha256?: (message: Uint8Array) => Uint8Array;
}

const nodeSha256 = (m: Uint8Array): Uint8Array => new Uint8Array(createHash('sha256').update(m).digest());

/** The signing key must be ours: P-256 ECDSA, TPM-generated, non-duplicable, unrestricted. */
export function checkSigningKey(pub: PublicArea, handle: number): Uint8Array {
  const need = TPMA_OBJECT.fixedTPM | TPMA_OBJECT.fixedParent | TPMA_OBJECT.sensitiveDataOrigin | TPMA_OBJECT.sign;
  const where = `handle 0x${handle.toString(16)}`;
  if (pub.type !== TPM_ALG.ECC || !pub.ecc || pub.ecc.curve !== TPM_ECC_NIST_P256) {
    throw new TpmError('TPM_UNEXPECTED_OBJECT', `${where} is not a P-256 key`);
  }
  if ((pub.attributes & need) !== need || (pub.attributes & TPMA_OBJECT.restricted) !== 0) {
    throw new TpmError('TPM_UNEXPECTED_OBJECT', `${where} lacks fixedTPM|fixedParent|sensitiveDataOrigin|sign or is restricted`);
  }
  return compressP256(pub.ecc.x, pub.ecc.y);
}

/** Creates a P-256 signing key under a transient primary and persists it at `handle`. */
export async function provisionSigningKey(tpm: TpmClient, handle: number): Promise<void> {
  const primary = await tpm.createPrimary({ kind: 'storage-primary' });
  await withFlushed(tpm, primary.handle, async (parent) => {
    const key = await tpm.create(parent, { kind: 'p256-signing' });
    await withFlushed(tpm, tpm.load(parent, key), (loaded) => tpm.evictControl(loaded, handle));
  });
}

async function readOrCreate(tpm: TpmClient, opts: TpmKeyStoreOptions): Promise<PublicArea> {
  try {
    return await tpm.readPublic(opts.handle);
  } catch (err) {
    if (!isTpmRc(err, 'TPM_RC_HANDLE')) throw err;
    if (!opts.create) {
      throw new TpmError('TPM_KEY_NOT_FOUND', `no key at persistent handle 0x${opts.handle.toString(16)} on ${tpm.address}`, { cause: err });
    }
  }
  await provisionSigningKey(tpm, opts.handle);
  return tpm.readPublic(opts.handle);
}

export async function createTpmKeyStore(tpm: TpmClient, opts: TpmKeyStoreOptions): Promise<KeyStore> {
  const sha256 = opts.sha256 ?? nodeSha256;
  const publicKey = checkSigningKey(await readOrCreate(tpm, opts), opts.handle);
  const did = didKeyFromPublicKey('P-256', publicKey);
  let closed = false;
  return {
    assurance: 'tpm',
    algorithm: 'P-256',
    publicKey,
    did,
    async sign(message: Uint8Array): Promise<Uint8Array> {
      if (closed) throw new TpmError('KEYSTORE_CLOSED', 'tpm key store is closed');
      const sig = await tpm.sign(opts.handle, sha256(message));
      return lowSRaw(sig.r, sig.s);
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await tpm.close();
    },
  };
}
