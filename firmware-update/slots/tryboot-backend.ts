/**
 * Slot backend (b): whole root filesystem images with the Raspberry Pi `tryboot` one-shot boot
 * (raspberrypi/documentation config_txt/autoboot.adoc). The boot partition holds `autoboot.txt`:
 *
 *     [all]
 *     tryboot_a_b=1
 *     boot_partition=<committed>
 *     [tryboot]
 *     boot_partition=<other>
 *
 * A trial is `[tryboot] boot_partition=<new>` (startTrial), the state saved, then a reboot with
 * the tryboot flag (`restart(true)`, i.e. `reboot '0 tryboot'`); the firmware clears the flag before it starts the new slot, so a crash
 * or a reset before the commit boots the committed partition again by itself. The commit
 * rewrites `autoboot.txt` with the new slot under `[all]`: temporary file, fsync, rename,
 * directory fsync, so the old file stays whole until the rename (on FAT the rename is the only
 * step that is not power-safe by construction — research/firmware.md §3.3 [inference]).
 * Everything is injected (boot directory, partition image files, reboot, booted partition) so
 * the logic is tested on fixture directories and image files, not on a Pi.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../agent/fs/atomic.ts';
import { SlotError } from './errors.ts';
import type { Slot, SlotBackend } from './port.ts';
import { otherSlot } from './port.ts';

export interface TrybootOptions {
  /** The mounted boot (FAT) partition that holds autoboot.txt. */
  readonly bootDir: string;
  /** Partition number of each slot (e.g. a: 2, b: 3). */
  readonly partitions: Readonly<Record<Slot, number>>;
  /** The block device or image file of each slot's root filesystem. */
  readonly images: Readonly<Record<Slot, string>>;
  /** Where completion markers live (the data partition). */
  readonly stateDir: string;
  /** Reboots, with the one-shot tryboot flag when `tryboot` (`reboot '0 tryboot'`). */
  readonly reboot: (tryboot: boolean) => Promise<void>;
  /** The partition the firmware booted (on a Pi: /proc/device-tree/chosen/bootloader/partition). */
  readonly bootedPartition: () => Promise<number>;
}

export interface AutobootConfig {
  readonly committed: number;
  readonly tryboot: number;
}

export function renderAutoboot(c: AutobootConfig): string {
  return `[all]\ntryboot_a_b=1\nboot_partition=${c.committed}\n[tryboot]\nboot_partition=${c.tryboot}\n`;
}

/** Total parser of the autoboot.txt shape above; anything else is `BAD_BOOT_CONFIG`. */
export function parseAutoboot(text: string): AutobootConfig {
  let section = '';
  const found: Record<string, number> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const sec = /^\[(\w+)\]$/.exec(line);
    if (sec) { section = sec[1]!; continue; }
    const kv = /^(\w+)=(\d{1,3})$/.exec(line);
    if (!kv) throw new SlotError('BAD_BOOT_CONFIG', `autoboot.txt: cannot read ${JSON.stringify(line)}`);
    found[`${section}.${kv[1]}`] = Number(kv[2]);
  }
  const committed = found['all.boot_partition'];
  const tryboot = found['tryboot.boot_partition'];
  if (found['all.tryboot_a_b'] !== 1 || committed === undefined || tryboot === undefined) {
    throw new SlotError('BAD_BOOT_CONFIG', 'autoboot.txt lacks [all] tryboot_a_b=1 / boot_partition or [tryboot] boot_partition');
  }
  return { committed, tryboot };
}

export function trybootSlotBackend(o: TrybootOptions): SlotBackend {
  const path = join(o.bootDir, 'autoboot.txt');
  const marker = (s: Slot): string => join(o.stateDir, `rootfs-${s}.sha256`);
  const slotOf = (p: number): Slot => {
    if (p === o.partitions.a) return 'a';
    if (p === o.partitions.b) return 'b';
    throw new SlotError('BAD_BOOT_CONFIG', `booted partition ${p} is neither slot`);
  };
  async function write(c: AutobootConfig): Promise<void> {
    const now = await readFile(path, 'utf8').then(parseAutoboot, () => undefined);
    if (now?.committed === c.committed && now.tryboot === c.tryboot) return;
    await writeFileAtomic(path, renderAutoboot(c));
  }
  async function committedPartition(): Promise<number> {
    return parseAutoboot(await readFile(path, 'utf8')).committed;
  }
  return {
    kind: 'tryboot',
    imagePath: (s) => o.images[s],
    async prepare(slot, sha256) {
      await mkdir(o.stateDir, { recursive: true });
      await writeFileAtomic(marker(slot), `${sha256}\n`);
    },
    async isComplete(slot, sha256) {
      return (await readFile(marker(slot), 'utf8').catch(() => '')).trim() === sha256;
    },
    async startTrial(slot) {
      await write({ committed: await committedPartition(), tryboot: o.partitions[slot] });
    },
    restart: (trial) => o.reboot(trial),
    async setCommitted(slot) {
      await write({ committed: o.partitions[slot], tryboot: o.partitions[otherSlot(slot)] });
    },
    async running() {
      return slotOf(await o.bootedPartition());
    },
  };
}
