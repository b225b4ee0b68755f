/**
 * Constants of the FWD1 delta patch format. Section numbers refer to PROTOCOL.md
 * "## Delta patch format" (§D.n below).
 */

/** §D.1 Magic at offset 0: ASCII "IP2FWD1" followed by a zero byte. */
export const MAGIC = Uint8Array.from([0x49, 0x50, 0x32, 0x46, 0x57, 0x44, 0x31, 0x00]);

/** §D.1 Header: magic 8, source length u64, source SHA-256, target length u64, target SHA-256, op count u32. */
export const HEADER_LENGTH = 8 + 8 + 32 + 8 + 32 + 4;

/** §D.2 Operation type codes. */
export const OP_ZERO = 1;
export const OP_SOURCE_COPY = 2;
export const OP_REPLACE = 3;
export const OP_BSDIFF = 4;

/** §D.2 Fixed part of every operation: type u8, target length u32, SHA-256 of the output. */
export const OP_FIXED_LENGTH = 1 + 4 + 32;
/** §D.3 Type-specific fields: SOURCE_COPY has a source offset u64. */
export const SOURCE_COPY_FIELDS = 8;
/** §D.3 REPLACE has the compressed length u32. */
export const REPLACE_FIELDS = 4;
/** §D.3 BSDIFF has source window offset u64 and length u32, then three compressed lengths u32. */
export const BSDIFF_FIELDS = 8 + 4 + 4 + 4 + 4;
/** §D.4 One control triple: add length u32, extra length u32, seek i32 (relative). */
export const CONTROL_TRIPLE_LENGTH = 12;

/** §D.5 Largest target extent of one operation (bounds apply memory and redo on resume). */
export const MAX_OP_TARGET = 4 * 1024 * 1024;
/** §D.5 Largest compressed payload of one operation (all streams together). */
export const MAX_OP_PAYLOAD = MAX_OP_TARGET + 64 * 1024;
/** §D.5 Largest decompressed control stream of one BSDIFF operation (87,381 triples). */
export const MAX_CONTROL = 1024 * 1024;
/** §D.5 Largest number of operations in one patch (2^32 bytes of target at 1 byte per op is absurd; 2^24 ops). */
export const MAX_OPS = 1 << 24;
/** §D.5 Largest source or target image: 2^40 bytes (1 TiB). */
export const MAX_IMAGE = 2 ** 40;

/** §D.6 Brotli parameters used by the encoder (the decoder accepts any valid stream, output-bounded). */
export const BROTLI_QUALITY = 11;
export const BROTLI_LGWIN = 22;

/**
 * Default target extent the diff cuts images into (§D.9; ≤ MAX_OP_TARGET). 4 MiB rather than
 * 2 MiB: fewer operations and a longer brotli context made the bench corpus 5–25 % smaller.
 */
export const DEFAULT_EXTENT = 4 * 1024 * 1024;

/** §D.7 Journal: magic "IP2FWJ1\0", then SHA-256 of the patch header, then fixed-size records. */
export const JOURNAL_MAGIC = Uint8Array.from([0x49, 0x50, 0x32, 0x46, 0x57, 0x4a, 0x31, 0x00]);
export const JOURNAL_HEADER_LENGTH = 8 + 32;
/** §D.7 Record: op index u32, target end u64, patch offset u64, op SHA-256, 16-byte check. */
export const JOURNAL_RECORD_LENGTH = 4 + 8 + 8 + 32 + 16;

/** I/O buffer for hashing and copying (fixed, reused). */
export const IO_BUFFER = 256 * 1024;
