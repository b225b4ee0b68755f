/** `ip2 tpm info`: what TPM 2.0 is there, and does it hold this agent's key. */
import { DEFAULT_KEY_HANDLE, DEFAULT_TPM_PATH, openTpm, parseTpmAddress, tpmInfo } from '../../identity/tpm/index.ts';
import { type Command, UsageError, flag, printJson, stringOption } from '../command.ts';

function parseHandle(value: string | undefined): number {
  if (value === undefined) return DEFAULT_KEY_HANDLE;
  const n = /^0x[0-9a-fA-F]{8}$/.test(value) ? Number.parseInt(value.slice(2), 16) : Number.NaN;
  if (!Number.isInteger(n) || n >>> 24 !== 0x81) throw new UsageError(`--handle ${value}: expected a persistent handle 0x81xxxxxx`);
  return n;
}

const info: Command = {
  path: ['tpm', 'info'],
  summary: 'show the TPM 2.0: manufacturer, firmware, algorithms, curves, PCR banks, agent key',
  options: {
    tpm: { type: 'string', arg: 'DEVICE|tcp://HOST:PORT', description: `TPM to ask (default $IP2_TPM, else ${DEFAULT_TPM_PATH})` },
    handle: { type: 'string', arg: '0x81XXXXXX', description: `persistent handle of the agent key (default 0x${DEFAULT_KEY_HANDLE.toString(16)})` },
    json: { type: 'boolean', description: 'print as JSON' },
  },
  details: 'Use it to check a TPM HAT: the agent needs NIST_P256 with ecdsa, and a sha256 PCR bank for the sealed key store.',
  async run(inv) {
    const address = stringOption(inv, 'tpm') ?? inv.io.env['IP2_TPM'] ?? DEFAULT_TPM_PATH;
    const handle = parseHandle(stringOption(inv, 'handle'));
    const tpm = await openTpm(parseTpmAddress(address));
    try {
      const i = await tpmInfo(tpm, handle);
      if (flag(inv, 'json')) {
        printJson(inv, i);
        return;
      }
      const lines = [
        `TPM ${i.address}`,
        `  manufacturer  ${i.manufacturer} (${i.vendor})`,
        `  firmware      ${i.firmware}, spec revision ${i.specRevision}`,
        `  algorithms    ${i.algorithms.join(' ')}`,
        `  ecc curves    ${i.eccCurves.join(' ')}`,
        `  pcr banks     ${i.pcrBanks.map((b) => `${b.hash}(${b.pcrs})`).join(' ')}`,
        `  agent key     ${i.keyHandle} ${i.keyPresent ? 'present' : 'absent'}`,
        `  owner auth    ${i.ownerAuthSet ? 'set (the agent needs an empty owner password)' : 'empty'}`,
        `  lockout       ${i.inLockout ? 'IN LOCKOUT' : 'no'} (${i.lockoutCounter}/${i.maxAuthFail} failed authorisations)`,
      ];
      inv.io.stdout.write(`${lines.join('\n')}\n`);
    } finally {
      await tpm.close();
    }
  },
};

export const tpmCommands: Command[] = [info];
