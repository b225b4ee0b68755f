import { describe, expect, it } from 'vitest';
import {
  call, createPairRequest, formatPairingCode, parsePairingCode, verifyPairReceipt,
} from '../../agent/intent/index.ts';
import { crypto, identity, startDevice, type TestDevice } from './support.ts';

const owner = identity(1);
const backup = identity(5);
const mallory = identity(6);

async function startPairing(dev: TestDevice): Promise<string> {
  const r = await call(dev.admin, { op: 'pair_start' });
  expect(r).toMatchObject({ ok: true, did: dev.did, expiresInS: 300 });
  return r['code'] as string;
}

async function pair(dev: TestDevice, who: typeof owner, code: string, backupDid?: string): Promise<Record<string, unknown>> {
  const env = await createPairRequest(who, {
    deviceDid: dev.did, secret: parsePairingCode(code), iat: dev.clock.nowS(), ...(backupDid === undefined ? {} : { backup: backupDid }),
  }, crypto);
  return call(dev.address, { op: 'pair', env });
}

describe('pairing', () => {
  it('codes carry ≥ 128 bits and round-trip', () => {
    const secret = crypto.randomBytes(20);
    const code = formatPairingCode(secret);
    expect(code).toMatch(/^([A-Z2-7]{4}-){7}[A-Z2-7]{4}$/);
    expect(parsePairingCode(code.toLowerCase())).toEqual(secret);
  });

  it('pairs the owner and a backup; the receipt is signed by the device; the code is single use', async () => {
    const dev = await startDevice({ controllers: [] });
    try {
      expect((await dev.intent(owner)).reply).toMatchObject({ ok: false, reason: 'not_paired' });
      const code = await startPairing(dev);
      const r = await pair(dev, owner, code, backup.did);
      expect(r).toMatchObject({ ok: true, controllers: [owner.did, backup.did] });
      const receipt = verifyPairReceipt(r['receipt'] as Uint8Array, dev.did, crypto);
      expect(receipt).toMatchObject({ deviceDid: dev.did, ownerDid: owner.did, controllers: [owner.did, backup.did], policyVersion: 0 });
      expect(() => verifyPairReceipt(r['receipt'] as Uint8Array, owner.did, crypto)).toThrow();
      expect(await pair(dev, mallory, code)).toMatchObject({ ok: false, reason: 'pairing_inactive' });
      expect((await dev.intent(owner)).reply).toMatchObject({ ok: true });
      // The backup is a controller, not the owner: the default policies let it manage, not read.
      expect((await dev.intent(backup)).reply).toMatchObject({ ok: false, reason: 'no_matching_permit' });
      expect((await dev.intent(backup, { cmd: 'add_controller', args: { did: mallory.did } })).reply).toMatchObject({ ok: true });
      // Pairing mode cannot be entered again while paired; not from the public socket at all.
      expect(await call(dev.admin, { op: 'pair_start' })).toMatchObject({ ok: false, reason: 'already_paired' });
      expect(await call(dev.address, { op: 'pair_start' })).toMatchObject({ ok: false, reason: 'not_allowed_here' });
    } finally {
      await dev.close();
    }
  });

  it('locks after 5 wrong codes, even for the right one, until pairing mode is entered again', async () => {
    const dev = await startDevice({ controllers: [] });
    try {
      const code = await startPairing(dev);
      const wrong = formatPairingCode(new Uint8Array(20).fill(7));
      for (let i = 1; i <= 5; i++) expect(await pair(dev, mallory, wrong)).toMatchObject({ ok: false, reason: 'pairing_bad_code' });
      expect(await pair(dev, owner, code)).toMatchObject({ ok: false, reason: 'pairing_locked' });
      const again = await startPairing(dev);
      expect(await pair(dev, owner, again)).toMatchObject({ ok: true });
    } finally {
      await dev.close();
    }
  });

  it('pairing mode ends after 5 minutes on the monotonic clock', async () => {
    const dev = await startDevice({ controllers: [] });
    try {
      const code = await startPairing(dev);
      dev.clock.mono += 5 * 60_000 + 1;
      expect(await pair(dev, owner, code)).toMatchObject({ ok: false, reason: 'pairing_inactive' });
    } finally {
      await dev.close();
    }
  });

  it('a request signed by someone else than the owner it names is refused', async () => {
    const dev = await startDevice({ controllers: [] });
    try {
      const code = await startPairing(dev);
      const env = await createPairRequest(owner, { deviceDid: dev.did, secret: parsePairingCode(code), iat: dev.clock.nowS() }, crypto);
      const { signCose1 } = await import('../../agent/identity/cose.ts');
      const { peekCosePayload } = await import('../../agent/intent/fields.ts');
      const { CONTENT_TYPE } = await import('../../agent/intent/constants.ts');
      const resigned = await signCose1(peekCosePayload(env, 2048), mallory, { contentType: CONTENT_TYPE.pairRequest });
      expect(await call(dev.address, { op: 'pair', env: resigned })).toMatchObject({ ok: false, reason: 'bad_signature' });
    } finally {
      await dev.close();
    }
  });

  it('controllers add and remove controllers; the last one cannot be removed', async () => {
    const dev = await startDevice();
    try {
      expect((await dev.intent(owner, { cmd: 'add_controller', args: { did: backup.did } })).reply).toMatchObject({ ok: true, result: { controllers: [owner.did, backup.did] } });
      expect((await dev.intent(backup, { cmd: 'remove_controller', args: { did: owner.did } })).reply).toMatchObject({ ok: true, result: { controllers: [backup.did] } });
      expect((await dev.intent(owner)).reply).toMatchObject({ ok: false, reason: 'no_matching_permit' });
      expect((await dev.intent(backup, { cmd: 'remove_controller', args: { did: backup.did } })).reply).toMatchObject({ ok: false, reason: 'last_controller' });
      expect((await dev.intent(mallory, { cmd: 'add_controller', args: { did: mallory.did } })).reply).toMatchObject({ ok: false, reason: 'denied_by_policy:only controllers manage the device' });
      // Only a factory reset (admin socket) removes the last controller; then pairing starts over.
      expect(await call(dev.address, { op: 'pair_start', reset: true })).toMatchObject({ ok: false, reason: 'not_allowed_here' });
      const r = await call(dev.admin, { op: 'pair_start', reset: true });
      expect(r, `factory reset refused: ${JSON.stringify(r)}`).toMatchObject({ ok: true });
      expect((await dev.intent(backup)).reply).toMatchObject({ ok: false, reason: 'not_paired' });
      expect(await pair(dev, owner, r['code'] as string)).toMatchObject({ ok: true, controllers: [owner.did] });
    } finally {
      await dev.close();
    }
  });
});
