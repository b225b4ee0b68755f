/**
 * The read side shared by both transports: a FIFO of chunks with one pending reader, an end
 * marker, and a high-water callback so the TCP adapter can pause the socket (backpressure).
 */
export class ChunkQueue {
  #chunks: Uint8Array[] = [];
  #bytes = 0;
  #ended = false;
  #waiter: ((v: Uint8Array | null) => void) | undefined;

  constructor(private readonly onDrain?: () => void, readonly highWater = 256 * 1024) {}

  get queuedBytes(): number {
    return this.#bytes;
  }

  get ended(): boolean {
    return this.#ended;
  }

  push(chunk: Uint8Array): void {
    if (this.#ended || chunk.length === 0) return;
    const w = this.#waiter;
    if (w !== undefined) {
      this.#waiter = undefined;
      w(chunk);
      return;
    }
    this.#chunks.push(chunk);
    this.#bytes += chunk.length;
  }

  end(): void {
    this.#ended = true;
    const w = this.#waiter;
    this.#waiter = undefined;
    w?.(null);
  }

  /** Drops queued data and ends (our side closed). */
  abort(): void {
    this.#chunks = [];
    this.#bytes = 0;
    this.end();
  }

  read(): Promise<Uint8Array | null> {
    if (this.#waiter !== undefined) return Promise.reject(new Error('a read is already pending'));
    const next = this.#chunks.shift();
    if (next !== undefined) {
      this.#bytes -= next.length;
      if (this.#bytes < this.highWater) this.onDrain?.();
      return Promise.resolve(next);
    }
    if (this.#ended) return Promise.resolve(null);
    this.onDrain?.();
    return new Promise((resolve) => {
      this.#waiter = resolve;
    });
  }
}
