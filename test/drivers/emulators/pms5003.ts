import type { ByteLink } from '../../../drivers/serial/port.ts';

/**
 * Test-side PMS5003 encoder and emulator, written from the manual (not from drivers/): frame =
 * 42 4D, len (BE, 2 × words + 2), words (BE), check code (BE sum of all earlier bytes).
 */
export function encodePmsFrame(words: readonly number[], corruptSum = false): Uint8Array {
  const len = words.length * 2 + 2;
  const out = new Uint8Array(4 + len);
  out[0] = 0x42;
  out[1] = 0x4d;
  out[2] = len >> 8;
  out[3] = len & 0xff;
  words.forEach((w, i) => {
    out[4 + 2 * i] = (w >> 8) & 0xff;
    out[5 + 2 * i] = w & 0xff;
  });
  let sum = 0;
  for (let i = 0; i < out.length - 2; i += 1) sum += out[i]!;
  if (corruptSum) sum += 1;
  out[out.length - 2] = (sum >> 8) & 0xff;
  out[out.length - 1] = sum & 0xff;
  return out;
}

/** 13 PMS5003 data words with the given atmospheric PM1/2.5/10. */
export function pmsWords(pm1: number, pm25: number, pm10: number): number[] {
  return [pm1 + 1, pm25 + 2, pm10 + 3, pm1, pm25, pm10, 600, 180, 40, 6, 2, 1, 0x9100];
}

/** Speaks PMS5003 active mode on one end of a link, and records host commands it receives. */
export class PmsEmulator {
  readonly received: number[] = [];

  constructor(private readonly link: ByteLink) {
    link.onData((c) => this.received.push(...c));
  }

  /** Writes a frame, split into writes at the given offsets. */
  async frame(pm: [number, number, number], opts: { splitAt?: number[]; corrupt?: boolean } = {}): Promise<void> {
    const bytes = encodePmsFrame(pmsWords(...pm), opts.corrupt ?? false);
    const cuts = [0, ...(opts.splitAt ?? []), bytes.length];
    for (let i = 0; i + 1 < cuts.length; i += 1) await this.link.write(bytes.subarray(cuts[i], cuts[i + 1]));
  }

  garbage(bytes: number[]): Promise<void> {
    return this.link.write(Uint8Array.from(bytes));
  }
}
