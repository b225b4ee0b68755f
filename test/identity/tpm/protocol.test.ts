/** Marshalling, response parsing, framing and RC decoding, without a TPM (fake transport). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildCommand, parseResponse, type CommandSpec } from '../../../agent/identity/tpm/command.ts';
import { ResponseAssembler } from '../../../agent/identity/tpm/framing.ts';
import { Writer } from '../../../agent/identity/tpm/marshal.ts';
import { createFakeTransport, createTpmKeyStore, decodeRc, openTpm, TpmError, TpmResponseError } from '../../../agent/identity/tpm/index.ts';

const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
// A real P-256 point (the generator G), so compression is checkable.
const GX = Uint8Array.from(Buffer.from('6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296', 'hex'));
const GY = Uint8Array.from(Buffer.from('4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5', 'hex'));

function response(rc: number, body: Uint8Array = new Uint8Array(0), tag = 0x8001): Uint8Array {
  return new Writer().u16(tag).u32(10 + body.length).u32(rc).raw(body).finish();
}

/** A ReadPublic response body for an ECC P-256 signing key (Part 2 §12.2.4 layout). */
function readPublicBody(): Uint8Array {
  return new Writer()
    .sized((p) => p.u16(0x0023).u16(0x000b).u32(0x00040072).tpm2b(new Uint8Array(0))
      .u16(0x0010).u16(0x0018).u16(0x000b).u16(0x0003).u16(0x0010).tpm2b(GX).tpm2b(GY))
    .tpm2b(new Uint8Array(34)).tpm2b(new Uint8Array(34))
    .finish();
}

function bigBytes(v: bigint): Uint8Array {
  return Uint8Array.from(Buffer.from(v.toString(16).padStart(64, '0'), 'hex'));
}

/** Sign response (TPM_ST_SESSIONS): parameterSize, TPMT_SIGNATURE, one empty auth response. */
function signBody(r: bigint, s: bigint): Uint8Array {
  const params = new Writer().u16(0x0018).u16(0x000b).tpm2b(bigBytes(r)).tpm2b(bigBytes(s)).finish();
  return new Writer().u32(params.length).raw(params).u16(0).u8(1).u16(0).finish();
}

const readPublicSpec: CommandSpec = { name: 'ReadPublic', code: 0x173, handles: [0x81010002] };

describe('command marshalling', () => {
  it('builds TPM2_GetRandom(8) as in Part 3 §16.1', () => {
    const cmd = buildCommand({ name: 'GetRandom', code: 0x17b, params: new Writer().u16(8).finish() });
    expect(Buffer.from(cmd).toString('hex')).toBe('80010000000c0000017b0008');
  });

  it('builds a password-authorised command with TPM_ST_SESSIONS and an authorization area', () => {
    const cmd = buildCommand({ name: 'Unseal', code: 0x15e, handles: [0x80000001], auths: [{ handle: 0x40000009, nonce: new Uint8Array(0), attributes: 0, hmac: new Uint8Array(0) }] });
    expect(Buffer.from(cmd).toString('hex')).toBe('80020000001b0000015e80000001' + '00000009' + '40000009' + '0000' + '00' + '0000');
  });
});

describe('response codes (Part 2 §6.6)', () => {
  it.each([
    [0x99d, 'TPM_RC_POLICY_FAIL', 'session', 1],
    [0x18b, 'TPM_RC_HANDLE', 'handle', 1],
    [0x1c4, 'TPM_RC_VALUE', 'parameter', 1],
    [0x2c4, 'TPM_RC_VALUE', 'parameter', 2],
  ] as const)('format one 0x%s → %s', (rc, name, kind, index) => {
    expect(decodeRc(rc)).toMatchObject({ name, format: 'one', subject: { kind, index } });
  });

  it.each([
    [0x902, 'TPM_RC_OBJECT_MEMORY', true],
    [0x921, 'TPM_RC_LOCKOUT', true],
    [0x922, 'TPM_RC_RETRY', true],
    [0x100, 'TPM_RC_INITIALIZE', false],
    [0x12f, 'TPM_RC_AUTH_UNAVAILABLE', false],
    [0x14a, 'TPM_RC_NV_UNINITIALIZED', false],
    [0x01e, 'TPM_RC_BAD_TAG', false],
    [0x500, 'TPM_RC_VENDOR', false],
  ] as const)('format zero 0x%s → %s', (rc, name, warning) => {
    expect(decodeRc(rc)).toMatchObject({ name, format: 'zero', warning });
  });

  it('decodes every u32 to a name without throwing', () => {
    fc.assert(fc.property(fc.nat({ max: 0xffffffff }), (rc) => {
      expect(decodeRc(rc).name).toMatch(/^TPM_RC_[A-Z0-9_]+$/);
    }));
  });
});

describe('response parser is total', () => {
  const valid = response(0, readPublicBody());

  const parseAll = (bytes: Uint8Array): void => {
    const { params } = parseResponse(bytes, readPublicSpec);
    params.tpm2b();
    params.tpm2b();
    params.tpm2b();
    params.end();
  };

  it('parses the well-formed response', () => {
    expect(() => parseAll(valid)).not.toThrow();
  });

  it('any bytes → a value or a typed TPM error', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      try {
        parseAll(bytes);
      } catch (err) {
        expect(err instanceof TpmError || err instanceof TpmResponseError).toBe(true);
      }
    }), { numRuns: 2000 });
  });

  it('every truncation and every lying size field of a valid response is TPM_RESPONSE_MALFORMED', () => {
    fc.assert(fc.property(fc.nat({ max: valid.length - 1 }), fc.nat({ max: 0xffffffff }), (cut, size) => {
      expect(() => parseAll(valid.subarray(0, cut))).toThrow(TpmError);
      const lying = valid.slice();
      new DataView(lying.buffer).setUint32(2, size);
      if (size !== valid.length) expect(() => parseAll(lying)).toThrow(expect.objectContaining({ code: 'TPM_RESPONSE_MALFORMED' }));
    }));
  });

  it('random corruption of a valid response → a value or a typed error', () => {
    fc.assert(fc.property(fc.nat({ max: valid.length - 1 }), fc.nat({ max: 255 }), (at, byte) => {
      const bad = valid.slice();
      bad[at] = byte;
      try {
        parseAll(bad);
      } catch (err) {
        expect(err instanceof TpmError || err instanceof TpmResponseError).toBe(true);
      }
    }), { numRuns: 2000 });
  });

  it('an error code becomes a TpmResponseError with the TPM name', () => {
    expect(() => parseResponse(response(0x921), readPublicSpec)).toThrow(expect.objectContaining({ code: 'TPM_RC_LOCKOUT', command: 'ReadPublic' }));
  });
});

describe('TPMT_PUBLIC and signature decoders through the client are total', () => {
  const isTyped = (err: unknown): boolean => err instanceof TpmError || err instanceof TpmResponseError;

  it('corrupted ReadPublic responses → a public area or a typed error', async () => {
    const valid = response(0, readPublicBody());
    await fc.assert(fc.asyncProperty(fc.array(fc.tuple(fc.nat({ max: valid.length - 1 }), fc.nat({ max: 255 })), { maxLength: 4 }), async (edits) => {
      const bad = valid.slice();
      for (const [at, byte] of edits) bad[at] = byte;
      const tpm = await openTpm({ transport: createFakeTransport({ respond: () => bad }) });
      await tpm.readPublic(0x81010002).catch((err: unknown) => expect(isTyped(err)).toBe(true));
      await tpm.close();
    }), { numRuns: 500 });
  });

  it('arbitrary Sign responses → a signature or a typed error', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), async (body) => {
      const tpm = await openTpm({ transport: createFakeTransport({ respond: () => response(0, body, 0x8002) }) });
      await tpm.sign(0x81010002, new Uint8Array(32)).catch((err: unknown) => expect(isTyped(err)).toBe(true));
      await tpm.close();
    }), { numRuns: 500 });
  });
});

describe('framing', () => {
  it('reassembles a response split at any points', () => {
    const whole = response(0, readPublicBody());
    fc.assert(fc.property(fc.uniqueArray(fc.integer({ min: 1, max: whole.length - 1 }), { maxLength: 8 }), (cuts) => {
      const points = [0, ...cuts.sort((a, b) => a - b), whole.length];
      const a = new ResponseAssembler();
      let out: Uint8Array | undefined;
      for (let i = 1; i < points.length; i++) out = a.push(whole.subarray(points[i - 1], points[i]));
      expect(out && Buffer.from(out).equals(Buffer.from(whole))).toBe(true);
    }));
  });

  it('refuses a size field above the bound and bytes beyond the size', () => {
    const huge = new Writer().u16(0x8001).u32(1 << 30).u32(0).finish();
    expect(() => new ResponseAssembler().push(huge)).toThrow(expect.objectContaining({ code: 'TPM_RESPONSE_MALFORMED' }));
    const extra = new Uint8Array([...response(0), 1]);
    expect(() => new ResponseAssembler().push(extra)).toThrow(expect.objectContaining({ code: 'TPM_RESPONSE_MALFORMED' }));
  });
});

describe('client over the fake transport', () => {
  it('serialises concurrent commands (the fake refuses overlap) and survives split reads', async () => {
    let n = 0;
    const transport = createFakeTransport({
      chunkSize: 3,
      delay: () => new Promise((r) => setImmediate(r)),
      respond: () => response(0, new Writer().tpm2b(Uint8Array.of(n++)).finish()),
    });
    const tpm = await openTpm({ transport });
    const got = await Promise.all([1, 2, 3, 4, 5].map(() => tpm.getRandom(1)));
    expect(got.map((b) => b[0])).toEqual([0, 1, 2, 3, 4]);
    await tpm.close();
  });

  it('tpm key store normalises a high-S TPM signature to low-S', async () => {
    const r = 12345n;
    const highS = N - 7n;
    const transport = createFakeTransport({
      respond: (cmd) => {
        const code = new DataView(cmd.buffer, cmd.byteOffset).getUint32(6);
        return code === 0x173 ? response(0, readPublicBody()) : response(0, signBody(r, highS), 0x8002);
      },
    });
    const ks = await createTpmKeyStore(await openTpm({ transport }), { handle: 0x81010002, create: false });
    expect(ks.publicKey[0]).toBe(0x02 | (GY[31]! & 1));
    const sig = await ks.sign(new Uint8Array(4));
    expect(Buffer.from(sig.subarray(32)).toString('hex')).toBe(Buffer.from(bigBytes(7n)).toString('hex'));
    expect(Buffer.from(sig.subarray(0, 32)).toString('hex')).toBe(Buffer.from(bigBytes(r)).toString('hex'));
    await ks.close();
  });

  it('a TPM in lockout yields a typed, readable error', async () => {
    const transport = createFakeTransport({
      respond: (cmd) => (new DataView(cmd.buffer, cmd.byteOffset).getUint32(6) === 0x173 ? response(0, readPublicBody()) : response(0x921)),
    });
    const ks = await createTpmKeyStore(await openTpm({ transport }), { handle: 0x81010002, create: false });
    const err: unknown = await ks.sign(new Uint8Array(1)).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'TPM_RC_LOCKOUT', badInput: false });
    expect((err as Error).message).toBe('TPM2_Sign failed: TPM_RC_LOCKOUT [0x921]');
    await ks.close();
  });

  it('refuses a key that is not an unrestricted P-256 signing key', async () => {
    const body = readPublicBody();
    body[7] = body[7]! | 0x01; // set `restricted` (bit 16 of objectAttributes at offset 4..7 of TPMT_PUBLIC)
    const transport = createFakeTransport({ respond: () => response(0, body) });
    await expect(createTpmKeyStore(await openTpm({ transport }), { handle: 0x81010002, create: false }))
      .rejects.toMatchObject({ code: 'TPM_UNEXPECTED_OBJECT' });
  });

  it('an absent TPM is TPM_UNAVAILABLE', async () => {
    await expect(openTpm({ path: '/nonexistent/tpmrm0' })).rejects.toMatchObject({ code: 'TPM_UNAVAILABLE' });
  });
});
