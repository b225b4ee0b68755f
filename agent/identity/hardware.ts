/**
 * The hardware key store backends (`tpm`, `sealed`) as the identity directory sees them, and the
 * choice `auto` makes at `ip2 init` and first boot: a TPM 2.0 when one answers (the key never
 * leaves it), software otherwise, and the record says which.
 */
import { join } from 'node:path';
import type { CryptoPort } from '../crypto/port.ts';
import { KeyStoreError } from './errors.ts';
import type { Assurance, IdentityRecord } from './keystore-port.ts';
import type { KeyStoreBackend } from './store.ts';
import {
  DEFAULT_KEY_HANDLE,
  DEFAULT_TPM_PATH,
  createSealedKeyStore,
  createTpmKeyStore,
  openTpm,
  parseTpmAddress,
  probeTpm,
  type TpmProbe,
} from './tpm/index.ts';

const SEALED_BLOB = 'keys/device.sealed';
/** PCR 7 (secure-boot state) by default: research/identity.md §5.2. */
const DEFAULT_PCRS: readonly number[] = [7];

export interface HardwareOptions {
  readonly crypto: CryptoPort;
  /** `/dev/tpmrm0` (default) or `tcp://HOST:PORT` (swtpm). */
  readonly tpmAddress?: string;
}

export function hardwareBackends(opts: HardwareOptions): Record<'tpm' | 'sealed', KeyStoreBackend> {
  const fallbackAddress = opts.tpmAddress ?? DEFAULT_TPM_PATH;
  const addressOf = (record?: IdentityRecord): string => {
    const a = record?.locator['tpm'];
    return opts.tpmAddress ?? (typeof a === 'string' ? a : fallbackAddress);
  };
  return {
    tpm: {
      async create() {
        const address = addressOf();
        const store = await createTpmKeyStore(await openTpm(parseTpmAddress(address)), { handle: DEFAULT_KEY_HANDLE, create: true });
        return { store, locator: { tpm: address, handle: DEFAULT_KEY_HANDLE } };
      },
      async open(_dir, record) {
        const handle = record.locator['handle'];
        if (typeof handle !== 'number') throw new KeyStoreError('IDENTITY_CORRUPT', 'identity.json: tpm locator has no handle');
        return createTpmKeyStore(await openTpm(parseTpmAddress(addressOf(record))), { handle, create: false });
      },
    },
    sealed: {
      async create(dir) {
        const address = addressOf();
        const store = await createSealedKeyStore(await openTpm(parseTpmAddress(address)), {
          blobPath: join(dir, SEALED_BLOB),
          pcrs: DEFAULT_PCRS,
          create: true,
          crypto: opts.crypto,
        });
        return { store, locator: { tpm: address, blob: SEALED_BLOB, pcrs: DEFAULT_PCRS.join(',') } };
      },
      async open(dir, record) {
        const blob = record.locator['blob'];
        const pcrs = String(record.locator['pcrs'] ?? '').split(',').filter(Boolean).map(Number);
        if (typeof blob !== 'string' || blob.includes('..')) throw new KeyStoreError('IDENTITY_CORRUPT', 'identity.json: bad sealed blob locator');
        return createSealedKeyStore(await openTpm(parseTpmAddress(addressOf(record))), {
          blobPath: join(dir, blob),
          pcrs,
          create: false,
          crypto: opts.crypto,
        });
      },
    },
  };
}

/** `auto`: the TPM when one answers at `address`, else software, with the reason. */
export async function chooseAssurance(address = DEFAULT_TPM_PATH): Promise<{ assurance: Assurance; probe: TpmProbe }> {
  const probe = await probeTpm(address);
  return { assurance: probe.present ? 'tpm' : 'software', probe };
}
