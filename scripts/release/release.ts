/**
 * `npm run release -- --arch arm64|armv7|x64 [--out DIR] [--without-node]`
 *
 * Makes one self-contained tarball per architecture, laid out as an agent slot (the unit the
 * firmware updater switches between, /opt/ip2-agent/slots/{a,b}):
 *
 *   ip2-agent-<version>-linux-<arch>/
 *     bin/ip2                    launcher: the slot's own Node runs lib/ip2.js
 *     lib/ip2.js                 the esbuild bundle
 *     lib/node_modules/…         external native packages (serialport), prebuilds for <arch> only
 *     node/bin/node              the official Node.js runtime, from the npm registry
 *     systemd/ip2-agent.service  the hardened unit
 *     policies/defaults/         the default policies
 *     provision.example.json     what `ip2 flash` writes, documented
 *     manifest.json              versions and the SHA-256, size and mode of every file above
 *
 * The Pi needs no internet access, no compiler and no apt Node for it.
 */
import { execFileSync } from 'node:child_process';
import { chmod, cp, mkdir, readFile, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { buildBundle } from '../build.ts';
import { writeManifest } from './manifest.ts';
import { copyNativeModules } from './native-modules.ts';
import { fetchNodeRuntime, TARGETS, type Arch } from './node-runtime.ts';

export interface ReleaseOptions {
  readonly arch: Arch;
  readonly outDir: string;
  /** Leave out the Node runtime (tests of the layout and flasher that do not run it). */
  readonly withoutNode?: boolean;
  readonly cacheDir?: string;
  readonly log?: (line: string) => void;
}

export interface Release {
  readonly dir: string;
  readonly tarball: string;
  readonly version: string;
  readonly tarballBytes: number;
  readonly unpackedBytes: number;
}

export async function makeRelease(opts: ReleaseOptions): Promise<Release> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const pkg = JSON.parse(await readFile('package.json', 'utf8')) as { version: string; name: string };
  const target = TARGETS[opts.arch];
  const name = `ip2-agent-${pkg.version}-linux-${opts.arch}`;
  const dir = resolve(opts.outDir, name);
  await rm(dir, { recursive: true, force: true });
  await mkdir(join(dir, 'bin'), { recursive: true });
  await mkdir(join(dir, 'lib'), { recursive: true });

  log(`release: bundle`);
  await buildBundle(() => undefined, join(dir, 'lib/ip2.js'));
  await rm(join(dir, 'lib/meta.json'));
  await cp('scripts/release/ip2.sh', join(dir, 'bin/ip2'));
  await chmod(join(dir, 'bin/ip2'), 0o755);
  await mkdir(join(dir, 'systemd'));
  await cp('scripts/systemd/ip2-agent.service', join(dir, 'systemd/ip2-agent.service'));
  await cp('scripts/release/provision.example.json', join(dir, 'provision.example.json'));
  await cp('README.md', join(dir, 'README.md'));
  // lib/ip2.js finds its defaults at ../policies/defaults, as agent/main.ts does from source
  await cp('policies/defaults', join(dir, 'policies/defaults'), { recursive: true });

  log(`release: native modules for ${target.prebuild}`);
  await copyNativeModules('.', join(dir, 'lib/node_modules'), target.prebuild);

  let nodeVersion: string | undefined;
  if (!opts.withoutNode) {
    log(`release: Node.js runtime ${target.nodePackage}@${target.nodeVersion}`);
    nodeVersion = await fetchNodeRuntime(target, join(dir, 'node'), opts.cacheDir ?? resolve('.tmp/node-runtimes'));
  }

  const manifest = await writeManifest(dir, {
    name: pkg.name,
    version: pkg.version,
    arch: opts.arch,
    node: nodeVersion ?? null,
    serialportPrebuild: target.prebuild,
  });
  const tarball = `${dir}.tar.gz`;
  execFileSync('tar', ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', '--mtime=@0', '-czf', tarball, '-C', resolve(opts.outDir), name]);
  const tarballBytes = (await stat(tarball)).size;
  log(`release: ${tarball} (${mib(tarballBytes)}, unpacked ${mib(manifest.totalBytes)})`);
  return { dir, tarball, version: pkg.version, tarballBytes, unpackedBytes: manifest.totalBytes };
}

function mib(n: number): string {
  return `${(n / 2 ** 20).toFixed(1)} MiB`;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: { arch: { type: 'string', multiple: true }, out: { type: 'string' }, 'without-node': { type: 'boolean' } },
  });
  const arches = (values.arch ?? ['arm64']) as Arch[];
  for (const arch of arches) {
    if (!(arch in TARGETS)) {
      process.stderr.write(`release: unknown --arch ${arch} (arm64, armv7, x64)\n`);
      process.exit(2);
    }
    await makeRelease({ arch, outDir: values.out ?? 'dist/release', withoutNode: values['without-node'] === true });
  }
}
