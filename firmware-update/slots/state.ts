/** The persisted update state (`update-state.json`) and its total parser. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../agent/fs/atomic.ts';
import { STATE_FILE } from './constants.ts';
import { SlotError } from './errors.ts';
import type { Slot } from './port.ts';

/** What is (or is being) written in a slot: the target it came from. */
export interface SlotRecord {
  readonly path: string;
  readonly sha256: string;
  readonly length: number;
  readonly version: string;
  readonly releaseCounter: number;
}

/**
 * idle → installing → staged → switching → trial → committing → idle, or
 * trial/switching/staged → rolling-back → idle. Each arrow is one atomic write of this file.
 */
export type Phase = 'idle' | 'installing' | 'staged' | 'switching' | 'trial' | 'committing' | 'rolling-back';

export interface UpdateState {
  readonly phase: Phase;
  /** The slot every normal start runs. */
  readonly committed: Slot;
  readonly slots: { readonly a: SlotRecord | null; readonly b: SlotRecord | null };
  /** The slot being installed or tried, and what goes into it. */
  readonly to?: Slot;
  readonly target?: SlotRecord;
  /** Starts of the trial slot so far, and when the trial began (injected clock, ms). */
  readonly boots: number;
  readonly trialStartedAt?: number;
  /** SHA-256 of targets that failed their trial; not offered again. */
  readonly failed: readonly string[];
  readonly lastFailure?: { readonly version: string; readonly sha256: string; readonly reason: string; readonly at: number };
}

const PHASES: readonly Phase[] = ['idle', 'installing', 'staged', 'switching', 'trial', 'committing', 'rolling-back'];

function isSlot(v: unknown): v is Slot {
  return v === 'a' || v === 'b';
}

function isRecord(v: unknown): v is SlotRecord {
  const o = v as Record<string, unknown> | null;
  return typeof o === 'object' && o !== null && typeof o['path'] === 'string' && typeof o['sha256'] === 'string' &&
    /^[0-9a-f]{64}$/.test(o['sha256']) && Number.isSafeInteger(o['length']) && typeof o['version'] === 'string' &&
    Number.isSafeInteger(o['releaseCounter']);
}

export function parseState(text: string): UpdateState {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new SlotError('BAD_STATE', 'update state is not JSON', { cause: err });
  }
  const o = v as Record<string, unknown>;
  const slots = o['slots'] as Record<string, unknown> | undefined;
  const ok = typeof o === 'object' && o !== null && PHASES.includes(o['phase'] as Phase) && isSlot(o['committed']) &&
    typeof slots === 'object' && slots !== null && (slots['a'] === null || isRecord(slots['a'])) &&
    (slots['b'] === null || isRecord(slots['b'])) && (o['to'] === undefined || isSlot(o['to'])) &&
    (o['target'] === undefined || isRecord(o['target'])) && Number.isSafeInteger(o['boots']) && Array.isArray(o['failed']);
  if (!ok) throw new SlotError('BAD_STATE', 'update state does not have the expected shape');
  return v as UpdateState;
}

export async function readState(root: string): Promise<UpdateState | undefined> {
  const text = await readFile(join(root, STATE_FILE), 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  return text === undefined ? undefined : parseState(text);
}

export async function writeState(root: string, state: UpdateState): Promise<void> {
  await writeFileAtomic(join(root, STATE_FILE), `${JSON.stringify(state, null, 1)}\n`);
}
