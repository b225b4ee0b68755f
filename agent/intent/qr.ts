/**
 * A small QR Code encoder (ISO/IEC 18004:2015) for the pairing code on a terminal: byte mode,
 * error correction L or M, versions 1–10 (up to 271 bytes at L), the mask with the lowest
 * penalty (§8.8.2), and a renderer with half-block characters. Checked module for module
 * against libqrencode 4.1.1 (test/vectors/qr/, test/intent/qr.test.ts).
 */

export type QrLevel = 'L' | 'M';

/** ISO/IEC 18004 Table 9 for versions 1–10: [EC codewords per block, [blocks, data codewords]…]. */
const BLOCKS: Record<QrLevel, ReadonlyArray<readonly [number, ReadonlyArray<readonly [number, number]>]>> = {
  L: [[7, [[1, 19]]], [10, [[1, 34]]], [15, [[1, 55]]], [20, [[1, 80]]], [26, [[1, 108]]], [18, [[2, 68]]], [20, [[2, 78]]],
    [24, [[2, 97]]], [30, [[2, 116]]], [18, [[2, 68], [2, 69]]]],
  M: [[10, [[1, 16]]], [16, [[1, 28]]], [26, [[1, 44]]], [18, [[2, 32]]], [24, [[2, 43]]], [16, [[4, 27]]], [18, [[4, 31]]],
    [22, [[2, 38], [2, 39]]], [22, [[3, 36], [2, 37]]], [26, [[4, 43], [1, 44]]]],
};
/** Annex E: alignment pattern centre coordinates. */
const ALIGN: ReadonlyArray<readonly number[]> = [[], [6, 18], [6, 22], [6, 26], [6, 30], [6, 34], [6, 22, 38], [6, 24, 42], [6, 26, 46], [6, 28, 50]];
const LEVEL_BITS: Record<QrLevel, number> = { L: 1, M: 0 };

export interface QrCode {
  readonly version: number;
  readonly size: number;
  readonly mask: number;
  /** modules[y][x], true = dark. */
  readonly modules: readonly (readonly boolean[])[];
}

function dataCapacity(version: number, level: QrLevel): number {
  return BLOCKS[level][version - 1]![1].reduce((n, [b, d]) => n + b * d, 0);
}

/** Encodes bytes; throws RangeError when they do not fit version 10. */
export function encodeQr(data: Uint8Array, level: QrLevel = 'M', forceMask?: number): QrCode {
  let version = 1;
  while (version <= 10 && 4 + (version < 10 ? 8 : 16) + data.length * 8 > dataCapacity(version, level) * 8) version++;
  if (version > 10) throw new RangeError(`${data.length} bytes do not fit a version 10 QR code at level ${level}`);
  const codewords = interleave(padded(data, version, level), version, level);
  const size = version * 4 + 17;
  const base = new Matrix(size);
  drawFunctionPatterns(base, version);
  placeData(base, codewords);
  let best: { mask: number; m: Matrix; penalty: number } | undefined;
  for (let mask = 0; mask < 8; mask++) {
    if (forceMask !== undefined && mask !== forceMask) continue;
    const m = base.copy();
    applyMask(m, mask);
    drawFormat(m, level, mask);
    const p = penalty(m);
    if (best === undefined || p < best.penalty) best = { mask, m, penalty: p };
  }
  return { version, size, mask: best!.mask, modules: best!.m.dark };
}

class Matrix {
  dark: boolean[][];
  fn: boolean[][];
  constructor(readonly size: number) {
    this.dark = Array.from({ length: size }, () => new Array<boolean>(size).fill(false));
    this.fn = Array.from({ length: size }, () => new Array<boolean>(size).fill(false));
  }
  set(x: number, y: number, dark: boolean): void {
    this.dark[y]![x] = dark;
    this.fn[y]![x] = true;
  }
  copy(): Matrix {
    const m = new Matrix(this.size);
    m.dark = this.dark.map((r) => r.slice());
    m.fn = this.fn;
    return m;
  }
}

function padded(data: Uint8Array, version: number, level: QrLevel): number[] {
  const bits: number[] = [];
  const put = (v: number, n: number): void => {
    for (let i = n - 1; i >= 0; i--) bits.push((v >>> i) & 1);
  };
  put(0b0100, 4);
  put(data.length, version < 10 ? 8 : 16);
  for (const b of data) put(b, 8);
  const capacity = dataCapacity(version, level) * 8;
  put(0, Math.min(4, capacity - bits.length));
  put(0, (8 - (bits.length % 8)) % 8);
  const out: number[] = [];
  for (let i = 0; i < bits.length; i += 8) out.push(bits.slice(i, i + 8).reduce((a, b) => (a << 1) | b, 0));
  for (let pad = 0xec; out.length < capacity / 8; pad ^= 0xec ^ 0x11) out.push(pad);
  return out;
}

function gfMul(a: number, b: number): number {
  let r = 0;
  for (let i = 7; i >= 0; i--) {
    r = (r << 1) ^ ((r >>> 7) * 0x11d);
    r ^= ((b >>> i) & 1) * a;
  }
  return r & 0xff;
}

/** Reed–Solomon remainder over GF(2^8) mod 0x11D with generator ∏(x − α^i), i < degree. */
function rsRemainder(data: readonly number[], degree: number): number[] {
  const gen = new Array<number>(degree).fill(0);
  gen[degree - 1] = 1;
  let root = 1;
  for (let i = 0; i < degree; i++) {
    for (let j = 0; j < degree; j++) gen[j] = gfMul(gen[j]!, root) ^ (gen[j + 1] ?? 0);
    root = gfMul(root, 2);
  }
  const rem = new Array<number>(degree).fill(0);
  for (const b of data) {
    const factor = b ^ rem.shift()!;
    rem.push(0);
    for (let i = 0; i < degree; i++) rem[i]! ^= gfMul(gen[i]!, factor);
  }
  return rem;
}

function interleave(data: number[], version: number, level: QrLevel): number[] {
  const [ec, groups] = BLOCKS[level][version - 1]!;
  const blocks: number[][] = [];
  let at = 0;
  for (const [count, len] of groups) for (let b = 0; b < count; b++) blocks.push(data.slice(at, (at += len)));
  const ecs = blocks.map((b) => rsRemainder(b, ec));
  const out: number[] = [];
  const longest = Math.max(...blocks.map((b) => b.length));
  for (let i = 0; i < longest; i++) for (const b of blocks) if (i < b.length) out.push(b[i]!);
  for (let i = 0; i < ec; i++) for (const e of ecs) out.push(e[i]!);
  return out;
}

function drawFunctionPatterns(m: Matrix, version: number): void {
  const n = m.size;
  for (let i = 0; i < n; i++) {
    m.set(6, i, i % 2 === 0);
    m.set(i, 6, i % 2 === 0);
  }
  for (const [cx, cy] of [[3, 3], [n - 4, 3], [3, n - 4]] as const) {
    for (let dy = -4; dy <= 4; dy++) {
      for (let dx = -4; dx <= 4; dx++) {
        const x = cx + dx;
        const y = cy + dy;
        const d = Math.max(Math.abs(dx), Math.abs(dy));
        if (x >= 0 && x < n && y >= 0 && y < n) m.set(x, y, d !== 2 && d !== 4);
      }
    }
  }
  const pos = ALIGN[version - 1]!;
  for (const ay of pos) {
    for (const ax of pos) {
      const onFinder = (ax === 6 && ay === 6) || (ax === 6 && ay === pos[pos.length - 1]) || (ay === 6 && ax === pos[pos.length - 1]);
      if (onFinder) continue;
      for (let dy = -2; dy <= 2; dy++) for (let dx = -2; dx <= 2; dx++) m.set(ax + dx, ay + dy, Math.max(Math.abs(dx), Math.abs(dy)) !== 1);
    }
  }
  drawFormat(m, 'L', 0); // reserves the format areas; redrawn per mask
  if (version >= 7) {
    let rem = version;
    for (let i = 0; i < 12; i++) rem = (rem << 1) ^ ((rem >>> 11) * 0x1f25);
    const bits = (version << 12) | rem;
    for (let i = 0; i < 18; i++) {
      const bit = ((bits >>> i) & 1) === 1;
      m.set(n - 11 + (i % 3), Math.floor(i / 3), bit);
      m.set(Math.floor(i / 3), n - 11 + (i % 3), bit);
    }
  }
}

function drawFormat(m: Matrix, level: QrLevel, mask: number): void {
  const data = (LEVEL_BITS[level] << 3) | mask;
  let rem = data;
  for (let i = 0; i < 10; i++) rem = (rem << 1) ^ ((rem >>> 9) * 0x537);
  const bits = ((data << 10) | rem) ^ 0x5412;
  const bit = (i: number): boolean => ((bits >>> i) & 1) === 1;
  const n = m.size;
  for (let i = 0; i <= 5; i++) m.set(8, i, bit(i));
  m.set(8, 7, bit(6));
  m.set(8, 8, bit(7));
  m.set(7, 8, bit(8));
  for (let i = 9; i < 15; i++) m.set(14 - i, 8, bit(i));
  for (let i = 0; i < 8; i++) m.set(n - 1 - i, 8, bit(i));
  for (let i = 8; i < 15; i++) m.set(8, n - 15 + i, bit(i));
  m.set(8, n - 8, true);
}

function placeData(m: Matrix, codewords: readonly number[]): void {
  const n = m.size;
  let i = 0;
  for (let right = n - 1; right >= 1; right -= 2) {
    if (right === 6) right = 5;
    for (let vert = 0; vert < n; vert++) {
      for (let j = 0; j < 2; j++) {
        const x = right - j;
        const y = ((right + 1) & 2) === 0 ? n - 1 - vert : vert;
        if (m.fn[y]![x] || i >= codewords.length * 8) continue;
        m.dark[y]![x] = ((codewords[i >>> 3]! >>> (7 - (i & 7))) & 1) === 1;
        i++;
      }
    }
  }
}

const MASKS: ReadonlyArray<(x: number, y: number) => boolean> = [
  (x, y) => (x + y) % 2 === 0, (_x, y) => y % 2 === 0, (x) => x % 3 === 0, (x, y) => (x + y) % 3 === 0,
  (x, y) => (Math.floor(x / 3) + Math.floor(y / 2)) % 2 === 0, (x, y) => ((x * y) % 2) + ((x * y) % 3) === 0,
  (x, y) => (((x * y) % 2) + ((x * y) % 3)) % 2 === 0, (x, y) => (((x + y) % 2) + ((x * y) % 3)) % 2 === 0,
];

function applyMask(m: Matrix, mask: number): void {
  for (let y = 0; y < m.size; y++) for (let x = 0; x < m.size; x++) if (!m.fn[y]![x] && MASKS[mask]!(x, y)) m.dark[y]![x] = !m.dark[y]![x];
}

/** §8.8.2 penalty: runs of ≥ 5, 2×2 blocks, finder-like 1:1:3:1:1 patterns, dark proportion. */
function penalty(m: Matrix): number {
  const n = m.size;
  const at = (x: number, y: number, t: boolean): boolean => (t ? m.dark[x]![y]! : m.dark[y]![x]!);
  let p = 0;
  for (const t of [false, true]) {
    for (let y = 0; y < n; y++) {
      let run = 1;
      for (let x = 1; x <= n; x++) {
        if (x < n && at(x, y, t) === at(x - 1, y, t)) run++;
        else {
          if (run >= 5) p += 3 + run - 5;
          run = 1;
        }
      }
      const line = Array.from({ length: n }, (_, x) => (at(x, y, t) ? '1' : '0')).join('');
      const padded = `0000${line}0000`;
      for (const pat of ['10111010000', '00001011101']) for (let k = padded.indexOf(pat); k >= 0; k = padded.indexOf(pat, k + 1)) p += 40;
    }
  }
  let dark = 0;
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      if (m.dark[y]![x]) dark++;
      if (x < n - 1 && y < n - 1) {
        const c = m.dark[y]![x];
        if (c === m.dark[y]![x + 1] && c === m.dark[y + 1]![x] && c === m.dark[y + 1]![x + 1]) p += 3;
      }
    }
  }
  p += 10 * Math.floor(Math.abs(dark * 20 - n * n * 10) / (n * n));
  return p;
}

/** Two module rows per text line with half blocks, a 4-module quiet zone, dark on light. */
export function renderQr(code: QrCode): string {
  const q = 4;
  const n = code.size + 2 * q;
  const dark = (x: number, y: number): boolean => code.modules[y - q]?.[x - q] ?? false;
  const lines: string[] = [];
  for (let y = 0; y < n; y += 2) {
    let line = '';
    for (let x = 0; x < n; x++) {
      const top = dark(x, y);
      const bottom = y + 1 < n && dark(x, y + 1);
      line += `\x1b[${top ? 30 : 97}m\x1b[${bottom ? 40 : 107}m▀`;
    }
    lines.push(`${line}\x1b[0m`);
  }
  return `${lines.join('\n')}\n`;
}
