import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CborError, decodeCbor, encodeCbor, scan, DEFAULT_LIMITS } from '../../agent/cbor/index.ts';
import { createNobleCrypto, createNodeCrypto } from '../../agent/crypto/index.ts';
import { signCose1, verifyCose1, type Signer } from '../../agent/identity/cose.ts';
import { didKeyFromPublicKey } from '../../agent/identity/didkey.ts';
import { CoseError } from '../../agent/identity/errors.ts';
import { softwareKeyStore } from '../../agent/identity/software-keystore.ts';

const node = createNodeCrypto();
const noble = createNobleCrypto();

function p256Signer(seedByte: number): Signer {
  const priv = new Uint8Array(32).fill(seedByte);
  const pub = node.p256.publicKey(priv);
  return { did: didKeyFromPublicKey('P-256', pub), algorithm: 'P-256', sign: (m) => Promise.resolve(node.p256.sign(priv, m)) };
}

describe('COSE_Sign1', () => {
  const ed = softwareKeyStore(new Uint8Array(32).fill(7), node);
  const p256 = p256Signer(9);
  const payload = encodeCbor({ cmd: 'read_temperature', n: 1 });

  for (const signer of [ed, p256]) {
    it(`signs with ${signer.algorithm} and verifies with both adapters`, async () => {
      const env = await signCose1(payload, signer, { contentType: 'application/cbor' });
      expect(env[0]).toBe(0xd2); // tag 18
      for (const crypto of [node, noble]) {
        const v = verifyCose1(env, { crypto });
        expect(v.did).toBe(signer.did);
        expect(v.payload).toEqual(payload);
        expect(v.contentType).toBe('application/cbor');
        expect(v.alg).toBe(signer.algorithm === 'Ed25519' ? -8 : -7);
      }
    });
  }

  it('refuses a flipped bit anywhere in the envelope', async () => {
    const env = await signCose1(payload, ed);
    for (let i = 0; i < env.length; i++) {
      const bad = Uint8Array.from(env);
      bad[i]! ^= 0x01;
      expect(() => verifyCose1(bad, { crypto: node }), `byte ${i}`).toThrow(CoseError);
    }
  });

  it('refuses every truncation with a typed error', async () => {
    const env = await signCose1(payload, p256);
    for (let n = 0; n < env.length; n++) {
      expect(() => verifyCose1(env.subarray(0, n), { crypto: node })).toThrow(expect.objectContaining({ code: 'COSE_MALFORMED' }));
    }
  });

  it('refuses a signature by another key under the same kid (COSE_BAD_SIGNATURE)', async () => {
    const other = softwareKeyStore(new Uint8Array(32).fill(8), node);
    const forged: Signer = { did: ed.did, algorithm: 'Ed25519', sign: (m) => other.sign(m) };
    const env = await signCose1(payload, forged);
    expect(() => verifyCose1(env, { crypto: node })).toThrow(expect.objectContaining({ code: 'COSE_BAD_SIGNATURE' }));
  });

  it('accepts a high-S ES256 signature, as a TPM makes them', async () => {
    const n = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');
    const priv = new Uint8Array(32).fill(9);
    const highS: Signer = {
      ...p256,
      sign: (m) => {
        const sig = node.p256.sign(priv, m);
        const s = BigInt(`0x${Buffer.from(sig.subarray(32)).toString('hex')}`);
        const flipped = Buffer.from((n - s).toString(16).padStart(64, '0'), 'hex');
        return Promise.resolve(Uint8Array.from([...sig.subarray(0, 32), ...flipped]));
      },
    };
    const env = await signCose1(payload, highS);
    expect(verifyCose1(env, { crypto: node }).did).toBe(p256.did);
    expect(verifyCose1(env, { crypto: noble }).did).toBe(p256.did);
  });

  it('enforces the expected signer and the size limit before any signature work', async () => {
    const env = await signCose1(payload, ed);
    expect(() => verifyCose1(env, { crypto: node, kid: p256.did })).toThrow(expect.objectContaining({ code: 'COSE_KID_MISMATCH' }));
    expect(() => verifyCose1(env, { crypto: node, maxBytes: 10 })).toThrow(expect.objectContaining({ code: 'COSE_TOO_LARGE' }));
  });

  it('refuses an alg that does not match the key type, and unknown critical headers', async () => {
    const mismatched: Signer = { did: p256.did, algorithm: 'Ed25519', sign: (m) => ed.sign(m) };
    const env = await signCose1(payload, mismatched);
    expect(() => verifyCose1(env, { crypto: node })).toThrow(expect.objectContaining({ code: 'COSE_ALG_KEY_MISMATCH' }));
    const withCrit = handBuilt(new Map<number, unknown>([[1, -8], [2, [99]], [4, new TextEncoder().encode(ed.did)]]));
    expect(() => verifyCose1(withCrit, { crypto: node })).toThrow(expect.objectContaining({ code: 'COSE_UNKNOWN_CRITICAL' }));
    const badAlg = handBuilt(new Map<number, unknown>([[1, -35], [4, new TextEncoder().encode(ed.did)]]));
    expect(() => verifyCose1(badAlg, { crypto: node })).toThrow(expect.objectContaining({ code: 'COSE_UNSUPPORTED_ALG' }));
  });

  it('turns any bytes and any mutation into a value or a CoseError', async () => {
    const env = await signCose1(payload, ed);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }),
          fc.tuple(fc.nat(env.length - 1), fc.integer({ min: 1, max: 255 })).map(([i, x]) => {
            const m = Uint8Array.from(env);
            m[i]! ^= x;
            return m;
          }),
        ),
        (bytes) => {
          try {
            verifyCose1(bytes, { crypto: node });
          } catch (err) {
            expect(err).toBeInstanceOf(CoseError);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('bounded CBOR', () => {
  it('round-trips JSON-like values', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (v) => {
        const normal = JSON.parse(JSON.stringify(v)) as unknown;
        expect(decodeCbor(encodeCbor(normal))).toEqual(normal);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses deep nesting, too many items, indefinite lengths, trailing bytes and duplicate keys', () => {
    const deep = Uint8Array.from([...new Array<number>(40).fill(0x81), 0x00]);
    expect(() => decodeCbor(deep)).toThrow(expect.objectContaining({ code: 'CBOR_TOO_DEEP' }));
    const many = encodeCbor(new Array(5000).fill(0));
    expect(() => decodeCbor(many)).toThrow(expect.objectContaining({ code: 'CBOR_TOO_MANY_ITEMS' }));
    expect(() => decodeCbor(Uint8Array.of(0x9f, 0x01, 0xff))).toThrow(expect.objectContaining({ code: 'CBOR_INDEFINITE_LENGTH' }));
    expect(() => decodeCbor(Uint8Array.of(0x01, 0x02))).toThrow(expect.objectContaining({ code: 'CBOR_TRAILING_BYTES' }));
    expect(() => decodeCbor(Uint8Array.of(0xa2, 0x01, 0x02, 0x01, 0x03))).toThrow(expect.objectContaining({ code: 'CBOR_DUPLICATE_KEY' }));
    // a string header that claims 4 GiB in a 6-byte input: refused before any allocation
    expect(() => decodeCbor(Uint8Array.of(0x5a, 0xff, 0xff, 0xff, 0xff, 0x00))).toThrow(expect.objectContaining({ code: 'CBOR_TRUNCATED' }));
    // an array header claiming 2^32 items
    expect(() => decodeCbor(Uint8Array.of(0x9a, 0xff, 0xff, 0xff, 0xff))).toThrow(expect.objectContaining({ code: 'CBOR_TRUNCATED' }));
  });

  it('turns any bytes into a value or a CborError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
        try {
          scan(b, DEFAULT_LIMITS);
          decodeCbor(b);
        } catch (err) {
          expect(err).toBeInstanceOf(CborError);
        }
      }),
      { numRuns: 3000 },
    );
  });
});

/** A COSE_Sign1 with a chosen protected header and a dummy signature. */
function handBuilt(header: Map<number, unknown>): Uint8Array {
  const prot = encodeCbor(header);
  const payload = Uint8Array.of(0xa0);
  return Uint8Array.from([0xd2, 0x84, 0x58, prot.length, ...prot, 0xa0, 0x41, ...payload, 0x58, 64, ...new Uint8Array(64)]);
}
