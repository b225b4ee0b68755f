/** `ip2 audit tail` and `ip2 audit verify`: the device's decision log. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AUDIT_FILE, AuditError, KIND_RECORD, type AuditRecord, decodeRecord, splitEntries, verifyAuditBytes } from '../../audit/index.ts';
import { defaultCrypto } from '../../crypto/index.ts';
import { readIdentityRecord } from '../../identity/store.ts';
import { type Command, type Invocation, UsageError, flag, printJson, stringOption } from '../command.ts';
import { jsonable } from './intent.ts';

async function readLog(inv: Invocation): Promise<Uint8Array> {
  const path = join(inv.dir, AUDIT_FILE);
  return readFile(path).catch((cause: unknown) => {
    throw new AuditError('AUDIT_TRUNCATED', `no audit log at ${path}`, { cause, badInput: true });
  });
}

function line(r: AuditRecord): string {
  const who = r.iss === null ? '?' : `${r.iss.slice(0, 16)}…${r.iss.slice(-6)}`;
  const why = r.reason ?? (r.determining.length > 0 ? `by ${r.determining.join(', ')}` : '');
  const args = Object.keys(r.args).length > 0 ? ` ${JSON.stringify(r.args)}` : '';
  return `#${r.seq} ${new Date(r.t * 1000).toISOString()} [${r.clockState}] ${r.decision.toUpperCase()} ${r.cmd ?? '?'}${args} from ${who} ${why}`;
}

const tail: Command = {
  path: ['audit', 'tail'],
  summary: 'show the most recent decisions of this device',
  options: {
    n: { type: 'string', short: 'n', arg: 'N', description: 'how many (default 20)' },
    json: { type: 'boolean', description: 'print as JSON' },
  },
  async run(inv) {
    const n = Number(stringOption(inv, 'n') ?? '20');
    if (!Number.isSafeInteger(n) || n < 1) throw new UsageError('-n takes a positive number');
    const records = splitEntries(await readLog(inv)).entries
      .filter((e) => e.kind === KIND_RECORD)
      .slice(-n)
      .map((e) => decodeRecord(e.body, e.offset));
    if (flag(inv, 'json')) printJson(inv, jsonable(records));
    else inv.io.stdout.write(records.map((r) => `${line(r)}\n`).join(''));
  },
};

const verify: Command = {
  path: ['audit', 'verify'],
  summary: 'check the hash chain and the signed checkpoints of the audit log',
  options: { json: { type: 'boolean', description: 'print the report as JSON' } },
  details: 'Exit status 0 when intact; 2 with the first problem (an edited, removed or reordered record) otherwise.',
  async run(inv) {
    const crypto = defaultCrypto();
    const { did } = await readIdentityRecord(inv.dir, crypto);
    const report = verifyAuditBytes(await readLog(inv), did, crypto);
    if (flag(inv, 'json')) printJson(inv, { ok: true, ...jsonable(report) as object });
    else {
      const signed = report.checkpoints === 0 ? 'no signed checkpoint yet' : `signed through #${report.signedThrough}`;
      inv.io.stdout.write(`audit log intact: ${report.records} records, ${report.checkpoints} signed checkpoints, ${signed}` +
        `${report.unsignedTail > 0 ? `, ${report.unsignedTail} newer records chained but not yet signed` : ''}\n`);
    }
  },
};

export const auditCommands: Command[] = [tail, verify];
