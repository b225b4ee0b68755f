/**
 * The device-side update client: refresh the TUF metadata (trust/refresh.ts), pick the newest
 * target for this hardware, download the delta that matches the running slot's image (or the
 * full image), apply it into the inactive slot with the FWD1 engine, verify the whole slot and
 * switch. Nothing reaches the inactive slot before the bytes it is made from are verified.
 */
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { CryptoPort } from '../../agent/crypto/index.ts';
import { applyDelta } from '../delta/index.ts';
import { TrustError, refresh } from '../trust/index.ts';
import type { DeltaInfo, TargetFile, TrustedMetadata, TrustedStore } from '../trust/index.ts';
import { hashImage } from '../slots/manager.ts';
import type { SlotManager } from '../slots/manager.ts';
import type { SlotBackend } from '../slots/port.ts';
import type { SlotRecord } from '../slots/state.ts';
import { DOWNLOAD_DIR } from './constants.ts';
import type { CounterStore } from './counter.ts';
import { UpdateError } from './errors.ts';
import type { RepositorySource } from './source.ts';

export interface UpdaterDeps {
  readonly crypto: CryptoPort;
  readonly clock: { now(): number };
  readonly source: RepositorySource;
  readonly store: TrustedStore;
  readonly counter: CounterStore;
  readonly slots: SlotManager;
  readonly backend: SlotBackend;
  /** This board's hardware id (Uptane ECU hardware identifier), e.g. `rpi-zero2w`. */
  readonly hardwareId: string;
  /** Where partial downloads are kept; on the same filesystem as the slot images. */
  readonly workDir: string;
  readonly buildTime?: number;
  /**
   * The `firmware.apply` intent decision (local policies; shipped defaults allow controllers
   * only). Called before anything is downloaded; a refusal stops the update with
   * `REFUSED_BY_POLICY` and its reason. Absent: allowed (the CLI run by root on the device).
   */
  readonly authorize?: (req: FirmwareApplyRequest) => Promise<{ readonly allowed: boolean; readonly reason?: string }>;
  readonly log?: (event: string, fields: Record<string, unknown>) => void;
}

/** What the policy engine is asked to decide for `firmware.apply`. */
export interface FirmwareApplyRequest {
  readonly action: 'firmware.apply';
  readonly path: string;
  readonly version: string;
  readonly releaseCounter: number;
  readonly fromVersion: string | undefined;
  readonly downloadBytes: number;
}

export interface Plan {
  readonly path: string;
  readonly target: TargetFile;
  /** The delta to apply, or undefined for the full image. */
  readonly delta?: DeltaInfo;
  readonly downloadBytes: number;
}

export type CheckResult =
  | { readonly status: 'up-to-date'; readonly current: SlotRecord | null; readonly metadata: TrustedMetadata }
  | { readonly status: 'available'; readonly plan: Plan; readonly current: SlotRecord | null; readonly metadata: TrustedMetadata };

export interface UpdateOptions {
  /** Install this target path instead of the newest one. */
  readonly targetPath?: string;
  readonly onProgress?: (phase: 'download' | 'apply', done: number, total: number) => void;
  readonly bytesPerSecond?: number;
  /** Download the full image even when a delta would fit. */
  readonly full?: boolean;
}

/** Uptane §5.4.4.4 and the release counter: may this device install `target`? */
export function admissible(target: TargetFile, path: string, hardwareId: string, highWater: number): void {
  if (!target.custom.hardwareIds.includes(hardwareId)) {
    throw new TrustError('WRONG_HARDWARE', `${path} is for ${target.custom.hardwareIds.join(', ')}, not ${hardwareId}`);
  }
  if (target.custom.releaseCounter < highWater) {
    throw new TrustError('RELEASE_ROLLBACK', `${path} has releaseCounter ${target.custom.releaseCounter} < committed ${highWater}`);
  }
}

/**
 * Puts a verified full image into the slot: a rename for the directory backend (same file
 * system), a copy into the partition for tryboot (a rename would replace the block device node).
 */
async function placeImage(backend: SlotBackend, staged: string, out: string): Promise<void> {
  if (backend.kind === 'dir') {
    await rename(staged, out);
    return;
  }
  const src = await open(staged, 'r');
  const dst = await open(out, 'r+').catch(() => open(out, 'w'));
  try {
    const buf = Buffer.alloc(1 << 16);
    for (let pos = 0; ;) {
      const { bytesRead } = await src.read(buf, 0, buf.length, pos);
      if (bytesRead === 0) break;
      await dst.write(buf, 0, bytesRead, pos);
      pos += bytesRead;
    }
    await dst.sync();
  } finally {
    await src.close();
    await dst.close();
  }
  await rm(staged, { force: true });
}

async function verified(path: string, length: number, sha256: string): Promise<boolean> {
  const size = await stat(path).then((st) => st.size, () => -1);
  return size === length && (await hashImage(path, length)) === sha256;
}

/** A factory of three closures (check, install, update) over `deps`; each is under ~60 lines. */
export function createUpdater(deps: UpdaterDeps) {
  function choose(meta: TrustedMetadata, failed: readonly string[], targetPath?: string): [string, TargetFile] | undefined {
    if (targetPath !== undefined) {
      const t = meta.targets.targets[targetPath];
      if (t === undefined) throw new TrustError('UNKNOWN_TARGET', `${targetPath} is not in the trusted targets metadata`);
      return [targetPath, t];
    }
    const mine = Object.entries(meta.targets.targets)
      .filter(([, t]) => t.custom.hardwareIds.includes(deps.hardwareId) && !failed.includes(t.hashes.sha256))
      .sort(([, x], [, y]) => y.custom.releaseCounter - x.custom.releaseCounter);
    return mine[0];
  }

  async function check(targetPath?: string, full = false): Promise<CheckResult> {
    const metadata = await refresh(deps);
    const state = await deps.slots.load();
    const current = state.slots[state.committed];
    const highWater = Math.max(await deps.counter.read(), current?.releaseCounter ?? 0);
    const best = choose(metadata, state.failed, targetPath);
    if (best === undefined) return { status: 'up-to-date', current, metadata };
    const [path, target] = best;
    admissible(target, path, deps.hardwareId, highWater);
    if (target.hashes.sha256 === current?.sha256 || (targetPath === undefined && target.custom.releaseCounter <= highWater)) {
      return { status: 'up-to-date', current, metadata };
    }
    const delta = full ? undefined : target.custom.deltas.find((d) => current !== null && d.from.sha256 === current.sha256 && d.from.length === current.length);
    const plan = { path, target, ...(delta === undefined ? {} : { delta }), downloadBytes: delta?.length ?? target.length };
    return { status: 'available', plan, current, metadata };
  }

  /** Downloads and installs `plan` into the inactive slot; leaves the manager in `staged`. */
  async function install(plan: Plan, opts: UpdateOptions = {}): Promise<SlotRecord> {
    const { target } = plan;
    const record: SlotRecord = { path: plan.path, sha256: target.hashes.sha256, length: target.length, version: target.custom.version, releaseCounter: target.custom.releaseCounter };
    const state = await deps.slots.load();
    const from = state.committed;
    const { to } = await deps.slots.beginInstall(record);
    const dl = join(deps.workDir, DOWNLOAD_DIR);
    await mkdir(dl, { recursive: true });
    const spec = (length: number, sha256: string) => ({
      length, sha256, onProgress: (d: number, t: number) => opts.onProgress?.('download', d, t),
      ...(opts.bytesPerSecond === undefined ? {} : { bytesPerSecond: opts.bytesPerSecond }),
    });
    const out = deps.backend.imagePath(to);
    if (await verified(out, target.length, target.hashes.sha256)) {
      // a power cut hit after the image was complete: nothing to fetch or apply again
    } else if (plan.delta !== undefined) {
      const patch = join(dl, `${plan.delta.hashes.sha256}.fwd1`);
      if (!(await verified(patch, plan.delta.length, plan.delta.hashes.sha256))) {
        const r = await deps.source.fetchTarget(plan.delta.path, patch, spec(plan.delta.length, plan.delta.hashes.sha256));
        deps.log?.('fw.download', { path: plan.delta.path, resumedFrom: r.resumedFrom, fetched: r.fetched });
      }
      await applyDelta({
        oldPath: deps.backend.imagePath(from), patch, outPath: out, journalPath: join(dl, `${to}.journal`), resume: true,
        onProgress: (p) => opts.onProgress?.('apply', p.targetDone, p.targetLength),
      });
      await rm(patch, { force: true });
      await rm(join(dl, `${to}.journal`), { force: true });
    } else {
      const staged = join(dl, `${target.hashes.sha256}.image`);
      const r = await deps.source.fetchTarget(plan.path, staged, spec(target.length, target.hashes.sha256));
      deps.log?.('fw.download', { path: plan.path, resumedFrom: r.resumedFrom, fetched: r.fetched });
      await placeImage(deps.backend, staged, out);
    }
    await deps.slots.finishInstall();
    return record;
  }

  /** check → install → switch. Resolves with what was done; the caller restarts the agent. */
  async function update(opts: UpdateOptions = {}): Promise<{ status: 'up-to-date' | 'switched'; record?: SlotRecord }> {
    const s = await deps.slots.load();
    if (s.phase === 'trial' || s.phase === 'switching' || s.phase === 'committing' || s.phase === 'rolling-back') {
      throw new UpdateError('WRONG_PHASE', `an update is already in phase ${s.phase}: confirm or roll back first`);
    }
    const c = await check(opts.targetPath, opts.full);
    if (c.status === 'up-to-date') return { status: 'up-to-date' };
    const decision = await deps.authorize?.({
      action: 'firmware.apply', path: c.plan.path, version: c.plan.target.custom.version,
      releaseCounter: c.plan.target.custom.releaseCounter, fromVersion: c.current?.version, downloadBytes: c.plan.downloadBytes,
    });
    if (decision !== undefined && !decision.allowed) {
      throw new UpdateError('REFUSED_BY_POLICY', `firmware.apply ${c.plan.target.custom.version} refused: ${decision.reason ?? 'by policy'}`);
    }
    const staged = s.phase === 'staged' && s.target?.sha256 === c.plan.target.hashes.sha256;
    const record = staged ? s.target : await install(c.plan, opts);
    await deps.slots.switchToStaged();
    return { status: 'switched', record };
  }

  return { check, install, update };
}

export type Updater = ReturnType<typeof createUpdater>;
