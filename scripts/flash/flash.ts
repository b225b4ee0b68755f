/**
 * `ip2 flash`: writes a release slot, the hardened unit (enabled) and a provisioning file into
 *   (a) a Raspberry Pi OS image file,  (b) an SD card block device,  (c) mounted boot/root dirs,
 * without mounting anything for (a) and (b). It refuses a device that looks like this machine's
 * own disk, an image that is not a Raspberry Pi OS layout, and a root file system without room,
 * before writing a single byte. Afterwards it reads everything back and compares with the plan.
 */
import { open, readFile, realpath, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { checkHostDisk } from './host-disk.ts';
import { FlashError } from './errors.ts';
import { parseMbr, piPartitions } from './mbr.ts';
import { makePlan, type FlashPlan, type PlanEntry } from './plan.ts';
import { ext4Apply, ext4Exists, ext4FreeBytes, ext4Read, ext4Readlink, ext4Stat, fatApply, fatList, fatRead, type Volume } from './tools.ts';
import { applyToDirs } from './dirs.ts';

export type FlashTarget =
  | { readonly kind: 'image'; readonly path: string }
  | { readonly kind: 'device'; readonly path: string }
  | { readonly kind: 'dirs'; readonly boot: string; readonly root: string };

export interface FlashOptions {
  readonly target: FlashTarget;
  /** An unpacked release slot (scripts/release). */
  readonly releaseDir: string;
  readonly provision: Uint8Array;
  readonly version: string;
  readonly log?: (line: string) => void;
}

/** Margin kept free on the root file system after the agent is written. */
const ROOT_MARGIN = 64 * 2 ** 20;

export async function flash(opts: FlashOptions): Promise<FlashPlan> {
  const log = opts.log ?? (() => undefined);
  checkProvision(opts.provision);
  const plan = await makePlan(opts.releaseDir, opts.provision, opts.version);
  if (opts.target.kind === 'dirs') {
    await applyToDirs(opts.target.boot, opts.target.root, plan);
    return plan;
  }
  if (opts.target.kind === 'device') await checkHostDisk(opts.target.path);
  const { boot, root } = await locate(opts.target.path);
  const free = ext4FreeBytes(root);
  if (free < plan.rootBytes + ROOT_MARGIN) {
    throw new FlashError('FLASH_NO_SPACE', `the root file system has ${mib(free)} free; the agent needs ${mib(plan.rootBytes)} plus ${mib(ROOT_MARGIN)} to spare`);
  }
  log(`writing ${plan.root.length} entries (${mib(plan.rootBytes)}) to the root file system`);
  await ext4Apply(root, plan.root);
  await fatApply(boot, plan.boot);
  log('reading back');
  verifyPlan(boot, root, plan);
  return plan;
}

/** Finds the boot and root volumes, refusing what is not a Raspberry Pi OS layout. */
export async function locate(path: string): Promise<{ boot: Volume; root: Volume }> {
  const st = await stat(path).catch((cause: unknown) => {
    throw new FlashError('FLASH_NOT_AN_IMAGE', `cannot open ${path}`, { cause });
  });
  const fh = await open(path, 'r');
  let sector0: Uint8Array;
  let size = st.size;
  try {
    sector0 = new Uint8Array(512);
    await fh.read(sector0, 0, 512, 0);
    if (st.isBlockDevice()) size = await deviceSize(path);
  } finally {
    await fh.close();
  }
  const parts = piPartitions(parseMbr(sector0), size);
  const boot = { path, offset: parts.boot.offset };
  const root = { path, offset: parts.root.offset };
  const bootFiles = fatList(boot).map((f) => f.toLowerCase());
  for (const needed of ['/config.txt', '/cmdline.txt']) {
    if (!bootFiles.includes(needed)) throw new FlashError('FLASH_NOT_RASPBERRY_PI_OS', `the boot partition has no ${needed.slice(1)}`);
  }
  if (!ext4Exists(root, '/etc/os-release')) throw new FlashError('FLASH_NOT_RASPBERRY_PI_OS', 'the root partition has no /etc/os-release');
  return { boot, root };
}

/** Reads every planned entry back: type, owner, mode, content, link target. */
export function verifyPlan(boot: Volume, root: Volume, plan: FlashPlan): void {
  for (const e of plan.root) verifyRootEntry(root, e);
  for (const e of plan.boot) {
    if (!fatRead(boot, e.path).equals(Buffer.from(e.content ?? new Uint8Array()))) {
      throw new FlashError('FLASH_VERIFY_FAILED', `boot partition: ${e.path} differs`, { badInput: false });
    }
  }
}

function verifyRootEntry(root: Volume, e: PlanEntry): void {
  const st = ext4Stat(root, e.path);
  const fail = (why: string): never => {
    throw new FlashError('FLASH_VERIFY_FAILED', `${e.path}: ${why}`, { badInput: false });
  };
  if (st === undefined) return fail('missing');
  if (st.uid !== e.uid || st.gid !== e.gid) fail(`owner ${st.uid}:${st.gid}`);
  if (e.kind === 'symlink') {
    if (st.type !== 'symlink' || ext4Readlink(root, e.path) !== e.target) fail('not the expected link');
    return;
  }
  if ((st.mode & 0o7777) !== e.mode) fail(`mode ${st.mode.toString(8)}`);
  if (e.kind === 'file' && e.content !== undefined && !ext4Read(root, e.path).equals(Buffer.from(e.content))) fail('content differs');
}

function checkProvision(bytes: Uint8Array): void {
  let v: unknown;
  try {
    v = JSON.parse(new TextDecoder().decode(bytes));
  } catch (cause) {
    throw new FlashError('FLASH_BAD_PROVISION', 'the provisioning file is not JSON', { cause });
  }
  if (typeof v !== 'object' || v === null || (v as { v?: unknown }).v !== 1) {
    throw new FlashError('FLASH_BAD_PROVISION', 'the provisioning file must be an object with "v": 1 (see provision.example.json)');
  }
}

/** A block device's size (stat reports 0): the kernel's count of 512-byte sectors in sysfs. */
async function deviceSize(path: string): Promise<number> {
  const name = basename(await realpath(path));
  const sectors = Number((await readFile(`/sys/class/block/${name}/size`, 'utf8')).trim());
  if (!Number.isSafeInteger(sectors) || sectors <= 0) throw new FlashError('FLASH_NOT_A_BLOCK_DEVICE', `cannot read the size of ${path}`);
  return sectors * 512;
}

function mib(n: number): string {
  return `${(n / 2 ** 20).toFixed(1)} MiB`;
}
