/**
 * The two file-system tools flashing uses, without mounting anything: e2fsprogs' debugfs for the
 * ext4 root (`image?offset=N`) and mtools for the FAT boot partition (`image@@N`). Both work the
 * same on an image file and on a block device.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FlashError } from './errors.ts';
import type { PlanEntry } from './plan.ts';

export interface Volume {
  /** Image file or block device. */
  readonly path: string;
  readonly offset: number;
}

function run(cmd: string, args: readonly string[], input?: string): { stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { input, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  if (r.error !== undefined) {
    const missing = (r.error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new FlashError(missing ? 'FLASH_TOOL_MISSING' : 'FLASH_TOOL_FAILED', missing ? `${cmd} is not installed (apt-get install ${cmd.startsWith('m') ? 'mtools' : 'e2fsprogs'})` : `${cmd} failed to start`, { cause: r.error, badInput: false });
  }
  if (r.status !== 0) throw new FlashError('FLASH_TOOL_FAILED', `${cmd} ${args[0] ?? ''}: ${firstLine(r.stderr)}`, { badInput: false });
  return { stdout: r.stdout, stderr: r.stderr };
}

const ext4Spec = (v: Volume): string => `${v.path}?offset=${v.offset}`;
const fatSpec = (v: Volume): string => `${v.path}@@${v.offset}`;

/** Free bytes of an ext4 file system (debugfs `stats`). */
export function ext4FreeBytes(v: Volume): number {
  const { stdout } = run('debugfs', ['-R', 'stats', ext4Spec(v)]);
  const free = /Free blocks:\s+(\d+)/.exec(stdout)?.[1];
  const size = /Block size:\s+(\d+)/.exec(stdout)?.[1];
  if (free === undefined || size === undefined) throw new FlashError('FLASH_NOT_RASPBERRY_PI_OS', 'partition 2 is not an ext4 file system');
  return Number(free) * Number(size);
}

export function ext4Exists(v: Volume, path: string): boolean {
  const r = spawnSync('debugfs', ['-R', `stat ${path}`, ext4Spec(v)], { encoding: 'utf8' });
  return r.status === 0 && !/File not found/.test(r.stderr) && /Inode:/.test(r.stdout);
}

/**
 * Applies the entries with one debugfs script. Existing directories are kept; existing files
 * and links are replaced (`rm` first). Every other error debugfs reports fails the flash.
 */
export async function ext4Apply(v: Volume, entries: readonly PlanEntry[]): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'ip2-flash-'));
  try {
    const lines: string[] = [];
    let inline = 0;
    for (const e of entries) {
      if (e.kind === 'dir') {
        lines.push(`mkdir ${q(e.path)}`);
      } else {
        lines.push(`rm ${q(e.path)}`);
        if (e.kind === 'symlink') lines.push(`symlink ${q(e.path)} ${q(e.target ?? '')}`);
        else {
          let src = e.source;
          if (src === undefined) {
            src = join(work, `inline-${inline++}`);
            await writeFile(src, e.content ?? new Uint8Array());
          }
          lines.push(`write ${q(src)} ${q(e.path)}`);
        }
      }
      if (e.kind !== 'symlink') {
        const type = e.kind === 'dir' ? 0o040000 : 0o100000;
        lines.push(`sif ${q(e.path)} mode 0${(type | e.mode).toString(8)}`);
      }
      lines.push(`sif ${q(e.path)} uid ${e.uid}`, `sif ${q(e.path)} gid ${e.gid}`);
    }
    const { stderr } = run('debugfs', ['-w', '-f', '-', ext4Spec(v)], `${lines.join('\n')}\n`);
    const errors = stderr
      .split('\n')
      .filter((l) => l.trim() !== '' && !l.startsWith('debugfs '))
      .filter((l) => !/already exists|File not found by ext2_lookup|^rm: /.test(l));
    if (errors.length > 0) throw new FlashError('FLASH_TOOL_FAILED', `debugfs: ${errors[0]}`, { badInput: false });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

export interface Ext4Stat {
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly type: string;
  readonly size: number;
}

export function ext4Stat(v: Volume, path: string): Ext4Stat | undefined {
  const r = spawnSync('debugfs', ['-R', `stat ${q(path)}`, ext4Spec(v)], { encoding: 'utf8' });
  const m = /Type:\s+(\S+)\s+Mode:\s+(\d+)/.exec(r.stdout);
  const owner = /User:\s+(\d+)\s+Group:\s+(\d+)/.exec(r.stdout);
  const size = /Size:\s+(\d+)/.exec(r.stdout);
  if (m === null || owner === null) return undefined;
  return { type: m[1] ?? '', mode: parseInt(m[2] ?? '0', 8), uid: Number(owner[1]), gid: Number(owner[2]), size: Number(size?.[1] ?? 0) };
}

export function ext4Read(v: Volume, path: string): Buffer {
  const r = spawnSync('debugfs', ['-R', `cat ${q(path)}`, ext4Spec(v)], { maxBuffer: 256 * 2 ** 20 });
  return r.stdout;
}

/** The target of a symlink (debugfs `stat` prints `Fast link dest: "…"`). */
export function ext4Readlink(v: Volume, path: string): string | undefined {
  const r = spawnSync('debugfs', ['-R', `stat ${q(path)}`, ext4Spec(v)], { encoding: 'utf8' });
  return /Fast link dest: "([^"]*)"/.exec(r.stdout)?.[1];
}

export function fatList(v: Volume): string[] {
  return run('mdir', ['-i', fatSpec(v), '-b', '::/']).stdout.split('\n').filter(Boolean).map((l) => l.replace(/^::/, ''));
}

export async function fatApply(v: Volume, entries: readonly PlanEntry[]): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'ip2-flash-'));
  try {
    for (const [i, e] of entries.entries()) {
      if (e.kind !== 'file') continue;
      const src = e.source ?? join(work, `boot-${i}`);
      if (e.source === undefined) await writeFile(src, e.content ?? new Uint8Array());
      run('mcopy', ['-o', '-i', fatSpec(v), src, `::${e.path}`]);
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

export function fatRead(v: Volume, path: string): Buffer {
  const r = spawnSync('mtype', ['-i', fatSpec(v), `::${path}`], { maxBuffer: 16 * 2 ** 20 });
  if (r.status !== 0) throw new FlashError('FLASH_VERIFY_FAILED', `boot partition has no ${path}`, { badInput: false });
  return r.stdout;
}

/** debugfs arguments: quote paths with spaces. */
function q(p: string): string {
  return /[\s"]/.test(p) ? `"${p.replace(/"/g, '\\"')}"` : p;
}

function firstLine(s: string): string {
  return s.trim().split('\n').find((l) => l.trim() !== '') ?? 'failed';
}
