/**
 * Delta firmware patches, format FWD1 (PROTOCOL.md "## Delta patch format"; DESIGN.md §8).
 *
 * - `createDelta` / `encodeDelta` / `diffBytes`: build-machine diff (suffix array + bsdiff
 *   matching per target extent, cheapest operation per extent).
 * - `applyDelta`: device-side streaming, verified, resumable apply in bounded memory.
 * - `inspectDelta`: header and operation summary of a patch, without applying it.
 */
export { applyDelta, hashFile } from './apply.ts';
export type { ApplyOptions, ApplyProgress, ApplyResult, PatchOpener } from './apply.ts';
export { createDelta, diffBytes, encodeDelta } from './diff.ts';
export type { DiffOptions, DiffProgress, DiffStats } from './diff.ts';
export { DeltaError, isDeltaError } from './errors.ts';
export type { DeltaErrorCode } from './errors.ts';
export { decodeHeader } from './format.ts';
export type { Op, PatchHeader } from './format.ts';
export { nodeFs } from './fs.ts';
export type { DeltaFile, DeltaFs, OpenMode } from './fs.ts';
export { inspectDelta } from './inspect.ts';
export type { PatchSummary } from './inspect.ts';
