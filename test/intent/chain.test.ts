import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { identity, startDevice, type TestDevice } from './support.ts';

const owner = identity(1);
const alice = identity(2);
const bob = identity(3);
const carol = identity(4);
let dev: TestDevice;

beforeEach(async () => {
  dev = await startDevice();
});
afterEach(async () => {
  await dev.close();
});

/** owner → alice → bob → carol, each grant narrowing nothing unless `over` says so. */
async function chain(depth: 1 | 2 | 3, over: { expired?: number; [k: string]: unknown } = {}): Promise<{ prf: Uint8Array[]; leaf: typeof alice }> {
  const now = dev.clock.nowS();
  const people = [owner, alice, bob, carol];
  const prf: Uint8Array[] = [];
  for (let d = 1; d <= depth; d++) {
    // Nested grants must not outlive their parents: exp shrinks with depth.
    const exp = over.expired === d ? now - 120 : now + 86_400 - d * 60;
    prf.push(await dev.grant(people[d - 1]!, { aud: people[d]!.did, exp, nbf: now - 3600 }));
  }
  return { prf, leaf: people[depth]! };
}

describe('grant chains through the endpoint', () => {
  it('a delegate reads with a grant, at depth 1, 2 and 3', async () => {
    for (const depth of [1, 2, 3] as const) {
      const { prf, leaf } = await chain(depth);
      const { reply } = await dev.intent(leaf, { prf });
      expect(reply, `depth ${depth}`).toMatchObject({ ok: true, determining: ['delegates read sensors'] });
    }
  });

  it('refuses a chain with an expired grant at depth 1, 2 and 3', async () => {
    for (const depth of [1, 2, 3] as const) {
      // The expired grant sits at `depth` of a 3-deep chain (children of it expire earlier still).
      const now = dev.clock.nowS();
      const people = [owner, alice, bob, carol];
      const prf: Uint8Array[] = [];
      for (let d = 1; d <= 3; d++) {
        const exp = d >= depth ? now - 120 - d : now + 86_400 - d;
        prf.push(await dev.grant(people[d - 1]!, { aud: people[d]!.did, exp, nbf: now - 3600 }));
      }
      const { reply } = await dev.intent(carol, { prf });
      expect(reply, `depth ${depth}`).toMatchObject({ ok: false, reason: 'expired' });
      expect(String(reply['detail'])).toContain(`depth ${depth}`);
    }
  });

  it('expiry is checked at every depth even when only the middle grant expired', async () => {
    const now = dev.clock.nowS();
    const prf = [
      await dev.grant(owner, { aud: alice.did, exp: now + 3600, nbf: now - 3600 }),
      await dev.grant(alice, { aud: bob.did, exp: now - 120, nbf: now - 3600 }),
    ];
    // The leaf claims a later expiry than its expired parent: the expired middle is found first.
    prf.push(await dev.grant(bob, { aud: carol.did, exp: now + 60, nbf: now - 3600 }));
    const { reply } = await dev.intent(carol, { prf });
    expect(reply).toMatchObject({ ok: false, reason: 'expired' });
    expect(String(reply['detail'])).toContain('depth 2');
    expect((await dev.intent(bob, { prf: prf.slice(0, 2) })).reply).toMatchObject({ ok: false, reason: 'expired' });
  });

  it('refuses broken chains: wrong root, gap between links, wrong leaf, other device', async () => {
    const { prf } = await chain(2);
    expect((await dev.intent(carol, { prf })).reply).toMatchObject({ ok: false, reason: 'chain_broken' });
    const rootless = [await dev.grant(alice, { aud: bob.did })];
    expect((await dev.intent(bob, { prf: rootless })).reply).toMatchObject({ ok: false, reason: 'chain_broken' });
    const gap = [await dev.grant(owner, { aud: alice.did }), await dev.grant(carol, { aud: bob.did })];
    expect((await dev.intent(bob, { prf: gap })).reply).toMatchObject({ ok: false, reason: 'chain_broken' });
    const elsewhere = [await dev.grant(owner, { aud: alice.did, sub: carol.did })];
    expect((await dev.intent(alice, { prf: elsewhere })).reply).toMatchObject({ ok: false, reason: 'chain_broken' });
  });

  it('refuses over-wide re-delegation: wider command, longer time, dropped condition', async () => {
    const now = dev.clock.nowS();
    const root = await dev.grant(owner, { aud: alice.did, exp: now + 3600, pol: [['==', '.args.room', 'kitchen']] });
    const wider = await dev.grant(alice, { aud: bob.did, cmd: '*', exp: now + 60, pol: [['==', '.args.room', 'kitchen']] });
    const longer = await dev.grant(alice, { aud: bob.did, exp: now + 7200, pol: [['==', '.args.room', 'kitchen']] });
    const dropped = await dev.grant(alice, { aud: bob.did, exp: now + 60 });
    for (const child of [wider, longer, dropped]) {
      expect((await dev.intent(bob, { prf: [root, child], args: { room: 'kitchen' } })).reply).toMatchObject({ ok: false, reason: 'not_attenuated' });
    }
    const narrow = await dev.grant(alice, { aud: bob.did, exp: now + 60, pol: [['==', '.args.room', 'kitchen'], ['<=', '.args.rate', 1]] });
    expect((await dev.intent(bob, { prf: [root, narrow], args: { room: 'kitchen', rate: 1 } })).reply.ok).toBe(true);
    expect((await dev.intent(bob, { prf: [root, narrow], args: { room: 'hall', rate: 1 } })).reply).toMatchObject({ ok: false, reason: 'condition_failed' });
  });

  it('a grant for another command does not cover this one', async () => {
    const g = await dev.grant(owner, { aud: alice.did, cmd: 'read_humidity' });
    expect((await dev.intent(alice, { prf: [g] })).reply).toMatchObject({ ok: false, reason: 'not_granted' });
  });

  it('a forged grant is bad_signature; a revoked grant is revoked', async () => {
    const g = await dev.grant(owner, { aud: alice.did });
    const forged = g.slice();
    forged[forged.length - 3]! ^= 1;
    expect((await dev.intent(alice, { prf: [forged] })).reply).toMatchObject({ ok: false, reason: 'bad_signature' });
    expect((await dev.intent(alice, { prf: [g] })).reply.ok).toBe(true);
    const hash = Buffer.from(await crypto.subtle.digest('SHA-256', g)).toString('hex');
    const revoke = await dev.intent(owner, { cmd: 'revoke', args: { grant: hash } });
    expect(revoke.reply).toMatchObject({ ok: true, determining: ['controllers manage the device'] });
    expect((await dev.intent(alice, { prf: [g] })).reply).toMatchObject({ ok: false, reason: 'revoked' });
    // Delegates cannot revoke or manage controllers: a forbid names itself.
    expect((await dev.intent(alice, { prf: [await dev.grant(owner, { aud: alice.did, cmd: '*' })], cmd: 'revoke', args: { grant: hash } })).reply)
      .toMatchObject({ ok: false, reason: 'denied_by_policy:only controllers manage the device' });
  });

  it('revocations survive a restart', async () => {
    const g = await dev.grant(owner, { aud: alice.did });
    const hash = Buffer.from(await crypto.subtle.digest('SHA-256', g)).toString('hex');
    expect((await dev.intent(owner, { cmd: 'revoke', args: { grant: hash } })).reply.ok).toBe(true);
    await dev.restart();
    expect((await dev.intent(alice, { prf: [g] })).reply).toMatchObject({ ok: false, reason: 'revoked' });
  });
});
