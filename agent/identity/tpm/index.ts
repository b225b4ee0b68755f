/**
 * TPM 2.0 support for ip2-agent: a client speaking the TPM command protocol over a byte stream
 * (/dev/tpmrm0 in production, swtpm's TCP port in tests) and the `tpm` and `sealed` key stores.
 *
 *   const tpm = await openTpm({ tcp: { host: '127.0.0.1', port: 2321 } });
 *   const ks = await createTpmKeyStore(tpm, { handle: DEFAULT_KEY_HANDLE, create: true });
 *
 * A key store takes ownership of the client: `ks.close()` closes the connection.
 */
import { TpmClient } from './client.ts';
import { TpmError } from './errors.ts';
import { openFileTransport } from './file-transport.ts';
import { probeTpm as probeWith, type TpmProbe } from './probe.ts';
import { openSocketTransport } from './socket-transport.ts';
import type { TpmTransport } from './transport-port.ts';

export { TpmClient, withFlushed, type CreatedObject, type EcdsaSignature, type LoadedObject } from './client.ts';
export { DEFAULT_KEY_HANDLE, DEFAULT_NV_COUNTER_INDEX } from './constants.ts';
export { TpmError, TpmResponseError, isTpmRc, type TpmErrorCode } from './errors.ts';
export { decodeRc, type DecodedRc, type TpmRcName } from './rc.ts';
export type { TpmTransport } from './transport-port.ts';
export { createTpmKeyStore, type TpmKeyStoreOptions } from './tpm-keystore.ts';
export { createSealedKeyStore, type SealedKeyStoreOptions } from './sealed-keystore.ts';
export { tpmNvCounter, type NvCounter } from './nv.ts';
export { getHandles, tpmInfo, type TpmInfo } from './capability.ts';
export { createFakeTransport, type FakeTransportOptions } from './fake-transport.ts';
export { pcrExtend, pcrRead } from './policy.ts';
export type { TpmProbe } from './probe.ts';

/** The kernel resource manager: the production default. */
export const DEFAULT_TPM_PATH = '/dev/tpmrm0';

export interface OpenTpmOptions {
  /** A character device, default `/dev/tpmrm0`. Ignored when `tcp` is given. */
  readonly path?: string;
  /** swtpm's TCP server port (tests, development). */
  readonly tcp?: { readonly host: string; readonly port: number };
  /**
   * Send TPM2_Startup(CLEAR) first. Needed for a raw simulator; harmless otherwise
   * (TPM_RC_INITIALIZE is ignored). Default: true for `tcp`, false for a device.
   */
  readonly startup?: boolean;
  /** For tests: a ready transport (e.g. the fake); wins over `path` and `tcp`. */
  readonly transport?: TpmTransport;
}

export async function openTpm(opts: OpenTpmOptions = {}): Promise<TpmClient> {
  const transport = opts.transport
    ?? (opts.tcp ? await openSocketTransport(opts.tcp) : await openFileTransport(opts.path ?? DEFAULT_TPM_PATH));
  const client = new TpmClient(transport);
  if (opts.startup ?? opts.tcp !== undefined) {
    try {
      await client.startup();
    } catch (err) {
      await client.close();
      throw err;
    }
  }
  return client;
}

/** Parses `--tpm` values: `tcp://HOST:PORT` or a device path. */
export function parseTpmAddress(value: string): OpenTpmOptions {
  if (!value.startsWith('tcp://')) {
    if (!value.startsWith('/')) throw new TpmError('TPM_UNAVAILABLE', `TPM address ${value}: expected a device path or tcp://HOST:PORT`, { badInput: true });
    return { path: value };
  }
  const m = /^tcp:\/\/([^:/]+|\[[0-9a-fA-F:]+\]):(\d{1,5})$/.exec(value);
  const port = m ? Number(m[2]) : 0;
  if (!m || !m[1] || port < 1 || port > 65535) {
    throw new TpmError('TPM_UNAVAILABLE', `TPM address ${value}: expected tcp://HOST:PORT`, { badInput: true });
  }
  return { tcp: { host: m[1].replace(/^\[|\]$/g, ''), port } };
}

/** For `--keystore auto`: does a usable TPM answer at `address` (default /dev/tpmrm0)? */
export function probeTpm(address: string = DEFAULT_TPM_PATH): Promise<TpmProbe> {
  return probeWith(address, () => openTpm(parseTpmAddress(address)));
}
