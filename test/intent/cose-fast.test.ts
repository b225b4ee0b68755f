import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signCose1, verifyCose1 } from '../../agent/identity/cose.ts';
import { createKeyMemo, openCose1, verifyOpened } from '../../agent/intent/cose-fast.ts';
import { IntentError } from '../../agent/intent/errors.ts';
import { crypto, identity } from './support.ts';

const owner = identity(1);
const p256 = { did: '', algorithm: 'P-256' as const, sign: (m: Uint8Array) => Promise.resolve(crypto.p256.sign(new Uint8Array(32).fill(9), m)) };

function reference(bytes: Uint8Array, did: string): boolean {
  try {
    verifyCose1(bytes, { crypto, maxBytes: 4096, kid: did });
    return true;
  } catch {
    return false;
  }
}

function fast(bytes: Uint8Array, did: string): boolean {
  try {
    return verifyOpened(openCose1(bytes, 4096), did, crypto, createKeyMemo(4));
  } catch (err) {
    expect(err).toBeInstanceOf(IntentError);
    return false;
  }
}

describe('the hot-path COSE check accepts exactly what verifyCose1 accepts', () => {
  it('on mutated Ed25519 and P-256 envelopes', async () => {
    const { didKeyFromPublicKey } = await import('../../agent/identity/didkey.ts');
    const p = { ...p256, did: didKeyFromPublicKey('P-256', crypto.p256.publicKey(new Uint8Array(32).fill(9))) };
    const envs = [
      { did: owner.did, bytes: await signCose1(Uint8Array.of(0xa1, 0x61, 0x76, 0x01), owner, { contentType: 'x' }) },
      { did: p.did, bytes: await signCose1(new Uint8Array(300).fill(7), p) },
    ];
    for (const e of envs) expect([reference(e.bytes, e.did), fast(e.bytes, e.did)]).toEqual([true, true]);
    expect(fast(envs[0]!.bytes, p.did)).toBe(false);
    fc.assert(
      fc.property(fc.nat(1), fc.nat(), fc.integer({ min: 1, max: 255 }), fc.boolean(), (which, at, x, cut) => {
        const e = envs[which]!;
        const b = cut ? e.bytes.slice(0, at % e.bytes.length) : e.bytes.slice();
        if (!cut) b[at % b.length]! ^= x;
        expect(fast(b, e.did)).toBe(reference(b, e.did));
      }),
      { numRuns: 600 },
    );
  });
});
