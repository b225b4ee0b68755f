/**
 * Short tunnel build records (`tunnel-creation-ecies.rst`, proposal 157; PROTOCOL.md § Tunnels):
 *
 *   record (218) = toPeer 16 ‖ ephemeral X25519 32 ‖ ChaCha20-Poly1305(k, n = 0, ad = h, request 154)
 *
 * encrypted with Noise N (`Noise_N_25519_ChaChaPoly_SHA256`, Noise rev 34 §7.4) to the hop's
 * static X25519 key. Request plaintext (154):
 *
 *   0  receiveTunnelId u32 ‖ 4 nextTunnelId u32 ‖ 8 nextRouter 32 ‖ 40 flags u8 (0x80 IBGW,
 *   0x40 OBEP) ‖ 41 layerType u8 (1) ‖ 42 reserved u16 (0) ‖ 44 requestTime u32 (minutes since
 *   the epoch) ‖ 48 expiration u32 (seconds, 600) ‖ 52 nextMsgId u32 ‖ 56 padding 98 (random)
 *
 * Keys (short-record KDF): (ck, replyKey) = HKDF(ck, "", "SMTunnelReplyKey"); (ck, layerKey) =
 * HKDF(ck, "", "SMTunnelLayerKey"); (_, nonceKey) = HKDF(ck, "", "TunnelLayerIVKey").
 * Reply (218) = ChaCha20-Poly1305(replyKey, n = slot, ad = h, reply 202), code at offset 201.
 * Every other record a hop passes on is XORed with ChaCha20(replyKey, 01 00 00 00 ‖ slot ‖ 0^7, 0).
 */
import type { CryptoPort } from '../../crypto/port.ts';
import type { KeyPair } from '../noise.ts';
import {
  LABEL_LAYER_KEY, LABEL_NONCE_KEY, LABEL_REPLY_KEY, NOISE_N_PROTOCOL, RECORD_EPHEMERAL_LEN, RECORD_LEN, RECORD_PLAINTEXT_LEN,
  RECORD_TO_PEER_LEN, REPLY_PLAINTEXT_LEN,
} from './constants.ts';
import { TunnelError } from './errors.ts';
import type { LayerKeys } from './layer.ts';

export interface BuildRequest {
  readonly receiveTunnelId: number;
  readonly nextTunnelId: number;
  readonly nextRouter: Uint8Array;
  readonly flags: number;
  readonly layerType: number;
  readonly requestTimeMin: number;
  readonly expirationSec: number;
  readonly nextMsgId: number;
}

export interface RecordKeys extends LayerKeys {
  readonly replyKey: Uint8Array;
  /** The Noise handshake hash after the payload: AD of the reply. */
  readonly h: Uint8Array;
}

const EMPTY = new Uint8Array(0);
const te = new TextEncoder();

export function encodeRequest(r: BuildRequest, padding: Uint8Array): Uint8Array {
  if (r.nextRouter.length !== 32 || padding.length !== RECORD_PLAINTEXT_LEN - 56) throw new RangeError('bad nextRouter or padding length');
  const out = new Uint8Array(RECORD_PLAINTEXT_LEN);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, r.receiveTunnelId >>> 0);
  dv.setUint32(4, r.nextTunnelId >>> 0);
  out.set(r.nextRouter, 8);
  out[40] = r.flags & 0xff;
  out[41] = r.layerType & 0xff;
  dv.setUint32(44, r.requestTimeMin >>> 0);
  dv.setUint32(48, r.expirationSec >>> 0);
  dv.setUint32(52, r.nextMsgId >>> 0);
  out.set(padding, 56);
  return out;
}

export function decodeRequest(p: Uint8Array): BuildRequest {
  if (p.length !== RECORD_PLAINTEXT_LEN) throw new TunnelError('RECORD_MALFORMED', 'request plaintext must be 154 bytes');
  const dv = new DataView(p.buffer, p.byteOffset, p.length);
  if ((p[40] as number) & 0x3f || dv.getUint16(42) !== 0) throw new TunnelError('RECORD_MALFORMED', 'reserved bits set');
  return {
    receiveTunnelId: dv.getUint32(0), nextTunnelId: dv.getUint32(4), nextRouter: p.slice(8, 40), flags: p[40] as number,
    layerType: p[41] as number, requestTimeMin: dv.getUint32(44), expirationSec: dv.getUint32(48), nextMsgId: dv.getUint32(52),
  };
}

/** Noise rev 34 §5.2 InitializeSymmetric + MixHash(prologue "") + MixHash(rs) + MixHash(e). */
function initialHash(crypto: CryptoPort, rs: Uint8Array, e: Uint8Array): Uint8Array {
  const name = te.encode(NOISE_N_PROTOCOL);
  const h0 = new Uint8Array(32);
  h0.set(name); // 31 bytes ≤ HASHLEN: padded with zeros (§5.2)
  return crypto.sha256(crypto.sha256(crypto.sha256(h0, EMPTY), rs), e);
}

/** Noise HKDF(ck, ikm) with two outputs = RFC 5869 with salt ck, empty info (Noise rev 34 §4.3). */
function hkdf2(crypto: CryptoPort, ck: Uint8Array, ikm: Uint8Array, info: Uint8Array = EMPTY): [Uint8Array, Uint8Array] {
  const out = crypto.hkdfSha256(ikm, ck, info, 64);
  return [out.slice(0, 32), out.slice(32)];
}

function deriveKeys(crypto: CryptoPort, ck0: Uint8Array, h: Uint8Array): RecordKeys {
  const [ck1, replyKey] = hkdf2(crypto, ck0, EMPTY, te.encode(LABEL_REPLY_KEY));
  const [ck2, layerKey] = hkdf2(crypto, ck1, EMPTY, te.encode(LABEL_LAYER_KEY));
  const [, nonceKey] = hkdf2(crypto, ck2, EMPTY, te.encode(LABEL_NONCE_KEY));
  return { replyKey, layerKey, nonceKey, h };
}

function noiseNonce(n: number): Uint8Array {
  const out = new Uint8Array(12);
  new DataView(out.buffer).setUint32(4, n, true); // Noise rev 34 §12.3: 4 zero bytes ‖ LE64 n
  return out;
}

/** Creator side: seals `request` to the hop with static key `hopStatic`; `ePriv` for vectors only. */
export function sealRecord(crypto: CryptoPort, hopHash: Uint8Array, hopStatic: Uint8Array, plaintext: Uint8Array, ePriv = crypto.randomBytes(32)): { record: Uint8Array; keys: RecordKeys } {
  if (plaintext.length !== RECORD_PLAINTEXT_LEN || hopHash.length !== 32) throw new RangeError('bad record plaintext or hop hash');
  const e = crypto.x25519.publicKey(ePriv);
  const h1 = initialHash(crypto, hopStatic, e);
  const name = new Uint8Array(32);
  name.set(te.encode(NOISE_N_PROTOCOL));
  const [ck, k] = hkdf2(crypto, name, crypto.x25519.sharedSecret(ePriv, hopStatic));
  const sealed = crypto.chacha20poly1305.seal(k, noiseNonce(0), plaintext, h1);
  const h2 = crypto.sha256(h1, sealed);
  const record = new Uint8Array(RECORD_LEN);
  record.set(hopHash.subarray(0, RECORD_TO_PEER_LEN));
  record.set(e, RECORD_TO_PEER_LEN);
  record.set(sealed, RECORD_TO_PEER_LEN + RECORD_EPHEMERAL_LEN);
  return { record, keys: deriveKeys(crypto, ck, h2) };
}

/** Hop side: opens a record addressed to us. Throws RECORD_AUTH_FAILED (or a low-order DH). */
export function openRecord(crypto: CryptoPort, own: KeyPair, record: Uint8Array): { request: BuildRequest; keys: RecordKeys; ephemeral: Uint8Array } {
  if (record.length !== RECORD_LEN) throw new TunnelError('RECORD_MALFORMED', 'record must be 218 bytes');
  const e = record.slice(RECORD_TO_PEER_LEN, RECORD_TO_PEER_LEN + RECORD_EPHEMERAL_LEN);
  const sealed = record.subarray(RECORD_TO_PEER_LEN + RECORD_EPHEMERAL_LEN);
  const h1 = initialHash(crypto, own.publicKey, e);
  const name = new Uint8Array(32);
  name.set(te.encode(NOISE_N_PROTOCOL));
  let plaintext: Uint8Array;
  let ck: Uint8Array;
  try {
    const [ck1, k] = hkdf2(crypto, name, crypto.x25519.sharedSecret(own.privateKey, e));
    plaintext = crypto.chacha20poly1305.open(k, noiseNonce(0), sealed, h1);
    ck = ck1;
  } catch (cause) {
    throw new TunnelError('RECORD_AUTH_FAILED', 'build record does not open', { cause });
  }
  const h2 = crypto.sha256(h1, sealed);
  return { request: decodeRequest(plaintext), keys: deriveKeys(crypto, ck, h2), ephemeral: e };
}

/** A hop's reply record for `slot`. */
export function sealReply(crypto: CryptoPort, keys: RecordKeys, slot: number, code: number): Uint8Array {
  const plain = new Uint8Array(REPLY_PLAINTEXT_LEN);
  plain[REPLY_PLAINTEXT_LEN - 1] = code;
  return crypto.chacha20poly1305.seal(keys.replyKey, noiseNonce(slot), plain, keys.h);
}

/** Creator side: the reply code in a reply record (after the later hops' XOR layers are peeled). */
export function openReply(crypto: CryptoPort, keys: RecordKeys, slot: number, record: Uint8Array): number {
  try {
    const plain = crypto.chacha20poly1305.open(keys.replyKey, noiseNonce(slot), record, keys.h);
    return plain[REPLY_PLAINTEXT_LEN - 1] as number;
  } catch (cause) {
    throw new TunnelError('RECORD_AUTH_FAILED', 'reply record does not open', { cause });
  }
}

/** XOR layer a hop puts on every record other than its own (and the creator peels or pre-applies). */
export function xorRecord(crypto: CryptoPort, replyKey: Uint8Array, slot: number, record: Uint8Array): Uint8Array {
  const n = new Uint8Array(12);
  n[0] = 1; // domain-separated from the AEAD nonce of the same slot
  n[4] = slot;
  return crypto.chacha20(replyKey, n, 0, record);
}
