/**
 * The TPM transport port: a byte stream that carries one TPM command and its response.
 *
 * Contract, in words:
 *   - `transmit(command)` writes one complete command (TPM 2.0 Library Part 1 §18) and resolves
 *     with exactly one complete response: the bytes from the 10-byte header up to the header's
 *     `responseSize`, no more, no less. A response whose size field is below 10 or above
 *     TPM_MAX_RESPONSE_SIZE, or a stream that ends early, rejects with a `TpmError`
 *     (`TPM_RESPONSE_MALFORMED` or `TPM_TRANSPORT`).
 *   - Callers never overlap calls: the client serialises them (a TPM handles one command at a
 *     time). A transport may reject a second concurrent call with `TPM_TRANSPORT`.
 *   - A missing device or a refused connection rejects with `TPM_UNAVAILABLE`.
 *   - `close()` is idempotent; a later `transmit` rejects with `TPM_CLOSED`.
 *
 * Adapters: `socket-transport.ts` (swtpm's TCP server port), `file-transport.ts` (the kernel
 * resource manager `/dev/tpmrm0`), `fake-transport.ts` (scripted responses, latency, split reads).
 */
export interface TpmTransport {
  /** Human-readable address, e.g. `/dev/tpmrm0` or `tcp://127.0.0.1:2321`. */
  readonly address: string;
  transmit(command: Uint8Array): Promise<Uint8Array>;
  close(): Promise<void>;
}
