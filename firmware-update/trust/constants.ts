/**
 * Constants of the TUF 1.0 metadata the update client and the release tooling share.
 * Section numbers refer to the TUF specification 1.0.x (theupdateframework/specification,
 * tuf-spec.md); "Uptane" to the Uptane Standard 2.x.
 */

/** TUF §4.2 `spec_version`: the version of the specification the metadata follows. */
export const SPEC_VERSION = '1.0.31';

/** TUF §4.3–§4.6 role names; the four top-level roles only (no delegations, see PROTOCOL.md). */
export const TOP_LEVEL_ROLES = ['root', 'timestamp', 'snapshot', 'targets'] as const;

/** TUF §4.2 key type and signature scheme for Ed25519 keys. */
export const KEYTYPE_ED25519 = 'ed25519';
export const SCHEME_ED25519 = 'ed25519';

/** TUF §4.2 `hashes`: the one algorithm we compute and require. */
export const HASH_ALGORITHM = 'sha256';

/**
 * TUF §5.3.1 and §5.4.1: metadata whose length is not known in advance is downloaded up to an
 * implementation-defined upper bound (the endless-data attack, §1.5.2).
 */
export const MAX_ROOT_BYTES = 512 * 1024;
export const MAX_TIMESTAMP_BYTES = 16 * 1024;
/** TUF §5.5.1: used when the timestamp does not give the snapshot's length. */
export const MAX_SNAPSHOT_BYTES = 2 * 1024 * 1024;
/** TUF §5.6.1: used when the snapshot does not give the targets' length. */
export const MAX_TARGETS_BYTES = 8 * 1024 * 1024;

/** TUF §5.3.3: a fixed upper bound on the root versions walked in one update (fast-forward). */
export const MAX_ROOT_ROTATIONS = 256;

/** TUF §4.2: metadata `expires` is an ISO 8601 UTC date-time, `YYYY-MM-DDTHH:MM:SSZ`. */
export const EXPIRES_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/** The delta algorithm id of FWD1 patches (PROTOCOL.md "## Delta patch format"). */
export const DELTA_ALGORITHM_FWD1 = 'fwd1';

/** Limits on the Uptane-style custom fields of a target (defence in depth for the parser). */
export const MAX_HARDWARE_IDS = 64;
export const MAX_DELTAS_PER_TARGET = 32;
export const MAX_TARGETS = 4096;
