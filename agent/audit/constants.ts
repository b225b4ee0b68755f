/**
 * The audit log's format and cadence (DESIGN.md §2 audit/, research/identity.md §5.5 "Decision
 * log"; PROTOCOL.md § Intents, grants, pairing and the audit log: audit records and checkpoints).
 */

/** Entry kinds: `kind u8 ‖ length u32 BE ‖ body`. */
export const KIND_RECORD = 0x01;
export const KIND_CHECKPOINT = 0x02;
export const ENTRY_HEADER_BYTES = 5;
/** A record is a small CBOR map; anything larger in the file is corruption. */
export const MAX_ENTRY_BYTES = 8 * 1024;
/** §5.5: sign the chain head every N entries or T minutes (one TPM operation per batch at most). */
export const CHECKPOINT_EVERY_RECORDS = 256;
export const CHECKPOINT_EVERY_MS = 10 * 60_000;
/** The `prevHash` of the first record. */
export const GENESIS_HASH: Uint8Array = new Uint8Array(32);
/** COSE content type of a checkpoint (agent/intent/constants.ts CONTENT_TYPE.checkpoint). */
export const CHECKPOINT_CONTENT_TYPE = 'application/ip2-audit-checkpoint+cbor';
/** The audit log's file name in the state directory. */
export const AUDIT_FILE = 'audit.log';
