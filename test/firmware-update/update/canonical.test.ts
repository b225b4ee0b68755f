/**
 * OLPC canonical JSON as TUF signs it, envelope/metadata decoders total over arbitrary bytes,
 * and the release-counter stores.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fileCounterStore, mirroredCounterStore } from '../../../firmware-update/client/index.ts';
import {
  canonicalString, decodeEnvelope, ed25519Key, isTrustError, keyId, parseRoot, parseSnapshot, parseTargets, parseTimestamp,
} from '../../../firmware-update/trust/index.ts';
import { crypto, withTmp } from './helpers.ts';

describe('canonical JSON (OLPC, as securesystemslib encodes it)', () => {
  it('sorts keys by code point, no whitespace, escapes only quote and backslash', () => {
    expect(canonicalString({ b: 1, a: [true, null, 'x'], A: { z: -3, y: 0 } })).toBe('{"A":{"y":0,"z":-3},"a":[true,null,"x"],"b":1}');
    expect(canonicalString('a"b\\c\nd\u0001é')).toBe('"a\\"b\\\\c\nd\u0001é"');
    // code-point order: U+FF61 sorts before U+1F600 (UTF-16 unit order would put the emoji first)
    expect(canonicalString({ '\u{1F600}': 1, '\uFF61': 2 })).toBe('{"\uFF61":2,"\u{1F600}":1}');
  });

  it('refuses floats and non-JSON values', () => {
    for (const v of [1.5, NaN, Infinity, 2 ** 60, undefined, () => 1, 10n]) {
      expect(() => canonicalString({ v })).toThrow();
    }
  });

  it('is stable: canonical(parse(canonical(x))) = canonical(x)', () => {
    const json = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, fc.constant(null), fc.boolean(), fc.integer(), fc.string({ unit: 'grapheme' }),
        fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(fc.string(), tie('value'), { maxKeys: 4 })),
    })).value;
    fc.assert(fc.property(json, (v) => {
      const c = canonicalString(v);
      expect(canonicalString(JSON.parse(c))).toBe(c);
    }), { numRuns: 300 });
  });

  it('key id is the SHA-256 of the canonical key object (TUF §4.2)', () => {
    const key = ed25519Key(new Uint8Array(32).fill(1));
    const text = '{"keytype":"ed25519","keyval":{"public":"0101010101010101010101010101010101010101010101010101010101010101"},"scheme":"ed25519"}';
    expect(keyId(crypto, key)).toBe(Buffer.from(crypto.sha256(new TextEncoder().encode(text))).toString('hex'));
  });
});

describe('decoders are total', () => {
  it('any bytes: an envelope or MALFORMED_METADATA', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
      try {
        decodeEnvelope(b);
      } catch (err) {
        expect(isTrustError(err, 'MALFORMED_METADATA')).toBe(true);
      }
    }), { numRuns: 500 });
  });

  it('any JSON as a role: a value or a TrustError', () => {
    const parsers = [parseRoot, parseTimestamp, parseSnapshot, parseTargets];
    fc.assert(fc.property(fc.jsonValue(), fc.constantFrom('root', 'timestamp', 'snapshot', 'targets'), (v, type) => {
      const input = typeof v === 'object' && v !== null && !Array.isArray(v) ? { ...v, _type: type } : v;
      for (const p of parsers) {
        try {
          p(input);
        } catch (err) {
          expect(isTrustError(err)).toBe(true);
        }
      }
    }), { numRuns: 500 });
  });

  it('target paths that escape the repository are refused', () => {
    const base = { _type: 'targets', spec_version: '1.0.31', version: 1, expires: '2030-01-01T00:00:00Z' };
    const t = { length: 1, hashes: { sha256: 'a'.repeat(64) }, custom: { hardwareIds: ['x'], releaseCounter: 1, version: '1' } };
    for (const p of ['../x', '/etc/passwd', 'a/../../b', 'a\\b', 'a//b']) {
      expect(() => parseTargets({ ...base, targets: { [p]: t } })).toThrow(expect.objectContaining({ code: 'MALFORMED_METADATA' }) as Error);
    }
    expect(parseTargets({ ...base, targets: { 'ok/file.img': t } }).targets['ok/file.img']?.custom.deltas).toEqual([]);
  });
});

describe('release counter stores', () => {
  it('the file store never goes down; the mirrored store follows a monotonic hardware counter', async () => {
    await withTmp(async (dir) => {
      const file = fileCounterStore(dir);
      await file.raise(5);
      await file.raise(3);
      expect(await file.read()).toBe(5);
      let hw = 0n;
      const nv = { read: () => Promise.resolve(hw), increment: () => Promise.resolve(++hw) };
      const m = mirroredCounterStore(fileCounterStore(`${dir}`), nv);
      await m.raise(7);
      expect(hw).toBe(7n);
      expect(await m.read()).toBe(7);
      hw = 9n; // the data partition was restored from an old backup: the hardware counter wins
      expect(await m.read()).toBe(9);
      await expect(m.raise(1_000_000)).rejects.toThrow(RangeError);
    });
  });
});
