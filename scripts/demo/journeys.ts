/**
 * The device and homeowner journeys of the walk-through. Each step runs real `ip2` commands in
 * their own processes against the running network and reports what they printed; nothing here
 * invents an outcome.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeCbor } from '../../agent/cbor/index.ts';
import { defaultCrypto } from '../../agent/crypto/index.ts';
import { signCose1, verifyCose1 } from '../../agent/identity/cose.ts';
import { openIdentity } from '../../agent/identity/store.ts';
import { DemoError } from './errors.ts';
import { ip2Json, runIp2 } from './ip2.ts';
import type { Hub } from './mqtt.ts';
import type { Narrator } from './narrate.ts';
import type { Network, NodeHandle } from './network.ts';
import type { Ip2Entry, Proc, Supervisor } from './procs.ts';

const DAEMON_READY_MS = 60_000;
/** How long to look for the first-boot pairing code on the daemon's console before asking for one. */
const FIRST_BOOT_PAIRING_MS = 10_000;

export interface Ctx {
  readonly entry: Ip2Entry;
  readonly env: NodeJS.ProcessEnv;
  readonly root: string;
  readonly n: Narrator;
  readonly sup: Supervisor;
  readonly net: Network;
  /** Copy-paste lines for the summary. */
  readonly tryLines: { what: string; argv: string[] }[];
}

export interface DeviceState {
  readonly dir: string;
  readonly did: string;
  readonly assurance: string;
  readonly port: number;
  readonly daemon: Proc;
  readonly router: NodeHandle;
  readonly pairingCode: string;
}

interface Reply { ok: boolean; reason?: string; detail?: string; result?: { quantity?: string; value?: number; unit?: string }; determining?: string[] }

async function ip2(ctx: Ctx, argv: string[]): Promise<{ code: number; out: string; err: string }> {
  return runIp2(ctx.entry, argv, ctx.env);
}

async function waitEndpoint(dir: string, daemon: Proc): Promise<{ did: string; tcp?: { port: number } }> {
  const deadline = Date.now() + DAEMON_READY_MS;
  for (;;) {
    try {
      return JSON.parse(await readFile(join(dir, 'endpoint.json'), 'utf8')) as { did: string; tcp?: { port: number } };
    } catch {
      if (!daemon.running) throw new DemoError('PROCESS_EXITED', `ip2 run exited: ${daemon.stderrTail.trim().split('\n').slice(-2).join(' | ')}`);
      if (Date.now() > deadline) throw new DemoError('TIMEOUT', `ip2 run wrote no endpoint.json within ${DAEMON_READY_MS} ms`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

export async function deviceFirstBoot(ctx: Ctx, hub: Hub | undefined): Promise<DeviceState> {
  const { n } = ctx;
  const dir = join(ctx.root, 'device');
  const init = await n.wait('ip2 init: the device creates its identity', async () => {
    const r = await ip2(ctx, ['init', '--dir', dir, '--json']);
    if (r.code !== 0) throw new DemoError('COMMAND_FAILED', `ip2 init: ${r.err.trim()}`);
    return { rec: JSON.parse(r.out) as { did: string; algorithm: string; assurance: string }, note: r.err.trim() };
  });
  n.say(`device  ${init.rec.did}\nkey     ${init.rec.algorithm}, assurance ${init.rec.assurance}${init.note === '' ? '' : `\n        (${init.note})`}`);

  // the signed-envelope check of the first walk-through: the device signs, anyone verifies offline
  const crypto = defaultCrypto();
  const { store } = await openIdentity(dir, { crypto });
  try {
    const env = await signCose1(encodeCbor({ hello: 'first boot', at: Math.floor(Date.now() / 1000) }), store);
    const v = verifyCose1(env, { crypto, kid: init.rec.did });
    const tampered = Uint8Array.from(env);
    tampered[tampered.length - 70]! ^= 0x01;
    let refusal = 'accepted';
    try {
      verifyCose1(tampered, { crypto });
    } catch (err) {
      refusal = `${(err as { code?: string }).code ?? 'refused'}`;
    }
    if (refusal === 'accepted') throw new DemoError('UNEXPECTED', 'a tampered envelope was accepted');
    n.ok(`a ${env.length}-byte COSE_Sign1 envelope from the device verifies as ${v.did.slice(0, 20)}…; a tampered copy is refused (${refusal})`);
  } finally {
    await store.close();
  }

  const provision = join(ctx.root, 'device-provision.json');
  if (hub !== undefined) await writeFile(provision, `${JSON.stringify({ v: 1, deviceName: 'demo-sensor', mqtt: { url: hub.url, protocolVersion: hub.protocolVersion } })}\n`, { mode: 0o600 });
  const daemon = ctx.sup.start('device daemon', ['run', '--dir', dir, '--port', '0', ...(hub === undefined ? [] : ['--provision', provision])]);
  const info = await n.wait(`ip2 run: the device daemon starts (intents, policies, simulated sensor, audit log${hub === undefined ? '' : ', MQTT'})`, () => waitEndpoint(dir, daemon));
  const port = info.tcp?.port;
  if (port === undefined) throw new DemoError('BAD_OUTPUT', 'ip2 run announced no TCP port');
  n.say(`intent endpoint 127.0.0.1:${port} and ${join(dir, 'ip2.sock')}`);
  // first boot, unpaired: the daemon enters pairing mode by itself and shows the code and its QR code
  const shown = await daemon.text(/pairing mode for (\d+) s[^\n]*\n\s*pairing code: (\S+)\n[^\n]*\n/, FIRST_BOOT_PAIRING_MS).catch(() => undefined);
  let pairingCode: string;
  if (shown !== undefined) {
    pairingCode = shown[2] ?? '';
    n.say(`unpaired, so the daemon entered pairing mode by itself for ${shown[1] ?? '?'} s:\npairing code ${pairingCode}`);
    const qr = daemon.stdoutText.slice(shown.index + shown[0].length).trimEnd();
    if (n.tty && qr !== '') n.say(qr);
  } else {
    const start = await n.wait('ip2 pair start: pairing mode (physical presence: the 0600 admin socket)', () =>
      ip2Json<{ code: string; expiresInS: number }>(ctx.entry, ['pair', 'start', '--dir', dir, '--json'], ctx.env));
    pairingCode = start.code;
    n.say(`pairing code ${start.code}  (single use, valid ${start.expiresInS} s)`);
  }
  const router = await n.wait('the device\'s router joins the network from the seed bundle', () => ctx.net.join('device', dir, '127.61.0.1'));
  n.say(`device router ${router.address}`);
  ctx.tryLines.push({ what: 'the device\'s identity and its netDb', argv: ['id', '--dir', dir] });
  ctx.tryLines.push({ what: '', argv: ['net', 'peers', '--dir', dir, '--net-id', String(ctx.net.netId)] });
  return { dir, did: init.rec.did, assurance: init.rec.assurance, port, daemon, router, pairingCode };
}

export interface OwnerOutcome {
  readonly ownerDid: string;
  readonly ownerDir: string;
  readonly lookup: { ok: boolean; hops?: number; address?: string };
  readonly receipt: { deviceDid: string; ownerDid: string; controllers: string[] };
  readonly temperature: { value: number; unit: string };
}

export async function ownerPairs(ctx: Ctx, dev: DeviceState): Promise<OwnerOutcome> {
  const { n } = ctx;
  const ownerDir = join(ctx.root, 'owner');
  const owner = await n.wait('the homeowner creates an identity', () =>
    ip2Json<{ did: string }>(ctx.entry, ['init', '--dir', ownerDir, '--json'], ctx.env));
  n.say(`owner   ${owner.did}`);
  const router = await n.wait('the owner\'s router joins the network', () => ctx.net.join('owner', ownerDir, '127.71.0.1'));
  await ctx.net.waitConverged(ctx.net.nodes.length, n, 'the floodfills learn the device and the owner');
  const lookup = await n.wait('the owner looks the device up through the floodfills', async () => router.proc.ask({ cmd: 'lookup', did: dev.did }, 'lookup', 30_000));
  if (lookup['ok'] !== true) throw new DemoError('UNEXPECTED', `lookup of the device failed: ${String(lookup['code'])}`);
  n.say(`found the device's signed RouterInfo: ${String(lookup['address'])}, ${String(lookup['hops'])} hop(s)`);

  const receipt = await n.wait('ip2 pair: the owner pairs with the code', () =>
    ip2Json<{ deviceDid: string; ownerDid: string; controllers: string[] }>(ctx.entry, ['pair', dev.did, '--code', dev.pairingCode, '--connect', String(dev.port), '--dir', ownerDir, '--json'], ctx.env));
  if (receipt.deviceDid !== dev.did || receipt.ownerDid !== owner.did) throw new DemoError('UNEXPECTED', 'the pairing receipt names someone else');
  n.say(`receipt signed by the device ${receipt.deviceDid.slice(0, 24)}…, verified by the owner\ncontrollers: ${receipt.controllers.join(', ')}`);

  const read = await n.wait('ip2 intent read_temperature: a signed intent, checked against the device\'s policies', () =>
    ip2Json<Reply>(ctx.entry, ['intent', 'read_temperature', '--to', dev.did, '--dir', ownerDir, '--json'], ctx.env));
  const t = read.result;
  if (!read.ok || typeof t?.value !== 'number') throw new DemoError('UNEXPECTED', `read_temperature refused: ${String(read.reason)}`);
  n.say(`temperature ${t.value} ${String(t.unit)}  (allowed by ${(read.determining ?? []).join(', ')})`);
  n.coming('the intent travels through 3-hop tunnels and garlic; today it goes to the device\'s loopback endpoint directly');
  ctx.tryLines.push({ what: 'read the temperature as the owner', argv: ['intent', 'read_temperature', '--to', dev.did, '--dir', ownerDir] });
  return {
    ownerDid: owner.did, ownerDir,
    lookup: { ok: true, hops: Number(lookup['hops']), address: String(lookup['address']) },
    receipt, temperature: { value: t.value, unit: String(t.unit) },
  };
}
