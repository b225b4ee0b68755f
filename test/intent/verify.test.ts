import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { identity, startDevice, type TestDevice } from './support.ts';

const owner = identity(1);
const stranger = identity(9);
let dev: TestDevice;

beforeEach(async () => {
  dev = await startDevice();
});
afterEach(async () => {
  await dev.close();
});

describe('intent verification through the socket endpoint', () => {
  it('the owner reads the temperature from the simulated sensor', async () => {
    const { reply } = await dev.intent(owner);
    expect(reply).toMatchObject({ ok: true, decision: 'allow', clockState: 'trusted', determining: ['owner reads sensors'] });
    expect(reply['result']).toMatchObject({ quantity: 'temperature', unit: '°C', quality: 'good' });
  });

  it('refuses a replayed intent', async () => {
    const { env, reply } = await dev.intent(owner);
    expect(reply.ok).toBe(true);
    expect(await dev.send(env)).toMatchObject({ ok: false, reason: 'replay' });
  });

  it('skew: iat 59 s ahead passes, 61 s ahead is not_yet_valid', async () => {
    const now = dev.clock.nowS();
    expect((await dev.intent(owner, { iat: now + 59 })).reply.ok).toBe(true);
    expect((await dev.intent(owner, { iat: now + 61 })).reply).toMatchObject({ ok: false, reason: 'not_yet_valid' });
  });

  it('skew: exp 59 s ago passes, 61 s ago is expired', async () => {
    const now = dev.clock.nowS();
    expect((await dev.intent(owner, { iat: now - 100, exp: now - 59 })).reply.ok).toBe(true);
    expect((await dev.intent(owner, { iat: now - 100, exp: now - 61 })).reply).toMatchObject({ ok: false, reason: 'expired' });
  });

  it('refuses a lifetime over 300 s and exp before iat', async () => {
    const now = dev.clock.nowS();
    expect((await dev.intent(owner, { iat: now, exp: now + 301 })).reply).toMatchObject({ ok: false, reason: 'lifetime_too_long' });
    expect((await dev.intent(owner, { iat: now, exp: now - 1 })).reply).toMatchObject({ ok: false, reason: 'malformed' });
  });

  it('refuses an intent for another device (wrong_audience)', async () => {
    const other = await startDevice();
    try {
      const { env } = await other.intent(owner);
      expect(await dev.send(env)).toMatchObject({ ok: false, reason: 'wrong_audience' });
    } finally {
      await other.close();
    }
  });

  it('refuses a forged signature and a signature by someone other than iss', async () => {
    const env = await dev.sign(owner);
    const forged = env.slice();
    forged[forged.length - 5]! ^= 0x40;
    expect(await dev.send(forged)).toMatchObject({ ok: false, reason: 'bad_signature' });
    // The same payload re-signed by a stranger: kid is the stranger, iss is the owner.
    const { signCose1 } = await import('../../agent/identity/cose.ts');
    const { CONTENT_TYPE } = await import('../../agent/intent/constants.ts');
    const { peekCosePayload } = await import('../../agent/intent/fields.ts');
    const resigned = await signCose1(peekCosePayload(env, 8192), stranger, { contentType: CONTENT_TYPE.intent });
    expect(await dev.send(resigned)).toMatchObject({ ok: false, reason: 'bad_signature' });
  });

  it('an intent by a stranger with no grant is denied by default', async () => {
    expect((await dev.intent(stranger)).reply).toMatchObject({ ok: false, reason: 'no_matching_permit' });
  });

  it('unknown commands are refused before any signature work', async () => {
    expect((await dev.intent(owner, { cmd: 'open_door' })).reply).toMatchObject({ ok: false, reason: 'unknown_command' });
  });

  it('a grant envelope is not accepted as an intent', async () => {
    const g = await dev.grant(owner, { aud: stranger.did });
    expect(await dev.send(g)).toMatchObject({ ok: false, reason: 'malformed' });
  });
});
