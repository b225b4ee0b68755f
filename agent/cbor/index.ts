/**
 * CBOR (RFC 8949) for every signed and framed object of the agent.
 *
 * Encoding uses cbor-x with plain CBOR only (no record extension, byte strings untagged).
 * Decoding untrusted bytes is two steps: `scan` walks the item headers once, bounded in size,
 * depth and item count, refusing indefinite lengths, unknown tags, duplicate map keys and
 * trailing bytes; only bytes that pass are handed to cbor-x. So every input gives a value or a
 * CborError, in time and memory linear in the input's length.
 */
import { Decoder, Encoder } from 'cbor-x';
import { CborError } from './errors.ts';

export { CborError, type CborErrorCode } from './errors.ts';

export interface CborLimits {
  /** Largest input accepted, in bytes. */
  readonly maxBytes: number;
  /** Deepest nesting of arrays, maps and tags. */
  readonly maxDepth: number;
  /** Most data items in total. */
  readonly maxItems: number;
  /** Tags allowed (e.g. 18 for COSE_Sign1); all others are refused. */
  readonly tags?: readonly number[];
}

export const DEFAULT_LIMITS: CborLimits = { maxBytes: 64 * 1024, maxDepth: 16, maxItems: 4096 };

const encoder = new Encoder({ useRecords: false, tagUint8Array: false, mapsAsObjects: false, variableMapSize: true, useFloat32: 0 });
const decoder = new Decoder({ useRecords: false, mapsAsObjects: true });
const mapDecoder = new Decoder({ useRecords: false, mapsAsObjects: false });

export function encodeCbor(value: unknown): Uint8Array {
  const out = encoder.encode(value);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** Decodes one CBOR item that fills `bytes`, within `limits`; maps become plain objects. */
export function decodeCbor(bytes: Uint8Array, limits: Partial<CborLimits> = {}): unknown {
  scan(bytes, { ...DEFAULT_LIMITS, ...limits });
  return decodeScanned(decoder, bytes);
}

/** As decodeCbor, but maps become `Map`s, so integer keys stay integers (COSE headers). */
export function decodeCborMaps(bytes: Uint8Array, limits: Partial<CborLimits> = {}): unknown {
  scan(bytes, { ...DEFAULT_LIMITS, ...limits });
  return decodeScanned(mapDecoder, bytes);
}

function decodeScanned(d: Decoder, bytes: Uint8Array): unknown {
  try {
    return d.decode(bytes);
  } catch (cause) {
    throw new CborError('CBOR_INVALID', 'CBOR item could not be decoded', { cause });
  }
}

/** Checks that `bytes` is exactly one well-formed item within the limits; throws CborError. */
export function scan(bytes: Uint8Array, limits: CborLimits): void {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('CBOR input must be a Uint8Array');
  if (bytes.length > limits.maxBytes) {
    throw new CborError('CBOR_TOO_LARGE', `CBOR input of ${bytes.length} bytes exceeds the limit of ${limits.maxBytes}`);
  }
  const state = { pos: 0, items: 0 };
  item(bytes, state, 0, limits);
  if (state.pos !== bytes.length) {
    throw new CborError('CBOR_TRAILING_BYTES', `${bytes.length - state.pos} bytes after the CBOR item`);
  }
}

interface ScanState {
  pos: number;
  items: number;
}

function item(b: Uint8Array, s: ScanState, depth: number, limits: CborLimits): void {
  if (depth > limits.maxDepth) throw new CborError('CBOR_TOO_DEEP', `CBOR nesting deeper than ${limits.maxDepth}`);
  if (++s.items > limits.maxItems) throw new CborError('CBOR_TOO_MANY_ITEMS', `more than ${limits.maxItems} CBOR items`);
  const start = s.pos;
  const initial = byteAt(b, s);
  const major = initial >> 5;
  const info = initial & 0x1f;
  if (info === 31) throw new CborError('CBOR_INDEFINITE_LENGTH', 'indefinite-length CBOR items are not accepted');
  if (info >= 28) throw new CborError('CBOR_INVALID', `reserved additional information ${info} at byte ${start}`);
  if (major === 7) {
    // false, true, null, undefined (20–23) and floats (25–27); other simple values are refused
    if (info < 20 || info === 24) throw new CborError('CBOR_UNSUPPORTED', `CBOR simple value at byte ${start}`);
    if (info >= 25) skip(b, s, 1 << (info - 24));
    return;
  }
  const arg = argument(b, s, info);
  switch (major) {
    case 0:
    case 1:
      return;
    case 2:
    case 3:
      skip(b, s, arg);
      return;
    case 4:
      for (let i = 0; i < arg; i++) item(b, s, depth + 1, limits);
      return;
    case 5:
      mapItems(b, s, depth, limits, arg);
      return;
    default: // 6, a tag
      if (!(limits.tags ?? []).includes(arg)) throw new CborError('CBOR_UNSUPPORTED', `CBOR tag ${arg} is not accepted here`);
      item(b, s, depth + 1, limits);
      return;
  }
}

function mapItems(b: Uint8Array, s: ScanState, depth: number, limits: CborLimits, pairs: number): void {
  const keys = new Set<string>();
  for (let i = 0; i < pairs; i++) {
    const keyStart = s.pos;
    item(b, s, depth + 1, limits);
    const key = Buffer.from(b.buffer, b.byteOffset + keyStart, s.pos - keyStart).toString('latin1');
    if (keys.has(key)) throw new CborError('CBOR_DUPLICATE_KEY', `duplicate map key at byte ${keyStart}`);
    keys.add(key);
    item(b, s, depth + 1, limits);
  }
}

function byteAt(b: Uint8Array, s: ScanState): number {
  const v = b[s.pos];
  if (v === undefined) throw new CborError('CBOR_TRUNCATED', `CBOR input ends at byte ${s.pos}`);
  s.pos++;
  return v;
}

/** The argument of an item header (RFC 8949 §3). 8-byte arguments must fit a safe integer. */
function argument(b: Uint8Array, s: ScanState, info: number): number {
  if (info < 24) return info;
  const size = 1 << (info - 24);
  if (s.pos + size > b.length) throw new CborError('CBOR_TRUNCATED', `CBOR header needs ${size} more bytes at byte ${s.pos}`);
  let v = 0;
  for (let i = 0; i < size; i++) v = v * 256 + b[s.pos + i]!;
  if (!Number.isSafeInteger(v)) throw new CborError('CBOR_UNSUPPORTED', 'CBOR integer argument beyond 2^53');
  s.pos += size;
  return v;
}

function skip(b: Uint8Array, s: ScanState, length: number): void {
  if (length > b.length - s.pos) {
    throw new CborError('CBOR_TRUNCATED', `CBOR string of ${length} bytes runs past the end of the input`);
  }
  s.pos += length;
}
