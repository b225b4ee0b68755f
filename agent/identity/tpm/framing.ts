/**
 * Reassembles one TPM response from stream chunks (TPM 2.0 Library Part 1 §18.2: the u32 at
 * offset 2 of the header is the size of the whole response). Bounded: refuses a size field
 * outside [10, TPM_MAX_RESPONSE_SIZE] and bytes beyond the announced size.
 */
import { TPM_HEADER_SIZE, TPM_MAX_RESPONSE_SIZE } from './constants.ts';
import { TpmError } from './errors.ts';

export class ResponseAssembler {
  private readonly chunks: Uint8Array[] = [];
  private received = 0;
  private expected: number | undefined;

  /** Adds a chunk; returns the complete response once all of it has arrived. */
  push(chunk: Uint8Array): Uint8Array | undefined {
    this.chunks.push(chunk);
    this.received += chunk.length;
    const head = this.received >= 6 ? this.join() : undefined;
    if (this.expected === undefined && head) {
      const size = new DataView(head.buffer, head.byteOffset, head.length).getUint32(2);
      if (size < TPM_HEADER_SIZE || size > TPM_MAX_RESPONSE_SIZE) {
        throw new TpmError('TPM_RESPONSE_MALFORMED', `response size field ${size} out of range`);
      }
      this.expected = size;
    }
    if (this.expected === undefined || this.received < this.expected) return undefined;
    if (this.received > this.expected) {
      throw new TpmError('TPM_RESPONSE_MALFORMED', `${this.received - this.expected} bytes beyond the response size`);
    }
    return this.join();
  }

  private join(): Uint8Array {
    if (this.chunks.length === 1 && this.chunks[0]) return this.chunks[0];
    const out = new Uint8Array(this.received);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    this.chunks.length = 0;
    this.chunks.push(out);
    return out;
  }
}
