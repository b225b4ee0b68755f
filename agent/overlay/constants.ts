/**
 * Constants of the overlay's link layer and netDb. Each cites the spec it follows; deliberate
 * deviations from I2P are marked "IP2:". Noise references are to the Noise Protocol Framework,
 * revision 34 (2018-07-11).
 */

/** Noise rev 34 §8 and §12: the protocol name hashed into the initial `h`. */
export const NOISE_PROTOCOL_NAME = 'Noise_XK_25519_ChaChaPoly_SHA256';
/** Noise rev 34 §4.1: DHLEN for Curve25519. */
export const DHLEN = 32;
/** Noise rev 34 §4.3: HASHLEN for SHA-256. */
export const HASHLEN = 32;
/** Noise rev 34 §5.1 / RFC 8439 §2.8: Poly1305 tag length. */
export const TAGLEN = 16;
/** Noise rev 34 §3: every Noise message is at most 65535 bytes. */
export const NOISE_MAX_MESSAGE = 65535;
/**
 * Noise rev 34 §5.1: n = 2^64-1 is reserved. IP2: we stop at 2^53-1 (JavaScript's safe integer
 * ceiling), far beyond any link lifetime, and tear the link down rather than wrap.
 */
export const NOISE_MAX_NONCE = Number.MAX_SAFE_INTEGER;

/** IP2 prologue label (PROTOCOL.md § Overlay links): ASCII, followed by netId u32 ‖ version u8. */
export const PROLOGUE_LABEL = 'IP2 link';
/** Link protocol version carried in the prologue. */
export const LINK_VERSION = 1;
/** i2pd `netid`: the main I2P network is 2; IP2's main network is 1, test networks pick others. */
export const MAIN_NET_ID = 1;

/**
 * Link frame: `len u16 ‖ AEAD(blocks)` (research/overlay.md §5.2, after NTCP2 `ntcp2.rst`
 * "Data Phase"). The u16 caps a frame at 65535 bytes of ciphertext including the 16-byte tag.
 */
export const FRAME_HEADER_LEN = 2;
export const MAX_FRAME_LEN = 65535;
/** IP2 default cap below the u16 ceiling: a Pi need not buffer 64 KiB per peer. */
export const DEFAULT_MAX_FRAME_LEN = 16 * 1024;
/** Block header: type u8 ‖ len u16 (NTCP2 `ntcp2.rst` "Data Phase" block format). */
export const BLOCK_HEADER_LEN = 3;

/** Block types. NTCP2 numbers where a counterpart exists (`ntcp2.rst`), IP2 numbers otherwise. */
export const BLOCK = {
  /** NTCP2 type 0: DateTime, u32 seconds since the epoch. */
  dateTime: 0,
  /** NTCP2 type 2: RouterInfo (here a COSE_Sign1, PROTOCOL.md). */
  routerInfo: 2,
  /** NTCP2 type 3 carries I2NP; IP2 carries one CBOR netDb/overlay message. */
  message: 3,
  /** NTCP2 type 4: Termination, reason u8. */
  termination: 4,
  /** NTCP2 type 254: Padding, must be the last block. */
  padding: 254,
} as const;

/** NTCP2 §"Data Phase": messages 1 and 2 carry a timestamp; reject skew beyond ±60 s. */
export const MAX_CLOCK_SKEW_MS = 60_000;
/** `ntcp2.rst`: a handshake replay cache must live at least 2×D, where D is the allowed skew. */
export const REPLAY_WINDOW_MS = 2 * MAX_CLOCK_SKEW_MS;
/** Bound on the replay cache (entries), so a flood of handshakes cannot grow memory. */
export const REPLAY_CACHE_MAX = 4096;
/** i2pd NTCP2 `NTCP2_ESTABLISH_TIMEOUT` is 10 s. */
export const HANDSHAKE_TIMEOUT_MS = 10_000;
/** i2pd NTCP2 `NTCP2_TERMINATION_TIMEOUT` is 120 s of idleness. */
export const IDLE_TIMEOUT_MS = 120_000;
/** Pi defaults (research/overlay.md §5.6): links in total and inbound per remote IP. */
export const DEFAULT_MAX_LINKS = 64;
export const DEFAULT_MAX_LINKS_PER_IP = 4;
/**
 * Per-peer frame rate token bucket: burst and refill per second. Sized for tunnel forwarding on a
 * Pi (research/overlay.md §3.2: a few thousand 1028-byte cells per second per hop chain).
 */
export const DEFAULT_FRAME_BURST = 10_000;
export const DEFAULT_FRAMES_PER_SECOND = 5_000;
/** Padding added to each frame: uniform in [0, MAX_PADDING] bytes (NTCP2 recommends random). */
export const MAX_PADDING = 32;

/** Termination reasons (subset of NTCP2 `ntcp2.rst` "Termination" reason codes). */
export const TERMINATION = {
  normal: 0,
  idleTimeout: 2,
  aeadFailure: 4,
  frameError: 8,
  rateLimited: 9,
} as const;

/** IP2: a signed RouterInfo is at most 2 KiB (I2P RouterInfos are ~1 KB; bounded before decode). */
export const MAX_ROUTERINFO_BYTES = 2048;
/** At most this many addresses in one RouterInfo. */
export const MAX_ROUTER_ADDRESSES = 4;
/** I2P floodfills drop RouterInfos after ~1 h; a router republishes every 30 min (research §5.4). */
export const ROUTERINFO_MAX_AGE_MS = 60 * 60_000;
export const ROUTERINFO_REPUBLISH_MS = 30 * 60_000;
/** i2pd keeps RouterInfos locally up to 27 h; the local store forgets entries older than this. */
export const NETDB_LOCAL_MAX_AGE_MS = 27 * 60 * 60_000;
/** Bound on stored RouterInfos. */
export const NETDB_MAX_ENTRIES = 20_000;
/** I2P: a floodfill floods a store to the 3 floodfills closest to the key. */
export const FLOOD_REDUNDANCY = 3;
/** I2P: lookups go to 2 floodfills in parallel, iterating. */
export const LOOKUP_PARALLELISM = 2;
/** Most rounds of an iterative lookup before giving up. */
export const LOOKUP_MAX_ROUNDS = 8;
/** Time to wait for one lookup reply. */
export const LOOKUP_TIMEOUT_MS = 5_000;
/** Closer floodfills returned in a search reply (I2P DatabaseSearchReply returns up to 3). */
export const SEARCH_REPLY_PEERS = 3;
/** i2pd reseeds below ~25 known routers. */
export const MIN_KNOWN_ROUTERS = 25;
/** Bound on a netDb CBOR message and on a seed bundle. */
export const MAX_NETDB_MESSAGE = 8 * 1024;
export const MAX_SEED_BUNDLE_BYTES = 1024 * 1024;

/** State-directory files of the overlay (shared by `ip2 run` and `ip2 net`). */
export const NETDB_FILE = 'overlay/netdb.cbor';
export const STATIC_KEY_FILE = 'overlay/static.key';
