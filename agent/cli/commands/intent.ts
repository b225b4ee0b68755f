/** `ip2 intent CMD --to DID`: sign an intent with this identity and send it to a device. */
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { decodeCbor } from '../../cbor/index.ts';
import { defaultCrypto } from '../../crypto/index.ts';
import type { CryptoPort } from '../../crypto/port.ts';
import type { KeyStore } from '../../identity/keystore-port.ts';
import { openIdentity } from '../../identity/store.ts';
import {
  type Address, type Reply, IntentClientError, call, createIntent, fetchChallenge, resolveAddress,
} from '../../intent/index.ts';
import { type Command, type Invocation, UsageError, flag, printJson, requireOption, stringOption } from '../command.ts';

/** Where this identity remembers paired devices: `devices.json`, DID → connect address. */
export const DEVICES_FILE = 'devices.json';
const INTENT_LIFETIME_S = 60;

export async function withIdentity<T>(inv: Invocation, fn: (store: KeyStore, crypto: CryptoPort) => Promise<T>): Promise<T> {
  const crypto = defaultCrypto();
  const { store } = await openIdentity(inv.dir, { crypto });
  try {
    return await fn(store, crypto);
  } finally {
    await store.close();
  }
}

export async function readDevices(dir: string): Promise<Record<string, { connect: string }>> {
  try {
    return JSON.parse(await readFile(join(dir, DEVICES_FILE), 'utf8')) as Record<string, { connect: string }>;
  } catch {
    return {};
  }
}

export async function rememberDevice(dir: string, did: string, connect: string): Promise<void> {
  const devices = await readDevices(dir);
  devices[did] = { connect };
  await writeFile(join(dir, DEVICES_FILE), `${JSON.stringify(devices, null, 2)}\n`, { mode: 0o600 });
}

/** `--connect`, else the address remembered at pairing, else $IP2_CONNECT. */
export async function deviceAddress(inv: Invocation, did: string): Promise<{ address: Address; spec: string }> {
  const spec = stringOption(inv, 'connect') ?? (await readDevices(inv.dir))[did]?.connect ?? inv.io.env['IP2_CONNECT'];
  if (spec === undefined) throw new UsageError(`no address for ${did}: pass --connect (a socket, a port or the device's state directory)`);
  const address = await resolveAddress(spec, inv.io.cwd);
  const hello = await call(address, { op: 'hello' });
  if (hello['did'] !== did) throw new UsageError(`the device at ${spec} is ${String(hello['did'])}, not ${did}`);
  return { address, spec: /^(tcp:)?[\w.-]*:?\d+$/.test(spec) ? spec : resolve(inv.io.cwd, spec) };
}

/** A grant chain file: a CBOR array of grant envelopes, root first. */
export async function readGrantFile(inv: Invocation, path: string): Promise<Uint8Array[]> {
  const bytes = await readFile(resolve(inv.io.cwd, path)).catch((cause: unknown) => {
    throw Object.assign(new UsageError(`cannot read ${path}`), { cause });
  });
  const v = decodeCbor(bytes, { maxBytes: 16 * 1024, maxDepth: 2, maxItems: 16 });
  if (!Array.isArray(v) || !v.every((g) => g instanceof Uint8Array)) throw new UsageError(`${path} is not a grant chain file`);
  return v;
}

export function parseArgsJson(text: string | undefined): Record<string, string | number | boolean> {
  if (text === undefined) return {};
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new UsageError('--args must be a JSON object');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new UsageError('--args must be a JSON object');
  return v as Record<string, string | number | boolean>;
}

/** Signs a fresh intent (with a device challenge) and sends it; returns the device's reply. */
export async function sendIntent(
  inv: Invocation,
  to: string,
  cmd: string,
  args: Record<string, string | number | boolean>,
  prf: readonly Uint8Array[] = [],
): Promise<Reply> {
  const { address } = await deviceAddress(inv, to);
  return withIdentity(inv, async (store, crypto) => {
    const chal = await fetchChallenge(address);
    const iat = Math.floor(Date.now() / 1000);
    const env = await createIntent(store, { aud: to, cmd, args, iat, exp: iat + INTENT_LIFETIME_S, prf, ...(chal === undefined ? {} : { chal }) }, crypto);
    return call(address, { op: 'intent', env });
  });
}

/** `--print FILE`: sign the intent and write it, for another transport (MQTT 5). */
async function printIntent(
  inv: Invocation,
  file: string,
  to: string,
  cmd: string,
  args: Record<string, string | number | boolean>,
  prf: readonly Uint8Array[],
): Promise<number> {
  const reachable = stringOption(inv, 'connect') === undefined ? undefined : await deviceAddress(inv, to);
  return withIdentity(inv, async (store, crypto) => {
    const chal = reachable === undefined ? undefined : await fetchChallenge(reachable.address);
    const iat = Math.floor(Date.now() / 1000);
    const env = await createIntent(store, { aud: to, cmd, args, iat, exp: iat + INTENT_LIFETIME_S, prf, ...(chal === undefined ? {} : { chal }) }, crypto);
    await writeFile(resolve(inv.io.cwd, file), env);
    inv.io.stderr.write(`signed ${cmd} for ${to} (${env.length} bytes, valid ${INTENT_LIFETIME_S} s${chal === undefined ? ', no challenge' : ''}) → ${file}\n`);
    return 0;
  });
}

export function report(inv: Invocation, reply: Reply): number {
  if (flag(inv, 'json')) printJson(inv, jsonable(reply));
  if (!reply.ok) {
    if (!flag(inv, 'json')) inv.io.stderr.write(`refused: ${String(reply['reason'])} (${String(reply['detail'])}), clock ${String(reply['clockState'])}\n`);
    return 1;
  }
  if (!flag(inv, 'json')) inv.io.stdout.write(`${describe(reply['result'])}\n  allowed by ${(reply['determining'] as string[]).join(', ')} · clock ${String(reply['clockState'])}\n`);
  return 0;
}

function describe(result: unknown): string {
  const r = result as { quantity?: unknown; value?: unknown; unit?: unknown; quality?: unknown; at?: unknown };
  if (typeof r === 'object' && r !== null && typeof r.quantity === 'string') {
    return `${r.quantity} ${String(r.value)} ${String(r.unit)} (${String(r.quality)}, at ${new Date(Number(r.at)).toISOString()})`;
  }
  return JSON.stringify(jsonable(result));
}

export function jsonable(v: unknown): unknown {
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
  if (Array.isArray(v)) return v.map(jsonable);
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, jsonable(x)]));
  return v;
}

const connectOption = { type: 'string', arg: 'ADDR', description: 'the device: a socket path, a port, or its state directory' } as const;

const intent: Command = {
  path: ['intent'],
  usage: 'CMD',
  summary: 'sign an intent (e.g. read_temperature) and send it to a device',
  options: {
    to: { type: 'string', arg: 'DID', description: 'the device\'s DID (required)' },
    args: { type: 'string', arg: 'JSON', description: 'arguments as a JSON object' },
    grant: { type: 'string', arg: 'FILE', description: 'a grant chain file (from ip2 grant) when acting as a delegate' },
    connect: connectOption,
    json: { type: 'boolean', description: 'print the device\'s reply as JSON' },
    print: { type: 'string', arg: 'FILE', description: 'write the signed intent to FILE instead of sending it (e.g. for mosquitto_pub -f)' },
  },
  details: `The intent lives 60 s and carries a fresh challenge from the device. Exit status 1 when the
device refuses; the reason code says why (expired, replay, revoked, denied_by_policy:<id>, …).
With --print the intent is only written (with a challenge when --connect reaches the device), to
send another way: mosquitto_pub -t ip2/NODE/intent -f FILE -V mqttv5 -D publish response-topic T.`,
  async run(inv) {
    if (inv.positionals.length !== 1) throw new UsageError('expected one CMD');
    const to = requireOption(inv, 'to');
    const grantPath = stringOption(inv, 'grant');
    const prf = grantPath === undefined ? [] : await readGrantFile(inv, grantPath);
    const printTo = stringOption(inv, 'print');
    if (printTo !== undefined) return printIntent(inv, printTo, to, inv.positionals[0]!, parseArgsJson(stringOption(inv, 'args')), prf);
    return report(inv, await sendIntent(inv, to, inv.positionals[0]!, parseArgsJson(stringOption(inv, 'args')), prf));
  },
};

export { connectOption };
export const intentCommands: Command[] = [intent];
export { IntentClientError };
