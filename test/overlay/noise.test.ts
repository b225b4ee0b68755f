import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CipherState, HandshakeState } from '../../agent/overlay/noise.ts';
import { isOverlayError } from '../../agent/overlay/errors.ts';
import { hex, testCrypto, toHex } from './helpers/crypto.ts';

interface Vector {
  init_prologue: string; init_static: string; init_ephemeral: string; init_remote_static: string;
  resp_prologue: string; resp_static: string; resp_ephemeral: string;
  messages: { payload: string; ciphertext: string }[];
}
const vector = JSON.parse(
  readFileSync(new URL('./vectors/noise-xk-snow.json', import.meta.url), 'utf8'),
) as Vector;
const crypto = testCrypto();
const kp = (priv: Uint8Array) => ({ privateKey: priv, publicKey: crypto.x25519.publicKey(priv) });

function pair(prologueI = hex(vector.init_prologue), prologueR = hex(vector.resp_prologue)) {
  const init = new HandshakeState({
    crypto, initiator: true, prologue: prologueI, s: kp(hex(vector.init_static)),
    rs: hex(vector.init_remote_static), ePrivateKey: hex(vector.init_ephemeral),
  });
  const resp = new HandshakeState({
    crypto, initiator: false, prologue: prologueR, s: kp(hex(vector.resp_static)),
    ePrivateKey: hex(vector.resp_ephemeral),
  });
  return { init, resp };
}

describe('Noise_XK_25519_ChaChaPoly_SHA256 against the snow vectors', () => {
  it('the remote static in the vector is the responder static public key', () => {
    expect(toHex(crypto.x25519.publicKey(hex(vector.resp_static)))).toBe(vector.init_remote_static);
  });

  it('reproduces every handshake and transport message byte for byte, both directions', () => {
    const { init, resp } = pair();
    vector.messages.forEach((m, i) => {
      const fromInitiator = i % 2 === 0;
      if (i < 3) {
        const [w, r] = fromInitiator ? [init, resp] : [resp, init];
        const ct = w.writeMessage(hex(m.payload));
        expect(toHex(ct)).toBe(m.ciphertext);
        expect(toHex(r.readMessage(ct))).toBe(m.payload);
      } else {
        const [w, r] = fromInitiator ? [init.result, resp.result] : [resp.result, init.result];
        const ct = w.send.encryptWithAd(new Uint8Array(0), hex(m.payload));
        expect(toHex(ct)).toBe(m.ciphertext);
        expect(toHex(r.receive.decryptWithAd(new Uint8Array(0), ct))).toBe(m.payload);
      }
    });
    expect(toHex(init.result.handshakeHash)).toBe(toHex(resp.result.handshakeHash));
    expect(toHex(resp.result.rs)).toBe(toHex(crypto.x25519.publicKey(hex(vector.init_static))));
  });

  it('a different prologue (network id) fails at message 1 with HANDSHAKE_FAILED', () => {
    const { init, resp } = pair(hex(vector.init_prologue), new TextEncoder().encode('other net'));
    const m1 = init.writeMessage(new Uint8Array(0));
    expect(() => resp.readMessage(m1)).toThrow(expect.objectContaining({ code: 'HANDSHAKE_FAILED' }));
  });

  it('rejects any single-bit change of any handshake message', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 }), fc.nat(), fc.integer({ min: 0, max: 7 }), (which, pos, bit) => {
      const { init, resp } = pair();
      const msgs: Uint8Array[] = [];
      const run = (i: number, tamper: boolean): void => {
        const [w, r] = i % 2 === 0 ? [init, resp] : [resp, init];
        const ct = w.writeMessage(new Uint8Array(4));
        if (tamper) ct[pos % ct.length]! ^= 1 << bit;
        msgs.push(ct);
        r.readMessage(ct);
      };
      for (let i = 0; i < which; i++) run(i, false);
      try {
        run(which, true);
        return false;
      } catch (err) {
        return isOverlayError(err, 'HANDSHAKE_FAILED') || isOverlayError(err, 'HANDSHAKE_TRUNCATED');
      }
    }), { numRuns: 60 });
  });

  it('truncated messages are a typed error, never a crash', () => {
    const { init, resp } = pair();
    const m1 = init.writeMessage(new Uint8Array(0));
    for (let n = 0; n < m1.length; n++) {
      const { resp: fresh } = pair();
      expect(() => fresh.readMessage(m1.subarray(0, n))).toThrow(expect.objectContaining({
        code: expect.stringMatching(/HANDSHAKE_(TRUNCATED|FAILED)/) as unknown,
      }));
    }
    resp.readMessage(m1);
  });

  it('refuses out-of-turn use', () => {
    const { init } = pair();
    expect(() => init.readMessage(new Uint8Array(48))).toThrow(expect.objectContaining({ code: 'BAD_STATE' }));
  });
});

describe('CipherState', () => {
  it('increments the nonce only on success', () => {
    const k = new Uint8Array(32).fill(7);
    const a = new CipherState(crypto, k);
    const b = new CipherState(crypto, k);
    const ct = a.encryptWithAd(new Uint8Array(0), Uint8Array.of(1, 2, 3));
    const bad = Uint8Array.from(ct);
    bad[0]! ^= 1;
    expect(() => b.decryptWithAd(new Uint8Array(0), bad)).toThrow(expect.objectContaining({ code: 'AEAD_FAILED' }));
    expect(b.nonce).toBe(0);
    expect(b.decryptWithAd(new Uint8Array(0), ct)).toEqual(Uint8Array.of(1, 2, 3));
    expect(b.nonce).toBe(1);
  });
});
