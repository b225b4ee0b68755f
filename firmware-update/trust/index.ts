/**
 * TUF 1.0 trust metadata for firmware updates (DESIGN.md §8; PROTOCOL.md "## Firmware update
 * metadata and slots"): canonical JSON, Ed25519 envelopes with thresholds, the four top-level
 * roles with Uptane-style target fields, and the §5 client refresh with root rotation.
 */
export { canonicalBytes, canonicalString, compareCodePoints } from './canonical.ts';
export type { JsonValue } from './canonical.ts';
export * from './constants.ts';
export { decodeEnvelope, ed25519Key, encodeEnvelope, fromHex, keyId, signEnvelope, toHex, verifyRole } from './envelope.ts';
export type { Envelope, Signature } from './envelope.ts';
export { TrustError, isTrustError } from './errors.ts';
export type { TrustErrorCode } from './errors.ts';
export { parseRoot, parseSnapshot, parseTargets, parseTimestamp, safeTargetPath } from './metadata.ts';
export type { DeltaInfo, MetaFile, Metadata, PublicKey, RoleKeys, RoleName, Root, Snapshot, TargetCustom, TargetFile, Targets, Timestamp } from './metadata.ts';
export { loadTrustedRoot, refresh } from './refresh.ts';
export type { MetadataSource, RefreshDeps, TrustedMetadata, TrustedStore } from './refresh.ts';
