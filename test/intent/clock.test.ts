import { describe, expect, it } from 'vitest';
import { call } from '../../agent/intent/index.ts';
import { identity, startDevice } from './support.ts';

const owner = identity(1);

describe('restart with an empty replay cache', () => {
  it('an intent used before the restart does not replay after it', async () => {
    const dev = await startDevice();
    try {
      const env = await dev.sign(owner);
      expect((await dev.send(env)).ok).toBe(true);
      dev.clock.advance(5_000);
      await dev.restart(); // the device's test restart advances 400 s: the captured intent expired
      expect(await dev.send(env)).toMatchObject({ ok: false, reason: 'expired' });
    } finally {
      await dev.close();
    }
  });

  it('within the warm-up after a restart, intents must carry a fresh device challenge', async () => {
    const dev = await startDevice({ warm: false });
    try {
      const captured = await dev.sign(owner, { withChallenge: true });
      expect((await dev.send(captured)).ok).toBe(true);
      await dev.restart(); // warm: false, so no time passes: the cache is empty and iat is fresh
      // Without a challenge the replay would pass the time window; the warm-up refuses it.
      expect(await dev.send(captured)).toMatchObject({ ok: false, reason: 'bad_challenge' });
      const plain = await dev.sign(owner);
      expect(await dev.send(plain)).toMatchObject({ ok: false, reason: 'challenge_required' });
      expect((await dev.intent(owner, { withChallenge: true })).reply.ok).toBe(true);
    } finally {
      await dev.close();
    }
  });

  it('intents issued before boot − skew are refused', async () => {
    const dev = await startDevice({ warm: false });
    try {
      const old = dev.clock.nowS() - 61;
      const { reply } = await dev.intent(owner, { iat: old, exp: old + 300, withChallenge: true });
      expect(reply).toMatchObject({ ok: false, reason: 'issued_before_boot' });
    } finally {
      await dev.close();
    }
  });
});

describe('untrusted clock (floor-only) mode', () => {
  it('needs a challenge, which is single use and valid 30 s on the monotonic clock', async () => {
    const dev = await startDevice({ clockState: 'floor-only' });
    try {
      expect((await call(dev.address, { op: 'hello' }))['clockState']).toBe('floor-only');
      expect((await dev.intent(owner)).reply).toMatchObject({ ok: false, reason: 'clock_untrusted', clockState: 'floor-only' });
      const { env, reply } = await dev.intent(owner, { withChallenge: true });
      expect(reply).toMatchObject({ ok: true, clockState: 'floor-only' });
      // The challenge is burnt by its first use (freshness is checked before the nonce).
      expect(await dev.send(env)).toMatchObject({ ok: false, reason: 'bad_challenge' });
      const late = await dev.sign(owner, { withChallenge: true });
      dev.clock.mono += 30_001; // only the monotonic clock moves
      expect(await dev.send(late)).toMatchObject({ ok: false, reason: 'bad_challenge' });
    } finally {
      await dev.close();
    }
  });

  it('judges expiry against the persisted floor, raised by verified controller intents', async () => {
    const dev = await startDevice({ clockState: 'floor-only' });
    const alice = identity(2);
    try {
      const now = dev.clock.nowS();
      // The owner's intent (with a challenge) raises the floor to its iat.
      expect((await dev.intent(owner, { withChallenge: true })).reply.ok).toBe(true);
      const stale = await dev.grant(owner, { aud: alice.did, nbf: now - 7200, exp: now - 3600 });
      expect((await dev.intent(alice, { prf: [stale], withChallenge: true })).reply).toMatchObject({ ok: false, reason: 'expired' });
      // The floor survives a restart, even if the wall clock went back to 1970.
      dev.clock.wall = 0;
      await dev.restart();
      expect((await dev.intent(alice, { prf: [stale], withChallenge: true, iat: now, exp: now + 60 })).reply)
        .toMatchObject({ ok: false, reason: 'expired', clockState: 'floor-only' });
      const fresh = await dev.grant(owner, { aud: alice.did, nbf: now - 10, exp: now + 3600 });
      expect((await dev.intent(alice, { prf: [fresh], withChallenge: true, iat: now, exp: now + 60 })).reply.ok).toBe(true);
    } finally {
      await dev.close();
    }
  });
});
