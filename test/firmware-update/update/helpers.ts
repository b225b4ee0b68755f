/** Shared fixtures for the update tests: slot images (ustar), a manufacturer repo, a device. */
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNodeCrypto } from '../../../agent/crypto/index.ts';
import type { CryptoPort } from '../../../agent/crypto/index.ts';
import { createUpdater, fileCounterStore, fileTrustedStore } from '../../../firmware-update/client/index.ts';
import type { RepositorySource } from '../../../firmware-update/client/index.ts';
import { generateRoleKeys, initRepo, readRoleKeys, release, signRole } from '../../../firmware-update/repo/index.ts';
import type { SigningKey } from '../../../firmware-update/repo/index.ts';
import { createSlotManager, dirSlotBackend } from '../../../firmware-update/slots/index.ts';
import type { SlotManagerDeps } from '../../../firmware-update/slots/index.ts';
import type { RoleName } from '../../../firmware-update/trust/index.ts';

export const crypto: CryptoPort = createNodeCrypto();
export const HW = 'rpi-zero2w';
export const T0 = Date.parse('2026-11-22T05:00:00Z');

export class FakeClock {
  constructor(public ms = T0) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

export async function withTmp<T>(f: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'ip2-fwu-'));
  try {
    return await f(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A slot bundle (bin/ip2, lib/ip2.js, node/bin/node, systemd/, manifest.json) as a ustar image. */
export async function makeSlotImage(dir: string, version: string, extra = ''): Promise<string> {
  const tree = join(dir, `tree-${version}`);
  await mkdir(join(tree, 'bin'), { recursive: true });
  await mkdir(join(tree, 'lib', 'node_modules', 'dep'), { recursive: true });
  await mkdir(join(tree, 'node', 'bin'), { recursive: true });
  await mkdir(join(tree, 'systemd'), { recursive: true });
  await writeFile(join(tree, 'bin', 'ip2'), '#!/bin/sh\nexec "$(dirname "$0")/../node/bin/node" "$(dirname "$0")/../lib/ip2.js" "$@"\n', { mode: 0o755 });
  const body = Array.from({ length: 3000 }, (_, i) => `export const line${i} = ${i * 7};`).join('\n');
  await writeFile(join(tree, 'lib', 'ip2.js'), `// ip2 ${version}\n${body}\n${extra}\nexport const VERSION = '${version}';\n`);
  await writeFile(join(tree, 'lib', 'node_modules', 'dep', 'index.js'), 'module.exports = 1;\n');
  await writeFile(join(tree, 'node', 'bin', 'node'), Buffer.alloc(40_000, 7), { mode: 0o755 });
  await writeFile(join(tree, 'systemd', 'ip2.service'), '[Service]\nExecStart=/opt/ip2-agent/current/bin/ip2 run\n');
  await writeFile(join(tree, 'manifest.json'), JSON.stringify({ version }));
  const image = join(dir, `ip2-${version}.tar`);
  execFileSync('tar', ['--format=ustar', '--sort=name', '--mtime=@0', '--owner=0', '--group=0', '--numeric-owner', '-C', tree, '-cf', image, '.']);
  return image;
}

export interface Manufacturer {
  readonly repo: string;
  readonly keysDir: string;
  readonly keys: Record<RoleName, SigningKey[]>;
  readonly clock: FakeClock;
  publish(image: string, version: string, opts?: { deltaFrom?: string[]; hardwareIds?: string[]; releaseCounter?: number }): Promise<void>;
  /** Re-signs snapshot and timestamp (e.g. for a new timestamp). */
  refreshOnline(): Promise<void>;
}

export async function makeManufacturer(dir: string, clock = new FakeClock()): Promise<Manufacturer> {
  const keysDir = join(dir, 'keys');
  const repo = join(dir, 'repo');
  await generateRoleKeys(crypto, keysDir, { root: 3, targets: 1, snapshot: 1, timestamp: 1 });
  const keys = await readRoleKeys(crypto, keysDir);
  const deps = { crypto, clock };
  await initRepo(deps, repo, { keys, thresholds: { root: 2 } });
  const refreshOnline = async (): Promise<void> => {
    await signRole(deps, repo, 'snapshot', keys.snapshot);
    await signRole(deps, repo, 'timestamp', keys.timestamp);
  };
  return {
    repo, keysDir, keys, clock, refreshOnline,
    async publish(image, version, opts = {}) {
      await release(deps, repo, image, { version, hardwareIds: opts.hardwareIds ?? [HW], ...(opts.deltaFrom ? { deltaFrom: opts.deltaFrom } : {}), ...(opts.releaseCounter === undefined ? {} : { releaseCounter: opts.releaseCounter }) });
      await signRole(deps, repo, 'targets', keys.targets);
      await refreshOnline();
    },
  };
}

export interface Device {
  readonly root: string;
  readonly state: string;
  readonly clock: FakeClock;
  manager(extra?: Partial<SlotManagerDeps>): ReturnType<typeof createSlotManager>;
  updater(source: RepositorySource, extra?: Partial<SlotManagerDeps>): ReturnType<typeof createUpdater>;
}

/** A device on `image` (release counter `counter`) that trusts the repo's root v1. */
export async function makeDevice(dir: string, repo: string, image: string, version: string, counter: number, clock = new FakeClock()): Promise<Device> {
  const root = join(dir, 'device');
  const state = join(root, 'state');
  await mkdir(join(root, 'slots'), { recursive: true });
  await mkdir(state, { recursive: true });
  await fileTrustedStore(state).save('root', new Uint8Array(await readFile(join(repo, 'metadata', '1.root.json'))));
  const backend = dirSlotBackend(root);
  await copyFile(image, backend.imagePath('a'));
  const bytes = await readFile(image);
  const sha256 = Buffer.from(crypto.sha256(bytes)).toString('hex');
  const counterStore = fileCounterStore(state);
  const manager = (extra: Partial<SlotManagerDeps> = {}) => createSlotManager({ backend, root, clock, counter: counterStore, ...extra });
  await manager().provision('a', { path: `ip2-${version}.tar`, sha256, length: bytes.length, version, releaseCounter: counter });
  await counterStore.raise(counter);
  return {
    root, state, clock, manager,
    updater: (source, extra = {}) => createUpdater({
      crypto, clock, source, store: fileTrustedStore(state), counter: counterStore, slots: manager(extra), backend, hardwareId: HW, workDir: state,
    }),
  };
}

export async function runningVersion(root: string): Promise<string> {
  return (JSON.parse(await readFile(join(root, 'current', 'manifest.json'), 'utf8')) as { version: string }).version;
}
