/**
 * Release tooling for the manufacturer (issue 10): role keys, a static TUF repository,
 * releases with FWD1 deltas, signing and root rotation. Device side lives in ../client.
 */
export * from './constants.ts';
export { RepoError } from './errors.ts';
export type { RepoErrorCode } from './errors.ts';
export { generateRoleKeys, readKeyFile, readRoleKeys, signingKey, writeKeyFile } from './keys.ts';
export type { SigningKey } from './keys.ts';
export { initRepo, isoExpiry, readRoot, release, rotateRoot, signRole, signRotation } from './repository.ts';
export type { InitOptions, ReleaseOptions, RepoDeps, RotateOptions } from './repository.ts';
