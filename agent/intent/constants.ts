/**
 * Limits and time windows of signed intents, grants, pairing and the endpoint.
 * DESIGN.md §4 and research/identity.md §5.3–5.4 are the sources; PROTOCOL.md § Intents,
 * grants, pairing and the audit log writes the formats down.
 */

/** research/identity.md §5.4: a COSE_Sign1 intent is ~250 bytes; embedded grants add ~300 each. */
export const MAX_INTENT_BYTES = 8 * 1024;
/** A single grant envelope (§5.3 step 5). */
export const MAX_GRANT_BYTES = 2 * 1024;
/** DESIGN.md §4: `exp ≤ iat + 300 s`. */
export const MAX_INTENT_LIFETIME_S = 300;
/** DESIGN.md §4: ±60 s clock skew (UCAN's recommendation) while the clock is trusted. */
export const CLOCK_SKEW_S = 60;
/** DESIGN.md §4: `nonce(16)`. */
export const NONCE_BYTES = 16;
/** Grant chain depth (§5.3 step 5: re-delegation); the issue tests depth 1, 2 and 3. */
export const MAX_CHAIN_DEPTH = 4;
/** research/identity.md §5.4: bounded replay cache, "e.g. 100 k entries, a few MB". */
export const REPLAY_MAX_ENTRIES = 100_000;
/** Verified grants memoised by hash (§5.5 "memoized validation"). */
export const GRANT_MEMO_ENTRIES = 4096;
/** research/identity.md §5.4 "Clock unknown" mode: a challenge is valid 30 s on the monotonic clock. */
export const CHALLENGE_TTL_MS = 30_000;
export const CHALLENGE_BYTES = 16;
/** Outstanding challenges at once; more are refused until old ones expire (bounded memory). */
export const MAX_CHALLENGES = 1024;
/** DESIGN.md §4: pairing mode lasts at most 5 minutes. */
export const PAIRING_WINDOW_MS = 5 * 60_000;
/** DESIGN.md §4: single-use secret of ≥ 128 bits; 160 bits give 32 base32 characters. */
export const PAIRING_SECRET_BYTES = 20;
/** research/identity.md §5.3 step 4: lock out after 5 failures. */
export const PAIRING_MAX_FAILURES = 5;
/** Pair request lifetime, §5.3 step 2: `exp: iat + 300`. */
export const PAIR_REQUEST_LIFETIME_S = 300;
/** A controller set: the owner plus a backup, and a few added later. */
export const MAX_CONTROLLERS = 8;
/** Intent args: a small flat map (§5.4 `args:{…}`). */
export const MAX_ARGS = 16;
export const MAX_STRING = 256;
/** Grant `pol` predicates (UCAN 1.0 policy subset). */
export const MAX_PREDICATES = 8;
/** Endpoint frames: u32 length ‖ CBOR; bounded before anything is buffered. */
export const MAX_FRAME_BYTES = 16 * 1024;

/** COSE content types (RFC 9052 §3.1 label 3) that keep the signed object kinds apart. */
export const CONTENT_TYPE = {
  intent: 'application/ip2-intent+cbor',
  grant: 'application/ip2-grant+cbor',
  pairRequest: 'application/ip2-pair-request+cbor',
  pairReceipt: 'application/ip2-pair-receipt+cbor',
  checkpoint: 'application/ip2-audit-checkpoint+cbor',
} as const;
