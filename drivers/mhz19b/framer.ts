import { DriverError } from '../errors.ts';
import { FRAME_BYTES, REPLY_COMMANDS, SENSOR_NUMBER, START } from './constants.ts';

/** A reply frame with a valid check value: the command it answers and bytes 2..7. */
export interface MhzFrame {
  readonly command: number;
  readonly data: readonly number[];
}

export type MhzEvent =
  | { readonly type: 'frame'; readonly frame: MhzFrame }
  | { readonly type: 'checksum'; readonly error: DriverError }
  | { readonly type: 'garbage'; readonly bytes: number };

/** Manual "Checksum calculation": (0xFF − (byte1 + … + byte7)) + 1, modulo 256. */
export function mhzChecksum(frame: Uint8Array): number {
  let s = 0;
  for (let i = 1; i < FRAME_BYTES - 1; i += 1) s += frame[i] ?? 0;
  return (0xff - (s & 0xff) + 1) & 0xff;
}

/** A host command: FF 01 CMD d3..d7 CS. */
export function mhzCommand(command: number, data: readonly number[] = []): Uint8Array {
  if (data.length > 5) throw new RangeError('an MH-Z19B command carries at most 5 data bytes');
  const out = new Uint8Array(FRAME_BYTES);
  out[0] = START;
  out[1] = SENSOR_NUMBER;
  out[2] = command & 0xff;
  data.forEach((b, i) => (out[3 + i] = b & 0xff));
  out[8] = mhzChecksum(out);
  return out;
}

/**
 * An incremental, resynchronising reader of 9-byte replies: scan for FF followed by a known
 * reply command, wait for 9 bytes, check; on a bad check drop ONE byte and rescan. Anything
 * else after FF (0x01 is a host command echoed on a loopback) is skipped. Holds at most 8 bytes.
 * The check value is one byte, so noise can still forge a frame (about 1 in 256 candidates
 * that start FF + a known command); the driver's range check is the second line of defence.
 */
export class MhzFramer {
  #buf = new Uint8Array(0);

  push(chunk: Uint8Array): MhzEvent[] {
    const events: MhzEvent[] = [];
    const data = new Uint8Array(this.#buf.length + chunk.length);
    data.set(this.#buf);
    data.set(chunk, this.#buf.length);
    let pos = 0;
    let skipped = 0;
    const flush = (): void => {
      if (skipped > 0) events.push({ type: 'garbage', bytes: skipped });
      skipped = 0;
    };
    while (pos < data.length) {
      if (data[pos] !== START) {
        pos += 1;
        skipped += 1;
        continue;
      }
      if (data.length - pos < FRAME_BYTES) break;
      const frame = data.subarray(pos, pos + FRAME_BYTES);
      if (frame[1] === SENSOR_NUMBER || !REPLY_COMMANDS.includes(frame[1] ?? 0)) {
        // Not a reply: a host command, a run of FF, or FF inside data. Skip this byte.
        pos += 1;
        skipped += 1;
        continue;
      }
      if (mhzChecksum(frame) !== frame[8]) {
        flush();
        events.push({ type: 'checksum', error: new DriverError('CHECKSUM', 'MH-Z19B check value mismatch') });
        pos += 1;
        continue;
      }
      flush();
      events.push({ type: 'frame', frame: { command: frame[1] ?? 0, data: [...frame.subarray(2, 8)] } });
      pos += FRAME_BYTES;
    }
    flush();
    this.#buf = data.slice(pos);
    return events;
  }
}

/** CO2 in ppm from a 0x86 reply: HIGH × 256 + LOW (manual, "Read CO2 concentration"). */
export function co2Ppm(frame: MhzFrame): number {
  return (frame.data[0] ?? 0) * 256 + (frame.data[1] ?? 0);
}
