/**
 * Total readers for the fields of signed payloads: each takes `unknown` (a decoded CBOR map)
 * and returns a typed value or throws IntentError('malformed'). Nothing here trusts its input.
 */
import { decodeCbor, decodeCborMaps } from '../cbor/index.ts';
import { MAX_ARGS, MAX_STRING } from './constants.ts';
import { IntentError } from './errors.ts';

export type Scalar = string | number | boolean;
export type Args = Readonly<Record<string, Scalar>>;
export type Obj = Readonly<Record<string, unknown>>;

const DID = /^did:key:z[1-9A-HJ-NP-Za-km-z]{40,120}$/;
const CMD = /^[a-z*][a-z0-9_/.*-]{0,63}$/;
const ARG_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,31}$/;

export function malformed(what: string, cause?: unknown): IntentError {
  return new IntentError('malformed', what, cause === undefined ? undefined : { cause });
}

/** Decodes a payload map (string keys) within tight bounds. */
export function decodeMap(bytes: Uint8Array, maxBytes: number): Obj {
  let v: unknown;
  try {
    v = decodeCbor(bytes, { maxBytes, maxDepth: 6, maxItems: 512 });
  } catch (cause) {
    throw malformed('payload is not valid bounded CBOR', cause);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Uint8Array) throw malformed('payload must be a map');
  return v as Obj;
}

/** The payload bytes of a COSE_Sign1, before its signature is checked (for cheap checks first). */
export function peekCosePayload(bytes: Uint8Array, maxBytes: number): Uint8Array {
  let v: unknown;
  try {
    v = decodeCborMaps(bytes, { maxBytes, maxDepth: 4, maxItems: 64, tags: [18] });
  } catch (cause) {
    throw malformed('not a COSE_Sign1 envelope', cause);
  }
  const arr = typeof v === 'object' && v !== null && 'tag' in v && 'value' in v ? (v as { value: unknown }).value : v;
  if (!Array.isArray(arr) || arr.length !== 4 || !(arr[2] instanceof Uint8Array)) throw malformed('not a COSE_Sign1 envelope');
  return arr[2];
}

export function str(o: Obj, key: string, max = MAX_STRING): string {
  const v = o[key];
  if (typeof v !== 'string' || v.length === 0 || v.length > max) throw malformed(`${key} must be a non-empty string`);
  return v;
}

export function did(o: Obj, key: string): string {
  const v = str(o, key);
  if (!DID.test(v)) throw malformed(`${key} must be a did:key`);
  return v;
}

export function cmd(o: Obj, key: string): string {
  const v = str(o, key, 64);
  if (!CMD.test(v)) throw malformed(`${key} is not a command name`);
  return v;
}

/** Whole seconds since the epoch (cbor-x turns integers above 2^32 into floats: whole numbers only). */
export function seconds(o: Obj, key: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw malformed(`${key} must be whole seconds`);
  return v;
}

export function bytes(o: Obj, key: string, length: number): Uint8Array {
  const v = o[key];
  if (!(v instanceof Uint8Array) || v.length !== length) throw malformed(`${key} must be ${length} bytes`);
  return v;
}

export function optionalBytes(o: Obj, key: string, length: number): Uint8Array | undefined {
  return o[key] === undefined ? undefined : bytes(o, key, length);
}

export function version(o: Obj): void {
  if (o['v'] !== 1) throw malformed('v must be 1');
}

export function args(o: Obj, key: string): Args {
  const v = o[key] ?? {};
  if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Uint8Array) throw malformed(`${key} must be a map`);
  const entries = Object.entries(v);
  if (entries.length > MAX_ARGS) throw malformed(`${key} has more than ${MAX_ARGS} entries`);
  const out: Record<string, Scalar> = {};
  for (const [k, x] of entries) {
    if (!ARG_NAME.test(k)) throw malformed(`${key}: bad name ${JSON.stringify(k.slice(0, 40))}`);
    const ok = typeof x === 'boolean' || (typeof x === 'number' && Number.isFinite(x)) || (typeof x === 'string' && x.length <= MAX_STRING);
    if (!ok) throw malformed(`${key}.${k} must be a string, finite number or boolean`);
    out[k] = x;
  }
  return out;
}

export function didList(o: Obj, key: string, max: number): string[] {
  const v = o[key];
  if (!Array.isArray(v) || v.length === 0 || v.length > max) throw malformed(`${key} must be a list of 1..${max} DIDs`);
  const out = v.map((x, i) => did({ [`${key}[${i}]`]: x as unknown }, `${key}[${i}]`));
  if (new Set(out).size !== out.length) throw malformed(`${key} lists a DID twice`);
  return out;
}

/** Constant-time equality of two byte strings (the pairing MAC). Lengths are not secret. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

export function hex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}
