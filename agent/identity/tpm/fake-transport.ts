/**
 * An in-memory transport for tests: each command goes to a `respond` function that returns the
 * response bytes (or throws). Honest to the port contract: asynchronous, refuses overlapping
 * calls, rejects after close, and reassembles responses through the same bounded framing as
 * the real adapters (so a lying size field fails the same way). Fidelity knob: `delay`, awaited
 * before each response, to model a slow TPM (hundreds of ms) without timing assertions.
 */
import { TpmError } from './errors.ts';
import { ResponseAssembler } from './framing.ts';
import type { TpmTransport } from './transport-port.ts';

export interface FakeTransportOptions {
  readonly respond: (command: Uint8Array) => Uint8Array | Promise<Uint8Array>;
  /** Awaited before each response; e.g. `() => new Promise((r) => setTimeout(r, 300))`. */
  readonly delay?: () => Promise<void>;
  /** Split each response into chunks of this size before reassembly. */
  readonly chunkSize?: number;
}

export function createFakeTransport(opts: FakeTransportOptions): TpmTransport & { readonly commands: readonly Uint8Array[] } {
  const commands: Uint8Array[] = [];
  let busy = false;
  let closed = false;
  return {
    address: 'fake://tpm',
    commands,
    async transmit(command: Uint8Array): Promise<Uint8Array> {
      if (closed) throw new TpmError('TPM_CLOSED', 'fake://tpm: transport closed');
      if (busy) throw new TpmError('TPM_TRANSPORT', 'fake://tpm: command already in flight');
      busy = true;
      try {
        commands.push(command.slice());
        await (opts.delay ?? (() => Promise.resolve()))();
        const bytes = await opts.respond(command);
        const assembler = new ResponseAssembler();
        const step = Math.max(1, opts.chunkSize ?? bytes.length);
        for (let at = 0; at < bytes.length; at += step) {
          const done = assembler.push(bytes.subarray(at, at + step));
          if (done) {
            if (at + step < bytes.length) throw new TpmError('TPM_RESPONSE_MALFORMED', 'bytes beyond the response size');
            return done;
          }
        }
        throw new TpmError('TPM_TRANSPORT', 'fake://tpm: end of stream mid-response');
      } finally {
        busy = false;
      }
    },
    close(): Promise<void> {
      closed = true;
      return Promise.resolve();
    },
  };
}
