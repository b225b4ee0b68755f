/**
 * The tunnel router: dispatches tunnel link messages to the transit table (hop side) or to this
 * router's own tunnels (creator side), builds tunnels, sends through outbound tunnels and receives
 * at inbound endpoints. Links are behind the narrow `TunnelNet` port; peers come from a
 * `PeerDirectory` (the netDb adapts to it).
 */
import type { CryptoPort } from '../../crypto/port.ts';
import type { Clock } from '../clock.ts';
import type { Log } from '../log.ts';
import type { KeyPair } from '../noise.ts';
import { decodeBuild, encodeBuild, prepareBuild, randomU32, readReplies, type HopSpec, } from './build.ts';
import { fragmentMessage, plainCell, readPlainBody, viewCell, type Delivery } from './cell.ts';
import { BUILD_TIMEOUT_MS, MAX_HOPS, REPLY_ACCEPT, TMSG, TUNNEL_LIFETIME_MS, TUNNEL_TEST_TIMEOUT_MS } from './constants.ts';
import { TunnelError, isTunnelError, type TunnelErrorCode } from './errors.ts';
import { LayerCipher, layerContexts, type LayerContexts } from './layer.ts';
import { decodeLinkMessage, encodeBuildMessage, encodeCellMessage, encodeGatewayMessage } from './messages.ts';
import { Reassembler } from './reassembly.ts';
import { TransitTable, type TransitConfig } from './transit.ts';

/** The link port: send one message to a router by hash; resolves when handed to the link. */
export interface TunnelNet {
  send(to: Uint8Array, message: Uint8Array): Promise<void>;
}

/** What tunnel building needs to know about peers (the netDb adapts to this). */
export interface PeerDirectory {
  get(hash: Uint8Array): HopSpec | undefined;
  list(): readonly HopSpec[];
}

export interface OwnTunnel {
  readonly inbound: boolean;
  readonly hops: readonly HopSpec[];
  readonly receiveIds: readonly number[];
  /** Each hop's layer and nonce keys as ChaCha20 contexts (hop 1 first), made once at build. */
  readonly layers: readonly LayerContexts[];
  /** Inbound: the id cells arrive under at this router (the endpoint). */
  readonly endpointId: number;
  readonly created: number;
  readonly expires: number;
  /** Inbound: where senders hand messages in (hop 1, or us for zero hops). */
  readonly gateway: { readonly router: Uint8Array; readonly tunnelId: number };
  reassembler: Reassembler;
  cells: number;
}

export interface TunnelRouterDeps {
  readonly crypto: CryptoPort;
  readonly clock: Clock;
  readonly log: Log;
  readonly identity: { readonly hash: Uint8Array; readonly staticKey: KeyPair };
  readonly net: TunnelNet;
  readonly config?: TransitConfig;
  /** A message that arrived through one of our inbound tunnels (type byte first). */
  readonly onMessage?: (message: Uint8Array, via: OwnTunnel) => void;
}

interface PendingBuild {
  readonly resolve: (records: Uint8Array) => void;
  readonly inbound: boolean;
}

export class TunnelRouter {
  readonly transit: TransitTable;
  readonly drops = new Map<TunnelErrorCode, number>();
  readonly #inbound = new Map<number, OwnTunnel>();
  readonly #pending = new Map<number, PendingBuild>();
  readonly #layer: LayerCipher;
  readonly #probes = new Map<number, () => void>();

  constructor(private readonly deps: TunnelRouterDeps) {
    this.#layer = new LayerCipher(deps.crypto);
    this.transit = new TransitTable({
      crypto: deps.crypto, clock: deps.clock, log: deps.log, identity: deps.identity, config: deps.config ?? {},
      send: (to, m) => this.#send(to, m), count: (c) => this.count(c),
    });
  }

  get hash(): Uint8Array {
    return this.deps.identity.hash;
  }

  count(code: TunnelErrorCode): void {
    this.drops.set(code, (this.drops.get(code) ?? 0) + 1);
  }

  #send(to: Uint8Array, message: Uint8Array): void {
    this.deps.net.send(to, message).catch(() => this.count('NO_ROUTE'));
  }

  /** Entry point for every tunnel link message from a peer. Never throws: drops are counted. */
  receive(message: Uint8Array): void {
    try {
      this.#dispatch(message);
    } catch (err) {
      const code: TunnelErrorCode = isTunnelError(err) ? err.code : 'CELL_MALFORMED';
      this.count(code);
      this.deps.log.log('debug', 'tunnel.drop', { code });
    }
  }

  #dispatch(bytes: Uint8Array): void {
    const m = decodeLinkMessage(bytes);
    if (m.type === 'cell') {
      if (this.transit.handleCell(m.frame, m.cell)) return;
      this.#atInboundEndpoint(m.cell);
    } else if (m.type === 'gateway') {
      if (this.transit.handleGateway(m.tunnelId, m.message)) return;
      const own = this.#inbound.get(m.tunnelId);
      if (own === undefined || own.hops.length > 0) throw new TunnelError('UNKNOWN_TUNNEL', 'no gateway for this tunnel id');
      this.#deliverLocal(m.message, own);
    } else {
      const msgId = new DataView(m.build.buffer, m.build.byteOffset, Math.min(4, m.build.length)).getUint32(0);
      const p = this.#pending.get(msgId);
      if (p?.inbound === true) {
        this.#pending.delete(msgId);
        p.resolve(m.build);
        return;
      }
      this.transit.handleBuild(m.build);
    }
  }

  #atInboundEndpoint(cell: Uint8Array): void {
    const v = viewCell(cell);
    const own = this.#inbound.get(v.tunnelId);
    if (own === undefined || this.deps.clock.now() >= own.expires) throw new TunnelError('UNKNOWN_TUNNEL', 'no tunnel with this id');
    for (let k = own.layers.length - 1; k >= 0; k--) this.#layer.inverse(own.layers[k] as LayerContexts, v.nonce, v.body);
    own.cells++;
    for (const f of readPlainBody(this.deps.crypto, v.body, v.nonce)) {
      const done = own.reassembler.add(f, this.deps.clock.now());
      if (done !== undefined) this.#deliverLocal(done.message, own);
    }
  }

  #deliverLocal(message: Uint8Array, via: OwnTunnel): void {
    if (message[0] === TMSG.deliveryStatus && message.length === 5) {
      const id = new DataView(message.buffer, message.byteOffset + 1, 4).getUint32(0);
      const probe = this.#probes.get(id);
      if (probe !== undefined) {
        this.#probes.delete(id);
        probe();
        return;
      }
    }
    if (message[0] === TMSG.buildReply && message.length >= 5) {
      const msgId = new DataView(message.buffer, message.byteOffset + 1, 4).getUint32(0);
      const p = this.#pending.get(msgId);
      if (p !== undefined && !p.inbound) {
        this.#pending.delete(msgId);
        p.resolve(message.subarray(1));
        return;
      }
      throw new TunnelError('BUILD_MALFORMED', 'unexpected build reply');
    }
    this.deps.onMessage?.(message, via);
  }

  /** A zero-hop inbound tunnel: we are gateway and endpoint (used for first build replies). */
  zeroHopInbound(): OwnTunnel {
    const now = this.deps.clock.now();
    const id = this.#freshId();
    const t: OwnTunnel = {
      inbound: true, hops: [], receiveIds: [], layers: [], endpointId: id, created: now, expires: now + TUNNEL_LIFETIME_MS,
      gateway: { router: this.hash, tunnelId: id }, reassembler: new Reassembler(), cells: 0,
    };
    this.#inbound.set(id, t);
    return t;
  }

  #freshId(): number {
    let id = randomU32(this.deps.crypto);
    while (this.#inbound.has(id)) id = randomU32(this.deps.crypto);
    return id;
  }

  /**
   * Builds a tunnel through `hops` (in order: gateway first). Outbound build replies come back
   * through `replyVia` (one of our inbound tunnels); an inbound build is sent through `sendVia`
   * (one of our outbound tunnels) when given, so its gateway never talks to us directly. Rejects with BUILD_REJECTED (with the codes)
   * or BUILD_TIMEOUT after 30 s on the injected clock.
   */
  async build(opts: { inbound: boolean; hops: readonly HopSpec[]; replyVia?: OwnTunnel; sendVia?: OwnTunnel; timeoutMs?: number }): Promise<OwnTunnel> {
    const { crypto, clock } = this.deps;
    const n = opts.hops.length;
    if (n < 1 || n > MAX_HOPS) throw new RangeError('a built tunnel has 1..7 hops');
    const endpointId = this.#freshId();
    const reply = opts.inbound ? { router: this.hash, tunnelId: endpointId } : (opts.replyVia ?? this.zeroHopInbound()).gateway;
    const msgIds = Array.from({ length: n + 1 }, () => randomU32(crypto));
    const receiveIds = opts.hops.map(() => randomU32(crypto));
    const prepared = prepareBuild(crypto, {
      inbound: opts.inbound, hops: opts.hops, receiveIds, finalRouter: reply.router, finalTunnelId: reply.tunnelId, msgIds, now: clock.now(),
    });
    const records = await this.#await(msgIds[n] as number, opts.inbound, opts.timeoutMs ?? BUILD_TIMEOUT_MS, () => {
      const first = (opts.hops[0] as HopSpec).hash;
      const message = encodeBuildMessage(encodeBuild(prepared.message));
      // tunnel-creation-ecies.rst: an inbound build goes to its gateway through an outbound tunnel
      if (opts.inbound && opts.sendVia !== undefined) this.sendOutbound(opts.sendVia, { type: 'router', router: first }, message);
      else this.#send(first, message);
    });
    const codes = readReplies(crypto, prepared, decodeBuild(records));
    if (codes.some((c) => c !== REPLY_ACCEPT)) throw new TunnelError('BUILD_REJECTED', `build rejected: ${codes.join(',')}`, { badInput: false });
    const now = clock.now();
    const t: OwnTunnel = {
      inbound: opts.inbound, hops: opts.hops, receiveIds, layers: prepared.keys.map((k) => layerContexts(crypto, k)),
      endpointId, created: now, expires: now + TUNNEL_LIFETIME_MS,
      gateway: { router: (opts.hops[0] as HopSpec).hash, tunnelId: receiveIds[0] as number }, reassembler: new Reassembler(), cells: 0,
    };
    if (opts.inbound) this.#inbound.set(endpointId, t);
    return t;
  }

  #await(msgId: number, inbound: boolean, timeoutMs: number, start: () => void): Promise<Uint8Array> {
    return new Promise<Uint8Array>((resolve, reject) => {
      const cancel = this.deps.clock.setTimer(() => {
        this.#pending.delete(msgId);
        reject(new TunnelError('BUILD_TIMEOUT', 'no build reply in time', { badInput: false }));
      }, timeoutMs);
      this.#pending.set(msgId, { inbound, resolve: (r) => { cancel(); resolve(r); } });
      start();
    });
  }

  /** Sends `message` through our outbound tunnel; the endpoint delivers it per `delivery`. */
  sendOutbound(tunnel: OwnTunnel, delivery: Delivery, message: Uint8Array): void {
    const { crypto } = this.deps;
    if (tunnel.inbound) throw new RangeError('not an outbound tunnel');
    const msgId = randomU32(crypto);
    for (const f of fragmentMessage(msgId, message, delivery)) {
      const cell = plainCell(crypto, tunnel.receiveIds[0] as number, crypto.randomBytes(16), f);
      const v = viewCell(cell);
      for (let k = tunnel.layers.length - 1; k >= 0; k--) this.#layer.inverse(tunnel.layers[k] as LayerContexts, v.nonce, v.body);
      tunnel.cells++;
      this.#send((tunnel.hops[0] as HopSpec).hash, encodeCellMessage(cell));
    }
  }

  /**
   * Tests a pair of our tunnels (I2P `TestJob`): a DeliveryStatus with a random id goes out through
   * `outbound` to the gateway of `inbound`; true when it comes back within the timeout.
   */
  probe(outbound: OwnTunnel, inbound: OwnTunnel, timeoutMs = TUNNEL_TEST_TIMEOUT_MS): Promise<boolean> {
    const id = randomU32(this.deps.crypto);
    const message = new Uint8Array(5);
    message[0] = TMSG.deliveryStatus;
    new DataView(message.buffer).setUint32(1, id);
    return new Promise<boolean>((resolve) => {
      const cancel = this.deps.clock.setTimer(() => {
        this.#probes.delete(id);
        resolve(false);
      }, timeoutMs);
      this.#probes.set(id, () => {
        cancel();
        resolve(true);
      });
      this.sendOutbound(outbound, { type: 'tunnel', tunnelId: inbound.gateway.tunnelId, router: inbound.gateway.router }, message);
    });
  }

  /** Hands `message` straight to an inbound gateway (what an OBEP does; also zero-hop sends). */
  sendToGateway(gateway: { router: Uint8Array; tunnelId: number }, message: Uint8Array): void {
    this.#send(gateway.router, encodeGatewayMessage(gateway.tunnelId, message));
  }

  /** For `ip2 net tunnels`: own inbound and transit tunnels with age, hops and bytes. */
  status(): { own: { inbound: boolean; hops: number; ageMs: number; bytes: number }[]; transit: { role: string; ageMs: number; bytes: number }[] } {
    const now = this.deps.clock.now();
    return {
      own: [...this.#inbound.values()].map((t) => ({ inbound: t.inbound, hops: t.hops.length, ageMs: now - t.created, bytes: t.cells * 1028 })),
      transit: this.transit.list().map((h) => ({ role: h.role, ageMs: now - h.created, bytes: h.cells * 1028 })),
    };
  }

  inboundTunnels(): readonly OwnTunnel[] {
    return [...this.#inbound.values()];
  }

  /** Forgets expired own inbound tunnels and transit tunnels. */
  expire(): void {
    const now = this.deps.clock.now();
    for (const [id, t] of this.#inbound) if (t.expires <= now) this.#inbound.delete(id);
    this.transit.expire(now);
  }
}
