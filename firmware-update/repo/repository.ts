/**
 * A static TUF repository directory (TUF §4.1 layout: `metadata/`, `targets/`) that any HTTP
 * server can host. Manufacturer side: init, release (adds a target and its FWD1 deltas, leaves
 * targets.json unsigned), sign a role, rotate the root. Each write is atomic.
 */
import { copyFile, mkdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { CryptoPort } from '../../agent/crypto/index.ts';
import { writeFileAtomic } from '../../agent/fs/atomic.ts';
import { createDelta } from '../delta/index.ts';
import {
  SPEC_VERSION, decodeEnvelope, encodeEnvelope, parseRoot, parseTargets, signEnvelope, toHex,
} from '../trust/index.ts';
import type { DeltaInfo, Envelope, RoleName, Root, TargetFile } from '../trust/index.ts';
import { DEFAULT_EXPIRY_MS, DELTAS_DIR, METADATA_DIR, TARGETS_DIR } from './constants.ts';
import { RepoError } from './errors.ts';
import type { SigningKey } from './keys.ts';

export interface RepoDeps {
  readonly crypto: CryptoPort;
  readonly clock: { now(): number };
}

export function isoExpiry(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const metaPath = (repo: string, name: string): string => join(repo, METADATA_DIR, name);

async function readEnvelope(repo: string, name: string): Promise<Envelope> {
  try {
    return decodeEnvelope(await readFile(metaPath(repo, name)));
  } catch (err) {
    throw new RepoError('REPO_STATE', `${repo} has no readable ${METADATA_DIR}/${name} (run ip2 fw repo init)`, { cause: err });
  }
}

async function writeEnvelope(repo: string, name: string, env: Envelope): Promise<Uint8Array> {
  const bytes = encodeEnvelope(env);
  await writeFileAtomic(metaPath(repo, name), bytes);
  return bytes;
}

function sign(deps: RepoDeps, env: Envelope, keys: readonly SigningKey[], allowed: readonly string[], role: string): Envelope {
  let out = env;
  for (const k of keys) {
    if (!allowed.includes(k.keyid)) throw new RepoError('NOT_AUTHORISED', `key ${k.path ?? k.keyid} is not a ${role} key of this root`);
    out = signEnvelope(deps.crypto, out, k.seed);
  }
  return out;
}

export interface InitOptions {
  readonly keys: Readonly<Record<RoleName, readonly SigningKey[]>>;
  readonly thresholds?: Partial<Record<RoleName, number>>;
}

/** Root v1 over the given keys, then empty targets, snapshot and timestamp, all signed. */
export async function initRepo(deps: RepoDeps, repo: string, opts: InitOptions): Promise<Root> {
  if (await stat(metaPath(repo, 'root.json')).then(() => true, () => false)) throw new RepoError('REPO_STATE', `${repo} already has a root`);
  await mkdir(join(repo, METADATA_DIR), { recursive: true });
  await mkdir(join(repo, TARGETS_DIR, DELTAS_DIR), { recursive: true });
  const keys: Record<string, unknown> = {};
  const roles: Record<string, unknown> = {};
  for (const role of ['root', 'targets', 'snapshot', 'timestamp'] as const) {
    const list = opts.keys[role];
    if (list.length === 0) throw new RepoError('BAD_KEY', `no ${role} key`);
    for (const k of list) keys[k.keyid] = k.publicKey;
    const threshold = opts.thresholds?.[role] ?? 1;
    if (threshold > list.length) throw new RepoError('BAD_KEY', `${role} threshold ${threshold} > ${list.length} keys`);
    roles[role] = { keyids: list.map((k) => k.keyid), threshold };
  }
  const signed = {
    _type: 'root', spec_version: SPEC_VERSION, consistent_snapshot: false, version: 1,
    expires: isoExpiry(deps.clock.now() + DEFAULT_EXPIRY_MS.root), keys, roles,
  };
  const root = parseRoot(signed);
  const env = sign(deps, { signatures: [], signed }, opts.keys.root, root.roles.root.keyids, 'root');
  await writeEnvelope(repo, '1.root.json', env);
  await writeEnvelope(repo, 'root.json', env);
  const targets = { _type: 'targets', spec_version: SPEC_VERSION, version: 1, expires: isoExpiry(deps.clock.now() + DEFAULT_EXPIRY_MS.targets), targets: {} };
  await writeEnvelope(repo, 'targets.json', sign(deps, { signatures: [], signed: targets }, opts.keys.targets, root.roles.targets.keyids, 'targets'));
  await signRole(deps, repo, 'snapshot', opts.keys.snapshot);
  await signRole(deps, repo, 'timestamp', opts.keys.timestamp);
  return root;
}

export async function readRoot(repo: string): Promise<Root> {
  return parseRoot((await readEnvelope(repo, 'root.json')).signed);
}

async function pinOf(deps: RepoDeps, repo: string, name: string): Promise<{ version: number; length: number; hashes: { sha256: string } }> {
  const bytes = await readFile(metaPath(repo, name));
  const version = (decodeEnvelope(bytes).signed as { version?: unknown }).version;
  if (typeof version !== 'number') throw new RepoError('REPO_STATE', `${name} has no version`);
  return { version, length: bytes.length, hashes: { sha256: toHex(deps.crypto.sha256(bytes)) } };
}

async function nextVersion(repo: string, name: string): Promise<number> {
  const old = await readFile(metaPath(repo, name)).then((b) => decodeEnvelope(b), () => undefined);
  const v = (old?.signed as { version?: unknown } | undefined)?.version;
  return typeof v === 'number' ? v + 1 : 1;
}

/**
 * `ip2 fw sign ROLE`: root and targets gain the given keys' signatures over their current
 * content; snapshot and timestamp are rebuilt (new version pinning the current targets or
 * snapshot file by version, length and SHA-256, fresh expiry) and signed.
 */
export async function signRole(deps: RepoDeps, repo: string, role: RoleName, keys: readonly SigningKey[]): Promise<Envelope> {
  const root = await readRoot(repo);
  const allowed = root.roles[role].keyids;
  if (role === 'root' || role === 'targets') {
    const name = role === 'root' ? 'root.json' : 'targets.json';
    const env = sign(deps, await readEnvelope(repo, name), keys, allowed, role);
    if (role === 'root') await writeEnvelope(repo, `${(env.signed as { version: number }).version}.root.json`, env);
    await writeEnvelope(repo, name, env);
    return env;
  }
  const pinned = role === 'snapshot' ? 'targets.json' : 'snapshot.json';
  const signed = {
    _type: role, spec_version: SPEC_VERSION, version: await nextVersion(repo, `${role}.json`),
    expires: isoExpiry(deps.clock.now() + DEFAULT_EXPIRY_MS[role]),
    meta: { [pinned]: await pinOf(deps, repo, pinned) },
  };
  const env = sign(deps, { signatures: [], signed }, keys, allowed, role);
  await writeEnvelope(repo, `${role}.json`, env);
  return env;
}

export interface RotateOptions {
  /** New keys per role (roles not given keep theirs). */
  readonly keys: Partial<Record<RoleName, readonly SigningKey[]>>;
  readonly thresholds?: Partial<Record<RoleName, number>>;
}

/**
 * TUF §6.1 root rotation: writes root v(N+1), unsigned, as root.json and N+1.root.json. It must
 * then be signed (`signRotation`) by a threshold of the old root keys and of the new ones.
 */
export async function rotateRoot(deps: RepoDeps, repo: string, opts: RotateOptions): Promise<{ old: Root; next: Root }> {
  const old = await readRoot(repo);
  const keys: Record<string, unknown> = {};
  const roles: Record<string, unknown> = {};
  for (const role of ['root', 'targets', 'snapshot', 'timestamp'] as const) {
    const given = opts.keys[role];
    const keyids = given === undefined ? old.roles[role].keyids : given.map((k) => k.keyid);
    for (const id of keyids) keys[id] = given?.find((k) => k.keyid === id)?.publicKey ?? old.keys[id];
    roles[role] = { keyids, threshold: opts.thresholds?.[role] ?? old.roles[role].threshold };
  }
  const signed = { ...old, version: old.version + 1, expires: isoExpiry(deps.clock.now() + DEFAULT_EXPIRY_MS.root), keys, roles };
  const next = parseRoot(signed);
  await writeEnvelope(repo, `${next.version}.root.json`, { signatures: [], signed });
  return { old, next };
}

/** Signs root v(N+1) (from `rotateRoot`) with old and new root keys, then publishes it as root.json. */
export async function signRotation(deps: RepoDeps, repo: string, old: Root, next: Root, keys: readonly SigningKey[]): Promise<void> {
  const name = `${next.version}.root.json`;
  const allowed = [...old.roles.root.keyids, ...next.roles.root.keyids];
  const env = sign(deps, await readEnvelope(repo, name), keys, allowed, 'root (old or new)');
  await writeEnvelope(repo, name, env);
  await writeEnvelope(repo, 'root.json', env);
}

export interface ReleaseOptions {
  readonly version: string;
  readonly hardwareIds: readonly string[];
  /** Defaults to one more than the highest counter released so far. */
  readonly releaseCounter?: number;
  /** Earlier images to make FWD1 deltas from. */
  readonly deltaFrom?: readonly string[];
  /** Target path in the repository; default `<basename of image>`. */
  readonly targetPath?: string;
}

async function fileInfo(deps: RepoDeps, path: string): Promise<{ length: number; sha256: string }> {
  const bytes = await readFile(path);
  return { length: bytes.length, sha256: toHex(deps.crypto.sha256(bytes)) };
}

/**
 * `ip2 fw release`: copies IMAGE into targets/, makes a delta from each earlier image, and
 * writes targets.json v+1 with no signatures (sign targets, snapshot, timestamp next).
 */
export async function release(deps: RepoDeps, repo: string, image: string, opts: ReleaseOptions): Promise<{ path: string; target: TargetFile }> {
  const env = await readEnvelope(repo, 'targets.json');
  const current = parseTargets(env.signed);
  const path = opts.targetPath ?? basename(image);
  if (current.targets[path] !== undefined) throw new RepoError('BAD_RELEASE', `target ${path} is already released`);
  const highest = Math.max(0, ...Object.values(current.targets).map((t) => t.custom.releaseCounter));
  const releaseCounter = opts.releaseCounter ?? highest + 1;
  if (releaseCounter <= highest) throw new RepoError('BAD_RELEASE', `releaseCounter ${releaseCounter} must exceed ${highest}`);
  const info = await fileInfo(deps, image);
  await mkdir(join(repo, TARGETS_DIR, DELTAS_DIR), { recursive: true });
  await copyFile(image, join(repo, TARGETS_DIR, path));
  const deltas: DeltaInfo[] = [];
  for (const from of opts.deltaFrom ?? []) {
    const src = await fileInfo(deps, from);
    const deltaPath = `${DELTAS_DIR}/${src.sha256.slice(0, 16)}-${info.sha256.slice(0, 16)}.fwd1`;
    await createDelta(from, image, join(repo, TARGETS_DIR, deltaPath));
    const d = await fileInfo(deps, join(repo, TARGETS_DIR, deltaPath));
    deltas.push({ from: src, algorithm: 'fwd1', path: deltaPath, length: d.length, hashes: { sha256: d.sha256 } });
  }
  const target: TargetFile = {
    length: info.length, hashes: { sha256: info.sha256 },
    custom: { hardwareIds: [...opts.hardwareIds], releaseCounter, version: opts.version, deltas },
  };
  const signed = {
    ...current, version: current.version + 1, expires: isoExpiry(deps.clock.now() + DEFAULT_EXPIRY_MS.targets),
    targets: { ...current.targets, [path]: target },
  };
  parseTargets(signed); // the tooling refuses to publish what a device would refuse
  await writeEnvelope(repo, 'targets.json', { signatures: [], signed });
  return { path, target };
}
