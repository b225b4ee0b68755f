/**
 * Builds the delta benchmark corpus under .tmp/bench-delta/ from real artifacts fetched with
 * `npm pack` (research/firmware.md §2.1): adjacent versions of a native binary and of large JS
 * files, a small ext4 image pair made with `mke2fs -d`, and a 10 MB / 500 MB pair for apply memory.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { cp, mkdir, open, readFile, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { encodeHeader } from '../../../firmware-update/delta/format.ts';
import { OP_SOURCE_COPY } from '../../../firmware-update/delta/constants.ts';

export interface Pair {
  readonly name: string;
  readonly kind: string;
  readonly old: string;
  readonly new: string;
}

const PKGS = ['@esbuild/linux-arm64@0.28.1', '@esbuild/linux-arm64@0.28.2', 'typescript@5.9.2', 'typescript@5.9.3', 'mqtt@5.15.1', 'mqtt@5.15.2'];

export async function buildCorpus(root: string): Promise<Pair[]> {
  const pkgs = join(root, 'pkgs');
  await mkdir(pkgs, { recursive: true });
  const dirs = new Map<string, string>();
  for (const spec of PKGS) {
    const tgz = spec.replace(/^@/, '').replace('/', '-').replace('@', '-') + '.tgz';
    if (!existsSync(join(pkgs, tgz))) execFileSync('npm', ['pack', '-q', spec], { cwd: pkgs, stdio: 'ignore' });
    const dir = join(pkgs, tgz.replace(/\.tgz$/, ''));
    if (!existsSync(dir)) {
      await mkdir(dir, { recursive: true });
      execFileSync('tar', ['xzf', join(pkgs, tgz), '-C', dir]);
    }
    dirs.set(spec, join(dir, 'package'));
  }
  const p = join(root, 'pairs');
  await mkdir(p, { recursive: true });
  const d = (s: string): string => dirs.get(s)!;
  const pairs: Pair[] = [];
  const copyPair = async (name: string, kind: string, a: string, b: string): Promise<void> => {
    await cp(a, join(p, `${name}-old`));
    await cp(b, join(p, `${name}-new`));
    pairs.push({ name, kind, old: join(p, `${name}-old`), new: join(p, `${name}-new`) });
  };
  await copyPair('esbuild-arm64', 'native executable (ELF aarch64)', join(d(PKGS[0]!), 'bin/esbuild'), join(d(PKGS[1]!), 'bin/esbuild'));
  await copyPair('tsjs', 'large JS (typescript.js)', join(d(PKGS[2]!), 'lib/typescript.js'), join(d(PKGS[3]!), 'lib/typescript.js'));
  await copyPair('mqtt-min', 'minified JS (mqtt.min.js)', join(d(PKGS[4]!), 'dist/mqtt.min.js'), join(d(PKGS[5]!), 'dist/mqtt.min.js'));
  for (const [v, ts, mq] of [['old', PKGS[2]!, PKGS[4]!], ['new', PKGS[3]!, PKGS[5]!]] as const) {
    const tree = join(root, `rootfs-${v}`);
    if (!existsSync(tree)) {
      await mkdir(join(tree, 'opt'), { recursive: true });
      await cp(d(ts), join(tree, 'opt/typescript'), { recursive: true });
      await cp(d(mq), join(tree, 'opt/mqtt'), { recursive: true });
      await writeFile(join(tree, 'version'), `${v}\n`);
      execFileSync('find', [tree, '-exec', 'touch', '-h', '-d', '2025-01-01 00:00:00', '{}', '+']);
    }
    const img = join(p, `rootfs-${v}`);
    execFileSync('mke2fs', ['-q', '-F', '-t', 'ext4', '-b', '4096', '-U', '6f8b2a3c-1d2e-4f50-9a7b-0c1d2e3f4a5b',
      '-E', 'hash_seed=0b1c2d3e-4f50-4a7b-8c9d-0e1f2a3b4c5d,root_owner=0:0', '-L', 'rootfs', '-d', tree, img, '40M'],
    { env: { ...process.env, E2FSPROGS_FAKE_TIME: '1735689600' } });
  }
  pairs.push({ name: 'rootfs', kind: 'ext4 image, 40 MiB (typescript + mqtt trees)', old: join(p, 'rootfs-old'), new: join(p, 'rootfs-new') });
  return pairs;
}

/**
 * The 500 MB apply-memory pair: the esbuild pair followed by the same pseudo-random filler in
 * both images. Its patch is our esbuild patch's operations followed by SOURCE_COPY operations
 * over the filler (4 MiB each), under a header for the big images.
 */
export async function buildBigPair(root: string, small: Pair, smallPatch: string, totalBytes: number): Promise<{ old: string; new: string; patch: string }> {
  const out = { old: join(root, 'pairs/big-old'), new: join(root, 'pairs/big-new'), patch: join(root, 'pairs/big.fwd') };
  const [a, b, sp] = await Promise.all([readFile(small.old), readFile(small.new), readFile(smallPatch)]);
  const fill = totalBytes - Math.max(a.length, b.length);
  const ha = createHash('sha256').update(a);
  const hb = createHash('sha256').update(b);
  const fo = await open(out.old, 'w');
  const fn = await open(out.new, 'w');
  const chunk = Buffer.alloc(4 * 1024 * 1024);
  const ops: Buffer[] = [];
  await fo.write(a);
  await fn.write(b);
  for (let done = 0; done < fill; done += chunk.length) {
    const c = chunk.subarray(0, Math.min(chunk.length, fill - done));
    randomFillSync(c);
    ha.update(c);
    hb.update(c);
    await fo.write(c);
    await fn.write(c);
    const op = Buffer.alloc(37 + 8);
    op[0] = OP_SOURCE_COPY;
    op.writeUInt32BE(c.length, 1);
    createHash('sha256').update(c).digest().copy(op, 5);
    op.writeBigUInt64BE(BigInt(a.length + done), 37);
    ops.push(op);
  }
  await fo.close();
  await fn.close();
  const smallOps = sp.readUInt32BE(88);
  const header = encodeHeader({
    sourceLength: (await stat(out.old)).size, sourceSha256: ha.digest(),
    targetLength: (await stat(out.new)).size, targetSha256: hb.digest(), opCount: smallOps + ops.length,
  });
  await writeFile(out.patch, Buffer.concat([header, sp.subarray(92), ...ops]));
  return out;
}
