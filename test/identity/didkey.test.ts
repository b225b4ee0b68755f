import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createNobleCrypto, createNodeCrypto } from '../../agent/crypto/index.ts';
import { base58Decode, base58Encode } from '../../agent/identity/base58.ts';
import { resolveDidKey } from '../../agent/identity/did-document.ts';
import { didKeyFromPublicKey, parseDidKey } from '../../agent/identity/didkey.ts';
import { DidError } from '../../agent/identity/errors.ts';

interface Vectors {
  ed25519: { seed: string; did: string; publicKeyBase58: string }[];
  p256: { did: string; x: string; y: string; d: string }[];
  rejected: { did: string; code: string }[];
}
const vectors = JSON.parse(readFileSync(new URL('../vectors/did-key.json', import.meta.url), 'utf8')) as Vectors;

for (const crypto of [createNodeCrypto(), createNobleCrypto()]) {
  describe(`did:key with the ${crypto.name} adapter`, () => {
    it('derives the specification DIDs from the Ed25519 seeds', () => {
      for (const v of vectors.ed25519) {
        const pub = crypto.ed25519.publicKey(Buffer.from(v.seed, 'hex'));
        expect(base58Encode(pub)).toBe(v.publicKeyBase58);
        expect(didKeyFromPublicKey('Ed25519', pub)).toBe(v.did);
      }
    });

    it('resolves the specification Ed25519 DIDs to their public keys', () => {
      for (const v of vectors.ed25519) {
        const doc = resolveDidKey(v.did, crypto);
        const jwk = doc.verificationMethod[0].publicKeyJwk;
        expect(jwk).toEqual({ kty: 'OKP', crv: 'Ed25519', x: Buffer.from(base58Decode(v.publicKeyBase58)!).toString('base64url') });
        expect(doc.id).toBe(v.did);
        expect(doc.authentication).toEqual([`${v.did}#${v.did.slice(8)}`]);
      }
    });

    it('resolves the specification P-256 DIDs to the listed JWK x and y', () => {
      for (const v of vectors.p256) {
        const jwk = resolveDidKey(v.did, crypto).verificationMethod[0].publicKeyJwk;
        expect(jwk).toEqual({ kty: 'EC', crv: 'P-256', x: v.x, y: v.y });
      }
    });

    it('derives the specification P-256 DIDs from the private keys', () => {
      for (const v of vectors.p256) {
        const pub = crypto.p256.publicKey(Buffer.from(v.d, 'base64url'));
        expect(didKeyFromPublicKey('P-256', pub)).toBe(v.did);
      }
    });

    it('refuses other key types with DID_UNSUPPORTED_KEY_TYPE', () => {
      for (const v of vectors.rejected) {
        expect(() => parseDidKey(v.did, crypto)).toThrow(expect.objectContaining({ code: v.code }));
      }
    });

    it('refuses wrong lengths, other methods, bad base58 and points off the curve', () => {
      const ed = vectors.ed25519[0]!;
      const raw = base58Decode(ed.did.slice(9))!;
      const short = `did:key:z${base58Encode(raw.slice(0, 33))}`;
      expect(() => parseDidKey(short, crypto)).toThrow(expect.objectContaining({ code: 'DID_BAD_KEY_LENGTH' }));
      expect(() => parseDidKey('did:web:example.com', crypto)).toThrow(expect.objectContaining({ code: 'DID_UNSUPPORTED_METHOD' }));
      expect(() => parseDidKey('did:key:z0OIl', crypto)).toThrow(expect.objectContaining({ code: 'DID_MALFORMED' }));
      expect(() => parseDidKey('hello', crypto)).toThrow(expect.objectContaining({ code: 'DID_MALFORMED' }));
      // x = 5 has no square root mod p on P-256? try successive x until one is not on the curve
      const off = offCurveP256(crypto);
      expect(() => parseDidKey(didKeyFromPublicKey('P-256', off), crypto)).toThrow(expect.objectContaining({ code: 'DID_INVALID_POINT' }));
      const badPrefix = Uint8Array.from([0x04, ...new Uint8Array(32).fill(1)]);
      expect(() => parseDidKey(didKeyFromPublicKey('P-256', badPrefix), crypto)).toThrow(expect.objectContaining({ code: 'DID_INVALID_POINT' }));
    });

    it('accepts a DID URL whose fragment is the fingerprint, and no other fragment', () => {
      const did = vectors.ed25519[1]!.did;
      expect(parseDidKey(`${did}#${did.slice(8)}`, crypto).did).toBe(did);
      expect(() => parseDidKey(`${did}#keys-1`, crypto)).toThrow(expect.objectContaining({ code: 'DID_MALFORMED' }));
    });

    it('turns any string into a DidKey or a DidError, never anything else', () => {
      fc.assert(
        fc.property(fc.oneof(fc.string(), fc.string().map((s) => `did:key:z${s}`), fc.uint8Array({ maxLength: 40 }).map((b) => `did:key:z${base58Encode(b)}`)), (s) => {
          try {
            const k = parseDidKey(s, crypto);
            expect(['Ed25519', 'P-256']).toContain(k.algorithm);
          } catch (err) {
            expect(err).toBeInstanceOf(DidError);
          }
        }),
        { numRuns: 300 },
      );
    });
  });
}

describe('base58btc', () => {
  it('round-trips any bytes, leading zeros included', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
        expect(base58Decode(base58Encode(b))).toEqual(b);
      }),
    );
  });
  it('refuses characters outside the alphabet and over-long input', () => {
    expect(base58Decode('0')).toBeUndefined();
    expect(base58Decode('l')).toBeUndefined();
    expect(base58Decode('2'.repeat(300))).toBeUndefined();
  });
});

function offCurveP256(crypto: ReturnType<typeof createNodeCrypto>): Uint8Array {
  for (let x = 1; x < 100; x++) {
    const candidate = new Uint8Array(33);
    candidate[0] = 0x02;
    candidate[32] = x;
    try {
      crypto.p256.decompress(candidate);
    } catch {
      return candidate;
    }
  }
  throw new Error('no off-curve x below 100');
}
