import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeBlocks, encodeBlocks, encodeFrame, FrameReader, type Block } from '../../agent/overlay/frame.ts';
import { isOverlayError } from '../../agent/overlay/errors.ts';
import { BLOCK } from '../../agent/overlay/constants.ts';

const blockArb = fc.record({
  type: fc.integer({ min: 0, max: 253 }),
  data: fc.uint8Array({ maxLength: 300 }),
});

describe('blocks', () => {
  it('decode(encode(x)) = x', () => {
    fc.assert(fc.property(fc.array(blockArb, { maxLength: 10 }), fc.option(fc.uint8Array({ maxLength: 40 })), (blocks, pad) => {
      const all: Block[] = pad === null ? blocks : [...blocks, { type: BLOCK.padding, data: pad }];
      expect(decodeBlocks(encodeBlocks(all))).toEqual(all);
    }));
  });

  it('any bytes give blocks or a typed FRAME_MALFORMED', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
      try {
        decodeBlocks(bytes);
      } catch (err) {
        expect(isOverlayError(err, 'FRAME_MALFORMED')).toBe(true);
      }
    }), { numRuns: 2000 });
  });

  it('padding must be last', () => {
    const bytes = encodeBlocks([{ type: BLOCK.padding, data: new Uint8Array(2) }, { type: BLOCK.message, data: new Uint8Array(1) }]);
    expect(() => decodeBlocks(bytes)).toThrow(expect.objectContaining({ code: 'FRAME_MALFORMED' }));
  });

  it('bounds the number of blocks per frame', () => {
    const many = Array.from({ length: 65 }, () => ({ type: 1, data: new Uint8Array(0) }));
    expect(() => decodeBlocks(encodeBlocks(many))).toThrow(expect.objectContaining({ code: 'FRAME_MALFORMED' }));
  });
});

describe('FrameReader', () => {
  const bodies = [new Uint8Array(16).fill(1), new Uint8Array(300).fill(2), new Uint8Array(17).fill(3)];
  const stream = Uint8Array.from(bodies.flatMap((b) => [...encodeFrame(b)]));

  it('reassembles frames split at every offset (two chunks)', () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      const r = new FrameReader(1024);
      const out = [...r.push(stream.subarray(0, cut)), ...r.push(stream.subarray(cut))];
      expect(out).toEqual(bodies);
      expect(r.buffered).toBe(0);
    }
  });

  it('reassembles frames fed one byte at a time and in random chunkings', () => {
    const r = new FrameReader(1024);
    const out: Uint8Array[] = [];
    for (const b of stream) out.push(...r.push(Uint8Array.of(b)));
    expect(out).toEqual(bodies);
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 40 }), (sizes) => {
      const rr = new FrameReader(1024);
      const got: Uint8Array[] = [];
      let off = 0;
      let i = 0;
      while (off < stream.length) {
        const n = sizes[i++ % sizes.length]!;
        got.push(...rr.push(stream.subarray(off, off + n)));
        off += n;
      }
      expect(got).toEqual(bodies);
    }));
  });

  it('refuses an oversized length before buffering its body', () => {
    const r = new FrameReader(1024);
    expect(() => r.push(Uint8Array.of(0x04, 0x01))).toThrow(expect.objectContaining({ code: 'FRAME_TOO_LARGE' }));
  });

  it('refuses a length shorter than the AEAD tag', () => {
    const r = new FrameReader(1024);
    expect(() => r.push(Uint8Array.of(0, 5, 1, 2, 3, 4, 5))).toThrow(expect.objectContaining({ code: 'FRAME_MALFORMED' }));
  });

  it('any byte stream: frames or a typed error, buffer never above the limit', () => {
    fc.assert(fc.property(fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 20 }), (chunks) => {
      const r = new FrameReader(256);
      try {
        for (const c of chunks) {
          for (const f of r.push(c)) expect(f.length).toBeLessThanOrEqual(256);
          expect(r.buffered).toBeLessThanOrEqual(258);
        }
      } catch (err) {
        expect(isOverlayError(err, 'FRAME_TOO_LARGE') || isOverlayError(err, 'FRAME_MALFORMED')).toBe(true);
      }
    }), { numRuns: 1000 });
  });
});
