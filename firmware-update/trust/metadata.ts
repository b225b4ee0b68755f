/**
 * TUF 1.0 metadata shapes (§4.2–§4.6) and total parsers for them. Each `parse*` takes the
 * already signature-checked `signed` value and returns a typed object or throws
 * `TrustError('MALFORMED_METADATA')`; nothing here trusts its input.
 */
import {
  DELTA_ALGORITHM_FWD1, EXPIRES_PATTERN, HASH_ALGORITHM, KEYTYPE_ED25519, MAX_DELTAS_PER_TARGET,
  MAX_HARDWARE_IDS, MAX_TARGETS, SCHEME_ED25519,
} from './constants.ts';
import { TrustError } from './errors.ts';

export type RoleName = 'root' | 'timestamp' | 'snapshot' | 'targets';

/** TUF §4.2 KEY: an Ed25519 public key, hex encoded. */
export interface PublicKey {
  readonly keytype: 'ed25519';
  readonly scheme: 'ed25519';
  readonly keyval: { readonly public: string };
}

export interface RoleKeys {
  readonly keyids: readonly string[];
  readonly threshold: number;
}

interface Common {
  readonly spec_version: string;
  readonly version: number;
  readonly expires: string;
}

/** TUF §4.3 root.json. */
export interface Root extends Common {
  readonly _type: 'root';
  readonly consistent_snapshot: boolean;
  readonly keys: Readonly<Record<string, PublicKey>>;
  readonly roles: Readonly<Record<RoleName, RoleKeys>>;
}

/** TUF §4.4 METAFILES entry. */
export interface MetaFile {
  readonly version: number;
  readonly length?: number;
  readonly hashes?: Readonly<Record<string, string>>;
}

/** TUF §4.6 timestamp.json. */
export interface Timestamp extends Common {
  readonly _type: 'timestamp';
  readonly meta: { readonly 'snapshot.json': MetaFile };
}

/** TUF §4.4 snapshot.json. */
export interface Snapshot extends Common {
  readonly _type: 'snapshot';
  readonly meta: Readonly<Record<string, MetaFile>>;
}

/** One delta a device may apply instead of downloading the whole image (our custom field). */
export interface DeltaInfo {
  /** The image the patch applies to. */
  readonly from: { readonly length: number; readonly sha256: string };
  readonly algorithm: 'fwd1';
  /** Path of the patch, relative to the repository's targets directory. */
  readonly path: string;
  readonly length: number;
  readonly hashes: { readonly sha256: string };
}

/** Uptane-style custom target fields (Uptane §5.2.3.1.1 hardware id, release counter). */
export interface TargetCustom {
  readonly hardwareIds: readonly string[];
  readonly releaseCounter: number;
  readonly version: string;
  readonly deltas: readonly DeltaInfo[];
}

/** TUF §4.5 TARGETS entry with our custom fields. */
export interface TargetFile {
  readonly length: number;
  readonly hashes: { readonly sha256: string };
  readonly custom: TargetCustom;
}

/** TUF §4.5 targets.json (top-level, no delegations). */
export interface Targets extends Common {
  readonly _type: 'targets';
  readonly targets: Readonly<Record<string, TargetFile>>;
}

export type Metadata = Root | Timestamp | Snapshot | Targets;

function bad(what: string): never {
  throw new TrustError('MALFORMED_METADATA', `metadata: ${what}`);
}

function obj(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) bad(`${what} is not an object`);
  return v as Record<string, unknown>;
}

function str(v: unknown, what: string, max = 1024): string {
  if (typeof v !== 'string' || v.length > max) bad(`${what} is not a string of at most ${max} characters`);
  return v;
}

function uint(v: unknown, what: string, min = 0): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) bad(`${what} is not an integer ≥ ${min}`);
  return v;
}

const HEX64 = /^[0-9a-f]{64}$/;

function hex64(v: unknown, what: string): string {
  const s = str(v, what, 64);
  if (!HEX64.test(s)) bad(`${what} is not 64 lowercase hex digits`);
  return s;
}

/** A repository path: no absolute paths, no `..`, no backslashes (TUF §4.5 TARGETPATH). */
export function safeTargetPath(v: unknown, what: string): string {
  const s = str(v, what, 256);
  if (s === '' || s.startsWith('/') || s.includes('\\') || s.split('/').some((p) => p === '' || p === '.' || p === '..')) {
    bad(`${what} is not a safe relative path`);
  }
  return s;
}

function common(o: Record<string, unknown>, type: string): Common {
  if (o['_type'] !== type) throw new TrustError('WRONG_ROLE', `metadata: expected _type ${type}, got ${String(o['_type'])}`);
  const expires = str(o['expires'], 'expires', 32);
  if (!EXPIRES_PATTERN.test(expires) || Number.isNaN(Date.parse(expires))) bad('expires is not YYYY-MM-DDTHH:MM:SSZ');
  return { spec_version: str(o['spec_version'], 'spec_version', 32), version: uint(o['version'], 'version', 1), expires };
}

function hashes(v: unknown, what: string, required: boolean): Record<string, string> | undefined {
  if (v === undefined && !required) return undefined;
  const o = obj(v, what);
  return { [HASH_ALGORITHM]: hex64(o[HASH_ALGORITHM], `${what}.sha256`) };
}

function parseKey(v: unknown, what: string): PublicKey {
  const o = obj(v, what);
  if (o['keytype'] !== KEYTYPE_ED25519 || o['scheme'] !== SCHEME_ED25519) bad(`${what} is not an ed25519 key`);
  return { keytype: 'ed25519', scheme: 'ed25519', keyval: { public: hex64(obj(o['keyval'], `${what}.keyval`)['public'], `${what}.public`) } };
}

export function parseRoot(signed: unknown): Root {
  const o = obj(signed, 'root');
  const c = common(o, 'root');
  const keysIn = obj(o['keys'], 'keys');
  const keys: Record<string, PublicKey> = {};
  for (const [id, k] of Object.entries(keysIn)) keys[hex64(id, 'keyid')] = parseKey(k, `keys.${id}`);
  const rolesIn = obj(o['roles'], 'roles');
  const roles = {} as Record<RoleName, RoleKeys>;
  for (const name of ['root', 'timestamp', 'snapshot', 'targets'] as const) {
    const r = obj(rolesIn[name], `roles.${name}`);
    if (!Array.isArray(r['keyids']) || r['keyids'].length > 64) bad(`roles.${name}.keyids`);
    const keyids = (r['keyids'] as unknown[]).map((k) => hex64(k, `roles.${name}.keyids[]`));
    roles[name] = { keyids, threshold: uint(r['threshold'], `roles.${name}.threshold`, 1) };
  }
  if (typeof o['consistent_snapshot'] !== 'boolean') bad('consistent_snapshot is not a boolean');
  return { ...c, _type: 'root', consistent_snapshot: o['consistent_snapshot'], keys, roles };
}

function parseMetaFile(v: unknown, what: string): MetaFile {
  const o = obj(v, what);
  const length = o['length'] === undefined ? undefined : uint(o['length'], `${what}.length`);
  const h = hashes(o['hashes'], `${what}.hashes`, false);
  return { version: uint(o['version'], `${what}.version`, 1), ...(length === undefined ? {} : { length }), ...(h === undefined ? {} : { hashes: h }) };
}

export function parseTimestamp(signed: unknown): Timestamp {
  const o = obj(signed, 'timestamp');
  const c = common(o, 'timestamp');
  const meta = obj(o['meta'], 'meta');
  return { ...c, _type: 'timestamp', meta: { 'snapshot.json': parseMetaFile(meta['snapshot.json'], 'meta.snapshot.json') } };
}

export function parseSnapshot(signed: unknown): Snapshot {
  const o = obj(signed, 'snapshot');
  const c = common(o, 'snapshot');
  const metaIn = obj(o['meta'], 'meta');
  const meta: Record<string, MetaFile> = {};
  for (const [name, m] of Object.entries(metaIn)) meta[str(name, 'meta name', 256)] = parseMetaFile(m, `meta.${name}`);
  if (meta['targets.json'] === undefined) bad('snapshot does not list targets.json');
  return { ...c, _type: 'snapshot', meta };
}

function parseDelta(v: unknown, what: string): DeltaInfo {
  const o = obj(v, what);
  const from = obj(o['from'], `${what}.from`);
  if (o['algorithm'] !== DELTA_ALGORITHM_FWD1) bad(`${what}.algorithm is not ${DELTA_ALGORITHM_FWD1}`);
  return {
    from: { length: uint(from['length'], `${what}.from.length`), sha256: hex64(from['sha256'], `${what}.from.sha256`) },
    algorithm: 'fwd1',
    path: safeTargetPath(o['path'], `${what}.path`),
    length: uint(o['length'], `${what}.length`),
    hashes: { sha256: hashes(o['hashes'], `${what}.hashes`, true)![HASH_ALGORITHM]! },
  };
}

function parseCustom(v: unknown, what: string): TargetCustom {
  const o = obj(v, what);
  const hw = o['hardwareIds'];
  if (!Array.isArray(hw) || hw.length === 0 || hw.length > MAX_HARDWARE_IDS) bad(`${what}.hardwareIds`);
  const deltas = o['deltas'] ?? [];
  if (!Array.isArray(deltas) || deltas.length > MAX_DELTAS_PER_TARGET) bad(`${what}.deltas`);
  return {
    hardwareIds: (hw as unknown[]).map((h) => str(h, `${what}.hardwareIds[]`, 128)),
    releaseCounter: uint(o['releaseCounter'], `${what}.releaseCounter`),
    version: str(o['version'], `${what}.version`, 64),
    deltas: (deltas as unknown[]).map((d, i) => parseDelta(d, `${what}.deltas[${i}]`)),
  };
}

export function parseTargets(signed: unknown): Targets {
  const o = obj(signed, 'targets');
  const c = common(o, 'targets');
  const tIn = obj(o['targets'], 'targets');
  const entries = Object.entries(tIn);
  if (entries.length > MAX_TARGETS) bad('too many targets');
  const targets: Record<string, TargetFile> = {};
  for (const [path, t] of entries) {
    const to = obj(t, `targets.${path}`);
    targets[safeTargetPath(path, 'target path')] = {
      length: uint(to['length'], `targets.${path}.length`),
      hashes: { sha256: hashes(to['hashes'], `targets.${path}.hashes`, true)![HASH_ALGORITHM]! },
      custom: parseCustom(to['custom'], `targets.${path}.custom`),
    };
  }
  if (o['delegations'] !== undefined) bad('delegations are not supported');
  return { ...c, _type: 'targets', targets };
}
