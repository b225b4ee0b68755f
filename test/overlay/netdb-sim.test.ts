import { describe, expect, it } from 'vitest';
import { settle } from '../../agent/overlay/clock.ts';
import type { Router } from '../../agent/overlay/router.ts';
import { memoryPersistence, TestNetwork } from './helpers/network.ts';

async function buildNetwork(t: TestNetwork, floodfills: number, routers: number) {
  const ffs: Router[] = [];
  for (let i = 0; i < floodfills; i++) ffs.push(t.router({ floodfill: true, host: `10.${i}.0.1` }));
  for (const f of ffs) await f.start();
  const seed = await t.seedBundle(ffs);
  for (const f of ffs) {
    await f.bootstrap(seed);
    await f.republish();
  }
  const rs: Router[] = [];
  for (let i = 0; i < routers; i++) {
    const persistence = memoryPersistence();
    const r = t.router({ floodfill: false, host: `10.100.${i}.1`, persistence, config: { seed } });
    rs.push(r);
  }
  for (const r of rs) await r.start();
  await settle();
  return { ffs, rs, seed };
}

describe('netDb on the memory transport (virtual clock)', () => {
  it('RouterInfos propagate through the floodfills; every router finds every other; failures tolerated', async () => {
    const t = new TestNetwork();
    const { ffs, rs } = await buildNetwork(t, 3, 9);
    const all = [...ffs, ...rs];
    for (const f of ffs) expect(f.deps.netDb.size).toBe(all.length);
    for (const a of rs) {
      for (const b of all) {
        const res = await a.service.lookup(b.hash);
        expect(Buffer.from(res.entry.hash).toString('hex')).toBe(b.hashHex);
      }
    }
    // kill one floodfill and a third of the routers
    await ffs[0]!.stop();
    for (const r of rs.slice(0, 3)) await r.stop();
    await settle();
    const alive = [...ffs.slice(1), ...rs.slice(3)];
    for (const a of rs.slice(3)) {
      for (const b of alive) {
        a.deps.netDb.delete(b.hash);
        if (a === b) continue;
        const res = await a.service.lookup(b.hash);
        expect(res.hops).toBeGreaterThan(0);
      }
    }
    for (const r of alive) await r.stop();
  });

  it('store verification finds our RouterInfo at a second floodfill', async () => {
    const t = new TestNetwork();
    const { ffs, rs } = await buildNetwork(t, 3, 2);
    expect(await rs[0]!.service.verifyStore()).toBe(true);
    for (const r of [...ffs, ...rs]) await r.stop();
  });

  it('a restarted router rejoins from its persisted netDb without the seed bundle', async () => {
    const t = new TestNetwork();
    const { ffs } = await buildNetwork(t, 3, 0);
    const persistence = memoryPersistence();
    const seedBytes = t.crypto.randomBytes(32);
    const seed = await t.seedBundle(ffs);
    const first = t.router({ floodfill: false, host: '10.200.0.1', seed: seedBytes, persistence, config: { seed } });
    await first.start();
    await first.stop();
    await t.clock.advance(1000);
    expect(persistence.records.length).toBeGreaterThanOrEqual(4);
    const again = t.router({ floodfill: false, host: '10.200.0.2', seed: seedBytes, persistence });
    await again.start();
    expect(again.deps.netDb.floodfills().length).toBe(3);
    const other = t.router({ floodfill: false, host: '10.200.0.3', config: { seed } });
    await other.start();
    await settle();
    other.deps.netDb.delete(again.hash);
    const res = await other.service.lookup(again.hash);
    expect(res.entry.info.addresses[0]?.host).toBe('10.200.0.2');
    for (const r of [...ffs, again, other]) await r.stop();
  });

  it('a lookup for an unknown router fails with LOOKUP_FAILED within bounded rounds', async () => {
    const t = new TestNetwork();
    const { ffs, rs } = await buildNetwork(t, 3, 1);
    await expect(rs[0]!.service.lookup(new Uint8Array(32).fill(1))).rejects.toMatchObject({ code: 'LOOKUP_FAILED' });
    for (const r of [...ffs, ...rs]) await r.stop();
  });
});
