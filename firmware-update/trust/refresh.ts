/**
 * The TUF client workflow, §5 "Detailed client workflow", for the four top-level roles:
 * §5.3 root (chained rotation), §5.4 timestamp, §5.5 snapshot, §5.6 targets. Each file is
 * bounded in length before it is read, its signatures are checked over the canonical bytes of
 * `signed` before it is parsed, and it is persisted atomically only once it has passed.
 *
 * Time: boards have no RTC, so "now" is max(clock, last reference time that verified, build
 * time) (DESIGN.md §8) — a clock that went back to 1970 cannot make expired metadata valid.
 */
import type { CryptoPort } from '../../agent/crypto/index.ts';
import { MAX_ROOT_BYTES, MAX_ROOT_ROTATIONS, MAX_SNAPSHOT_BYTES, MAX_TARGETS_BYTES, MAX_TIMESTAMP_BYTES } from './constants.ts';
import { decodeEnvelope, toHex, verifyRole } from './envelope.ts';
import type { Envelope } from './envelope.ts';
import { TrustError } from './errors.ts';
import { parseRoot, parseSnapshot, parseTargets, parseTimestamp } from './metadata.ts';
import type { MetaFile, Root, Snapshot, Targets, Timestamp } from './metadata.ts';

/** Where metadata comes from (an HTTP repository or a directory). */
export interface MetadataSource {
  /**
   * The bytes of `metadata/<name>`, at most `maxLength` of them: a longer file is refused with
   * an error (never truncated). Resolves `undefined` when the file does not exist.
   */
  fetchMetadata(name: string, maxLength: number): Promise<Uint8Array | undefined>;
}

/** The device's trusted copies, kept atomically on disk (see client/state.ts). */
export interface TrustedStore {
  load(role: 'root' | 'timestamp' | 'snapshot' | 'targets'): Promise<Uint8Array | undefined>;
  save(role: 'root' | 'timestamp' | 'snapshot' | 'targets', bytes: Uint8Array): Promise<void>;
  remove(role: 'timestamp' | 'snapshot'): Promise<void>;
  /** The highest reference time (ms since the epoch) at which a refresh succeeded. */
  loadVerifiedAt(): Promise<number>;
  saveVerifiedAt(ms: number): Promise<void>;
}

export interface RefreshDeps {
  readonly crypto: CryptoPort;
  readonly clock: { now(): number };
  readonly source: MetadataSource;
  readonly store: TrustedStore;
  /** Build time of the running agent (ms); a lower bound of "now". */
  readonly buildTime?: number;
}

export interface TrustedMetadata {
  readonly root: Root;
  readonly timestamp: Timestamp;
  readonly snapshot: Snapshot;
  readonly targets: Targets;
  /** The reference time expiry was judged against. */
  readonly now: number;
}

function checkExpiry(role: { expires: string; _type: string; version: number }, now: number): void {
  if (Date.parse(role.expires) <= now) {
    throw new TrustError('EXPIRED', `${role._type} v${role.version} expired at ${role.expires} (reference time ${new Date(now).toISOString()})`);
  }
}

async function fetchRequired(src: MetadataSource, name: string, max: number): Promise<Uint8Array> {
  const bytes = await src.fetchMetadata(name, max);
  if (bytes === undefined) throw new TrustError('MISSING_METADATA', `repository has no ${name}`, { badInput: false });
  return bytes;
}

/** §5.5.2/§5.6.2: length and hashes from the pinning metadata, before anything is parsed. */
function checkPinned(deps: RefreshDeps, bytes: Uint8Array, pin: MetaFile, name: string): void {
  if (pin.length !== undefined && bytes.length !== pin.length) throw new TrustError('HASH_MISMATCH', `${name}: length ${bytes.length}, expected ${pin.length}`);
  const want = pin.hashes?.['sha256'];
  if (want !== undefined && toHex(deps.crypto.sha256(bytes)) !== want) throw new TrustError('HASH_MISMATCH', `${name}: SHA-256 differs from the pinned hash`);
}

/** Trusted copy of a role, re-verified against the trusted root; undefined if absent or stale. */
async function loadTrusted<T>(deps: RefreshDeps, root: Root, role: 'timestamp' | 'snapshot' | 'targets', parse: (s: unknown) => T): Promise<T | undefined> {
  const bytes = await deps.store.load(role);
  if (bytes === undefined) return undefined;
  try {
    const env = decodeEnvelope(bytes);
    verifyRole(deps.crypto, env, root.roles[role], root.keys, role);
    return parse(env.signed);
  } catch {
    return undefined; // keys rotated or the copy is damaged: treat as never seen (§5.3.11)
  }
}

export async function loadTrustedRoot(deps: Pick<RefreshDeps, 'crypto' | 'store'>): Promise<Root> {
  const bytes = await deps.store.load('root');
  if (bytes === undefined) throw new TrustError('MISSING_METADATA', 'no trusted root on this device: provision one first', { badInput: false });
  const env = decodeEnvelope(bytes);
  const root = parseRoot(env.signed);
  verifyRole(deps.crypto, env, root.roles.root, root.keys, 'trusted root');
  return root;
}

/** §5.3: walk root N+1, N+2, … each signed by a threshold of the old AND the new root. */
async function updateRoot(deps: RefreshDeps, trusted: Root): Promise<{ root: Root; rotated: boolean }> {
  let root = trusted;
  for (let i = 0; i < MAX_ROOT_ROTATIONS; i++) {
    const next = root.version + 1;
    const bytes = await deps.source.fetchMetadata(`${next}.root.json`, MAX_ROOT_BYTES);
    if (bytes === undefined) break;
    const env = decodeEnvelope(bytes);
    verifyRole(deps.crypto, env, root.roles.root, root.keys, `root v${next} (by root v${root.version})`); // §5.3.4
    const candidate = parseRoot(env.signed);
    verifyRole(deps.crypto, env, candidate.roles.root, candidate.keys, `root v${next} (by itself)`); // §5.3.4
    if (candidate.version !== next) throw new TrustError('ROLLBACK', `${next}.root.json says version ${candidate.version}`); // §5.3.5
    await deps.store.save('root', bytes); // §5.3.8
    root = candidate;
  }
  return { root, rotated: root.version !== trusted.version };
}

function sameKeys(a: Root, b: Root, role: 'timestamp' | 'snapshot'): boolean {
  return JSON.stringify([...a.roles[role].keyids].sort()) === JSON.stringify([...b.roles[role].keyids].sort());
}

/** §5.4 timestamp. */
async function updateTimestamp(deps: RefreshDeps, root: Root, now: number): Promise<Timestamp> {
  const bytes = await fetchRequired(deps.source, 'timestamp.json', MAX_TIMESTAMP_BYTES);
  const env = decodeEnvelope(bytes);
  verifyRole(deps.crypto, env, root.roles.timestamp, root.keys, 'timestamp');
  const ts = parseTimestamp(env.signed);
  const old = await loadTrusted(deps, root, 'timestamp', parseTimestamp);
  if (old !== undefined) {
    if (ts.version < old.version) throw new TrustError('ROLLBACK', `timestamp v${ts.version} is older than trusted v${old.version}`);
    if (ts.meta['snapshot.json'].version < old.meta['snapshot.json'].version) {
      throw new TrustError('ROLLBACK', `timestamp pins snapshot v${ts.meta['snapshot.json'].version}, trusted v${old.meta['snapshot.json'].version}`);
    }
  }
  checkExpiry(ts, now);
  await deps.store.save('timestamp', bytes);
  return ts;
}

async function fetchPinned(deps: RefreshDeps, root: Root, name: 'snapshot' | 'targets', pin: MetaFile, max: number): Promise<{ env: Envelope; bytes: Uint8Array }> {
  const file = root.consistent_snapshot ? `${pin.version}.${name}.json` : `${name}.json`;
  const bytes = await fetchRequired(deps.source, file, pin.length ?? max);
  checkPinned(deps, bytes, pin, file);
  const env = decodeEnvelope(bytes);
  verifyRole(deps.crypto, env, root.roles[name], root.keys, name);
  return { env, bytes };
}

/** §5.5 snapshot. */
async function updateSnapshot(deps: RefreshDeps, root: Root, ts: Timestamp, now: number): Promise<Snapshot> {
  const pin = ts.meta['snapshot.json'];
  const { env, bytes } = await fetchPinned(deps, root, 'snapshot', pin, MAX_SNAPSHOT_BYTES);
  const snap = parseSnapshot(env.signed);
  if (snap.version !== pin.version) throw new TrustError('VERSION_MISMATCH', `snapshot v${snap.version}, timestamp pins v${pin.version}`);
  const old = await loadTrusted(deps, root, 'snapshot', parseSnapshot);
  for (const [file, m] of Object.entries(old?.meta ?? {})) {
    const now2 = snap.meta[file];
    if (now2 === undefined || now2.version < m.version) throw new TrustError('ROLLBACK', `snapshot drops or lowers ${file} (trusted v${m.version})`);
  }
  checkExpiry(snap, now);
  await deps.store.save('snapshot', bytes);
  return snap;
}

/** §5.6 targets (top-level only). */
async function updateTargets(deps: RefreshDeps, root: Root, snap: Snapshot, now: number): Promise<Targets> {
  const pin = snap.meta['targets.json']!;
  const { env, bytes } = await fetchPinned(deps, root, 'targets', pin, MAX_TARGETS_BYTES);
  const targets = parseTargets(env.signed);
  if (targets.version !== pin.version) throw new TrustError('VERSION_MISMATCH', `targets v${targets.version}, snapshot pins v${pin.version}`);
  checkExpiry(targets, now);
  await deps.store.save('targets', bytes);
  return targets;
}

/** The whole §5 refresh. Throws a `TrustError` naming the first check that failed. */
export async function refresh(deps: RefreshDeps): Promise<TrustedMetadata> {
  const verifiedAt = await deps.store.loadVerifiedAt();
  const now = Math.max(deps.clock.now(), verifiedAt, deps.buildTime ?? 0); // §5.1, DESIGN §8
  const trusted = await loadTrustedRoot(deps);
  const { root, rotated } = await updateRoot(deps, trusted);
  checkExpiry(root, now); // §5.3.10
  if (rotated) {
    // §5.3.11: new timestamp or snapshot keys make the old copies unverifiable (fast-forward recovery)
    if (!sameKeys(trusted, root, 'timestamp')) await deps.store.remove('timestamp');
    if (!sameKeys(trusted, root, 'snapshot')) await deps.store.remove('snapshot');
  }
  const timestamp = await updateTimestamp(deps, root, now);
  const snapshot = await updateSnapshot(deps, root, timestamp, now);
  const targets = await updateTargets(deps, root, snapshot, now);
  if (now > verifiedAt) await deps.store.saveVerifiedAt(now);
  return { root, timestamp, snapshot, targets, now };
}
