import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { suffixArray } from '../../firmware-update/delta/suffix-array.ts';
import { longestMatch } from '../../firmware-update/delta/match.ts';

/** Reference: sort the suffixes with a plain comparison. */
function naiveSuffixArray(b: Uint8Array): number[] {
  const idx = Array.from({ length: b.length }, (_, i) => i);
  return idx.sort((x, y) => Buffer.compare(b.subarray(x), b.subarray(y)));
}

const textArb = fc.oneof(
  fc.uint8Array({ maxLength: 300 }),
  fc.array(fc.integer({ min: 0, max: 2 }), { maxLength: 300 }).map((a) => Uint8Array.from(a)),
  fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 5 }), fc.nat(60)).map(([w, n]) => new Uint8Array(Buffer.concat(Array.from({ length: n }, () => w)))),
);

describe('SA-IS suffix array', () => {
  it('equals the naive suffix sort', () => {
    fc.assert(fc.property(textArb, (t) => {
      expect(Array.from(suffixArray(t))).toEqual(naiveSuffixArray(t));
    }), { numRuns: 1500 });
  });

  it('longestMatch finds a longest common prefix among old suffixes', () => {
    fc.assert(fc.property(textArb, fc.uint8Array({ maxLength: 40 }), fc.boolean(), (old, probe, fromOld) => {
      const target = fromOld && old.length > 0 ? old.slice(old.length >> 1, (old.length >> 1) + 20) : probe;
      const sa = suffixArray(old);
      const { pos, len } = longestMatch({ old, sa, target, lastOffset: 0 }, 0, target.length);
      let best = 0;
      for (let p = 0; p < old.length; p++) {
        let k = 0;
        while (k < target.length && p + k < old.length && old[p + k] === target[k]) k++;
        best = Math.max(best, k);
      }
      expect(len).toBe(best);
      expect(Buffer.from(old.subarray(pos, pos + len)).equals(Buffer.from(target.subarray(0, len)))).toBe(true);
    }), { numRuns: 800 });
  });
});
