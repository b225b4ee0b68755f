import { DriverError } from '../errors.ts';
import { FRAME_LENGTHS, HEADER_BYTES, MAX_FRAME_BYTES, MAX_PM_UG_M3, START_1, START_2, WORD_PM10_ATM, WORD_PM1_ATM, WORD_PM25_ATM } from './constants.ts';

/** A decoded data frame: all data words, and the atmospheric PM values in µg/m³. */
export interface PmsFrame {
  readonly words: readonly number[];
  readonly pm1: number;
  readonly pm25: number;
  readonly pm10: number;
}

export type PmsEvent =
  | { readonly type: 'frame'; readonly frame: PmsFrame }
  | { readonly type: 'checksum'; readonly error: DriverError }
  | { readonly type: 'garbage'; readonly bytes: number };

/** Sum of bytes as the manual's 16-bit check code. */
export function pmsSum(bytes: Uint8Array, end: number): number {
  let s = 0;
  for (let i = 0; i < end; i += 1) s += bytes[i] ?? 0;
  return s & 0xffff;
}

/** Decodes one complete frame whose length and checksum were verified. */
function decode(frame: Uint8Array, len: number): PmsFrame {
  const words: number[] = [];
  for (let i = HEADER_BYTES; i < HEADER_BYTES + len - 2; i += 2) words.push(((frame[i] ?? 0) << 8) | (frame[i + 1] ?? 0));
  return { words, pm1: words[WORD_PM1_ATM] ?? 0, pm25: words[WORD_PM25_ATM] ?? 0, pm10: words[WORD_PM10_ATM] ?? 0 };
}

/**
 * An incremental, resynchronising PMS frame reader. `push()` takes any chunk and returns what
 * it completed. It scans for 42 4D, requires a known length, waits for the whole frame, checks
 * the sum; on a bad length or sum it drops ONE byte and rescans, so a frame hidden behind
 * garbage or a broken frame is still found. It never holds more than MAX_FRAME_BYTES − 1 bytes.
 */
export class PmsFramer {
  #buf = new Uint8Array(0);

  push(chunk: Uint8Array): PmsEvent[] {
    const events: PmsEvent[] = [];
    const data = new Uint8Array(this.#buf.length + chunk.length);
    data.set(this.#buf);
    data.set(chunk, this.#buf.length);
    let pos = 0;
    let skipped = 0;
    const flushGarbage = (): void => {
      if (skipped > 0) events.push({ type: 'garbage', bytes: skipped });
      skipped = 0;
    };
    while (pos < data.length) {
      if (data[pos] !== START_1 || (pos + 1 < data.length && data[pos + 1] !== START_2)) {
        pos += 1;
        skipped += 1;
        continue;
      }
      if (data.length - pos < HEADER_BYTES) break;
      const len = ((data[pos + 2] ?? 0) << 8) | (data[pos + 3] ?? 0);
      if (!FRAME_LENGTHS.includes(len)) {
        pos += 1;
        skipped += 1;
        continue;
      }
      const total = HEADER_BYTES + len;
      if (data.length - pos < total) break;
      const frame = data.subarray(pos, pos + total);
      const expected = ((frame[total - 2] ?? 0) << 8) | (frame[total - 1] ?? 0);
      if (pmsSum(frame, total - 2) !== expected) {
        flushGarbage();
        events.push({ type: 'checksum', error: new DriverError('CHECKSUM', 'PMS frame check code mismatch') });
        pos += 1;
        continue;
      }
      flushGarbage();
      events.push({ type: 'frame', frame: decode(frame, len) });
      pos += total;
    }
    flushGarbage();
    this.#buf = data.slice(pos);
    if (this.#buf.length >= MAX_FRAME_BYTES) throw new Error('PmsFramer invariant broken');
    return events;
  }
}

/** Checks decoded PM values against the manual's maximum. */
export function checkPmRange(frame: PmsFrame): void {
  for (const v of [frame.pm1, frame.pm25, frame.pm10]) {
    if (v > MAX_PM_UG_M3) throw new DriverError('OUT_OF_RANGE', `PM value ${v} µg/m³ exceeds ${MAX_PM_UG_M3}`);
  }
}

/** Encodes a host command (manual Appendix II): 42 4D CMD DATAH DATAL LRCH LRCL. */
export function pmsCommand(cmd: number, data: number): Uint8Array {
  const out = Uint8Array.of(START_1, START_2, cmd & 0xff, (data >> 8) & 0xff, data & 0xff, 0, 0);
  const lrc = pmsSum(out, 5);
  out[5] = lrc >> 8;
  out[6] = lrc & 0xff;
  return out;
}
