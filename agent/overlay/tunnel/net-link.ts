/**
 * `TunnelNet` over encrypted links (link.ts: Noise XK, frames, blocks) on any Transport (TCP in
 * the daemon, memory in tests). One tunnel link message per link `message` block. Outgoing links
 * are dialed on first use and kept; incoming links only deliver. The peer's address and static key
 * come from a directory (the netDb adapts to it). IP2: the part 1 Router owns the netDb links and
 * decodes only netDb messages, so tunnel traffic runs on links of its own until the two share a
 * link with a type byte (noted in PROTOCOL.md).
 */
import type { CryptoPort } from '../../crypto/port.ts';
import type { Clock } from '../clock.ts';
import { acceptLink, initiateLink, type Link, type LinkConfig } from '../link.ts';
import type { Log } from '../log.ts';
import type { KeyPair } from '../noise.ts';
import { ReplayCache } from '../replay.ts';
import type { Listener, Transport } from '../transport-port.ts';
import { TunnelError } from './errors.ts';
import type { TunnelNet } from './tunnel-router.ts';

export interface LinkDirectory {
  resolve(hash: Uint8Array): { readonly staticKey: Uint8Array; readonly address: string } | undefined;
}

export interface LinkNetDeps {
  readonly crypto: CryptoPort;
  readonly clock: Clock;
  readonly log: Log;
  readonly transport: Transport;
  readonly staticKey: KeyPair;
  readonly directory: LinkDirectory;
  readonly netId: number;
  /** Sent in handshake message 3 (our signed RouterInfo when there is one). */
  readonly routerInfo: Uint8Array;
  readonly link?: Partial<Omit<LinkConfig, 'netId'>>;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

export class LinkTunnelNet implements TunnelNet {
  readonly #out = new Map<string, Promise<Link>>();
  readonly #in = new Set<Link>();
  readonly #replay = new ReplayCache();
  #listener: Listener | undefined;
  #onMessage: (message: Uint8Array) => void = () => undefined;

  constructor(private readonly deps: LinkNetDeps) {}

  get #config(): LinkConfig {
    // tunnel links carry up to 16 KiB gateway messages and many cells per second
    return { framesPerSecond: 20_000, frameBurst: 40_000, maxFrameLen: 20 * 1024, ...this.deps.link, netId: this.deps.netId };
  }

  get address(): string | undefined {
    return this.#listener?.address;
  }

  async listen(address: string, onMessage: (message: Uint8Array) => void): Promise<string> {
    this.#onMessage = onMessage;
    this.#listener = await this.deps.transport.listen(address, (stream) => {
      const holder: { link?: Link } = {};
      acceptLink(stream, this.deps, this.#config, { staticKey: this.deps.staticKey, replay: this.#replay }, {
        onMessage: (m) => this.#onMessage(m),
        onClose: () => { if (holder.link) this.#in.delete(holder.link); },
      }).then((link) => {
        holder.link = link;
        this.#in.add(link);
        link.start();
      }).catch((err: unknown) => this.deps.log.log('debug', 'tunnel.link.refused', { code: (err as { code?: string }).code ?? 'UNKNOWN' }));
    });
    return this.#listener.address;
  }

  async send(to: Uint8Array, message: Uint8Array): Promise<void> {
    const link = await this.#linkTo(to);
    await link.sendMessage(message);
  }

  #linkTo(to: Uint8Array): Promise<Link> {
    const key = hex(to);
    const existing = this.#out.get(key);
    if (existing !== undefined) return existing;
    const peer = this.deps.directory.resolve(to);
    if (peer === undefined) return Promise.reject(new TunnelError('NO_ROUTE', 'unknown router', { badInput: false }));
    const p = this.deps.transport.dial(peer.address).then((stream) => initiateLink(stream, this.deps, this.#config, {
      staticKey: this.deps.staticKey, remoteStatic: peer.staticKey, routerInfo: this.deps.routerInfo,
    }, {
      onMessage: (m) => this.#onMessage(m),
      onClose: () => this.#out.delete(key),
    }));
    p.catch(() => this.#out.delete(key));
    this.#out.set(key, p);
    return p;
  }

  async close(): Promise<void> {
    for (const p of this.#out.values()) void p.then((l) => l.close(), () => undefined);
    for (const l of this.#in) l.close();
    this.#out.clear();
    await this.#listener?.close();
  }
}
