/**
 * The composition root of the device daemon (`ip2 run`): it wires the identity, the intent
 * state, the policies, the simulated sensor, the audit log and the endpoint sockets together.
 * It wires; it does not decide (the verifier, the policies and the endpoint do).
 *
 * Sockets in the state directory: `ip2.sock` (intents and pairing, for anyone who can reach it),
 * `admin.sock` (mode 0600: pairing mode, i.e. physical presence), and optionally a loopback TCP
 * port. `endpoint.json` names them so that other `ip2` commands find the daemon.
 */
import { existsSync } from 'node:fs';
import { chmod, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDriver, type DriverSpec } from '../drivers/config/index.ts';
import type { Clock as DriverClock, Driver } from '../drivers/port.ts';
import { serialPortOpener } from '../drivers/serial/serialport.ts';
import { createSimulatedDriver } from '../drivers/simulated/index.ts';
import { compile, loadPolicyDir } from '../policies/index.ts';
import { AUDIT_FILE, openAuditLog } from './audit/index.ts';
import { defaultCrypto } from './crypto/index.ts';
import type { CryptoPort } from './crypto/port.ts';
import { writeFileAtomic } from './fs/atomic.ts';
import { hardwareBackends } from './identity/hardware.ts';
import { openIdentity } from './identity/store.ts';
import {
  type Address, type ClockStateName, type EndpointInfo, type FrameServer, type IntentClock, ENDPOINT_FILE, INTENT_LIMITS,
  createActions, createChallenges, createClockState, createEndpoint, createIntentVerifier, createPairing, createReplayCache,
  listenFrames, openIntentState, systemIntentClock,
} from './intent/index.ts';
import type { Log } from './overlay/log.ts';
import { encodeCbor } from './cbor/index.ts';
import { Outbox, createMqttLink, systemDiagnostics, type MqttLink } from './mqtt/index.ts';
import { AGENT_VERSION } from './version.ts';

export interface AgentOptions {
  readonly dir: string;
  /** Loopback TCP port for intents (0: any free port), or none. */
  readonly tcpPort?: number;
  readonly clockState?: ClockStateName;
  /** A policy directory; default `<dir>/policies`, else the shipped policies/defaults. */
  readonly policyDir?: string;
  readonly log: Log;
  readonly crypto?: CryptoPort;
  readonly clock?: IntentClock;
  readonly sensorSeed?: number;
  /** Configured drivers (drivers.json or the provisioning file); none: one simulated sensor. */
  readonly drivers?: readonly DriverSpec[];
  /** fsync every audit batch (default true). */
  readonly syncAudit?: boolean;
  /** Where a `tpm` or `sealed` identity's TPM answers (default /dev/tpmrm0, or as recorded). */
  readonly tpmAddress?: string;
  /** The homeowner's broker (from the provisioning file): discovery, states, intents over MQTT 5. */
  readonly mqtt?: AgentMqttOptions;
}

export interface AgentMqttOptions {
  readonly url: string;
  /** 5 (default) or 4 for MQTT 3.1.1 brokers (aedes, the demo's): no intents over MQTT then. */
  readonly protocolVersion?: 4 | 5;
  readonly username?: string;
  readonly password?: string;
  readonly deviceName?: string;
  /** Overrides every driver's poll interval (default: each driver's pollIntervalMs). */
  readonly intervalMs?: number;
}

export interface RunningAgent {
  readonly did: string;
  readonly info: EndpointInfo;
  close(): Promise<void>;
}

export function defaultPolicyDir(dir: string): string {
  const own = join(dir, 'policies');
  if (existsSync(own)) return own;
  return fileURLToPath(new URL('../policies/defaults', import.meta.url));
}

export async function startAgent(opts: AgentOptions): Promise<RunningAgent> {
  const crypto = opts.crypto ?? defaultCrypto();
  const clock = opts.clock ?? systemIntentClock;
  const backends = hardwareBackends({ crypto, ...(opts.tpmAddress === undefined ? {} : { tpmAddress: opts.tpmAddress }) });
  const { store, record } = await openIdentity(opts.dir, { crypto, backends });
  const assurance = record.assurance;
  const state = await openIntentState(opts.dir);
  const policies = compile(await loadPolicyDir(opts.policyDir ?? defaultPolicyDir(opts.dir)));
  const clockState = createClockState({ clock, state: opts.clockState ?? 'trusted', floorS: state.floorS });
  const challenges = createChallenges({ crypto, clock });
  const verifier = createIntentVerifier({
    crypto, deviceDid: store.did, clock: clockState, challenges, policies: () => policies,
    controllers: () => state.controllers.list(), revocations: state.revocations,
    replay: createReplayCache({ maxEntries: INTENT_LIMITS.REPLAY_MAX_ENTRIES }), bootS: Math.floor(clock.now() / 1000),
  });
  const driverClock = { now: () => clock.now(), setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms), clearTimeout: (h: unknown) => clearTimeout(h as NodeJS.Timeout) };
  const polled = await openDrivers(opts.drivers ?? [], driverClock, opts.sensorSeed ?? 1);
  const sensors = polled.map((p) => p.driver);
  const audit = await openAuditLog({ path: join(opts.dir, AUDIT_FILE), crypto, signer: store, clock, sync: opts.syncAudit ?? true });
  const pairing = createPairing({
    crypto, clock, device: store, controllers: state.controllers,
    trustedNowS: () => (clockState.state === 'trusted' ? clockState.nowS() : null),
  });
  const endpoint = createEndpoint({
    deviceDid: store.did, crypto, clock: clockState, verifier, challenges, pairing, audit, log: opts.log,
    act: createActions({ sensors, controllers: state.controllers, revocations: state.revocations }),
    controllers: () => state.controllers.list(), saveFloor: (s) => state.saveFloor(s),
    factoryReset: () => state.controllers.replace([]),
  });

  const socket = join(opts.dir, 'ip2.sock');
  const admin = join(opts.dir, 'admin.sock');
  await rm(socket, { force: true });
  await rm(admin, { force: true });
  const servers: FrameServer[] = [await listenFrames(endpoint, { path: socket }, { admin: false })];
  servers.push(await listenFrames(endpoint, { path: admin }, { admin: true }));
  await chmod(admin, 0o600);
  let tcp: Address | undefined;
  if (opts.tcpPort !== undefined) {
    const s = await listenFrames(endpoint, { host: '127.0.0.1', port: opts.tcpPort }, { admin: false });
    servers.push(s);
    tcp = s.address;
  }
  const mqtt = opts.mqtt === undefined ? undefined : await startMqtt(opts, opts.mqtt, { did: store.did, assurance, polled, endpoint });

  const info: EndpointInfo = {
    did: store.did, socket, admin, pid: process.pid,
    ...(tcp !== undefined && 'port' in tcp ? { tcp: { host: tcp.host, port: tcp.port } } : {}),
  };
  await writeFileAtomic(join(opts.dir, ENDPOINT_FILE), `${JSON.stringify(info, null, 2)}\n`, 0o600);
  opts.log.log('info', 'agent.ready', { did: store.did, socket, tcp: info.tcp?.port ?? null, clockState: clockState.state });

  return {
    did: store.did,
    info,
    async close() {
      await mqtt?.stop();
      for (const s of servers) await s.close();
      await audit.close();
      await state.saveFloor(clockState.floorS());
      for (const d of sensors) await d.close();
      await store.close();
      await rm(join(opts.dir, ENDPOINT_FILE), { force: true });
      await rm(socket, { force: true });
      await rm(admin, { force: true });
      opts.log.log('info', 'agent.stopped', { did: store.did });
    },
  };
}

/**
 * The MQTT side: every driver's readings with Home Assistant discovery, through the
 * durable outbox, and signed intents arriving on the command topic handed to the same endpoint
 * as the sockets' (so they meet the same checks, policies and audit).
 */
async function startMqtt(
  opts: AgentOptions,
  m: AgentMqttOptions,
  parts: { did: string; assurance: string; polled: readonly { driver: Driver; intervalMs: number }[]; endpoint: ReturnType<typeof createEndpoint> },
): Promise<{ stop(): Promise<void> }> {
  const clock = { now: () => Date.now(), setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms), clearTimeout: (h: unknown) => clearTimeout(h as NodeJS.Timeout) };
  const nodeId = `ip2_${parts.did.slice(-12)}`;
  const outbox = await Outbox.open({ dir: join(opts.dir, 'mqtt-outbox'), clock, log: opts.log });
  const link: MqttLink = createMqttLink({
    url: m.url,
    clientId: nodeId,
    nodeId,
    ...(m.username === undefined ? {} : { auth: { username: m.username, ...(m.password === undefined ? {} : { password: m.password }) } }),
    device: { identifier: parts.did.slice('did:key:'.length), name: m.deviceName ?? `ip2 ${nodeId}`, manufacturer: 'ip2', model: 'ip2-agent', swVersion: AGENT_VERSION },
    drivers: parts.polled.map((p) => ({ driver: p.driver, intervalMs: m.intervalMs ?? p.intervalMs })),
    outbox,
    clock,
    log: opts.log,
    diagnostics: systemDiagnostics({ version: AGENT_VERSION, assurance: parts.assurance, clock, startedAt: Date.now() }),
    ...(m.protocolVersion === 4
      ? { protocolVersion: 4 as const }
      : { intents: (envelope: Uint8Array) => parts.endpoint.handle(encodeCbor({ op: 'intent', env: envelope }), { admin: false }) }),
  });
  link.start();
  return {
    async stop() {
      await link.stop();
      await outbox.close();
    },
  };
}

/** The configured drivers, opened; with none configured, one simulated sensor (named so). */
async function openDrivers(specs: readonly DriverSpec[], clock: DriverClock, seed: number): Promise<{ driver: Driver; intervalMs: number }[]> {
  if (specs.length === 0) return [{ driver: createSimulatedDriver({ id: 'sim0', seed, clock }), intervalMs: 30_000 }];
  const opened: { driver: Driver; intervalMs: number }[] = [];
  try {
    for (const spec of specs) {
      opened.push({ driver: await createDriver(spec, { clock, openLink: serialPortOpener() }), intervalMs: spec.pollIntervalMs ?? 30_000 });
    }
  } catch (err) {
    for (const p of opened) await p.driver.close();
    throw err;
  }
  return opened;
}
