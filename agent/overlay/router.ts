/**
 * The router: owns the listener, the links (one per peer router), the request plumbing of netDb
 * messages, and the periodic work (republish, explore, expire, save). The netDb protocol itself
 * (store, flood, lookup handling and iterative lookups) lives in netdb-service.ts.
 */
import type { CryptoPort } from '../crypto/port.ts';
import type { Signer } from '../identity/cose.ts';
import type { Clock } from './clock.ts';
import { DEFAULT_MAX_LINKS, DEFAULT_MAX_LINKS_PER_IP, LOOKUP_TIMEOUT_MS, ROUTERINFO_REPUBLISH_MS } from './constants.ts';
import { OverlayError } from './errors.ts';
import { acceptLink, initiateLink, isProtocolViolation, type Link, type LinkConfig, type LinkEvents } from './link.ts';
import type { Log } from './log.ts';
import { decodeMessage, encodeMessage, type NetDbMessage } from './messages.ts';
import type { NetDb } from './netdb.ts';
import type { KeyPair } from './noise.ts';
import { PeerProfiles } from './profiles.ts';
import { ReplayCache } from './replay.ts';
import { routerHash, signRouterInfo, verifyRouterInfo, type BandwidthClass, type VerifiedRouterInfo } from './routerinfo.ts';
import { hostOf, parseAddress, type ByteStream, type Listener, type Transport } from './transport-port.ts';
import { NetDbService } from './netdb-service.ts';
import { Bootstrapper, type SeedSource } from './seed.ts';

export interface RouterConfig {
  readonly netId: number;
  /** "host:port" to listen on; port 0 picks one. */
  readonly listen: string;
  readonly floodfill?: boolean;
  readonly bandwidth?: BandwidthClass;
  readonly maxLinks?: number;
  readonly maxLinksPerIp?: number;
  readonly link?: Partial<Omit<LinkConfig, 'netId'>>;
  readonly exploreIntervalMs?: number;
  readonly republishMs?: number;
  readonly seed?: SeedSource;
}

export interface RouterIdentity {
  readonly signer: Signer;
  readonly staticKey: KeyPair;
}

export interface RouterDeps {
  readonly crypto: CryptoPort;
  readonly identity: RouterIdentity;
  readonly transport: Transport;
  readonly netDb: NetDb;
  readonly clock: Clock;
  readonly log: Log;
  readonly config: RouterConfig;
}

export interface RouterStatus {
  readonly did: string;
  readonly hash: string;
  readonly address: string | undefined;
  readonly floodfill: boolean;
  readonly knownRouters: number;
  readonly floodfills: number;
  readonly links: readonly { hash: string; remote: string; bytesIn: number; bytesOut: number }[];
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

interface Pending {
  readonly peer: string;
  readonly resolve: (m: NetDbMessage) => void;
  readonly reject: (e: Error) => void;
  readonly cancel: () => void;
}

export class Router {
  readonly profiles: PeerProfiles;
  readonly service: NetDbService;
  readonly hash: Uint8Array;
  readonly hashHex: string;
  #listener: Listener | undefined;
  #own: VerifiedRouterInfo | undefined;
  readonly #links = new Map<string, Link>();
  readonly #dialing = new Map<string, Promise<Link>>();
  readonly #pending = new Map<number, Pending>();
  readonly #replay: ReplayCache;
  readonly #timers: (() => void)[] = [];
  #running = false;
  /** Handshakes in progress, per remote host (bounded like links: a silent flood cannot pile up). */
  readonly #handshaking = new Map<string, number>();
  #bootstrapper: Bootstrapper | undefined;

  constructor(readonly deps: RouterDeps) {
    this.profiles = new PeerProfiles(deps.clock);
    this.#replay = new ReplayCache();
    this.hash = routerHash(deps.crypto, deps.identity.signer.did);
    this.hashHex = hex(this.hash);
    this.service = new NetDbService(this);
  }

  get floodfill(): boolean {
    return this.deps.config.floodfill ?? false;
  }

  get address(): string | undefined {
    return this.#listener?.address;
  }

  get ownRouterInfo(): VerifiedRouterInfo {
    if (this.#own === undefined) throw new OverlayError('BAD_STATE', 'router not started', { badInput: false });
    return this.#own;
  }

  get linkConfig(): LinkConfig {
    return { ...this.deps.config.link, netId: this.deps.config.netId };
  }

  async start(): Promise<void> {
    const { transport, netDb, log } = this.deps;
    this.#listener = await transport.listen(this.deps.config.listen, (s) => this.#onInbound(s));
    this.#running = true;
    const loaded = await netDb.load();
    await this.#signOwn();
    log.log('info', 'router.start', { hash: this.hashHex, address: this.address, loaded, floodfill: this.floodfill });
    const seed = this.deps.config.seed;
    if (seed !== undefined) await this.bootstrap(seed);
    this.#schedule(() => void this.republish(), this.deps.config.republishMs ?? ROUTERINFO_REPUBLISH_MS);
    this.#schedule(() => void this.service.explore().catch(() => undefined), this.deps.config.exploreIntervalMs ?? 30_000);
    this.#schedule(() => {
      netDb.expire();
      void netDb.save().catch(() => undefined);
    }, 60_000);
    await this.service.publish().catch((err: unknown) => this.#logErr('router.publish', err));
    await this.service.explore().catch(() => undefined);
  }

  /** Reads a seed bundle now, retrying with backoff on the clock until enough is known. */
  async bootstrap(seed: SeedSource): Promise<void> {
    this.#bootstrapper?.stop();
    this.#bootstrapper = new Bootstrapper(this, seed);
    await this.#bootstrapper.run();
  }

  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    for (const cancel of this.#timers) cancel();
    this.#bootstrapper?.stop();
    for (const p of this.#pending.values()) {
      p.cancel();
      p.reject(new OverlayError('CLOSED', 'router stopped', { badInput: false }));
    }
    this.#pending.clear();
    for (const link of this.#links.values()) link.close();
    await this.#listener?.close();
    await this.deps.netDb.save().catch((err: unknown) => this.#logErr('netdb.save', err));
    this.deps.log.log('info', 'router.stop', { hash: this.hashHex });
  }

  async republish(): Promise<void> {
    await this.#signOwn();
    await this.service.publish().catch((err: unknown) => this.#logErr('router.publish', err));
  }

  status(): RouterStatus {
    const all = this.deps.netDb.all();
    return {
      did: this.deps.identity.signer.did, hash: this.hashHex, address: this.address, floodfill: this.floodfill,
      knownRouters: all.length, floodfills: all.filter((e) => e.info.floodfill).length,
      links: [...this.#links.entries()].map(([hash, l]) => ({ hash, remote: l.remoteAddress, bytesIn: l.bytesIn, bytesOut: l.bytesOut })),
    };
  }

  /** Periodic task on the injected clock; re-arms itself while running. */
  #schedule(fn: () => void, everyMs: number): void {
    const arm = (): void => {
      const cancel = this.deps.clock.setTimer(() => {
        if (!this.#running) return;
        fn();
        arm();
      }, everyMs);
      this.#timers.push(cancel);
    };
    arm();
  }

  async #signOwn(): Promise<void> {
    const { crypto, clock, identity, config, netDb } = this.deps;
    const parsed = parseAddress(this.address ?? '');
    const bytes = await signRouterInfo({
      did: identity.signer.did, staticKey: identity.staticKey.publicKey,
      addresses: parsed === undefined ? [] : [parsed], floodfill: this.floodfill,
      bandwidth: config.bandwidth ?? (this.floodfill ? 'H' : 'L'), published: clock.now(), netId: config.netId,
    }, identity.signer);
    this.#own = verifyRouterInfo(bytes, { crypto, netId: config.netId, now: clock.now() });
    netDb.putVerified(this.#own);
  }

  #logErr(event: string, err: unknown): void {
    this.deps.log.log('warn', event, { code: err instanceof OverlayError ? err.code : 'UNKNOWN', message: err instanceof Error ? err.message : String(err) });
  }

  // ---- links ----

  #events(holder: { hash: string | undefined; link: Link | undefined }): LinkEvents {
    return {
      onMessage: (data) => this.#onMessage(holder.hash, holder.link, data),
      onClose: (reason) => {
        if (holder.hash !== undefined && this.#links.get(holder.hash) === holder.link) this.#links.delete(holder.hash);
        if (reason !== undefined && holder.hash !== undefined) this.#penalise(holder.hash, reason.code);
      },
    };
  }

  #penalise(peer: string, code: OverlayError['code']): void {
    if (isProtocolViolation(code)) this.profiles.ban(peer, code);
    else this.profiles.failure(peer, code);
    this.deps.log.log(isProtocolViolation(code) ? 'warn' : 'debug', 'peer.penalty', { peer: peer.slice(0, 16), code });
  }

  #onInbound(stream: ByteStream): void {
    const host = hostOf(stream.remoteAddress);
    const ip = `ip:${host}`;
    const perIp = [...this.#links.values()].filter((l) => hostOf(l.remoteAddress) === host).length + (this.#handshaking.get(host) ?? 0);
    const total = this.#links.size + [...this.#handshaking.values()].reduce((a, b) => a + b, 0);
    if (!this.#running || this.profiles.isBanned(ip) || total >= (this.deps.config.maxLinks ?? DEFAULT_MAX_LINKS) || perIp >= (this.deps.config.maxLinksPerIp ?? DEFAULT_MAX_LINKS_PER_IP)) {
      this.deps.log.log('debug', 'link.refused', { code: 'LINK_LIMIT', remote: stream.remoteAddress });
      stream.close();
      return;
    }
    this.#handshaking.set(host, (this.#handshaking.get(host) ?? 0) + 1);
    const done = (): void => {
      const n = (this.#handshaking.get(host) ?? 1) - 1;
      if (n <= 0) this.#handshaking.delete(host);
      else this.#handshaking.set(host, n);
    };
    const holder: { hash: string | undefined; link: Link | undefined } = { hash: undefined, link: undefined };
    acceptLink(stream, this.deps, this.linkConfig, { staticKey: this.deps.identity.staticKey, replay: this.#replay }, this.#events(holder))
      .then((link) => {
        done();
        this.#registerInbound(link, holder, ip);
      })
      .catch((err: unknown) => {
        done();
        const code = err instanceof OverlayError ? err.code : 'HANDSHAKE_FAILED';
        this.#penalise(ip, code);
      });
  }

  #registerInbound(link: Link, holder: { hash: string | undefined; link: Link | undefined }, ip: string): void {
    holder.link = link;
    try {
      const { entry } = this.deps.netDb.put(link.remoteRouterInfo ?? new Uint8Array(0));
      if (!equal(entry.info.staticKey, link.remoteStatic)) throw new OverlayError('ROUTERINFO_INVALID', 'RouterInfo static key differs from the Noise static key');
      holder.hash = hex(entry.hash);
      if (this.profiles.isBanned(holder.hash)) throw new OverlayError('LINK_LIMIT', 'peer is banned');
      this.#links.get(holder.hash)?.close();
      this.#links.set(holder.hash, link);
      link.start();
    } catch (err) {
      const e = err instanceof OverlayError ? err : new OverlayError('ROUTERINFO_INVALID', 'bad RouterInfo in handshake', { cause: err });
      this.#penalise(ip, e.code);
      link.close(e);
    }
  }

  /** An open link to `entry`, dialing its first address when needed. */
  async linkTo(entry: VerifiedRouterInfo): Promise<Link> {
    const key = hex(entry.hash);
    const existing = this.#links.get(key);
    if (existing !== undefined && !existing.closed) return existing;
    const dialing = this.#dialing.get(key);
    if (dialing !== undefined) return dialing;
    const p = this.#dial(entry, key).finally(() => this.#dialing.delete(key));
    this.#dialing.set(key, p);
    return p;
  }

  async #dial(entry: VerifiedRouterInfo, key: string): Promise<Link> {
    const addr = entry.info.addresses[0];
    if (addr === undefined) throw new OverlayError('CONNECT_FAILED', 'router has no address');
    if (this.#links.size >= (this.deps.config.maxLinks ?? DEFAULT_MAX_LINKS)) this.#closeIdlest();
    const stream = await this.deps.transport.dial(`${addr.host}:${addr.port}`);
    const holder: { hash: string | undefined; link: Link | undefined } = { hash: key, link: undefined };
    const link = await initiateLink(stream, this.deps, this.linkConfig, {
      staticKey: this.deps.identity.staticKey, remoteStatic: entry.info.staticKey, routerInfo: this.ownRouterInfo.bytes,
    }, this.#events(holder));
    holder.link = link;
    this.#links.get(key)?.close();
    this.#links.set(key, link);
    return link;
  }

  #closeIdlest(): void {
    const first = this.#links.values().next();
    if (first.done !== true) first.value.close();
  }

  // ---- messages ----

  async send(entry: VerifiedRouterInfo, message: NetDbMessage): Promise<void> {
    const link = await this.linkTo(entry);
    await link.sendMessage(encodeMessage(message));
  }

  /** Sends a request with a fresh id and waits for the answer with that id from that peer. */
  async request(entry: VerifiedRouterInfo, build: (id: number) => NetDbMessage, timeoutMs = LOOKUP_TIMEOUT_MS): Promise<NetDbMessage> {
    let id = 0;
    while (id === 0 || this.#pending.has(id)) id = new DataView(this.deps.crypto.randomBytes(4).buffer).getUint32(0);
    const peer = hex(entry.hash);
    const started = this.deps.clock.now();
    const answer = new Promise<NetDbMessage>((resolve, reject) => {
      const cancel = this.deps.clock.setTimer(() => {
        this.#pending.delete(id);
        reject(new OverlayError('TIMEOUT', 'no answer in time'));
      }, timeoutMs);
      this.#pending.set(id, { peer, resolve, reject, cancel });
    });
    try {
      await this.send(entry, build(id));
      const m = await answer;
      this.profiles.success(peer, this.deps.clock.now() - started);
      return m;
    } catch (err) {
      const p = this.#pending.get(id);
      p?.cancel();
      this.#pending.delete(id);
      this.profiles.failure(peer, err instanceof OverlayError ? err.code : 'TIMEOUT');
      throw err;
    }
  }

  #onMessage(peer: string | undefined, link: Link | undefined, data: Uint8Array): void {
    if (peer === undefined || link === undefined) return;
    let m: NetDbMessage;
    try {
      m = decodeMessage(data);
    } catch (err) {
      link.close(err instanceof OverlayError ? err : undefined);
      return;
    }
    if (m.t === 'ack' || m.t === 'found' || m.t === 'reply') {
      const p = this.#pending.get(m.id);
      if (p === undefined || p.peer !== peer) return; // late or unsolicited: ignored
      this.#pending.delete(m.id);
      p.cancel();
      p.resolve(m);
      return;
    }
    this.service.handle(peer, m).catch((err: unknown) => {
      const e = err instanceof OverlayError ? err : new OverlayError('MESSAGE_INVALID', 'bad message', { cause: err });
      if (isProtocolViolation(e.code)) link.close(e);
      else this.#logErr('netdb.handle', e);
    });
  }
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** The factory the daemon (`ip2 run`) wires. */
export function createRouter(deps: RouterDeps): Router {
  return new Router(deps);
}
