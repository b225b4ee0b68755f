/**
 * A slot backend: where the two A/B images live and how the device is told which one to start.
 * The state machine in manager.ts drives it; every method is idempotent, so that recovery after
 * a power cut can simply run the interrupted step again.
 */
export type Slot = 'a' | 'b';

export const otherSlot = (s: Slot): Slot => (s === 'a' ? 'b' : 'a');

export interface SlotBackend {
  readonly kind: 'dir' | 'tryboot';
  /** The file that holds the slot's image bytes (written by the installer, read as a delta source). */
  imagePath(slot: Slot): string;
  /**
   * Turns the written, hash-verified image into a startable slot (the directory backend unpacks
   * it; the tryboot backend has nothing to do). Called again after a power cut.
   */
  prepare(slot: Slot, sha256: string): Promise<void>;
  /** True when the slot is complete: what `prepare` made is all there, for image `sha256`. */
  isComplete(slot: Slot, sha256: string): Promise<boolean>;
  /** The next start runs `slot` once, on trial (dir: the `current` link; tryboot: the one-shot flag). */
  startTrial(slot: Slot): Promise<void>;
  /** Every normal start runs `slot` (dir: the `current` link; tryboot: autoboot.txt `[all]`). */
  setCommitted(slot: Slot): Promise<void>;
  /** The slot the running system was started from. */
  running(): Promise<Slot>;
  /**
   * Makes the device start what `startTrial`/`setCommitted` named: the directory backend has
   * nothing to do (the agent exits and systemd starts `current` again); tryboot reboots, with
   * the one-shot flag when `trial`. Called by the composition root after the state is saved.
   */
  restart(trial: boolean): Promise<void>;
}
