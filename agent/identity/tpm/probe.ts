/**
 * Is there a usable TPM? For `--keystore auto`: answers present (with the manufacturer) only when
 * the TPM responds and supports ECDSA over NIST P-256, else absent with a one-line reason.
 * Never throws for a missing or broken TPM; always closes what it opened.
 */
import { Ip2Error } from '../../errors.ts';
import { tpmInfo } from './capability.ts';
import { DEFAULT_KEY_HANDLE } from './constants.ts';
import type { TpmClient } from './client.ts';

export type TpmProbe =
  | { readonly present: true; readonly address: string; readonly manufacturer: string; readonly keyPresent: boolean }
  | { readonly present: false; readonly address: string; readonly reason: string };

export async function probeTpm(address: string, open: () => Promise<TpmClient>, keyHandle = DEFAULT_KEY_HANDLE): Promise<TpmProbe> {
  let tpm: TpmClient | undefined;
  try {
    tpm = await open();
    const info = await tpmInfo(tpm, keyHandle);
    if (!info.eccCurves.includes('NIST_P256') || !info.algorithms.includes('ecdsa')) {
      return { present: false, address, reason: `${address}: TPM lacks ECDSA over NIST P-256` };
    }
    return { present: true, address, manufacturer: info.manufacturer, keyPresent: info.keyPresent };
  } catch (err) {
    const why = err instanceof Ip2Error ? `${err.code}: ${err.message}` : String(err);
    return { present: false, address, reason: why };
  } finally {
    await tpm?.close().catch(() => undefined);
  }
}
