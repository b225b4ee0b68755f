/**
 * The hop side: transit tunnels this router takes part in (participant, inbound gateway or
 * outbound endpoint). It answers build records (accept, or reject with code 30 at the transit
 * cap, under load or for a bad request; silently drops replayed records), forwards cells through
 * its layer after the replay filter, injects gateway messages into inbound tunnels, and at an
 * outbound endpoint reassembles and delivers. Every drop is counted by code.
 */
import type { CryptoPort } from '../../crypto/port.ts';
import type { Clock } from '../clock.ts';
import type { Log } from '../log.ts';
import type { KeyPair } from '../noise.ts';
import { ReplayCache } from '../replay.ts';
import { TokenBucket } from '../token-bucket.ts';
import { DecayingBloomFilter, cellReplayKey, type DecayingBloomOptions } from './bloom.ts';
import { answerRecord, decodeBuild, encodeBuild, findRecord, type ProcessedRecord } from './build.ts';
import { fragmentMessage, plainCell, readPlainBody, setCellTunnelId, viewCell } from './cell.ts';
import {
  DEFAULT_TRANSIT_CAP, FLAG_IBGW, FLAG_OBEP, LAYER_CHACHA20, MSG, RECORD_REPLAY_WINDOW_MS, REPLY_ACCEPT, REPLY_REJECT, REQUEST_SKEW_MS,
  TMSG, TUNNEL_GRACE_MS, TUNNEL_LIFETIME_MS,
} from './constants.ts';
import { TunnelError, type TunnelErrorCode } from './errors.ts';
import { LayerCipher, layerContexts, type LayerContexts } from './layer.ts';
import { encodeBuildMessage, encodeGatewayMessage, withType } from './messages.ts';
import { Reassembler } from './reassembly.ts';
import { RedBucket } from './red.ts';

export type HopRole = 'participant' | 'ibgw' | 'obep';

export interface TransitHop {
  readonly role: HopRole;
  readonly receiveTunnelId: number;
  readonly nextTunnelId: number;
  readonly nextRouter: Uint8Array;
  /** The hop's layer and nonce keys as ChaCha20 contexts, made once when the hop is accepted. */
  readonly layer: LayerContexts;
  readonly created: number;
  readonly expires: number;
  cells: number;
  reassembler: Reassembler | undefined;
}

export interface TransitConfig {
  /** Hard cap on transit tunnels (research §5.3: 200–500 on a Pi). */
  readonly transitCap?: number;
  /** Build requests answered per second before rejecting with code 30 (burst = 2 s worth). */
  readonly buildsPerSecond?: number;
  /** Transit cells per second before dropping (burst = 1 s worth; random early drop below ¼). */
  readonly cellsPerSecond?: number;
  readonly bloom?: DecayingBloomOptions;
}

export interface TransitDeps {
  readonly crypto: CryptoPort;
  readonly clock: Clock;
  readonly log: Log;
  readonly identity: { readonly hash: Uint8Array; readonly staticKey: KeyPair };
  /** Sends one link message to a router; failures are counted, not thrown. */
  readonly send: (to: Uint8Array, message: Uint8Array) => void;
  readonly count: (code: TunnelErrorCode) => void;
  readonly config: TransitConfig;
}

export class TransitTable {
  readonly #hops = new Map<number, TransitHop>();
  readonly #layer: LayerCipher;
  readonly #bloom: DecayingBloomFilter;
  readonly #records = new ReplayCache(RECORD_REPLAY_WINDOW_MS, 16_384);
  readonly #builds: TokenBucket;
  readonly #cells: RedBucket;
  readonly #key = new Uint8Array(16);
  readonly #cap: number;
  forwarded = 0;

  constructor(private readonly deps: TransitDeps) {
    this.#layer = new LayerCipher(deps.crypto);
    this.#bloom = new DecayingBloomFilter(deps.crypto, deps.clock.now(), deps.config.bloom);
    const bps = deps.config.buildsPerSecond ?? 50;
    const cps = deps.config.cellsPerSecond ?? 20_000;
    this.#builds = new TokenBucket(deps.clock, 2 * bps, bps);
    this.#cells = new RedBucket(deps.clock, cps, deps.crypto.randomBytes(4));
    this.#cap = deps.config.transitCap ?? DEFAULT_TRANSIT_CAP;
  }

  get size(): number {
    return this.#hops.size;
  }

  get bloomBytes(): number {
    return this.#bloom.memoryBytes;
  }

  list(): readonly TransitHop[] {
    return [...this.#hops.values()];
  }

  expire(now: number): void {
    for (const [id, h] of this.#hops) if (h.expires + TUNNEL_GRACE_MS <= now) this.#hops.delete(id);
  }

  /** A build message for which we hold a record. Throws RECORD_NOT_FOUND when none is ours. */
  handleBuild(bytes: Uint8Array): void {
    const { crypto, identity } = this.deps;
    const message = decodeBuild(bytes);
    const rec = findRecord(crypto, identity, message);
    const now = this.deps.clock.now();
    if (!this.#records.checkAndAdd(rec.ephemeral, now)) throw new TunnelError('RECORD_REPLAY', 'replayed build record');
    const reason = this.#refusal(rec, now);
    if (reason !== undefined) this.deps.count(reason);
    const code = reason === undefined ? REPLY_ACCEPT : REPLY_REJECT;
    if (code === REPLY_ACCEPT) this.#accept(rec, now);
    const answered = encodeBuild(answerRecord(crypto, message, rec, code));
    const r = rec.request;
    if ((r.flags & FLAG_OBEP) !== 0) this.deps.send(r.nextRouter, encodeGatewayMessage(r.nextTunnelId, withType(TMSG.buildReply, answered)));
    else this.deps.send(r.nextRouter, encodeBuildMessage(answered));
    this.deps.log.log('debug', 'tunnel.transit.build', { code, role: roleOf(r.flags) });
  }

  #refusal(rec: ProcessedRecord, now: number): TunnelErrorCode | undefined {
    const r = rec.request;
    if (Math.abs(now - r.requestTimeMin * 60_000) > REQUEST_SKEW_MS + 60_000) return 'RECORD_EXPIRED';
    if (r.expirationSec !== TUNNEL_LIFETIME_MS / 1000 || r.layerType !== LAYER_CHACHA20) return 'RECORD_MALFORMED';
    if ((r.flags & FLAG_IBGW) !== 0 && (r.flags & FLAG_OBEP) !== 0) return 'RECORD_MALFORMED';
    if (r.receiveTunnelId === 0 || this.#hops.has(r.receiveTunnelId)) return 'RECORD_MALFORMED';
    this.expire(now);
    if (this.#hops.size >= this.#cap) return 'TRANSIT_CAP';
    if (!this.#builds.take(1)) return 'RATE_LIMITED';
    return undefined;
  }

  #accept(rec: ProcessedRecord, now: number): void {
    const r = rec.request;
    const role = roleOf(r.flags);
    this.#hops.set(r.receiveTunnelId, {
      role, receiveTunnelId: r.receiveTunnelId, nextTunnelId: r.nextTunnelId, nextRouter: r.nextRouter,
      layer: layerContexts(this.deps.crypto, rec.keys), created: now, expires: now + TUNNEL_LIFETIME_MS, cells: 0,
      reassembler: role === 'obep' ? new Reassembler() : undefined,
    });
  }

  /**
   * A TunnelData frame (18 ‖ cell) for a transit tunnel: filtered, layered and forwarded in place
   * (the same buffer goes out). Returns false when the tunnel id is not a transit tunnel.
   */
  handleCell(frame: Uint8Array, cell: Uint8Array): boolean {
    const v = viewCell(cell);
    const hop = this.#hops.get(v.tunnelId);
    if (hop === undefined || hop.role === 'ibgw') return false;
    const now = this.deps.clock.now();
    if (hop.expires + TUNNEL_GRACE_MS <= now) return false;
    this.#admit();
    if (!this.#bloom.checkAndAdd(cellReplayKey(v.nonce, v.body, this.#key), now)) throw new TunnelError('CELL_REPLAY', 'replayed cell');
    this.#layer.forward(hop.layer, v.nonce, v.body);
    hop.cells++;
    this.forwarded++;
    if (hop.role === 'obep') {
      this.#endpoint(hop, v.nonce, v.body, now);
      return true;
    }
    setCellTunnelId(cell, hop.nextTunnelId);
    this.deps.send(hop.nextRouter, frame);
    return true;
  }

  #endpoint(hop: TransitHop, nonce: Uint8Array, body: Uint8Array, now: number): void {
    for (const f of readPlainBody(this.deps.crypto, body, nonce)) {
      const done = (hop.reassembler as Reassembler).add(f, now);
      if (done === undefined) continue;
      const d = done.delivery;
      if (d.type === 'tunnel') this.deps.send(d.router, encodeGatewayMessage(d.tunnelId, done.message));
      // ROUTER delivery carries only build messages (an inbound build sent through an outbound tunnel)
      else if (d.type === 'router' && done.message[0] === MSG.shortTunnelBuild) this.deps.send(d.router, done.message);
      else this.deps.count('NO_ROUTE'); // IP2: other ROUTER and LOCAL delivery at an OBEP are not offered
    }
  }

  #admit(): void {
    const a = this.#cells.admit();
    if (a === 'over-limit') throw new TunnelError('RATE_LIMITED', 'transit cell rate over the limit');
    if (a === 'early-drop') throw new TunnelError('EARLY_DROP', 'random early drop under load');
  }

  /** A TunnelGateway message for an inbound tunnel we are the gateway of. False when not ours. */
  handleGateway(tunnelId: number, message: Uint8Array): boolean {
    const hop = this.#hops.get(tunnelId);
    if (hop?.role !== 'ibgw') return false;
    this.#admit();
    const { crypto } = this.deps;
    const msgId = new DataView(crypto.randomBytes(4).buffer).getUint32(0);
    for (const f of fragmentMessage(msgId, message, { type: 'local' })) {
      const cell = plainCell(crypto, hop.nextTunnelId, crypto.randomBytes(16), f);
      const v = viewCell(cell);
      this.#layer.forward(hop.layer, v.nonce, v.body);
      hop.cells++;
      this.deps.send(hop.nextRouter, withType(18, cell));
    }
    return true;
  }
}

function roleOf(flags: number): HopRole {
  return (flags & FLAG_IBGW) !== 0 ? 'ibgw' : (flags & FLAG_OBEP) !== 0 ? 'obep' : 'participant';
}
