/**
 * Defaults of the release tooling. Role expiry periods follow research/firmware.md §3.3
 * (TUF §4.3–§4.6 make `expires` mandatory on every role, §1.5.2 freeze attack).
 */
const DAY = 24 * 60 * 60 * 1000;

export const DEFAULT_EXPIRY_MS = {
  root: 365 * DAY,
  targets: 90 * DAY,
  snapshot: 7 * DAY,
  timestamp: 1 * DAY,
} as const;

/** Repository layout: TUF §4.1 keeps metadata and targets in two trees. */
export const METADATA_DIR = 'metadata';
export const TARGETS_DIR = 'targets';
export const DELTAS_DIR = 'deltas';

/** Key files: one per key, `<role>-<n>.json`, private, mode 0600. */
export const KEY_FILE_MODE = 0o600;
export const KEY_FILE_PATTERN = /^(root|targets|snapshot|timestamp)-(\d+)\.json$/;
