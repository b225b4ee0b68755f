/**
 * The walk-through behind `npm start` and `ip2 demo`: a local IP2 network of real processes,
 * the device's first boot, pairing, a delegate granted and revoked, and a summary of `ip2` lines
 * that work against the running network. With `once` it stops everything and returns; otherwise
 * it runs until SIGINT/SIGTERM. Every outcome it prints comes from a process it started; the
 * same outcomes are written to `<root>/demo-report.json` for tests.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DemoError } from './errors.ts';
import { delegateJourney, type DelegateOutcome } from './delegate.ts';
import { firmwareJourney, startManufacturer, type FirmwareOutcome } from './firmware.ts';
import { ip2Json, shellLine } from './ip2.ts';
import { deviceFirstBoot, ownerPairs, type Ctx, type OwnerOutcome } from './journeys.ts';
import { type Out, Narrator } from './narrate.ts';
import { mqttJourney, startHub, type MqttOutcome } from './mqtt.ts';
import { launchNetwork } from './network.ts';
import { startConsole } from './console.ts';
import { type Ip2Entry, Supervisor } from './procs.ts';

export const REPORT_FILE = 'demo-report.json';

export interface DemoOptions {
  readonly entry: Ip2Entry;
  readonly once: boolean;
  readonly out: Out;
  readonly env: NodeJS.ProcessEnv;
  /** Keep the state here (kept at exit); default a temporary folder removed at exit. */
  readonly root?: string;
}

export interface DemoReport {
  netId?: number;
  floodfills?: { name: string; knownRouters: number }[];
  routers?: { name: string; did: string; address: string; floodfill: boolean }[];
  device?: { did: string; assurance: string; port: number; pairingCode: string };
  owner?: OwnerOutcome;
  delegate?: DelegateOutcome;
  firmware?: FirmwareOutcome;
  mqtt?: MqttOutcome;
  completed: boolean;
  error?: { code: string; message: string };
}

function stopSignal(): { promise: Promise<string>; dispose(): void } {
  let done: (s: string) => void = () => undefined;
  const promise = new Promise<string>((resolve) => {
    done = resolve;
  });
  const onInt = (): void => done('SIGINT');
  const onTerm = (): void => done('SIGTERM');
  process.once('SIGINT', onInt);
  process.once('SIGTERM', onTerm);
  return { promise, dispose: () => {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  } };
}

export async function runDemo(opts: DemoOptions): Promise<number> {
  const root = opts.root ?? (await mkdtemp(join(tmpdir(), 'ip2-demo-')));
  await mkdir(root, { recursive: true });
  const n = new Narrator(opts.out);
  const sup = new Supervisor(opts.entry, { ...opts.env, IP2_HOME: join(root, 'unused-home') });
  const report: DemoReport = { completed: false };
  const signal = stopSignal();
  const t0 = Date.now();
  let status = 0;
  let closeConsole = (): Promise<void> => Promise.resolve();
  let closeHub = (): Promise<void> => Promise.resolve();
  n.say(`state of this run: ${root}`);
  const manufacturer = startManufacturer(opts.entry, sup.env, root);
  try {
    const walk = async (): Promise<Ctx> => {
      n.step('A local IP2 network on this machine: floodfills and routers join; the homeowner\'s MQTT broker');
      const net = await launchNetwork(sup, root, n);
      report.netId = net.netId;
      const ctx: Ctx = { entry: opts.entry, env: sup.env, root, n, sup, net, tryLines: [] };

      const hub = await startHub(ctx);
      closeHub = hub === undefined ? closeHub : () => hub.close();

      n.step('The device\'s first boot: identity, daemon, router, pairing code');
      const dev = await deviceFirstBoot(ctx, hub);
      report.device = { did: dev.did, assurance: dev.assurance, port: dev.port, pairingCode: dev.pairingCode };

      n.step('The homeowner pairs with the code and reads the temperature');
      report.owner = await ownerPairs(ctx, dev);

      n.step('The homeowner\'s MQTT hub gets the reading, with Home Assistant discovery');
      const mq = await mqttJourney(ctx, hub);
      if (mq !== undefined) report.mqtt = mq;

      n.step('A delegate reads for an hour, until the owner revokes the grant');
      report.delegate = await delegateJourney(ctx, dev, report.owner);

      n.step('Firmware: a signed release with a delta, update, confirm; a broken release rolled back');
      report.firmware = await firmwareJourney(ctx, dev, manufacturer);

      report.floodfills = await net.floodfillViews();
      report.routers = net.nodes.map((x) => ({ name: x.name, did: x.did, address: x.address, floodfill: x.floodfill }));
      const status0 = await ip2Json<{ knownRouters: number }>(opts.entry, ['net', 'status', '--dir', join(root, 'floodfill-1'), '--net-id', String(net.netId), '--json'], sup.env);
      n.step('Summary');
      n.say(`${net.nodes.length} routers on loopback, network ${net.netId}; floodfill-1's saved netDb holds ${status0.knownRouters} RouterInfos`);
      n.say(`device ${dev.did}\nowner  ${report.owner.ownerDid}\npaired, read ${report.owner.temperature.value} ${report.owner.temperature.unit}, delegate refused after revocation (${report.delegate.refusal.reason}), audit log intact`);
      n.say(`firmware: updated to ${report.firmware.updatedTo} with a ${report.firmware.deltaBytes}-byte delta (image ${report.firmware.imageBytes} bytes); 1.2.0 rolled back (${report.firmware.rolledBack})`);
      n.say(`walk-through took ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      return ctx;
    };
    const walking = walk();
    walking.catch(() => undefined); // after Ctrl-C its failure is expected and not reported
    const ctx = await Promise.race([walking, signal.promise.then((s) => Promise.reject(new DemoError('STOPPED', `stopped by ${s}`)))]);
    report.completed = true;
    if (!opts.once) {
      const cons = await startConsole({ net: ctx.net, deviceDir: join(root, 'device'), deviceDid: report.device?.did ?? '', summary: () => report });
      closeConsole = () => cons.close();
      n.say(`\nThe demo's console (live routers, the device's audit log, firmware slots): ${cons.url}`);
      n.coming('a console served by each agent, with pairing QR, readings chart and tunnels');
      n.say('\nThe network keeps running. In another terminal, from this folder, try:');
      for (const l of ctx.tryLines) {
        if (l.what !== '') n.say(`\n# ${l.what}`);
        n.say(`  ${shellLine(opts.entry, l.argv)}`);
      }
      n.say('\nWhere next: ip2 --help (every command), README.md "Put it on a Pi" (a real board),\nPROTOCOL.md (every format on the wire), SECURITY.md (what the device trusts).');
      n.say('\nCtrl-C stops every process of this run.');
      await signal.promise;
      n.say('\nstopping…');
    } else {
      n.say('\n--once: stopping every process of this run.');
    }
  } catch (err) {
    const e = err as { code?: string; message?: string };
    report.error = { code: e.code ?? 'ERROR', message: e.message ?? String(err) };
    if (e.code === 'STOPPED') n.say(`\n${report.error.message}: stopping…`);
    else {
      n.refused(`the walk-through stopped: ${report.error.message}`);
      status = 1;
    }
  } finally {
    n.close();
    signal.dispose();
    await closeConsole();
    await closeHub();
    await manufacturer; // its ip2 processes are bounded; never leave one behind
    await sup.stopAll();
    await writeFile(join(root, REPORT_FILE), `${JSON.stringify(report, null, 2)}\n`);
    if (opts.root === undefined) await rm(root, { recursive: true, force: true });
    n.final(`✓ all ${sup.procs.length} processes stopped`);
  }
  return status;
}
