/** Shared helpers for benchmark sections. */

export interface BenchSection {
  /** Short id used on the command line: `npm run bench -- crypto`. */
  readonly id: string;
  readonly title: string;
  /** Runs the measurements and returns the section's Markdown body. */
  run(): Promise<string>;
}

export interface Rate {
  /** Operations per second (median of the rounds). */
  readonly opsPerSec: number;
  readonly rounds: number;
}

/**
 * Measures a synchronous operation: warms up, then runs `rounds` rounds of at least `minMs`
 * each and reports the median rate. Rounds of two contenders should be interleaved by the
 * caller (see `compare`) so that noise from a shared machine hits both alike.
 */
export function measure(op: () => unknown, opts: { minMs?: number; rounds?: number } = {}): Rate {
  const minMs = opts.minMs ?? 200;
  const rounds = opts.rounds ?? 5;
  for (let i = 0; i < 50; i++) op();
  const rates: number[] = [];
  for (let r = 0; r < rounds; r++) rates.push(round(op, minMs));
  return { opsPerSec: median(rates), rounds };
}

/** Interleaves rounds of several contenders and returns each median rate, in input order. */
export function compare(ops: ReadonlyArray<() => unknown>, opts: { minMs?: number; rounds?: number } = {}): Rate[] {
  const minMs = opts.minMs ?? 200;
  const rounds = opts.rounds ?? 5;
  for (const op of ops) for (let i = 0; i < 50; i++) op();
  const rates: number[][] = ops.map(() => []);
  for (let r = 0; r < rounds; r++) ops.forEach((op, i) => rates[i]!.push(round(op, minMs)));
  return rates.map((rs) => ({ opsPerSec: median(rs), rounds }));
}

function round(op: () => unknown, minMs: number): number {
  let n = 0;
  let batch = 1;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < minMs) {
    for (let i = 0; i < batch; i++) op();
    n += batch;
    batch = Math.min(batch * 2, 4096);
    elapsed = performance.now() - start;
  }
  return (n * 1000) / elapsed;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function fmtRate(r: number): string {
  if (r >= 1e6) return `${(r / 1e6).toFixed(2)} M/s`;
  if (r >= 1e3) return `${(r / 1e3).toFixed(1)} k/s`;
  return `${r.toFixed(0)} /s`;
}

export function table(head: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}
