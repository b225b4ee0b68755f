/**
 * Resolution of a did:key into its W3C DID document (DID Core 1.0 §5; did:key "Document
 * Creation Algorithm"), with a JsonWebKey2020 verification method carrying `publicKeyJwk`
 * (RFC 8037 §2 for OKP/Ed25519, RFC 7518 §6.2.1 for EC/P-256).
 */
import type { CryptoPort } from '../crypto/port.ts';
import { parseDidKey, type DidKey } from './didkey.ts';

export interface PublicKeyJwk {
  readonly kty: 'OKP' | 'EC';
  readonly crv: 'Ed25519' | 'P-256';
  readonly x: string;
  readonly y?: string;
}

export interface DidDocument {
  readonly '@context': readonly string[];
  readonly id: string;
  readonly verificationMethod: readonly [
    { readonly id: string; readonly type: 'JsonWebKey2020'; readonly controller: string; readonly publicKeyJwk: PublicKeyJwk },
  ];
  readonly authentication: readonly string[];
  readonly assertionMethod: readonly string[];
  readonly capabilityInvocation: readonly string[];
  readonly capabilityDelegation: readonly string[];
}

export function publicKeyJwk(key: DidKey, crypto: CryptoPort): PublicKeyJwk {
  if (key.algorithm === 'Ed25519') {
    return { kty: 'OKP', crv: 'Ed25519', x: b64url(key.publicKey) };
  }
  const full = crypto.p256.decompress(key.publicKey);
  return { kty: 'EC', crv: 'P-256', x: b64url(full.subarray(1, 33)), y: b64url(full.subarray(33, 65)) };
}

export function resolveDidKey(did: string, crypto: CryptoPort): DidDocument {
  const key = parseDidKey(did, crypto);
  const vm = `${key.did}#${key.fingerprint}`;
  return {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/suites/jws-2020/v1'],
    id: key.did,
    verificationMethod: [{ id: vm, type: 'JsonWebKey2020', controller: key.did, publicKeyJwk: publicKeyJwk(key, crypto) }],
    authentication: [vm],
    assertionMethod: [vm],
    capabilityInvocation: [vm],
    capabilityDelegation: [vm],
  };
}

/** The DID URL of a did:key's single verification method: `did:key:z…#z…`. */
export function verificationMethodId(did: string): string {
  return `${did}#${did.slice('did:key:'.length)}`;
}

function b64url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}
