/**
 * An in-memory `TunnelNet`: routers attached to one hub exchange link messages asynchronously
 * (delivered on a later macrotask, like a real link). Fidelity knobs: `drop(from, to, message)`
 * loses a message; `tap` sees every message with its endpoints (tests check what each hop sees).
 * Instance-scoped: each hub is its own network.
 */
import type { TunnelNet } from './tunnel-router.ts';

export interface HubEndpoint {
  receive(message: Uint8Array, from: Uint8Array): void;
}

export interface HubOptions {
  readonly drop?: (from: string, to: string, message: Uint8Array) => boolean;
  readonly tap?: (from: string, to: string, message: Uint8Array) => void;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

export class MemoryTunnelHub {
  readonly #routers = new Map<string, HubEndpoint>();
  delivered = 0;
  constructor(private readonly opts: HubOptions = {}) {}

  attach(hash: Uint8Array, endpoint: HubEndpoint): void {
    this.#routers.set(hex(hash), endpoint);
  }

  detach(hash: Uint8Array): void {
    this.#routers.delete(hex(hash));
  }

  /** The TunnelNet of the router `from`. */
  netFor(from: Uint8Array): TunnelNet {
    const fromHex = hex(from);
    return {
      send: (to, message) => {
        const toHex = hex(to);
        const target = this.#routers.get(toHex);
        if (target === undefined) return Promise.reject(new Error('no such router'));
        const copy = message.slice(); // the wire: the sender may reuse its buffer
        if (this.opts.tap !== undefined) this.opts.tap(fromHex, toHex, copy.slice());
        if (this.opts.drop?.(fromHex, toHex, copy) === true) return Promise.resolve();
        setImmediate(() => {
          this.delivered++;
          this.#routers.get(toHex)?.receive(copy, from);
        });
        return Promise.resolve();
      },
    };
  }
}
