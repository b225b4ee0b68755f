import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { VirtualClock, settle } from '../../agent/overlay/clock.ts';
import { MemoryNetwork } from '../../agent/overlay/transport-memory.ts';
import { acceptLink, initiateLink, prologue, type Link, type LinkConfig } from '../../agent/overlay/link.ts';
import { ReplayCache } from '../../agent/overlay/replay.ts';
import { HandshakeState } from '../../agent/overlay/noise.ts';
import { encodeBlocks, encodeFrame } from '../../agent/overlay/frame.ts';
import { BLOCK } from '../../agent/overlay/constants.ts';
import { MemoryLog } from '../../agent/overlay/log.ts';
import type { OverlayError } from '../../agent/overlay/errors.ts';
import type { ByteStream } from '../../agent/overlay/transport-port.ts';
import { testCrypto } from './helpers/crypto.ts';

const crypto = testCrypto();
const keyPair = () => {
  const privateKey = crypto.randomBytes(32);
  return { privateKey, publicKey: crypto.x25519.publicKey(privateKey) };
};

function harness(opts: { maxChunk?: number; configA?: Partial<LinkConfig>; configB?: Partial<LinkConfig> } = {}) {
  const clock = new VirtualClock();
  const net = new MemoryNetwork(opts.maxChunk ? { maxChunk: opts.maxChunk } : {});
  const log = new MemoryLog();
  const deps = { crypto, clock, log };
  const bKey = keyPair();
  const aKey = keyPair();
  const replay = new ReplayCache();
  const received: { side: string; data: Uint8Array }[] = [];
  const closes: { side: string; reason: OverlayError | undefined }[] = [];
  const events = (side: string) => ({
    onMessage: (data: Uint8Array) => received.push({ side, data }),
    onClose: (reason: OverlayError | undefined) => closes.push({ side, reason }),
  });
  const accepted: Promise<Link>[] = [];
  const listen = async () => net.transport('10.0.0.2').listen('10.0.0.2:0', (s) => {
    const p = acceptLink(s, deps, { netId: 7, ...opts.configB }, { staticKey: bKey, replay }, events('b')).then((link) => {
      link.start();
      return link;
    });
    p.catch(() => undefined);
    accepted.push(p);
  });
  const connect = async (address: string) => {
    const s = await net.transport('10.0.0.1').dial(address);
    return initiateLink(s, deps, { netId: 7, ...opts.configA }, { staticKey: aKey, remoteStatic: bKey.publicKey, routerInfo: Uint8Array.of(1, 2, 3) }, events('a'));
  };
  return { clock, net, log, deps, aKey, bKey, replay, received, closes, accepted, listen, connect };
}

describe('link: handshake and data phase over the memory transport', () => {
  it('establishes both ways, authenticates static keys, carries messages in both directions', async () => {
    const h = harness({ maxChunk: 5 });
    const l = await h.listen();
    const a = await h.connect(l.address);
    const b = await h.accepted[0]!;
    expect(b.remoteStatic).toEqual(h.aKey.publicKey);
    expect(a.remoteStatic).toEqual(h.bKey.publicKey);
    expect(b.remoteRouterInfo).toEqual(Uint8Array.of(1, 2, 3));
    await a.sendMessage(Uint8Array.of(42));
    await b.sendMessage(new Uint8Array(1000).fill(5));
    await settle();
    expect(h.received).toEqual([{ side: 'b', data: Uint8Array.of(42) }, { side: 'a', data: new Uint8Array(1000).fill(5) }]);
    a.close();
    await settle();
    expect(h.closes).toEqual([{ side: 'a', reason: undefined }, { side: 'b', reason: undefined }]);
  });

  it('a peer of another network id fails the handshake with HANDSHAKE_FAILED', async () => {
    const h = harness({ configA: { netId: 8 } });
    const l = await h.listen();
    await expect(h.connect(l.address)).rejects.toMatchObject({ code: expect.stringMatching(/HANDSHAKE_(FAILED|TRUNCATED)/) as unknown });
    await expect(h.accepted[0]!).rejects.toMatchObject({ code: 'HANDSHAKE_FAILED' });
  });

  it('a replayed message 1 is refused with REPLAY', async () => {
    const h = harness();
    const l = await h.listen();
    const hs = new HandshakeState({ crypto, initiator: true, prologue: prologue(7), s: h.aKey, rs: h.bKey.publicKey });
    const dt = new Uint8Array(4);
    new DataView(dt.buffer).setUint32(0, Math.floor(h.clock.now() / 1000));
    const m1 = encodeFrame(hs.writeMessage(encodeBlocks([{ type: BLOCK.dateTime, data: dt }])));
    const s1 = await h.net.transport('10.0.0.1').dial(l.address);
    await s1.write(m1);
    const s2 = await h.net.transport('10.0.0.1').dial(l.address);
    await s2.write(m1);
    await settle();
    await expect(h.accepted[1]!).rejects.toMatchObject({ code: 'REPLAY' });
    s1.close();
    await expect(h.accepted[0]!).rejects.toMatchObject({ code: 'HANDSHAKE_TRUNCATED' });
  });

  it('a clock off by more than 60 s is refused with CLOCK_SKEW', async () => {
    const h = harness();
    const l = await h.listen();
    const hs = new HandshakeState({ crypto, initiator: true, prologue: prologue(7), s: h.aKey, rs: h.bKey.publicKey });
    const dt = new Uint8Array(4);
    new DataView(dt.buffer).setUint32(0, Math.floor(h.clock.now() / 1000) - 120);
    const s = await h.net.transport('10.0.0.1').dial(l.address);
    await s.write(encodeFrame(hs.writeMessage(encodeBlocks([{ type: BLOCK.dateTime, data: dt }]))));
    await expect(h.accepted[0]!).rejects.toMatchObject({ code: 'CLOCK_SKEW' });
  });

  it('a peer that connects and sends nothing times out (virtual clock)', async () => {
    const h = harness();
    const l = await h.listen();
    const s = await h.net.transport('10.0.0.1').dial(l.address);
    await settle();
    await h.clock.advance(10_001);
    await expect(h.accepted[0]!).rejects.toMatchObject({ code: 'HANDSHAKE_TIMEOUT' });
    expect(await s.read()).toBeNull();
  });

  it('a truncated handshake at every length is HANDSHAKE_TRUNCATED or HANDSHAKE_FAILED, never a crash', async () => {
    const h = harness();
    const l = await h.listen();
    const hs = new HandshakeState({ crypto, initiator: true, prologue: prologue(7), s: h.aKey, rs: h.bKey.publicKey });
    const m1 = encodeFrame(hs.writeMessage(encodeBlocks([{ type: BLOCK.dateTime, data: new Uint8Array(4) }])));
    for (let n = 0; n < m1.length; n++) {
      const s = await h.net.transport('10.0.0.1').dial(l.address);
      await s.write(m1.subarray(0, n)).catch(() => undefined);
      s.close();
    }
    const results = await Promise.allSettled(h.accepted);
    for (const r of results) {
      expect(r.status).toBe('rejected');
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: expect.stringMatching(/HANDSHAKE_(TRUNCATED|FAILED)|FRAME_MALFORMED/) as unknown });
    }
  });

  it('idle links close with IDLE_TIMEOUT', async () => {
    const h = harness();
    const l = await h.listen();
    await h.connect(l.address);
    await h.accepted[0]!;
    await h.clock.advance(120_001);
    expect(h.closes.map((c) => c.reason?.code)).toContain('IDLE_TIMEOUT');
  });

  it('a peer over its frame rate is cut off with RATE_LIMITED', async () => {
    const h = harness({ configB: { frameBurst: 5, framesPerSecond: 1 } });
    const l = await h.listen();
    const a = await h.connect(l.address);
    await h.accepted[0]!;
    for (let i = 0; i < 10; i++) await a.sendMessage(Uint8Array.of(i)).catch(() => undefined);
    await settle();
    expect(h.closes.find((c) => c.side === 'b')?.reason?.code).toBe('RATE_LIMITED');
    expect(h.received.filter((r) => r.side === 'b')).toHaveLength(5);
  });

  it('fuzzed bytes after the handshake close the link with a typed reason, never a crash', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 300 }), async (junk) => {
      const h = harness();
      const l = await h.listen();
      const a = await h.connect(l.address);
      await h.accepted[0]!;
      const raw = (a as unknown as { stream: ByteStream }).stream;
      await raw.write(junk);
      raw.close();
      await settle();
      const reason = h.closes.find((c) => c.side === 'b')?.reason;
      if (reason !== undefined) expect(['AEAD_FAILED', 'FRAME_MALFORMED', 'FRAME_TOO_LARGE']).toContain(reason.code);
      expect(h.received.filter((r) => r.side === 'b')).toHaveLength(0);
    }), { numRuns: 40 });
  });
});
