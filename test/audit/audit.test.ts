import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AuditError, KIND_RECORD, type NewRecord, decodeRecord, encodeRecord, frameEntry, openAuditLog, splitEntries, verifyAuditBytes,
} from '../../agent/audit/index.ts';
import { defaultCrypto } from '../../agent/crypto/index.ts';
import { softwareKeyStore } from '../../agent/identity/software-keystore.ts';

const crypto = defaultCrypto();
const device = softwareKeyStore(new Uint8Array(32).fill(3), crypto);
const other = softwareKeyStore(new Uint8Array(32).fill(4), crypto);

function rec(i: number): NewRecord {
  return {
    t: 1_800_000_000 + i, clockState: 'trusted', reqHash: crypto.sha256(Uint8Array.of(i)), iss: 'did:key:z6Mkexample', cmd: 'read_temperature',
    args: { room: 'kitchen', code: '***' }, decision: i % 3 === 0 ? 'deny' : 'allow', determining: ['owner reads sensors'], reason: i % 3 === 0 ? 'replay' : null,
  };
}

async function writeLog(n: number, every = 4): Promise<{ path: string; bytes: Uint8Array }> {
  const path = join(await mkdtemp(join(tmpdir(), 'ip2-audit-')), 'audit.log');
  let now = 0;
  const log = await openAuditLog({ path, crypto, signer: device, clock: { now: () => (now += 1000) }, sync: false, checkpointEvery: every });
  await Promise.all(Array.from({ length: n }, (_, i) => log.append(rec(i))));
  await log.close();
  return { path, bytes: await readFile(path) };
}

function code(f: () => unknown): string {
  try {
    f();
    return 'none';
  } catch (err) {
    return err instanceof AuditError ? err.code : `untyped: ${String(err)}`;
  }
}

describe('audit log', () => {
  it('chains records in order, checkpoints every N, and verifies', async () => {
    const { bytes } = await writeLog(10);
    const report = verifyAuditBytes(bytes, device.did, crypto);
    expect(report).toMatchObject({ records: 10, signedThrough: 9, unsignedTail: 0, tornBytes: 0 });
    expect(report.checkpoints).toBeGreaterThanOrEqual(3);
    const records = splitEntries(bytes).entries.filter((e) => e.kind === KIND_RECORD).map((e) => decodeRecord(e.body, e.offset));
    expect(records.map((r) => r.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(records[1]!.args).toEqual({ room: 'kitchen', code: '***' });
  });

  it('reopening continues the chain', async () => {
    const { path } = await writeLog(5);
    const log = await openAuditLog({ path, crypto, signer: device, clock: { now: () => 0 }, sync: false });
    expect((await log.append(rec(5))).seq).toBe(5);
    await log.close();
    expect(verifyAuditBytes(await readFile(path), device.did, crypto)).toMatchObject({ records: 6, unsignedTail: 0 });
  });

  it('detects an edited, a removed and a reordered record, and a forged checkpoint', async () => {
    const { bytes } = await writeLog(8, 100);
    const entries = splitEntries(bytes).entries;
    const records = entries.filter((e) => e.kind === KIND_RECORD);
    const rebuild = (bodies: Uint8Array[]): Uint8Array => {
      const parts = bodies.map((b) => frameEntry(KIND_RECORD, b));
      const last = entries[entries.length - 1]!;
      parts.push(frameEntry(last.kind, last.body));
      return Uint8Array.from(parts.flatMap((p) => [...p]));
    };
    const bodies = records.map((e) => e.body);

    const edited = bodies.slice();
    edited[3] = encodeRecord({ ...decodeRecord(bodies[3]!, 0), decision: 'allow', reason: null });
    expect(code(() => verifyAuditBytes(rebuild(edited), device.did, crypto))).toBe('AUDIT_CHAIN_BROKEN');
    const editedLast = bodies.slice();
    editedLast[7] = encodeRecord({ ...decodeRecord(bodies[7]!, 0), decision: 'deny' });
    expect(code(() => verifyAuditBytes(rebuild(editedLast), device.did, crypto))).toBe('AUDIT_BAD_CHECKPOINT');

    expect(code(() => verifyAuditBytes(rebuild(bodies.filter((_, i) => i !== 2)), device.did, crypto))).toBe('AUDIT_BAD_SEQUENCE');
    const swapped = bodies.slice();
    [swapped[4], swapped[5]] = [swapped[5]!, swapped[4]!];
    expect(code(() => verifyAuditBytes(rebuild(swapped), device.did, crypto))).toBe('AUDIT_BAD_SEQUENCE');

    // A consistent rewrite of the whole chain still fails at the device-signed checkpoint.
    expect(code(() => verifyAuditBytes(bytes, other.did, crypto))).toBe('AUDIT_BAD_CHECKPOINT');
    const flipped = bytes.slice();
    flipped[flipped.length - 2]! ^= 1;
    expect(code(() => verifyAuditBytes(flipped, device.did, crypto))).toBe('AUDIT_BAD_CHECKPOINT');
  });

  it('a torn final entry (a crash mid-write) is cut off at reopen', async () => {
    const { path, bytes } = await writeLog(3);
    await writeFile(path, Uint8Array.from([...bytes, KIND_RECORD, 0, 0, 1, 0, 0xa1]));
    expect(verifyAuditBytes(await readFile(path), device.did, crypto).tornBytes).toBe(6);
    const log = await openAuditLog({ path, crypto, signer: device, clock: { now: () => 0 }, sync: false });
    await log.append(rec(3));
    await log.close();
    expect(verifyAuditBytes(await readFile(path), device.did, crypto)).toMatchObject({ records: 4, tornBytes: 0 });
  });

  it('any bytes: a report or an AuditError, never anything else', async () => {
    const { bytes } = await writeLog(4, 2);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), fc.integer({ min: 0, max: 255 }), (junk, at, x) => {
        for (const input of [junk, (() => { const b = bytes.slice(); b[at % b.length]! ^= x; return b; })()]) {
          expect(code(() => verifyAuditBytes(input, device.did, crypto))).not.toMatch(/^untyped/);
        }
      }),
      { numRuns: 300 },
    );
  });
});
