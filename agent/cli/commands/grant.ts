/** `ip2 grant` (delegate a command to another DID) and `ip2 revoke` (a grant, by hash). */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { encodeCbor } from '../../cbor/index.ts';
import { createGrant, parseGrantPayload, parsePredicate, type Predicate } from '../../intent/index.ts';
import { peekCosePayload } from '../../intent/fields.ts';
import { type Command, type Invocation, UsageError, flag, printJson, requireOption, stringOption } from '../command.ts';
import { connectOption, readGrantFile, report, sendIntent, withIdentity } from './intent.ts';

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

export function parseDuration(text: string): number {
  const m = /^(\d{1,6})([smhd])$/.exec(text);
  if (m === null) throw new UsageError(`--expires takes a duration like 90s, 30m, 24h or 7d, not ${text}`);
  return Number(m[1]) * UNITS[m[2]!]!;
}

function predicates(inv: Invocation): Predicate[] {
  const raw = inv.options['when'];
  const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : [];
  return list.map((text) => {
    try {
      return parsePredicate(JSON.parse(text));
    } catch {
      throw new UsageError(`--when takes a predicate like '["==", ".args.room", "kitchen"]', not ${text}`);
    }
  });
}

const grant: Command = {
  path: ['grant'],
  summary: 'delegate a command on a device to another DID, for a limited time',
  options: {
    to: { type: 'string', arg: 'DID', description: 'who receives the grant (required)' },
    cmd: { type: 'string', arg: 'CMD', description: 'the command, e.g. read_temperature, or * (required)' },
    expires: { type: 'string', arg: 'DURATION', description: 'how long it lasts: 90s, 30m, 24h, 7d (required)' },
    device: { type: 'string', arg: 'DID', description: 'the device (required unless --from gives it)' },
    when: { type: 'string', multiple: true, arg: 'PREDICATE', description: 'a condition on the args, JSON: ["<=", ".args.rate", 1]' },
    from: { type: 'string', arg: 'FILE', description: 're-delegate: the grant chain you hold (the new grant must be narrower)' },
    out: { type: 'string', arg: 'FILE', description: 'where to write the grant chain file (required)' },
    json: { type: 'boolean', description: 'print as JSON' },
  },
  details: `Writes a grant chain file (a CBOR array of COSE_Sign1 grants, root first) for the grantee, who
passes it to ip2 intent --grant. Prints the grant's hash, which ip2 revoke takes.`,
  async run(inv) {
    const to = requireOption(inv, 'to');
    const cmd = requireOption(inv, 'cmd');
    const seconds = parseDuration(requireOption(inv, 'expires'));
    const from = stringOption(inv, 'from');
    const parents = from === undefined ? [] : await readGrantFile(inv, from);
    const parent = parents.length === 0 ? undefined : parseGrantPayload(peekCosePayload(parents[parents.length - 1]!, 2048));
    const device = stringOption(inv, 'device') ?? parent?.sub;
    if (device === undefined) throw new UsageError('--device is required for a first grant');
    const now = Math.floor(Date.now() / 1000);
    const pol = [...(parent?.pol ?? []), ...predicates(inv)];
    const exp = Math.min(now + seconds, parent?.exp ?? Infinity);
    const { env, crypto } = await withIdentity(inv, async (store, crypto) => ({
      env: await createGrant(store, { aud: to, sub: device, cmd, pol, nbf: Math.max(now - 60, parent?.nbf ?? 0), exp }, crypto),
      crypto,
    }));
    const out = resolve(inv.io.cwd, requireOption(inv, 'out'));
    await writeFile(out, encodeCbor([...parents, env]), { mode: 0o600 });
    const hash = Buffer.from(crypto.sha256(env)).toString('hex');
    if (flag(inv, 'json')) printJson(inv, { hash, to, device, cmd, exp, depth: parents.length + 1, out });
    else inv.io.stdout.write(`granted ${cmd} on ${device}\n  to ${to} until ${new Date(exp * 1000).toISOString()} (depth ${parents.length + 1})\n  grant hash ${hash}\n  written to ${out}\n`);
  },
};

const revoke: Command = {
  path: ['revoke'],
  usage: '[GRANT_HASH]',
  summary: 'revoke a grant on a device (signed by you, a controller)',
  options: {
    to: { type: 'string', arg: 'DID', description: 'the device (required)' },
    grant: { type: 'string', arg: 'FILE', description: 'revoke the last grant of this chain file instead of a hash' },
    connect: connectOption,
    json: { type: 'boolean', description: 'print the reply as JSON' },
  },
  async run(inv) {
    const to = requireOption(inv, 'to');
    const file = stringOption(inv, 'grant');
    let hash = inv.positionals[0];
    if (file !== undefined) {
      const chain = await readGrantFile(inv, file);
      const last = chain[chain.length - 1];
      if (last === undefined) throw new UsageError(`${file} holds no grant`);
      hash = await withIdentity(inv, (_s, crypto) => Promise.resolve(Buffer.from(crypto.sha256(last)).toString('hex')));
    }
    if (hash === undefined || !/^[0-9a-f]{64}$/.test(hash)) throw new UsageError('give a grant hash (64 hex digits) or --grant FILE');
    const reply = await sendIntent(inv, to, 'revoke', { grant: hash });
    return report(inv, reply);
  },
};

export const grantCommands: Command[] = [grant, revoke];
