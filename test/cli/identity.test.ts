import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ip2 } from './helpers.ts';

describe('ip2 identity commands', () => {
  it('init, id --json, sign, verify: the foundation journey', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'ip2-cli-')), 'd');
    const init = await ip2(['init', '--dir', dir]);
    expect(init.code).toBe(0);
    const id = await ip2(['id', '--dir', dir, '--json']);
    const parsed = JSON.parse(id.out) as { did: string; assurance: string; algorithm: string };
    expect(parsed.did).toMatch(/^did:key:z6Mk/);
    expect(parsed).toMatchObject({ assurance: 'software', algorithm: 'Ed25519' });
    expect(init.out).toContain(parsed.did);
    const again = await ip2(['init', '--dir', dir]);
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/IDENTITY_EXISTS/);

    const payload = join(dir, 'payload.bin');
    await writeFile(payload, 'firmware manifest v1');
    const signed = await ip2(['sign', '--dir', dir, '--in', payload, '--out', `${payload}.cose`]);
    expect(signed.code).toBe(0);
    const verified = await ip2(['verify', '--in', `${payload}.cose`, '--json', '--payload', `${payload}.out`]);
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.out)).toMatchObject({ valid: true, signer: parsed.did, payloadBytes: 20 });
    expect(await readFile(`${payload}.out`, 'utf8')).toBe('firmware manifest v1');

    const env = await readFile(`${payload}.cose`);
    env[env.length - 1]! ^= 1;
    await writeFile(`${payload}.bad`, env);
    const bad = await ip2(['verify', '--in', `${payload}.bad`]);
    expect(bad.code).toBe(2);
    expect(bad.err.trim().split('\n')).toHaveLength(1);
    expect(bad.err).toMatch(/COSE_BAD_SIGNATURE/);
    const truncated = join(dir, 'trunc.cose');
    await writeFile(truncated, env.subarray(0, 30));
    expect((await ip2(['verify', '--in', truncated])).code).toBe(2);

    await chmod(join(dir, 'keys/device.ed25519'), 0o644);
    const loose = await ip2(['sign', '--dir', dir, '--in', payload, '--out', `${payload}.2`]);
    expect(loose.code).toBe(2);
    expect(loose.err).toMatch(/KEY_FILE_PERMISSIONS.*0644/);
  });

  it('uses $IP2_HOME when --dir is not given', async () => {
    const home = join(await mkdtemp(join(tmpdir(), 'ip2-home-')), 'h');
    expect((await ip2(['init'], { IP2_HOME: home })).code).toBe(0);
    const id = await ip2(['id', '--json'], { IP2_HOME: home });
    expect(id.code).toBe(0);
    expect((JSON.parse(id.out) as { did: string }).did).toMatch(/^did:key:/);
  });

  it('did resolve: a DID document for a good DID, exit 2 and one line for a bad one', async () => {
    const good = await ip2(['did', 'resolve', 'did:key:zDnaerx9CtbPJ1q36T5Ln5wYt3MQYeGRG5ehnPAmxcf5mDZpv']);
    expect(good.code).toBe(0);
    expect((JSON.parse(good.out) as { id: string }).id).toBe('did:key:zDnaerx9CtbPJ1q36T5Ln5wYt3MQYeGRG5ehnPAmxcf5mDZpv');
    for (const bad of ['did:key:nope', 'did:example:123', 'did:key:z6Mk']) {
      const r = await ip2(['did', 'resolve', bad]);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).not.toMatch(/\s+at\s/);
    }
  });

  it('help for everything, and usage errors exit 2', async () => {
    const top = await ip2(['--help']);
    expect(top.code).toBe(0);
    for (const word of ['init', 'id', 'did resolve', 'sign', 'verify']) expect(top.out).toContain(`ip2 ${word}`);
    const sub = await ip2(['sign', '--help']);
    expect(sub.out).toContain('--in FILE');
    expect((await ip2(['frobnicate'])).code).toBe(2);
    expect((await ip2(['id', '--bogus'])).code).toBe(2);
    expect((await ip2(['sign', '--dir', '/nonexistent'])).err).toMatch(/--in is required/);
  });
});

describe('the ip2 entry point as a process', () => {
  it('prints one line on stderr and exits 2 for an invalid DID', async () => {
    const run = promisify(execFile);
    const err = await run(process.execPath, ['--import', 'tsx', 'agent/cli/ip2.ts', 'did', 'resolve', 'did:key:zzz']).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(err?.code).toBe(2);
    expect(err?.stderr.trim().split('\n')).toHaveLength(1);
  });
});
