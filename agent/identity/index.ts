/** Identities: did:key, DID documents, COSE_Sign1, and the key stores behind them. */
export { didKeyFromPublicKey, parseDidKey, type DidKey } from './didkey.ts';
export { resolveDidKey, publicKeyJwk, verificationMethodId, type DidDocument, type PublicKeyJwk } from './did-document.ts';
export { signCose1, verifyCose1, COSE_ALG, type Signer, type VerifiedCose, type VerifyOptions } from './cose.ts';
export type { KeyStore, Assurance, IdentityRecord } from './keystore-port.ts';
export { softwareKeyStore, createSoftwareKeyStore, openSoftwareKeyStore } from './software-keystore.ts';
export { initIdentity, openIdentity, readIdentityRecord, IDENTITY_FILE, type KeyStoreBackend } from './store.ts';
export { DidError, KeyStoreError, CoseError } from './errors.ts';
