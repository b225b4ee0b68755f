/**
 * Policy sessions, PCRs and Unseal (TPM 2.0 Library Part 3 §11.1, §22, §23, §12.7), as functions
 * over a `TpmClient`.
 */
import type { AuthCommand } from './command.ts';
import { EMPTY_PASSWORD } from './command.ts';
import { SHA256_SIZE, TPM_ALG, TPM_CC, TPM_RH_NULL, TPM_SE_POLICY, TPM_SE_TRIAL, TPMA_SESSION_CONTINUE } from './constants.ts';
import { type TpmClient, withFlushed } from './client.ts';
import { Writer } from './marshal.ts';
import { readPcrSelection, writePcrSelection, type PcrSelection } from './structures.ts';

/** Part 3 §11.1 TPM2_StartAuthSession: unbound, unsalted, no parameter encryption, SHA-256. */
export async function startAuthSession(tpm: TpmClient, kind: 'policy' | 'trial'): Promise<number> {
  const nonceCaller = await tpm.nonce();
  const params = new Writer()
    .tpm2b(nonceCaller)
    .tpm2b(new Uint8Array(0)) // encryptedSalt
    .u8(kind === 'trial' ? TPM_SE_TRIAL : TPM_SE_POLICY)
    .u16(TPM_ALG.NULL) // TPMT_SYM_DEF symmetric = NULL
    .u16(TPM_ALG.SHA256)
    .finish();
  const spec = {
    name: 'StartAuthSession', code: TPM_CC.StartAuthSession, handles: [TPM_RH_NULL, TPM_RH_NULL], params, responseHandles: 1,
  };
  return tpm.run(spec, (r, [handle]) => {
    r.tpm2b(64); // nonceTPM
    return handle ?? 0;
  });
}

/** Part 3 §23.7 TPM2_PolicyPCR with an empty pcrDigest: the TPM uses the current PCR values. */
export function policyPcr(tpm: TpmClient, session: number, pcrs: readonly PcrSelection[]): Promise<void> {
  const w = new Writer().tpm2b(new Uint8Array(0));
  writePcrSelection(w, pcrs);
  return tpm.run({ name: 'PolicyPCR', code: TPM_CC.PolicyPCR, handles: [session], params: w.finish() }, () => undefined);
}

/** Part 3 §23.19 TPM2_PolicyGetDigest. */
export function policyGetDigest(tpm: TpmClient, session: number): Promise<Uint8Array> {
  return tpm.run({ name: 'PolicyGetDigest', code: TPM_CC.PolicyGetDigest, handles: [session] }, (r) => r.tpm2b(64));
}

/** The policy digest of PolicyPCR over the PCRs' current values, from a trial session. */
export function pcrPolicyDigest(tpm: TpmClient, pcrs: readonly PcrSelection[]): Promise<Uint8Array> {
  return withFlushed(tpm, startAuthSession(tpm, 'trial'), async (s) => {
    await policyPcr(tpm, s, pcrs);
    return policyGetDigest(tpm, s);
  });
}

/**
 * Authorization entry for a policy session with no HMAC (no PolicyAuthValue in the policy).
 * continueSession is set so the session survives the command and the caller's flush is valid
 * whether the command succeeded or failed (Part 2 §8.4).
 */
export function policyAuth(session: number): AuthCommand {
  return { handle: session, nonce: new Uint8Array(0), attributes: TPMA_SESSION_CONTINUE, hmac: new Uint8Array(0) };
}

/** Part 3 §12.7 TPM2_Unseal. */
export function unseal(tpm: TpmClient, item: number, auth: AuthCommand): Promise<Uint8Array> {
  return tpm.run({ name: 'Unseal', code: TPM_CC.Unseal, handles: [item], auths: [auth] }, (r) => r.tpm2b(128));
}

/** Part 3 §22.4 TPM2_PCR_Read. Returns the digests in selection order. */
export function pcrRead(tpm: TpmClient, pcrs: readonly PcrSelection[]): Promise<Uint8Array[]> {
  const w = new Writer();
  writePcrSelection(w, pcrs);
  return tpm.run({ name: 'PCR_Read', code: TPM_CC.PCR_Read, params: w.finish() }, (r) => {
    r.u32(); // pcrUpdateCounter
    readPcrSelection(r);
    const n = r.count(2, 8);
    const out: Uint8Array[] = [];
    for (let i = 0; i < n; i++) out.push(r.tpm2b(64));
    return out;
  });
}

/** Part 3 §22.2 TPM2_PCR_Extend with one SHA-256 digest (TPML_DIGEST_VALUES, Part 2 §10.9.4). */
export function pcrExtend(tpm: TpmClient, pcr: number, digest: Uint8Array): Promise<void> {
  if (digest.length !== SHA256_SIZE) throw new RangeError('PCR_Extend digest must be 32 bytes');
  if (!Number.isInteger(pcr) || pcr < 0 || pcr > 23) throw new RangeError(`PCR ${pcr} out of range`);
  const params = new Writer().u32(1).u16(TPM_ALG.SHA256).raw(digest).finish();
  return tpm.run({ name: 'PCR_Extend', code: TPM_CC.PCR_Extend, handles: [pcr], auths: [EMPTY_PASSWORD], params }, () => undefined);
}
