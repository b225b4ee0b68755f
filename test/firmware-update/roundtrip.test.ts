import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { diffBytes, inspectDelta } from '../../firmware-update/delta/index.ts';
import { applyBytes, chunked, edit, editArb, imageArb, withTmp } from './helpers.ts';

const extentArb = fc.oneof(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 65, max: 4096 }), fc.constant(2 * 1024 * 1024));

describe('patch(old, diff(old, new)) == new', () => {
  it('holds for edited images (insertions, deletions, moved blocks, flips)', async () => {
    await withTmp(async (dir) => {
      await fc.assert(
        fc.asyncProperty(imageArb, fc.array(editArb, { maxLength: 6 }), extentArb, fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 4 }),
          async (old, edits, extentSize, sizes) => {
            const neu = edit(old, edits);
            const patch = diffBytes(old, neu, { extentSize, quality: 5 });
            expect(Buffer.from(await applyBytes(dir, old, patch, { sizes })).equals(neu)).toBe(true);
          }),
        { numRuns: 100 },
      );
    });
  }, 90_000);

  it('holds for unrelated random images, empty and identical files', async () => {
    await withTmp(async (dir) => {
      await fc.assert(
        fc.asyncProperty(imageArb, imageArb, fc.boolean(), extentArb, async (a, b, same, extentSize) => {
          const neu = same ? a : b;
          const patch = diffBytes(a, neu, { extentSize, quality: 5 });
          expect(Buffer.from(await applyBytes(dir, a, patch)).equals(neu)).toBe(true);
        }),
        { numRuns: 100 },
      );
    });
  }, 90_000);

  it('handles the edge pairs explicitly', async () => {
    const some = new Uint8Array(Buffer.from('hello firmware world'));
    const pairs: Array<[Uint8Array, Uint8Array]> = [
      [new Uint8Array(0), new Uint8Array(0)], [new Uint8Array(0), some], [some, new Uint8Array(0)], [some, some],
      [new Uint8Array(10000), new Uint8Array(20000)],
    ];
    await withTmp(async (dir) => {
      for (const [a, b] of pairs) {
        const patch = diffBytes(a, b, { extentSize: 4096 });
        expect(Buffer.from(await applyBytes(dir, a, patch)).equals(b)).toBe(true);
      }
    });
  });

  it('makes identical and zero extents cheap', async () => {
    const a = new Uint8Array(64 * 1024).map((_, i) => (i * 7919) & 0xff);
    const b = new Uint8Array(Buffer.concat([a, new Uint8Array(64 * 1024)]));
    const patch = diffBytes(a, b, { extentSize: 16 * 1024 });
    const s = await inspectDelta(chunked(patch));
    expect(s.ops.source_copy.count).toBe(4);
    expect(s.ops.zero.count).toBe(4);
    expect(patch.length).toBeLessThan(92 + 8 * (37 + 8));
  });

  it('uses BSDIFF for approximate matches and stays far smaller than the image', async () => {
    const a = new Uint8Array(200_000).map((_, i) => ((i * 2654435761) >>> 24) & 0xff);
    const b = edit(a, [{ kind: 'insert', at: 5000, bytes: new Uint8Array([1, 2, 3]) }, { kind: 'flip', at: 90_000, len: 40, xor: 3 }]);
    const patch = diffBytes(a, b);
    const s = await inspectDelta(chunked(patch));
    expect(s.ops.bsdiff.count).toBe(1);
    expect(patch.length).toBeLessThan(1000);
  });
});
