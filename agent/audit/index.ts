/**
 * The tamper-evident decision log (DESIGN.md §2 audit/; research/identity.md §5.5):
 * hash-chained CBOR records, checkpoints of the chain head signed by the device key.
 *
 *   const log = await openAuditLog({ path, crypto, signer, clock });
 *   await log.append({ t, clockState, reqHash, iss, cmd, args, decision, determining, reason });
 *   verifyAuditBytes(await readFile(path), deviceDid, crypto); // throws AuditError on tampering
 */
export { openAuditLog, nodeAuditFs, type AuditLog, type AuditLogOptions, type AuditFs, type NewRecord } from './log.ts';
export {
  verifyAuditBytes, splitEntries, decodeRecord, verifyCheckpoint, frameEntry, encodeRecord,
  type AuditRecord, type AuditDecision, type Checkpoint, type VerifyReport, type Entry,
} from './format.ts';
export { AuditError, type AuditErrorCode } from './errors.ts';
export { KIND_RECORD, KIND_CHECKPOINT, AUDIT_FILE } from './constants.ts';
