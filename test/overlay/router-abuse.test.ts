/** Bad input against a router never crashes it or grows it, and is recorded with a typed reason. */
import { describe, expect, it } from 'vitest';
import { settle } from '../../agent/overlay/clock.ts';
import { encodeCbor } from '../../agent/cbor/index.ts';
import { MemoryLog } from '../../agent/overlay/log.ts';
import { initiateLink } from '../../agent/overlay/link.ts';
import { signRouterInfo } from '../../agent/overlay/routerinfo.ts';
import { softwareKeyStore } from '../../agent/identity/software-keystore.ts';
import { TestNetwork } from './helpers/network.ts';

async function pair() {
  const log = new MemoryLog();
  const t = new TestNetwork(log);
  const victim = t.router({ floodfill: true, host: '10.1.0.1', config: { maxLinksPerIp: 3 } });
  const attacker = t.router({ floodfill: false, host: '10.66.0.1' });
  await victim.start();
  attacker.deps.netDb.putVerified(victim.ownRouterInfo);
  await attacker.start();
  await settle();
  return { t, log, victim, attacker };
}

const reasons = (log: MemoryLog) => log.entries.filter((e) => e.event === 'peer.penalty').map((e) => e.fields['code']);

describe('router under abuse', () => {
  it('a peer that connects and sends nothing: HANDSHAKE_TIMEOUT in the log and the profile; silent floods are capped per IP', async () => {
    const { t, log, victim } = await pair();
    const streams = await Promise.all(Array.from({ length: 20 }, () => t.net.transport('10.9.9.9').dial(victim.address!)));
    await settle();
    expect(log.entries.filter((e) => e.event === 'link.refused').length).toBe(17);
    await t.clock.advance(10_001);
    const profile = victim.profiles.get('ip:10.9.9.9');
    expect(profile.lastReason).toBe('HANDSHAKE_TIMEOUT');
    expect(profile.failure).toBeGreaterThan(2.9); // three timeouts, decayed over 10 s
    expect(reasons(log)).toContain('HANDSHAKE_TIMEOUT');
    for (const s of streams) expect(await s.read()).toBeNull();
    await victim.stop();
  });

  it('a peer of another network id is refused with HANDSHAKE_FAILED and banned', async () => {
    const { t, victim } = await pair();
    const s = await t.net.transport('10.7.0.1').dial(victim.address!);
    const key = { privateKey: new Uint8Array(32).fill(1), publicKey: t.crypto.x25519.publicKey(new Uint8Array(32).fill(1)) };
    await expect(initiateLink(s, t, { netId: 1 }, { staticKey: key, remoteStatic: victim.ownRouterInfo.info.staticKey, routerInfo: new Uint8Array(10) }, { onMessage: () => undefined, onClose: () => undefined })).rejects.toMatchObject({ code: expect.stringMatching(/HANDSHAKE/) as unknown });
    await settle();
    expect(victim.profiles.get('ip:10.7.0.1').lastReason).toBe('HANDSHAKE_FAILED');
    expect(victim.profiles.isBanned('ip:10.7.0.1')).toBe(true);
    await victim.stop();
  });

  it('badly signed, wrong-network and malformed netDb messages close the link and ban the sender', async () => {
    const cases: [string, (a: Awaited<ReturnType<typeof pair>>) => Promise<Uint8Array>][] = [
      ['ROUTERINFO_INVALID', ({ attacker }) => {
        const bad = Uint8Array.from(attacker.ownRouterInfo.bytes);
        bad[bad.length - 5]! ^= 1;
        return Promise.resolve(encodeCbor({ t: 'store', id: 0, ri: bad, flood: false }));
      }],
      ['WRONG_NETWORK', async ({ t }) => {
        const s = softwareKeyStore(new Uint8Array(32).fill(5), t.crypto);
        const ri = await signRouterInfo({ did: s.did, staticKey: new Uint8Array(32), addresses: [], floodfill: false, bandwidth: 'L', published: t.clock.now(), netId: 1 }, s);
        return encodeCbor({ t: 'store', id: 0, ri, flood: false });
      }],
      ['MESSAGE_INVALID', () => Promise.resolve(new Uint8Array(9000).fill(0xa0))],
      ['MESSAGE_INVALID', () => Promise.resolve(encodeCbor({ t: 'store', id: 0, ri: new Uint8Array(4000), flood: false }))],
    ];
    for (const [code, make] of cases) {
      const ctx = await pair();
      const link = await ctx.attacker.linkTo(ctx.victim.ownRouterInfo);
      await link.sendMessage(await make(ctx));
      await settle();
      expect(ctx.victim.profiles.get(ctx.attacker.hashHex).lastReason, code).toBe(code);
      expect(ctx.victim.profiles.isBanned(ctx.attacker.hashHex)).toBe(true);
      expect(link.closed).toBe(true);
      expect(ctx.victim.status().links).toHaveLength(0);
      await ctx.victim.stop();
      await ctx.attacker.stop();
    }
  });
});
