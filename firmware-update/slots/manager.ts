/**
 * The A/B update state machine (DESIGN.md §8): install into the inactive slot, switch on trial,
 * confirm within a health window or roll back by itself. Every transition is first written to
 * `update-state.json` (atomically) and then carried out by an idempotent backend call, so
 * `boot()` after a power cut at any point finishes or undoes the interrupted step and the device
 * always starts a complete, verified slot.
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import type { CounterStore } from '../client/counter.ts';
import { DEFAULT_HEALTH_WINDOW_MS, MAX_FAILED_REMEMBERED, MAX_TRIAL_BOOTS } from './constants.ts';
import { SlotError } from './errors.ts';
import type { Slot, SlotBackend } from './port.ts';
import { otherSlot } from './port.ts';
import { readState, writeState } from './state.ts';
import type { Phase, SlotRecord, UpdateState } from './state.ts';

export interface SlotManagerDeps {
  readonly backend: SlotBackend;
  /** Directory of `update-state.json`. */
  readonly root: string;
  readonly clock: { now(): number };
  readonly counter: CounterStore;
  readonly healthWindowMs?: number;
  readonly maxTrialBoots?: number;
  /** Called after each persisted step; a test throws here to simulate a power cut. */
  readonly step?: (name: string) => void;
  readonly log?: (event: string, fields: Record<string, unknown>) => void;
}

export interface BootResult {
  /** True when the process runs another slot than the one the device should now run. */
  readonly restart: boolean;
  readonly state: UpdateState;
  /** Set when this start rolled a trial back (crash loop, health window, failed trial start). */
  readonly rolledBack?: string;
}

export async function hashImage(path: string, length: number): Promise<string> {
  const h = createHash('sha256');
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(1 << 16);
    for (let pos = 0; pos < length;) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, length - pos), pos);
      if (bytesRead === 0) break;
      h.update(buf.subarray(0, bytesRead));
      pos += bytesRead;
    }
  } finally {
    await fh.close();
  }
  return h.digest('hex');
}

export type SlotManager = ReturnType<typeof createSlotManager>;

/**
 * The factory is longer than ~60 lines because it is a set of small closures over one `deps`
 * (one per transition); each of them is short and reads on its own.
 */
export function createSlotManager(deps: SlotManagerDeps) {
  const { backend, root } = deps;
  const window = deps.healthWindowMs ?? DEFAULT_HEALTH_WINDOW_MS;
  const maxBoots = deps.maxTrialBoots ?? MAX_TRIAL_BOOTS;

  async function load(): Promise<UpdateState> {
    const s = await readState(root);
    if (s === undefined) throw new SlotError('BAD_STATE', `no update state in ${root}: provision the device first`);
    return s;
  }

  async function save(s: UpdateState, step: string): Promise<UpdateState> {
    await writeState(root, s);
    deps.log?.('fw.state', { phase: s.phase, step });
    deps.step?.(step);
    return s;
  }

  function expect(s: UpdateState, phases: readonly Phase[], what: string): void {
    if (!phases.includes(s.phase)) throw new SlotError('WRONG_PHASE', `cannot ${what} in phase ${s.phase}`, { badInput: true });
  }

  const idle = (s: UpdateState, committed: Slot, slots: UpdateState['slots']): UpdateState => ({
    phase: 'idle', committed, slots, boots: 0, failed: s.failed, ...(s.lastFailure === undefined ? {} : { lastFailure: s.lastFailure }),
  });

  /** Factory provisioning: `slot` holds `record` and is what the device runs. */
  async function provision(slot: Slot, record: SlotRecord): Promise<UpdateState> {
    await backend.prepare(slot, record.sha256);
    await backend.setCommitted(slot);
    const slots = { a: null, b: null, [slot]: record } as UpdateState['slots'];
    return save({ phase: 'idle', committed: slot, slots, boots: 0, failed: [] }, 'provisioned');
  }

  /** idle|installing|staged → installing: the inactive slot is no longer valid from here on. */
  async function beginInstall(target: SlotRecord): Promise<{ to: Slot; state: UpdateState }> {
    const s = await load();
    expect(s, ['idle', 'installing', 'staged'], 'install');
    const to = otherSlot(s.committed);
    if (s.phase === 'installing' && s.target?.sha256 === target.sha256) return { to, state: s };
    const slots = { ...s.slots, [to]: null };
    return { to, state: await save({ ...idle(s, s.committed, slots), phase: 'installing', to, target }, 'install-begun') };
  }

  /** installing → staged, once the written image hashes to the target and the slot is prepared. */
  async function finishInstall(): Promise<UpdateState> {
    const s = await load();
    expect(s, ['installing'], 'finish an install');
    const { to, target } = s as Required<UpdateState>;
    const got = await hashImage(backend.imagePath(to), target.length);
    if (got !== target.sha256) throw new SlotError('BAD_ARCHIVE', `slot ${to} image does not hash to ${target.sha256}`, { badInput: true });
    await backend.prepare(to, target.sha256);
    deps.step?.('prepared');
    const slots = { ...s.slots, [to]: target };
    return save({ ...s, phase: 'staged', slots }, 'staged');
  }

  /** staged → switching → trial: the next start runs the new slot once. */
  async function switchToStaged(): Promise<UpdateState> {
    const s = await load();
    expect(s, ['staged', 'switching'], 'switch');
    const sw = s.phase === 'switching' ? s : await save({ ...s, phase: 'switching' }, 'switching');
    return enterTrial(sw);
  }

  async function enterTrial(s: UpdateState): Promise<UpdateState> {
    await backend.startTrial(s.to!);
    deps.step?.('trial-started');
    return save({ ...s, phase: 'trial', boots: 0, trialStartedAt: deps.clock.now() }, 'trial');
  }

  async function finishCommit(s: UpdateState): Promise<UpdateState> {
    const to = s.to!;
    await deps.counter.raise(s.target!.releaseCounter);
    deps.step?.('counter-raised');
    await backend.setCommitted(to);
    deps.step?.('committed-set');
    return save(idle(s, to, s.slots), 'committed');
  }

  async function finishRollback(s: UpdateState): Promise<UpdateState> {
    await backend.setCommitted(s.committed);
    deps.step?.('rollback-set');
    const failed = [...s.failed.filter((h) => h !== s.target?.sha256), ...(s.target ? [s.target.sha256] : [])].slice(-MAX_FAILED_REMEMBERED);
    return save({ ...idle(s, s.committed, s.slots), failed }, 'rolled-back');
  }

  /** trial → committing → idle: the new slot becomes the committed one; the counter goes up. */
  async function confirm(): Promise<UpdateState> {
    const s = await load();
    expect(s, ['trial', 'committing'], 'confirm');
    if (s.phase === 'trial' && (await backend.running()) !== s.to) {
      throw new SlotError('WRONG_PHASE', `confirm must run from the trial slot ${s.to}`, { badInput: true });
    }
    return finishCommit(s.phase === 'committing' ? s : await save({ ...s, phase: 'committing' }, 'committing'));
  }

  /** Back to the committed slot, recording why; from any phase before the commit. */
  async function rollback(reason: string): Promise<BootResult> {
    const s = await load();
    expect(s, ['trial', 'switching', 'staged', 'installing', 'rolling-back'], 'roll back');
    const before = await backend.running().catch(() => undefined);
    const lastFailure = { version: s.target?.version ?? '?', sha256: s.target?.sha256 ?? '', reason, at: deps.clock.now() };
    const rb = s.phase === 'rolling-back' ? s : await save({ ...s, phase: 'rolling-back', lastFailure }, 'rolling-back');
    deps.log?.('fw.rollback', { reason, version: lastFailure.version });
    const state = await finishRollback(rb);
    return { restart: before !== state.committed, state, rolledBack: reason };
  }

  /** Run at every start, before anything else: finishes or undoes what a power cut interrupted. */
  async function boot(): Promise<BootResult> {
    const s = await load();
    const running = await backend.running();
    switch (s.phase) {
      case 'switching':
        return { restart: true, state: await enterTrial(s) };
      case 'committing': {
        const state = await finishCommit(s);
        return { restart: running !== state.committed, state };
      }
      case 'rolling-back':
        return rollback(s.lastFailure?.reason ?? 'interrupted rollback');
      case 'trial':
        return bootTrial(s, running);
      default:
        if (running !== s.committed || !(await isCommittedComplete(s))) {
          await backend.setCommitted(s.committed);
          return { restart: running !== s.committed, state: s };
        }
        return { restart: false, state: s };
    }
  }

  async function isCommittedComplete(s: UpdateState): Promise<boolean> {
    const rec = s.slots[s.committed];
    return rec !== null && backend.isComplete(s.committed, rec.sha256);
  }

  async function bootTrial(s: UpdateState, running: Slot): Promise<BootResult> {
    if (running !== s.to) return rollback('the trial slot did not start');
    const boots = s.boots + 1;
    if (boots > maxBoots) return rollback(`crash loop: ${boots - 1} starts without a confirm`);
    if (deps.clock.now() > (s.trialStartedAt ?? 0) + window) return rollback('health window expired');
    return { restart: false, state: await save({ ...s, boots }, 'trial-boot') };
  }

  /** Rolls back a trial whose health window has passed (call it from a timer). */
  async function checkDeadline(): Promise<BootResult | undefined> {
    const s = await load();
    if (s.phase !== 'trial' || deps.clock.now() <= (s.trialStartedAt ?? 0) + window) return undefined;
    return rollback('health window expired');
  }

  return { load, provision, beginInstall, finishInstall, switchToStaged, confirm, rollback, boot, checkDeadline };
}
