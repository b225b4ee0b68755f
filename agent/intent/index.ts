/**
 * Signed intents, grants, pairing, replay and clock safety (DESIGN.md §4; PROTOCOL.md § Intents,
 * grants, pairing and the audit log).
 *
 *   const verifier = createIntentVerifier({ crypto, deviceDid, clock, challenges, policies,
 *                                           controllers, revocations, replay, bootS });
 *   const verdict = verifier.verify(envelopeBytes); // never throws; verdict.reason on refusal
 */
export { createIntentVerifier, type IntentVerifier, type Verdict, type VerifierOptions } from './verifier.ts';
export { createIntent, createGrant, parseIntentPayload, parseGrantPayload, parsePredicate, satisfies } from './envelope.ts';
export type { Intent, Grant, Predicate, PredicateOp, IntentFields, GrantFields } from './envelope.ts';
export { createReplayCache, type ReplayCache } from './replay.ts';
export { createClockState, createChallenges, systemIntentClock } from './clock.ts';
export type { ClockState, ClockStateName, IntentClock, Challenges } from './clock.ts';
export { createGrantMemo, checkChain, type ChainFacts, type GrantMemo } from './chain.ts';
export { COMMANDS, maskArgs, policyRequest } from './commands.ts';
export {
  createPairing, createPairRequest, verifyPairReceipt, formatPairingCode, parsePairingCode,
  type Pairing, type PairReceipt,
} from './pairing.ts';
export { createActions, type Act } from './actions.ts';
export { openIntentState, nodeStateFs, STATE_FILES, type IntentState, type ControllerStore, type RevocationStore } from './state.ts';
export { createEndpoint, type Endpoint, type EndpointDeps, type Peer } from './endpoint.ts';
export { listenFrames, requestFrame, frame, FrameReader, type Address, type FrameServer } from './server.ts';
export { call, fetchChallenge, readEndpointInfo, resolveAddress, ENDPOINT_FILE, type EndpointInfo, type Reply } from './client.ts';
export { IntentError, IntentClientError, isIntentError, type ReasonCode, type ClientErrorCode } from './errors.ts';
export { encodeQr, renderQr, type QrCode, type QrLevel } from './qr.ts';
export * as INTENT_LIMITS from './constants.ts';
