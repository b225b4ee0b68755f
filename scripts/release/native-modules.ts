/**
 * Copies the packages the bundle leaves external (serialport and what it requires at run time)
 * into the release's lib/node_modules, keeping only the target's prebuilt binary and leaving out
 * build-only files (C++ sources, node-addon-api headers, other platforms' prebuilds).
 */
import { cp, mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** Roots of the external closure: what dist/ip2.js may `require` at run time. */
const ROOTS = ['serialport'];
/** Needed to compile, never to run. */
const BUILD_ONLY = new Set(['node-addon-api']);
/** Dropped from packages that compile a native addon (they ship prebuilds instead). */
const NATIVE_SOURCES = new Set(['src', 'binding.gyp']);

interface LockPackage {
  readonly dependencies?: Record<string, string>;
}

export async function copyNativeModules(projectDir: string, dest: string, prebuild: string): Promise<string[]> {
  const lock = (JSON.parse(await readFile(join(projectDir, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockPackage> }).packages;
  const closure = new Set<string>();
  for (const root of ROOTS) walk(lock, root, '', closure);
  for (const key of closure) {
    const from = join(projectDir, key);
    const to = join(dest, key.slice('node_modules/'.length));
    const native = await exists(join(from, 'binding.gyp'));
    await mkdir(dirname(to), { recursive: true });
    await cp(from, to, {
      recursive: true,
      filter: (src) => {
        const parts = src.slice(from.length + 1).split('/');
        // nested node_modules are entries of the closure of their own, copied on their turn
        if (parts[0] === 'node_modules') return false;
        return !(native && NATIVE_SOURCES.has(parts[0] ?? ''));
      },
    });
    const prebuilds = join(to, 'prebuilds');
    if (await exists(prebuilds)) {
      for (const p of await readdir(prebuilds)) if (p !== prebuild) await rm(join(prebuilds, p), { recursive: true });
      if (!(await exists(join(prebuilds, prebuild)))) throw new Error(`${key} has no prebuild for ${prebuild}`);
    }
  }
  return [...closure];
}

/** Resolves `name` from `from` the way Node does (nearest node_modules first). */
function walk(lock: Record<string, LockPackage>, name: string, from: string, seen: Set<string>): void {
  if (BUILD_ONLY.has(name)) return;
  let base = from;
  let key = `${base === '' ? '' : `${base}/`}node_modules/${name}`;
  while (lock[key] === undefined && base !== '') {
    const i = base.lastIndexOf('/node_modules/');
    base = i < 0 ? '' : base.slice(0, i);
    key = `${base === '' ? '' : `${base}/`}node_modules/${name}`;
  }
  const pkg = lock[key];
  if (pkg === undefined) throw new Error(`package-lock.json has no ${name} (needed from ${from || 'the project'})`);
  if (seen.has(key)) return;
  seen.add(key);
  for (const dep of Object.keys(pkg.dependencies ?? {})) walk(lock, dep, key, seen);
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}
