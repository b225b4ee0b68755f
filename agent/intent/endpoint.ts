/**
 * The transport-agnostic request/response endpoint: one CBOR request in, one CBOR response out.
 * A socket server (server.ts), the overlay or MQTT carry the same bytes.
 *
 *   request  = {op: "hello"} | {op: "challenge"} | {op: "intent", env: bstr} | {op: "pair", env: bstr}
 *            | {op: "pair_start", reset?: true}  (admin connections only: the local control socket)
 *   response = {ok: true, …} | {ok: false, reason, detail, clockState}
 *
 * `handle` never throws and never rejects: any bytes give a response (a typed refusal at worst).
 * Every intent and pair decision is appended to the audit log, args masked.
 */
import type { AuditRecord, NewRecord } from '../audit/index.ts';
import { decodeCbor, encodeCbor } from '../cbor/index.ts';
import type { CryptoPort } from '../crypto/port.ts';
import type { Act } from './actions.ts';
import type { Challenges, ClockState } from './clock.ts';
import { maskArgs } from './commands.ts';
import { MAX_FRAME_BYTES } from './constants.ts';
import { IntentError } from './errors.ts';
import { hex, peekCosePayload } from './fields.ts';
import type { Pairing } from './pairing.ts';
import type { IntentVerifier, Verdict } from './verifier.ts';

export interface EndpointLog {
  log(level: 'debug' | 'info' | 'warn' | 'error', event: string, fields?: Readonly<Record<string, unknown>>): void;
}

export interface EndpointDeps {
  readonly deviceDid: string;
  readonly crypto: CryptoPort;
  readonly clock: ClockState;
  readonly verifier: IntentVerifier;
  readonly challenges: Challenges;
  readonly pairing: Pairing;
  readonly act: Act;
  readonly audit: { append(record: NewRecord): Promise<AuditRecord> } | null;
  readonly controllers: () => readonly string[];
  readonly log?: EndpointLog;
  /** Forgets every controller (a factory reset, admin socket only); pairing can start again. */
  readonly factoryReset?: () => Promise<void>;
  /** Called when the clock floor moved (the composition root persists it). */
  readonly saveFloor?: (s: number) => Promise<void>;
}

export interface Peer {
  /** True on the local control socket (file permissions stand for physical presence). */
  readonly admin: boolean;
}

export interface Endpoint {
  handle(request: Uint8Array, peer: Peer): Promise<Uint8Array>;
}

type Response = Record<string, unknown>;

/**
 * Longer than ~60 lines on purpose: one small closure per op over the same dependencies; each
 * closure is short, and the ops read as one table.
 */
export function createEndpoint(deps: EndpointDeps): Endpoint {
  let savedFloor = deps.clock.floorS();
  const refusal = (err: IntentError): Response => ({ ok: false, reason: err.code, detail: err.message, clockState: deps.clock.state });

  const audit = async (r: Omit<NewRecord, 't' | 'clockState'>): Promise<void> => {
    if (deps.audit === null) return;
    await deps.audit.append({ ...r, t: deps.clock.nowS(), clockState: deps.clock.state });
  };

  const onIntent = async (env: Uint8Array): Promise<Response> => {
    const v = deps.verifier.verify(env);
    const base = { reqHash: v.reqHash, iss: v.intent?.iss ?? null, cmd: v.intent?.cmd ?? null, args: maskArgs(v.intent?.cmd ?? '', v.intent?.args ?? {}) };
    if (!v.ok || v.intent === null) {
      await audit({ ...base, decision: 'deny', determining: v.determining, reason: v.reason });
      return { ok: false, reason: v.reason, detail: v.detail, clockState: v.clockState, determining: v.determining };
    }
    await persistFloor();
    let result: unknown;
    try {
      result = await deps.act(v.intent);
    } catch (err) {
      const e = err instanceof IntentError ? err : new IntentError('action_failed', 'the action failed', { cause: err, badInput: false });
      await audit({ ...base, decision: 'allow', determining: v.determining, reason: e.code });
      return refusal(e);
    }
    await audit({ ...base, decision: 'allow', determining: v.determining, reason: null });
    return allowed(v, result);
  };

  const persistFloor = async (): Promise<void> => {
    const floor = deps.clock.floorS();
    if (deps.saveFloor === undefined || floor <= savedFloor) return;
    savedFloor = floor;
    await deps.saveFloor(floor);
  };

  const onPair = async (env: Uint8Array): Promise<Response> => {
    const owner = pairOwner(env);
    try {
      const receipt = await deps.pairing.pair(env);
      await audit({ reqHash: deps.crypto.sha256(env), iss: owner, cmd: 'pair', args: {}, decision: 'allow', determining: ['pairing'], reason: null });
      return { ok: true, receipt, controllers: deps.controllers() };
    } catch (err) {
      const e = err instanceof IntentError ? err : new IntentError('malformed', 'the pair request could not be read', { cause: err });
      await audit({ reqHash: deps.crypto.sha256(env), iss: owner, cmd: 'pair', args: {}, decision: 'deny', determining: [], reason: e.code });
      return refusal(e);
    }
  };

  const route = async (req: Record<string, unknown>, peer: Peer, request: Uint8Array): Promise<Response> => {
    const env = req['env'];
    switch (req['op']) {
      case 'hello':
        return { ok: true, did: deps.deviceDid, clockState: deps.clock.state, paired: deps.controllers().length > 0, pairing: deps.pairing.status() };
      case 'challenge': {
        const chal = deps.challenges.issue();
        return chal === null ? refusal(new IntentError('bad_request', 'too many outstanding challenges')) : { ok: true, chal, clockState: deps.clock.state };
      }
      case 'intent':
        if (!(env instanceof Uint8Array)) throw new IntentError('malformed', 'intent requests carry env, a bstr');
        return onIntent(env);
      case 'pair':
        if (!(env instanceof Uint8Array)) throw new IntentError('malformed', 'pair requests carry env, a bstr');
        return onPair(env);
      case 'pair_start': {
        if (!peer.admin) throw new IntentError('not_allowed_here', 'pairing mode is entered on the device itself');
        if (req['reset'] === true && deps.factoryReset !== undefined) {
          await deps.factoryReset();
          await audit({ reqHash: deps.crypto.sha256(request), iss: null, cmd: 'factory_reset', args: {}, decision: 'allow', determining: ['admin socket'], reason: null });
        }
        const s = deps.pairing.start();
        deps.log?.log('info', 'pairing.start', { expiresInMs: s.expiresInMs });
        return { ok: true, code: s.code, did: deps.deviceDid, expiresInS: Math.round(s.expiresInMs / 1000) };
      }
      default:
        throw new IntentError('bad_request', 'unknown op');
    }
  };

  return {
    async handle(request, peer) {
      let res: Response;
      try {
        if (request.length > MAX_FRAME_BYTES) throw new IntentError('too_large', `request of ${request.length} bytes`);
        let req: unknown;
        try {
          req = decodeCbor(request, { maxBytes: MAX_FRAME_BYTES, maxDepth: 4, maxItems: 64 });
        } catch (cause) {
          throw new IntentError('malformed', 'the request is not bounded CBOR', { cause });
        }
        if (typeof req !== 'object' || req === null || Array.isArray(req) || req instanceof Uint8Array) throw new IntentError('malformed', 'the request must be a map');
        res = await route(req as Record<string, unknown>, peer, request);
      } catch (err) {
        if (!(err instanceof IntentError)) deps.log?.log('error', 'endpoint.failure', { error: err instanceof Error ? err.name : 'unknown' });
        res = refusal(err instanceof IntentError ? err : new IntentError('bad_request', 'the request failed', { cause: err, badInput: false }));
      }
      return encodeCbor(res);
    },
  };
}

function allowed(v: Verdict, result: unknown): Response {
  return { ok: true, decision: 'allow', determining: v.determining, clockState: v.clockState, reqHash: hex(v.reqHash), result };
}

function pairOwner(env: Uint8Array): string | null {
  try {
    const o = decodeCbor(peekCosePayload(env, 2048), { maxBytes: 2048, maxDepth: 4, maxItems: 64 }) as Record<string, unknown>;
    return typeof o['ownerDid'] === 'string' ? o['ownerDid'].slice(0, 200) : null;
  } catch {
    return null;
  }
}
