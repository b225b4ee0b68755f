/** Constants of garlic messages (`ecies.rst`, proposal 144; research/overlay.md §2, §5.2, §5.5). */

/** IP2: New Session only, Noise N to the destination's static key (no Elligator2, no ratchet yet). */
export const GARLIC_PROTOCOL = 'Noise_N_25519_ChaChaPoly_SHA256';
/** Noise prologue separating garlic from build records, which use the same pattern. */
export const GARLIC_PROLOGUE = 'IP2 garlic v1';
/** `ecies.rst`: payload blocks `blk u8 ‖ size u16 ‖ data`. */
export const BLOCK = { dateTime: 0, clove: 11, padding: 254 } as const;
/** Clove delivery types (`ecies.rst` "Garlic Clove" delivery instructions). */
export const CLOVE_DELIVERY = { local: 0, destination: 1, router: 2, tunnel: 3 } as const;
/** Clove message types (`i2np.rst` numbers). */
export const CLOVE_TYPE = { databaseStore: 1, deliveryStatus: 10, data: 20 } as const;
/** ephemeral 32 ‖ AEAD tag 16: NS overhead without the static-key section (`ecies.rst`: 96). */
export const GARLIC_OVERHEAD = 48;
/** Largest garlic message (fits one 16 KiB tunnel message with its type byte). */
export const MAX_GARLIC = 16 * 1024 - 1;
export const MAX_CLOVES = 16;
/** `ecies.rst`: clock skew allowed from −5 to +2 minutes. */
export const MAX_PAST_MS = 5 * 60_000;
export const MAX_FUTURE_MS = 2 * 60_000;
/** `ecies.rst`: the NS replay filter lives 5 minutes. */
export const NS_REPLAY_WINDOW_MS = 5 * 60_000;
/** `ecies.rst`: padding 0–15 bytes. */
export const MAX_PADDING = 15;
