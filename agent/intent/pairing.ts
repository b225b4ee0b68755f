/**
 * Pairing with the homeowner's DID (DESIGN.md §4; research/identity.md §5.3).
 *
 *   PairRequest = COSE_Sign1_owner{v: 1, deviceDid, ownerDid, controllers: [ownerDid, backup?],
 *                                  nonce: bstr(16), iat, exp, mac: HMAC-SHA-256(secret, transcript)}
 *   transcript  = CBOR ["ip2-pair-v1", deviceDid, ownerDid, controllers, nonce, iat, exp]
 *   PairReceipt = COSE_Sign1_device{v: 1, deviceDid, ownerDid, controllers, policyVersion: 0, iat}
 *
 * Checks, in order: pairing mode active (≤ 5 min on the monotonic clock, not locked), the MAC
 * (constant time), the owner's signature, freshness. Then the controllers are stored, the secret
 * is burnt and a receipt signed by the device key is returned. 5 wrong MACs lock pairing until
 * pairing mode is entered again (the physical button, `ip2 pair start`).
 */
import { encodeCbor } from '../cbor/index.ts';
import type { CryptoPort } from '../crypto/port.ts';
import { signCose1, verifyCose1, type Signer } from '../identity/cose.ts';
import type { IntentClock } from './clock.ts';
import {
  CLOCK_SKEW_S, CONTENT_TYPE, MAX_CONTROLLERS, NONCE_BYTES, PAIR_REQUEST_LIFETIME_S,
  PAIRING_MAX_FAILURES, PAIRING_SECRET_BYTES, PAIRING_WINDOW_MS,
} from './constants.ts';
import { IntentError } from './errors.ts';
import * as f from './fields.ts';

export interface PairRequest {
  readonly deviceDid: string;
  readonly ownerDid: string;
  readonly controllers: readonly string[];
  readonly nonce: Uint8Array;
  readonly iat: number;
  readonly exp: number;
  readonly mac: Uint8Array;
}

const MAX_PAIR_BYTES = 2048;
const TRANSCRIPT_LABEL = 'ip2-pair-v1';

export function pairTranscript(r: Omit<PairRequest, 'mac'>): Uint8Array {
  return encodeCbor([TRANSCRIPT_LABEL, r.deviceDid, r.ownerDid, [...r.controllers], r.nonce, r.iat, r.exp]);
}

export function parsePairRequest(payload: Uint8Array): PairRequest {
  const o = f.decodeMap(payload, MAX_PAIR_BYTES);
  f.version(o);
  const r: PairRequest = {
    deviceDid: f.did(o, 'deviceDid'), ownerDid: f.did(o, 'ownerDid'), controllers: f.didList(o, 'controllers', MAX_CONTROLLERS),
    nonce: f.bytes(o, 'nonce', NONCE_BYTES), iat: f.seconds(o, 'iat'), exp: f.seconds(o, 'exp'), mac: f.bytes(o, 'mac', 32),
  };
  if (r.controllers[0] !== r.ownerDid) throw f.malformed('controllers must start with the owner');
  return r;
}

/** The owner side: a signed pair request bound to the secret shown by the device. */
export async function createPairRequest(
  signer: Signer,
  fields: { deviceDid: string; backup?: string; secret: Uint8Array; iat: number },
  crypto: CryptoPort,
): Promise<Uint8Array> {
  const body = {
    deviceDid: fields.deviceDid, ownerDid: signer.did,
    controllers: fields.backup === undefined ? [signer.did] : [signer.did, fields.backup],
    nonce: crypto.randomBytes(NONCE_BYTES), iat: fields.iat, exp: fields.iat + PAIR_REQUEST_LIFETIME_S,
  };
  const mac = crypto.hmacSha256(fields.secret, pairTranscript(body));
  return signCose1(encodeCbor({ v: 1, ...body, mac }), signer, { contentType: CONTENT_TYPE.pairRequest });
}

export interface PairReceipt {
  readonly deviceDid: string;
  readonly ownerDid: string;
  readonly controllers: readonly string[];
  readonly policyVersion: number;
  readonly iat: number;
}

/** The owner side: checks the receipt is signed by the device it meant to pair. */
export function verifyPairReceipt(bytes: Uint8Array, deviceDid: string, crypto: CryptoPort): PairReceipt {
  const v = verifyCose1(bytes, { crypto, maxBytes: MAX_PAIR_BYTES, kid: deviceDid });
  if (v.contentType !== CONTENT_TYPE.pairReceipt) throw f.malformed('not a pair receipt');
  const o = f.decodeMap(v.payload, MAX_PAIR_BYTES);
  return {
    deviceDid: f.did(o, 'deviceDid'), ownerDid: f.did(o, 'ownerDid'), controllers: f.didList(o, 'controllers', MAX_CONTROLLERS),
    policyVersion: f.seconds(o, 'policyVersion'), iat: f.seconds(o, 'iat'),
  };
}

/** Base32 (RFC 4648 §6) in groups of 4, the form shown to people and put in the QR code. */
export function formatPairingCode(secret: Uint8Array): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let acc = 0;
  let out = '';
  for (const b of secret) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(acc >>> (bits - 5)) & 31]!;
      bits -= 5;
    }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) out += alphabet[(acc << (5 - bits)) & 31]!;
  return out.match(/.{1,4}/g)!.join('-');
}

export function parsePairingCode(code: string): Uint8Array {
  const clean = code.replace(/[-\s]/g, '').toUpperCase();
  if (!/^[A-Z2-7]{1,128}$/.test(clean)) throw f.malformed('a pairing code is base32 (A–Z, 2–7)');
  const out: number[] = [];
  let bits = 0;
  let acc = 0;
  for (const ch of clean) {
    acc = (acc << 5) | 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'.indexOf(ch);
    bits += 5;
    if (bits >= 8) {
      out.push((acc >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
    acc &= (1 << bits) - 1;
  }
  return Uint8Array.from(out);
}

export interface PairingOptions {
  readonly crypto: CryptoPort;
  readonly clock: IntentClock;
  readonly device: Signer;
  /** Wall time for freshness, or null while the clock is untrusted (the secret is fresh anyway). */
  readonly trustedNowS: () => number | null;
  readonly controllers: { list(): readonly string[]; replace(list: readonly string[]): Promise<void> };
  readonly windowMs?: number;
}

export interface Pairing {
  /** Enters pairing mode with a fresh secret; refused when already paired. */
  start(): { secret: Uint8Array; code: string; expiresInMs: number };
  status(): { active: boolean; locked: boolean; failures: number };
  /** Handles a signed pair request; the receipt, or an IntentError with the reason. */
  pair(request: Uint8Array): Promise<Uint8Array>;
}

export function createPairing(opts: PairingOptions): Pairing {
  const windowMs = opts.windowMs ?? PAIRING_WINDOW_MS;
  let secret: Uint8Array | null = null;
  let startedAt = 0;
  let failures = 0;
  const active = (): boolean => secret !== null && opts.clock.monotonic() - startedAt <= windowMs;

  const check = (bytes: Uint8Array, key: Uint8Array): PairRequest => {
    const r = parsePairRequest(f.peekCosePayload(bytes, MAX_PAIR_BYTES));
    if (r.deviceDid !== opts.device.did) throw new IntentError('wrong_audience', 'the pair request names another device');
    const { mac, ...rest } = r;
    if (!f.equalBytes(opts.crypto.hmacSha256(key, pairTranscript(rest)), mac)) {
      failures++;
      if (failures >= PAIRING_MAX_FAILURES) secret = null;
      throw new IntentError('pairing_bad_code', `wrong pairing code (${failures}/${PAIRING_MAX_FAILURES})`);
    }
    try {
      if (verifyCose1(bytes, { crypto: opts.crypto, maxBytes: MAX_PAIR_BYTES, kid: r.ownerDid }).contentType !== CONTENT_TYPE.pairRequest) {
        throw f.malformed('not a pair request');
      }
    } catch (cause) {
      throw new IntentError('bad_signature', 'the pair request is not signed by its owner', { cause });
    }
    if (r.exp < r.iat || r.exp - r.iat > PAIR_REQUEST_LIFETIME_S) throw new IntentError('lifetime_too_long', 'pair request lives too long');
    const now = opts.trustedNowS();
    if (now !== null && (r.iat > now + CLOCK_SKEW_S || r.exp + CLOCK_SKEW_S < now)) throw new IntentError('expired', 'pair request outside its time window');
    return r;
  };

  return {
    start() {
      if (opts.controllers.list().length > 0) throw new IntentError('already_paired', 'already paired: a factory reset is needed first');
      secret = opts.crypto.randomBytes(PAIRING_SECRET_BYTES);
      startedAt = opts.clock.monotonic();
      failures = 0;
      return { secret, code: formatPairingCode(secret), expiresInMs: windowMs };
    },
    status: () => ({ active: active(), locked: failures >= PAIRING_MAX_FAILURES, failures }),
    async pair(bytes) {
      if (failures >= PAIRING_MAX_FAILURES) throw new IntentError('pairing_locked', 'pairing is locked after 5 failures: enter pairing mode again');
      const key = secret;
      if (key === null || !active()) throw new IntentError('pairing_inactive', 'the device is not in pairing mode');
      const r = check(bytes, key);
      secret = null; // single use: burnt before any await
      await opts.controllers.replace(r.controllers);
      const receipt = {
        v: 1, deviceDid: opts.device.did, ownerDid: r.ownerDid, controllers: [...r.controllers], policyVersion: 0,
        iat: Math.floor(opts.clock.now() / 1000),
      };
      return signCose1(encodeCbor(receipt), opts.device, { contentType: CONTENT_TYPE.pairReceipt });
    },
  };
}
