/**
 * The signed objects of DESIGN.md §4: intents and grants, each a COSE_Sign1 (RFC 9052 §4.2)
 * over a CBOR map, told apart by the protected content type (constants.ts CONTENT_TYPE).
 *
 *   Intent = {v: 1, iss, aud, cmd, args, iat, exp, nonce: bstr(16), prf: [Grant COSE…], chal?: bstr(16)}
 *   Grant  = {v: 1, iss, aud, sub, cmd, pol: [[op, ".args.NAME", value]…], nbf, exp, nonce: bstr(16)}
 *
 * `prf` carries the grant chain, root (issued by a controller) first, each grant's `aud` the
 * next one's `iss`, the last one's `aud` the intent's `iss`.
 */
import { encodeCbor } from '../cbor/index.ts';
import type { CryptoPort } from '../crypto/port.ts';
import { signCose1, type Signer } from '../identity/cose.ts';
import { CONTENT_TYPE, MAX_CHAIN_DEPTH, MAX_GRANT_BYTES, MAX_PREDICATES, NONCE_BYTES, CHALLENGE_BYTES } from './constants.ts';
import { IntentError } from './errors.ts';
import * as f from './fields.ts';
import type { Args, Obj, Scalar } from './fields.ts';

export type PredicateOp = '==' | '!=' | '<' | '<=' | '>' | '>=';
/** A UCAN 1.0 policy statement restricted to comparisons on one intent argument. */
export type Predicate = readonly [PredicateOp, string, Scalar];

export interface Intent {
  readonly v: 1;
  readonly iss: string;
  readonly aud: string;
  readonly cmd: string;
  readonly args: Args;
  readonly iat: number;
  readonly exp: number;
  readonly nonce: Uint8Array;
  /** Grant envelopes, root first. */
  readonly prf: readonly Uint8Array[];
  readonly chal?: Uint8Array;
}

export interface Grant {
  readonly v: 1;
  readonly iss: string;
  readonly aud: string;
  /** The device the grant is about. */
  readonly sub: string;
  /** A command name, or `*` for every command. */
  readonly cmd: string;
  readonly pol: readonly Predicate[];
  readonly nbf: number;
  readonly exp: number;
  readonly nonce: Uint8Array;
}

const OPS = new Set<string>(['==', '!=', '<', '<=', '>', '>=']);
const SELECTOR = /^\.args\.[A-Za-z_][A-Za-z0-9_]{0,31}$/;

export function parseIntentPayload(bytes: Uint8Array, maxBytes: number): Intent {
  const o = f.decodeMap(bytes, maxBytes);
  f.version(o);
  const prf = o['prf'] ?? [];
  if (!Array.isArray(prf)) throw f.malformed('prf must be a list of grant envelopes');
  if (prf.length > MAX_CHAIN_DEPTH) throw new IntentError('chain_too_deep', `prf has ${prf.length} grants, at most ${MAX_CHAIN_DEPTH}`);
  for (const g of prf) {
    if (!(g instanceof Uint8Array) || g.length > MAX_GRANT_BYTES) throw f.malformed(`prf entries must be grant envelopes of ≤ ${MAX_GRANT_BYTES} bytes`);
  }
  const chal = f.optionalBytes(o, 'chal', CHALLENGE_BYTES);
  return {
    v: 1,
    iss: f.did(o, 'iss'),
    aud: f.did(o, 'aud'),
    cmd: f.cmd(o, 'cmd'),
    args: f.args(o, 'args'),
    iat: f.seconds(o, 'iat'),
    exp: f.seconds(o, 'exp'),
    nonce: f.bytes(o, 'nonce', NONCE_BYTES),
    prf: prf as Uint8Array[],
    ...(chal === undefined ? {} : { chal }),
  };
}

export function parseGrantPayload(bytes: Uint8Array): Grant {
  const o = f.decodeMap(bytes, MAX_GRANT_BYTES);
  f.version(o);
  return {
    v: 1,
    iss: f.did(o, 'iss'),
    aud: f.did(o, 'aud'),
    sub: f.did(o, 'sub'),
    cmd: f.cmd(o, 'cmd'),
    pol: predicates(o),
    nbf: f.seconds(o, 'nbf'),
    exp: f.seconds(o, 'exp'),
    nonce: f.bytes(o, 'nonce', NONCE_BYTES),
  };
}

function predicates(o: Obj): Predicate[] {
  const v = o['pol'] ?? [];
  if (!Array.isArray(v) || v.length > MAX_PREDICATES) throw f.malformed(`pol must be a list of ≤ ${MAX_PREDICATES} predicates`);
  return v.map((p: unknown) => parsePredicate(p));
}

export function parsePredicate(p: unknown): Predicate {
  if (!Array.isArray(p) || p.length !== 3) throw f.malformed('a predicate is [op, selector, value]');
  const [op, sel, value] = p as unknown[];
  if (typeof op !== 'string' || !OPS.has(op)) throw f.malformed(`predicate operator must be one of ${[...OPS].join(' ')}`);
  if (typeof sel !== 'string' || !SELECTOR.test(sel)) throw f.malformed('predicate selector must be .args.NAME');
  const scalar = typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value)) || (typeof value === 'string' && value.length <= 256);
  if (!scalar) throw f.malformed('predicate value must be a string, finite number or boolean');
  return [op as PredicateOp, sel, value];
}

/** True when the intent's args satisfy the predicate; a missing argument never satisfies. */
export function satisfies(p: Predicate, args: Args): boolean {
  const [op, sel, want] = p;
  const got = args[sel.slice('.args.'.length)];
  if (got === undefined) return false;
  switch (op) {
    case '==': return got === want;
    case '!=': return got !== want;
    default:
      if (typeof got !== typeof want || typeof got === 'boolean') return false;
      if (op === '<') return got < want;
      if (op === '<=') return got <= want;
      if (op === '>') return got > want;
      return got >= want;
  }
}

export function predicateKey(p: Predicate): string {
  return JSON.stringify(p);
}

export interface IntentFields {
  readonly aud: string;
  readonly cmd: string;
  readonly args?: Args;
  readonly iat: number;
  readonly exp: number;
  readonly prf?: readonly Uint8Array[];
  readonly chal?: Uint8Array;
  /** Tests only: a fixed nonce; by default 16 fresh random bytes. */
  readonly nonce?: Uint8Array;
}

export async function createIntent(signer: Signer, fields: IntentFields, crypto: CryptoPort): Promise<Uint8Array> {
  const payload: Record<string, unknown> = {
    v: 1, iss: signer.did, aud: fields.aud, cmd: fields.cmd, args: fields.args ?? {},
    iat: fields.iat, exp: fields.exp, nonce: fields.nonce ?? crypto.randomBytes(NONCE_BYTES), prf: fields.prf ?? [],
  };
  if (fields.chal !== undefined) payload['chal'] = fields.chal;
  return signCose1(encodeCbor(payload), signer, { contentType: CONTENT_TYPE.intent });
}

export interface GrantFields {
  readonly aud: string;
  readonly sub: string;
  readonly cmd: string;
  readonly pol?: readonly Predicate[];
  readonly nbf: number;
  readonly exp: number;
}

export async function createGrant(signer: Signer, fields: GrantFields, crypto: CryptoPort): Promise<Uint8Array> {
  const payload = {
    v: 1, iss: signer.did, aud: fields.aud, sub: fields.sub, cmd: fields.cmd,
    pol: (fields.pol ?? []).map((p) => [...p]), nbf: fields.nbf, exp: fields.exp, nonce: crypto.randomBytes(NONCE_BYTES),
  };
  return signCose1(encodeCbor(payload), signer, { contentType: CONTENT_TYPE.grant });
}
