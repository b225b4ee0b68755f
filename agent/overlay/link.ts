/**
 * An encrypted link: the Noise XK handshake over a ByteStream, then frames of typed blocks.
 *
 *   handshake message i = len u16 ‖ Noise message i (payload = blocks)
 *     1  -> e, es   payload: DateTime, Padding
 *     2  <- e, ee   payload: DateTime, Padding
 *     3  -> s, se   payload: RouterInfo (the initiator's signed RouterInfo), Padding
 *   data phase       len u16 ‖ ChaChaPoly(k, n, ad = empty, blocks ‖ Padding)
 *
 * The prologue binds the network id and version, so a peer of another network fails message 1.
 * The responder refuses a replayed message 1 (same ephemeral key within the window) and a
 * DateTime off by more than MAX_CLOCK_SKEW_MS. Every failure is an OverlayError with a code.
 */
import type { CryptoPort } from '../crypto/port.ts';
import type { Clock } from './clock.ts';
import {
  BLOCK, DEFAULT_FRAME_BURST, DEFAULT_FRAMES_PER_SECOND, DEFAULT_MAX_FRAME_LEN, HANDSHAKE_TIMEOUT_MS,
  IDLE_TIMEOUT_MS, LINK_VERSION, MAX_CLOCK_SKEW_MS, MAX_PADDING, PROLOGUE_LABEL, TAGLEN, TERMINATION,
} from './constants.ts';
import { OverlayError, type OverlayErrorCode } from './errors.ts';
import { decodeBlocks, encodeBlocks, encodeFrame, FrameReader, type Block } from './frame.ts';
import type { Log } from './log.ts';
import { HandshakeState, type CipherState, type KeyPair } from './noise.ts';
import type { ReplayCache } from './replay.ts';
import type { ByteStream } from './transport-port.ts';
import { TokenBucket } from './token-bucket.ts';

/** Handshake messages carry at most a RouterInfo plus padding. */
const MAX_HANDSHAKE_FRAME = 8192;
const EMPTY = new Uint8Array(0);

export interface LinkConfig {
  readonly netId: number;
  readonly maxFrameLen?: number;
  readonly handshakeTimeoutMs?: number;
  readonly idleTimeoutMs?: number;
  readonly framesPerSecond?: number;
  readonly frameBurst?: number;
}

export interface LinkDeps {
  readonly crypto: CryptoPort;
  readonly clock: Clock;
  readonly log: Log;
}

export interface LinkEvents {
  /** One `message` block arrived. */
  onMessage(data: Uint8Array): void;
  /** The link closed; `reason` is undefined for a clean close by either side. */
  onClose(reason: OverlayError | undefined): void;
}

/** Prologue: ASCII "IP2 link" ‖ netId u32 ‖ version u8 (PROTOCOL.md). */
export function prologue(netId: number): Uint8Array {
  const label = new TextEncoder().encode(PROLOGUE_LABEL);
  const out = new Uint8Array(label.length + 5);
  out.set(label);
  new DataView(out.buffer).setUint32(label.length, netId >>> 0);
  out[label.length + 4] = LINK_VERSION;
  return out;
}

function dateTimeBlock(nowMs: number): Block {
  const data = new Uint8Array(4);
  new DataView(data.buffer).setUint32(0, Math.floor(nowMs / 1000) >>> 0);
  return { type: BLOCK.dateTime, data };
}

function paddingBlock(crypto: CryptoPort): Block {
  const n = (crypto.randomBytes(1)[0] as number) % (MAX_PADDING + 1);
  return { type: BLOCK.padding, data: new Uint8Array(n) };
}

function checkSkew(blocks: Block[], nowMs: number): void {
  const dt = blocks.find((b) => b.type === BLOCK.dateTime);
  if (dt?.data.length !== 4) throw new OverlayError('HANDSHAKE_FAILED', 'handshake payload lacks a DateTime block');
  const t = new DataView(dt.data.buffer, dt.data.byteOffset, 4).getUint32(0) * 1000;
  if (Math.abs(t - nowMs) > MAX_CLOCK_SKEW_MS) throw new OverlayError('CLOCK_SKEW', `peer clock is ${Math.round((t - nowMs) / 1000)} s off`);
}

/** Reads whole frames from a stream (shared by the handshake and the data phase). */
class FrameSource {
  readonly #reader: FrameReader;
  readonly #ready: Uint8Array[] = [];
  constructor(private readonly stream: ByteStream, maxFrameLen: number) {
    this.#reader = new FrameReader(maxFrameLen);
  }
  /** Switches the limit for frames not yet started (after the handshake). */
  setMaxFrameLen(max: number): void {
    this.#reader.setMaxFrameLen(max);
  }
  async next(): Promise<Uint8Array | null> {
    while (this.#ready.length === 0) {
      const chunk = await this.stream.read();
      if (chunk === null) return null;
      this.#ready.push(...this.#reader.push(chunk));
    }
    return this.#ready.shift() ?? null;
  }
}

interface HandshakeCtx {
  readonly stream: ByteStream;
  readonly deps: LinkDeps;
  readonly config: LinkConfig;
  readonly source: FrameSource;
}

async function expectFrame(ctx: HandshakeCtx): Promise<Uint8Array> {
  const f = await ctx.source.next();
  if (f === null) throw new OverlayError('HANDSHAKE_TRUNCATED', 'peer closed during the handshake');
  return f;
}

/** Runs `body` under the handshake timeout; closes the stream on any failure. */
async function withHandshakeTimeout<T>(ctx: HandshakeCtx, body: () => Promise<T>): Promise<T> {
  let timedOut = false;
  const cancel = ctx.deps.clock.setTimer(() => {
    timedOut = true;
    ctx.stream.close();
  }, ctx.config.handshakeTimeoutMs ?? HANDSHAKE_TIMEOUT_MS);
  try {
    return await body();
  } catch (err) {
    ctx.stream.close();
    if (timedOut) throw new OverlayError('HANDSHAKE_TIMEOUT', 'handshake timed out', { cause: err });
    if (err instanceof OverlayError) throw err;
    throw new OverlayError('HANDSHAKE_FAILED', 'handshake failed', { cause: err });
  } finally {
    cancel();
  }
}

export interface InitiateOptions {
  readonly staticKey: KeyPair;
  readonly remoteStatic: Uint8Array;
  /** Our signed RouterInfo, sent in message 3. */
  readonly routerInfo: Uint8Array;
  readonly ePrivateKey?: Uint8Array;
}

export function initiateLink(stream: ByteStream, deps: LinkDeps, config: LinkConfig, opts: InitiateOptions, events: LinkEvents): Promise<Link> {
  const source = new FrameSource(stream, MAX_HANDSHAKE_FRAME);
  const ctx: HandshakeCtx = { stream, deps, config, source };
  return withHandshakeTimeout(ctx, async () => {
    const hs = new HandshakeState({
      crypto: deps.crypto, initiator: true, prologue: prologue(config.netId), s: opts.staticKey,
      rs: opts.remoteStatic, ...(opts.ePrivateKey ? { ePrivateKey: opts.ePrivateKey } : {}),
    });
    const now = () => deps.clock.now();
    await stream.write(encodeFrame(hs.writeMessage(encodeBlocks([dateTimeBlock(now()), paddingBlock(deps.crypto)]))));
    checkSkew(decodeBlocks(hs.readMessage(await expectFrame(ctx))), now());
    await stream.write(encodeFrame(hs.writeMessage(encodeBlocks([{ type: BLOCK.routerInfo, data: opts.routerInfo }, paddingBlock(deps.crypto)]))));
    const link = new Link(stream, source, deps, config, { ...hs.result, remoteRouterInfo: undefined }, events);
    link.start();
    return link;
  });
}

export interface AcceptOptions {
  readonly staticKey: KeyPair;
  readonly replay: ReplayCache;
  readonly ePrivateKey?: Uint8Array;
}

/** Accepts a link; the returned link is not started (see Link.start). */
export function acceptLink(stream: ByteStream, deps: LinkDeps, config: LinkConfig, opts: AcceptOptions, events: LinkEvents): Promise<Link> {
  const source = new FrameSource(stream, MAX_HANDSHAKE_FRAME);
  const ctx: HandshakeCtx = { stream, deps, config, source };
  return withHandshakeTimeout(ctx, async () => {
    const hs = new HandshakeState({
      crypto: deps.crypto, initiator: false, prologue: prologue(config.netId), s: opts.staticKey,
      ...(opts.ePrivateKey ? { ePrivateKey: opts.ePrivateKey } : {}),
    });
    const now = () => deps.clock.now();
    const m1 = hs.readMessage(await expectFrame(ctx));
    if (!opts.replay.checkAndAdd(hs.remoteEphemeral ?? EMPTY, now())) {
      throw new OverlayError('REPLAY', 'replayed handshake message 1');
    }
    checkSkew(decodeBlocks(m1), now());
    await stream.write(encodeFrame(hs.writeMessage(encodeBlocks([dateTimeBlock(now()), paddingBlock(deps.crypto)]))));
    const m3 = decodeBlocks(hs.readMessage(await expectFrame(ctx)));
    const ri = m3.find((b) => b.type === BLOCK.routerInfo);
    if (ri === undefined) throw new OverlayError('HANDSHAKE_FAILED', 'message 3 lacks a RouterInfo block');
    return new Link(stream, source, deps, config, { ...hs.result, remoteRouterInfo: ri.data }, events);
  });
}

interface Established {
  readonly send: CipherState;
  readonly receive: CipherState;
  readonly rs: Uint8Array;
  readonly handshakeHash: Uint8Array;
  readonly remoteRouterInfo: Uint8Array | undefined;
}

/** An established link. Sends are serialised; one read loop dispatches incoming blocks. */
export class Link {
  readonly remoteStatic: Uint8Array;
  readonly remoteRouterInfo: Uint8Array | undefined;
  readonly remoteAddress: string;
  #closed = false;
  #cancelIdle: () => void = () => undefined;
  readonly #bucket: TokenBucket;
  readonly #maxPlain: number;
  bytesIn = 0;
  bytesOut = 0;

  constructor(
    private readonly stream: ByteStream,
    private readonly source: FrameSource,
    private readonly deps: LinkDeps,
    private readonly config: LinkConfig,
    private readonly est: Established,
    private readonly events: LinkEvents,
  ) {
    this.remoteStatic = est.rs;
    this.remoteRouterInfo = est.remoteRouterInfo;
    this.remoteAddress = stream.remoteAddress;
    this.#bucket = new TokenBucket(deps.clock, config.frameBurst ?? DEFAULT_FRAME_BURST, config.framesPerSecond ?? DEFAULT_FRAMES_PER_SECOND);
    this.#maxPlain = (config.maxFrameLen ?? DEFAULT_MAX_FRAME_LEN) - TAGLEN;
    this.#armIdle();
  }

  #started = false;
  /**
   * Starts delivering incoming blocks. `initiateLink` starts its link; the caller of `acceptLink`
   * calls this once it has registered the peer, so no message arrives before it knows who sent it.
   */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    void this.#readLoop();
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Largest message payload one frame can carry (block header and padding budget removed). */
  get maxMessage(): number {
    return this.#maxPlain - 3 - (3 + MAX_PADDING);
  }

  async sendMessage(data: Uint8Array): Promise<void> {
    if (data.length > this.maxMessage) throw new RangeError(`message of ${data.length} bytes exceeds ${this.maxMessage}`);
    await this.#sendBlocks([{ type: BLOCK.message, data }]);
  }

  async #sendBlocks(blocks: Block[]): Promise<void> {
    if (this.#closed) throw new OverlayError('CLOSED', 'link is closed');
    const plain = encodeBlocks([...blocks, paddingBlock(this.deps.crypto)]);
    const frame = encodeFrame(this.est.send.encryptWithAd(EMPTY, plain));
    this.bytesOut += frame.length;
    await this.stream.write(frame);
  }

  /** Clean close: a Termination block, then the stream. */
  close(reason: OverlayError | undefined = undefined, code: number = TERMINATION.normal): void {
    if (this.#closed) return;
    const term = new Uint8Array(1);
    term[0] = code;
    this.#sendBlocks([{ type: BLOCK.termination, data: term }]).catch(() => undefined).finally(() => this.stream.close());
    this.#finish(reason);
  }

  #finish(reason: OverlayError | undefined): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#cancelIdle();
    this.events.onClose(reason);
  }

  #armIdle(): void {
    this.#cancelIdle();
    this.#cancelIdle = this.deps.clock.setTimer(() => {
      this.close(new OverlayError('IDLE_TIMEOUT', 'link idle'), TERMINATION.idleTimeout);
    }, this.config.idleTimeoutMs ?? IDLE_TIMEOUT_MS);
  }

  async #readLoop(): Promise<void> {
    try {
      this.source.setMaxFrameLen(this.config.maxFrameLen ?? DEFAULT_MAX_FRAME_LEN);
      for (;;) {
        const frame = await this.source.next();
        if (frame === null || this.#closed) break;
        this.#onFrame(frame);
      }
      this.stream.close();
      this.#finish(undefined);
    } catch (err) {
      const e = err instanceof OverlayError ? err : new OverlayError('FRAME_MALFORMED', 'link read failed', { cause: err });
      this.deps.log.log('warn', 'link.error', { code: e.code, remote: this.remoteAddress });
      this.close(e, e.code === 'AEAD_FAILED' ? TERMINATION.aeadFailure : e.code === 'RATE_LIMITED' ? TERMINATION.rateLimited : TERMINATION.frameError);
    }
  }

  #onFrame(frame: Uint8Array): void {
    if (!this.#bucket.take(1)) throw new OverlayError('RATE_LIMITED', 'peer exceeded its frame rate');
    if (frame.length > this.#maxPlain + TAGLEN) throw new OverlayError('FRAME_TOO_LARGE', 'frame exceeds the link limit');
    this.bytesIn += frame.length + 2;
    const blocks = decodeBlocks(this.est.receive.decryptWithAd(EMPTY, frame));
    this.#armIdle();
    for (const b of blocks) {
      if (this.#closed) return;
      if (b.type === BLOCK.message) this.events.onMessage(b.data);
      else if (b.type === BLOCK.termination) {
        this.stream.close();
        this.#finish(undefined);
      }
      // DateTime, RouterInfo updates and unknown block types are ignored (forward compatibility).
    }
  }
}

export function isProtocolViolation(code: OverlayErrorCode): boolean {
  return ['HANDSHAKE_FAILED', 'REPLAY', 'CLOCK_SKEW', 'FRAME_MALFORMED', 'FRAME_TOO_LARGE', 'AEAD_FAILED', 'RATE_LIMITED', 'WRONG_NETWORK', 'ROUTERINFO_INVALID', 'ROUTERINFO_TOO_LARGE', 'MESSAGE_INVALID'].includes(code);
}
