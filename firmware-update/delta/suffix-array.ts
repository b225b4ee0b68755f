/**
 * Suffix array construction by induced sorting (SA-IS: Nong, Zhang and Chan, "Two Efficient
 * Algorithms for Linear Time Suffix Array Construction", 2011). Linear time; memory about
 * 9 bytes per input byte plus the recursion (at most half the size each level). Used only by
 * the diff, on the build machine.
 */

const L = 0;
const S = 1;

/** The suffix array of `text`: start offsets of its suffixes in lexicographic order. */
export function suffixArray(text: Uint8Array): Int32Array {
  const n = text.length;
  // Shift the alphabet by one and append a unique smallest sentinel (0).
  const t = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) t[i] = text[i]! + 1;
  const sa = sais(t, 257);
  return sa.subarray(1);
}

/** SA of `t` whose last symbol is a unique sentinel 0 and whose symbols are < `k`. */
function sais(t: Int32Array, k: number): Int32Array {
  const n = t.length;
  const sa = new Int32Array(n);
  if (n === 1) return sa;
  const types = classify(t);
  const isLms = (i: number): boolean => i > 0 && types[i] === S && types[i - 1] === L;
  const counts = bucketCounts(t, k);

  // Step 1: LMS positions at their bucket ends in text order, then induce.
  sa.fill(-1);
  const ends = bucketEnds(counts);
  for (let i = n - 1; i > 0; i--) if (isLms(i)) sa[--ends[t[i]!]!] = i;
  induce(t, sa, types, counts);

  // Step 2: name the sorted LMS substrings.
  const lmsCount = compactLms(sa, isLms);
  const { names, distinct } = nameLms(t, sa, types, lmsCount, isLms);

  // Step 3: order the LMS suffixes (recursively when names repeat).
  const positions = new Int32Array(lmsCount);
  const reduced = new Int32Array(lmsCount);
  let j = 0;
  for (let i = 1; i < n; i++) {
    if (isLms(i)) {
      positions[j] = i;
      reduced[j] = names[i >> 1]!;
      j++;
    }
  }
  let order: Int32Array;
  if (distinct < lmsCount) {
    order = sais(reduced, distinct);
  } else {
    order = new Int32Array(lmsCount);
    for (let i = 0; i < lmsCount; i++) order[reduced[i]!] = i;
  }

  // Step 4: place the sorted LMS suffixes at bucket ends (right to left) and induce again.
  sa.fill(-1);
  const ends2 = bucketEnds(counts);
  for (let i = lmsCount - 1; i >= 0; i--) {
    const p = positions[order[i]!]!;
    sa[--ends2[t[p]!]!] = p;
  }
  induce(t, sa, types, counts);
  return sa;
}

function classify(t: Int32Array): Uint8Array {
  const n = t.length;
  const types = new Uint8Array(n);
  types[n - 1] = S;
  for (let i = n - 2; i >= 0; i--) {
    const a = t[i]!;
    const b = t[i + 1]!;
    types[i] = a < b ? S : a > b ? L : types[i + 1]!;
  }
  return types;
}

function bucketCounts(t: Int32Array, k: number): Int32Array {
  const c = new Int32Array(k);
  for (let i = 0; i < t.length; i++) c[t[i]!]!++;
  return c;
}

function bucketEnds(counts: Int32Array): Int32Array {
  const e = new Int32Array(counts.length);
  let sum = 0;
  for (let i = 0; i < counts.length; i++) {
    sum += counts[i]!;
    e[i] = sum;
  }
  return e;
}

function bucketStarts(counts: Int32Array): Int32Array {
  const s = new Int32Array(counts.length);
  let sum = 0;
  for (let i = 0; i < counts.length; i++) {
    s[i] = sum;
    sum += counts[i]!;
  }
  return s;
}

/** Induces L-type suffixes left to right, then S-type suffixes right to left. */
function induce(t: Int32Array, sa: Int32Array, types: Uint8Array, counts: Int32Array): void {
  const n = t.length;
  const starts = bucketStarts(counts);
  for (let i = 0; i < n; i++) {
    const j = sa[i]! - 1;
    if (j >= 0 && types[j] === L) sa[starts[t[j]!]!++] = j;
  }
  const ends = bucketEnds(counts);
  for (let i = n - 1; i >= 0; i--) {
    const j = sa[i]! - 1;
    if (j >= 0 && types[j] === S) sa[--ends[t[j]!]!] = j;
  }
}

/** Moves the LMS positions, in their induced order, to the front of `sa`; returns their count. */
function compactLms(sa: Int32Array, isLms: (i: number) => boolean): number {
  let m = 0;
  for (let i = 0; i < sa.length; i++) {
    const p = sa[i]!;
    if (isLms(p)) sa[m++] = p;
  }
  return m;
}

/** Gives equal LMS substrings equal names (0..distinct-1) in sorted order, indexed by position / 2. */
function nameLms(
  t: Int32Array, sa: Int32Array, types: Uint8Array, lmsCount: number, isLms: (i: number) => boolean,
): { names: Int32Array; distinct: number } {
  const names = new Int32Array((t.length >> 1) + 1).fill(-1);
  let name = -1;
  let prev = -1;
  for (let i = 0; i < lmsCount; i++) {
    const p = sa[i]!;
    if (prev < 0 || !sameLmsSubstring(t, types, prev, p, isLms)) name++;
    names[p >> 1] = name;
    prev = p;
  }
  return { names, distinct: name + 1 };
}

function sameLmsSubstring(t: Int32Array, types: Uint8Array, a: number, b: number, isLms: (i: number) => boolean): boolean {
  const n = t.length;
  for (let d = 0; ; d++) {
    if (a + d >= n || b + d >= n) return false;
    if (t[a + d] !== t[b + d] || types[a + d] !== types[b + d]) return false;
    if (d > 0) {
      const ea = isLms(a + d);
      const eb = isLms(b + d);
      if (ea || eb) return ea && eb;
    }
  }
}
