/**
 * Session keys (DESIGN.md §4, research/identity.md §5.2): a real TPM manages a few signatures a
 * second, so it never sits on the per-request path. At start, and before each expiry, the device
 * makes an Ed25519 key in memory and has its hardware key certify it once:
 *
 *   certificate = COSE_Sign1 by the device key over CBOR
 *                 { v: 1, typ: "ip2-session", sub: <device DID>, key: <session did:key>, iat, exp }
 *
 * Traffic is signed by the session key; a verifier checks the certificate once (cached by the
 * caller) and then verifies each message against the session key at full node:crypto speed.
 */
import { decodeCbor, encodeCbor } from '../cbor/index.ts';
import type { CryptoPort } from '../crypto/port.ts';
import { Ip2Error } from '../errors.ts';
import { signCose1, verifyCose1, type Signer } from './cose.ts';
import { parseDidKey } from './didkey.ts';
import type { KeyStore } from './keystore-port.ts';
import { softwareKeyStore } from './software-keystore.ts';

/** The longest a session certificate may live (research/identity.md §5.2: ≤ 24 h). */
export const MAX_SESSION_SECONDS = 24 * 3600;
const MAX_CERT_BYTES = 2048;

export type SessionErrorCode = 'SESSION_CERT_MALFORMED' | 'SESSION_CERT_EXPIRED' | 'SESSION_CERT_NOT_YET_VALID' | 'SESSION_CERT_WRONG_DEVICE';

export class SessionError extends Ip2Error {
  override readonly name = 'SessionError';
  constructor(
    readonly code: SessionErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, { ...options, badInput: true });
  }
}

export interface SessionKey {
  /** Signs traffic: an in-memory Ed25519 key. */
  readonly signer: KeyStore;
  /** The device's COSE_Sign1 over the session key, to send along (once per peer). */
  readonly certificate: Uint8Array;
  readonly deviceDid: string;
  readonly exp: number;
}

export interface SessionClaims {
  readonly deviceDid: string;
  readonly sessionDid: string;
  readonly iat: number;
  readonly exp: number;
}

/** Makes a session key and has `device` (TPM, sealed or software) certify it. */
export async function createSessionKey(
  device: Signer,
  opts: { crypto: CryptoPort; now: () => number; lifetimeSeconds?: number },
): Promise<SessionKey> {
  const lifetime = Math.min(opts.lifetimeSeconds ?? 12 * 3600, MAX_SESSION_SECONDS);
  const signer = softwareKeyStore(opts.crypto.randomBytes(32), opts.crypto);
  const iat = Math.floor(opts.now() / 1000);
  const exp = iat + lifetime;
  const claims = { v: 1, typ: 'ip2-session', sub: device.did, key: signer.did, iat, exp };
  const certificate = await signCose1(encodeCbor(claims), device, { contentType: 'application/ip2-session+cbor' });
  return { signer, certificate, deviceDid: device.did, exp };
}

/** Verifies a session certificate (signature first, then claims) at time `nowMs`. */
export function verifySessionCertificate(
  certificate: Uint8Array,
  opts: { crypto: CryptoPort; nowMs: number; deviceDid?: string; skewSeconds?: number },
): SessionClaims {
  const v = verifyCose1(certificate, { crypto: opts.crypto, maxBytes: MAX_CERT_BYTES, ...(opts.deviceDid === undefined ? {} : { kid: opts.deviceDid }) });
  const c = decodeCbor(v.payload, { maxBytes: 1024, maxDepth: 2, maxItems: 16 }) as Record<string, unknown>;
  const bad = (why: string): never => {
    throw new SessionError('SESSION_CERT_MALFORMED', `session certificate: ${why}`);
  };
  if (typeof c !== 'object' || c === null || c['v'] !== 1 || c['typ'] !== 'ip2-session') bad('not an ip2 session certificate');
  const { sub, key, iat, exp } = c as { sub: unknown; key: unknown; iat: unknown; exp: unknown };
  if (sub !== v.did) throw new SessionError('SESSION_CERT_WRONG_DEVICE', 'the certificate names another device than its signer');
  if (typeof key !== 'string' || typeof iat !== 'number' || typeof exp !== 'number') return bad('missing key, iat or exp');
  if (parseDidKey(key, opts.crypto).algorithm !== 'Ed25519') bad('session keys are Ed25519');
  if (exp <= iat || exp - iat > MAX_SESSION_SECONDS) bad(`lifetime must be 1 s to ${MAX_SESSION_SECONDS} s`);
  const now = Math.floor(opts.nowMs / 1000);
  const skew = opts.skewSeconds ?? 60;
  if (now > exp + skew) throw new SessionError('SESSION_CERT_EXPIRED', `session certificate expired at ${new Date(exp * 1000).toISOString()}`);
  if (now < iat - skew) throw new SessionError('SESSION_CERT_NOT_YET_VALID', 'session certificate is not valid yet');
  return { deviceDid: v.did, sessionDid: key, iat, exp };
}
