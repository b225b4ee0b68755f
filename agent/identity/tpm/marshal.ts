/**
 * Big-endian marshalling of TPM structures (TPM 2.0 Library Part 1 §18, Part 2 §5: all integers
 * are big-endian; a TPM2B is a u16 size followed by that many bytes).
 *
 * `Reader` is total and bounded: every read checks the remaining length first and throws
 * `TpmError('TPM_RESPONSE_MALFORMED')` instead of reading past the end.
 */
import { TpmError } from './errors.ts';

export class Writer {
  private readonly parts: Uint8Array[] = [];
  private length = 0;

  u8(v: number): this {
    return this.raw(Uint8Array.of(v & 0xff));
  }

  u16(v: number): this {
    return this.raw(Uint8Array.of((v >>> 8) & 0xff, v & 0xff));
  }

  u32(v: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, v >>> 0);
    return this.raw(b);
  }

  raw(bytes: Uint8Array): this {
    this.parts.push(bytes);
    this.length += bytes.length;
    return this;
  }

  /** Part 2 §10.4 TPM2B: u16 size ‖ bytes. */
  tpm2b(bytes: Uint8Array): this {
    if (bytes.length > 0xffff) throw new RangeError(`TPM2B of ${bytes.length} bytes`);
    return this.u16(bytes.length).raw(bytes);
  }

  /** A TPM2B whose body is itself marshalled (TPM2B_PUBLIC, TPM2B_SENSITIVE_CREATE, …). */
  sized(build: (w: Writer) => void): this {
    const inner = new Writer();
    build(inner);
    return this.tpm2b(inner.finish());
  }

  get size(): number {
    return this.length;
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

export class Reader {
  private at = 0;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly what = 'response',
  ) {}

  get remaining(): number {
    return this.bytes.length - this.at;
  }

  private need(n: number): void {
    if (n > this.remaining) {
      throw new TpmError('TPM_RESPONSE_MALFORMED', `${this.what}: needs ${n} bytes at offset ${this.at}, has ${this.remaining}`);
    }
  }

  u8(): number {
    this.need(1);
    return this.bytes[this.at++] ?? 0;
  }

  u16(): number {
    this.need(2);
    const v = ((this.bytes[this.at] ?? 0) << 8) | (this.bytes[this.at + 1] ?? 0);
    this.at += 2;
    return v;
  }

  u32(): number {
    this.need(4);
    const v = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.at, 4).getUint32(0);
    this.at += 4;
    return v;
  }

  raw(n: number): Uint8Array {
    this.need(n);
    const out = this.bytes.slice(this.at, this.at + n);
    this.at += n;
    return out;
  }

  tpm2b(max = 0xffff): Uint8Array {
    const n = this.u16();
    if (n > max) throw new TpmError('TPM_RESPONSE_MALFORMED', `${this.what}: TPM2B of ${n} bytes exceeds ${max}`);
    return this.raw(n);
  }

  /** Reads a TPM2B and parses its body with `parse`, which must consume it exactly. */
  sized<T>(parse: (r: Reader) => T, what: string): T {
    const inner = new Reader(this.tpm2b(), what);
    const value = parse(inner);
    inner.end();
    return value;
  }

  /** A list count, refused when the list could not possibly fit in what is left. */
  count(itemMinSize: number, max = 1024): number {
    const n = this.u32();
    if (n > max || n * itemMinSize > this.remaining) {
      throw new TpmError('TPM_RESPONSE_MALFORMED', `${this.what}: list of ${n} entries does not fit`);
    }
    return n;
  }

  end(): void {
    if (this.remaining !== 0) {
      throw new TpmError('TPM_RESPONSE_MALFORMED', `${this.what}: ${this.remaining} trailing bytes`);
    }
  }
}
