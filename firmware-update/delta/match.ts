/**
 * The bsdiff matching heuristic (Colin Percival, "Naive differences of executable code", 2003),
 * run over one target extent against a suffix array of the whole old image. It yields pieces:
 * `add` bytes taken from old at `oldPos` plus a bytewise difference, then `extra` literal bytes
 * from the target. Approximate matches (few differing bytes, e.g. shifted addresses in machine
 * code) become long `add` runs whose difference stream is mostly zero, which brotli compresses well.
 */

export interface Piece {
  /** Old offset the `add` run reads from. */
  readonly oldPos: number;
  readonly add: number;
  readonly extra: number;
}

export interface MatchContext {
  readonly old: Uint8Array;
  readonly sa: Int32Array;
  readonly target: Uint8Array;
  /** Alignment (old offset − target offset) carried from the previous extent. */
  lastOffset: number;
}

/** Length of the common prefix of old[a..] and target[b..end). */
function commonPrefix(old: Uint8Array, a: number, target: Uint8Array, b: number, end: number): number {
  const max = Math.min(old.length - a, end - b);
  let i = 0;
  while (i < max && old[a + i] === target[b + i]) i++;
  return i;
}

/** Longest match of target[at..end) among old's suffixes: binary search over the suffix array. */
export function longestMatch(ctx: MatchContext, at: number, end: number): { pos: number; len: number } {
  const { old, sa, target } = ctx;
  if (sa.length === 0) return { pos: 0, len: 0 };
  let lo = 0;
  let hi = sa.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    const p = sa[mid]!;
    const k = commonPrefix(old, p, target, at, end);
    const oldLess = p + k >= old.length || (at + k < end && old[p + k]! < target[at + k]!);
    if (oldLess) lo = mid;
    else hi = mid;
  }
  const a = sa[lo]!;
  const b = sa[hi]!;
  const la = commonPrefix(old, a, target, at, end);
  const lb = commonPrefix(old, b, target, at, end);
  return la >= lb ? { pos: a, len: la } : { pos: b, len: lb };
}

/** Splits target[start..end) into pieces (see the module comment). */
export function matchExtent(ctx: MatchContext, start: number, end: number): Piece[] {
  const { old, target } = ctx;
  const same = (o: number, t: number): boolean => o >= 0 && o < old.length && old[o] === target[t];
  const pieces: Piece[] = [];
  let lastScan = start;
  let lastPos = clamp(start + ctx.lastOffset, 0, old.length);
  let scan = start;
  let len = 0;
  let pos = 0;
  while (scan < end) {
    let oldScore = 0;
    scan += len;
    let scsc = scan;
    for (; scan < end; scan++) {
      ({ pos, len } = longestMatch(ctx, scan, end));
      for (; scsc < scan + len; scsc++) if (same(scsc + ctx.lastOffset, scsc)) oldScore++;
      if ((len === oldScore && len !== 0) || len > oldScore + 8) break;
      if (same(scan + ctx.lastOffset, scan)) oldScore--;
    }
    if (len === oldScore && scan !== end) continue;
    const lenf = extendForward(old, target, lastScan, lastPos, scan);
    const lenb = scan < end ? extendBackward(old, target, lastScan, scan, pos) : 0;
    const [f, b] = resolveOverlap(old, target, { lastScan, lastPos, scan, pos, lenf, lenb });
    pieces.push({ oldPos: lastPos, add: f, extra: scan - b - (lastScan + f) });
    lastScan = scan - b;
    lastPos = pos - b;
    ctx.lastOffset = pos - scan;
  }
  return pieces;
}

/** Forward extension: the prefix of target[lastScan..scan) against old[lastPos..] with the best 2·matches − length. */
function extendForward(old: Uint8Array, target: Uint8Array, lastScan: number, lastPos: number, scan: number): number {
  let s = 0;
  let best = 0;
  let lenf = 0;
  for (let i = 0; lastScan + i < scan && lastPos + i < old.length; ) {
    if (old[lastPos + i] === target[lastScan + i]) s++;
    i++;
    if (s * 2 - i > best * 2 - lenf) {
      best = s;
      lenf = i;
    }
  }
  return lenf;
}

/** Backward extension of the match at (scan, pos) into target[lastScan..scan). */
function extendBackward(old: Uint8Array, target: Uint8Array, lastScan: number, scan: number, pos: number): number {
  let s = 0;
  let best = 0;
  let lenb = 0;
  for (let i = 1; scan >= lastScan + i && pos >= i; i++) {
    if (old[pos - i] === target[scan - i]) s++;
    if (s * 2 - i > best * 2 - lenb) {
      best = s;
      lenb = i;
    }
  }
  return lenb;
}

interface Span {
  lastScan: number;
  lastPos: number;
  scan: number;
  pos: number;
  lenf: number;
  lenb: number;
}

/** Where the forward and backward extensions overlap, cut at the point that keeps the most matches. */
function resolveOverlap(old: Uint8Array, target: Uint8Array, x: Span): [number, number] {
  const overlap = x.lastScan + x.lenf - (x.scan - x.lenb);
  if (overlap <= 0) return [x.lenf, x.lenb];
  let s = 0;
  let best = 0;
  let lens = 0;
  for (let i = 0; i < overlap; i++) {
    if (target[x.lastScan + x.lenf - overlap + i] === old[x.lastPos + x.lenf - overlap + i]) s++;
    if (target[x.scan - x.lenb + i] === old[x.pos - x.lenb + i]) s--;
    if (s > best) {
      best = s;
      lens = i + 1;
    }
  }
  return [x.lenf + lens - overlap, x.lenb - lens];
}

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}
