/**
 * A monotonic counter in a TPM NV index (TPM 2.0 Library Part 3 §31: NV_DefineSpace §31.3,
 * NV_Increment §31.8, NV_Read §31.13, NV_ReadPublic §31.6; Part 2 §13.4 TPM_NT_COUNTER).
 * Owner-authorised with the empty owner password; the index is defined on first use.
 */
import { EMPTY_PASSWORD } from './command.ts';
import type { TpmClient } from './client.ts';
import { TPM_ALG, TPM_CC, TPM_HT_NV_INDEX, TPM_RH_OWNER, TPMA_NV } from './constants.ts';
import { isTpmRc, TpmError } from './errors.ts';
import { Writer } from './marshal.ts';

export interface NvCounter {
  readonly index: number;
  /** The current value; 0 before the first increment. */
  read(): Promise<bigint>;
  /** Adds one and returns the new value. The TPM never lets it go down. */
  increment(): Promise<bigint>;
}

const COUNTER_ATTRS = TPMA_NV.counter | TPMA_NV.ownerWrite | TPMA_NV.ownerRead | TPMA_NV.authRead | TPMA_NV.noDA;

async function defineIfMissing(tpm: TpmClient, index: number): Promise<void> {
  try {
    const attrs = await tpm.run({ name: 'NV_ReadPublic', code: TPM_CC.NV_ReadPublic, handles: [index] }, (r) => {
      const a = r.sized((p) => {
        p.u32(); p.u16();
        const at = p.u32();
        p.tpm2b(64); p.u16();
        return at;
      }, 'TPM2B_NV_PUBLIC');
      r.tpm2b(); // name
      return a;
    });
    if ((attrs & 0xf0) !== TPMA_NV.counter) throw new TpmError('TPM_UNEXPECTED_OBJECT', `NV index 0x${index.toString(16)} is not a counter`);
    return;
  } catch (err) {
    if (!isTpmRc(err, 'TPM_RC_HANDLE')) throw err;
  }
  const params = new Writer()
    .tpm2b(new Uint8Array(0)) // auth
    .sized((w) => w.u32(index).u16(TPM_ALG.SHA256).u32(COUNTER_ATTRS).tpm2b(new Uint8Array(0)).u16(8))
    .finish();
  await tpm.run({ name: 'NV_DefineSpace', code: TPM_CC.NV_DefineSpace, handles: [TPM_RH_OWNER], auths: [EMPTY_PASSWORD], params }, () => undefined);
}

export async function tpmNvCounter(tpm: TpmClient, index: number): Promise<NvCounter> {
  if (index >>> 24 !== TPM_HT_NV_INDEX) throw new RangeError(`0x${index.toString(16)} is not an NV index handle`);
  await defineIfMissing(tpm, index);
  const read = async (): Promise<bigint> => {
    const params = new Writer().u16(8).u16(0).finish();
    try {
      const spec = { name: 'NV_Read', code: TPM_CC.NV_Read, handles: [TPM_RH_OWNER, index], auths: [EMPTY_PASSWORD], params };
      return await tpm.run(spec, (r) => {
        const data = r.tpm2b(8);
        if (data.length !== 8) throw new TpmError('TPM_RESPONSE_MALFORMED', `NV counter read ${data.length} bytes`);
        return new DataView(data.buffer, data.byteOffset, 8).getBigUint64(0);
      });
    } catch (err) {
      if (isTpmRc(err, 'TPM_RC_NV_UNINITIALIZED')) return 0n;
      throw err;
    }
  };
  return {
    index,
    read,
    async increment(): Promise<bigint> {
      const spec = { name: 'NV_Increment', code: TPM_CC.NV_Increment, handles: [TPM_RH_OWNER, index], auths: [EMPTY_PASSWORD] };
      await tpm.run(spec, () => undefined);
      return read();
    },
  };
}
