/**
 * Constants of the tunnel layer (PROTOCOL.md § Tunnels, garlic and LeaseSets). Each cites the I2P
 * spec or i2pd source it follows (research/overlay.md §2); deliberate deviations are marked "IP2:".
 */

/** `tunnel-message.rst`, i2pd `TUNNEL_DATA_MSG_SIZE`: tunnelId u32 ‖ nonce 16 ‖ body 1008. */
export const CELL_LEN = 1028;
export const CELL_TUNNEL_ID_LEN = 4;
/** IP2 (proposal 153 shape): the 16-byte IV is two 8-byte nonces, tunnelNonce ‖ obfsNonce. */
export const CELL_NONCE_LEN = 16;
/** i2pd `TUNNEL_DATA_ENCRYPTED_SIZE`. */
export const CELL_BODY_LEN = 1008;
/** `tunnel-message.rst`: the decrypted body starts with a 4-byte checksum. */
export const CHECKSUM_LEN = 4;
/**
 * IP2 fragment header: flags u8 ‖ msgId u32 ‖ fragment u8 ‖ len u16 (`tunnel-message.rst`
 * "Delivery Instructions", simplified to one fixed layout) followed by delivery fields.
 */
export const FRAGMENT_HEADER_LEN = 8;
/** Delivery target fields: tunnelId u32 ‖ router hash 32 (TUNNEL), or router hash 32 (ROUTER). */
export const DELIVERY = { local: 0, router: 1, tunnel: 2 } as const;
/** Largest message carried in a tunnel (I2P caps fragments at 64; we keep memory small). */
export const MAX_TUNNEL_MESSAGE = 16 * 1024;
/** At most this many fragments of one message (fragment index is a u8; 64 as in I2P). */
export const MAX_FRAGMENTS = 64;
/** Endpoint reassembly: most messages pending and how long (`tunnel-message.rst`: ~1 min). */
export const MAX_PENDING_REASSEMBLY = 64;
export const REASSEMBLY_TIMEOUT_MS = 60_000;

/** `tunnel-creation-ecies.rst` (proposal 157): short build records are 218 bytes. */
export const RECORD_LEN = 218;
export const RECORD_TO_PEER_LEN = 16;
export const RECORD_EPHEMERAL_LEN = 32;
/** 218 − 16 − 32 − 16: the request plaintext. */
export const RECORD_PLAINTEXT_LEN = 154;
/** 218 − 16: the reply plaintext; the reply code is its last byte (offset 201). */
export const REPLY_PLAINTEXT_LEN = 202;
/** `tunnel-creation-ecies.rst`: at least 4 records (with fakes); i2pd `MAX_NUM_RECORDS` 8. */
export const MIN_RECORDS = 4;
export const MAX_RECORDS = 8;
/** I2CP `inbound.length` range 0–7, default 3. */
export const MAX_HOPS = 7;
export const DEFAULT_HOPS = 3;
/** `tunnel-creation-ecies.rst`: protocol name of the record handshake (Noise N). */
export const NOISE_N_PROTOCOL = 'Noise_N_25519_ChaChaPoly_SHA256';
/** `tunnel-creation-ecies.rst` short-record KDF labels. */
export const LABEL_REPLY_KEY = 'SMTunnelReplyKey';
export const LABEL_LAYER_KEY = 'SMTunnelLayerKey';
/** IP2: every hop derives its nonce key with the OBEP label (I2P uses the chaining key elsewhere). */
export const LABEL_NONCE_KEY = 'TunnelLayerIVKey';
/** Request flags (`tunnel-creation-ecies.rst`): bit 7 inbound gateway, bit 6 outbound endpoint. */
export const FLAG_IBGW = 0x80;
export const FLAG_OBEP = 0x40;
/** IP2 layer encryption type 1: the ChaCha20 layer of PROTOCOL.md (I2P 0 = AES). */
export const LAYER_CHACHA20 = 1;
/** Reply codes: only 0 and 30 (TUNNEL_REJECT_BANDWIDTH), "to avoid fingerprinting". */
export const REPLY_ACCEPT = 0;
export const REPLY_REJECT = 30;

/** `tunnel-creation-ecies.rst`: "only supported value is 600"; i2pd 660 s with grace. */
export const TUNNEL_LIFETIME_MS = 600_000;
export const TUNNEL_GRACE_MS = 60_000;
/** i2pd `TUNNEL_RECREATION_THRESHOLD` 90 s and `TUNNEL_CREATION_TIMEOUT` 30 s. */
export const REBUILD_BEFORE_EXPIRY_MS = 90_000;
export const BUILD_TIMEOUT_MS = 30_000;
/** Request time skew accepted by a hop (research §5.3 step 4: ±1 min), in minutes granularity. */
export const REQUEST_SKEW_MS = 65_000;
/** I2P `TunnelBMP`: build-record replay set lives 60 s… IP2: as long as the skew window, ×2. */
export const RECORD_REPLAY_WINDOW_MS = 2 * REQUEST_SKEW_MS;
/** research §5.3: a Pi hard-limits transit tunnels (start at ~200–500). */
export const DEFAULT_TRANSIT_CAP = 500;

/** I2P `BloomFilterIVValidator`: half-life 10 min; two generations swapped every 10 min. */
export const BLOOM_GENERATION_MS = 600_000;
/** research §5.5: m = −n·ln p/(ln 2)²; n = 300k cells per generation, p = 1e-6 → ~1 MiB. */
export const BLOOM_BITS = 8 * 1024 * 1024;
export const BLOOM_HASHES = 20;

/** I2NP-style message types carried over links (`i2np.rst` numbers). */
export const MSG = {
  /** i2np type 18: one 1028-byte cell. */
  tunnelData: 18,
  /** i2np type 19: tunnelId u32 ‖ message, to be injected at an inbound gateway. */
  tunnelGateway: 19,
  /** i2np type 25: ShortTunnelBuild, msgId u32 ‖ count u8 ‖ records. */
  shortTunnelBuild: 25,
} as const;
/** Message types inside a tunnel (after reassembly): the first byte of a tunnel message. */
export const TMSG = { data: 20, buildReply: 26, garlic: 11, deliveryStatus: 10 } as const;
/** A tunnel test (I2P `TestJob`): a DeliveryStatus out through one tunnel and back through another. */
export const TUNNEL_TEST_TIMEOUT_MS = 5_000;
