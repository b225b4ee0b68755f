/**
 * The intent verification pipeline (DESIGN.md §4; research/identity.md §5.4), cheapest checks
 * first: size, decode, audience, time window (±60 s skew, or challenge and floor when the clock
 * is untrusted), nonce unseen, chain structure/attenuation/revocation/expiry at every depth,
 * signatures (grants memoised by hash), then record the nonce and decide by policy.
 *
 * Pure over its injected parts: no I/O, no timers; `verify` never throws for any input bytes.
 * After a restart the replay cache is empty: intents issued before boot − skew are refused, and
 * until `boot + 300 s + skew` (the longest an intent seen before the restart could live) every
 * intent must carry a device-issued challenge, so nothing captured before the restart replays.
 */
import type { CryptoPort } from '../crypto/port.ts';
import { evaluate, type CompiledPolicies } from '../../policies/index.ts';
import { type ChainFacts, checkChain, createGrantMemo, decodeChain, verifyChainSignatures, type GrantMemo } from './chain.ts';
import type { Challenges, ClockState, ClockStateName } from './clock.ts';
import { COMMANDS, policyRequest } from './commands.ts';
import { CLOCK_SKEW_S, CONTENT_TYPE, GRANT_MEMO_ENTRIES, MAX_INTENT_BYTES, MAX_INTENT_LIFETIME_S } from './constants.ts';
import type { Intent } from './envelope.ts';
import { parseIntentPayload } from './envelope.ts';
import { IntentError, type ReasonCode } from './errors.ts';
import { type KeyMemo, type OpenedCose, createHeaderMemo, createKeyMemo, openCose1, verifyOpened } from './cose-fast.ts';
import type { ReplayCache } from './replay.ts';

export interface VerifierOptions {
  readonly crypto: CryptoPort;
  readonly deviceDid: string;
  readonly clock: ClockState;
  readonly challenges: Challenges;
  /** Read on every request, so a reload takes effect at once. */
  readonly policies: () => CompiledPolicies;
  /** The controller set, owner first; empty while unpaired. */
  readonly controllers: () => readonly string[];
  readonly revocations: { has(grantHash: string): boolean };
  readonly replay: ReplayCache;
  /** Boot time in seconds (the wall clock at start; ignored while floor-only). */
  readonly bootS: number;
  readonly skewS?: number;
  readonly memo?: GrantMemo;
  readonly keys?: KeyMemo;
}

export interface Verdict {
  readonly ok: boolean;
  /** `null` when allowed; else a reason code, `denied_by_policy:<id>` for a forbid. */
  readonly reason: string | null;
  readonly code: ReasonCode | null;
  readonly detail: string;
  readonly clockState: ClockStateName;
  readonly reqHash: Uint8Array;
  readonly determining: readonly string[];
  readonly intent: Intent | null;
  readonly chain: ChainFacts | null;
}

export interface IntentVerifier {
  verify(envelope: Uint8Array): Verdict;
}

/**
 * Longer than ~60 lines on purpose: the factory body is the pipeline's steps as small closures
 * over the same injected parts, kept together so the check order reads top to bottom.
 */
export function createIntentVerifier(opts: VerifierOptions): IntentVerifier {
  const skew = opts.skewS ?? CLOCK_SKEW_S;
  const memo = opts.memo ?? createGrantMemo(GRANT_MEMO_ENTRIES);
  const keys = opts.keys ?? createKeyMemo(GRANT_MEMO_ENTRIES);
  const headers = createHeaderMemo(GRANT_MEMO_ENTRIES);
  const warmUntilS = opts.bootS + MAX_INTENT_LIFETIME_S + skew;

  const checkTime = (intent: Intent, nowS: number): void => {
    if (intent.exp < intent.iat) throw new IntentError('malformed', 'exp is before iat');
    if (intent.exp - intent.iat > MAX_INTENT_LIFETIME_S) throw new IntentError('lifetime_too_long', `exp − iat exceeds ${MAX_INTENT_LIFETIME_S} s`);
    const trusted = opts.clock.state === 'trusted';
    if (trusted && intent.iat > nowS + skew) throw new IntentError('not_yet_valid', `issued ${intent.iat - nowS} s in the future`);
    if (intent.exp + skew < nowS) throw new IntentError('expired', trusted ? `expired ${nowS - intent.exp} s ago` : 'expired by the time floor');
    if (trusted && intent.iat + skew < opts.bootS) throw new IntentError('issued_before_boot', 'issued before the last restart');
    const needChallenge = !trusted || nowS < warmUntilS;
    if (intent.chal === undefined) {
      if (!trusted) throw new IntentError('clock_untrusted', 'the device clock is untrusted: sign a device challenge into the intent');
      if (needChallenge) throw new IntentError('challenge_required', 'the device restarted recently: sign a device challenge into the intent');
    } else if (!opts.challenges.valid(intent.chal)) {
      throw new IntentError('bad_challenge', 'the challenge is unknown, used or older than 30 s');
    }
  };

  const verifySignature = (opened: OpenedCose, intent: Intent): void => {
    if (!verifyOpened(opened, intent.iss, opts.crypto, keys)) throw new IntentError('bad_signature', 'the intent signature does not verify for its iss');
  };

  const steps = (envelope: Uint8Array): { intent: Intent; chain: ChainFacts; nowS: number } => {
    if (envelope.length > MAX_INTENT_BYTES) throw new IntentError('too_large', `intent of ${envelope.length} bytes exceeds ${MAX_INTENT_BYTES}`);
    const opened = openCose1(envelope, MAX_INTENT_BYTES, headers);
    if (opened.contentType !== CONTENT_TYPE.intent) throw new IntentError('malformed', 'the envelope is not an intent');
    const intent = parseIntentPayload(opened.payload, MAX_INTENT_BYTES);
    if (intent.aud !== opts.deviceDid) throw new IntentError('wrong_audience', 'the intent is addressed to another device');
    const controllers = opts.controllers();
    if (controllers.length === 0) throw new IntentError('not_paired', 'this device is not paired yet');
    const nowS = opts.clock.nowS();
    checkTime(intent, nowS);
    if (opts.replay.seen(intent.iss, intent.nonce, nowS)) throw new IntentError('replay', 'this nonce was already used');
    if (COMMANDS[intent.cmd] === undefined) throw new IntentError('unknown_command', `unknown command ${intent.cmd}`);
    const decoded = decodeChain(intent.prf, opts.crypto, headers);
    const chain = checkChain(intent, decoded, {
      deviceDid: opts.deviceDid, controllers, isRevoked: (h) => opts.revocations.has(h),
      nowS, trusted: opts.clock.state === 'trusted', skewS: skew,
    });
    verifySignature(opened, intent);
    verifyChainSignatures(decoded, opts.crypto, memo, keys);
    if (!opts.replay.record(intent.iss, intent.nonce, intent.exp + skew, nowS)) {
      throw new IntentError('replay_cache_full', 'too many live intents; try again shortly');
    }
    if (intent.chal !== undefined && opts.challenges.consume(intent.chal) !== 'ok') {
      throw new IntentError('bad_challenge', 'the challenge was used or expired');
    }
    if (controllers.includes(intent.iss)) opts.clock.raiseFloor(intent.iat);
    return { intent, chain, nowS };
  };

  return {
    verify(envelope) {
      const clockState = opts.clock.state;
      const reqHash = opts.crypto.sha256(envelope);
      const refuse = (err: IntentError, intent: Intent | null = null): Verdict => ({
        ok: false, reason: err.code, code: err.code, detail: err.message, clockState, reqHash, determining: [], intent, chain: null,
      });
      let checked: ReturnType<typeof steps>;
      try {
        checked = steps(envelope);
      } catch (err) {
        if (err instanceof IntentError) return refuse(err, tryIntent(envelope));
        return refuse(new IntentError('malformed', 'the intent could not be read', { cause: err }));
      }
      return decide(opts, checked, clockState, reqHash);
    },
  };
}

function tryIntent(envelope: Uint8Array): Intent | null {
  try {
    return parseIntentPayload(openCose1(envelope, MAX_INTENT_BYTES).payload, MAX_INTENT_BYTES);
  } catch {
    return null;
  }
}

function decide(
  opts: VerifierOptions,
  { intent, chain, nowS }: { intent: Intent; chain: ChainFacts; nowS: number },
  clockState: ClockStateName,
  reqHash: Uint8Array,
): Verdict {
  const spec = COMMANDS[intent.cmd]!;
  const base = { clockState, reqHash, intent, chain };
  let d: ReturnType<typeof evaluate>;
  const compiled = opts.policies();
  try {
    d = evaluate(compiled, policyRequest(spec, {
      intent, chain, controllers: opts.controllers(), deviceDid: opts.deviceDid, nowS, clockState,
    }));
  } catch (cause) {
    const err = new IntentError('no_matching_permit', 'the request could not be put to the policies', { cause });
    return { ...base, ok: false, reason: err.code, code: err.code, detail: err.message, determining: [] };
  }
  d = { ...d, determining: d.determining.map((id) => policyName(compiled, id)) };
  if (d.decision === 'allow') return { ...base, ok: true, reason: null, code: null, detail: `allowed by ${d.determining.join(', ')}`, determining: d.determining };
  if (d.determining.length > 0) {
    return { ...base, ok: false, reason: `denied_by_policy:${d.determining[0]!}`, code: 'denied_by_policy', detail: `forbidden by ${d.determining.join(', ')}`, determining: d.determining };
  }
  return { ...base, ok: false, reason: 'no_matching_permit', code: 'no_matching_permit', detail: 'no policy permits this request', determining: [] };
}

/** The `@id("…")` name of a policy when it has one (reason codes name policies as people wrote them). */
function policyName(compiled: CompiledPolicies, id: string): string {
  return compiled.policies.find((p) => p.id === id)?.name ?? id;
}
