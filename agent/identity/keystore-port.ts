/**
 * The key store port: where the device's long-lived identity key lives.
 *
 * Three backends plug in here (DESIGN.md §4):
 *   - `software`: an Ed25519 seed in a 0600 file (software-keystore.ts);
 *   - `tpm`:      a non-exportable P-256 key inside a TPM 2.0 (agent/identity/tpm/);
 *   - `sealed`:   an Ed25519 seed sealed to the TPM under a PCR policy (agent/identity/tpm/).
 *
 * Contract, in words:
 *   - `did` is fixed for the life of the key; it is a did:key of the key's algorithm.
 *   - `sign(message)` returns a signature that `verify` of the crypto port accepts against the
 *     DID's public key: Ed25519 64 bytes, or P-256 raw r ‖ s (64 bytes) **normalised to low-S**
 *     (a TPM emits high-S half of the time; the backend fixes it before returning).
 *   - `sign` may be slow (a real TPM: 100–600 ms); callers keep it off per-request paths and use
 *     a session key certified by this key instead.
 *   - `close()` releases handles (a TPM connection); later calls reject with an error whose
 *     `code` is `KEYSTORE_CLOSED`.
 *   - Private key bytes never leave a `tpm` backend; no backend logs or returns them.
 */
import type { SignatureAlgorithm } from '../crypto/port.ts';

export type Assurance = 'tpm' | 'sealed' | 'software';

export interface KeyStore {
  readonly assurance: Assurance;
  readonly algorithm: SignatureAlgorithm;
  /** The raw public key: Ed25519 32 bytes, P-256 33 bytes compressed. */
  readonly publicKey: Uint8Array;
  /** `did:key:z…` of `publicKey`. */
  readonly did: string;
  sign(message: Uint8Array): Promise<Uint8Array>;
  close(): Promise<void>;
}

/** What `ip2 init` writes beside the key material: `identity.json` in the state directory. */
export interface IdentityRecord {
  readonly v: 1;
  readonly did: string;
  readonly algorithm: SignatureAlgorithm;
  readonly assurance: Assurance;
  readonly created: string;
  /** Backend-specific locator: a file name, a TPM persistent handle, a sealed blob file. */
  readonly locator: Readonly<Record<string, string | number>>;
}
