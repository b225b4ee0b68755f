/**
 * Link frames and blocks (PROTOCOL.md § Overlay links):
 *
 *   frame = len u16 (big-endian) ‖ AEAD(blocks)          len = ciphertext length incl. tag
 *   block = type u8 ‖ len u16 (big-endian) ‖ data         padding (254), if any, is last
 *
 * Both decoders are total: any input yields a value or an OverlayError (FRAME_TOO_LARGE,
 * FRAME_MALFORMED), in time linear in the input and memory bounded by the frame limit.
 */
import { BLOCK, BLOCK_HEADER_LEN, FRAME_HEADER_LEN, MAX_FRAME_LEN, TAGLEN } from './constants.ts';
import { OverlayError } from './errors.ts';

export interface Block {
  readonly type: number;
  readonly data: Uint8Array;
}

export function encodeBlocks(blocks: readonly Block[]): Uint8Array {
  let len = 0;
  for (const b of blocks) {
    if (b.data.length > 0xffff) throw new RangeError('block data over 65535 bytes');
    if (!Number.isInteger(b.type) || b.type < 0 || b.type > 255) throw new RangeError('block type must be a u8');
    len += BLOCK_HEADER_LEN + b.data.length;
  }
  const out = new Uint8Array(len);
  const view = new DataView(out.buffer);
  let off = 0;
  for (const b of blocks) {
    out[off] = b.type;
    view.setUint16(off + 1, b.data.length);
    out.set(b.data, off + BLOCK_HEADER_LEN);
    off += BLOCK_HEADER_LEN + b.data.length;
  }
  return out;
}

/** Decodes a block list; enforces that padding, when present, is the last block. */
export function decodeBlocks(bytes: Uint8Array, maxBlocks = 64): Block[] {
  const blocks: Block[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let off = 0;
  while (off < bytes.length) {
    if (off + BLOCK_HEADER_LEN > bytes.length) throw new OverlayError('FRAME_MALFORMED', 'truncated block header');
    const type = bytes[off] as number;
    const len = view.getUint16(off + 1);
    const start = off + BLOCK_HEADER_LEN;
    if (start + len > bytes.length) throw new OverlayError('FRAME_MALFORMED', `block of ${len} bytes overruns the frame`);
    if (blocks.length > 0 && blocks[blocks.length - 1]?.type === BLOCK.padding) {
      throw new OverlayError('FRAME_MALFORMED', 'padding block is not last');
    }
    if (blocks.length >= maxBlocks) throw new OverlayError('FRAME_MALFORMED', 'too many blocks in one frame');
    blocks.push({ type, data: bytes.slice(start, start + len) });
    off = start + len;
  }
  return blocks;
}

/** Prefixes a sealed frame body with its u16 length. */
export function encodeFrame(sealed: Uint8Array): Uint8Array {
  if (sealed.length > MAX_FRAME_LEN) throw new RangeError('frame over 65535 bytes');
  const out = new Uint8Array(FRAME_HEADER_LEN + sealed.length);
  new DataView(out.buffer).setUint16(0, sealed.length);
  out.set(sealed, FRAME_HEADER_LEN);
  return out;
}

/**
 * Reassembles length-prefixed frames from a stream cut into arbitrary chunks. Holds at most
 * one partial frame (≤ maxFrameLen + 2 bytes). A length above `maxFrameLen` or below the AEAD
 * tag length throws before any of the body is buffered.
 */
export class FrameReader {
  #buf = new Uint8Array(0);
  #max = MAX_FRAME_LEN;

  constructor(maxFrameLen: number) {
    this.setMaxFrameLen(maxFrameLen);
  }

  /** Changes the limit for frames whose header is not yet read (after a handshake). */
  setMaxFrameLen(maxFrameLen: number): void {
    if (!Number.isInteger(maxFrameLen) || maxFrameLen < TAGLEN || maxFrameLen > MAX_FRAME_LEN) {
      throw new RangeError(`maxFrameLen must be in [${TAGLEN}, ${MAX_FRAME_LEN}]`);
    }
    this.#max = maxFrameLen;
  }

  /** Bytes held waiting for the rest of a frame. */
  get buffered(): number {
    return this.#buf.length;
  }

  /** Feeds a chunk; returns the frame bodies (without length prefix) it completed. */
  push(chunk: Uint8Array): Uint8Array[] {
    const joined = new Uint8Array(this.#buf.length + chunk.length);
    joined.set(this.#buf);
    joined.set(chunk, this.#buf.length);
    const frames: Uint8Array[] = [];
    let off = 0;
    while (joined.length - off >= FRAME_HEADER_LEN) {
      const len = ((joined[off] as number) << 8) | (joined[off + 1] as number);
      if (len > this.#max) throw new OverlayError('FRAME_TOO_LARGE', `frame of ${len} bytes exceeds ${this.#max}`);
      if (len < TAGLEN) throw new OverlayError('FRAME_MALFORMED', `frame of ${len} bytes is shorter than the tag`);
      if (joined.length - off < FRAME_HEADER_LEN + len) break;
      frames.push(joined.slice(off + FRAME_HEADER_LEN, off + FRAME_HEADER_LEN + len));
      off += FRAME_HEADER_LEN + len;
    }
    this.#buf = joined.slice(off);
    return frames;
  }
}
