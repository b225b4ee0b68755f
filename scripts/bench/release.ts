/**
 * Release section: the bundle's size by package against its 1 MiB gate, the release tarball and
 * unpacked sizes per architecture, and the systemd unit's exposure score (lower is better;
 * systemd-analyze's own scale, where ≤ 3.0 is "OK").
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SIZE_GATE, buildBundle } from '../build.ts';
import { makeRelease } from '../release/release.ts';
import { makeUnitRoot } from '../release/unit-root.ts';
import type { Arch } from '../release/node-runtime.ts';
import { table, type BenchSection } from './harness.ts';

const mib = (n: number): string => `${(n / 2 ** 20).toFixed(1)} MiB`;
const kib = (n: number): string => `${(n / 1024).toFixed(1)} KiB`;

async function run(): Promise<string> {
  const work = await mkdtemp(join(tmpdir(), 'ip2-bench-rel-'));
  const bundle = await buildBundle(() => undefined, join(work, 'bundle/ip2.js'));
  const rows = [...bundle.byPackage].sort((a, b) => b[1] - a[1]).map(([p, b]) => [p, kib(b)]);
  const sizes: string[][] = [];
  for (const arch of ['arm64', 'armv7'] as Arch[]) {
    const r = await makeRelease({ arch, outDir: join(work, 'rel'), log: () => undefined });
    sizes.push([arch, mib(r.tarballBytes), mib(r.unpackedBytes)]);
  }
  return [
    `**Bundle** \`dist/ip2.js\`: ${kib(bundle.bytes)}, ${((bundle.bytes / SIZE_GATE) * 100).toFixed(0)} % of the ${kib(SIZE_GATE)} gate (minified, native addons external).`,
    '',
    table(['package', 'bytes in the bundle'], rows),
    '',
    '**Release tarballs** (bundle, serialport for the target only, the official Node runtime, unit, defaults):',
    '',
    table(['arch', 'tarball', 'unpacked'], sizes),
    '',
    `**systemd unit** (scripts/systemd/ip2-agent.service), \`systemd-analyze security --offline\`: ${await securityScore()}`,
  ].join('\n');
}

async function securityScore(): Promise<string> {
  const root = await makeUnitRoot();
  const r = spawnSync('systemd-analyze', ['security', '--offline=true', `--root=${root}`, 'ip2-agent.service'], { encoding: 'utf8' });
  const m = /Overall exposure level for ip2-agent\.service: ([\d.]+ \w+)/.exec(r.stdout);
  return m?.[1] ?? 'not measured (systemd-analyze missing)';
}

export const section: BenchSection = { id: 'release', title: 'Bundle, release and unit', run };
