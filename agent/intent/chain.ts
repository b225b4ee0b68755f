/**
 * Grant chains (DESIGN.md §4 "Grants"; research/identity.md §5.4 step 4): structure,
 * attenuation, revocation and time at every depth, checked on the decoded payloads before any
 * signature; then signatures, with verified grants memoised by the SHA-256 of their exact bytes
 * (a memo hit means the same bytes already verified, so no verify is needed).
 */
import type { CryptoPort } from '../crypto/port.ts';
import { CONTENT_TYPE, MAX_GRANT_BYTES } from './constants.ts';
import { type Grant, type Intent, parseGrantPayload, predicateKey, satisfies } from './envelope.ts';
import { IntentError } from './errors.ts';
import { type HeaderMemo, type KeyMemo, type OpenedCose, openCose1, verifyOpened } from './cose-fast.ts';
import { hex } from './fields.ts';

export interface ChainFacts {
  /** Number of grants (0: the issuer acts on its own authority). */
  readonly depth: number;
  /** The controller at the root of the chain. */
  readonly root: string | null;
  /** The earliest `exp` along the chain. */
  readonly expires: number | null;
  /** SHA-256 of each grant envelope, hex, root first. */
  readonly hashes: readonly string[];
}

export interface ChainContext {
  readonly deviceDid: string;
  readonly controllers: readonly string[];
  readonly isRevoked: (grantHash: string) => boolean;
  /** Time for expiry (wall clock or floor) and whether `nbf` can be judged (trusted clock). */
  readonly nowS: number;
  readonly trusted: boolean;
  readonly skewS: number;
}

export interface DecodedGrant {
  readonly opened: OpenedCose;
  readonly hash: string;
  readonly grant: Grant;
}

/** A bounded memo of grants whose signatures verified, keyed by envelope hash. */
export interface GrantMemo {
  has(hash: string): boolean;
  add(hash: string): void;
}

export function createGrantMemo(maxEntries: number): GrantMemo {
  const seen = new Set<string>();
  return {
    has: (h) => seen.has(h),
    add(h) {
      if (seen.size >= maxEntries) {
        const oldest = seen.values().next();
        if (oldest.done !== true) seen.delete(oldest.value);
      }
      seen.add(h);
    },
  };
}

export function decodeChain(prf: readonly Uint8Array[], crypto: CryptoPort, headers?: HeaderMemo): DecodedGrant[] {
  return prf.map((bytes) => {
    const opened = openCose1(bytes, MAX_GRANT_BYTES, headers);
    if (opened.contentType !== CONTENT_TYPE.grant) throw new IntentError('malformed', 'a prf entry is not a grant envelope');
    return { opened, hash: hex(crypto.sha256(bytes)), grant: parseGrantPayload(opened.payload) };
  });
}

function fail(code: ConstructorParameters<typeof IntentError>[0], msg: string): never {
  throw new IntentError(code, msg);
}

export function covers(parentCmd: string, childCmd: string): boolean {
  return parentCmd === '*' || parentCmd === childCmd;
}

/** Every check of a chain that needs no signature; throws IntentError with the reason. */
export function checkChain(intent: Intent, chain: readonly DecodedGrant[], ctx: ChainContext): ChainFacts {
  let expires: number | null = null;
  chain.forEach(({ grant: g, hash }, i) => {
    const depth = i + 1;
    if (g.sub !== ctx.deviceDid) fail('chain_broken', `grant at depth ${depth} is about another device`);
    if (i === 0 && !ctx.controllers.includes(g.iss)) fail('chain_broken', 'the root grant is not issued by a controller');
    const next = chain[i + 1]?.grant.iss ?? intent.iss;
    if (g.aud !== next) fail('chain_broken', `grant at depth ${depth} is not addressed to the next issuer`);
    if (g.exp < g.nbf) fail('chain_broken', `grant at depth ${depth} ends before it starts`);
    const parent = chain[i - 1]?.grant;
    if (parent !== undefined) attenuated(parent, g, depth);
    if (ctx.isRevoked(hash)) fail('revoked', `grant at depth ${depth} (${hash.slice(0, 16)}…) is revoked`);
    if (g.exp + ctx.skewS < ctx.nowS) fail('expired', `grant at depth ${depth} expired`);
    if (ctx.trusted && g.nbf > ctx.nowS + ctx.skewS) fail('not_yet_valid', `grant at depth ${depth} is not valid yet`);
    if (!covers(g.cmd, intent.cmd)) fail('not_granted', `grant at depth ${depth} does not cover ${intent.cmd}`);
    for (const p of g.pol) if (!satisfies(p, intent.args)) fail('condition_failed', `grant at depth ${depth}: ${predicateKey(p)} not met`);
    expires = expires === null ? g.exp : Math.min(expires, g.exp);
  });
  return { depth: chain.length, root: chain[0]?.grant.iss ?? null, expires, hashes: chain.map((c) => c.hash) };
}

function attenuated(parent: Grant, child: Grant, depth: number): void {
  if (!covers(parent.cmd, child.cmd)) fail('not_attenuated', `grant at depth ${depth} widens the command`);
  if (child.nbf < parent.nbf || child.exp > parent.exp) fail('not_attenuated', `grant at depth ${depth} widens the time window`);
  const have = new Set(child.pol.map(predicateKey));
  for (const p of parent.pol) if (!have.has(predicateKey(p))) fail('not_attenuated', `grant at depth ${depth} drops the condition ${predicateKey(p)}`);
}

/** Verifies each grant's signature by its `iss`, unless the memo already holds its hash. */
export function verifyChainSignatures(chain: readonly DecodedGrant[], crypto: CryptoPort, memo: GrantMemo, keys: KeyMemo): void {
  chain.forEach(({ opened, hash, grant }, i) => {
    if (memo.has(hash)) return;
    if (!verifyOpened(opened, grant.iss, crypto, keys)) fail('bad_signature', `grant at depth ${i + 1} does not verify`);
    memo.add(hash);
  });
}
