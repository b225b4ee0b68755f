/**
 * The byte-link port: a full-duplex byte stream such as a UART (model: serialport's
 * bindings-interface, narrowed to what sensor drivers need). Types only.
 *
 * Contract, kept by `serialport.ts` (real UARTs and socat ptys) and `memory.ts` (the fake):
 * - `onData` sets the one listener; chunks arrive in order, never empty, possibly split or
 *   coalesced anywhere (a frame may span chunks; one chunk may hold several frames).
 * - `write()` resolves once the bytes were handed to the OS (drained); it rejects with a
 *   DriverError `CLOSED` after `close()`.
 * - `close()` is idempotent; no data is delivered after it resolves.
 * - `open` rejects with DriverError `NOT_FOUND` for a missing device and `IO` for anything else
 *   (a port locked by another process included: its message says so).
 */
export interface ByteLink {
  readonly path: string;
  onData(listener: (chunk: Uint8Array) => void): void;
  write(bytes: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

export interface LinkOptions {
  /** Both PMS5003 and MH-Z19B use 9600 8N1. */
  readonly baudRate: number;
}

export type LinkOpener = (path: string, options: LinkOptions) => Promise<ByteLink>;
