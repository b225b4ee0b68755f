import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ip2 } from '../cli/helpers.ts';
import { w1Slave } from '../drivers/support/tree.ts';

async function until(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) if (await check()) return true;
  return false;
}
const exists = (p: string): Promise<boolean> => stat(p).then(() => true, () => false);

describe('first boot of ip2 run', () => {
  it('creates the identity, shows a pairing code, pairs the owner, and burns the code', async () => {
    const work = await mkdtemp(join(tmpdir(), 'ip2-firstboot-'));
    const dir = join(work, 'device');
    const owner = join(work, 'owner');
    expect((await ip2(['init', '--dir', owner, '--keystore', 'software'])).code).toBe(0);
    const ownerDid = (JSON.parse((await ip2(['id', '--dir', owner, '--json'])).out) as { did: string }).did;
    const provision = join(work, 'provision.json');
    await writeFile(provision, JSON.stringify({ v: 1, deviceName: 'garden', ownerDid, pairingCodeFile: true }));

    const child = spawn(process.execPath, ['--import', 'tsx', 'agent/cli/ip2.ts', 'run', '--dir', dir, '--provision', provision], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, IP2_TPM: 'tcp://127.0.0.1:1' },
    });
    let out = '';
    let log = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (log += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', r));
    try {
      expect(await until(() => Promise.resolve(/pairing code: \S+/.test(out)), 30_000), out + log).toBe(true);
      const did = /first boot: created (did:key:\S+)/.exec(out)?.[1];
      const code = /pairing code: (\S+)/.exec(out)?.[1];
      expect(did).toMatch(/^did:key:z6Mk/);
      expect(out).toMatch(/assurance software \(no TPM: /);
      expect(out).toContain(`expecting ${ownerDid}`);
      expect(log).toContain('"firstboot.pairing"');
      const codeFile = join(dir, 'pairing-code.txt');
      expect((await stat(codeFile)).mode & 0o777).toBe(0o600);

      const paired = await ip2(['pair', did!, '--code', code!, '--connect', join(dir, 'ip2.sock'), '--dir', owner]);
      expect(paired.code, paired.err).toBe(0);
      expect(await until(async () => !(await exists(codeFile)), 10_000)).toBe(true);
      const read = await ip2(['intent', 'read_temperature', '--to', did!, '--dir', owner, '--connect', join(dir, 'ip2.sock'), '--json']);
      expect(read.code, read.err).toBe(0);
      expect(read.out).toMatch(/temperature/);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 90_000);

  it('reads the configured sensor, not the simulated one: a DS18B20 on a 1-Wire tree', async () => {
    const work = await mkdtemp(join(tmpdir(), 'ip2-run-drv-'));
    const w1 = join(work, 'w1');
    await mkdir(join(w1, '28-0316a2795aff'), { recursive: true });
    await writeFile(join(w1, '28-0316a2795aff', 'w1_slave'), w1Slave(23125));
    const dir = join(work, 'device');
    const owner = join(work, 'owner');
    expect((await ip2(['init', '--dir', owner, '--keystore', 'software'])).code).toBe(0);
    const child = spawn(process.execPath, ['--import', 'tsx', 'agent/cli/ip2.ts', 'run', '--dir', dir, '--driver', `outside=ds18b20:${w1}`], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, IP2_TPM: 'tcp://127.0.0.1:1' },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', r));
    try {
      expect(await until(() => Promise.resolve(/pairing code: \S+/.test(out)), 30_000), out).toBe(true);
      const did = /ip2 device (did:key:\S+)/.exec(out)![1]!;
      const code = /pairing code: (\S+)/.exec(out)![1]!;
      expect((await ip2(['pair', did, '--code', code, '--connect', join(dir, 'ip2.sock'), '--dir', owner])).code).toBe(0);
      const read = await ip2(['intent', 'read_temperature', '--to', did, '--dir', owner, '--connect', join(dir, 'ip2.sock'), '--json']);
      expect(read.code, read.err).toBe(0);
      expect(JSON.parse(read.out)).toMatchObject({ ok: true, result: { sensor: 'outside', quantity: 'temperature', value: 23.125, unit: '°C' } });
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 90_000);

  it('refuses a bad provisioning file at start, naming the field', async () => {
    const work = await mkdtemp(join(tmpdir(), 'ip2-firstboot-'));
    const provision = join(work, 'p.json');
    await writeFile(provision, JSON.stringify({ v: 1, mqtt: { url: 'http://nope' } }));
    const r = await ip2(['run', '--dir', join(work, 'd'), '--provision', provision]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/PROVISION_INVALID.*mqtt\.url/);
    expect(await exists(join(work, 'd', 'identity.json'))).toBe(false);
  });
});
