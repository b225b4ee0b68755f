/**
 * An in-memory transport: an honest fake of TCP for unit tests and simulations. Asynchronous
 * like the real thing (delivery on a later macrotask, or after `latencyMs` of the injected
 * clock), instance-scoped (a `MemoryNetwork` is a private address space), and with fidelity
 * knobs: `maxChunk` cuts writes into small pieces, `latencyMs` delays delivery.
 */
import type { Clock } from './clock.ts';
import { OverlayError } from './errors.ts';
import { ChunkQueue } from './stream-queue.ts';
import { parseAddress, type ByteStream, type Listener, type Transport } from './transport-port.ts';

export interface MemoryNetworkOptions {
  /** Cut every write into chunks of at most this many bytes. */
  readonly maxChunk?: number;
  /** Deliver after this many ms of `clock` (requires `clock`). */
  readonly latencyMs?: number;
  readonly clock?: Clock;
}

export class MemoryNetwork {
  readonly listeners = new Map<string, (s: ByteStream) => void>();
  #nextPort = 40000;
  constructor(readonly options: MemoryNetworkOptions = {}) {}

  allocatePort(): number {
    return this.#nextPort++;
  }

  /** A transport whose outgoing connections come from `host`. */
  transport(host = '10.0.0.1'): Transport {
    return new MemoryTransport(this, host);
  }
}

class MemoryEnd implements ByteStream {
  readonly queue = new ChunkQueue();
  peer: MemoryEnd | undefined;
  #closed = false;

  constructor(readonly localAddress: string, readonly remoteAddress: string, private readonly net: MemoryNetwork) {}

  read(): Promise<Uint8Array | null> {
    return this.queue.read();
  }

  write(bytes: Uint8Array): Promise<void> {
    const peer = this.peer;
    if (this.#closed || peer === undefined || peer.#closed) {
      return Promise.reject(new OverlayError('CLOSED', 'stream is closed'));
    }
    const max = this.net.options.maxChunk ?? bytes.length;
    const copy = Uint8Array.from(bytes);
    const pieces: Uint8Array[] = [];
    for (let off = 0; off < copy.length; off += Math.max(1, max)) pieces.push(copy.subarray(off, off + Math.max(1, max)));
    this.#deliver(() => {
      for (const p of pieces) peer.queue.push(p);
    });
    return Promise.resolve();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.queue.abort();
    const peer = this.peer;
    if (peer !== undefined) this.#deliver(() => peer.queue.end());
  }

  #deliver(fn: () => void): void {
    const { clock, latencyMs } = this.net.options;
    if (clock !== undefined && latencyMs !== undefined && latencyMs > 0) clock.setTimer(fn, latencyMs);
    else setImmediate(fn);
  }
}

class MemoryTransport implements Transport {
  constructor(private readonly net: MemoryNetwork, private readonly host: string) {}

  listen(address: string, onStream: (s: ByteStream) => void): Promise<Listener> {
    const parsed = parseAddress(address);
    if (parsed === undefined) return Promise.reject(new OverlayError('BAD_ADDRESS', `bad address ${address}`));
    const port = parsed.port === 0 ? this.net.allocatePort() : parsed.port;
    const bound = `${parsed.host}:${port}`;
    if (this.net.listeners.has(bound)) return Promise.reject(new OverlayError('ADDRESS_IN_USE', `${bound} is in use`));
    this.net.listeners.set(bound, onStream);
    const net = this.net;
    return Promise.resolve({
      address: bound,
      close() {
        if (net.listeners.get(bound) === onStream) net.listeners.delete(bound);
        return Promise.resolve();
      },
    });
  }

  dial(address: string): Promise<ByteStream> {
    if (parseAddress(address) === undefined) return Promise.reject(new OverlayError('BAD_ADDRESS', `bad address ${address}`));
    return new Promise((resolve, reject) => {
      setImmediate(() => {
        const accept = this.net.listeners.get(address);
        if (accept === undefined) {
          reject(new OverlayError('CONNECT_FAILED', `nothing listens on ${address}`));
          return;
        }
        const local = `${this.host}:${this.net.allocatePort()}`;
        const a = new MemoryEnd(local, address, this.net);
        const b = new MemoryEnd(address, local, this.net);
        a.peer = b;
        b.peer = a;
        accept(b);
        resolve(a);
      });
    });
  }
}
