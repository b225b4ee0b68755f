import { join } from 'node:path';
import { DriverError } from '../errors.ts';
import { fsError, parseIntegerAttribute, readAttribute, type FileOps } from '../sysfs/files.ts';
import { HEADER_LABELS, MAX_HEADER_BCM } from './constants.ts';

export interface ResolvedLine {
  readonly chip: string;
  readonly label: string;
  readonly base: number;
  readonly ngpio: number;
  /** The global sysfs number: base + BCM offset. */
  readonly number: number;
}

/**
 * Resolves a BCM number to its sysfs GPIO number: among /sys/class/gpio/gpiochip*, the chip
 * whose `label` comes first in HEADER_LABELS; number = its `base` + bcm. Works for base 0
 * (kernels before 6.6) and the dynamic bases 512+ of 6.6 and later (Pi 4: 512, Pi 5: 571).
 */
export async function resolveSysfsLine(root: string, bcm: number, files: FileOps): Promise<ResolvedLine> {
  if (!Number.isInteger(bcm) || bcm < 0 || bcm > MAX_HEADER_BCM) throw new RangeError(`BCM pin must be 0..${MAX_HEADER_BCM}, got ${bcm}`);
  let entries: string[];
  try {
    entries = (await files.list(root)).filter((n) => /^gpiochip\d+$/.test(n));
  } catch (err) {
    throw fsError(root, err);
  }
  const chips: Omit<ResolvedLine, 'number'>[] = [];
  for (const chip of entries) {
    const label = (await readAttribute(files, join(root, chip, 'label'))).trim();
    if (!HEADER_LABELS.includes(label)) continue;
    const base = parseIntegerAttribute(chip, await readAttribute(files, join(root, chip, 'base')));
    const ngpio = parseIntegerAttribute(chip, await readAttribute(files, join(root, chip, 'ngpio')));
    chips.push({ chip, label, base, ngpio });
  }
  chips.sort((a, b) => HEADER_LABELS.indexOf(a.label) - HEADER_LABELS.indexOf(b.label));
  const best = chips[0];
  if (best === undefined) throw new DriverError('NOT_FOUND', `no GPIO chip labelled ${HEADER_LABELS.join(', ')} under ${root}`);
  if (bcm >= best.ngpio) throw new DriverError('NOT_FOUND', `${best.chip} (${best.label}) has ${best.ngpio} lines; BCM ${bcm} is beyond`);
  return { ...best, number: best.base + bcm };
}

/** Picks the header chip from `gpiodetect` output lines like `gpiochip0 [pinctrl-rp1] (54 lines)`. */
export function pickChipFromDetect(output: string): { chip: string; label: string; lines: number } {
  const found: { chip: string; label: string; lines: number }[] = [];
  for (const line of output.split('\n').slice(0, 256)) {
    const m = /^(gpiochip\d+) \[([^\]]{1,64})\] \((\d{1,5}) lines\)/.exec(line.trim());
    if (m?.[1] !== undefined && m[2] !== undefined && HEADER_LABELS.includes(m[2])) found.push({ chip: m[1], label: m[2], lines: Number(m[3]) });
  }
  found.sort((a, b) => HEADER_LABELS.indexOf(a.label) - HEADER_LABELS.indexOf(b.label));
  const best = found[0];
  if (best === undefined) throw new DriverError('NOT_FOUND', `gpiodetect lists no chip labelled ${HEADER_LABELS.join(', ')}`);
  return best;
}
