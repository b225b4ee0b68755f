/**
 * The MBR partition table (the classic PC layout Raspberry Pi OS images use): 446 bytes of boot
 * code, four 16-byte entries, the 0x55 0xAA signature. Total over any 512 bytes.
 */
import { FlashError } from './errors.ts';

export interface MbrPartition {
  readonly index: number;
  readonly type: number;
  readonly startSector: number;
  readonly sectors: number;
  /** Byte offset of the partition from the start of the image or device. */
  readonly offset: number;
  readonly bytes: number;
}

const SECTOR = 512;
/** FAT32 (CHS, LBA) and FAT16 LBA: what a Pi's boot partition may be. */
export const FAT_TYPES = new Set([0x0b, 0x0c, 0x0e]);
export const LINUX_TYPE = 0x83;

export function parseMbr(sector0: Uint8Array): MbrPartition[] {
  if (sector0.length < SECTOR) throw new FlashError('FLASH_NOT_AN_IMAGE', `need 512 bytes of MBR, got ${sector0.length}`);
  if (sector0[510] !== 0x55 || sector0[511] !== 0xaa) {
    throw new FlashError('FLASH_NOT_AN_IMAGE', 'no MBR partition table (signature 55 AA missing)');
  }
  const view = new DataView(sector0.buffer, sector0.byteOffset, SECTOR);
  const parts: MbrPartition[] = [];
  for (let i = 0; i < 4; i++) {
    const at = 446 + 16 * i;
    const type = view.getUint8(at + 4);
    const startSector = view.getUint32(at + 8, true);
    const sectors = view.getUint32(at + 12, true);
    if (type === 0 || sectors === 0) continue;
    if (type === 0xee) throw new FlashError('FLASH_NOT_RASPBERRY_PI_OS', 'a GPT disk (protective MBR): Raspberry Pi OS images use MBR');
    parts.push({ index: i + 1, type, startSector, sectors, offset: startSector * SECTOR, bytes: sectors * SECTOR });
  }
  return parts;
}

/** The boot (FAT) and root (Linux) partitions of a Raspberry Pi OS layout, or a typed refusal. */
export function piPartitions(parts: readonly MbrPartition[], totalBytes: number): { boot: MbrPartition; root: MbrPartition } {
  const [boot, root] = parts;
  if (boot === undefined || root === undefined || !FAT_TYPES.has(boot.type) || root.type !== LINUX_TYPE) {
    const shown = parts.map((p) => `${p.index}:0x${p.type.toString(16)}`).join(' ') || 'none';
    throw new FlashError('FLASH_NOT_RASPBERRY_PI_OS', `expected partition 1 FAT and partition 2 Linux (0x83), found ${shown}`);
  }
  for (const p of [boot, root]) {
    if (p.offset + p.bytes > totalBytes) {
      throw new FlashError('FLASH_NOT_AN_IMAGE', `partition ${p.index} ends past the end of the image (truncated download?)`);
    }
  }
  return { boot, root };
}
