/**
 * FWD1 byte layout (PROTOCOL.md "## Delta patch format"): encoders used by the diff and total,
 * bounded decoders used by the apply. All integers are big-endian and unsigned unless noted.
 */
import {
  BSDIFF_FIELDS, HEADER_LENGTH, MAGIC, MAX_IMAGE, MAX_OPS, MAX_OP_PAYLOAD, MAX_OP_TARGET,
  OP_BSDIFF, OP_FIXED_LENGTH, OP_REPLACE, OP_SOURCE_COPY, OP_ZERO, REPLACE_FIELDS, SOURCE_COPY_FIELDS,
} from './constants.ts';
import { DeltaError } from './errors.ts';

export interface PatchHeader {
  readonly sourceLength: number;
  readonly sourceSha256: Uint8Array;
  readonly targetLength: number;
  readonly targetSha256: Uint8Array;
  readonly opCount: number;
}

interface OpCommon {
  /** Bytes this operation writes at the current target offset (1..MAX_OP_TARGET). */
  readonly targetLength: number;
  /** SHA-256 of those bytes. */
  readonly sha256: Uint8Array;
}
export type ZeroOp = OpCommon & { readonly kind: 'zero' };
export type SourceCopyOp = OpCommon & { readonly kind: 'source_copy'; readonly sourceOffset: number };
/** `data` is the brotli-compressed target extent. */
export type ReplaceOp = OpCommon & { readonly kind: 'replace'; readonly data: Uint8Array };
/** The three brotli-compressed bsdiff streams; seeks are confined to the source window. */
export type BsdiffOp = OpCommon & {
  readonly kind: 'bsdiff';
  readonly windowOffset: number;
  readonly windowLength: number;
  readonly control: Uint8Array;
  readonly diff: Uint8Array;
  readonly extra: Uint8Array;
};
export type Op = ZeroOp | SourceCopyOp | ReplaceOp | BsdiffOp;

/** Something that hands out exactly `n` bytes of the patch or throws TRUNCATED_PATCH. */
export interface ByteSource {
  readExact(n: number): Promise<Uint8Array>;
}

export function encodeHeader(h: PatchHeader): Uint8Array {
  const out = new Uint8Array(HEADER_LENGTH);
  const v = view(out);
  out.set(MAGIC, 0);
  v.setBigUint64(8, BigInt(h.sourceLength));
  out.set(h.sourceSha256, 16);
  v.setBigUint64(48, BigInt(h.targetLength));
  out.set(h.targetSha256, 56);
  v.setUint32(88, h.opCount);
  return out;
}

/** Total: any 92 bytes give a header or a MALFORMED_PATCH error. */
export function decodeHeader(bytes: Uint8Array): PatchHeader {
  if (bytes.length !== HEADER_LENGTH) throw malformed(`header must be ${HEADER_LENGTH} bytes`);
  for (let i = 0; i < MAGIC.length; i++) {
    if (bytes[i] !== MAGIC[i]) throw malformed('not an FWD1 patch (bad magic)');
  }
  const v = view(bytes);
  const sourceLength = u64(v, 8, MAX_IMAGE, 'source length');
  const targetLength = u64(v, 48, MAX_IMAGE, 'target length');
  const opCount = v.getUint32(88);
  if (opCount > MAX_OPS) throw malformed(`op count ${opCount} exceeds ${MAX_OPS}`);
  if (opCount === 0 && targetLength !== 0) throw malformed('no operations for a non-empty target');
  if (opCount > targetLength) throw malformed('more operations than target bytes');
  if (targetLength > opCount * MAX_OP_TARGET) throw malformed('operations cannot cover the target length');
  return {
    sourceLength,
    sourceSha256: bytes.slice(16, 48),
    targetLength,
    targetSha256: bytes.slice(56, 88),
    opCount,
  };
}

export function encodeOp(op: Op): Uint8Array {
  const fields = fieldLength(op.kind);
  const payload = op.kind === 'replace' ? op.data.length
    : op.kind === 'bsdiff' ? op.control.length + op.diff.length + op.extra.length : 0;
  const out = new Uint8Array(OP_FIXED_LENGTH + fields + payload);
  const v = view(out);
  out[0] = typeCode(op.kind);
  v.setUint32(1, op.targetLength);
  out.set(op.sha256, 5);
  const p = OP_FIXED_LENGTH;
  if (op.kind === 'source_copy') v.setBigUint64(p, BigInt(op.sourceOffset));
  if (op.kind === 'replace') {
    v.setUint32(p, op.data.length);
    out.set(op.data, p + 4);
  }
  if (op.kind === 'bsdiff') {
    v.setBigUint64(p, BigInt(op.windowOffset));
    v.setUint32(p + 8, op.windowLength);
    v.setUint32(p + 12, op.control.length);
    v.setUint32(p + 16, op.diff.length);
    v.setUint32(p + 20, op.extra.length);
    out.set(op.control, p + BSDIFF_FIELDS);
    out.set(op.diff, p + BSDIFF_FIELDS + op.control.length);
    out.set(op.extra, p + BSDIFF_FIELDS + op.control.length + op.diff.length);
  }
  return out;
}

/**
 * Reads one operation. Total and bounded: lengths are checked against MAX_OP_TARGET, the
 * payload cap and the source length before any payload byte is requested.
 */
export async function readOp(src: ByteSource, header: PatchHeader): Promise<Op> {
  const fixed = await src.readExact(OP_FIXED_LENGTH);
  const type = fixed[0]!;
  const targetLength = view(fixed).getUint32(1);
  const sha256 = fixed.slice(5, 37);
  if (targetLength === 0 || targetLength > MAX_OP_TARGET) {
    throw malformed(`operation target length ${targetLength} outside 1..${MAX_OP_TARGET}`);
  }
  switch (type) {
    case OP_ZERO:
      return { kind: 'zero', targetLength, sha256 };
    case OP_SOURCE_COPY: {
      const f = view(await src.readExact(SOURCE_COPY_FIELDS));
      const sourceOffset = u64(f, 0, MAX_IMAGE, 'source offset');
      if (sourceOffset + targetLength > header.sourceLength) {
        throw new DeltaError('SOURCE_OUT_OF_RANGE', `SOURCE_COPY reads past the source (${sourceOffset}+${targetLength})`);
      }
      return { kind: 'source_copy', targetLength, sha256, sourceOffset };
    }
    case OP_REPLACE: {
      const n = view(await src.readExact(REPLACE_FIELDS)).getUint32(0);
      if (n > MAX_OP_PAYLOAD) throw malformed(`REPLACE payload ${n} exceeds ${MAX_OP_PAYLOAD}`);
      return { kind: 'replace', targetLength, sha256, data: await src.readExact(n) };
    }
    case OP_BSDIFF:
      return readBsdiff(src, header, targetLength, sha256);
    default:
      throw malformed(`unknown operation type ${type}`);
  }
}

async function readBsdiff(src: ByteSource, header: PatchHeader, targetLength: number, sha256: Uint8Array): Promise<BsdiffOp> {
  const f = view(await src.readExact(BSDIFF_FIELDS));
  const windowOffset = u64(f, 0, MAX_IMAGE, 'window offset');
  const windowLength = f.getUint32(8);
  if (windowOffset + windowLength > header.sourceLength) {
    throw new DeltaError('SOURCE_OUT_OF_RANGE', `BSDIFF window ${windowOffset}+${windowLength} is outside the source`);
  }
  const lc = f.getUint32(12);
  const ld = f.getUint32(16);
  const le = f.getUint32(20);
  if (lc + ld + le > MAX_OP_PAYLOAD) throw malformed(`BSDIFF payload ${lc + ld + le} exceeds ${MAX_OP_PAYLOAD}`);
  const control = await src.readExact(lc);
  const diff = await src.readExact(ld);
  const extra = await src.readExact(le);
  return { kind: 'bsdiff', targetLength, sha256, windowOffset, windowLength, control, diff, extra };
}

function fieldLength(kind: Op['kind']): number {
  return kind === 'source_copy' ? SOURCE_COPY_FIELDS : kind === 'replace' ? REPLACE_FIELDS : kind === 'bsdiff' ? BSDIFF_FIELDS : 0;
}

function typeCode(kind: Op['kind']): number {
  return kind === 'zero' ? OP_ZERO : kind === 'source_copy' ? OP_SOURCE_COPY : kind === 'replace' ? OP_REPLACE : OP_BSDIFF;
}

function u64(v: DataView, at: number, max: number, what: string): number {
  const x = v.getBigUint64(at);
  if (x > BigInt(max)) throw malformed(`${what} ${x} exceeds ${max}`);
  return Number(x);
}

function view(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

function malformed(message: string): DeltaError {
  return new DeltaError('MALFORMED_PATCH', message);
}
