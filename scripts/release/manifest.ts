/** manifest.json of a release slot: what it is, and the SHA-256, size and mode of every file. */
import { createHash } from 'node:crypto';
import { readFile, readdir, lstat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';

export interface ManifestFile {
  readonly path: string;
  readonly sha256: string;
  readonly size: number;
  readonly mode: string;
}

export interface Manifest {
  readonly v: 1;
  readonly name: string;
  readonly version: string;
  readonly arch: string;
  readonly node: string | null;
  readonly serialportPrebuild: string;
  readonly totalBytes: number;
  readonly files: readonly ManifestFile[];
}

export async function writeManifest(dir: string, meta: Omit<Manifest, 'v' | 'files' | 'totalBytes'>): Promise<Manifest> {
  const files: ManifestFile[] = [];
  for await (const path of walk(dir, dir)) {
    const st = await lstat(path);
    if (!st.isFile()) continue;
    const data = await readFile(path);
    files.push({
      path: relative(dir, path),
      sha256: createHash('sha256').update(data).digest('hex'),
      size: st.size,
      mode: (st.mode & 0o777).toString(8).padStart(4, '0'),
    });
  }
  files.sort((a, b) => (a.path < b.path ? -1 : 1));
  const manifest: Manifest = { v: 1, ...meta, totalBytes: files.reduce((n, f) => n + f.size, 0), files };
  await writeFile(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** Checks a slot against its manifest; returns the paths that are missing or differ. */
export async function checkManifest(dir: string): Promise<string[]> {
  const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Manifest;
  const bad: string[] = [];
  for (const f of manifest.files) {
    const data = await readFile(join(dir, f.path)).catch(() => undefined);
    if (data === undefined || createHash('sha256').update(data).digest('hex') !== f.sha256) bad.push(f.path);
  }
  return bad;
}

/** Every path under `dir`, except the manifest itself at the slot's top. */
async function* walk(dir: string, top: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(p, top);
    else if (!(dir === top && entry.name === 'manifest.json')) yield p;
  }
}
