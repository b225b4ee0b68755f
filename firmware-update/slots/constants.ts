/** Constants of the A/B slot state machine (DESIGN.md §8; research/firmware.md §3.4 G8). */

/** The state file, replaced atomically at every step: `<root>/update-state.json`. */
export const STATE_FILE = 'update-state.json';
/** Starts of a trial slot without a confirm before it counts as a crash loop (Mender/RAUC bootcount). */
export const MAX_TRIAL_BOOTS = 3;
/** The health window: a trial slot must confirm within it (research G8: ≤ 5 min). */
export const DEFAULT_HEALTH_WINDOW_MS = 5 * 60 * 1000;
/** Failed target hashes remembered so a bad release is not retried forever. */
export const MAX_FAILED_REMEMBERED = 16;
/** Directory backend layout: `<root>/slots/{a,b}/`, `<root>/slots/{a,b}.image`, `<root>/current`. */
export const SLOTS_DIR = 'slots';
export const CURRENT_LINK = 'current';
/** Written last into an unpacked slot: the SHA-256 of the image it came from. */
export const COMPLETE_MARKER = '.image-sha256';
/** ustar (POSIX.1-1988 / IEEE 1003.1 §10.1.1) block size. */
export const TAR_BLOCK = 512;
