/**
 * Refuses to write to this machine's own disk or to anything mounted: the one mistake a flasher
 * must never make. A device is refused when it is not a block device, when it or any of its
 * partitions is mounted, or when it is the disk that holds / (or /boot, /usr, /var).
 */
import { readFile, readdir, realpath, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { FlashError } from './errors.ts';

const SYSTEM_MOUNTS = new Set(['/', '/boot', '/boot/firmware', '/usr', '/var', '/home']);

export async function checkHostDisk(device: string, procMounts = '/proc/self/mounts', sysBlock = '/sys/class/block'): Promise<void> {
  const st = await stat(device).catch((cause: unknown) => {
    throw new FlashError('FLASH_NOT_A_BLOCK_DEVICE', `no such device: ${device}`, { cause });
  });
  if (!st.isBlockDevice()) throw new FlashError('FLASH_NOT_A_BLOCK_DEVICE', `${device} is not a block device (for an image file use --image)`);
  const disk = await diskOf(basename(await realpath(device)), sysBlock);
  const mounts = (await readFile(procMounts, 'utf8')).split('\n').map((l) => l.split(' '));
  for (const [source, mountpoint] of mounts) {
    if (source === undefined || mountpoint === undefined || !source.startsWith('/dev/')) continue;
    const name = basename(await realpath(source).catch(() => source));
    const owner = await diskOf(name, sysBlock);
    if (owner !== disk) continue;
    if (SYSTEM_MOUNTS.has(mountpoint)) {
      throw new FlashError('FLASH_HOST_DISK', `${device} holds this machine's ${mountpoint}: refusing to overwrite the host's own disk`);
    }
    throw new FlashError('FLASH_DEVICE_MOUNTED', `${source} is mounted at ${mountpoint}: unmount it first (sudo umount ${mountpoint})`);
  }
}

/** The whole-disk name of a block device name (`mmcblk0p2` → `mmcblk0`, `sda1` → `sda`). */
async function diskOf(name: string, sysBlock: string): Promise<string> {
  const entries = await readdir(sysBlock).catch(() => [] as string[]);
  if (!entries.includes(name)) return name;
  const partition = await stat(`${sysBlock}/${name}/partition`).then(
    () => true,
    () => false,
  );
  if (!partition) return name;
  const parent = basename(await realpath(`${sysBlock}/${name}/..`));
  return parent;
}
