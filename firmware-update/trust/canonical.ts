/**
 * OLPC canonical JSON, the signing encoding of TUF (§4.2 "canonical JSON",
 * wiki.laptop.org/go/Canonical_JSON), as python-tuf/securesystemslib produce it:
 * - no insignificant whitespace; object keys sorted by Unicode code point; no duplicates;
 * - strings escape only `"` and `\` (every other character, controls included, is literal);
 * - numbers are integers only (no floats, no exponents); true, false and null as in JSON.
 */
import { TrustError } from './errors.ts';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Code-point order (what `sorted()` on Python strings gives), not UTF-16 unit order. */
export function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done === true) return y.done === true ? 0 : -1;
    if (y.done === true) return 1;
    const d = x.value.codePointAt(0)! - y.value.codePointAt(0)!;
    if (d !== 0) return d;
  }
}

function encodeString(s: string): string {
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

function encodeValue(v: unknown, depth: number, out: string[]): void {
  if (depth > 64) throw new TrustError('MALFORMED_METADATA', 'canonical JSON: nesting deeper than 64');
  if (v === null) out.push('null');
  else if (typeof v === 'boolean') out.push(v ? 'true' : 'false');
  else if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw new TrustError('MALFORMED_METADATA', 'canonical JSON allows integers only');
    out.push(Object.is(v, -0) ? '0' : String(v));
  } else if (typeof v === 'string') out.push(encodeString(v));
  else if (Array.isArray(v)) {
    out.push('[');
    v.forEach((item, i) => {
      if (i > 0) out.push(',');
      encodeValue(item, depth + 1, out);
    });
    out.push(']');
  } else if (typeof v === 'object') {
    const keys = Object.keys(v).sort(compareCodePoints);
    out.push('{');
    keys.forEach((k, i) => {
      if (i > 0) out.push(',');
      out.push(encodeString(k), ':');
      encodeValue((v as Record<string, unknown>)[k], depth + 1, out);
    });
    out.push('}');
  } else {
    throw new TrustError('MALFORMED_METADATA', `canonical JSON cannot encode a ${typeof v}`);
  }
}

/** The canonical JSON text of `value`. Throws `MALFORMED_METADATA` for floats and the like. */
export function canonicalString(value: unknown): string {
  const out: string[] = [];
  encodeValue(value, 0, out);
  return out.join('');
}

/** The canonical JSON bytes (UTF-8) of `value`: what TUF signatures cover. */
export function canonicalBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(canonicalString(value));
}
