/**
 * The transport port: ordered, reliable byte streams between "host:port" addresses.
 * Adapters: TCP (transport-tcp.ts) and an in-memory network (transport-memory.ts); both pass
 * test/overlay/transport-contract.ts.
 *
 * Contract, in words:
 *   - `listen(address, onStream)` binds; port 0 picks a free port, and `Listener.address` is the
 *     bound "host:port". Binding a taken address rejects with OverlayError `ADDRESS_IN_USE`; an
 *     unparsable address with `BAD_ADDRESS`.
 *   - `dial(address)` resolves with an open stream or rejects with `CONNECT_FAILED` (nobody
 *     listening) or `BAD_ADDRESS`.
 *   - Bytes written on one end arrive in order on the other, possibly cut into different chunks.
 *   - `read()` resolves the next chunk, or `null` once the stream has ended (the remote closed
 *     and everything before was read, or we closed). It never rejects for a remote close.
 *     At most one read may be pending.
 *   - `write()` resolves when the bytes are handed to the OS (or the peer's queue); after either
 *     side closed it rejects with `CLOSED`.
 *   - `close()` is idempotent; a pending read resolves `null`.
 *   - `Listener.close()` stops accepting; streams already accepted stay open.
 */
export interface ByteStream {
  readonly localAddress: string;
  readonly remoteAddress: string;
  read(): Promise<Uint8Array | null>;
  write(bytes: Uint8Array): Promise<void>;
  close(): void;
}

export interface Listener {
  readonly address: string;
  close(): Promise<void>;
}

export interface Transport {
  listen(address: string, onStream: (stream: ByteStream) => void): Promise<Listener>;
  dial(address: string): Promise<ByteStream>;
}

/** Splits "host:port"; throws nothing, returns undefined for anything else. */
export function parseAddress(address: string): { host: string; port: number } | undefined {
  const i = address.lastIndexOf(':');
  if (i <= 0) return undefined;
  const host = address.slice(0, i);
  const portText = address.slice(i + 1);
  if (!/^\d{1,5}$/.test(portText)) return undefined;
  const port = Number(portText);
  if (port > 65535) return undefined;
  return { host, port };
}

/** The host part of an address (used for per-IP limits). */
export function hostOf(address: string): string {
  return parseAddress(address)?.host ?? address;
}
