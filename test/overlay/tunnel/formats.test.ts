import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createNodeCrypto } from '../../../agent/crypto/index.ts';
import { DecayingBloomFilter } from '../../../agent/overlay/tunnel/bloom.ts';
import { decodeBuild } from '../../../agent/overlay/tunnel/build.ts';
import { fragmentMessage, plainCell, readPlainBody, viewCell } from '../../../agent/overlay/tunnel/cell.ts';
import { CELL_LEN, MAX_PENDING_REASSEMBLY } from '../../../agent/overlay/tunnel/constants.ts';
import { isTunnelError } from '../../../agent/overlay/tunnel/errors.ts';
import { LayerCipher } from '../../../agent/overlay/tunnel/layer.ts';
import { decodeLinkMessage } from '../../../agent/overlay/tunnel/messages.ts';
import { Reassembler } from '../../../agent/overlay/tunnel/reassembly.ts';
import { decodeRequest, openRecord } from '../../../agent/overlay/tunnel/record.ts';

const crypto = createNodeCrypto();
const totalOrTyped = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    if (!isTunnelError(err)) throw err;
  }
};

describe('tunnel formats', () => {
  it('inverse undoes forward for any keys, nonce and body; forward changes the nonce', () => {
    const layer = new LayerCipher(crypto);
    fc.assert(fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 16, maxLength: 16 }), (layerKey, nonceKey, nonce) => {
      const body = crypto.randomBytes(1008);
      const n = nonce.slice();
      const b = body.slice();
      layer.forward({ layerKey, nonceKey }, n, b);
      expect(n).not.toEqual(nonce);
      layer.inverse({ layerKey, nonceKey }, n, b);
      expect(n).toEqual(nonce);
      expect(b).toEqual(body);
    }), { numRuns: 50 });
  });

  it('fragments reassemble to the message, in any arrival order', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 1, maxLength: 8000 }), fc.integer(), (msg, seed) => {
      const frags = fragmentMessage(7, msg, { type: 'tunnel', tunnelId: 9, router: new Uint8Array(32).fill(3) });
      const cells = frags.map((f) => plainCell(crypto, 1, crypto.randomBytes(16), f));
      const order = cells.map((_, i) => i).sort((x, y) => ((x * 7919 + seed) % 13) - ((y * 7919 + seed) % 13));
      const r = new Reassembler();
      let out: Uint8Array | undefined;
      for (const i of order) {
        const v = viewCell(cells[i]!);
        for (const f of readPlainBody(crypto, v.body, v.nonce)) out = r.add(f, 0)?.message ?? out;
      }
      expect(out).toEqual(msg);
      expect(r.size).toBe(0);
    }), { numRuns: 30 });
  });

  it('decoders are total: any bytes give a value or a TunnelError', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 0, maxLength: 2000 }), (b) => {
      totalOrTyped(() => decodeLinkMessage(b));
      totalOrTyped(() => decodeBuild(b));
      totalOrTyped(() => decodeRequest(b.subarray(0, 154)));
      totalOrTyped(() => openRecord(crypto, { privateKey: new Uint8Array(32).fill(1), publicKey: new Uint8Array(32) }, b.subarray(0, 218)));
    }), { numRuns: 300 });
    fc.assert(fc.property(fc.uint8Array({ minLength: CELL_LEN, maxLength: CELL_LEN }), (cell) => {
      const v = viewCell(cell);
      totalOrTyped(() => readPlainBody(crypto, v.body, v.nonce));
    }), { numRuns: 300 });
  });

  it('a corrupted cell fails its checksum', () => {
    const cell = plainCell(crypto, 1, crypto.randomBytes(16), fragmentMessage(1, new Uint8Array([1, 2, 3]), { type: 'local' })[0]!);
    cell[CELL_LEN - 1] = (cell[CELL_LEN - 1]! ^ 1) & 0xff;
    const v = viewCell(cell);
    expect(() => readPlainBody(crypto, v.body, v.nonce)).toThrow(expect.objectContaining({ code: 'CELL_CHECKSUM' }));
  });

  it('reassembly stays bounded under a flood of first fragments', () => {
    const r = new Reassembler();
    for (let i = 0; i < 10_000; i++) r.add({ msgId: i, index: 0, last: false, delivery: { type: 'local' }, data: new Uint8Array(10) }, i);
    expect(r.size).toBe(MAX_PENDING_REASSEMBLY);
  });

  it('the Bloom filter remembers a key for one to two generations, then forgets', () => {
    const bloom = new DecayingBloomFilter(crypto, 0, { bits: 1 << 16, hashes: 8, generationMs: 1000 });
    const k = new Uint8Array(16).fill(5);
    expect(bloom.checkAndAdd(k, 0)).toBe(true);
    expect(bloom.checkAndAdd(k, 500)).toBe(false);
    expect(bloom.checkAndAdd(k, 1500)).toBe(false);
    expect(bloom.checkAndAdd(new Uint8Array(16).fill(6), 1500)).toBe(true);
    expect(bloom.checkAndAdd(k, 2600)).toBe(true);
    expect(bloom.memoryBytes).toBe(2 * 8192);
  });
});

describe('random early drop', () => {
  it('admits a burst, sheds some load early as the bucket empties, then refuses; refills on the clock', async () => {
    const { VirtualClock } = await import('../../../agent/overlay/clock.ts');
    const { RedBucket } = await import('../../../agent/overlay/tunnel/red.ts');
    const clock = new VirtualClock();
    const red = new RedBucket(clock, 1000, new Uint8Array([1, 2, 3, 4]));
    const seen = { ok: 0, 'early-drop': 0, 'over-limit': 0 };
    for (let i = 0; i < 1000; i++) seen[red.admit()]++;
    expect(seen.ok).toBeGreaterThanOrEqual(750); // the first ¾ of the burst is never dropped
    expect(seen.ok).toBeLessThan(1000); // the last ¼ is shed in part
    for (let i = 0; i < 2000; i++) seen[red.admit()]++;
    expect(seen.ok).toBe(1000);
    expect(seen['early-drop']).toBeGreaterThan(0);
    expect(seen['over-limit']).toBeGreaterThan(0);
    await clock.advance(1000);
    expect(red.admit()).toBe('ok');
  });
});
