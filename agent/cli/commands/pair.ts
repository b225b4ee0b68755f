/** `ip2 pair start` (on the device) and `ip2 pair DEVICE_DID --code …` (the owner). */
import { join } from 'node:path';
import { call, createPairRequest, encodeQr, renderQr, parsePairingCode, readEndpointInfo, verifyPairReceipt } from '../../intent/index.ts';
import { IntentClientError } from '../../intent/errors.ts';
import { type Command, UsageError, flag, printJson, requireOption, stringOption } from '../command.ts';
import { connectOption, deviceAddress, rememberDevice, withIdentity } from './intent.ts';

/** What the pairing QR code holds (research/identity.md §5.3 step 1: device DID and secret). */
export function pairingUri(did: string, code: string): string {
  return `ip2:pair?v=1&did=${did}&code=${code}`;
}

const start: Command = {
  path: ['pair', 'start'],
  summary: 'enter pairing mode for 5 minutes and show the single-use pairing code',
  options: {
    json: { type: 'boolean', description: 'print as JSON' },
    'factory-reset': { type: 'boolean', description: 'forget every controller first (the only way to remove the last one)' },
  },
  details: `Shows the code as text and as a QR code. Talks to the running daemon (ip2 run) of this state
directory over its admin socket (mode 0600), which stands for physical presence. The code carries 160 random bits, works once, and 5 wrong
attempts lock pairing until this command is run again.`,
  async run(inv) {
    const info = await readEndpointInfo(inv.dir);
    const r = await call({ path: info.admin }, { op: 'pair_start', reset: flag(inv, 'factory-reset') });
    if (!r.ok) throw new IntentClientError('REFUSED', `${String(r['reason'])}: ${String(r['detail'])}`, { badInput: true });
    const code = String(r['code']);
    if (flag(inv, 'json')) {
      printJson(inv, { did: info.did, code, expiresInS: r['expiresInS'], socket: info.socket, tcp: info.tcp ?? null });
      return;
    }
    inv.io.stdout.write(`Pairing mode for ${String(r['expiresInS'])} s. On the owner's machine run:

  ip2 pair ${info.did} --code ${code} --connect ${info.tcp === undefined ? info.socket : String(info.tcp.port)}

pairing code: ${code}

${renderQr(encodeQr(new TextEncoder().encode(pairingUri(info.did, code)), 'M'))}(the QR code holds ${pairingUri(info.did, code)})
`);
  },
};

const pair: Command = {
  path: ['pair'],
  usage: 'DEVICE_DID',
  summary: 'pair a device with this identity as its owner (and an optional backup controller)',
  options: {
    code: { type: 'string', arg: 'CODE', description: 'the pairing code the device shows (required)' },
    backup: { type: 'string', arg: 'DID', description: 'a second controller, e.g. a key kept offline' },
    connect: connectOption,
    json: { type: 'boolean', description: 'print the receipt as JSON' },
  },
  async run(inv) {
    if (inv.positionals.length !== 1) throw new UsageError('expected one DEVICE_DID');
    const deviceDid = inv.positionals[0]!;
    const secret = parsePairingCode(requireOption(inv, 'code'));
    const { address, spec } = await deviceAddress(inv, deviceDid);
    const backup = stringOption(inv, 'backup');
    const r = await withIdentity(inv, async (store, crypto) => {
      const env = await createPairRequest(store, { deviceDid, secret, iat: Math.floor(Date.now() / 1000), ...(backup === undefined ? {} : { backup }) }, crypto);
      const reply = await call(address, { op: 'pair', env });
      if (!reply.ok) throw new IntentClientError('REFUSED', `pairing refused: ${String(reply['reason'])} (${String(reply['detail'])})`);
      return verifyPairReceipt(reply['receipt'] as Uint8Array, deviceDid, crypto);
    });
    await rememberDevice(inv.dir, deviceDid, spec);
    if (flag(inv, 'json')) printJson(inv, { ...r, devicesFile: join(inv.dir, 'devices.json') });
    else inv.io.stdout.write(`paired ${deviceDid}\n  owner ${r.ownerDid}\n  controllers ${r.controllers.join(', ')}\n  receipt signed by the device, verified\n`);
  },
};

export const pairCommands: Command[] = [start, pair];
