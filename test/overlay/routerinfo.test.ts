import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { encodeCbor } from '../../agent/cbor/index.ts';
import { signCose1 } from '../../agent/identity/cose.ts';
import { softwareKeyStore } from '../../agent/identity/software-keystore.ts';
import { VirtualClock } from '../../agent/overlay/clock.ts';
import { isOverlayError } from '../../agent/overlay/errors.ts';
import { closest, compareDistance, dateString, routingKey } from '../../agent/overlay/kademlia.ts';
import { silentLog } from '../../agent/overlay/log.ts';
import { decodeMessage, encodeMessage, type NetDbMessage } from '../../agent/overlay/messages.ts';
import { fileNetDbStore, NetDb } from '../../agent/overlay/netdb.ts';
import { signRouterInfo, verifyRouterInfo, type RouterInfo } from '../../agent/overlay/routerinfo.ts';
import { makeSeedBundle, readSeedBundle } from '../../agent/overlay/seed.ts';
import { testCrypto } from './helpers/crypto.ts';

const crypto = testCrypto();
const clock = new VirtualClock();
const signer = (n: number) => softwareKeyStore(new Uint8Array(32).fill(n), crypto);
const info = (did: string, over: Partial<RouterInfo> = {}): RouterInfo => ({
  did, staticKey: new Uint8Array(32).fill(3), addresses: [{ host: '127.1.2.3', port: 4000 }], floodfill: true,
  bandwidth: 'H', published: clock.now(), netId: 9, ...over,
});
const opts = { crypto, netId: 9, now: clock.now() };

describe('RouterInfo', () => {
  it('verifies what it signs and keeps the exact bytes', async () => {
    const s = signer(1);
    const bytes = await signRouterInfo(info(s.did), s);
    const v = verifyRouterInfo(bytes, opts);
    expect(v.info).toEqual(info(s.did));
    expect(Buffer.from(v.bytes).equals(Buffer.from(bytes))).toBe(true);
    expect(v.hash).toEqual(crypto.sha256(new TextEncoder().encode(s.did)));
  });

  it('refuses tampering, another network, expiry, the future, size, and a foreign signer with typed codes', async () => {
    const s = signer(1);
    const bytes = await signRouterInfo(info(s.did), s);
    const tampered = Uint8Array.from(bytes);
    tampered[tampered.length - 70]! ^= 1;
    expect(() => verifyRouterInfo(tampered, opts)).toThrow(expect.objectContaining({ code: 'ROUTERINFO_INVALID' }));
    expect(() => verifyRouterInfo(bytes, { ...opts, netId: 10 })).toThrow(expect.objectContaining({ code: 'WRONG_NETWORK' }));
    expect(() => verifyRouterInfo(bytes, { ...opts, now: opts.now + 61 * 60_000 })).toThrow(expect.objectContaining({ code: 'ROUTERINFO_EXPIRED' }));
    expect(() => verifyRouterInfo(bytes, { ...opts, now: opts.now - 5 * 60_000 })).toThrow(expect.objectContaining({ code: 'ROUTERINFO_INVALID' }));
    expect(() => verifyRouterInfo(new Uint8Array(3000), opts)).toThrow(expect.objectContaining({ code: 'ROUTERINFO_TOO_LARGE' }));
    const foreign = await signCose1(encodeCbor({ v: 1, did: s.did, x: new Uint8Array(32), a: [], ff: false, bw: 'L', pub: opts.now, net: 9 }), signer(2));
    expect(() => verifyRouterInfo(foreign, opts)).toThrow(expect.objectContaining({ code: 'ROUTERINFO_INVALID' }));
    const extra = await signCose1(encodeCbor({ v: 1, did: s.did, x: new Uint8Array(32), a: [], ff: false, bw: 'L', pub: opts.now, net: 9, evil: 1 }), s);
    expect(() => verifyRouterInfo(extra, opts)).toThrow(expect.objectContaining({ code: 'ROUTERINFO_INVALID' }));
  });

  it('any bytes: a RouterInfo or a typed error', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 2500 }), (bytes) => {
      try {
        verifyRouterInfo(bytes, opts);
        return false;
      } catch (err) {
        return isOverlayError(err, 'ROUTERINFO_INVALID') || isOverlayError(err, 'ROUTERINFO_TOO_LARGE');
      }
    }), { numRuns: 500 });
  });
});

describe('netDb messages', () => {
  const ri = new Uint8Array(100).fill(7);
  const arb: fc.Arbitrary<NetDbMessage> = fc.oneof(
    fc.record({ t: fc.constant('store' as const), id: fc.nat(), ri: fc.constant(ri), flood: fc.boolean() }),
    fc.record({ t: fc.constant('ack' as const), id: fc.nat() }),
    fc.record({ t: fc.constant('lookup' as const), id: fc.nat(), key: fc.uint8Array({ minLength: 32, maxLength: 32 }), x: fc.boolean() }),
    fc.record({ t: fc.constant('found' as const), id: fc.nat(), ri: fc.constant(ri) }),
    fc.record({ t: fc.constant('reply' as const), id: fc.nat(), peers: fc.array(fc.constant(ri), { maxLength: 8 }) }),
  );
  it('decode(encode(x)) = x', () => {
    fc.assert(fc.property(arb, (m) => {
      const norm = (x: unknown) => JSON.stringify(x, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v));
      expect(norm(decodeMessage(encodeMessage(m)))).toBe(norm(m));
    }));
  });
  it('any bytes: a message or MESSAGE_INVALID', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
      try {
        decodeMessage(bytes);
      } catch (err) {
        expect(isOverlayError(err, 'MESSAGE_INVALID')).toBe(true);
      }
    }), { numRuns: 2000 });
    expect(() => decodeMessage(encodeCbor({ t: 'ack', id: 1, more: 2 }))).toThrow(expect.objectContaining({ code: 'MESSAGE_INVALID' }));
    expect(() => decodeMessage(new Uint8Array(9000))).toThrow(expect.objectContaining({ code: 'MESSAGE_INVALID' }));
  });
});

describe('kademlia', () => {
  it('closest() agrees with a brute-force XOR comparison', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 4, maxLength: 4 }), fc.array(fc.uint8Array({ minLength: 4, maxLength: 4 }), { maxLength: 30 }), (target, keys) => {
      const num = (k: Uint8Array) => (Buffer.from(k).readUInt32BE(0) ^ Buffer.from(target).readUInt32BE(0)) >>> 0;
      const got = closest(target, keys, (k) => k, 3).map(num);
      const want = keys.map(num).sort((a, b) => a - b).slice(0, 3);
      expect(got).toEqual(want);
      for (let i = 1; i < got.length; i++) expect(got[i - 1]!).toBeLessThanOrEqual(got[i]!);
    }));
    expect(compareDistance(Uint8Array.of(0), Uint8Array.of(1), Uint8Array.of(2))).toBeLessThan(0);
  });
  it('the routing key rotates at UTC midnight', () => {
    const h = new Uint8Array(32).fill(5);
    const before = Date.UTC(2026, 10, 22, 23, 59, 59);
    expect(dateString(before)).toBe('20261122');
    expect(routingKey(crypto, h, before)).not.toEqual(routingKey(crypto, h, before + 2000));
    expect(routingKey(crypto, h, before)).toEqual(routingKey(crypto, h, before - 3600_000));
  });
});

describe('netDb store', () => {
  it('keeps the newest per router, is bounded, and persists across restarts (tampered records skipped)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netdb-'));
    const path = join(dir, 'netdb.cbor');
    const db = new NetDb({ crypto, clock, log: silentLog, netId: 9, persistence: fileNetDbStore(path), maxEntries: 3 });
    const signers = [1, 2, 3, 4].map(signer);
    for (const [i, s] of signers.entries()) db.put(await signRouterInfo(info(s.did, { published: clock.now() - 1000 + i }), s));
    expect(db.size).toBe(3);
    const s4 = signers[3]!;
    expect(db.put(await signRouterInfo(info(s4.did, { published: clock.now() - 5000 }), s4)).result).toBe('unchanged');
    expect(db.put(await signRouterInfo(info(s4.did, { published: clock.now() }), s4)).result).toBe('updated');
    await db.save();
    const again = new NetDb({ crypto, clock, log: silentLog, netId: 9, persistence: fileNetDbStore(path) });
    expect(await again.load()).toBe(3);
    const raw = readFileSync(path);
    raw[raw.length - 10]! ^= 1;
    writeFileSync(path, raw);
    const third = new NetDb({ crypto, clock, log: silentLog, netId: 9, persistence: fileNetDbStore(path) });
    expect(await third.load()).toBe(2);
    writeFileSync(path, 'garbage');
    expect(await new NetDb({ crypto, clock, log: silentLog, netId: 9, persistence: fileNetDbStore(path) }).load()).toBe(0);
  });
});

describe('seed bundles', () => {
  it('verifies the seed key and the network id', async () => {
    const seedKey = signer(50);
    const s = signer(1);
    const ri = await signRouterInfo(info(s.did), s);
    const bundle = await makeSeedBundle([ri], seedKey, 9, clock.now());
    expect(readSeedBundle(bundle, { crypto, did: seedKey.did, netId: 9 })).toEqual([ri]);
    expect(() => readSeedBundle(bundle, { crypto, did: signer(51).did, netId: 9 })).toThrow(expect.objectContaining({ code: 'SEED_INVALID' }));
    expect(() => readSeedBundle(bundle, { crypto, did: seedKey.did, netId: 8 })).toThrow(expect.objectContaining({ code: 'WRONG_NETWORK' }));
    expect(() => readSeedBundle(new Uint8Array(10), { crypto, did: seedKey.did, netId: 9 })).toThrow(expect.objectContaining({ code: 'SEED_INVALID' }));
  });
});
