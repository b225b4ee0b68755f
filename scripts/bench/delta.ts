/**
 * Delta firmware patches (issue 9, DESIGN.md §10): our FWD1 diff/apply against Debian's
 * bsdiff/bspatch, xdelta3 -9 and zstd -19 --long --patch-from on the same pairs in one run:
 * patch size, diff time, apply time and apply peak RSS (GNU time -v). Needs the apt packages
 * bsdiff xdelta3 zstd e2fsprogs time (and bzip2 for the brotli recode of bsdiff patches).
 */
import { cmp } from './delta/cmp.ts';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { BenchSection } from './harness.ts';
import { median, table } from './harness.ts';
import type { Pair } from './delta/corpus.ts';
import { buildBigPair, buildCorpus } from './delta/corpus.ts';
import type { Outcome, Timed } from './delta/tools.ts';
import { bsdiffBrotliSize, timed } from './delta/tools.ts';

const ROOT = new URL('../../.tmp/bench-delta/', import.meta.url).pathname;
const CHILD = new URL('./delta/fw-child.ts', import.meta.url).pathname;
const NODE = [process.execPath, '--import', 'tsx', CHILD];
const DIFF_TIMEOUT_S = 300;

interface Tool {
  readonly id: string;
  diff(old: string, neu: string, patch: string): string[];
  apply(old: string, patch: string, out: string): string[];
}

const TOOLS: readonly Tool[] = [
  { id: 'ours (FWD1)', diff: (o, n, p) => [...NODE, 'diff', o, n, p], apply: (o, p, x) => [...NODE, 'apply', o, p, x] },
  { id: 'bsdiff 4.3', diff: (o, n, p) => ['bsdiff', o, n, p], apply: (o, p, x) => ['bspatch', o, x, p] },
  { id: 'xdelta3 -9', diff: (o, n, p) => ['xdelta3', '-e', '-f', '-9', '-s', o, n, p], apply: (o, p, x) => ['xdelta3', '-d', '-f', '-s', o, p, x] },
  {
    id: 'zstd -19 --long --patch-from',
    diff: (o, n, p) => ['zstd', '-q', '-f', '-T1', '-19', '--long=27', `--patch-from=${o}`, n, '-o', p],
    apply: (o, p, x) => ['zstd', '-q', '-f', '-d', '--long=27', `--patch-from=${o}`, p, '-o', x],
  },
];

interface Row {
  readonly pair: Pair;
  readonly tool: string;
  readonly newBytes: number;
  readonly patchBytes: number | undefined;
  readonly diff: Outcome;
  readonly apply: Outcome | undefined;
  readonly ok: boolean;
  readonly extra?: string;
}

export const section: BenchSection = {
  id: 'delta',
  title: 'Delta firmware patches (FWD1) vs bsdiff, xdelta3, zstd --patch-from',
  async run() {
    await mkdir(join(ROOT, 'out'), { recursive: true });
    const pairs = await buildCorpus(ROOT);
    const rows: Row[] = [];
    for (const pair of pairs) for (const tool of TOOLS) rows.push(await measurePair(pair, tool));
    const memory = await measureMemory(pairs[0]!);
    return report(rows, memory);
  },
};

async function measurePair(pair: Pair, tool: Tool): Promise<Row> {
  const slug = tool.id.split(' ')[0]!.replace(/\W/g, '');
  const patch = join(ROOT, 'out', `${pair.name}.${slug}.patch`);
  const out = join(ROOT, 'out', `${pair.name}.${slug}.out`);
  const log = join(ROOT, 'out', 'time.log');
  process.stderr.write(`bench: delta ${pair.name} ${tool.id}\n`);
  const newBytes = (await stat(pair.new)).size;
  const diff = await timed(tool.diff(pair.old, pair.new, patch), DIFF_TIMEOUT_S, log);
  if ('failed' in diff) return { pair, tool: tool.id, newBytes, patchBytes: undefined, diff, apply: undefined, ok: false };
  const patchBytes = (await stat(patch)).size;
  const runs: Timed[] = [];
  let ok = true;
  for (let i = 0; i < 3; i++) {
    await rm(out, { force: true });
    const r = await timed(tool.apply(pair.old, patch, out), 600, log);
    if ('failed' in r) return { pair, tool: tool.id, newBytes, patchBytes, diff, apply: r, ok: false };
    runs.push(r);
    ok &&= await cmp(out, pair.new);
  }
  await rm(out, { force: true });
  const apply = { seconds: median(runs.map((r) => r.seconds)), maxRssMiB: Math.max(...runs.map((r) => r.maxRssMiB)) };
  const extra = slug === 'bsdiff' ? `bsdiff streams recompressed with brotli: ${await bsdiffBrotliSize(patch)} B` : undefined;
  return { pair, tool: tool.id, newBytes, patchBytes, diff, apply, ok, ...(extra === undefined ? {} : { extra }) };
}

interface Memory {
  readonly idle: Outcome;
  readonly small: Outcome;
  readonly big: Outcome;
  readonly bigBytes: number;
  readonly smallBytes: number;
}

async function measureMemory(small: Pair): Promise<Memory> {
  process.stderr.write('bench: delta apply memory 10 MB vs 500 MB\n');
  const log = join(ROOT, 'out', 'time.log');
  const smallPatch = join(ROOT, 'out', `${small.name}.ours.patch`);
  const big = await buildBigPair(ROOT, small, smallPatch, 500 * 1000 * 1000);
  const out = join(ROOT, 'out', 'mem.out');
  const idle = await timed([...NODE, 'idle'], 60, log);
  const s = await timed([...NODE, 'apply', small.old, smallPatch, out], 600, log);
  const b = await timed([...NODE, 'apply', big.old, big.patch, out], 1200, log);
  const bigBytes = (await stat(big.new)).size;
  await Promise.all([big.old, big.new, big.patch, out].map((f) => rm(f, { force: true })));
  return { idle, small: s, big: b, bigBytes, smallBytes: (await stat(small.new)).size };
}

function report(rows: readonly Row[], m: Memory): string {
  const fmt = (o: Outcome | undefined, what: 'seconds' | 'maxRssMiB'): string =>
    o === undefined ? '–' : 'failed' in o ? o.failed : what === 'seconds' ? o.seconds.toFixed(2) : o.maxRssMiB.toFixed(0);
  const body = rows.map((r) => [
    r.pair.name, r.tool,
    r.patchBytes === undefined ? '–' : `${r.patchBytes.toLocaleString('en-US')} (${((100 * r.patchBytes) / r.newBytes).toFixed(2)}%)`,
    fmt(r.diff, 'seconds'), fmt(r.apply, 'seconds'), fmt(r.apply, 'maxRssMiB'), r.ok ? 'ok' : 'FAIL',
  ]);
  const pairs = [...new Set(rows.map((r) => r.pair))];
  const ratios = pairs.map((p) => {
    const ours = rows.find((r) => r.pair === p && r.tool.startsWith('ours'))?.patchBytes;
    const peers = rows.filter((r) => r.pair === p && !r.tool.startsWith('ours') && r.patchBytes !== undefined && r.ok);
    const best = peers.reduce<Row | undefined>((a, r) => (a === undefined || r.patchBytes! < a.patchBytes! ? r : a), undefined);
    const bs = peers.find((r) => r.tool.startsWith('bsdiff'));
    const zs = peers.find((r) => r.tool.startsWith('zstd'));
    const ratio = (x: number | undefined): string => (ours === undefined || x === undefined ? '–' : (ours / x).toFixed(3));
    return [p.name, p.kind, ratio(best?.patchBytes), best?.tool ?? '–', ratio(bs?.patchBytes), ratio(zs?.patchBytes), bs?.extra ?? '–'];
  });
  const rss = (o: Outcome): number | undefined => ('failed' in o ? undefined : o.maxRssMiB);
  const [idle, s, b] = [rss(m.idle), rss(m.small), rss(m.big)];
  const growth = (x: number | undefined): string => (x === undefined || idle === undefined ? '–' : (x - idle).toFixed(1));
  return `Corpus: real artifacts fetched with \`npm pack\` (@esbuild/linux-arm64 0.28.1→0.28.2 \`bin/esbuild\`,
typescript 5.9.2→5.9.3 \`lib/typescript.js\`, mqtt 5.15.1→5.15.2 \`dist/mqtt.min.js\`) and a 40 MiB ext4 pair
made with \`mke2fs -d\` (fixed UUID, hash seed, fake time) holding the typescript and mqtt package trees
at the old and new versions. Each tool diffs once and applies three times (median time, maximum RSS),
in one run; every output is compared byte for byte with the new file. Times and RSS from GNU
\`/usr/bin/time -v\` (wall clock, "Maximum resident set size"); ours runs as \`node --import tsx\`.

${table(['pair', 'tool', 'patch bytes (% of new)', 'diff s', 'apply s', 'apply peak RSS MiB', 'output'], body)}

Size ratios, ours ÷ peer (issue 9 goals: ≤ 1.00 × bsdiff on executables, stretch ≤ 1.10 × bsdiff
streams recompressed with brotli; ≤ 1.25 × best peer on JS/text; ≤ 1.00 × zstd --patch-from on the ext4 image):

${table(['pair', 'kind', 'ours ÷ best peer', 'best peer', 'ours ÷ bsdiff', 'ours ÷ zstd', 'bsdiff + brotli recode'], ratios)}

Apply memory against image size (ours; peak RSS of the whole process and growth over the idle
process, which loads the same modules and exits). The 500 MB pair is the esbuild pair followed by
the same random filler in both images, patched by our esbuild operations plus 4 MiB SOURCE_COPY
operations over the filler.

${table(['case', 'image bytes', 'apply s', 'peak RSS MiB', 'over idle MiB'], [
  ['idle process', '–', fmt(m.idle, 'seconds'), fmt(m.idle, 'maxRssMiB'), '0'],
  ['esbuild-arm64 (10 MB)', m.smallBytes.toLocaleString('en-US'), fmt(m.small, 'seconds'), fmt(m.small, 'maxRssMiB'), growth(s)],
  ['esbuild + filler (500 MB)', m.bigBytes.toLocaleString('en-US'), fmt(m.big, 'seconds'), fmt(m.big, 'maxRssMiB'), growth(b)],
])}
`;
}
