import { DriverError } from '../errors.ts';
import type { Clock } from '../port.ts';
import type { ByteLink, LinkOpener, LinkOptions } from './port.ts';

export interface SupervisorOptions {
  readonly path: string;
  readonly link: LinkOptions;
  readonly open: LinkOpener;
  readonly clock: Clock;
  /** With no valid frame for this long, the link is closed and reopened. */
  readonly silenceMs: number;
  /** First wait before reopening after a failed open; doubles up to maxBackoffMs. */
  readonly backoffMs?: number;
  readonly maxBackoffMs?: number;
  /** Called after every (re)open, e.g. to re-send a mode command. */
  readonly onOpen?: (link: ByteLink) => Promise<void>;
}

/**
 * Keeps a UART link alive for a streaming sensor. serialport does not report a vanished peer
 * on ptys (it spins on zero-byte reads: research/drivers.md §2.3), so liveness is judged by
 * valid frames: the driver calls `alive()` for each; after `silenceMs` without one, the link is
 * closed and reopened with backoff. Instance-scoped; `close()` stops everything.
 */
export class LinkSupervisor {
  #link: ByteLink | null = null;
  #listener: (chunk: Uint8Array) => void = () => undefined;
  #lastAlive: number;
  #timer: unknown;
  #closed = false;
  #backoff: number;
  reopens = 0;

  constructor(private readonly opts: SupervisorOptions) {
    this.#lastAlive = opts.clock.now();
    this.#backoff = opts.backoffMs ?? 1_000;
  }

  /** Opens the link for the first time; rejects (typed) if that fails. */
  async start(listener: (chunk: Uint8Array) => void): Promise<void> {
    this.#listener = listener;
    await this.#open();
    this.#arm(this.opts.silenceMs);
  }

  alive(): void {
    this.#lastAlive = this.opts.clock.now();
    this.#backoff = this.opts.backoffMs ?? 1_000;
  }

  write(bytes: Uint8Array): Promise<void> {
    if (this.#link === null) return Promise.reject(new DriverError(this.#closed ? 'CLOSED' : 'IO', `${this.opts.path} is not open`));
    return this.#link.write(bytes);
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== undefined) this.opts.clock.clearTimeout(this.#timer);
    const l = this.#link;
    this.#link = null;
    await l?.close();
  }

  async #open(): Promise<void> {
    const link = await this.opts.open(this.opts.path, this.opts.link);
    if (this.#closed) {
      await link.close();
      return;
    }
    link.onData((c) => this.#listener(c));
    this.#link = link;
    this.#lastAlive = this.opts.clock.now();
    await this.opts.onOpen?.(link);
  }

  #arm(ms: number): void {
    this.#timer = this.opts.clock.setTimeout(() => void this.#check(), ms);
  }

  async #check(): Promise<void> {
    if (this.#closed) return;
    const silent = this.opts.clock.now() - this.#lastAlive;
    if (silent < this.opts.silenceMs && this.#link !== null) {
      this.#arm(this.opts.silenceMs - silent);
      return;
    }
    const old = this.#link;
    this.#link = null;
    await old?.close().catch(() => undefined);
    this.reopens += 1;
    try {
      await this.#open();
      this.#arm(this.opts.silenceMs);
    } catch {
      this.#arm(this.#backoff);
      this.#backoff = Math.min(this.#backoff * 2, this.opts.maxBackoffMs ?? 60_000);
    }
  }
}
