import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeSegment, encodeRecord, MAX_PAYLOAD_BYTES, type OutboxRecord } from '../../agent/mqtt/outbox-codec.ts';
import { isMqttError } from '../../agent/mqtt/errors.ts';

const recordArb = fc.record({
  seq: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  topic: fc.string({ minLength: 1, maxLength: 60, unit: 'grapheme' }),
  payload: fc.uint8Array({ maxLength: 200 }),
  qos: fc.constantFrom(0 as const, 1 as const, 2 as const),
  retain: fc.boolean(),
});

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const norm = (r: OutboxRecord): object => ({ seq: r.seq, topic: r.topic, qos: r.qos, retain: r.retain, payload: Array.from(r.payload) });

describe('outbox record codec', () => {
  it('decode(encode(records)) = records, undamaged', () => {
    fc.assert(
      fc.property(fc.array(recordArb, { maxLength: 20 }), (records) => {
        const buf = concat(records.map(encodeRecord));
        const d = decodeSegment(buf);
        expect(d.records.map(norm)).toEqual(records.map(norm));
        expect(d.validPrefixEnd).toBe(buf.length);
        expect(d.damagedBytes).toBe(0);
      }),
    );
  });

  it('any bytes decode without throwing, and what decodes re-encodes to itself', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
        const d = decodeSegment(bytes);
        expect(d.validPrefixEnd).toBeLessThanOrEqual(bytes.length);
        for (const r of d.records) expect(decodeSegment(encodeRecord(r)).records.map(norm)).toEqual([norm(r)]);
      }),
    );
  });

  it('a tail torn at any byte keeps every whole record before it', () => {
    fc.assert(
      fc.property(fc.array(recordArb, { minLength: 1, maxLength: 8 }), fc.nat(), (records, cutSeed) => {
        const encoded = records.map(encodeRecord);
        const buf = concat(encoded);
        const cut = cutSeed % (buf.length + 1);
        let whole = 0;
        let end = 0;
        for (const e of encoded) {
          if (end + e.length > cut) break;
          end += e.length;
          whole += 1;
        }
        const d = decodeSegment(buf.subarray(0, cut));
        expect(d.records.map(norm)).toEqual(records.slice(0, whole).map(norm));
        expect(d.validPrefixEnd).toBe(end);
      }),
    );
  });

  it('corrupt bytes in the middle lose only the records they touch (resynchronisation)', () => {
    fc.assert(
      fc.property(
        fc.array(recordArb, { minLength: 2, maxLength: 8 }),
        fc.nat(),
        fc.uint8Array({ minLength: 1, maxLength: 8 }),
        (records, posSeed, junk) => {
          const encoded = records.map(encodeRecord);
          const buf = concat(encoded);
          const pos = posSeed % buf.length;
          const damaged = buf.slice();
          damaged.set(junk.subarray(0, buf.length - pos), pos);
          const touchedEnd = pos + Math.min(junk.length, buf.length - pos);
          const d = decodeSegment(damaged);
          let start = 0;
          const untouched: OutboxRecord[] = [];
          encoded.forEach((e, i) => {
            const end = start + e.length;
            if (end <= pos || start >= touchedEnd) untouched.push(records[i] as OutboxRecord);
            start = end;
          });
          // Every untouched record comes back, in order (a changed byte may also equal the old one).
          const got = d.records.map(norm);
          let j = 0;
          for (const u of untouched.map(norm)) {
            while (j < got.length && JSON.stringify(got[j]) !== JSON.stringify(u)) j += 1;
            expect(j).toBeLessThan(got.length);
            j += 1;
          }
        },
      ),
    );
  });

  it('refuses an oversized record with a typed error', () => {
    let err: unknown;
    try {
      encodeRecord({ seq: 1, topic: 't', payload: new Uint8Array(MAX_PAYLOAD_BYTES + 1), qos: 1, retain: false });
    } catch (e) {
      err = e;
    }
    expect(isMqttError(err, 'OUTBOX_TOO_LARGE')).toBe(true);
    expect(() => encodeRecord({ seq: -1, topic: 't', payload: new Uint8Array(), qos: 1, retain: false })).toThrow(RangeError);
  });
});
