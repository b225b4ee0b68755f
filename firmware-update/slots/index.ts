/**
 * A/B slots (DESIGN.md §8): the persisted install → switch → trial → commit/rollback state
 * machine over a backend: the agent's own slot directories, or Raspberry Pi tryboot.
 */
export * from './constants.ts';
export { dirSlotBackend } from './dir-backend.ts';
export { SlotError, isSlotError } from './errors.ts';
export type { SlotErrorCode } from './errors.ts';
export { createSlotManager, hashImage } from './manager.ts';
export type { BootResult, SlotManager, SlotManagerDeps } from './manager.ts';
export { otherSlot } from './port.ts';
export type { Slot, SlotBackend } from './port.ts';
export { parseState, readState } from './state.ts';
export type { Phase, SlotRecord, UpdateState } from './state.ts';
export { extractTar } from './tar.ts';
export { parseAutoboot, renderAutoboot, trybootSlotBackend } from './tryboot-backend.ts';
export type { AutobootConfig, TrybootOptions } from './tryboot-backend.ts';
