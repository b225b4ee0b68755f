/**
 * Wiring of one device's update parts under an install root (default `/opt/ip2-agent`):
 * `<root>/slots/`, `<root>/current`, `<root>/update-state.json` and `<root>/state/` (trusted
 * metadata, release counter, downloads, `config.json` with the repository and hardware id).
 * Used by the CLI and the agent's start-up; it wires, it does not decide.
 */
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CryptoPort } from '../../agent/crypto/index.ts';
import { writeFileAtomic } from '../../agent/fs/atomic.ts';
import { createSlotManager, dirSlotBackend, hashImage } from '../slots/index.ts';
import type { SlotBackend, SlotManager, UpdateState } from '../slots/index.ts';
import { decodeEnvelope, parseRoot, verifyRole } from '../trust/index.ts';
import { fileCounterStore } from './counter.ts';
import type { CounterStore } from './counter.ts';
import { UpdateError } from './errors.ts';
import { dirSource, httpSource } from './source.ts';
import type { RepositorySource } from './source.ts';
import { fileTrustedStore } from './store.ts';
import { createUpdater } from './updater.ts';
import type { Updater } from './updater.ts';

export interface DeviceConfig {
  /** `http(s)://…/` base URL or a local directory holding metadata/ and targets/. */
  readonly repository: string;
  readonly hardwareId: string;
}

export interface DeviceDeps {
  readonly crypto: CryptoPort;
  readonly clock: { now(): number };
  readonly fetch?: typeof fetch;
  readonly buildTime?: number;
  /** Release-counter store; default the file `<root>/state/release-counter.json`. */
  readonly counter?: CounterStore;
  readonly log?: (event: string, fields: Record<string, unknown>) => void;
}

export interface DeviceParts {
  readonly config: DeviceConfig;
  readonly backend: SlotBackend;
  readonly slots: SlotManager;
  readonly counter: CounterStore;
  readonly source: RepositorySource;
  readonly updater: Updater;
}

export const stateDir = (root: string): string => join(root, 'state');

export function sourceFor(repository: string, fetchFn: typeof fetch = fetch): RepositorySource {
  return /^https?:\/\//.test(repository) ? httpSource(repository, fetchFn) : dirSource(repository);
}

export async function readDeviceConfig(root: string): Promise<DeviceConfig> {
  const text = await readFile(join(stateDir(root), 'config.json'), 'utf8').catch(() => undefined);
  const v = text === undefined ? undefined : (JSON.parse(text) as Partial<DeviceConfig>);
  if (typeof v?.repository !== 'string' || typeof v.hardwareId !== 'string') {
    throw new UpdateError('WRONG_PHASE', `${root} is not provisioned for updates (run ip2 fw provision)`);
  }
  return { repository: v.repository, hardwareId: v.hardwareId };
}

export async function openDevice(root: string, deps: DeviceDeps, override: Partial<DeviceConfig> = {}): Promise<DeviceParts> {
  const config = { ...(await readDeviceConfig(root)), ...override };
  const backend = dirSlotBackend(root);
  const counter = deps.counter ?? fileCounterStore(stateDir(root));
  const slots = createSlotManager({ backend, root, clock: deps.clock, counter, ...(deps.log ? { log: deps.log } : {}) });
  const source = sourceFor(config.repository, deps.fetch);
  const updater = createUpdater({
    crypto: deps.crypto, clock: deps.clock, source, store: fileTrustedStore(stateDir(root)), counter, slots, backend,
    hardwareId: config.hardwareId, workDir: stateDir(root), ...(deps.buildTime === undefined ? {} : { buildTime: deps.buildTime }),
    ...(deps.log ? { log: deps.log } : {}),
  });
  return { config, backend, slots, counter, source, updater };
}

export interface ProvisionOptions extends DeviceConfig {
  /** The manufacturer's root.json (TUF §5.2: the client ships with a trusted root). */
  readonly trustedRoot: string;
  /** The image of the slot the device runs first, and its version and release counter. */
  readonly image: string;
  readonly version: string;
  readonly releaseCounter: number;
}

/** Factory provisioning: trusted root, config, slot `a` from `image`, committed. */
export async function provisionDevice(root: string, deps: DeviceDeps, opts: ProvisionOptions): Promise<UpdateState> {
  const rootBytes = new Uint8Array(await readFile(opts.trustedRoot));
  const env = decodeEnvelope(rootBytes);
  const trusted = parseRoot(env.signed);
  verifyRole(deps.crypto, env, trusted.roles.root, trusted.keys, 'trusted root'); // refuse a root that does not sign itself
  await mkdir(join(root, 'slots'), { recursive: true });
  await mkdir(stateDir(root), { recursive: true });
  await fileTrustedStore(stateDir(root)).save('root', rootBytes);
  await writeFileAtomic(join(stateDir(root), 'config.json'), `${JSON.stringify({ repository: opts.repository, hardwareId: opts.hardwareId })}\n`);
  const backend = dirSlotBackend(root);
  await copyFile(opts.image, backend.imagePath('a'));
  const length = (await readFile(opts.image)).length;
  const sha256 = await hashImage(backend.imagePath('a'), length);
  const counter = deps.counter ?? fileCounterStore(stateDir(root));
  await counter.raise(opts.releaseCounter);
  const slots = createSlotManager({ backend, root, clock: deps.clock, counter });
  return slots.provision('a', { path: opts.image.split('/').pop() ?? 'image', sha256, length, version: opts.version, releaseCounter: opts.releaseCounter });
}
