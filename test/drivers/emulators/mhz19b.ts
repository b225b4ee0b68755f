import type { ByteLink } from '../../../drivers/serial/port.ts';

/** Test-side MH-Z19B check value, from the manual: 0xFF − (sum of bytes 1..7 mod 256) + 1. */
function check(frame: number[]): number {
  const sum = frame.slice(1, 8).reduce((a, b) => a + b, 0) & 0xff;
  return (0xff - sum + 1) & 0xff;
}

export function mhzReply(ppm: number, corrupt = false): Uint8Array {
  const f = [0xff, 0x86, (ppm >> 8) & 0xff, ppm & 0xff, 0x44, 0x00, 0x00, 0x00];
  return Uint8Array.from([...f, (check([...f, 0]) + (corrupt ? 1 : 0)) & 0xff]);
}

export type MhzBehaviour = 'answer' | 'silent' | 'corrupt' | 'garbage-then-split';

/**
 * Answers MH-Z19B commands on one end of a link. Each 0x86 request takes the next behaviour
 * from `script` (then `answer`); every 9-byte command received is recorded.
 */
export class MhzEmulator {
  readonly commands: number[][] = [];
  ppm = 612;
  script: MhzBehaviour[] = [];
  #buf: number[] = [];

  constructor(private readonly link: ByteLink) {
    link.onData((c) => {
      this.#buf.push(...c);
      while (this.#buf.length >= 9) {
        const start = this.#buf.indexOf(0xff);
        if (start < 0) this.#buf = [];
        else this.#buf.splice(0, start);
        if (this.#buf.length < 9) break;
        const cmd = this.#buf.splice(0, 9);
        this.commands.push(cmd);
        if (cmd[2] === 0x86) void this.#respond();
      }
    });
  }

  async #respond(): Promise<void> {
    const b = this.script.shift() ?? 'answer';
    if (b === 'silent') return;
    if (b === 'corrupt') return this.link.write(mhzReply(this.ppm, true));
    if (b === 'answer') return this.link.write(mhzReply(this.ppm));
    const r = mhzReply(this.ppm);
    await this.link.write(Uint8Array.of(0x00, 0xff, 0x01, 0x13));
    await this.link.write(r.subarray(0, 4));
    await this.link.write(r.subarray(4));
  }
}
