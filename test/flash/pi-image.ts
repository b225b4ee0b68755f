/**
 * Builds a Raspberry Pi OS-like image file for tests, as the real ones are laid out: an MBR with
 * a FAT32 boot partition (config.txt, cmdline.txt) at sector 8192 and an ext4 root made from a
 * small skeleton with `mke2fs -d`. Only standard tools, nothing mounted.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const BOOT_START = 8192;
export const BOOT_SECTORS = 131072; // 64 MiB: enough clusters for FAT32 with 512-byte clusters
export const ROOT_START = BOOT_START + BOOT_SECTORS;

export interface PiImageOptions {
  readonly rootMiB?: number;
  readonly withConfigTxt?: boolean;
  readonly rootType?: string;
}

export async function makePiImage(dir: string, opts: PiImageOptions = {}): Promise<string> {
  const img = join(dir, 'raspios.img');
  const rootMiB = opts.rootMiB ?? 160;
  const skel = join(dir, 'skel');
  await mkdir(join(skel, 'etc/systemd/system/multi-user.target.wants'), { recursive: true });
  await mkdir(join(skel, 'opt'), { recursive: true });
  await writeFile(join(skel, 'etc/os-release'), 'PRETTY_NAME="Raspberry Pi OS-like test image"\nID=debian\n');
  const totalSectors = ROOT_START + rootMiB * 2048;
  execFileSync('truncate', ['-s', String(totalSectors * 512), img]);
  const table = `label: dos\nstart=${BOOT_START}, size=${BOOT_SECTORS}, type=c\nstart=${ROOT_START}, type=${opts.rootType ?? '83'}\n`;
  execFileSync('sfdisk', ['-q', img], { input: table });
  execFileSync('mkfs.vfat', ['-F', '32', '-s', '1', '--offset', String(BOOT_START), '-n', 'BOOTFS', img, String(BOOT_SECTORS / 2)], { stdio: 'ignore' });
  execFileSync('mke2fs', ['-q', '-t', 'ext4', '-L', 'rootfs', '-E', `offset=${ROOT_START * 512}`, '-d', skel, img, `${rootMiB * 1024}k`]);
  const bootFiles: string[] = [];
  if (opts.withConfigTxt ?? true) {
    await writeFile(join(dir, 'config.txt'), 'arm_64bit=1\ndtparam=i2c_arm=on\n');
    bootFiles.push(join(dir, 'config.txt'));
  }
  await writeFile(join(dir, 'cmdline.txt'), 'console=serial0,115200 console=tty1 root=PARTUUID=00000000-02 rootfstype=ext4 rootwait\n');
  bootFiles.push(join(dir, 'cmdline.txt'));
  execFileSync('mcopy', ['-i', `${img}@@${BOOT_START * 512}`, ...bootFiles, '::/']);
  return img;
}
