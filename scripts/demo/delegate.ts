/**
 * The delegation journey: the owner grants read access to a second identity for an hour, the
 * delegate reads, the owner revokes, the delegate is refused with its reason; then the
 * device's audit log is shown and its hash chain and signed checkpoints verified.
 */
import { join } from 'node:path';
import { DemoError } from './errors.ts';
import { ip2Json, runIp2 } from './ip2.ts';
import type { Ctx, DeviceState, OwnerOutcome } from './journeys.ts';

export interface DelegateOutcome {
  readonly delegateDid: string;
  readonly grantHash: string;
  readonly readBeforeRevoke: number;
  readonly refusal: { reason: string; detail: string };
  readonly audit: { records: number; checkpoints: number; signedThrough: number };
}

interface Reply { ok: boolean; reason?: string; detail?: string; result?: { value?: number; unit?: string } }

export async function delegateJourney(ctx: Ctx, dev: DeviceState, own: OwnerOutcome): Promise<DelegateOutcome> {
  const { n, entry, env } = ctx;
  const dir = join(ctx.root, 'delegate');
  const grantFile = join(ctx.root, 'delegate.grant');
  const del = await n.wait('a second agent (the delegate) creates its identity', () => ip2Json<{ did: string }>(entry, ['init', '--dir', dir, '--json'], env));
  n.say(`delegate ${del.did}`);

  const grant = await n.wait('ip2 grant: the owner delegates read_temperature for 1 h', () =>
    ip2Json<{ hash: string; exp: number }>(entry, ['grant', '--dir', own.ownerDir, '--to', del.did, '--cmd', 'read_temperature', '--expires', '1h', '--device', dev.did, '--out', grantFile, '--json'], env));
  n.say(`grant ${grant.hash.slice(0, 16)}…, until ${new Date(grant.exp * 1000).toISOString()}`);

  const readArgv = ['intent', 'read_temperature', '--to', dev.did, '--dir', dir, '--grant', grantFile, '--connect', String(dev.port), '--json'];
  const first = await n.wait('the delegate reads with the grant', () => ip2Json<Reply>(entry, readArgv, env));
  if (!first.ok || typeof first.result?.value !== 'number') throw new DemoError('UNEXPECTED', `the delegate was refused: ${String(first.reason)}`);
  n.say(`temperature ${first.result.value} ${String(first.result.unit)}`);

  const revoked = await n.wait('ip2 revoke: the owner revokes the grant', () =>
    ip2Json<Reply>(entry, ['revoke', '--dir', own.ownerDir, '--to', dev.did, '--grant', grantFile, '--json'], env));
  if (!revoked.ok) throw new DemoError('UNEXPECTED', `the revocation was refused: ${String(revoked.reason)}`);

  const again = await n.wait('the delegate tries again', () => runIp2(entry, readArgv, env));
  const reply = JSON.parse(again.out === '' ? '{}' : again.out) as Reply;
  if (again.code === 0 || reply.ok !== false || reply.reason === undefined) throw new DemoError('UNEXPECTED', `a revoked grant was not refused (exit ${again.code})`);
  n.refused(`refused: ${reply.reason} (${String(reply.detail)})`);

  const tail = await runIp2(entry, ['audit', 'tail', '--dir', dev.dir, '-n', '5'], env);
  if (tail.code !== 0) throw new DemoError('COMMAND_FAILED', `ip2 audit tail: ${tail.err.trim()}`);
  n.say(`the device's audit log, last 5 decisions:\n${tail.out.trimEnd().split('\n').map((l) => `  ${l}`).join('\n')}`);
  const audit = await n.wait('ip2 audit verify: hash chain and signed checkpoints', () =>
    ip2Json<{ ok: boolean; records: number; checkpoints: number; signedThrough: number }>(entry, ['audit', 'verify', '--dir', dev.dir, '--json'], env));
  n.say(`intact: ${audit.records} records, ${audit.checkpoints} signed checkpoints`);
  ctx.tryLines.push({ what: 'the delegate, refused since the revocation', argv: readArgv.filter((a) => a !== '--json') });
  ctx.tryLines.push({ what: 'the device\'s decisions and their reasons', argv: ['audit', 'tail', '--dir', dev.dir] });
  ctx.tryLines.push({ what: '', argv: ['audit', 'verify', '--dir', dev.dir] });
  return {
    delegateDid: del.did, grantHash: grant.hash, readBeforeRevoke: first.result.value,
    refusal: { reason: reply.reason, detail: String(reply.detail) },
    audit: { records: audit.records, checkpoints: audit.checkpoints, signedThrough: audit.signedThrough },
  };
}
