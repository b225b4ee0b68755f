/**
 * The release-counter high-water mark (Uptane "release counter"): the highest releaseCounter
 * the device has committed. A port so that a TPM NV counter can back it where one is fitted.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../agent/fs/atomic.ts';
import { COUNTER_FILE } from './constants.ts';

export interface CounterStore {
  /** The high-water mark; 0 before any commit. */
  read(): Promise<number>;
  /** Raises the mark to `value`; a lower or equal value is a no-op (never goes down). Idempotent. */
  raise(value: number): Promise<void>;
}

/** File backend: `<dir>/release-counter.json`, replaced atomically. */
export function fileCounterStore(dir: string): CounterStore {
  const path = join(dir, COUNTER_FILE);
  const read = async (): Promise<number> => {
    const text = await readFile(path, 'utf8').catch(() => undefined);
    if (text === undefined) return 0;
    const v = (JSON.parse(text) as { releaseCounter?: unknown }).releaseCounter;
    return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : 0;
  };
  return {
    read,
    async raise(value) {
      if (value <= (await read())) return;
      await writeFileAtomic(path, `${JSON.stringify({ releaseCounter: value })}\n`);
    },
  };
}

/** The shape of a monotonic hardware counter (agent/identity/tpm `NvCounter`), structurally. */
export interface MonotonicCounter {
  read(): Promise<bigint>;
  increment(): Promise<bigint>;
}

/**
 * Keeps the mark in the file and, in addition, a monotonic hardware counter; `read` returns the
 * higher of the two, so wiping the data partition cannot lower it. Not wired by default: see
 * PROTOCOL.md "## Firmware update metadata and slots".
 */
export function mirroredCounterStore(file: CounterStore, hw: MonotonicCounter, maxSteps = 10_000): CounterStore {
  return {
    async read() {
      return Math.max(await file.read(), Number(await hw.read()));
    },
    async raise(value) {
      let cur = Number(await hw.read());
      if (value - cur > maxSteps) throw new RangeError(`release counter jump ${value - cur} exceeds ${maxSteps}`);
      while (cur < value) cur = Number(await hw.increment());
      await file.raise(value);
    },
  };
}
